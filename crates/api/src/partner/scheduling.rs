//! Reading scheduling back with the partner credential (classin-api.md section 5): courses with their labels,
//! teachers and students, lessons by time, course and teacher, one lesson with its labels, people, bookings,
//! attendance and the teacher's comments; and Mode B booking,
//! `POST` and `DELETE /api/v2/lessons/{id}/bookings`.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use classbridge_domain::{input::FieldReader, ValidationErrors};
use classbridge_service::classin::{
    booking::{self, BookingError},
    lessons::is_locked,
};
use classbridge_store::classin::{
    labels::Labelled,
    lessons::LessonRow,
    reads::{CourseStudent, CourseSummary, LessonFilter, LessonPeople, LessonSummary},
};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

use super::parse_id;
use crate::{
    error::{ApiError, ApiResult},
    extract::{Paging, Partner, PartnerInput},
    state::AppState,
    time::{parse_moment, rfc3339},
};

fn identity_name(identity: i64) -> &'static str {
    if identity == 2 {
        "auditor"
    } else {
        "student"
    }
}

fn person(id: Option<i64>, name: Option<&str>) -> Value {
    match id {
        Some(uid) => json!({"uid": uid, "name": name}),
        None => Value::Null,
    }
}

fn course_json(course: &CourseSummary, now_ms: i64) -> Value {
    let status = if course.ended_at.is_some() {
        "ended"
    } else if course.expires_at.is_some_and(|at| at <= now_ms) {
        "expired"
    } else {
        "active"
    };
    json!({
        "id": course.id,
        "name": course.name,
        "introduction": course.introduction,
        "expiry_time": course.expires_at.map(rfc3339),
        "main_teacher": person(course.main_teacher_id, course.main_teacher_name.as_deref()),
        "unique_identity": course.unique_identity,
        "status": status,
        "ended_at": course.ended_at.map(rfc3339),
        "student_count": course.student_count,
        "auditor_count": course.auditor_count,
        "lesson_count": course.lesson_count,
        "created_at": rfc3339(course.created_at),
    })
}

/// `scheduled`, `locked` (no changes: it starts within 20 minutes), `in_progress`, `ended` or `deleted`.
pub fn lesson_status(lesson: &LessonRow, now_ms: i64) -> &'static str {
    if lesson.deleted_at.is_some() {
        "deleted"
    } else if lesson.ends_at <= now_ms {
        "ended"
    } else if lesson.begins_at <= now_ms {
        "in_progress"
    } else if is_locked(lesson, now_ms) {
        "locked"
    } else {
        "scheduled"
    }
}

fn lesson_json(state: &AppState, slug: &str, summary: &LessonSummary, now_ms: i64) -> Value {
    let lesson = &summary.lesson;
    json!({
        "id": lesson.id,
        "course": {"id": lesson.course_id, "name": summary.course_name},
        "name": lesson.name,
        "introduction": lesson.introduction,
        "begin_time": rfc3339(lesson.begins_at),
        "end_time": rfc3339(lesson.ends_at),
        "teacher": person(lesson.teacher_id, summary.teacher_name.as_deref()),
        "seat_num": lesson.seat_count,
        "bookable": lesson.bookable,
        "booked": summary.booked,
        "seats_left": lesson.bookable.then(|| (lesson.seat_count - summary.booked).max(0)),
        "record": lesson.record,
        "live": lesson.live,
        "replay": lesson.replay,
        "unique_identity": lesson.unique_identity,
        "status": lesson_status(lesson, now_ms),
        "deleted_at": lesson.deleted_at.map(rfc3339),
        "page_url": format!("{}/lessons/{}", state.settings.tenant_base_url(slug), lesson.id),
    })
}

fn people_json(lesson: &LessonRow, people: &LessonPeople) -> Value {
    let students_from = if lesson.has_student_list {
        "lesson"
    } else if lesson.bookable {
        "bookings"
    } else {
        "course"
    };
    json!({
        "assistants": people.assistants.iter().map(|p| json!({"uid": p.user_id, "name": p.name})).collect::<Vec<_>>(),
        "students_from": students_from,
        "students": people.students.iter()
            .map(|p| json!({"uid": p.user_id, "name": p.name, "identity": identity_name(p.identity)}))
            .collect::<Vec<_>>(),
        "bookings": people.bookings.iter()
            .map(|p| json!({"uid": p.user_id, "name": p.name, "booked_at": rfc3339(p.at)}))
            .collect::<Vec<_>>(),
        "attendance": people.attendance.iter().map(|a| json!({
            "uid": a.user_id, "name": a.name, "role": a.role, "first_entered_at": rfc3339(a.first_entered_at),
            "last_entered_at": rfc3339(a.last_entered_at), "entries": a.entries,
        })).collect::<Vec<_>>(),
    })
}

/// The people a branch-scoped credential may see among `ids` (`None`: a tenant-wide credential sees everyone). A
/// course or lesson shared with other branches shows only the branch's own people.
async fn visible_people(
    state: &AppState,
    partner: &Partner,
    ids: impl IntoIterator<Item = i64>,
) -> ApiResult<Option<HashSet<i64>>> {
    let scope = partner.scope();
    if scope.is_tenant_wide() {
        return Ok(None);
    }
    let ids: Vec<i64> = ids
        .into_iter()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    Ok(Some(state.store.people_in_scope(scope, &ids).await?))
}

fn shows(visible: &Option<HashSet<i64>>, id: i64) -> bool {
    visible.as_ref().is_none_or(|set| set.contains(&id))
}

/// Hides the people of other branches: a teacher becomes `null`.
fn hide_teacher(visible: &Option<HashSet<i64>>, id: &mut Option<i64>, name: &mut Option<String>) {
    if id.is_some_and(|id| !shows(visible, id)) {
        *id = None;
        *name = None;
    }
}

/// The labels of a course or lesson: `[{"id", "name"}]`.
async fn labels_json(state: &AppState, owner: Labelled) -> ApiResult<Value> {
    Ok(state
        .store
        .labels_of(owner)
        .await?
        .iter()
        .map(|label| json!({"id": label.id, "name": label.name}))
        .collect())
}

fn now_ms(state: &AppState) -> i64 {
    state.clock.now_millis()
}

/// `GET /api/v2/courses`: the tenant's courses, newest first, with their counts.
#[utoipa::path(get, path = "/api/v2/courses", tag = "scheduling", security(("token" = [])),
    params(("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query, description = "1–1000, default 100")),
    responses((status = 200, description = "`{data, meta, links}` of courses"),
              (status = 422, description = "Bad page or per_page", body = crate::openapi::ValidationErrorBody)))]
pub async fn list_courses(
    State(state): State<AppState>,
    partner: Partner,
    paging: Paging,
) -> ApiResult<Json<Value>> {
    let mut page = state
        .store
        .list_courses(partner.scope(), paging.request)
        .await?;
    let visible = visible_people(
        &state,
        &partner,
        page.items.iter().filter_map(|c| c.main_teacher_id),
    )
    .await?;
    for course in &mut page.items {
        hide_teacher(
            &visible,
            &mut course.main_teacher_id,
            &mut course.main_teacher_name,
        );
    }
    let now = now_ms(&state);
    let mut data = Vec::with_capacity(page.items.len());
    for course in &page.items {
        let mut item = course_json(course, now);
        item["labels"] = labels_json(&state, Labelled::Course(course.id)).await?;
        data.push(item);
    }
    Ok(Json(paging.render(&page, data)))
}

/// `GET /api/v2/courses/{id}`: one course with its students and auditors.
#[utoipa::path(get, path = "/api/v2/courses/{course_id}", tag = "scheduling", security(("token" = [])),
    params(("course_id" = i64, Path)),
    responses((status = 200, description = "The course with `students`"), (status = 404, description = "No such course")))]
pub async fn get_course(
    State(state): State<AppState>,
    partner: Partner,
    Path(course_id): Path<String>,
) -> ApiResult<Json<Value>> {
    let course_id = parse_id(&course_id, "course")?;
    let (mut course, mut students) = state
        .store
        .find_course_with_students(partner.scope(), course_id)
        .await?
        .ok_or_else(|| ApiError::not_found("No course with this id."))?;
    let teachers = state.store.course_teachers(course.id).await?;
    let visible = visible_people(
        &state,
        &partner,
        students
            .iter()
            .map(|s| s.user_id)
            .chain(course.main_teacher_id)
            .chain(teachers.iter().map(|t| t.id)),
    )
    .await?;
    hide_teacher(
        &visible,
        &mut course.main_teacher_id,
        &mut course.main_teacher_name,
    );
    students.retain(|s| shows(&visible, s.user_id));
    let mut body = course_json(&course, now_ms(&state));
    body["labels"] = labels_json(&state, Labelled::Course(course.id)).await?;
    body["teachers"] = teachers
        .iter()
        .filter(|t| shows(&visible, t.id))
        .map(|t| json!({"uid": t.id, "name": t.name}))
        .collect();
    body["students"] = students
        .iter()
        .map(|s: &CourseStudent| {
            json!({"uid": s.user_id, "name": s.name, "identity": identity_name(s.identity), "added_at": rfc3339(s.added_at)})
        })
        .collect();
    Ok(Json(body))
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
        from,
        to,
        course_id,
        teacher_id,
    })
}

/// `GET /api/v2/lessons?from=&to=&course_id=&teacher_uid=`: lessons (not deleted) overlapping `[from, to)`, by
/// start time.
#[utoipa::path(get, path = "/api/v2/lessons", tag = "scheduling", security(("token" = [])),
    params(("from" = Option<String>, Query, description = "Lessons ending after this (RFC 3339, YYYY-MM-DD HH:mm:ss UTC, or Unix seconds)"),
           ("to" = Option<String>, Query, description = "Lessons beginning before this"),
           ("course_id" = Option<i64>, Query), ("teacher_uid" = Option<i64>, Query),
           ("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)),
    responses((status = 200, description = "`{data, meta, links}` of lessons"),
              (status = 422, description = "A bad filter", body = crate::openapi::ValidationErrorBody)))]
pub async fn list_lessons(
    State(state): State<AppState>,
    partner: Partner,
    paging: Paging,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    let filter = lesson_filter(&query)?;
    let mut page = state
        .store
        .list_lessons(partner.scope(), filter, paging.request)
        .await?;
    let visible = visible_people(
        &state,
        &partner,
        page.items.iter().filter_map(|l| l.lesson.teacher_id),
    )
    .await?;
    for summary in &mut page.items {
        hide_teacher(
            &visible,
            &mut summary.lesson.teacher_id,
            &mut summary.teacher_name,
        );
    }
    let now = now_ms(&state);
    let mut data = Vec::with_capacity(page.items.len());
    for lesson in &page.items {
        let mut item = lesson_json(&state, &partner.tenant.slug, lesson, now);
        item["labels"] = labels_json(&state, Labelled::Lesson(lesson.lesson.id)).await?;
        data.push(item);
    }
    Ok(Json(paging.render(&page, data)))
}

/// `GET /api/v2/lessons/{id}`: one lesson with its assistants, students, bookings and attendance.
#[utoipa::path(get, path = "/api/v2/lessons/{lesson_id}", tag = "scheduling", security(("token" = [])),
    params(("lesson_id" = i64, Path)),
    responses((status = 200, description = "The lesson with its people"), (status = 404, description = "No such lesson")))]
pub async fn get_lesson(
    State(state): State<AppState>,
    partner: Partner,
    Path(lesson_id): Path<String>,
) -> ApiResult<Json<Value>> {
    let lesson_id = parse_id(&lesson_id, "lesson")?;
    let mut summary = state
        .store
        .find_lesson_summary(partner.scope(), lesson_id)
        .await?
        .ok_or_else(|| ApiError::not_found("No lesson with this id."))?;
    let mut people = state.store.lesson_people(&summary.lesson).await?;
    let comments = state.store.lesson_comments(summary.lesson.id).await?;
    let everyone = people
        .assistants
        .iter()
        .map(|p| p.user_id)
        .chain(comments.iter().map(|c| c.user_id))
        .chain(people.students.iter().map(|p| p.user_id))
        .chain(people.bookings.iter().map(|p| p.user_id))
        .chain(people.attendance.iter().map(|a| a.user_id))
        .chain(summary.lesson.teacher_id)
        .collect::<Vec<_>>();
    let visible = visible_people(&state, &partner, everyone).await?;
    hide_teacher(
        &visible,
        &mut summary.lesson.teacher_id,
        &mut summary.teacher_name,
    );
    people.assistants.retain(|p| shows(&visible, p.user_id));
    people.students.retain(|p| shows(&visible, p.user_id));
    people.bookings.retain(|p| shows(&visible, p.user_id));
    people.attendance.retain(|a| shows(&visible, a.user_id));
    let mut body = lesson_json(&state, &partner.tenant.slug, &summary, now_ms(&state));
    body["labels"] = labels_json(&state, Labelled::Lesson(summary.lesson.id)).await?;
    body["comments"] = comments
        .iter()
        .filter(|c| shows(&visible, c.user_id))
        .map(|c| {
            json!({"uid": c.user_id, "name": c.name, "stars": c.stars, "comment": c.comment,
                   "updated_at": rfc3339(c.updated_at)})
        })
        .collect();
    if let (Value::Object(body), Value::Object(people)) =
        (&mut body, people_json(&summary.lesson, &people))
    {
        body.extend(people);
    }
    Ok(Json(body))
}

/// A refused booking as the partner API answers it.
pub fn booking_error(error: BookingError) -> Response {
    let error = match error {
        BookingError::Store(store) => return ApiError::from(store).into_response(),
        other => other,
    };
    let status = match &error {
        BookingError::LessonNotFound | BookingError::NotBooked => StatusCode::NOT_FOUND,
        BookingError::UnknownPerson | BookingError::Deactivated | BookingError::NotAStudent => {
            return ApiError::validation("uid", error.to_string()).into_response()
        }
        _ => StatusCode::CONFLICT,
    };
    let mut body = json!({"message": error.to_string()});
    if let BookingError::Overlap(other) = &error {
        body["conflicting_lesson"] = json!({
            "id": other.lesson_id, "name": other.name,
            "begin_time": rfc3339(other.begins_at), "end_time": rfc3339(other.ends_at),
        });
    }
    (status, Json(body)).into_response()
}

/// `POST /api/v2/lessons/{id}/bookings` `{"uid": …}`: books a seat (201; 200 when the student already held it).
#[utoipa::path(post, path = "/api/v2/lessons/{lesson_id}/bookings", tag = "scheduling", security(("token" = [])),
    params(("lesson_id" = i64, Path)),
    responses((status = 201, description = "Booked"), (status = 200, description = "Already booked: nothing changed"),
              (status = 404, description = "No such lesson"),
              (status = 409, description = "Full (`This lesson is full.`), overlapping, closed, not bookable"),
              (status = 422, description = "No such student", body = crate::openapi::ValidationErrorBody)))]
pub async fn book(
    State(state): State<AppState>,
    partner: Partner,
    Path(lesson_id): Path<String>,
    input: PartnerInput,
) -> Response {
    let lesson_id = match parse_id(&lesson_id, "lesson") {
        Ok(id) => id,
        Err(error) => return error.into_response(),
    };
    let mut errors = ValidationErrors::new();
    let uid =
        FieldReader::new(&mut errors, input.format).required_integer(&input.fields, "", "uid");
    if let Err(errors) = errors.into_result() {
        return ApiError::Validation(errors).into_response();
    }
    let uid = uid.unwrap_or_default();
    let now = state.clock.now_millis();
    match booking::book(&state.store, partner.scope(), lesson_id, uid, now).await {
        Ok(booked) => {
            let status = if booked.created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            let body = json!({
                "lesson_id": booked.lesson_id, "uid": booked.user_id, "name": booked.name,
                "booked_at": rfc3339(booked.booked_at),
                "seats": {"total": booked.seats, "booked": booked.booked, "available": (booked.seats - booked.booked).max(0)},
            });
            (status, Json(body)).into_response()
        }
        Err(error) => booking_error(error),
    }
}

/// `DELETE /api/v2/lessons/{id}/bookings/{uid}`: gives the seat back (until the lesson locks).
#[utoipa::path(delete, path = "/api/v2/lessons/{lesson_id}/bookings/{uid}", tag = "scheduling", security(("token" = [])),
    params(("lesson_id" = i64, Path), ("uid" = i64, Path)),
    responses((status = 204, description = "Cancelled"), (status = 404, description = "No such lesson or booking"),
              (status = 409, description = "The lesson locked, ended or was deleted")))]
pub async fn cancel_booking(
    State(state): State<AppState>,
    partner: Partner,
    Path((lesson_id, uid)): Path<(String, String)>,
) -> Response {
    let ids = parse_id(&lesson_id, "lesson").and_then(|lesson| {
        uid.parse::<i64>()
            .map(|uid| (lesson, uid))
            .map_err(|_| ApiError::not_found("This student has not booked this lesson."))
    });
    let (lesson_id, uid) = match ids {
        Ok(ids) => ids,
        Err(error) => return error.into_response(),
    };
    let now = state.clock.now_millis();
    match booking::cancel(&state.store, partner.scope(), lesson_id, uid, now).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => booking_error(error),
    }
}
