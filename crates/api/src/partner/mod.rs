//! The partner API (Jusoor-compatible): every route a partner backend calls with its `token`.

pub mod branches;
pub mod classrooms;
pub mod experiments;
pub mod groups;
pub mod learning_paths;
pub mod me;
pub mod mirror;
pub mod mirror_people;
pub mod outline;
pub mod scheduling;
pub mod sso;
pub mod subjects;
pub mod users;

use axum::{
    routing::{delete, get, patch, post, put},
    Router,
};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/me", get(me::get_me))
        .route("/api/v2/branches", get(branches::list_branches))
        .route("/api/v2/mirror-data/branches", post(mirror::post_branches))
        .route("/api/v2/mirror-data/simple", post(mirror::post_simple))
        .route("/api/v2/mirror-data/sso-token", post(sso::sso_token))
        .route("/sso-token", post(sso::legacy_sso_token))
        .route("/api/v2/mirror-data/jobs", get(mirror::list_jobs))
        .route("/api/v2/mirror-data/jobs/{job_id}", get(mirror::get_job))
        .route(
            "/api/v2/mirror-data/users/{uuid}",
            put(mirror_people::update_person).delete(mirror_people::delete_person),
        )
        .route("/api/v2/subjects", get(subjects::list_subjects))
        .route(
            "/api/v2/subjects/supervisors",
            get(subjects::list_supervisors).post(subjects::upsert_supervisors),
        )
        .route(
            "/api/v2/subjects/supervisors/{uuid}",
            get(subjects::get_supervisor),
        )
        .route("/api/v2/subjects/{subject_id}", get(subjects::get_subject))
        .route("/api/v2/experiments", get(experiments::list_experiments))
        .route("/api/v2/experiments/{id}", get(experiments::get_experiment))
        .route(
            "/api/v2/learning-path/teacher/experiment",
            post(learning_paths::create_learning_path),
        )
        .route(
            "/api/v2/learning-path/teacher/{subject_uuid}",
            patch(learning_paths::update_learning_path)
                .delete(learning_paths::delete_learning_path),
        )
        .route(
            "/api/v2/learning-path/teacher/{subject_uuid}/grades",
            get(learning_paths::grades),
        )
        .route("/api/v2/courses", get(scheduling::list_courses))
        .route("/api/v2/courses/{course_id}", get(scheduling::get_course))
        .route(
            "/api/v2/courses/{course_id}/outline",
            get(outline::get_outline),
        )
        .route("/api/v2/lessons", get(scheduling::list_lessons))
        .route("/api/v2/lessons/{lesson_id}", get(scheduling::get_lesson))
        .route(
            "/api/v2/lessons/{lesson_id}/bookings",
            post(scheduling::book),
        )
        .route(
            "/api/v2/lessons/{lesson_id}/bookings/{uid}",
            delete(scheduling::cancel_booking),
        )
        .route("/users", get(users::list_users).post(users::create_user))
        .route("/users/roles", get(users::list_users_with_roles))
        .route("/users/groups", get(users::list_users_with_groups))
        .route("/users/classrooms", get(users::list_users_with_classrooms))
        .route(
            "/users/{user_id}",
            get(users::get_user)
                .put(users::update_user)
                .patch(users::update_user)
                .post(users::update_user)
                .delete(users::delete_user),
        )
        .route("/users/{user_id}/{relation}", get(users::get_user_with))
        .route("/lms-user/all", get(users::list_lms_users))
        .route("/students/transfer", post(users::transfer))
        .route(
            "/classrooms",
            get(classrooms::list_classrooms).post(classrooms::create_classroom),
        )
        .route(
            "/classrooms/{classroom_id}",
            get(classrooms::get_classroom)
                .put(classrooms::update_classroom)
                .patch(classrooms::update_classroom)
                .delete(classrooms::delete_classroom),
        )
        .route(
            "/groups",
            get(groups::list_groups).post(groups::create_group),
        )
        .route(
            "/groups/{group_id}",
            get(groups::get_group)
                .put(groups::update_group)
                .patch(groups::update_group)
                .delete(groups::delete_group),
        )
}

/// Ids in paths are classbridge's integers; anything else names no resource (404, not a parse error).
pub fn parse_id(text: &str, what: &str) -> Result<i64, crate::error::ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| crate::error::ApiError::not_found(format!("No {what} with this id.")))
}
