//! `GET /api/v2/courses/{id}/outline[?uid=]`: a course's units in order with their activities (ClassIn v2), as
//! the school sees it, or as one person of the course sees it (drafts hidden from students).

use std::collections::HashMap;

use axum::{
    extract::{Path, Query, State},
    Json,
};
use classbridge_service::classin::v2::outline::{activity_type_name, course_outline, Viewer};
use serde_json::{json, Value};

use super::parse_id;
use crate::{
    error::{ApiError, ApiResult},
    extract::Partner,
    state::AppState,
    time::rfc3339,
};

/// The course's outline.
#[utoipa::path(get, path = "/api/v2/courses/{course_id}/outline", tag = "scheduling", security(("token" = [])),
    params(("course_id" = i64, Path), ("uid" = Option<i64>, Query, description = "As this person sees it")),
    responses((status = 200, description = "`units`, each with its `activities`"), (status = 404, description = "No such course")))]
pub async fn get_outline(
    State(state): State<AppState>,
    partner: Partner,
    Path(course_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    let course_id = parse_id(&course_id, "course")?;
    let viewer = match query.get("uid") {
        Some(uid) => Viewer::Person(parse_id(uid, "uid")?),
        None => Viewer::School,
    };
    state
        .store
        .find_course_with_students(partner.scope(), course_id)
        .await?
        .ok_or_else(|| ApiError::not_found("No course with this id."))?;
    if let Viewer::Person(uid) = viewer {
        if !state.store.is_person_in_scope(partner.scope(), uid).await? {
            return Err(ApiError::not_found("No uid with this id."));
        }
    }
    let units = course_outline(&state.store, partner.tenant_id(), course_id, viewer).await?;
    let units: Vec<Value> = units
        .iter()
        .map(|unit| {
            let activities: Vec<Value> = unit
                .activities
                .iter()
                .map(|activity| {
                    json!({
                        "activity_id": activity.id,
                        "type": activity_type_name(activity.activity_type),
                        "name": activity.name,
                        "class_id": activity.lesson_id,
                        "teacher_uid": activity.teacher_id,
                        "start_time": activity.starts_at.map(rfc3339),
                        "end_time": activity.ends_at.map(rfc3339),
                        "published": activity.published,
                    })
                })
                .collect();
            json!({
                "unit_id": unit.unit.id,
                "name": if unit.unit.is_default { "No topic" } else { unit.unit.name.as_str() },
                "no_topic": unit.unit.is_default,
                "content": unit.unit.content,
                "published": unit.unit.published,
                "activities": activities,
            })
        })
        .collect();
    Ok(Json(json!({"course_id": course_id, "units": units})))
}
