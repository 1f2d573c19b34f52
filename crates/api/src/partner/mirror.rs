//! Mirror data over HTTP: `POST /api/v2/mirror-data/branches` and `/simple` spool the body to disk while it
//! arrives, validate it by streaming (one branch at a time), then store it with a queued job in one transaction and
//! answer 202. Job status, person updates and the branch tree are read here too.

use std::io::Write;

use axum::{
    body::Body,
    extract::{Path, Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use classbridge_domain::{
    input::BodyFormat,
    mirror::{stream_items, MirrorKind, MirrorValidator, StreamError},
    BranchScope,
};
use classbridge_service::mirror::{
    accept::{self, EarlierAnswer, MirrorToQueue, QueueError},
    DEFAULT_BRANCH_PARTNER_ID,
};

use super::mirror_bodies::{JobJson, MirrorAccepted, MirrorBranchesBody, MirrorSimpleBody};
use futures::StreamExt;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::{
    error::{ApiError, ApiResult},
    extract::{PageBody, Paging, Partner},
    openapi::{ErrorBody, ValidationErrorBody},
    state::AppState,
};

/// Form bodies are parsed whole, so they get a smaller limit than JSON, which streams.
const FORM_LIMIT_BYTES: u64 = 64 * 1024 * 1024;

/// Mirrors branches (the partner's whole truth for each branch named): checked whole, then applied by a job.
#[utoipa::path(post, path = "/api/v2/mirror-data/branches", tag = "mirror", operation_id = "mirror_branches", security(("token" = [])),
    params(("force" = Option<bool>, Query, description = "Apply even past the removal safety threshold (`true`, `1`, `on`, `yes`; `false`, `0`, `off`, `no`)"),
           ("Idempotency-Key" = Option<String>, Header, max_length = 255, description = "Same key and body within 24 h: the first answer again, nothing queued")),
    request_body(description = "JSON (streamed up to the mirror body limit), or the same fields as a PHP-style form (up to 64 MiB).",
        content((MirrorBranchesBody = "application/json"), (MirrorBranchesBody = "application/x-www-form-urlencoded"),
                (MirrorBranchesBody = "multipart/form-data"))),
    responses((status = 202, description = "Queued: read the job at `status_url`", body = MirrorAccepted),
              (status = 400, description = "Not JSON, not an object, or a malformed form", body = ErrorBody),
              (status = 409, description = "The `Idempotency-Key` was used with another body, or its first request is still being accepted", body = ErrorBody),
              (status = 415, description = "A body in another format", body = ErrorBody),
              (status = 422, description = "Invalid payload: every error by dot path (at most 1,000), or a bad `force` or `Idempotency-Key`", body = ValidationErrorBody)))]
pub async fn post_branches(
    state: State<AppState>,
    partner: Partner,
    query: Query<Vec<(String, String)>>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    accept_mirror(state, partner, MirrorKind::Branches, query, headers, body).await
}

/// Mirrors classrooms of the tenant's default branch (for partners without a school hierarchy). Only a tenant-wide
/// credential may (403 for a branch's).
#[utoipa::path(post, path = "/api/v2/mirror-data/simple", tag = "mirror", operation_id = "mirror_simple", security(("token" = [])),
    params(("force" = Option<bool>, Query, description = "Apply even past the removal safety threshold (`true`, `1`, `on`, `yes`; `false`, `0`, `off`, `no`)"),
           ("Idempotency-Key" = Option<String>, Header, max_length = 255, description = "Same key and body within 24 h: the first answer again, nothing queued")),
    request_body(description = "JSON, or the same fields as a PHP-style form (up to 64 MiB).",
        content((MirrorSimpleBody = "application/json"), (MirrorSimpleBody = "application/x-www-form-urlencoded"),
                (MirrorSimpleBody = "multipart/form-data"))),
    responses((status = 202, description = "Queued: read the job at `status_url`", body = MirrorAccepted),
              (status = 400, description = "Not JSON, not an object, or a malformed form", body = ErrorBody),
              (status = 409, description = "The `Idempotency-Key` was used with another body, or its first request is still being accepted", body = ErrorBody),
              (status = 415, description = "A body in another format", body = ErrorBody),
              (status = 422, description = "Invalid payload: every error by dot path (at most 1,000), or a bad `force` or `Idempotency-Key`", body = ValidationErrorBody)))]
pub async fn post_simple(
    state: State<AppState>,
    partner: Partner,
    query: Query<Vec<(String, String)>>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    accept_mirror(state, partner, MirrorKind::Simple, query, headers, body).await
}

async fn accept_mirror(
    State(state): State<AppState>,
    partner: Partner,
    kind: MirrorKind,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let form = match essence.as_str() {
        "application/json" => false,
        "application/x-www-form-urlencoded" | "multipart/form-data" => true,
        _ => {
            return Err(ApiError::UnsupportedMediaType(
                "Send the mirror as application/json (or as a form, up to 64 MiB).".into(),
            ))
        }
    };
    // A form is parsed whole, so its own smaller limit applies from the declared length on.
    let limit = if form {
        state
            .settings
            .mirror_body_limit_bytes
            .min(FORM_LIMIT_BYTES as usize)
    } else {
        state.settings.mirror_body_limit_bytes
    };
    let (spool, size, body_sha256) = spool_body(&state, &headers, body, limit).await?;
    let idempotency_key = headers
        .get("idempotency-key")
        .map(|value| value.to_str().map(str::trim).map(str::to_owned))
        .transpose()
        .map_err(|_| ApiError::BadRequest("The Idempotency-Key header must be text.".into()))?
        .filter(|key| !key.is_empty());
    if let Some(key) = &idempotency_key {
        if key.len() > 255 {
            return Err(ApiError::validation(
                "Idempotency-Key",
                "The Idempotency-Key may not be greater than 255 characters.",
            ));
        }
        match accept::earlier_answer(&state.service, partner.tenant_id(), key, &body_sha256).await?
        {
            EarlierAnswer::None => {}
            EarlierAnswer::DifferentBody => {
                return Err(ApiError::Conflict(
                    "This Idempotency-Key was already used with a different body.".into(),
                ))
            }
            EarlierAnswer::Same { status, body } => {
                let status = StatusCode::from_u16(status as u16).unwrap_or(StatusCode::ACCEPTED);
                let body: Value = serde_json::from_str(&body).unwrap_or_default();
                return Ok((status, Json(body)).into_response());
            }
        }
    }

    let query_force = query
        .iter()
        .find(|(key, _)| key == "force")
        .map(|(_, value)| value.clone());
    // A form body is parsed whole (within its own limit) and stored as the JSON it stands for.
    let (payload, format) = if form {
        if size > FORM_LIMIT_BYTES {
            return Err(ApiError::PayloadTooLarge(FORM_LIMIT_BYTES as usize));
        }
        let bytes = tokio::fs::read(spool.path())
            .await
            .map_err(ApiError::internal)?;
        let value = crate::extract::form_body_to_json(&content_type, bytes.into()).await?;
        let converted = tempfile::NamedTempFile::new_in(&state.settings.spool_dir)
            .map_err(ApiError::internal)?;
        let mut writer = std::io::BufWriter::new(converted.reopen().map_err(ApiError::internal)?);
        serde_json::to_writer(&mut writer, &value).map_err(ApiError::internal)?;
        writer.flush().map_err(ApiError::internal)?;
        drop(spool);
        (converted, BodyFormat::Form)
    } else {
        (spool, BodyFormat::Json)
    };
    let allow_student_teacher = state.settings.allow_student_teacher;
    let scope = partner.credential.scope;
    let (payload, checked) = tokio::task::spawn_blocking(move || {
        let checked = check_payload(&payload, kind, format, allow_student_teacher, scope);
        (payload, checked)
    })
    .await
    .map_err(ApiError::internal)?;
    let checked = checked?;
    let force = match query_force.as_deref() {
        None => checked.force,
        Some("1" | "true" | "on" | "yes") => true,
        Some("0" | "false" | "off" | "no" | "") => false,
        Some(_) => {
            return Err(ApiError::validation(
                "force",
                "The force field must be true or false.",
            ))
        }
    };

    let job_id = ulid::Ulid::new().to_string();
    let answer = MirrorAccepted {
        message: "Data queued for synchronization.",
        job_id: job_id.clone(),
        status: "queued",
        status_url: format!("/api/v2/mirror-data/jobs/{job_id}"),
    };
    let answer_text = serde_json::to_string(&answer).map_err(ApiError::internal)?;
    let mirror = MirrorToQueue {
        job_id: &job_id,
        kind,
        force,
        form,
        items: checked.items,
        stored_bytes: checked.stored_bytes,
        body_sha256: &body_sha256,
        idempotency: idempotency_key
            .as_deref()
            .map(|key| (key, answer_text.as_str())),
    };
    let file = payload.reopen().map_err(ApiError::internal)?;
    match accept::queue_mirror_job(&state.service, partner.scope(), &mirror, file).await {
        Ok(()) => {}
        Err(QueueError::KeyBeingAccepted) => {
            return Err(ApiError::Conflict(
                "A request with this Idempotency-Key is being accepted; retry in a moment.".into(),
            ))
        }
        Err(QueueError::Payload(error)) => return Err(ApiError::internal(error)),
        Err(QueueError::Store(error)) => return Err(error.into()),
    }
    state.jobs.wake();
    tracing::info!(job_id = %job_id, bytes = size, items = checked.items, "mirror accepted");
    Ok((StatusCode::ACCEPTED, Json(answer)).into_response())
}

/// Writes the body to a temporary file as it arrives, hashing it; 413 past `limit`.
async fn spool_body(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> ApiResult<(tempfile::NamedTempFile, u64, String)> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(ApiError::PayloadTooLarge(limit));
    }
    accept::create_spool_dir(&state.settings.spool_dir).map_err(ApiError::internal)?;
    let spool =
        tempfile::NamedTempFile::new_in(&state.settings.spool_dir).map_err(ApiError::internal)?;
    let mut writer =
        std::io::BufWriter::with_capacity(256 * 1024, spool.reopen().map_err(ApiError::internal)?);
    let mut hasher = Sha256::new();
    let mut size: u64 = 0;
    let mut stream = body.into_data_stream();
    while let Some(piece) = stream.next().await {
        let piece = piece.map_err(ApiError::unreadable_body)?;
        size += piece.len() as u64;
        if size > limit as u64 {
            crate::extract::drain_rest(&mut stream).await;
            return Err(ApiError::PayloadTooLarge(limit));
        }
        hasher.update(&piece);
        writer.write_all(&piece).map_err(ApiError::internal)?;
    }
    writer.flush().map_err(ApiError::internal)?;
    Ok((spool, size, hex::encode(hasher.finalize())))
}

struct CheckedPayload {
    items: usize,
    force: bool,
    stored_bytes: u64,
}

/// Validates the stored JSON by streaming it: one branch (or classroom) in memory at a time.
fn check_payload(
    payload: &tempfile::NamedTempFile,
    kind: MirrorKind,
    format: BodyFormat,
    allow_student_teacher: bool,
    scope: BranchScope,
) -> ApiResult<CheckedPayload> {
    let source = payload.reopen().map_err(ApiError::internal)?;
    let stored_bytes = source.metadata().map(|m| m.len()).unwrap_or_default();
    let mut validator = MirrorValidator::new(kind, format, allow_student_teacher);
    let mut outside_scope: Option<String> = None;
    let top = stream_items(
        std::io::BufReader::with_capacity(256 * 1024, source),
        kind,
        |index, value| {
            match kind {
                MirrorKind::Branches => {
                    let position = index.unwrap_or(0);
                    if let Some(branch) = validator.branch(position, &value) {
                        if !scope.allows_branch(branch.id) && outside_scope.is_none() {
                            outside_scope = Some(format!("branches.{position}"));
                        }
                    }
                }
                MirrorKind::Simple => {
                    validator.classroom(index, &value);
                }
            }
            if validator.is_full() {
                return Err("too many errors");
            }
            Ok(())
        },
    );
    let top = match top {
        Ok(top) => top,
        Err(StreamError::Callback(_)) => {
            return Err(ApiError::Validation(validator.finish_partial()));
        }
        Err(StreamError::Io(error)) => return Err(ApiError::internal(error)),
        Err(error) => return Err(ApiError::BadRequest(error.to_string())),
    };
    let summary = validator.finish(&top).map_err(ApiError::Validation)?;
    if kind == MirrorKind::Simple && !scope.allows_branch(DEFAULT_BRANCH_PARTNER_ID) {
        return Err(ApiError::Forbidden("This credential may only mirror its own branch; the simple mirror writes the tenant's default branch.".into()));
    }
    if let Some(path) = outside_scope {
        return Err(ApiError::Forbidden(format!(
            "This credential may only mirror branch {}; {path} names another.",
            scope.branch_id().unwrap_or_default()
        )));
    }
    Ok(CheckedPayload {
        items: summary.items,
        force: summary.force,
        stored_bytes,
    })
}

/// One mirror job: status, progress, counts and per-record errors.
#[utoipa::path(get, path = "/api/v2/mirror-data/jobs/{job_id}", tag = "mirror", operation_id = "get_job", security(("token" = [])),
    params(("job_id" = String, Path, description = "The job's id, as the mirror's answer gave it")),
    responses((status = 200, description = "The job", body = JobJson),
              (status = 404, description = "No such job in this tenant (or the credential's branch)", body = ErrorBody)))]
pub async fn get_job(
    State(state): State<AppState>,
    partner: Partner,
    Path(job_id): Path<String>,
) -> ApiResult<Response> {
    match accept::find_job(&state.service, partner.scope(), &job_id).await? {
        Some(job) => Ok(Json(JobJson::from(&job)).into_response()),
        None => Err(ApiError::not_found("No job with this id.")),
    }
}

/// The tenant's mirror jobs, newest first, optionally by `status`.
#[utoipa::path(get, path = "/api/v2/mirror-data/jobs", tag = "mirror", operation_id = "list_jobs", security(("token" = [])),
    params(("status" = Option<classbridge_domain::JobStatus>, Query, description = "Only jobs in this status"), Paging),
    responses((status = 200, description = "A page of jobs", body = PageBody<Vec<JobJson>>),
              (status = 422, description = "Unknown `status`, bad `page` or `per_page`", body = ValidationErrorBody)))]
pub async fn list_jobs(
    State(state): State<AppState>,
    partner: Partner,
    paging: Paging,
) -> ApiResult<Response> {
    let status = paging
        .other_query
        .iter()
        .find(|(key, _)| key == "status")
        .map(|(_, value)| value.as_str());
    let status = match status {
        Some(text) => Some(classbridge_domain::JobStatus::parse(text).ok_or_else(|| {
            let names: Vec<&str> = classbridge_domain::JobStatus::ALL
                .iter()
                .map(|status| status.as_str())
                .collect();
            ApiError::validation(
                "status",
                format!("The status must be one of: {}.", names.join(", ")),
            )
        })?),
        None => None,
    };
    let page = accept::list_jobs(&state.service, partner.scope(), status, paging.request).await?;
    let data: Vec<JobJson> = page.items.iter().map(JobJson::from).collect();
    Ok(Json(paging.body(&page, data)).into_response())
}
