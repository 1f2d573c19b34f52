//! The partner API (Jusoor-compatible): every route a partner backend calls with its `token`.

pub mod branches;
pub mod classrooms;
pub mod experiments;
pub mod fields;
pub mod groups;
pub mod learning_paths;
pub mod me;
pub mod mirror;
pub mod mirror_bodies;
pub mod mirror_people;
pub mod outline;
pub mod scheduling;
pub mod sso;
pub mod subjects;
pub mod user_bodies;
pub mod users;

use classbridge_domain::RowId;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::state::AppState;

/// The partner API's routes, each documented handler with its OpenAPI operation (`routes!`); a plain `.route` is a
/// route the document does not describe yet, and `tests/it/openapi.rs` lists them.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me::get_me))
        .routes(routes!(branches::list_branches))
        .routes(routes!(mirror::post_branches))
        .routes(routes!(mirror::post_simple))
        .routes(routes!(sso::sso_token))
        .routes(routes!(sso::legacy_sso_token))
        .routes(routes!(mirror::list_jobs))
        .routes(routes!(mirror::get_job))
        .routes(routes!(
            mirror_people::update_person,
            mirror_people::delete_person
        ))
        .routes(routes!(subjects::list_subjects))
        .routes(routes!(
            subjects::list_supervisors,
            subjects::upsert_supervisors
        ))
        .routes(routes!(subjects::get_supervisor))
        .routes(routes!(subjects::get_subject))
        .routes(routes!(experiments::list_experiments))
        .routes(routes!(experiments::get_experiment))
        .routes(routes!(learning_paths::create_learning_path))
        .routes(routes!(
            learning_paths::update_learning_path,
            learning_paths::delete_learning_path
        ))
        .routes(routes!(learning_paths::grades))
        .routes(routes!(scheduling::list_courses))
        .routes(routes!(scheduling::get_course))
        .routes(routes!(outline::get_outline))
        .routes(routes!(scheduling::list_lessons))
        .routes(routes!(scheduling::get_lesson))
        .routes(routes!(scheduling::book))
        .routes(routes!(scheduling::cancel_booking))
        .routes(routes!(users::list_users, users::create_user))
        .routes(routes!(users::list_users_with_roles))
        .routes(routes!(users::list_users_with_groups))
        .routes(routes!(users::list_users_with_classrooms))
        .routes(routes!(
            users::get_user,
            users::update_user,
            users::update_user_patch,
            users::update_user_form,
            users::delete_user
        ))
        .routes(routes!(users::get_user_with))
        .routes(routes!(users::list_lms_users))
        .routes(routes!(users::transfer))
        .routes(routes!(
            classrooms::list_classrooms,
            classrooms::create_classroom
        ))
        .routes(routes!(
            classrooms::get_classroom,
            classrooms::update_classroom,
            classrooms::update_classroom_patch,
            classrooms::delete_classroom
        ))
        .routes(routes!(groups::list_groups, groups::create_group))
        .routes(routes!(
            groups::get_group,
            groups::update_group,
            groups::update_group_patch,
            groups::delete_group
        ))
}

/// Ids in paths are classbridge's integers; anything else names no resource (404, not a parse error).
/// The caller names the id's type: `parse_id::<UserId>(&segment, "user")`.
pub fn parse_id<Id: RowId>(text: &str, what: &str) -> Result<Id, crate::error::ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .map(Id::from_key)
        .ok_or_else(|| crate::error::ApiError::not_found(format!("No {what} with this id.")))
}
