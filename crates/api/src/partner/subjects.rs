//! `/api/v2/subjects…` (partner API §3): the mirrored subjects with their branch, sections, classes and teachers, and
//! the supervisors of subjects, upserted by uuid with exactly the subjects given.

use std::collections::{HashMap, HashSet};

use axum::{
    extract::{Path, State},
    Json,
};
use classbridge_domain::{
    input::{lenient_text, FieldReader, TextRules},
    ValidationErrors,
};
use classbridge_store::subjects::{
    SubjectRow, SubjectSection, SubjectTeacher, SupervisorRow, SupervisorUpsert,
};
use serde_json::{json, Value};

use super::parse_id;
use crate::{
    error::{ApiError, ApiResult},
    extract::{Paging, Partner, PartnerInput},
    state::AppState,
    time::rfc3339,
};

/// Most supervisors in one request.
const MAX_SUPERVISORS: usize = 1000;
/// Most subjects of one supervisor.
const MAX_SUBJECTS: usize = 1000;

fn branch_json(subject: &SubjectRow) -> Value {
    json!({"id": subject.branch_id, "partner_id": subject.branch_partner_id, "name": subject.branch_name})
}

/// A subject with its branch, the sections that have it (with class and teachers) and its teachers.
fn subject_json(
    subject: &SubjectRow,
    sections: &[SubjectSection],
    teachers: &[SubjectTeacher],
) -> Value {
    let person = |t: &SubjectTeacher| json!({"id": t.user_id, "uuid": t.uuid, "name": t.name});
    let mut all_teachers: Vec<Value> = Vec::new();
    let mut seen = HashSet::new();
    for teacher in teachers.iter().filter(|t| t.subject_id == subject.id) {
        if seen.insert(teacher.user_id) {
            all_teachers.push(person(teacher));
        }
    }
    let sections: Vec<Value> = sections
        .iter()
        .filter(|s| s.subject_id == subject.id)
        .map(|section| {
            json!({
                "id": section.section_id,
                "name": section.section_name,
                "class": {"id": section.class_id, "partner_id": section.class_partner_id, "name": section.class_name},
                "teachers": teachers.iter()
                    .filter(|t| t.subject_id == subject.id && t.section_id == section.section_id)
                    .map(person).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "id": subject.id,
        "partner_id": subject.partner_id,
        "name": subject.name,
        "branch": branch_json(subject),
        "sections": sections,
        "teachers": all_teachers,
    })
}

/// `GET /api/v2/subjects`: the mirrored subjects (of the credential's branch when scoped), paged by id.
pub async fn list_subjects(
    State(state): State<AppState>,
    partner: Partner,
    paging: Paging,
) -> ApiResult<Json<Value>> {
    let page = state
        .store
        .list_subjects(partner.scope(), paging.request)
        .await?;
    let ids: Vec<i64> = page.items.iter().map(|s| s.id).collect();
    let (sections, teachers) = state.store.subject_details(&ids).await?;
    let data = page
        .items
        .iter()
        .map(|subject| subject_json(subject, &sections, &teachers))
        .collect();
    Ok(Json(paging.render(&page, data)))
}

/// `GET /api/v2/subjects/{id}`: one subject by classbridge's id.
pub async fn get_subject(
    State(state): State<AppState>,
    partner: Partner,
    Path(subject_id): Path<String>,
) -> ApiResult<Json<Value>> {
    let id = parse_id(&subject_id, "subject")?;
    let Some(subject) = state.store.find_subject(partner.scope(), id).await? else {
        return Err(ApiError::not_found("No subject with this id."));
    };
    let (sections, teachers) = state.store.subject_details(&[subject.id]).await?;
    Ok(Json(subject_json(&subject, &sections, &teachers)))
}

fn supervisor_json(row: &SupervisorRow, subjects: &[SubjectRow], status: Option<&str>) -> Value {
    let subjects: Vec<Value> = subjects
        .iter()
        .map(|s| json!({"id": s.id, "partner_id": s.partner_id, "name": s.name, "branch": branch_json(s)}))
        .collect();
    let mut value = json!({
        "id": row.id, "uuid": row.uuid, "name": row.name, "subjects": subjects,
        "created_at": rfc3339(row.created_at), "updated_at": rfc3339(row.updated_at),
    });
    if let Some(status) = status {
        value["status"] = json!(status);
    }
    value
}

/// `GET /api/v2/subjects/supervisors`: the tenant's supervisors with their subjects, paged.
pub async fn list_supervisors(
    State(state): State<AppState>,
    partner: Partner,
    paging: Paging,
) -> ApiResult<Json<Value>> {
    let branch = partner.credential.scope.branch_id();
    let page = state
        .store
        .list_supervisors(partner.scope(), paging.request)
        .await?;
    let ids: Vec<i64> = page.items.iter().map(|s| s.id).collect();
    let subjects = state.store.supervised_subjects(branch, &ids).await?;
    let data = page
        .items
        .iter()
        .map(|row| supervisor_json(row, subjects.get(&row.id).map_or(&[], Vec::as_slice), None))
        .collect();
    Ok(Json(paging.render(&page, data)))
}

/// `GET /api/v2/subjects/supervisors/{uuid}`.
pub async fn get_supervisor(
    State(state): State<AppState>,
    partner: Partner,
    Path(uuid): Path<String>,
) -> ApiResult<Json<Value>> {
    let branch = partner.credential.scope.branch_id();
    let Some(row) = state
        .store
        .find_supervisor(partner.scope(), uuid.trim())
        .await?
    else {
        return Err(ApiError::not_found("No supervisor with this uuid."));
    };
    let subjects = state.store.supervised_subjects(branch, &[row.id]).await?;
    Ok(Json(supervisor_json(
        &row,
        subjects.get(&row.id).map_or(&[], Vec::as_slice),
        None,
    )))
}

/// One item of the request, read.
struct Wanted {
    uuid: String,
    name: String,
    subject_ids: Vec<(usize, i64)>,
}

/// `POST /api/v2/subjects/supervisors`: `supervisors[i]` = `{name, uuid, subject_ids[]}` (the partner's subject ids
/// from the mirror). Each supervisor is created or renamed, gets the supervisor role, and supervises exactly those
/// subjects (in every branch where the partner's id names one). All or nothing: one invalid item refuses the request.
/// A branch-scoped credential may not create or change supervisors (403): they see across branches.
pub async fn upsert_supervisors(
    State(state): State<AppState>,
    partner: Partner,
    input: PartnerInput,
) -> ApiResult<Json<Value>> {
    classbridge_service::scope::require_tenant_wide(
        partner.scope(),
        "create or change supervisors (they see across branches)",
    )?;
    let tenant_id = partner.tenant_id();
    let mut errors = ValidationErrors::new();
    let mut reader = FieldReader::new(&mut errors, input.format);
    let mut wanted: Vec<Wanted> = Vec::new();
    if let Some(items) = reader.required_array(&input.fields, "", "supervisors") {
        if items.is_empty() {
            reader
                .errors
                .add("supervisors", "The supervisors must have at least 1 item.");
        }
        if items.len() > MAX_SUPERVISORS {
            reader.errors.add(
                "supervisors",
                format!("The supervisors may not have more than {MAX_SUPERVISORS} items."),
            );
        }
        let mut seen_uuids: HashMap<String, usize> = HashMap::new();
        for (index, item) in items.iter().enumerate().take(MAX_SUPERVISORS) {
            let path = format!("supervisors.{index}");
            let Some(object) = reader.object(item, &path) else {
                continue;
            };
            let name = reader.required_text(object, &path, "name", TextRules::NAME);
            let uuid = read_uuid(&mut reader, object, &path);
            if let Some(uuid) = &uuid {
                if let Some(first) = seen_uuids.get(uuid) {
                    reader.errors.add(
                        format!("{path}.uuid"),
                        format!("The {path}.uuid has already been used by supervisors.{first}."),
                    );
                } else {
                    seen_uuids.insert(uuid.clone(), index);
                }
            }
            let mut subject_ids = Vec::new();
            if let Some(ids) = reader.required_array(object, &path, "subject_ids") {
                if ids.len() > MAX_SUBJECTS {
                    reader.errors.add(
                        format!("{path}.subject_ids"),
                        format!(
                            "The {path}.subject_ids may not have more than {MAX_SUBJECTS} items."
                        ),
                    );
                }
                for (position, id) in ids.iter().enumerate().take(MAX_SUBJECTS) {
                    if let Some(id) = reader.integer(id, &format!("{path}.subject_ids.{position}"))
                    {
                        subject_ids.push((position, id));
                    }
                }
            }
            if let (Some(uuid), Some(name)) = (uuid, name) {
                wanted.push(Wanted {
                    uuid,
                    name,
                    subject_ids,
                });
            }
        }
    }
    let partner_ids: Vec<i64> = {
        let mut ids: Vec<i64> = wanted
            .iter()
            .flat_map(|w| w.subject_ids.iter().map(|(_, id)| *id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let known = state
        .store
        .subjects_by_partner_ids(
            classbridge_domain::Scope::tenant_wide(tenant_id),
            &partner_ids,
        )
        .await?;
    let mut by_partner: HashMap<i64, Vec<i64>> = HashMap::new();
    for (partner_id, id) in known {
        by_partner.entry(partner_id).or_default().push(id);
    }
    let mut upserts = Vec::with_capacity(wanted.len());
    for (index, want) in wanted.iter().enumerate() {
        let mut ids = Vec::new();
        for (position, partner_id) in &want.subject_ids {
            match by_partner.get(partner_id) {
                Some(found) => ids.extend(found),
                None => {
                    let path = format!("supervisors.{index}.subject_ids.{position}");
                    errors.add(
                        &path,
                        format!("The selected {path} is invalid: no mirrored subject has this id."),
                    );
                }
            }
        }
        ids.sort_unstable();
        ids.dedup();
        upserts.push(SupervisorUpsert {
            uuid: want.uuid.clone(),
            name: want.name.clone(),
            subject_ids: ids,
        });
    }
    errors.into_result().map_err(ApiError::Validation)?;
    let written = state.store.upsert_supervisors(tenant_id, &upserts).await?;
    let ids: Vec<i64> = written.iter().map(|(id, _)| *id).collect();
    let subjects = state.store.supervised_subjects(None, &ids).await?;
    let mut data = Vec::with_capacity(written.len());
    for ((id, created), upsert) in written.iter().zip(&upserts) {
        let Some(row) = state
            .store
            .find_supervisor(
                classbridge_domain::Scope::tenant_wide(tenant_id),
                &upsert.uuid,
            )
            .await?
        else {
            continue;
        };
        data.push(supervisor_json(
            &row,
            subjects.get(id).map_or(&[], Vec::as_slice),
            Some(if *created { "created" } else { "updated" }),
        ));
    }
    Ok(Json(json!({"data": data})))
}

/// A person's uuid: required, a text (or a number read as its text), trimmed, 1–64 characters without white space.
pub fn read_uuid(
    reader: &mut FieldReader,
    object: &serde_json::Map<String, Value>,
    parent: &str,
) -> Option<String> {
    let value = reader.present(object, parent, "uuid")?;
    let path = classbridge_domain::validation::child_path(parent, "uuid");
    read_uuid_value(reader, value, &path)
}

/// [`read_uuid`] of a value already found, at `path`.
pub fn read_uuid_value(reader: &mut FieldReader, value: &Value, path: &str) -> Option<String> {
    let problem = match lenient_text(value) {
        None => "must be a string.",
        Some(text) => {
            let uuid = text.trim();
            if uuid.is_empty() {
                "field must not be empty."
            } else if uuid.chars().count() > 64 {
                "may not be greater than 64 characters."
            } else if uuid.chars().any(|c| c.is_whitespace() || c.is_control()) {
                "must not contain spaces or control characters."
            } else {
                return Some(uuid.to_owned());
            }
        }
    };
    reader.errors.add(path, format!("The {path} {problem}"));
    None
}
