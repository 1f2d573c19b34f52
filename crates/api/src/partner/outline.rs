//! `GET /api/v2/courses/{id}/outline[?uid=]`: a course's units in order with their activities (ClassIn v2), as
//! the school sees it, or as one person of the course sees it (drafts hidden from students).

use classbridge_domain::{CourseId, LessonId, UserId};
use std::collections::HashMap;

use axum::{
    extract::{Path, Query, State},
    Json,
};
use classbridge_service::classin::v2::outline::{
    activity_type_name, scoped_outline, ScopedOutline, Viewer,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::parse_id;
use crate::{
    error::{ApiError, ApiResult},
    extract::Partner,
    openapi::{ErrorBody, ValidationErrorBody},
    state::AppState,
    time::rfc3339,
};

/// What kind of activity it is (ClassIn's activity types 1 to 8; `other` for any type without a name).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutlineActivityType {
    Classroom,
    Homework,
    Quiz,
    RecordedLesson,
    StudyMaterial,
    Discussion,
    AnswerSheet,
    CheckIn,
    Other,
}

impl OutlineActivityType {
    fn of(activity_type: i64) -> Self {
        match activity_type_name(activity_type) {
            "classroom" => Self::Classroom,
            "homework" => Self::Homework,
            "quiz" => Self::Quiz,
            "recorded_lesson" => Self::RecordedLesson,
            "study_material" => Self::StudyMaterial,
            "discussion" => Self::Discussion,
            "answer_sheet" => Self::AnswerSheet,
            "check_in" => Self::CheckIn,
            _ => Self::Other,
        }
    }
}

/// An activity of a unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutlineActivity {
    pub activity_id: i64,
    #[serde(rename = "type")]
    pub activity_type: OutlineActivityType,
    pub name: String,
    /// The lesson of a classroom activity; `null` for other activities.
    pub class_id: Option<i64>,
    /// The teacher's uid; `null` when it has none.
    pub teacher_uid: Option<i64>,
    /// RFC 3339; `null` when the activity has no start.
    #[schema(format = DateTime)]
    pub start_time: Option<String>,
    /// RFC 3339; `null` when the activity has no end.
    #[schema(format = DateTime)]
    pub end_time: Option<String>,
    pub published: bool,
}

/// A unit of the course, with its activities in order.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutlineUnit {
    pub unit_id: i64,
    /// The unit's name; `No topic` for the course's default unit.
    pub name: String,
    /// Whether this is the course's default unit (activities without a topic).
    pub no_topic: bool,
    pub content: String,
    pub published: bool,
    pub activities: Vec<OutlineActivity>,
}

/// A course's outline.
#[derive(Debug, Serialize, ToSchema)]
pub struct CourseOutline {
    pub course_id: i64,
    /// The units in order; empty for a `uid` who is neither teacher nor student of the course.
    pub units: Vec<OutlineUnit>,
}

/// The course's units in order with their activities, as the school sees it, or as one person of the course
/// sees it with `uid` (a student sees only what is published for them).
#[utoipa::path(get, path = "/api/v2/courses/{course_id}/outline", tag = "scheduling", operation_id = "get_course_outline",
    security(("token" = [])),
    params(("course_id" = i64, Path, minimum = 1, description = "The course's id"),
           ("uid" = Option<i64>, Query, minimum = 1, description = "As this person of the school sees it")),
    responses(
        (status = 200, description = "The outline", body = CourseOutline),
        (status = 404, description = "No such course, or no such person for `uid` (also for ids that are not positive integers)", body = ErrorBody),
        (status = 422, description = "A query value with a NUL", body = ValidationErrorBody)))]
pub async fn get_outline(
    State(state): State<AppState>,
    partner: Partner,
    Path(course_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<CourseOutline>> {
    let course_id = parse_id::<CourseId>(&course_id, "course")?;
    let viewer = match query.get("uid") {
        Some(uid) => Viewer::Person(parse_id::<UserId>(uid, "uid")?),
        None => Viewer::School,
    };
    let units = match scoped_outline(&state.service, partner.scope(), course_id, viewer).await? {
        ScopedOutline::NoSuchCourse => return Err(ApiError::not_found("No course with this id.")),
        ScopedOutline::NoSuchPerson => return Err(ApiError::not_found("No uid with this id.")),
        ScopedOutline::Units(units) => units,
    };
    let units = units
        .iter()
        .map(|unit| OutlineUnit {
            unit_id: unit.unit.id.get(),
            name: if unit.unit.is_default {
                "No topic".to_owned()
            } else {
                unit.unit.name.clone()
            },
            no_topic: unit.unit.is_default,
            content: unit.unit.content.clone(),
            published: unit.unit.published,
            activities: unit
                .activities
                .iter()
                .map(|activity| OutlineActivity {
                    activity_id: activity.id.get(),
                    activity_type: OutlineActivityType::of(activity.activity_type),
                    name: activity.name.clone(),
                    class_id: activity.lesson_id.map(LessonId::get),
                    teacher_uid: activity.teacher_id.map(UserId::get),
                    start_time: activity.starts_at.map(rfc3339),
                    end_time: activity.ends_at.map(rfc3339),
                    published: activity.published,
                })
                .collect(),
        })
        .collect();
    Ok(Json(CourseOutline {
        course_id: course_id.get(),
        units,
    }))
}
