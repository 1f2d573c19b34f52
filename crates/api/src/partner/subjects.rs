//! `/api/v2/subjects…` (partner API §3): the mirrored subjects with their branch, sections, classes and teachers, and
//! the supervisors of subjects, upserted by uuid with exactly the subjects given.

use std::collections::{HashMap, HashSet};

use axum::{
    extract::{Path, State},
    Json,
};
use classbridge_domain::{
    input::{lenient_text, FieldReader, TextRules},
    SubjectId, ValidationErrors,
};
use classbridge_service::subjects::{
    self as rows, SubjectRow, SupervisorError, SupervisorRow, WantedSupervisor,
};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::parse_id;
use crate::{
    error::{ApiError, ApiResult},
    extract::{PageBody, Paging, Partner, PartnerInput},
    openapi::{ErrorBody, ValidationErrorBody},
    state::AppState,
    time::rfc3339,
};

/// Most supervisors in one request.
const MAX_SUPERVISORS: usize = 1000;
/// Most subjects of one supervisor.
const MAX_SUBJECTS: usize = 1000;

/// The branch a subject belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectBranch {
    /// classbridge's id of the branch.
    pub id: i64,
    /// The partner's id of the branch (from the mirror).
    pub partner_id: i64,
    pub name: String,
}

/// A class, as a section of a subject names it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectClass {
    /// classbridge's id of the class.
    pub id: i64,
    /// The partner's id of the class (from the mirror).
    pub partner_id: i64,
    pub name: String,
}

/// A teacher of a subject.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectTeacher {
    /// classbridge's id of the person.
    pub id: i64,
    /// The partner's id of the person; `null` for someone made by hand without one.
    pub uuid: Option<String>,
    pub name: String,
}

/// A section that has the subject, with its class and the subject's teachers there.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectSection {
    /// classbridge's id of the section.
    pub id: i64,
    pub name: String,
    pub class: SubjectClass,
    pub teachers: Vec<SubjectTeacher>,
}

/// A mirrored subject with its branch, the sections that have it and all its teachers.
#[derive(Debug, Serialize, ToSchema)]
pub struct Subject {
    /// classbridge's id of the subject.
    pub id: i64,
    /// The partner's id of the subject (from the mirror).
    pub partner_id: i64,
    pub name: String,
    pub branch: SubjectBranch,
    pub sections: Vec<SubjectSection>,
    /// Every teacher of the subject, each once.
    pub teachers: Vec<SubjectTeacher>,
}

fn branch_of(subject: &SubjectRow) -> SubjectBranch {
    SubjectBranch {
        id: subject.branch_id.get(),
        partner_id: subject.branch_partner_id,
        name: subject.branch_name.clone(),
    }
}

/// A subject with its branch, the sections that have it (with class and teachers) and its teachers.
fn subject_body(
    subject: &SubjectRow,
    sections: &[rows::SubjectSection],
    teachers: &[rows::SubjectTeacher],
) -> Subject {
    let person = |t: &rows::SubjectTeacher| SubjectTeacher {
        id: t.user_id.get(),
        uuid: t.uuid.clone(),
        name: t.name.clone(),
    };
    let mut all_teachers = Vec::new();
    let mut seen = HashSet::new();
    for teacher in teachers.iter().filter(|t| t.subject_id == subject.id) {
        if seen.insert(teacher.user_id) {
            all_teachers.push(person(teacher));
        }
    }
    let sections = sections
        .iter()
        .filter(|s| s.subject_id == subject.id)
        .map(|section| SubjectSection {
            id: section.section_id.get(),
            name: section.section_name.clone(),
            class: SubjectClass {
                id: section.class_id.get(),
                partner_id: section.class_partner_id,
                name: section.class_name.clone(),
            },
            teachers: teachers
                .iter()
                .filter(|t| t.subject_id == subject.id && t.section_id == section.section_id)
                .map(person)
                .collect(),
        })
        .collect();
    Subject {
        id: subject.id.get(),
        partner_id: subject.partner_id,
        name: subject.name.clone(),
        branch: branch_of(subject),
        sections,
        teachers: all_teachers,
    }
}

/// The mirrored subjects (of the credential's branch when it is branch-scoped), paged by id.
#[utoipa::path(get, path = "/api/v2/subjects", tag = "subjects", operation_id = "list_subjects",
    security(("token" = [])),
    params(Paging),
    responses(
        (status = 200, description = "A page of subjects", body = PageBody<Vec<Subject>>),
        (status = 422, description = "`page` or `per_page` out of range (or a query value with a NUL)", body = ValidationErrorBody)))]
pub async fn list_subjects(
    State(state): State<AppState>,
    partner: Partner,
    paging: Paging,
) -> ApiResult<Json<PageBody<Vec<Subject>>>> {
    let found = rows::list_subjects(&state.service, partner.scope(), paging.request).await?;
    let data = found
        .subjects
        .items
        .iter()
        .map(|subject| subject_body(subject, &found.sections, &found.teachers))
        .collect();
    Ok(Json(paging.body(&found.subjects, data)))
}

/// One subject by classbridge's id.
#[utoipa::path(get, path = "/api/v2/subjects/{subject_id}", tag = "subjects", operation_id = "get_subject",
    security(("token" = [])),
    params(("subject_id" = i64, Path, minimum = 1, description = "classbridge's id of the subject")),
    responses(
        (status = 200, description = "The subject", body = Subject),
        (status = 404, description = "No subject with this id in the credential's scope (also for an id that is not a positive integer)", body = ErrorBody)))]
pub async fn get_subject(
    State(state): State<AppState>,
    partner: Partner,
    Path(subject_id): Path<String>,
) -> ApiResult<Json<Subject>> {
    let id = parse_id::<SubjectId>(&subject_id, "subject")?;
    let Some(found) = rows::find_subject(&state.service, partner.scope(), id).await? else {
        return Err(ApiError::not_found("No subject with this id."));
    };
    Ok(Json(subject_body(
        &found.subjects,
        &found.sections,
        &found.teachers,
    )))
}

/// A subject a supervisor supervises.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupervisedSubject {
    /// classbridge's id of the subject.
    pub id: i64,
    /// The partner's id of the subject (from the mirror).
    pub partner_id: i64,
    pub name: String,
    pub branch: SubjectBranch,
}

/// A supervisor with the subjects they supervise.
#[derive(Debug, Serialize, ToSchema)]
pub struct Supervisor {
    /// classbridge's id of the person.
    pub id: i64,
    /// The partner's id of the person.
    pub uuid: Option<String>,
    pub name: String,
    /// The subjects supervised (under a branch-scoped credential, those of its branch).
    pub subjects: Vec<SupervisedSubject>,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub created_at: String,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// Whether an upsert made the supervisor or changed one already there.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum UpsertStatus {
    Created,
    Updated,
}

/// A supervisor as the upsert wrote them.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupervisorWritten {
    /// classbridge's id of the person.
    pub id: i64,
    /// The partner's id of the person.
    pub uuid: Option<String>,
    pub name: String,
    /// Exactly the subjects given, in every branch where the partner's id names one.
    pub subjects: Vec<SupervisedSubject>,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub created_at: String,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub updated_at: String,
    pub status: UpsertStatus,
}

/// The answer to an upsert: every supervisor of the request, in its order.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupervisorsWritten {
    pub data: Vec<SupervisorWritten>,
}

fn supervised(subjects: &[SubjectRow]) -> Vec<SupervisedSubject> {
    subjects
        .iter()
        .map(|s| SupervisedSubject {
            id: s.id.get(),
            partner_id: s.partner_id,
            name: s.name.clone(),
            branch: branch_of(s),
        })
        .collect()
}

fn supervisor_body(row: &SupervisorRow, subjects: &[SubjectRow]) -> Supervisor {
    Supervisor {
        id: row.id.get(),
        uuid: row.uuid.clone(),
        name: row.name.clone(),
        subjects: supervised(subjects),
        created_at: rfc3339(row.created_at.millis()),
        updated_at: rfc3339(row.updated_at.millis()),
    }
}

/// The tenant's supervisors with their subjects, paged.
#[utoipa::path(get, path = "/api/v2/subjects/supervisors", tag = "subjects", operation_id = "list_supervisors",
    security(("token" = [])),
    params(Paging),
    responses(
        (status = 200, description = "A page of supervisors", body = PageBody<Vec<Supervisor>>),
        (status = 422, description = "`page` or `per_page` out of range (or a query value with a NUL)", body = ValidationErrorBody)))]
pub async fn list_supervisors(
    State(state): State<AppState>,
    partner: Partner,
    paging: Paging,
) -> ApiResult<Json<PageBody<Vec<Supervisor>>>> {
    let found = rows::list_supervisors(&state.service, partner.scope(), paging.request).await?;
    let data = found
        .supervisors
        .items
        .iter()
        .map(|row| supervisor_body(row, found.subjects.get(&row.id).map_or(&[], Vec::as_slice)))
        .collect();
    Ok(Json(paging.body(&found.supervisors, data)))
}

/// One supervisor by the partner's uuid.
#[utoipa::path(get, path = "/api/v2/subjects/supervisors/{uuid}", tag = "subjects", operation_id = "get_supervisor",
    security(("token" = [])),
    params(("uuid" = String, Path, description = "The partner's id of the supervisor (surrounding white space is ignored)")),
    responses(
        (status = 200, description = "The supervisor", body = Supervisor),
        (status = 404, description = "No supervisor with this uuid", body = ErrorBody)))]
pub async fn get_supervisor(
    State(state): State<AppState>,
    partner: Partner,
    Path(uuid): Path<String>,
) -> ApiResult<Json<Supervisor>> {
    let Some(found) = rows::find_supervisor(&state.service, partner.scope(), uuid.trim()).await?
    else {
        return Err(ApiError::not_found("No supervisor with this uuid."));
    };
    let row = &found.supervisors;
    Ok(Json(supervisor_body(
        row,
        found.subjects.get(&row.id).map_or(&[], Vec::as_slice),
    )))
}

/// The body of `POST /api/v2/subjects/supervisors`. In a form body the keys are PHP-style:
/// `supervisors[0][name]=…&supervisors[0][uuid]=…&supervisors[0][subject_ids][]=4`.
#[derive(Debug, ToSchema)]
pub struct SupervisorsUpsert {
    /// The supervisors to create or change, all or nothing; each uuid once.
    #[schema(min_items = 1, max_items = 1000)]
    pub supervisors: Vec<SupervisorUpsertItem>,
}

/// One supervisor to create or change.
#[derive(Debug, ToSchema)]
pub struct SupervisorUpsertItem {
    /// Their name (trimmed; no control characters).
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub name: String,
    /// The partner's id of the person (trimmed; no white space or control characters inside); a number is read as
    /// its text.
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"^[^\s\x00-\x1f\x7f-\x9f]+$"
    )]
    pub uuid: String,
    /// The partner's ids of the subjects they supervise (from the mirror), exactly these; `[]` for none. Each must
    /// name a mirrored subject (422 at its path otherwise). Integers, or their decimal text.
    #[schema(max_items = 1000)]
    pub subject_ids: Vec<i64>,
}

/// Creates or changes supervisors: `supervisors[i]` = `{name, uuid, subject_ids[]}` (the partner's subject ids
/// from the mirror). Each supervisor is created or renamed, gets the supervisor role, and supervises exactly those
/// subjects (in every branch where the partner's id names one). All or nothing: one invalid item refuses the request.
/// A branch-scoped credential may not create or change supervisors (403): they see across branches.
#[utoipa::path(post, path = "/api/v2/subjects/supervisors", tag = "subjects", operation_id = "upsert_supervisors",
    security(("token" = [])),
    request_body(description = "JSON, or the same fields as a PHP-style form", content(
        (SupervisorsUpsert = "application/json"),
        (SupervisorsUpsert = "application/x-www-form-urlencoded"),
        (SupervisorsUpsert = "multipart/form-data"))),
    responses(
        (status = 200, description = "Every supervisor of the request, created or updated", body = SupervisorsWritten),
        (status = 400, description = "The body is not JSON, not an object, or a malformed form", body = ErrorBody),
        (status = 403, description = "A branch-scoped credential (supervisors see across branches), the `referer` is not the credential's origin, or the tenant is disabled", body = ErrorBody),
        (status = 415, description = "A `Content-Type` other than JSON or a form", body = ErrorBody),
        (status = 422, description = "Invalid fields, every error at its dot path (`supervisors.0.subject_ids.2`)", body = ValidationErrorBody)))]
pub async fn upsert_supervisors(
    State(state): State<AppState>,
    partner: Partner,
    input: PartnerInput,
) -> ApiResult<Json<SupervisorsWritten>> {
    classbridge_service::scope::require_tenant_wide(
        partner.scope(),
        "create or change supervisors (they see across branches)",
    )?;
    let tenant_id = partner.tenant_id();
    let mut errors = ValidationErrors::new();
    let mut reader = FieldReader::new(&mut errors, input.format);
    let mut wanted: Vec<WantedSupervisor> = Vec::new();
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
                wanted.push(WantedSupervisor {
                    uuid,
                    name,
                    subject_ids,
                });
            }
        }
    }
    let written = match rows::upsert_supervisors(&state.service, tenant_id, &wanted, errors).await {
        Ok(written) => written,
        Err(SupervisorError::Invalid(errors)) => return Err(ApiError::Validation(errors)),
        Err(SupervisorError::Store(error)) => return Err(error.into()),
    };
    let data = written
        .into_iter()
        .map(|written| SupervisorWritten {
            id: written.row.id.get(),
            uuid: written.row.uuid,
            name: written.row.name,
            subjects: supervised(&written.subjects),
            created_at: rfc3339(written.row.created_at.millis()),
            updated_at: rfc3339(written.row.updated_at.millis()),
            status: if written.created {
                UpsertStatus::Created
            } else {
                UpsertStatus::Updated
            },
        })
        .collect();
    Ok(Json(SupervisorsWritten { data }))
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
