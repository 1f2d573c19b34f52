//! `/classrooms`: every section of the tenant is a classroom (its id is what `student_of` takes). Mirrored ones are
//! read-only here (the partner's mirror owns them); hand-made ones live in the default branch.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use classbridge_domain::{
    input::{FieldReader, TextRules},
    SectionId, ValidationErrors,
};
use classbridge_service::classrooms::{
    self, Classroom, ClassroomError, SectionOrigin, DEFAULT_BRANCH_PARTNER_ID,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::parse_id;
use crate::{
    error::{ApiError, ApiResult},
    extract::{PageBody, Paging, Partner, PartnerInput},
    openapi::{ErrorBody, MessageBody, ValidationErrorBody},
    state::AppState,
};

/// A classroom: a mirrored section, or a hand-made one in the tenant's default branch.
#[derive(Serialize, ToSchema)]
pub struct ClassroomJson {
    /// classbridge's id (what `student_of` and `teacher_of` take).
    pub id: i64,
    pub name: String,
    /// The class (grade) it belongs to.
    pub class: String,
    pub branch: String,
    /// The partner's id of the branch; null for the default branch (hand-made classrooms).
    #[schema(required)]
    pub branch_id: Option<i64>,
    /// `api` (hand-made here: may be renamed and deleted) or `mirror` (kept by the partner's mirror).
    #[schema(value_type = ManagedBy)]
    pub managed_by: &'static str,
    pub students: i64,
    pub teachers: i64,
}

/// Who keeps a classroom: `api` or `mirror`.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum ManagedBy {
    Api,
    Mirror,
}

/// The body of `POST /classrooms` and `PUT`/`PATCH /classrooms/{classroom_id}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ClassroomBody {
    /// Unique among the hand-made classrooms (trimmed).
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F]([^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F])?\s*$"
    )]
    name: String,
}

fn classroom_json(c: &Classroom) -> ClassroomJson {
    ClassroomJson {
        id: c.id.get(),
        name: c.name.clone(),
        class: c.class_name.clone(),
        branch: c.branch_name.clone(),
        branch_id: (c.branch_partner_id != DEFAULT_BRANCH_PARTNER_ID)
            .then_some(c.branch_partner_id),
        managed_by: if c.origin == SectionOrigin::Manual {
            "api"
        } else {
            "mirror"
        },
        students: c.students,
        teachers: c.teachers,
    }
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

impl From<ClassroomError> for ApiError {
    fn from(error: ClassroomError) -> Self {
        match error {
            ClassroomError::NotFound => not_found(),
            ClassroomError::NameTaken => name_taken(),
            ClassroomError::KeptByMirror { id, branch_name } => ApiError::Conflict(format!(
                "Classroom {id} is a section of branch \"{branch_name}\", kept by your mirror: change it there and mirror again."
            )),
            ClassroomError::Store(error) => error.into(),
        }
    }
}

/// Every classroom of the tenant (mirrored sections and hand-made ones), paged by id; of a branch-scoped
/// credential, its branch's sections.
#[utoipa::path(get, path = "/classrooms", tag = "users", operation_id = "list_classrooms", security(("token" = [])),
    params(Paging),
    responses((status = 200, description = "A page of classrooms", body = PageBody<Vec<ClassroomJson>>),
              (status = 422, description = "Bad `page` or `per_page`", body = ValidationErrorBody)))]
pub async fn list_classrooms(
    State(state): State<AppState>,
    partner: Partner,
    paging: Paging,
) -> ApiResult<Json<PageBody<Vec<ClassroomJson>>>> {
    let page = classrooms::list_classrooms(&state.service, partner.scope(), paging.request).await?;
    let data = page.items.iter().map(classroom_json).collect();
    Ok(Json(paging.body(&page, data)))
}

/// Creates a classroom (`name`, unique among the hand-made ones) in the tenant's default branch.
#[utoipa::path(post, path = "/classrooms", tag = "users", operation_id = "create_classroom", security(("token" = [])),
    request_body(description = "JSON, or the same field as a form.",
        content((ClassroomBody = "application/json"), (ClassroomBody = "application/x-www-form-urlencoded"),
                (ClassroomBody = "multipart/form-data"))),
    responses((status = 201, description = "The new classroom", body = ClassroomJson),
              (status = 400, description = "The body is not valid JSON, or not an object, or a malformed form", body = ErrorBody),
              (status = 415, description = "A body in another format", body = ErrorBody),
              (status = 422, description = "Missing, bad or taken `name`", body = ValidationErrorBody)))]
pub async fn create_classroom(
    State(state): State<AppState>,
    partner: Partner,
    input: PartnerInput,
) -> ApiResult<(StatusCode, Json<ClassroomJson>)> {
    classbridge_service::scope::require_tenant_wide(
        partner.scope(),
        "create classrooms (hand-made classrooms live in the tenant's default branch)",
    )?;
    let name = read_name(&input)?;
    let classroom = classrooms::create_classroom(&state.service, partner.scope(), &name).await?;
    Ok((StatusCode::CREATED, Json(classroom_json(&classroom))))
}

/// One classroom with its counts.
#[utoipa::path(get, path = "/classrooms/{classroom_id}", tag = "users", operation_id = "get_classroom", security(("token" = [])),
    params(("classroom_id" = i64, Path, minimum = 1, description = "classbridge's id of the classroom")),
    responses((status = 200, description = "The classroom", body = ClassroomJson),
              (status = 404, description = "No such classroom in this tenant (or the credential's branch)", body = ErrorBody)))]
pub async fn get_classroom(
    State(state): State<AppState>,
    partner: Partner,
    Path(id): Path<String>,
) -> ApiResult<Json<ClassroomJson>> {
    let id = parse_id::<SectionId>(&id, "classroom")?;
    let classroom = classrooms::find_classroom(&state.service, partner.scope(), id).await?;
    Ok(Json(classroom_json(&classroom)))
}

async fn rename(
    state: AppState,
    partner: Partner,
    id: String,
    input: PartnerInput,
) -> ApiResult<Json<ClassroomJson>> {
    let id = parse_id::<SectionId>(&id, "classroom")?;
    let name = read_name(&input)?;
    let classroom =
        classrooms::rename_classroom(&state.service, partner.scope(), id, &name).await?;
    Ok(Json(classroom_json(&classroom)))
}

/// Renames a hand-made classroom (a mirrored one: 409).
#[utoipa::path(put, path = "/classrooms/{classroom_id}", tag = "users", operation_id = "update_classroom", security(("token" = [])),
    params(("classroom_id" = i64, Path, minimum = 1, description = "classbridge's id of the classroom")),
    request_body(description = "JSON, or the same field as a form.",
        content((ClassroomBody = "application/json"), (ClassroomBody = "application/x-www-form-urlencoded"),
                (ClassroomBody = "multipart/form-data"))),
    responses((status = 200, description = "The classroom", body = ClassroomJson),
              (status = 400, description = "The body is not valid JSON, or not an object, or a malformed form", body = ErrorBody),
              (status = 404, description = "No such classroom in this tenant (or the credential's branch)", body = ErrorBody),
              (status = 409, description = "A mirrored classroom: the mirror keeps it", body = ErrorBody),
              (status = 415, description = "A body in another format", body = ErrorBody),
              (status = 422, description = "Missing, bad or taken `name`", body = ValidationErrorBody)))]
pub async fn update_classroom(
    State(state): State<AppState>,
    partner: Partner,
    Path(id): Path<String>,
    input: PartnerInput,
) -> ApiResult<Json<ClassroomJson>> {
    rename(state, partner, id, input).await
}

/// Renames a hand-made classroom as `PUT /classrooms/{classroom_id}` does.
#[utoipa::path(patch, path = "/classrooms/{classroom_id}", tag = "users", operation_id = "update_classroom_patch", security(("token" = [])),
    params(("classroom_id" = i64, Path, minimum = 1, description = "classbridge's id of the classroom")),
    request_body(description = "JSON, or the same field as a form.",
        content((ClassroomBody = "application/json"), (ClassroomBody = "application/x-www-form-urlencoded"),
                (ClassroomBody = "multipart/form-data"))),
    responses((status = 200, description = "The classroom", body = ClassroomJson),
              (status = 400, description = "The body is not valid JSON, or not an object, or a malformed form", body = ErrorBody),
              (status = 404, description = "No such classroom in this tenant (or the credential's branch)", body = ErrorBody),
              (status = 409, description = "A mirrored classroom: the mirror keeps it", body = ErrorBody),
              (status = 415, description = "A body in another format", body = ErrorBody),
              (status = 422, description = "Missing, bad or taken `name`", body = ValidationErrorBody)))]
pub async fn update_classroom_patch(
    State(state): State<AppState>,
    partner: Partner,
    Path(id): Path<String>,
    input: PartnerInput,
) -> ApiResult<Json<ClassroomJson>> {
    rename(state, partner, id, input).await
}

/// Deletes a hand-made classroom and its memberships (a mirrored one: 409).
#[utoipa::path(delete, path = "/classrooms/{classroom_id}", tag = "users", operation_id = "delete_classroom", security(("token" = [])),
    params(("classroom_id" = i64, Path, minimum = 1, description = "classbridge's id of the classroom")),
    responses((status = 200, description = "`{\"message\": \"Classroom deleted.\"}`", body = MessageBody),
              (status = 404, description = "No such classroom in this tenant (or the credential's branch)", body = ErrorBody),
              (status = 409, description = "A mirrored classroom: the mirror keeps it", body = ErrorBody)))]
pub async fn delete_classroom(
    State(state): State<AppState>,
    partner: Partner,
    Path(id): Path<String>,
) -> ApiResult<Json<MessageBody>> {
    let id = parse_id::<SectionId>(&id, "classroom")?;
    classrooms::delete_classroom(&state.service, partner.scope(), id).await?;
    Ok(Json(MessageBody {
        message: "Classroom deleted.",
    }))
}
