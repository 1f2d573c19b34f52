//! `/classrooms`: every section of the tenant is a classroom (its id is what `student_of` takes). Mirrored ones are
//! read-only here (the partner's mirror owns them); hand-made ones live in the default branch.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use classbridge_domain::{
    input::{FieldReader, TextRules},
    ValidationErrors,
};
use classbridge_service::mirror::section_name_key;
use classbridge_store::{
    classrooms::{self, Classroom, ORIGIN_MANUAL},
    StoreError,
};
use serde_json::{json, Value};

use super::parse_id;
use crate::{
    error::{ApiError, ApiResult},
    extract::{Paging, Partner, PartnerInput},
    state::AppState,
};

fn classroom_json(c: &Classroom) -> Value {
    json!({
        "id": c.id, "name": c.name, "class": c.class_name, "branch": c.branch_name,
        "branch_id": (c.branch_partner_id != classrooms::DEFAULT_BRANCH_PARTNER_ID).then_some(c.branch_partner_id),
        "managed_by": if c.origin == ORIGIN_MANUAL { "api" } else { "mirror" },
        "students": c.students, "teachers": c.teachers,
    })
}

fn not_found() -> ApiError {
    ApiError::not_found("No classroom with this id.")
}

fn name_taken() -> ApiError {
    ApiError::validation("name", "The name has already been taken.")
}

fn read_name(input: &PartnerInput) -> ApiResult<String> {
    let mut errors = ValidationErrors::new();
    let name = FieldReader::new(&mut errors, input.format).required_text(
        &input.fields,
        "",
        "name",
        TextRules::NAME,
    );
    errors.into_result().map_err(ApiError::Validation)?;
    Ok(name.unwrap_or_default())
}

/// The tenant's classroom with this id, or a 404.
async fn classroom(state: &AppState, partner: &Partner, id: i64) -> ApiResult<Classroom> {
    state
        .store
        .find_classroom(partner.scope(), id)
        .await?
        .ok_or_else(not_found)
}

async fn editable(state: &AppState, partner: &Partner, id: i64) -> ApiResult<Classroom> {
    let classroom = classroom(state, partner, id).await?;
    if classroom.origin != ORIGIN_MANUAL {
        return Err(ApiError::Conflict(format!(
            "Classroom {id} is a section of branch \"{}\", kept by your mirror: change it there and mirror again.",
            classroom.branch_name
        )));
    }
    Ok(classroom)
}

/// Every classroom of the tenant (mirrored sections and hand-made ones), paged by id; of a branch-scoped
/// credential, its branch's sections.
#[utoipa::path(get, path = "/classrooms", tag = "users", security(("token" = [])), responses((status = 200, description = "`{data, meta, links}`")))]
pub async fn list_classrooms(
    State(state): State<AppState>,
    partner: Partner,
    paging: Paging,
) -> ApiResult<Json<Value>> {
    let page = state
        .store
        .list_classrooms(partner.scope(), paging.request)
        .await?;
    let data = page.items.iter().map(classroom_json).collect();
    Ok(Json(paging.render(&page, data)))
}

/// Creates a classroom (`name`, unique among the hand-made ones) in the tenant's default branch.
#[utoipa::path(post, path = "/classrooms", tag = "users", security(("token" = [])),
    responses((status = 201, description = "The classroom"), (status = 422, description = "Bad or taken name", body = crate::openapi::ValidationErrorBody)))]
pub async fn create_classroom(
    State(state): State<AppState>,
    partner: Partner,
    input: PartnerInput,
) -> ApiResult<(StatusCode, Json<Value>)> {
    classbridge_service::scope::require_tenant_wide(
        partner.scope(),
        "create classrooms (hand-made classrooms live in the tenant's default branch)",
    )?;
    let name = read_name(&input)?;
    let mut tx = state.store.begin().await?;
    let id = match classrooms::create_classroom(
        &mut tx,
        partner.tenant_id(),
        &name,
        &section_name_key(&name),
    )
    .await
    {
        Err(StoreError::Conflict { .. }) => return Err(name_taken()),
        other => other?,
    };
    tx.commit().await?;
    let classroom = classroom(&state, &partner, id).await?;
    Ok((StatusCode::CREATED, Json(classroom_json(&classroom))))
}

/// One classroom with its counts.
#[utoipa::path(get, path = "/classrooms/{classroom_id}", tag = "users", security(("token" = [])), params(("classroom_id" = i64, Path)),
    responses((status = 200, description = "The classroom"), (status = 404, description = "No such classroom", body = crate::openapi::ErrorBody)))]
pub async fn get_classroom(
    State(state): State<AppState>,
    partner: Partner,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let id = parse_id(&id, "classroom")?;
    let classroom = classroom(&state, &partner, id).await?;
    Ok(Json(classroom_json(&classroom)))
}

/// Renames a hand-made classroom (a mirrored one: 409).
#[utoipa::path(put, path = "/classrooms/{classroom_id}", tag = "users", security(("token" = [])), params(("classroom_id" = i64, Path)),
    responses((status = 200, description = "The classroom"), (status = 409, description = "Kept by the mirror", body = crate::openapi::ErrorBody)))]
pub async fn update_classroom(
    State(state): State<AppState>,
    partner: Partner,
    Path(id): Path<String>,
    input: PartnerInput,
) -> ApiResult<Json<Value>> {
    let id = parse_id(&id, "classroom")?;
    let name = read_name(&input)?;
    editable(&state, &partner, id).await?;
    let mut tx = state.store.begin().await?;
    match classrooms::rename_classroom(
        &mut tx,
        partner.scope(),
        id,
        &name,
        &section_name_key(&name),
    )
    .await
    {
        Err(StoreError::Conflict { .. }) => return Err(name_taken()),
        Err(StoreError::NotFound) => return Err(not_found()),
        other => other?,
    }
    tx.commit().await?;
    let classroom = classroom(&state, &partner, id).await?;
    Ok(Json(classroom_json(&classroom)))
}

/// Deletes a hand-made classroom and its memberships (a mirrored one: 409).
#[utoipa::path(delete, path = "/classrooms/{classroom_id}", tag = "users", security(("token" = [])), params(("classroom_id" = i64, Path)),
    responses((status = 200, description = "`{\"message\": \"Classroom deleted.\"}`"), (status = 409, description = "Kept by the mirror", body = crate::openapi::ErrorBody)))]
pub async fn delete_classroom(
    State(state): State<AppState>,
    partner: Partner,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let id = parse_id(&id, "classroom")?;
    editable(&state, &partner, id).await?;
    let mut tx = state.store.begin().await?;
    match classrooms::delete_classroom(&mut tx, partner.scope(), id).await {
        Err(StoreError::NotFound) => return Err(not_found()),
        other => other?,
    }
    tx.commit().await?;
    Ok(Json(json!({"message": "Classroom deleted."})))
}
