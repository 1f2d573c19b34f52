//! The users API (partner API section 2): users created, transferred with the partner's ids, read with their
//! roles, groups and classrooms, updated and deleted. The bodies read and answered are in `user_bodies`.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use classbridge_domain::{Scope, UserId};
use classbridge_service::users::{self, UserError, UserFilter, UserRow};

use super::{
    parse_id,
    user_bodies::{
        with_classrooms, with_groups, with_roles, LmsUserJson, TransferBody, TransferResult,
        TransferredJson, UserCreateBody, UserJson, UserUpdateBody, UserWithClassrooms,
        UserWithGroups, UserWithRelation, UserWithRoles,
    },
};
use crate::{
    error::{ApiError, ApiResult},
    extract::{PageBody, Paging, Partner, PartnerInput},
    openapi::{ErrorBody, MessageBody, ValidationErrorBody},
    state::AppState,
};

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

/// The user with this id in `find_in` (after a write: the tenant, as a branch's credential may just have moved the
/// user out of its branch).
async fn find_user(state: &AppState, find_in: Scope, id: UserId) -> ApiResult<UserRow> {
    users::find_user(&state.service, find_in, id)
        .await?
        .ok_or_else(user_not_found)
}

/// The user with their roles, as create and update answer (relations as the partner's scope shows them).
async fn user_with_roles(
    state: &AppState,
    find_in: Scope,
    id: UserId,
    status: StatusCode,
) -> ApiResult<Response> {
    let user = find_user(state, find_in, id).await?;
    let rendered: Vec<UserWithRoles> =
        with_roles(state, find_in.tenant_id(), std::slice::from_ref(&user)).await?;
    Ok((status, Json(&rendered[0])).into_response())
}

/// A page of users of the tenant (or of the credential's branch).
async fn page_of_users(
    state: &AppState,
    partner: &Partner,
    paging: &Paging,
    filter: UserFilter,
) -> ApiResult<classbridge_service::Page<UserRow>> {
    Ok(users::list_users(&state.service, partner.scope(), filter, paging.request).await?)
}

/// Creates a user: `name`, `username`, `email` required; `password`, `role`, `groups`, `student_of`, `teacher_of`.
#[utoipa::path(post, path = "/users", tag = "users", operation_id = "create_user", security(("token" = [])),
    request_body(description = "JSON, or the same fields as a PHP-style form (`role[]=2&groups[0]=4`).",
        content((UserCreateBody = "application/json"), (UserCreateBody = "application/x-www-form-urlencoded"),
                (UserCreateBody = "multipart/form-data"))),
    responses((status = 201, description = "The new user with their roles", body = UserWithRoles),
              (status = 400, description = "The body is not valid JSON, or not an object, or a malformed form", body = ErrorBody),
              (status = 409, description = "A concurrent request wrote the same record first", body = ErrorBody),
              (status = 415, description = "A body in another format", body = ErrorBody),
              (status = 422, description = "Invalid fields by dot path (`student_of.0`); the username or e-mail is taken", body = ValidationErrorBody)))]
pub async fn create_user(
    State(state): State<AppState>,
    partner: Partner,
    input: PartnerInput,
) -> ApiResult<Response> {
    let id =
        users::create_user(&state.service, partner.scope(), &input.fields, input.format).await?;
    user_with_roles(&state, partner.scope(), id, StatusCode::CREATED).await
}

/// Every user, paged by id.
#[utoipa::path(get, path = "/users", tag = "users", operation_id = "list_users", security(("token" = [])),
    params(Paging),
    responses((status = 200, description = "A page of users", body = PageBody<Vec<UserJson>>),
              (status = 422, description = "Bad `page` or `per_page`", body = ValidationErrorBody)))]
pub async fn list_users(
    State(state): State<AppState>,
    partner: Partner,
    paging: Paging,
) -> ApiResult<Response> {
    let page = page_of_users(&state, &partner, &paging, UserFilter::All).await?;
    // The plain list, the largest and most read, is serialized straight from the rows.
    let data: Vec<UserJson> = page.items.iter().map(UserJson::from).collect();
    Ok(Json(paging.body(&page, data)).into_response())
}

/// Every user with their roles, paged by id.
#[utoipa::path(get, path = "/users/roles", tag = "users", operation_id = "list_users_with_roles", security(("token" = [])),
    params(Paging),
    responses((status = 200, description = "A page of users with their roles", body = PageBody<Vec<UserWithRoles>>),
              (status = 422, description = "Bad `page` or `per_page`", body = ValidationErrorBody)))]
pub async fn list_users_with_roles(
    State(state): State<AppState>,
    partner: Partner,
    paging: Paging,
) -> ApiResult<Response> {
    let page = page_of_users(&state, &partner, &paging, UserFilter::All).await?;
    let data = with_roles(&state, partner.tenant_id(), &page.items).await?;
    Ok(Json(paging.body(&page, data)).into_response())
}

/// Every user with their groups, paged by id.
#[utoipa::path(get, path = "/users/groups", tag = "users", operation_id = "list_users_with_groups", security(("token" = [])),
    params(Paging),
    responses((status = 200, description = "A page of users with their groups", body = PageBody<Vec<UserWithGroups>>),
              (status = 422, description = "Bad `page` or `per_page`", body = ValidationErrorBody)))]
pub async fn list_users_with_groups(
    State(state): State<AppState>,
    partner: Partner,
    paging: Paging,
) -> ApiResult<Response> {
    let page = page_of_users(&state, &partner, &paging, UserFilter::All).await?;
    let data = with_groups(&state, partner.scope(), &page.items).await?;
    Ok(Json(paging.body(&page, data)).into_response())
}

/// Every user with their classrooms, paged by id.
#[utoipa::path(get, path = "/users/classrooms", tag = "users", operation_id = "list_users_with_classrooms", security(("token" = [])),
    params(Paging),
    responses((status = 200, description = "A page of users with their classrooms", body = PageBody<Vec<UserWithClassrooms>>),
              (status = 422, description = "Bad `page` or `per_page`", body = ValidationErrorBody)))]
pub async fn list_users_with_classrooms(
    State(state): State<AppState>,
    partner: Partner,
    paging: Paging,
) -> ApiResult<Response> {
    let page = page_of_users(&state, &partner, &paging, UserFilter::All).await?;
    let data = with_classrooms(&state, partner.scope(), &page.items).await?;
    Ok(Json(paging.body(&page, data)).into_response())
}

/// Transferred users (those with an `lms_id`), paged by id.
#[utoipa::path(get, path = "/lms-user/all", tag = "users", operation_id = "list_lms_users", security(("token" = [])),
    params(Paging),
    responses((status = 200, description = "A page of transferred users", body = PageBody<Vec<LmsUserJson>>),
              (status = 422, description = "Bad `page` or `per_page`", body = ValidationErrorBody)))]
pub async fn list_lms_users(
    State(state): State<AppState>,
    partner: Partner,
    paging: Paging,
) -> ApiResult<Response> {
    let page = page_of_users(&state, &partner, &paging, UserFilter::WithLmsId).await?;
    let data: Vec<LmsUserJson> = page
        .items
        .iter()
        .map(|user| LmsUserJson {
            id: user.id.get(),
            lms_id: user.lms_id.as_deref(),
            name: &user.name,
            username: user.username.as_deref(),
        })
        .collect();
    Ok(Json(paging.body(&page, data)).into_response())
}

/// One user.
#[utoipa::path(get, path = "/users/{user_id}", tag = "users", operation_id = "get_user", security(("token" = [])),
    params(("user_id" = i64, Path, minimum = 1, description = "classbridge's id of the user")),
    responses((status = 200, description = "The user", body = UserJson),
              (status = 404, description = "No such user in this tenant (or the credential's branch)", body = ErrorBody)))]
pub async fn get_user(
    State(state): State<AppState>,
    partner: Partner,
    Path(user_id): Path<String>,
) -> ApiResult<Response> {
    let user = find_user(
        &state,
        partner.scope(),
        parse_id::<UserId>(&user_id, "user")?,
    )
    .await?;
    Ok(Json(UserJson::from(&user)).into_response())
}

/// The relation `GET /users/{user_id}/{relation}` embeds.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum Relation {
    Roles,
    Groups,
    Classrooms,
}

/// One user with a relation: `roles`, `groups` or `classrooms`.
#[utoipa::path(get, path = "/users/{user_id}/{relation}", tag = "users", operation_id = "get_user_with_relation", security(("token" = [])),
    params(("user_id" = i64, Path, minimum = 1, description = "classbridge's id of the user"),
           ("relation" = inline(Relation), Path, description = "`roles`, `groups` or `classrooms`")),
    responses((status = 200, description = "The user with the relation", body = UserWithRelation),
              (status = 404, description = "No such user, or no such relation", body = ErrorBody)))]
pub async fn get_user_with(
    State(state): State<AppState>,
    partner: Partner,
    Path((user_id, relation)): Path<(String, String)>,
) -> ApiResult<Response> {
    if !matches!(relation.as_str(), "roles" | "groups" | "classrooms") {
        return Err(ApiError::not_found(
            "No such route. The API reference is at /docs.",
        ));
    }
    let user = find_user(
        &state,
        partner.scope(),
        parse_id::<UserId>(&user_id, "user")?,
    )
    .await?;
    let users = std::slice::from_ref(&user);
    let answer = match relation.as_str() {
        "roles" => UserWithRelation::Roles(
            with_roles(&state, partner.tenant_id(), users)
                .await?
                .remove(0),
        ),
        "groups" => {
            UserWithRelation::Groups(with_groups(&state, partner.scope(), users).await?.remove(0))
        }
        _ => UserWithRelation::Classrooms(
            with_classrooms(&state, partner.scope(), users)
                .await?
                .remove(0),
        ),
    };
    Ok(Json(answer).into_response())
}

async fn update(
    state: AppState,
    partner: Partner,
    user_id: String,
    input: PartnerInput,
) -> ApiResult<Response> {
    let id = parse_id::<UserId>(&user_id, "user")?;
    users::update_user(
        &state.service,
        partner.scope(),
        id,
        &input.fields,
        input.format,
    )
    .await?;
    user_with_roles(
        &state,
        Scope::tenant_wide(partner.tenant_id()),
        id,
        StatusCode::OK,
    )
    .await
}

/// Updates any of `name`, `username`, `email`, `password`, `role`, `groups`, `student_of`, `teacher_of`; relation
/// lists given replace the old ones. `PATCH` and a form `POST` do the same.
#[utoipa::path(put, path = "/users/{user_id}", tag = "users", operation_id = "update_user", security(("token" = [])),
    params(("user_id" = i64, Path, minimum = 1, description = "classbridge's id of the user")),
    request_body(description = "JSON, or the same fields as a PHP-style form.",
        content((UserUpdateBody = "application/json"), (UserUpdateBody = "application/x-www-form-urlencoded"),
                (UserUpdateBody = "multipart/form-data"))),
    responses((status = 200, description = "The user with their roles", body = UserWithRoles),
              (status = 400, description = "The body is not valid JSON, or not an object, or a malformed form", body = ErrorBody),
              (status = 404, description = "No such user in this tenant (or the credential's branch)", body = ErrorBody),
              (status = 409, description = "A concurrent request wrote the same record first", body = ErrorBody),
              (status = 415, description = "A body in another format", body = ErrorBody),
              (status = 422, description = "Invalid fields by dot path; the username or e-mail is taken", body = ValidationErrorBody)))]
pub async fn update_user(
    State(state): State<AppState>,
    partner: Partner,
    Path(user_id): Path<String>,
    input: PartnerInput,
) -> ApiResult<Response> {
    update(state, partner, user_id, input).await
}

/// Updates a user as `PUT /users/{user_id}` does.
#[utoipa::path(patch, path = "/users/{user_id}", tag = "users", operation_id = "update_user_patch", security(("token" = [])),
    params(("user_id" = i64, Path, minimum = 1, description = "classbridge's id of the user")),
    request_body(description = "JSON, or the same fields as a PHP-style form.",
        content((UserUpdateBody = "application/json"), (UserUpdateBody = "application/x-www-form-urlencoded"),
                (UserUpdateBody = "multipart/form-data"))),
    responses((status = 200, description = "The user with their roles", body = UserWithRoles),
              (status = 400, description = "The body is not valid JSON, or not an object, or a malformed form", body = ErrorBody),
              (status = 404, description = "No such user in this tenant (or the credential's branch)", body = ErrorBody),
              (status = 409, description = "A concurrent request wrote the same record first", body = ErrorBody),
              (status = 415, description = "A body in another format", body = ErrorBody),
              (status = 422, description = "Invalid fields by dot path; the username or e-mail is taken", body = ValidationErrorBody)))]
pub async fn update_user_patch(
    State(state): State<AppState>,
    partner: Partner,
    Path(user_id): Path<String>,
    input: PartnerInput,
) -> ApiResult<Response> {
    update(state, partner, user_id, input).await
}

/// Updates a user as `PUT /users/{user_id}` does, by a form `POST` (as HTML forms and PHP clients send it).
#[utoipa::path(post, path = "/users/{user_id}", tag = "users", operation_id = "update_user_form", security(("token" = [])),
    params(("user_id" = i64, Path, minimum = 1, description = "classbridge's id of the user")),
    request_body(description = "A PHP-style form, or the same fields as JSON.",
        content((UserUpdateBody = "application/x-www-form-urlencoded"), (UserUpdateBody = "multipart/form-data"),
                (UserUpdateBody = "application/json"))),
    responses((status = 200, description = "The user with their roles", body = UserWithRoles),
              (status = 400, description = "The body is not valid JSON, or not an object, or a malformed form", body = ErrorBody),
              (status = 404, description = "No such user in this tenant (or the credential's branch)", body = ErrorBody),
              (status = 409, description = "A concurrent request wrote the same record first", body = ErrorBody),
              (status = 415, description = "A body in another format", body = ErrorBody),
              (status = 422, description = "Invalid fields by dot path; the username or e-mail is taken", body = ValidationErrorBody)))]
pub async fn update_user_form(
    State(state): State<AppState>,
    partner: Partner,
    Path(user_id): Path<String>,
    input: PartnerInput,
) -> ApiResult<Response> {
    update(state, partner, user_id, input).await
}

/// Deletes a user with their memberships.
#[utoipa::path(delete, path = "/users/{user_id}", tag = "users", operation_id = "delete_user", security(("token" = [])),
    params(("user_id" = i64, Path, minimum = 1, description = "classbridge's id of the user")),
    responses((status = 200, description = "`{\"message\": \"User deleted.\"}`", body = MessageBody),
              (status = 404, description = "No such user in this tenant (or the credential's branch)", body = ErrorBody),
              (status = 409, description = "A concurrent request wrote the same record first", body = ErrorBody)))]
pub async fn delete_user(
    State(state): State<AppState>,
    partner: Partner,
    Path(user_id): Path<String>,
) -> ApiResult<Json<MessageBody>> {
    users::delete_user(
        &state.service,
        partner.scope(),
        parse_id::<UserId>(&user_id, "user")?,
    )
    .await?;
    Ok(Json(MessageBody {
        message: "User deleted.",
    }))
}

/// Upserts users by the partner's id (`data: [{id, name, username, role?}]`), all or nothing. Only a tenant-wide
/// credential transfers (403 for a branch's).
#[utoipa::path(post, path = "/students/transfer", tag = "users", operation_id = "transfer_students", security(("token" = [])),
    request_body(description = "JSON, or the same fields as a PHP-style form (`data[0][id]=17&data[0][name]=…`).",
        content((TransferBody = "application/json"), (TransferBody = "application/x-www-form-urlencoded"),
                (TransferBody = "multipart/form-data"))),
    responses((status = 200, description = "Each user's id and what became of them, in the order sent", body = TransferResult),
              (status = 400, description = "The body is not valid JSON, or not an object, or a malformed form", body = ErrorBody),
              (status = 409, description = "A concurrent request wrote the same record first", body = ErrorBody),
              (status = 415, description = "A body in another format", body = ErrorBody),
              (status = 422, description = "Invalid items by dot path (`data.3.username`); nothing written", body = ValidationErrorBody)))]
pub async fn transfer(
    State(state): State<AppState>,
    partner: Partner,
    input: PartnerInput,
) -> ApiResult<Json<TransferResult>> {
    let results =
        users::transfer(&state.service, partner.scope(), &input.fields, input.format).await?;
    Ok(Json(TransferResult {
        data: results
            .into_iter()
            .map(|result| TransferredJson {
                id: result.id.get(),
                lms_id: result.lms_id,
                username: result.username,
                status: result.status,
            })
            .collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transfer_schema_says_what_the_service_limits() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_value(TransferBody::schema()).unwrap();
        assert_eq!(
            schema["properties"]["data"]["maxItems"],
            users::MAX_TRANSFER
        );
    }
}
