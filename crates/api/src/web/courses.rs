//! The course outline page `GET /courses/{id}`: a course's units in order with their activities (ClassIn v2), as the
//! signed-in person sees them: a teacher of the course everything (drafts marked), a student the published units'
//! published activities they are a member of, an admin everything; anyone else finds no such course. Classrooms link
//! to their lesson pages.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use classbridge_domain::CourseId;
use classbridge_service::pages::lessons::{course_page, CoursePage};
use maud::html;

use super::{
    bdi,
    i18n::{Key, Lang},
    layout, message_page, WebSession,
};
use crate::{error::ApiError, state::AppState, time::page_time};

/// The path of a course's outline page.
pub fn course_path(id: CourseId) -> String {
    format!("/courses/{id}")
}

fn not_found(lang: Lang) -> Response {
    let words = (lang.t(Key::Course), lang.t(Key::NoSuchCourse));
    (
        StatusCode::NOT_FOUND,
        message_page(lang, StatusCode::NOT_FOUND, words),
    )
        .into_response()
}

/// The words for an activity type.
fn activity_type(lang: Lang, activity_type: i64) -> &'static str {
    lang.t(match activity_type {
        1 => Key::ActivityClassroom,
        2 => Key::ActivityHomework,
        3 => Key::ActivityQuiz,
        4 => Key::ActivityRecordedLesson,
        5 => Key::ActivityStudyMaterial,
        6 => Key::ActivityDiscussion,
        7 => Key::ActivityAnswerSheet,
        8 => Key::ActivityCheckIn,
        _ => Key::ActivityOther,
    })
}

pub async fn outline_page(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
) -> Response {
    match render(&state, &session, &id).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn render(state: &AppState, session: &WebSession, id: &str) -> Result<Response, ApiError> {
    let lang = session.lang();
    let tenant = session.row.tenant_id;
    let user = session.row.user_id;
    let Some(course_id) = id
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .map(CourseId::new)
    else {
        return Ok(not_found(lang));
    };
    let Some(CoursePage {
        course,
        sees_drafts,
        units,
    }) = course_page(&state.service, tenant, course_id, user).await?
    else {
        return Ok(not_found(lang));
    };
    let body = html! {
        h1 { (bdi(&course.name)) }
        section id="course" {
            table {
                tbody {
                    tr { th scope="row" { (lang.t(Key::Teacher)) } td id="course-teacher" { (bdi(course.main_teacher_name.as_deref().unwrap_or("—"))) } }
                    @if let Some(ended_at) = course.ended_at {
                        tr { th scope="row" { (lang.t(Key::CourseEnded)) } td { (page_time(ended_at)) } }
                    }
                }
            }
            @if let Some(introduction) = &course.introduction { p dir="auto" { (introduction) } }
        }
        section id="outline" {
            h2 { (lang.t(Key::CourseOutline)) }
            @if units.iter().all(|unit| unit.activities.is_empty()) {
                p class="muted" { (lang.t(Key::NothingInTheOutline)) }
            }
            @for unit in &units {
                @if !(unit.unit.is_default && unit.activities.is_empty()) {
                    section class="unit" data-unit=(unit.unit.id) {
                        h3 {
                            @if unit.unit.is_default { (lang.t(Key::NoTopic)) } @else { (bdi(&unit.unit.name)) }
                            @if sees_drafts && !unit.unit.published { " " span class="draft" { (lang.t(Key::Draft)) } }
                        }
                        @if !unit.unit.content.is_empty() { p dir="auto" class="muted" { (unit.unit.content) } }
                        @if unit.activities.is_empty() { p class="muted" { (lang.t(Key::NothingInTheUnit)) } } @else {
                            table {
                                thead { tr {
                                    th scope="col" { (lang.t(Key::Activity)) }
                                    th scope="col" { (lang.t(Key::Kind)) }
                                    th scope="col" { (lang.t(Key::Time)) }
                                } }
                                tbody {
                                    @for activity in &unit.activities {
                                        tr class="activity" data-activity=(activity.id) {
                                            td {
                                                @if let Some(lesson_id) = activity.lesson_id {
                                                    a href={ "/lessons/" (lesson_id) } { (bdi(&activity.name)) }
                                                } @else { (bdi(&activity.name)) }
                                                @if sees_drafts && !activity.published { " " span class="draft" { (lang.t(Key::Draft)) } }
                                            }
                                            td { (activity_type(lang, activity.activity_type)) }
                                            td {
                                                @match (activity.starts_at, activity.ends_at) {
                                                    (Some(starts), Some(ends)) => { (page_time(starts)) " – " (page_time(ends)) }
                                                    (Some(starts), None) => { (page_time(starts)) }
                                                    (None, Some(ends)) => { "– " (page_time(ends)) }
                                                    (None, None) => { "—" }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout(session, &course.name, body).into_response())
}
