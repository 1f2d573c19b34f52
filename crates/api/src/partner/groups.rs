//! `/groups`: the tenant's own groups of users (partner API section 2), created, read, renamed and deleted here.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use classbridge_domain::{
    input::{FieldReader, TextRules},
    ValidationErrors,
};
use classbridge_store::{Group, StoreError};
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;

use super::parse_id;
use crate::{
    error::{ApiError, ApiResult},
    extract::{Paging, Partner, PartnerInput},
    state::AppState,
    time::rfc3339,
};

#[derive(Serialize, ToSchema)]
pub struct GroupJson {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Group> for GroupJson {
    fn from(group: Group) -> Self {
        Self {
            id: group.id,
            name: group.name,
            description: group.description,
            created_at: rfc3339(group.created_at),
            updated_at: rfc3339(group.updated_at),
        }
    }
}

/// The body of `POST /groups` and `PUT /groups/{id}` (JSON or form).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct GroupInput {
    /// 1–255 characters, unique in the tenant. Required to create.
    name: String,
    /// Up to 1000 characters; null clears it.
    description: Option<String>,
}

const DESCRIPTION: TextRules = TextRules {
    max_chars: 1000,
    allow_empty: true,
};

fn name_taken() -> ApiError {
    ApiError::validation("name", "The name has already been taken.")
}

fn group_not_found() -> ApiError {
    ApiError::not_found("No group with this id.")
}

/// The tenant's groups, paged, oldest first.
#[utoipa::path(get, path = "/groups", tag = "groups", security(("token" = [])),
    params(("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query, description = "1–1000, default 100")),
    responses((status = 200, description = "`{data, meta, links}` of groups", body = [GroupJson]),
              (status = 422, description = "Bad page or per_page", body = crate::openapi::ValidationErrorBody)))]
pub async fn list_groups(
    State(state): State<AppState>,
    partner: Partner,
    paging: Paging,
) -> ApiResult<Json<Value>> {
    let page = state
        .store
        .list_groups(partner.scope(), paging.request)
        .await?;
    let data = page
        .items
        .iter()
        .cloned()
        .map(|group| serde_json::to_value(GroupJson::from(group)).unwrap_or(Value::Null))
        .collect();
    Ok(Json(paging.render(&page, data)))
}

/// Creates a group.
#[utoipa::path(post, path = "/groups", tag = "groups", security(("token" = [])),
    request_body(content = GroupInput, content_type = "application/json"),
    responses((status = 201, description = "The new group", body = GroupJson),
              (status = 422, description = "Invalid fields, or the name is taken", body = crate::openapi::ValidationErrorBody)))]
pub async fn create_group(
    State(state): State<AppState>,
    partner: Partner,
    input: PartnerInput,
) -> ApiResult<(StatusCode, Json<GroupJson>)> {
    let mut errors = ValidationErrors::new();
    let mut reader = FieldReader::new(&mut errors, input.format);
    let name = reader.required_text(&input.fields, "", "name", TextRules::NAME);
    let description = reader.optional_text(&input.fields, "", "description", DESCRIPTION);
    errors.into_result().map_err(ApiError::Validation)?;
    let name = name.unwrap_or_default();
    match state
        .store
        .create_group(
            partner.scope(),
            &name,
            description.as_deref().filter(|d| !d.is_empty()),
        )
        .await
    {
        Ok(group) => Ok((StatusCode::CREATED, Json(group.into()))),
        Err(StoreError::Conflict { .. }) => Err(name_taken()),
        Err(error) => Err(error.into()),
    }
}

/// One group.
#[utoipa::path(get, path = "/groups/{group_id}", tag = "groups", security(("token" = [])),
    params(("group_id" = i64, Path)),
    responses((status = 200, description = "The group", body = GroupJson),
              (status = 404, description = "No such group in this tenant", body = crate::openapi::ErrorBody)))]
pub async fn get_group(
    State(state): State<AppState>,
    partner: Partner,
    Path(group_id): Path<String>,
) -> ApiResult<Json<GroupJson>> {
    let id = parse_id(&group_id, "group")?;
    match state.store.find_group(partner.scope(), id).await {
        Ok(group) => Ok(Json(group.into())),
        Err(StoreError::NotFound) => Err(group_not_found()),
        Err(error) => Err(error.into()),
    }
}

/// Renames a group or changes its description (`PUT` or `PATCH`; fields left out keep their value).
#[utoipa::path(put, path = "/groups/{group_id}", tag = "groups", security(("token" = [])),
    params(("group_id" = i64, Path)),
    request_body(content = GroupInput, content_type = "application/json"),
    responses((status = 200, description = "The group", body = GroupJson),
              (status = 404, description = "No such group in this tenant", body = crate::openapi::ErrorBody),
              (status = 422, description = "Invalid fields, or the name is taken", body = crate::openapi::ValidationErrorBody)))]
pub async fn update_group(
    State(state): State<AppState>,
    partner: Partner,
    Path(group_id): Path<String>,
    input: PartnerInput,
) -> ApiResult<Json<GroupJson>> {
    let id = parse_id(&group_id, "group")?;
    let mut errors = ValidationErrors::new();
    let mut reader = FieldReader::new(&mut errors, input.format);
    let name = if input.fields.contains_key("name") {
        reader.required_text(&input.fields, "", "name", TextRules::NAME)
    } else {
        None
    };
    let description = match input.fields.get("description") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(value) => Some(
            reader
                .text(value, "description", DESCRIPTION)
                .filter(|d| !d.is_empty()),
        ),
    };
    errors.into_result().map_err(ApiError::Validation)?;
    match state
        .store
        .update_group(
            partner.scope(),
            id,
            name.as_deref(),
            description.as_ref().map(Option::as_deref),
        )
        .await
    {
        Ok(group) => Ok(Json(group.into())),
        Err(StoreError::NotFound) => Err(group_not_found()),
        Err(StoreError::Conflict { .. }) => Err(name_taken()),
        Err(error) => Err(error.into()),
    }
}

/// Deletes a group (its members stay; they leave the group).
#[utoipa::path(delete, path = "/groups/{group_id}", tag = "groups", security(("token" = [])),
    params(("group_id" = i64, Path)),
    responses((status = 200, description = "`{\"message\": \"Group deleted.\"}`"),
              (status = 404, description = "No such group in this tenant", body = crate::openapi::ErrorBody)))]
pub async fn delete_group(
    State(state): State<AppState>,
    partner: Partner,
    Path(group_id): Path<String>,
) -> ApiResult<Json<Value>> {
    let id = parse_id(&group_id, "group")?;
    match state.store.delete_group(partner.scope(), id).await {
        Ok(()) => Ok(Json(json!({"message": "Group deleted."}))),
        Err(StoreError::NotFound) => Err(group_not_found()),
        Err(error) => Err(error.into()),
    }
}
