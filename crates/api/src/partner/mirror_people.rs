//! `PUT` and `DELETE /api/v2/mirror-data/users/{uuid}`: renaming or deleting a mirrored person by the partner's uuid.

use axum::{
    extract::{Path, State},
    Json,
};
use classbridge_domain::{
    input::{FieldReader, TextRules},
    ValidationErrors,
};
use classbridge_store::roster;
use serde_json::{json, Value};

use crate::{
    error::{ApiError, ApiResult},
    extract::{Partner, PartnerInput},
    state::AppState,
};

fn unknown_person() -> ApiError {
    ApiError::not_found("No user with this uuid; mirror the user's data first.")
}

/// Renames a mirrored person.
#[utoipa::path(put, path = "/api/v2/mirror-data/users/{uuid}", tag = "mirror", security(("token" = [])),
    params(("uuid" = String, Path, description = "The partner's id of the person")),
    responses((status = 200, description = "`{uuid, name, active}`"),
              (status = 404, description = "No person with this uuid", body = crate::openapi::ErrorBody),
              (status = 422, description = "Bad name", body = crate::openapi::ValidationErrorBody)))]
pub async fn update_person(
    State(state): State<AppState>,
    partner: Partner,
    Path(uuid): Path<String>,
    input: PartnerInput,
) -> ApiResult<Json<Value>> {
    let mut errors = ValidationErrors::new();
    let name = FieldReader::new(&mut errors, input.format).required_text(
        &input.fields,
        "",
        "name",
        TextRules::NAME,
    );
    errors.into_result().map_err(ApiError::Validation)?;
    let name = name.unwrap_or_default();
    let person = roster::find_person_by_uuid(&state.store, partner.scope(), &uuid)
        .await?
        .ok_or_else(unknown_person)?;
    let mut tx = state.store.begin().await?;
    roster::rename_person(&mut tx, partner.tenant_id(), person.id, &name).await?;
    tx.commit().await?;
    Ok(Json(
        json!({"uuid": uuid, "name": name, "active": person.active}),
    ))
}

/// Deletes a mirrored person for good, with their memberships.
#[utoipa::path(delete, path = "/api/v2/mirror-data/users/{uuid}", tag = "mirror", security(("token" = [])),
    params(("uuid" = String, Path)),
    responses((status = 200, description = "`{\"message\": \"User deleted.\"}`"),
              (status = 404, description = "No person with this uuid", body = crate::openapi::ErrorBody)))]
pub async fn delete_person(
    State(state): State<AppState>,
    partner: Partner,
    Path(uuid): Path<String>,
) -> ApiResult<Json<Value>> {
    let person = roster::find_person_by_uuid(&state.store, partner.scope(), &uuid)
        .await?
        .ok_or_else(unknown_person)?;
    if !roster::delete_person(&state.store, partner.scope(), person.id).await? {
        return Err(unknown_person());
    }
    Ok(Json(json!({"message": "User deleted."})))
}
