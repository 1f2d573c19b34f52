//! What the users API reads and answers, as typed bodies: the request bodies of create, update and transfer (for
//! the OpenAPI document: the service reads the fields itself, see `classbridge_service::users`) and the answers the
//! handlers serialize, a user alone or with one relation embedded.

use classbridge_domain::{Scope, TenantId, UserId};
use classbridge_service::users::{self, UserClassroom, UserRow, DEFAULT_BRANCH_PARTNER_ID};
use serde::Serialize;
use utoipa::ToSchema;

use super::fields::{roles_field, Id};
use crate::{error::ApiResult, state::AppState, time::Rfc3339};

/// The body of `POST /users` (JSON, or the same fields as a PHP-style form: `role[]=2&groups[0]=4`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UserCreateBody {
    /// The person's name (trimmed).
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F]([^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F])?\s*$"
    )]
    name: String,
    /// Unique in the tenant; no white space.
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F]+\s*$"
    )]
    username: String,
    /// Unique in the tenant; kept lower-case.
    #[schema(
        min_length = 3,
        max_length = 254,
        pattern = r"^\s*[^@\s\x00-\x1F\x7F-\x9F]{1,64}@[^@.\s\x00-\x1F\x7F-\x9F]+(\.[^@.\s\x00-\x1F\x7F-\x9F]+)+\s*$"
    )]
    email: String,
    /// At least 8 characters; stored as an Argon2id hash, never shown.
    #[schema(min_length = 8, max_length = 255)]
    password: Option<String>,
    #[schema(schema_with = roles_field)]
    role: Option<Vec<i64>>,
    /// Ids of the tenant's groups the user is in.
    groups: Option<Vec<Id>>,
    /// Ids of classrooms (`GET /classrooms`) the user is a student of. A branch-scoped credential must give at
    /// least one of its branch's classrooms here or in `teacher_of`.
    student_of: Option<Vec<Id>>,
    /// Ids of classrooms the user teaches.
    teacher_of: Option<Vec<Id>>,
}

/// The body of `PUT`, `PATCH` or a form `POST /users/{user_id}`: any of the fields of `UserCreateBody`; those
/// left out (or null) keep their value, relation lists given replace the old ones.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UserUpdateBody {
    /// The person's name (trimmed).
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F]([^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F])?\s*$"
    )]
    name: Option<String>,
    /// Unique in the tenant; no white space.
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F]+\s*$"
    )]
    username: Option<String>,
    /// Unique in the tenant; kept lower-case.
    #[schema(
        min_length = 3,
        max_length = 254,
        pattern = r"^\s*[^@\s\x00-\x1F\x7F-\x9F]{1,64}@[^@.\s\x00-\x1F\x7F-\x9F]+(\.[^@.\s\x00-\x1F\x7F-\x9F]+)+\s*$"
    )]
    email: Option<String>,
    /// At least 8 characters; a new password ends nothing else.
    #[schema(min_length = 8, max_length = 255)]
    password: Option<String>,
    #[schema(schema_with = roles_field)]
    role: Option<Vec<i64>>,
    /// Ids of the tenant's groups, replacing the user's groups.
    groups: Option<Vec<Id>>,
    /// Ids of classrooms, replacing the classrooms the user is a student of (of a branch-scoped credential: those
    /// of its branch).
    student_of: Option<Vec<Id>>,
    /// Ids of classrooms, replacing the classrooms the user teaches.
    teacher_of: Option<Vec<Id>>,
}

/// The body of `POST /students/transfer`: users upserted by the partner's id, all or nothing.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TransferBody {
    /// 1 to 5,000 users; an `id` or a `username` given twice is refused.
    #[schema(min_items = 1, max_items = 5000)]
    data: Vec<TransferItemBody>,
}

/// One transferred user.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TransferItemBody {
    /// The partner's id of the user (kept as `lms_id`): an integer or a text of 1 to 64 characters.
    #[schema(schema_with = partner_user_id)]
    id: String,
    /// The person's name (trimmed).
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F]([^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F])?\s*$"
    )]
    name: String,
    /// Unique in the tenant; no white space.
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F]+\s*$"
    )]
    username: String,
    /// One role (id or name); a new user without one is a student.
    #[schema(schema_with = super::fields::role_schema)]
    role: Option<String>,
}

/// The partner's id of a transferred user: an integer, or a text of 1 to 64 characters.
fn partner_user_id() -> utoipa::openapi::Schema {
    use utoipa::openapi::{schema::OneOfBuilder, ObjectBuilder, Type};
    OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::Integer))
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(64))
                .pattern(Some(r"\S")),
        )
        .description(Some(
            "The partner's id of the user (kept as `lms_id`): an integer or a text of 1 to 64 characters.",
        ))
        .into()
}

/// A user as every users answer shows it.
#[derive(Serialize, ToSchema)]
pub struct UserJson<'a> {
    /// classbridge's id (what `/users/{user_id}` takes).
    pub id: i64,
    pub name: &'a str,
    #[schema(required)]
    pub username: Option<&'a str>,
    #[schema(required)]
    pub email: Option<&'a str>,
    /// The partner's id of a mirrored person; null for users made here or transferred.
    #[schema(required)]
    pub uuid: Option<&'a str>,
    /// The partner's id of a transferred user.
    #[schema(required)]
    pub lms_id: Option<&'a str>,
    /// False for a mirrored person who is in no class any more.
    pub active: bool,
    pub created_at: Rfc3339,
    pub updated_at: Rfc3339,
}

impl<'a> From<&'a UserRow> for UserJson<'a> {
    fn from(user: &'a UserRow) -> Self {
        Self {
            id: user.id.get(),
            name: &user.name,
            username: user.username.as_deref(),
            email: user.email.as_deref(),
            uuid: user.uuid.as_deref(),
            lms_id: user.lms_id.as_deref(),
            active: user.active,
            created_at: Rfc3339(user.created_at.millis()),
            updated_at: Rfc3339(user.updated_at.millis()),
        }
    }
}

/// A role of a user.
#[derive(Serialize, ToSchema)]
pub struct RoleJson {
    /// 1 admin, 2 teacher, 3 student, 4 supervisor.
    #[schema(minimum = 1, maximum = 4)]
    pub id: i64,
    #[schema(value_type = String, example = "teacher")]
    pub name: &'static str,
}

/// A group a user is in.
#[derive(Serialize, ToSchema)]
pub struct UserGroupJson {
    pub id: i64,
    pub name: String,
}

/// A classroom a user is in, and how.
#[derive(Serialize, ToSchema)]
pub struct UserClassroomJson {
    /// The classroom's id (what `student_of` and `teacher_of` take).
    pub id: i64,
    /// The classroom's (section's) name.
    pub section: String,
    pub class: String,
    pub branch: String,
    /// The partner's id of the branch; null for the tenant's default branch (hand-made classrooms).
    #[schema(required)]
    pub branch_id: Option<i64>,
    /// `student` or `teacher`.
    #[schema(value_type = String, example = "student")]
    pub role: String,
}

impl From<&UserClassroom> for UserClassroomJson {
    fn from(classroom: &UserClassroom) -> Self {
        Self {
            id: classroom.section_id,
            section: classroom.section_name.clone(),
            class: classroom.class_name.clone(),
            branch: classroom.branch_name.clone(),
            branch_id: (classroom.branch_partner_id != DEFAULT_BRANCH_PARTNER_ID)
                .then_some(classroom.branch_partner_id),
            role: classroom.membership.clone(),
        }
    }
}

/// A user with their roles.
#[derive(Serialize, ToSchema)]
pub struct UserWithRoles<'a> {
    #[serde(flatten)]
    pub user: UserJson<'a>,
    pub roles: Vec<RoleJson>,
}

/// A user with their groups.
#[derive(Serialize, ToSchema)]
pub struct UserWithGroups<'a> {
    #[serde(flatten)]
    pub user: UserJson<'a>,
    pub groups: Vec<UserGroupJson>,
}

/// A user with their classrooms.
#[derive(Serialize, ToSchema)]
pub struct UserWithClassrooms<'a> {
    #[serde(flatten)]
    pub user: UserJson<'a>,
    pub classrooms: Vec<UserClassroomJson>,
}

/// A user with the relation asked for (`GET /users/{user_id}/{relation}`).
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum UserWithRelation<'a> {
    Roles(UserWithRoles<'a>),
    Groups(UserWithGroups<'a>),
    Classrooms(UserWithClassrooms<'a>),
}

/// A transferred user as `GET /lms-user/all` lists them.
#[derive(Serialize, ToSchema)]
pub struct LmsUserJson<'a> {
    pub id: i64,
    /// The partner's id of the user.
    #[schema(required)]
    pub lms_id: Option<&'a str>,
    pub name: &'a str,
    #[schema(required)]
    pub username: Option<&'a str>,
}

/// What `POST /students/transfer` did, in the order the users were sent.
#[derive(Serialize, ToSchema)]
pub struct TransferResult {
    pub data: Vec<TransferredJson>,
}

/// What became of one transferred user.
#[derive(Serialize, ToSchema)]
pub struct TransferredJson {
    /// classbridge's id.
    pub id: i64,
    /// The partner's id, as text.
    pub lms_id: String,
    pub username: String,
    #[schema(value_type = TransferStatus)]
    pub status: &'static str,
}

/// `created`, `updated` (name, username or role changed) or `unchanged`.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum TransferStatus {
    Created,
    Updated,
    Unchanged,
}

/// Users with their roles (ids and names), fetched for all of them at once.
pub async fn with_roles<'a>(
    state: &AppState,
    tenant_id: TenantId,
    people: &'a [UserRow],
) -> ApiResult<Vec<UserWithRoles<'a>>> {
    let ids: Vec<UserId> = people.iter().map(|u| u.id).collect();
    let roles = users::roles_of(&state.service, tenant_id, &ids).await?;
    Ok(people
        .iter()
        .map(|user| UserWithRoles {
            user: UserJson::from(user),
            roles: roles
                .get(&user.id)
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .map(|role| RoleJson {
                    id: role.id(),
                    name: role.name(),
                })
                .collect(),
        })
        .collect())
}

/// Users with their groups (those the scope sees), fetched for all of them at once.
pub async fn with_groups<'a>(
    state: &AppState,
    scope: Scope,
    people: &'a [UserRow],
) -> ApiResult<Vec<UserWithGroups<'a>>> {
    let ids: Vec<UserId> = people.iter().map(|u| u.id).collect();
    let mut groups = users::groups_of(&state.service, scope, &ids).await?;
    Ok(people
        .iter()
        .map(|user| UserWithGroups {
            user: UserJson::from(user),
            groups: groups
                .remove(&user.id)
                .unwrap_or_default()
                .into_iter()
                .map(|(id, name)| UserGroupJson { id: id.get(), name })
                .collect(),
        })
        .collect())
}

/// Users with their classrooms (those the scope sees), fetched for all of them at once.
pub async fn with_classrooms<'a>(
    state: &AppState,
    scope: Scope,
    people: &'a [UserRow],
) -> ApiResult<Vec<UserWithClassrooms<'a>>> {
    let ids: Vec<UserId> = people.iter().map(|u| u.id).collect();
    let classrooms = users::classrooms_of(&state.service, scope, &ids).await?;
    Ok(people
        .iter()
        .map(|user| UserWithClassrooms {
            user: UserJson::from(user),
            classrooms: classrooms
                .get(&user.id)
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .map(UserClassroomJson::from)
                .collect(),
        })
        .collect())
}
