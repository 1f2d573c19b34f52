//! `/groups`: the tenant's own groups of users (partner API section 2), created, read, renamed and deleted here.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use classbridge_domain::{
    input::{FieldReader, TextRules},
    GroupId, ValidationErrors,
};
use classbridge_service::{
    groups::{self, Group},
    StoreError,
};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::parse_id;
use crate::{
    error::{ApiError, ApiResult},
    extract::{PageBody, Paging, Partner, PartnerInput},
    openapi::{ErrorBody, MessageBody, ValidationErrorBody},
    state::AppState,
    time::rfc3339,
};

/// A group of the tenant's users.
#[derive(Serialize, ToSchema)]
pub struct GroupJson {
    pub id: i64,
    pub name: String,
    #[schema(required)]
    pub description: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<Group> for GroupJson {
    fn from(group: Group) -> Self {
        Self {
            id: group.id.get(),
            name: group.name,
            description: group.description,
            created_at: rfc3339(group.created_at.millis()),
            updated_at: rfc3339(group.updated_at.millis()),
        }
    }
}

/// The body of `POST /groups` (JSON or form).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct GroupInput {
    /// Unique in the tenant (trimmed).
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F]([^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F])?\s*$"
    )]
    name: String,
    /// Up to 1,000 characters (trimmed); empty or null for none.
    #[schema(
        max_length = 1000,
        pattern = r"^\s*([^\s\x00-\x1F\x7F-\x9F]([^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F])?)?\s*$"
    )]
    description: Option<String>,
}

/// The body of `PUT` or `PATCH /groups/{group_id}`: fields left out keep their value.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct GroupChanges {
    /// Unique in the tenant (trimmed).
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F]([^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F])?\s*$"
    )]
    name: Option<String>,
    /// Up to 1,000 characters (trimmed); empty or null clears it.
    #[schema(
        max_length = 1000,
        pattern = r"^\s*([^\s\x00-\x1F\x7F-\x9F]([^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F])?)?\s*$"
    )]
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
#[utoipa::path(get, path = "/groups", tag = "groups", operation_id = "list_groups", security(("token" = [])),
    params(Paging),
    responses((status = 200, description = "A page of groups", body = PageBody<Vec<GroupJson>>),
              (status = 422, description = "Bad `page` or `per_page`", body = ValidationErrorBody)))]
pub async fn list_groups(
    State(state): State<AppState>,
    partner: Partner,
    paging: Paging,
) -> ApiResult<Json<PageBody<Vec<GroupJson>>>> {
    let page = groups::list_groups(&state.service, partner.scope(), paging.request).await?;
    let data = page.items.iter().cloned().map(GroupJson::from).collect();
    Ok(Json(paging.body(&page, data)))
}

/// Creates a group.
#[utoipa::path(post, path = "/groups", tag = "groups", operation_id = "create_group", security(("token" = [])),
    request_body(description = "JSON, or the same fields as a form.",
        content((GroupInput = "application/json"), (GroupInput = "application/x-www-form-urlencoded"),
                (GroupInput = "multipart/form-data"))),
    responses((status = 201, description = "The new group", body = GroupJson),
              (status = 400, description = "The body is not valid JSON, or not an object, or a malformed form", body = ErrorBody),
              (status = 415, description = "A body in another format", body = ErrorBody),
              (status = 422, description = "Invalid fields, or the name is taken", body = ValidationErrorBody)))]
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
    match groups::create_group(
        &state.service,
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
#[utoipa::path(get, path = "/groups/{group_id}", tag = "groups", operation_id = "get_group", security(("token" = [])),
    params(("group_id" = i64, Path, minimum = 1, description = "classbridge's id of the group")),
    responses((status = 200, description = "The group", body = GroupJson),
              (status = 404, description = "No such group in this tenant (or the credential's branch)", body = ErrorBody)))]
pub async fn get_group(
    State(state): State<AppState>,
    partner: Partner,
    Path(group_id): Path<String>,
) -> ApiResult<Json<GroupJson>> {
    let id = parse_id::<GroupId>(&group_id, "group")?;
    match groups::find_group(&state.service, partner.scope(), id).await {
        Ok(group) => Ok(Json(group.into())),
        Err(StoreError::NotFound) => Err(group_not_found()),
        Err(error) => Err(error.into()),
    }
}

/// Renames a group or changes its description (fields left out keep their value).
#[utoipa::path(put, path = "/groups/{group_id}", tag = "groups", operation_id = "update_group", security(("token" = [])),
    params(("group_id" = i64, Path, minimum = 1, description = "classbridge's id of the group")),
    request_body(description = "JSON, or the same fields as a form.",
        content((GroupChanges = "application/json"), (GroupChanges = "application/x-www-form-urlencoded"),
                (GroupChanges = "multipart/form-data"))),
    responses((status = 200, description = "The group", body = GroupJson),
              (status = 400, description = "The body is not valid JSON, or not an object, or a malformed form", body = ErrorBody),
              (status = 404, description = "No such group in this tenant (or the credential's branch)", body = ErrorBody),
              (status = 415, description = "A body in another format", body = ErrorBody),
              (status = 422, description = "Invalid fields, or the name is taken", body = ValidationErrorBody)))]
pub async fn update_group(
    State(state): State<AppState>,
    partner: Partner,
    Path(group_id): Path<String>,
    input: PartnerInput,
) -> ApiResult<Json<GroupJson>> {
    change(state, partner, group_id, input).await
}

/// Changes a group as `PUT /groups/{group_id}` does.
#[utoipa::path(patch, path = "/groups/{group_id}", tag = "groups", operation_id = "update_group_patch", security(("token" = [])),
    params(("group_id" = i64, Path, minimum = 1, description = "classbridge's id of the group")),
    request_body(description = "JSON, or the same fields as a form.",
        content((GroupChanges = "application/json"), (GroupChanges = "application/x-www-form-urlencoded"),
                (GroupChanges = "multipart/form-data"))),
    responses((status = 200, description = "The group", body = GroupJson),
              (status = 400, description = "The body is not valid JSON, or not an object, or a malformed form", body = ErrorBody),
              (status = 404, description = "No such group in this tenant (or the credential's branch)", body = ErrorBody),
              (status = 415, description = "A body in another format", body = ErrorBody),
              (status = 422, description = "Invalid fields, or the name is taken", body = ValidationErrorBody)))]
pub async fn update_group_patch(
    State(state): State<AppState>,
    partner: Partner,
    Path(group_id): Path<String>,
    input: PartnerInput,
) -> ApiResult<Json<GroupJson>> {
    change(state, partner, group_id, input).await
}

async fn change(
    state: AppState,
    partner: Partner,
    group_id: String,
    input: PartnerInput,
) -> ApiResult<Json<GroupJson>> {
    let id = parse_id::<GroupId>(&group_id, "group")?;
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
    match groups::update_group(
        &state.service,
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
#[utoipa::path(delete, path = "/groups/{group_id}", tag = "groups", operation_id = "delete_group", security(("token" = [])),
    params(("group_id" = i64, Path, minimum = 1, description = "classbridge's id of the group")),
    responses((status = 200, description = "`{\"message\": \"Group deleted.\"}`", body = MessageBody),
              (status = 404, description = "No such group in this tenant (or the credential's branch)", body = ErrorBody)))]
pub async fn delete_group(
    State(state): State<AppState>,
    partner: Partner,
    Path(group_id): Path<String>,
) -> ApiResult<Json<MessageBody>> {
    let id = parse_id::<GroupId>(&group_id, "group")?;
    match groups::delete_group(&state.service, partner.scope(), id).await {
        Ok(()) => Ok(Json(MessageBody {
            message: "Group deleted.",
        })),
        Err(StoreError::NotFound) => Err(group_not_found()),
        Err(error) => Err(error.into()),
    }
}
