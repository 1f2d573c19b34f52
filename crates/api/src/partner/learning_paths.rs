//! `/api/v2/learning-path/teacher…` (partner API §4): a partner assigns a lab to teachers (and so to the students of
//! their sections), and reads the grades back with the path's `experiment-token`.
//!
//! Authorisation: every call is a partner call (`token` and `referer`, as every partner endpoint; the credential
//! decides the tenant). `PATCH`, `GET …/grades` and `DELETE` also need the header `experiment-token`, the token shown
//! once when the path was made: it is compared in constant time with the stored hash, and a missing or wrong one is
//! 403. A branch-scoped credential makes paths of its branch (teachers must teach there) and sees no other.

use std::collections::{HashMap, HashSet};

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    Json,
};
use classbridge_domain::{
    input::{FieldReader, TextRules},
    ValidationErrors,
};
use classbridge_service::{
    labs::{self, AttemptStatus, StudentAttempts},
    tokens::{constant_time_equal, token_sha256},
};
use classbridge_store::{
    lab_attempts::AttemptRow,
    learning_paths::{LearningPathRow, LearningPathUpdate, NewLearningPath},
    StoreError,
};
use serde_json::{json, Map, Value};

use super::subjects::read_uuid_value;
use crate::{
    error::{ApiError, ApiResult},
    extract::{Paging, Partner, PartnerInput},
    state::AppState,
    time::{parse_moment, rfc3339},
};

/// Most attempts a path may allow.
const MAX_ATTEMPTS: i64 = 100;
/// Most teachers of one path.
const MAX_TEACHERS: usize = 200;
const DESCRIPTION: TextRules = TextRules {
    max_chars: 2000,
    allow_empty: true,
};

/// The fields of a create or a `PATCH`, read; `None` where not given (or invalid: the errors say which).
#[derive(Default)]
struct PathFields {
    subject_uuid: Option<String>,
    subject_name: Option<String>,
    experiment_id: Option<String>,
    experiment_name: Option<String>,
    max_attempts: Option<i64>,
    /// `Some(None)`: cleared.
    description: Option<Option<String>>,
    start_at: Option<Option<i64>>,
    end_at: Option<Option<i64>>,
    /// `(index, uuid)` of each teacher given.
    teachers: Option<Vec<(usize, String)>>,
}

/// Reads the body; on create every required field must be there.
fn read_fields(input: &PartnerInput, creating: bool, errors: &mut ValidationErrors) -> PathFields {
    let fields = &input.fields;
    let mut reader = FieldReader::new(errors, input.format);
    let mut out = PathFields {
        subject_name: reader.required_text(fields, "", "subject_name", TextRules::NAME),
        ..PathFields::default()
    };
    if creating {
        out.subject_uuid = reader
            .present(fields, "", "subject_uuid")
            .and_then(|value| read_uuid_value(&mut reader, value, "subject_uuid"));
    }
    let required = |key: &str| creating || fields.contains_key(key);
    if required("experiment_id") {
        out.experiment_id = reader.required_text(fields, "", "experiment_id", TextRules::max(64));
        if let Some(id) = &out.experiment_id {
            if classbridge_labs::experiment(id).is_none() {
                reader.errors.add(
                    "experiment_id",
                    "The selected experiment_id is invalid: no experiment in the catalogue has this id.",
                );
                out.experiment_id = None;
            }
        }
    }
    if required("experiment_name") {
        out.experiment_name = reader.required_text(fields, "", "experiment_name", TextRules::NAME);
    }
    if required("max_attempts") {
        out.max_attempts = reader.required_integer(fields, "", "max_attempts");
        if let Some(max) = out.max_attempts {
            if !(1..=MAX_ATTEMPTS).contains(&max) {
                reader.errors.add(
                    "max_attempts",
                    format!("The max_attempts must be between 1 and {MAX_ATTEMPTS}."),
                );
                out.max_attempts = None;
            }
        }
    }
    if fields.contains_key("description") {
        out.description = Some(match FieldReader::optional(fields, "description") {
            None => None,
            Some(value) => reader
                .text(value, "description", DESCRIPTION)
                .filter(|d| !d.is_empty()),
        });
    }
    for key in ["start_at", "end_at"] {
        if !fields.contains_key(key) {
            continue;
        }
        let moment = match FieldReader::optional(fields, key) {
            None => Some(None),
            Some(Value::String(text)) if text.trim().is_empty() => Some(None),
            Some(value) => {
                let parsed = match value {
                    Value::String(text) => parse_moment(text),
                    Value::Number(number) => number.as_i64().and_then(|s| s.checked_mul(1000)),
                    _ => None,
                };
                if parsed.is_none() {
                    reader.errors.add(
                        key,
                        format!("The {key} must be a date (YYYY-MM-DD HH:mm:ss or RFC 3339)."),
                    );
                }
                parsed.map(Some)
            }
        };
        if key == "start_at" {
            out.start_at = moment;
        } else {
            out.end_at = moment;
        }
    }
    out.teachers = read_teachers(&mut reader, fields, creating);
    out
}

/// `teacher_uuid[i]` with `teacher_name[i]`: at least one teacher, each uuid with its name. A single value (not a
/// list) is read as a list of one.
fn read_teachers(
    reader: &mut FieldReader,
    fields: &Map<String, Value>,
    creating: bool,
) -> Option<Vec<(usize, String)>> {
    if !creating && !fields.contains_key("teacher_uuid") && !fields.contains_key("teacher_name") {
        return None;
    }
    let as_list = |value: Option<&Value>| -> Vec<Value> {
        match value {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items.clone(),
            Some(single) => vec![single.clone()],
        }
    };
    let uuids = as_list(fields.get("teacher_uuid"));
    let names = as_list(fields.get("teacher_name"));
    if uuids.is_empty() {
        reader.errors.add(
            "teacher_uuid",
            "The teacher_uuid field must have at least one teacher.",
        );
        return None;
    }
    if uuids.len() > MAX_TEACHERS {
        reader.errors.add(
            "teacher_uuid",
            format!("The teacher_uuid may not have more than {MAX_TEACHERS} items."),
        );
        return None;
    }
    let mut out = Vec::with_capacity(uuids.len());
    let mut seen = HashSet::new();
    for (index, value) in uuids.iter().enumerate() {
        let path = format!("teacher_uuid.{index}");
        let uuid = read_uuid_value(reader, value, &path);
        match names.get(index) {
            None | Some(Value::Null) => reader.errors.add(
                format!("teacher_name.{index}"),
                format!("The teacher_name.{index} field is required."),
            ),
            Some(name) => {
                reader.text(name, &format!("teacher_name.{index}"), TextRules::NAME);
            }
        }
        if let Some(uuid) = uuid {
            if seen.insert(uuid.clone()) {
                out.push((index, uuid));
            } else {
                reader
                    .errors
                    .add(&path, format!("The {path} is given twice."));
            }
        }
    }
    Some(out)
}

/// The ids of the teachers given, in order; unknown uuids (or, under a branch scope, teachers who do not teach in
/// its branch) are errors at their paths.
async fn resolve_teachers(
    state: &AppState,
    partner: &Partner,
    teachers: &[(usize, String)],
    errors: &mut ValidationErrors,
) -> ApiResult<Vec<i64>> {
    let uuids: Vec<String> = teachers.iter().map(|(_, uuid)| uuid.clone()).collect();
    let found: HashMap<String, i64> = state
        .store
        .teachers_by_uuid(partner.scope(), &uuids)
        .await?
        .into_iter()
        .collect();
    let mut ids = Vec::with_capacity(teachers.len());
    for (index, uuid) in teachers {
        match found.get(uuid) {
            Some(id) => ids.push(*id),
            None => {
                let path = format!("teacher_uuid.{index}");
                errors.add(
                    &path,
                    format!(
                        "The selected {path} is invalid: no teacher of this school has this uuid."
                    ),
                );
            }
        }
    }
    Ok(ids)
}

fn check_window(start_at: Option<i64>, end_at: Option<i64>, errors: &mut ValidationErrors) {
    if let (Some(start), Some(end)) = (start_at, end_at) {
        if end <= start {
            errors.add("end_at", "The end_at must be a date after start_at.");
        }
    }
}

/// `POST /api/v2/learning-path/teacher/experiment`: 201 `{experiment_token, subject_uuid}`; the token is shown
/// only here.
pub async fn create_learning_path(
    State(state): State<AppState>,
    partner: Partner,
    input: PartnerInput,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let mut errors = ValidationErrors::new();
    let fields = read_fields(&input, true, &mut errors);
    let teacher_ids = match &fields.teachers {
        Some(teachers) if !teachers.is_empty() => {
            resolve_teachers(&state, &partner, teachers, &mut errors).await?
        }
        _ => Vec::new(),
    };
    let start_at = fields.start_at.flatten();
    let end_at = fields.end_at.flatten();
    check_window(start_at, end_at, &mut errors);
    errors.into_result().map_err(ApiError::Validation)?;
    let subject_uuid = fields.subject_uuid.unwrap_or_default();
    let issued = classbridge_service::tokens::issue_partner_token();
    let token = format!(
        "cbx_{}",
        &issued.token[classbridge_service::tokens::TOKEN_PREFIX.len()..]
    );
    let new = NewLearningPath {
        branch_id: partner.credential.scope.branch_id(),
        subject_uuid: subject_uuid.clone(),
        subject_name: fields.subject_name.unwrap_or_default(),
        experiment_id: fields.experiment_id.unwrap_or_default(),
        experiment_name: fields.experiment_name.unwrap_or_default(),
        description: fields.description.flatten(),
        max_attempts: fields.max_attempts.unwrap_or(1),
        start_at,
        end_at,
        token_sha256: token_sha256(&token),
        teacher_ids,
    };
    match state
        .store
        .create_learning_path(partner.tenant_id(), &new)
        .await
    {
        Ok(_) => Ok((
            StatusCode::CREATED,
            Json(json!({"experiment_token": token, "subject_uuid": subject_uuid})),
        )),
        Err(StoreError::Conflict { .. }) => Err(ApiError::Conflict(
            "A learning path with this subject_uuid already exists; change it with PATCH.".into(),
        )),
        Err(error) => Err(error.into()),
    }
}

/// The path named in the URL, when the `experiment-token` header is its token: 404 for no such path (in this
/// tenant and scope), 403 for a missing or wrong token.
async fn authorised_path(
    state: &AppState,
    partner: &Partner,
    headers: &HeaderMap,
    subject_uuid: &str,
) -> ApiResult<LearningPathRow> {
    let path = state
        .store
        .find_learning_path(partner.scope(), subject_uuid.trim())
        .await?
        .ok_or_else(|| ApiError::not_found("No learning path with this subject_uuid."))?;
    let given = headers
        .get("experiment-token")
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|token| !token.is_empty());
    match given {
        Some(token) if constant_time_equal(&token_sha256(token), &path.token_sha256) => Ok(path),
        Some(_) => Err(ApiError::Forbidden(
            "The experiment-token header does not match this learning path.".into(),
        )),
        None => Err(ApiError::Forbidden(
            "This call needs the learning path's token in the experiment-token header.".into(),
        )),
    }
}

/// `PATCH /api/v2/learning-path/teacher/{subject_uuid}`: `subject_name` required, every other field optional (given
/// teachers replace the old ones; `null` clears `description`, `start_at`, `end_at`). The `subject_uuid` is
/// immutable, and the experiment cannot change once students have attempted it (409).
pub async fn update_learning_path(
    State(state): State<AppState>,
    partner: Partner,
    headers: HeaderMap,
    Path(subject_uuid): Path<String>,
    input: PartnerInput,
) -> ApiResult<Json<Value>> {
    let path = authorised_path(&state, &partner, &headers, &subject_uuid).await?;
    let mut errors = ValidationErrors::new();
    if let Some(given) = FieldReader::optional(&input.fields, "subject_uuid") {
        let same = classbridge_domain::input::lenient_text(given)
            .is_some_and(|text| text.trim() == path.subject_uuid);
        if !same {
            errors.add("subject_uuid", "The subject_uuid cannot be changed.");
        }
    }
    let fields = read_fields(&input, false, &mut errors);
    let teacher_ids = match &fields.teachers {
        Some(teachers) if !teachers.is_empty() => {
            Some(resolve_teachers(&state, &partner, teachers, &mut errors).await?)
        }
        _ => None,
    };
    let start_at = fields.start_at.unwrap_or(path.start_at);
    let end_at = fields.end_at.unwrap_or(path.end_at);
    check_window(start_at, end_at, &mut errors);
    errors.into_result().map_err(ApiError::Validation)?;
    let experiment_id = fields.experiment_id.unwrap_or(path.experiment_id.clone());
    if experiment_id != path.experiment_id
        && !state.store.attempts_at(&[path.id], None).await?.is_empty()
    {
        return Err(ApiError::Conflict(
            "The experiment cannot change: students have already attempted this learning path."
                .into(),
        ));
    }
    let update = LearningPathUpdate {
        subject_name: fields.subject_name.unwrap_or(path.subject_name.clone()),
        experiment_id,
        experiment_name: fields
            .experiment_name
            .unwrap_or(path.experiment_name.clone()),
        description: fields.description.unwrap_or(path.description.clone()),
        max_attempts: fields.max_attempts.unwrap_or(path.max_attempts),
        start_at,
        end_at,
        teacher_ids,
    };
    state
        .store
        .update_learning_path(partner.tenant_id(), path.id, &update)
        .await?;
    let path = state
        .store
        .learning_path_by_id(partner.tenant_id(), path.id)
        .await?
        .ok_or_else(|| ApiError::not_found("No learning path with this subject_uuid."))?;
    let teachers = state.store.teachers_of_paths(&[path.id]).await?;
    Ok(Json(path_json(&path, &teachers)))
}

/// A path as the API shows it (never its token).
fn path_json(
    path: &LearningPathRow,
    teachers: &[classbridge_store::learning_paths::PathPerson],
) -> Value {
    json!({
        "subject_uuid": path.subject_uuid,
        "subject_name": path.subject_name,
        "experiment_id": path.experiment_id,
        "experiment_name": path.experiment_name,
        "description": path.description,
        "max_attempts": path.max_attempts,
        "start_at": path.start_at.map(rfc3339),
        "end_at": path.end_at.map(rfc3339),
        "teachers": teachers.iter().filter(|t| t.learning_path_id == path.id)
            .map(|t| json!({"id": t.user_id, "uuid": t.uuid, "name": t.name})).collect::<Vec<_>>(),
        "created_at": rfc3339(path.created_at),
        "updated_at": rfc3339(path.updated_at),
    })
}

/// `GET /api/v2/learning-path/teacher/{subject_uuid}/grades`: every student the path is for (and any who attempted
/// it and has left those sections), paged by name, each with their attempts (started, submitted, score, the
/// rubric's lines), best score, attempts left and last attempt time.
pub async fn grades(
    State(state): State<AppState>,
    partner: Partner,
    headers: HeaderMap,
    paging: Paging,
    Path(subject_uuid): Path<String>,
) -> ApiResult<Json<Value>> {
    let path = authorised_path(&state, &partner, &headers, &subject_uuid).await?;
    let teachers = state.store.teachers_of_paths(&[path.id]).await?;
    let now = state.clock.now_millis();
    let students =
        classbridge_service::labs::grade_book(&state.store, partner.tenant_id(), &path).await?;
    let page = classbridge_store::Page {
        total: students.len() as i64,
        items: students
            .into_iter()
            .skip(paging.request.offset() as usize)
            .take(paging.request.per_page as usize)
            .collect::<Vec<_>>(),
        request: paging.request,
    };
    let data = page
        .items
        .iter()
        .map(|line| student_grades_json(&path, line, now))
        .collect();
    let mut body = paging.render(&page, data);
    body["learning_path"] = path_json(&path, &teachers);
    Ok(Json(body))
}

/// `DELETE /api/v2/learning-path/teacher/{subject_uuid}`: the path goes with its attempts; its token is void.
pub async fn delete_learning_path(
    State(state): State<AppState>,
    partner: Partner,
    headers: HeaderMap,
    Path(subject_uuid): Path<String>,
) -> ApiResult<Json<Value>> {
    let path = authorised_path(&state, &partner, &headers, &subject_uuid).await?;
    match state
        .store
        .delete_learning_path(partner.tenant_id(), path.id)
        .await
    {
        Ok(()) | Err(StoreError::NotFound) => {
            Ok(Json(json!({"message": "Learning path deleted."})))
        }
        Err(error) => Err(error.into()),
    }
}

/// One student's grades: their attempts (with the rubric's lines once submitted), best score, attempts left and the
/// time of their last attempt.
pub fn student_grades_json(path: &LearningPathRow, line: &StudentAttempts, now: i64) -> Value {
    let attempts: Vec<Value> = line.attempts.iter().map(|a| attempt_json(a, now)).collect();
    json!({
        "id": line.student.user_id,
        "uuid": line.student.uuid,
        "name": line.student.name,
        "attempts": attempts,
        "best_score": labs::best_score(&line.attempts),
        "attempts_left": labs::attempts_left(path, &line.attempts),
        "last_attempt_at": line.attempts.iter().map(|a| a.submitted_at.unwrap_or(a.started_at)).max().map(rfc3339),
    })
}

/// An attempt as the grades show it (never its seed or hidden values).
pub fn attempt_json(attempt: &AttemptRow, now: i64) -> Value {
    let rubric: Value = attempt
        .rubric
        .as_deref()
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_else(|| json!([]));
    json!({
        "id": attempt.id,
        "number": attempt.number,
        "status": AttemptStatus::of(attempt, now).as_str(),
        "started_at": rfc3339(attempt.started_at),
        "expires_at": rfc3339(attempt.expires_at),
        "submitted_at": attempt.submitted_at.map(rfc3339),
        "score": attempt.score,
        "rubric": rubric,
    })
}
