//! The users API (partner API section 2): users created, transferred with the partner's ids, read with their
//! roles, groups and classrooms, updated and deleted.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use classbridge_domain::Scope;
use classbridge_service::users::{self, role_name, UserError};
use classbridge_store::users::{UserFilter, UserRow};
use serde_json::{json, Value};

use super::parse_id;
use crate::{
    error::{ApiError, ApiResult},
    extract::{Paging, Partner, PartnerInput},
    state::AppState,
    time::Rfc3339,
};

/// Which relation an answer embeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Embed {
    None,
    Roles,
    Groups,
    Classrooms,
}

fn user_not_found() -> ApiError {
    ApiError::not_found("No user with this id.")
}

impl From<UserError> for ApiError {
    fn from(error: UserError) -> Self {
        match error {
            UserError::Invalid(errors) => ApiError::Validation(errors),
            UserError::NotFound => user_not_found(),
            UserError::Forbidden(message) => ApiError::Forbidden(message),
            UserError::Store(error) => error.into(),
        }
    }
}

/// A user as every users answer shows it.
#[derive(serde::Serialize)]
struct UserJson<'a> {
    id: i64,
    name: &'a str,
    username: Option<&'a str>,
    email: Option<&'a str>,
    uuid: Option<&'a str>,
    lms_id: Option<&'a str>,
    active: bool,
    created_at: Rfc3339,
    updated_at: Rfc3339,
}

impl<'a> From<&'a UserRow> for UserJson<'a> {
    fn from(user: &'a UserRow) -> Self {
        Self {
            id: user.id,
            name: &user.name,
            username: user.username.as_deref(),
            email: user.email.as_deref(),
            uuid: user.uuid.as_deref(),
            lms_id: user.lms_id.as_deref(),
            active: user.active,
            created_at: Rfc3339(user.created_at),
            updated_at: Rfc3339(user.updated_at),
        }
    }
}

fn base_json(user: &UserRow) -> Value {
    serde_json::to_value(UserJson::from(user)).unwrap_or_default()
}

/// Users as JSON with the relation asked for, fetched for all of them at once.
async fn users_json(
    state: &AppState,
    scope: Scope,
    users: &[UserRow],
    embed: Embed,
) -> ApiResult<Vec<Value>> {
    let ids: Vec<i64> = users.iter().map(|u| u.id).collect();
    let mut rendered: Vec<Value> = users.iter().map(base_json).collect();
    match embed {
        Embed::None => {}
        Embed::Roles => {
            let roles = state.store.roles_of(&ids).await?;
            for (user, json) in users.iter().zip(rendered.iter_mut()) {
                let list: Vec<Value> = roles
                    .get(&user.id)
                    .map_or(&[][..], Vec::as_slice)
                    .iter()
                    .map(|id| json!({"id": id, "name": role_name(*id)}))
                    .collect();
                json["roles"] = Value::Array(list);
            }
        }
        Embed::Groups => {
            let groups = state.store.groups_of(scope, &ids).await?;
            for (user, json) in users.iter().zip(rendered.iter_mut()) {
                let list: Vec<Value> = groups
                    .get(&user.id)
                    .map_or(&[][..], Vec::as_slice)
                    .iter()
                    .map(|(id, name)| json!({"id": id, "name": name}))
                    .collect();
                json["groups"] = Value::Array(list);
            }
        }
        Embed::Classrooms => {
            let classrooms = state.store.classrooms_of(scope, &ids).await?;
            for (user, json) in users.iter().zip(rendered.iter_mut()) {
                let list: Vec<Value> = classrooms.get(&user.id).map_or(&[][..], Vec::as_slice).iter()
                    .map(|c| json!({
                        "id": c.section_id, "section": c.section_name, "class": c.class_name, "branch": c.branch_name,
                        "branch_id": (c.branch_partner_id != classbridge_store::classrooms::DEFAULT_BRANCH_PARTNER_ID).then_some(c.branch_partner_id),
                        "role": c.membership,
                    }))
                    .collect();
                json["classrooms"] = Value::Array(list);
            }
        }
    }
    Ok(rendered)
}

async fn one_user(
    state: &AppState,
    partner: &Partner,
    id: i64,
    embed: Embed,
) -> ApiResult<Json<Value>> {
    user_as_seen(state, partner, partner.scope(), id, embed).await
}

/// The user found in `find_in` (after a write: the tenant, as a branch's credential may just have moved the user
/// out of its branch), with relations as the partner's scope shows them.
async fn user_as_seen(
    state: &AppState,
    partner: &Partner,
    find_in: Scope,
    id: i64,
    embed: Embed,
) -> ApiResult<Json<Value>> {
    let user = state
        .store
        .find_user(find_in, id)
        .await?
        .ok_or_else(user_not_found)?;
    let mut rendered =
        users_json(state, partner.scope(), std::slice::from_ref(&user), embed).await?;
    Ok(Json(rendered.pop().unwrap_or_default()))
}

async fn list(
    state: &AppState,
    partner: &Partner,
    paging: &Paging,
    filter: UserFilter,
    embed: Embed,
) -> ApiResult<Response> {
    let page = state
        .store
        .list_users(partner.scope(), filter, paging.request)
        .await?;
    if embed == Embed::None {
        // The plain list, the largest and most read, is serialized straight from the rows.
        let data: Vec<UserJson> = page.items.iter().map(UserJson::from).collect();
        return Ok(Json(paging.body(&page, data)).into_response());
    }
    let data = users_json(state, partner.scope(), &page.items, embed).await?;
    Ok(Json(paging.render(&page, data)).into_response())
}

/// Creates a user: `name`, `username`, `email` required; `role`, `groups`, `student_of`, `teacher_of`, `password`.
#[utoipa::path(post, path = "/users", tag = "users", security(("token" = [])),
    responses((status = 201, description = "The user"), (status = 422, description = "Invalid fields", body = crate::openapi::ValidationErrorBody)))]
pub async fn create_user(
    State(state): State<AppState>,
    partner: Partner,
    input: PartnerInput,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let id = users::create_user(&state.store, partner.scope(), &input.fields, input.format).await?;
    Ok((
        StatusCode::CREATED,
        one_user(&state, &partner, id, Embed::Roles).await?,
    ))
}

/// Every user, paged by id.
#[utoipa::path(get, path = "/users", tag = "users", security(("token" = [])),
    params(("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)), responses((status = 200, description = "`{data, meta, links}`")))]
pub async fn list_users(
    State(state): State<AppState>,
    partner: Partner,
    paging: Paging,
) -> ApiResult<Response> {
    list(&state, &partner, &paging, UserFilter::All, Embed::None).await
}

/// Every user with roles embedded.
#[utoipa::path(get, path = "/users/roles", tag = "users", security(("token" = [])), responses((status = 200, description = "`{data, meta, links}`")))]
pub async fn list_users_with_roles(
    State(state): State<AppState>,
    partner: Partner,
    paging: Paging,
) -> ApiResult<Response> {
    list(&state, &partner, &paging, UserFilter::All, Embed::Roles).await
}

/// Every user with groups embedded.
#[utoipa::path(get, path = "/users/groups", tag = "users", security(("token" = [])), responses((status = 200, description = "`{data, meta, links}`")))]
pub async fn list_users_with_groups(
    State(state): State<AppState>,
    partner: Partner,
    paging: Paging,
) -> ApiResult<Response> {
    list(&state, &partner, &paging, UserFilter::All, Embed::Groups).await
}

/// Every user with classrooms embedded.
#[utoipa::path(get, path = "/users/classrooms", tag = "users", security(("token" = [])), responses((status = 200, description = "`{data, meta, links}`")))]
pub async fn list_users_with_classrooms(
    State(state): State<AppState>,
    partner: Partner,
    paging: Paging,
) -> ApiResult<Response> {
    list(
        &state,
        &partner,
        &paging,
        UserFilter::All,
        Embed::Classrooms,
    )
    .await
}

/// Transferred users (those with an `lms_id`): `id`, `lms_id`, `name`, `username`.
#[utoipa::path(get, path = "/lms-user/all", tag = "users", security(("token" = [])), responses((status = 200, description = "`{data, meta, links}`")))]
pub async fn list_lms_users(
    State(state): State<AppState>,
    partner: Partner,
    paging: Paging,
) -> ApiResult<Json<Value>> {
    let page = state
        .store
        .list_users(partner.scope(), UserFilter::WithLmsId, paging.request)
        .await?;
    let data = page
        .items
        .iter()
        .map(|u| json!({"id": u.id, "lms_id": u.lms_id, "name": u.name, "username": u.username}))
        .collect();
    Ok(Json(paging.render(&page, data)))
}

/// One user.
#[utoipa::path(get, path = "/users/{user_id}", tag = "users", security(("token" = [])), params(("user_id" = i64, Path)),
    responses((status = 200, description = "The user"), (status = 404, description = "No such user in this tenant", body = crate::openapi::ErrorBody)))]
pub async fn get_user(
    State(state): State<AppState>,
    partner: Partner,
    Path(user_id): Path<String>,
) -> ApiResult<Json<Value>> {
    one_user(&state, &partner, parse_id(&user_id, "user")?, Embed::None).await
}

/// One user with a relation: `roles`, `groups` or `classrooms`.
#[utoipa::path(get, path = "/users/{user_id}/{relation}", tag = "users", security(("token" = [])),
    params(("user_id" = i64, Path), ("relation" = String, Path, description = "roles, groups or classrooms")),
    responses((status = 200, description = "The user with the relation"), (status = 404, description = "No such user or relation", body = crate::openapi::ErrorBody)))]
pub async fn get_user_with(
    State(state): State<AppState>,
    partner: Partner,
    Path((user_id, relation)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let embed = match relation.as_str() {
        "roles" => Embed::Roles,
        "groups" => Embed::Groups,
        "classrooms" => Embed::Classrooms,
        _ => {
            return Err(ApiError::not_found(
                "No such route. The API reference is at /docs.",
            ))
        }
    };
    one_user(&state, &partner, parse_id(&user_id, "user")?, embed).await
}

/// Updates any of `name`, `username`, `email`, `role`, `groups`, `student_of`, `teacher_of`, `password` (PUT, PATCH,
/// or a form POST); relation arrays given replace the old ones.
#[utoipa::path(put, path = "/users/{user_id}", tag = "users", security(("token" = [])), params(("user_id" = i64, Path)),
    responses((status = 200, description = "The user"), (status = 404, description = "No such user", body = crate::openapi::ErrorBody),
              (status = 422, description = "Invalid fields", body = crate::openapi::ValidationErrorBody)))]
pub async fn update_user(
    State(state): State<AppState>,
    partner: Partner,
    Path(user_id): Path<String>,
    input: PartnerInput,
) -> ApiResult<Json<Value>> {
    let id = parse_id(&user_id, "user")?;
    users::update_user(
        &state.store,
        partner.scope(),
        id,
        &input.fields,
        input.format,
    )
    .await?;
    user_as_seen(
        &state,
        &partner,
        Scope::tenant_wide(partner.tenant_id()),
        id,
        Embed::Roles,
    )
    .await
}

/// Deletes a user with their memberships.
#[utoipa::path(delete, path = "/users/{user_id}", tag = "users", security(("token" = [])), params(("user_id" = i64, Path)),
    responses((status = 200, description = "`{\"message\": \"User deleted.\"}`"), (status = 404, description = "No such user", body = crate::openapi::ErrorBody)))]
pub async fn delete_user(
    State(state): State<AppState>,
    partner: Partner,
    Path(user_id): Path<String>,
) -> ApiResult<Json<Value>> {
    users::delete_user(&state.store, partner.scope(), parse_id(&user_id, "user")?).await?;
    Ok(Json(json!({"message": "User deleted."})))
}

/// Upserts users by the partner's id (`data: [{name, username, id, role?}]`), all or nothing.
#[utoipa::path(post, path = "/students/transfer", tag = "users", security(("token" = [])),
    responses((status = 200, description = "`{data: [{id, lms_id, username, status}]}`, status created, updated or unchanged"),
              (status = 422, description = "Invalid items; nothing written", body = crate::openapi::ValidationErrorBody)))]
pub async fn transfer(
    State(state): State<AppState>,
    partner: Partner,
    input: PartnerInput,
) -> ApiResult<Json<Value>> {
    let results =
        users::transfer(&state.store, partner.scope(), &input.fields, input.format).await?;
    let data: Vec<Value> = results
        .into_iter()
        .map(
            |r| json!({"id": r.id, "lms_id": r.lms_id, "username": r.username, "status": r.status}),
        )
        .collect();
    Ok(Json(json!({"data": data})))
}
