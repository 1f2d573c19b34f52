//! `/api/v2/learning-path/teacher…` (partner API §4): a partner assigns a lab to teachers (and so to the students of
//! their sections), and reads the grades back with the path's `experiment-token`.
//!
//! Authorisation: every call is a partner call (`token` and `referer`, as every partner endpoint; the credential
//! decides the tenant). `PATCH`, `GET …/grades` and `DELETE` also need the header `experiment-token`, the token shown
//! once when the path was made: it is compared in constant time with the stored hash, and a missing or wrong one is
//! 403. A branch-scoped credential makes paths of its branch (teachers must teach there) and sees no other.

mod input;
pub mod json;

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    Json,
};
use classbridge_domain::{input::FieldReader, UnixMillis, ValidationErrors};
use classbridge_service::tokens::{constant_time_equal, token_sha256};
use classbridge_service::{
    labs::LearningPathRow,
    learning_paths::{self, LearningPathError, LearningPathUpdate, NewLearningPath},
    Page, StoreError,
};

use crate::{
    error::{ApiError, ApiResult},
    extract::{Paging, Partner, PartnerInput},
    openapi::{ErrorBody, ValidationErrorBody},
    state::AppState,
};
use input::{check_window, read_fields, resolve_teachers};
pub use input::{LearningPathChange, NewLearningPathBody};
pub use json::{GradeBook, LabRubricLine, LearningPath, LearningPathCreated, LearningPathDeleted};

/// Assigns an experiment to teachers, and so to the students of their sections: 201 with the path's
/// `experiment_token`, shown only here.
#[utoipa::path(post, path = "/api/v2/learning-path/teacher/experiment", tag = "learning paths",
    operation_id = "create_learning_path", security(("token" = [])),
    request_body(description = "JSON, or the same fields as a PHP-style form", content(
        (NewLearningPathBody = "application/json"),
        (NewLearningPathBody = "application/x-www-form-urlencoded"),
        (NewLearningPathBody = "multipart/form-data"))),
    responses(
        (status = 201, description = "Created; the token is shown only now", body = LearningPathCreated),
        (status = 400, description = "The body is not JSON, not an object, or a malformed form", body = ErrorBody),
        (status = 409, description = "A learning path with this `subject_uuid` already exists", body = ErrorBody),
        (status = 415, description = "A `Content-Type` other than JSON or a form", body = ErrorBody),
        (status = 422, description = "Invalid fields, every error at its path (`teacher_uuid.1`, `end_at`)", body = ValidationErrorBody)))]
pub async fn create_learning_path(
    State(state): State<AppState>,
    partner: Partner,
    input: PartnerInput,
) -> ApiResult<(StatusCode, Json<LearningPathCreated>)> {
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
    match learning_paths::create_learning_path(&state.service, partner.tenant_id(), &new).await {
        Ok(_) => Ok((
            StatusCode::CREATED,
            Json(LearningPathCreated {
                experiment_token: token,
                subject_uuid,
            }),
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
    let path =
        learning_paths::find_learning_path(&state.service, partner.scope(), subject_uuid.trim())
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

/// Changes a learning path: `subject_name` required, every other field optional (given teachers replace the old
/// ones; `null` clears `description`, `start_at`, `end_at`). The `subject_uuid` is immutable, and the experiment
/// cannot change once students have attempted it (409).
#[utoipa::path(patch, path = "/api/v2/learning-path/teacher/{subject_uuid}", tag = "learning paths",
    operation_id = "update_learning_path", security(("token" = [])),
    params(
        ("subject_uuid" = String, Path, description = "The path's `subject_uuid`"),
        ("experiment-token" = String, Header, description = "The path's token, from its create")),
    request_body(description = "JSON, or the same fields as a PHP-style form (also `POST` with `_method=PATCH`)", content(
        (LearningPathChange = "application/json"),
        (LearningPathChange = "application/x-www-form-urlencoded"),
        (LearningPathChange = "multipart/form-data"))),
    responses(
        (status = 200, description = "The path as it is now", body = LearningPath),
        (status = 400, description = "The body is not JSON, not an object, or a malformed form", body = ErrorBody),
        (status = 403, description = "The `experiment-token` header is missing or not this path's (or the `referer` is not the credential's origin)", body = ErrorBody),
        (status = 404, description = "No learning path with this `subject_uuid` in the credential's scope", body = ErrorBody),
        (status = 409, description = "The experiment cannot change: students have attempted the path", body = ErrorBody),
        (status = 415, description = "A `Content-Type` other than JSON or a form", body = ErrorBody),
        (status = 422, description = "Invalid fields, every error at its path", body = ValidationErrorBody)))]
pub async fn update_learning_path(
    State(state): State<AppState>,
    partner: Partner,
    headers: HeaderMap,
    Path(subject_uuid): Path<String>,
    input: PartnerInput,
) -> ApiResult<Json<LearningPath>> {
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
    let (path, teachers) =
        match learning_paths::update_learning_path(
            &state.service,
            partner.tenant_id(),
            &path,
            &update,
        )
        .await
        {
            Ok(updated) => updated,
            Err(LearningPathError::NotFound) => {
                return Err(ApiError::not_found(
                    "No learning path with this subject_uuid.",
                ))
            }
            Err(LearningPathError::ExperimentAttempted) => return Err(ApiError::Conflict(
                "The experiment cannot change: students have already attempted this learning path."
                    .into(),
            )),
            Err(LearningPathError::Store(error)) => return Err(error.into()),
        };
    Ok(Json(json::learning_path(&path, &teachers)))
}

/// Every student the path is for (and any who attempted it and has left those sections), paged by name, each
/// with their attempts (started, submitted, score, the rubric's lines), best score, attempts left and last attempt
/// time; and the path itself.
#[utoipa::path(get, path = "/api/v2/learning-path/teacher/{subject_uuid}/grades", tag = "learning paths",
    operation_id = "get_learning_path_grades", security(("token" = [])),
    params(
        ("subject_uuid" = String, Path, description = "The path's `subject_uuid`"),
        ("experiment-token" = String, Header, description = "The path's token, from its create"),
        Paging),
    responses(
        (status = 200, description = "A page of the grade book", body = GradeBook),
        (status = 403, description = "The `experiment-token` header is missing or not this path's (or the `referer` is not the credential's origin)", body = ErrorBody),
        (status = 404, description = "No learning path with this `subject_uuid` in the credential's scope", body = ErrorBody),
        (status = 422, description = "`page` or `per_page` out of range (or a query value with a NUL)", body = ValidationErrorBody)))]
pub async fn grades(
    State(state): State<AppState>,
    partner: Partner,
    headers: HeaderMap,
    paging: Paging,
    Path(subject_uuid): Path<String>,
) -> ApiResult<Json<GradeBook>> {
    let path = authorised_path(&state, &partner, &headers, &subject_uuid).await?;
    let (teachers, students) =
        learning_paths::grade_book(&state.service, partner.tenant_id(), &path).await?;
    let now = UnixMillis::new(state.clock.now_millis());
    let page = Page {
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
        .map(|line| json::student_grades(&path, line, now))
        .collect();
    let body = paging.body(&page, data);
    Ok(Json(GradeBook {
        data: body.data,
        meta: body.meta,
        links: body.links,
        learning_path: json::learning_path(&path, &teachers),
    }))
}

/// Deletes a learning path with its attempts; its token is void.
#[utoipa::path(delete, path = "/api/v2/learning-path/teacher/{subject_uuid}", tag = "learning paths",
    operation_id = "delete_learning_path", security(("token" = [])),
    params(
        ("subject_uuid" = String, Path, description = "The path's `subject_uuid`"),
        ("experiment-token" = String, Header, description = "The path's token, from its create")),
    responses(
        (status = 200, description = "Deleted", body = LearningPathDeleted),
        (status = 403, description = "The `experiment-token` header is missing or not this path's (or the `referer` is not the credential's origin)", body = ErrorBody),
        (status = 404, description = "No learning path with this `subject_uuid` in the credential's scope", body = ErrorBody)))]
pub async fn delete_learning_path(
    State(state): State<AppState>,
    partner: Partner,
    headers: HeaderMap,
    Path(subject_uuid): Path<String>,
) -> ApiResult<Json<LearningPathDeleted>> {
    let path = authorised_path(&state, &partner, &headers, &subject_uuid).await?;
    match learning_paths::delete_learning_path(&state.service, partner.tenant_id(), path.id).await {
        Ok(()) | Err(StoreError::NotFound) => Ok(Json(LearningPathDeleted {
            message: "Learning path deleted.".into(),
        })),
        Err(error) => Err(error.into()),
    }
}
