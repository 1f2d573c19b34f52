//! `PUT` and `DELETE /api/v2/mirror-data/users/{uuid}`: renaming or deleting a mirrored person by the partner's uuid.

use axum::{
    extract::{Path, State},
    Json,
};
use classbridge_domain::{
    input::{FieldReader, TextRules},
    ValidationErrors,
};
use classbridge_service::roster;

use super::mirror_bodies::{MirrorPersonJson, MirrorPersonRename};
use crate::{
    error::{ApiError, ApiResult},
    extract::{Partner, PartnerInput},
    openapi::{ErrorBody, MessageBody, ValidationErrorBody},
    state::AppState,
};

fn unknown_person() -> ApiError {
    ApiError::not_found("No user with this uuid; mirror the user's data first.")
}

/// Renames a mirrored person (the next mirror that names them sets the name again).
#[utoipa::path(put, path = "/api/v2/mirror-data/users/{uuid}", tag = "mirror", operation_id = "rename_mirrored_person", security(("token" = [])),
    params(("uuid" = String, Path, min_length = 1, max_length = 64, description = "The partner's id of the person")),
    request_body(description = "JSON, or the same field as a form.",
        content((MirrorPersonRename = "application/json"), (MirrorPersonRename = "application/x-www-form-urlencoded"),
                (MirrorPersonRename = "multipart/form-data"))),
    responses((status = 200, description = "The person", body = MirrorPersonJson),
              (status = 400, description = "The body is not valid JSON, or not an object, or a malformed form", body = ErrorBody),
              (status = 404, description = "No person with this uuid (in the credential's branch)", body = ErrorBody),
              (status = 415, description = "A body in another format", body = ErrorBody),
              (status = 422, description = "Missing or bad `name`", body = ValidationErrorBody)))]
pub async fn update_person(
    State(state): State<AppState>,
    partner: Partner,
    Path(uuid): Path<String>,
    input: PartnerInput,
) -> ApiResult<Json<MirrorPersonJson>> {
    let mut errors = ValidationErrors::new();
    let name = FieldReader::new(&mut errors, input.format).required_text(
        &input.fields,
        "",
        "name",
        TextRules::NAME,
    );
    errors.into_result().map_err(ApiError::Validation)?;
    let name = name.unwrap_or_default();
    let person = roster::rename_person(&state.service, partner.scope(), &uuid, &name)
        .await?
        .ok_or_else(unknown_person)?;
    Ok(Json(MirrorPersonJson {
        uuid,
        name,
        active: person.active,
    }))
}

/// Deletes a mirrored person for good, with their memberships.
#[utoipa::path(delete, path = "/api/v2/mirror-data/users/{uuid}", tag = "mirror", operation_id = "delete_mirrored_person", security(("token" = [])),
    params(("uuid" = String, Path, min_length = 1, max_length = 64, description = "The partner's id of the person")),
    responses((status = 200, description = "`{\"message\": \"User deleted.\"}`", body = MessageBody),
              (status = 404, description = "No person with this uuid (in the credential's branch)", body = ErrorBody)))]
pub async fn delete_person(
    State(state): State<AppState>,
    partner: Partner,
    Path(uuid): Path<String>,
) -> ApiResult<Json<MessageBody>> {
    if !roster::delete_person(&state.service, partner.scope(), &uuid).await? {
        return Err(unknown_person());
    }
    Ok(Json(MessageBody {
        message: "User deleted.",
    }))
}
