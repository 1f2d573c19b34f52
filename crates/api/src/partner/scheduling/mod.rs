//! Reading scheduling back with the partner credential (classin-api.md section 5): courses with their labels,
//! teachers and students, lessons by time, course and teacher, one lesson with its labels, people, bookings,
//! attendance and the teacher's comments; and Mode B booking,
//! `POST` and `DELETE /api/v2/lessons/{id}/bookings`.

mod json;

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use classbridge_domain::{
    input::FieldReader, CourseId, LessonId, UnixMillis, UserId, ValidationErrors,
};
use classbridge_service::classin::booking::{self, BookingError};
use classbridge_service::scheduling::{self, LessonFilter};
use std::collections::HashMap;
use utoipa::ToSchema;

use super::parse_id;
use crate::{
    error::{ApiError, ApiResult},
    extract::{PageBody, Paging, Partner, PartnerInput},
    openapi::{ErrorBody, ValidationErrorBody},
    state::AppState,
    time::{parse_moment, rfc3339},
};
pub use json::{
    BookingConflict, BookingMade, BookingSeats, ConflictingLesson, Course, CourseDetail, Lesson,
    LessonDetail, LessonStatus, SchedulePerson,
};

fn now_ms(state: &AppState) -> i64 {
    state.clock.now_millis()
}

/// The tenant's courses (under a branch-scoped credential, its branch's), newest first, with their counts and labels.
#[utoipa::path(get, path = "/api/v2/courses", tag = "scheduling", operation_id = "list_courses",
    security(("token" = [])),
    params(Paging),
    responses(
        (status = 200, description = "A page of courses", body = PageBody<Vec<Course>>),
        (status = 422, description = "`page` or `per_page` out of range (or a query value with a NUL)", body = ValidationErrorBody)))]
pub async fn list_courses(
    State(state): State<AppState>,
    partner: Partner,
    paging: Paging,
) -> ApiResult<Json<PageBody<Vec<Course>>>> {
    let page = scheduling::list_courses(&state.service, partner.scope(), paging.request).await?;
    let now = now_ms(&state);
    let data = page
        .items
        .iter()
        .map(|course| json::course(&course.item, json::labels(&course.labels), now))
        .collect();
    Ok(Json(paging.body(&page, data)))
}

/// One course with its teachers, students and auditors.
#[utoipa::path(get, path = "/api/v2/courses/{course_id}", tag = "scheduling", operation_id = "get_course",
    security(("token" = [])),
    params(("course_id" = i64, Path, minimum = 1, description = "The course's id")),
    responses(
        (status = 200, description = "The course", body = CourseDetail),
        (status = 404, description = "No course with this id in the credential's scope (also for an id that is not a positive integer)", body = ErrorBody)))]
pub async fn get_course(
    State(state): State<AppState>,
    partner: Partner,
    Path(course_id): Path<String>,
) -> ApiResult<Json<CourseDetail>> {
    let course_id = parse_id::<CourseId>(&course_id, "course")?;
    let detail = scheduling::course_detail(&state.service, partner.scope(), course_id)
        .await?
        .ok_or_else(|| ApiError::not_found("No course with this id."))?;
    let teachers = detail
        .teachers
        .iter()
        .map(|t| SchedulePerson {
            uid: t.id.get(),
            name: t.name.clone(),
        })
        .collect();
    Ok(Json(json::course_detail(
        json::course(&detail.course, json::labels(&detail.labels), now_ms(&state)),
        teachers,
        &detail.students,
    )))
}

/// The filters of `GET /api/v2/lessons`, each checked with its name as the path.
fn lesson_filter(query: &HashMap<String, String>) -> Result<LessonFilter, ApiError> {
    let mut errors = ValidationErrors::new();
    let mut moment = |key: &str| {
        let text = query.get(key)?;
        let parsed = parse_moment(text);
        if parsed.is_none() {
            errors.add(
                key,
                format!("The {key} must be a time: RFC 3339, YYYY-MM-DD HH:mm:ss, YYYY-MM-DD or Unix seconds."),
            );
        }
        parsed
    };
    let from = moment("from");
    let to = moment("to");
    let mut id = |key: &str| {
        let text = query.get(key)?;
        let parsed = text.trim().parse::<i64>().ok().filter(|id| *id > 0);
        if parsed.is_none() {
            errors.add(key, format!("The {key} must be a positive integer."));
        }
        parsed
    };
    let course_id = id("course_id");
    let teacher_id = id("teacher_uid");
    if let (Some(from), Some(to)) = (from, to) {
        if to <= from {
            errors.add("to", "The to must be after the from.");
        }
    }
    errors.into_result().map_err(ApiError::Validation)?;
    Ok(LessonFilter {
        from: from.map(UnixMillis::new),
        to: to.map(UnixMillis::new),
        course_id: course_id.map(CourseId::new),
        teacher_id: teacher_id.map(UserId::new),
    })
}

/// The filters of `GET /api/v2/lessons` (each refused with 422 at its name when it does not read).
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LessonQuery {
    /// Lessons ending after this: RFC 3339, `YYYY-MM-DD HH:mm:ss` or `YYYY-MM-DD` (UTC), or Unix seconds.
    #[param(example = "2026-09-01 00:00:00")]
    pub from: Option<String>,
    /// Lessons beginning before this (same forms), after `from`.
    #[param(example = "2026-09-08 00:00:00")]
    pub to: Option<String>,
    /// Only this course's lessons.
    #[param(minimum = 1)]
    pub course_id: Option<i64>,
    /// Only this teacher's lessons.
    #[param(minimum = 1)]
    pub teacher_uid: Option<i64>,
}

/// Lessons (not deleted) overlapping `[from, to)`, by start time, with their labels.
#[utoipa::path(get, path = "/api/v2/lessons", tag = "scheduling", operation_id = "list_lessons",
    security(("token" = [])),
    params(LessonQuery, Paging),
    responses(
        (status = 200, description = "A page of lessons", body = PageBody<Vec<Lesson>>),
        (status = 422, description = "A filter that does not read, `to` not after `from`, or `page` or `per_page` out of range", body = ValidationErrorBody)))]
pub async fn list_lessons(
    State(state): State<AppState>,
    partner: Partner,
    paging: Paging,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<PageBody<Vec<Lesson>>>> {
    let filter = lesson_filter(&query)?;
    let page =
        scheduling::list_lessons(&state.service, partner.scope(), filter, paging.request).await?;
    let now = now_ms(&state);
    let data = page
        .items
        .iter()
        .map(|summary| {
            json::lesson(
                &summary.item,
                page_url(&state, &partner, summary.item.lesson.id),
                json::labels(&summary.labels),
                now,
            )
        })
        .collect();
    Ok(Json(paging.body(&page, data)))
}

/// The lesson's page on the tenant's host.
fn page_url(state: &AppState, partner: &Partner, lesson_id: LessonId) -> String {
    format!(
        "{}/lessons/{lesson_id}",
        state.settings.tenant_base_url(&partner.tenant.slug)
    )
}

/// One lesson with its assistants, students, bookings, attendance and the teacher's comments.
#[utoipa::path(get, path = "/api/v2/lessons/{lesson_id}", tag = "scheduling", operation_id = "get_lesson",
    security(("token" = [])),
    params(("lesson_id" = i64, Path, minimum = 1, description = "The lesson's id")),
    responses(
        (status = 200, description = "The lesson with its people", body = LessonDetail),
        (status = 404, description = "No lesson with this id in the credential's scope (also for an id that is not a positive integer)", body = ErrorBody)))]
pub async fn get_lesson(
    State(state): State<AppState>,
    partner: Partner,
    Path(lesson_id): Path<String>,
) -> ApiResult<Json<LessonDetail>> {
    let lesson_id = parse_id::<LessonId>(&lesson_id, "lesson")?;
    let detail = scheduling::lesson_detail(&state.service, partner.scope(), lesson_id)
        .await?
        .ok_or_else(|| ApiError::not_found("No lesson with this id."))?;
    let comments: Vec<_> = detail.comments.iter().collect();
    let lesson = json::lesson(
        &detail.summary,
        page_url(&state, &partner, detail.summary.lesson.id),
        json::labels(&detail.labels),
        now_ms(&state),
    );
    Ok(Json(json::lesson_detail(
        lesson,
        &detail.summary.lesson,
        &comments,
        &detail.people,
    )))
}

/// A refused booking as the partner API answers it: 404 (`ErrorBody`), 422 at `uid` (`ValidationErrorBody`) or 409
/// (`BookingConflict`).
pub fn booking_error(error: BookingError) -> Response {
    let error = match error {
        BookingError::Store(store) => return ApiError::from(store).into_response(),
        other => other,
    };
    match &error {
        BookingError::LessonNotFound | BookingError::NotBooked => {
            return ApiError::not_found(error.to_string()).into_response()
        }
        BookingError::UnknownPerson | BookingError::Deactivated | BookingError::NotAStudent => {
            return ApiError::validation("uid", error.to_string()).into_response()
        }
        _ => {}
    }
    let conflicting_lesson = match &error {
        BookingError::Overlap(other) => Some(ConflictingLesson {
            id: other.lesson_id.get(),
            name: other.name.clone(),
            begin_time: rfc3339(other.begins_at),
            end_time: rfc3339(other.ends_at),
        }),
        _ => None,
    };
    let body = BookingConflict {
        message: error.to_string(),
        conflicting_lesson,
    };
    (StatusCode::CONFLICT, Json(body)).into_response()
}

/// The body of a booking: who takes the seat.
#[derive(Debug, ToSchema)]
pub struct BookingRequest {
    /// The student's uid (classbridge's id of the person): an active student of the school (under a branch-scoped
    /// credential, of its branch); an integer, or its decimal text.
    #[schema(minimum = 1)]
    pub uid: i64,
}

/// Books a seat of a bookable lesson (Mode B) for a student: 201, or 200 when the student already held it.
#[utoipa::path(post, path = "/api/v2/lessons/{lesson_id}/bookings", tag = "scheduling", operation_id = "book_lesson",
    security(("token" = [])),
    params(("lesson_id" = i64, Path, minimum = 1, description = "The lesson's id")),
    request_body(description = "JSON, or the same field in a form", content(
        (BookingRequest = "application/json"),
        (BookingRequest = "application/x-www-form-urlencoded"),
        (BookingRequest = "multipart/form-data"))),
    responses(
        (status = 201, description = "Booked", body = BookingMade),
        (status = 200, description = "Already booked: nothing changed", body = BookingMade),
        (status = 400, description = "The body is not JSON, not an object, or a malformed form", body = ErrorBody),
        (status = 404, description = "No lesson with this id in the credential's scope (also for an id that is not a positive integer)", body = ErrorBody),
        (status = 409, description = "Full (`This lesson is full.`), overlapping another lesson of the student (with `conflicting_lesson`), closed, ended, deleted, not bookable, or of an ended course", body = BookingConflict),
        (status = 415, description = "A `Content-Type` other than JSON or a form", body = ErrorBody),
        (status = 422, description = "`uid` missing, not an integer, or not an active student of the school", body = ValidationErrorBody)))]
pub async fn book(
    State(state): State<AppState>,
    partner: Partner,
    Path(lesson_id): Path<String>,
    input: PartnerInput,
) -> Response {
    let lesson_id = match parse_id::<LessonId>(&lesson_id, "lesson") {
        Ok(id) => id,
        Err(error) => return error.into_response(),
    };
    let mut errors = ValidationErrors::new();
    let uid =
        FieldReader::new(&mut errors, input.format).required_integer(&input.fields, "", "uid");
    if let Err(errors) = errors.into_result() {
        return ApiError::Validation(errors).into_response();
    }
    let uid = UserId::new(uid.unwrap_or_default());
    let now = state.clock.now_millis();
    match booking::book(&state.service, partner.scope(), lesson_id, uid, now).await {
        Ok(booked) => {
            let body = BookingMade {
                lesson_id: booked.lesson_id.get(),
                uid: booked.user_id.get(),
                name: booked.name,
                booked_at: rfc3339(booked.booked_at),
                seats: BookingSeats {
                    total: booked.seats,
                    booked: booked.booked,
                    available: (booked.seats - booked.booked).max(0),
                },
            };
            let status = if booked.created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            (status, Json(body)).into_response()
        }
        Err(error) => booking_error(error),
    }
}

/// Gives a booked seat back (until the lesson locks, 20 minutes before its start).
#[utoipa::path(delete, path = "/api/v2/lessons/{lesson_id}/bookings/{uid}", tag = "scheduling", operation_id = "cancel_booking",
    security(("token" = [])),
    params(("lesson_id" = i64, Path, minimum = 1, description = "The lesson's id"),
           ("uid" = i64, Path, description = "The student's uid")),
    responses(
        (status = 204, description = "Cancelled"),
        (status = 404, description = "No such lesson in the credential's scope, or the student has not booked it (also for ids that are not integers)", body = ErrorBody),
        (status = 409, description = "The lesson locked (starts within 20 minutes), ended or was deleted", body = BookingConflict)))]
pub async fn cancel_booking(
    State(state): State<AppState>,
    partner: Partner,
    Path((lesson_id, uid)): Path<(String, String)>,
) -> Response {
    let ids = parse_id::<LessonId>(&lesson_id, "lesson").and_then(|lesson| {
        uid.parse::<i64>()
            .map(|uid| (lesson, UserId::new(uid)))
            .map_err(|_| ApiError::not_found("This student has not booked this lesson."))
    });
    let (lesson_id, uid) = match ids {
        Ok(ids) => ids,
        Err(error) => return error.into_response(),
    };
    let now = state.clock.now_millis();
    match booking::cancel(&state.service, partner.scope(), lesson_id, uid, now).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => booking_error(error),
    }
}
