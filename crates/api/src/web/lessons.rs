//! Lesson pages: `GET /lessons/{id}` (course, teacher, time, people; the join button inside the join window; a
//! student's booking), entering the video room (attendance recorded), and booking or cancelling a seat by form.
//! Also the lesson lists the home pages show.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    Form,
};
use classbridge_domain::LessonId;
use classbridge_service::classin::{
    booking::{self, BookingError},
    lessons::is_locked,
    rooms::{self, Entry, JoinWindow, LessonRole},
};
use classbridge_service::{
    pages::lessons::{self as reads, find_lesson, LessonPage},
    scheduling::{LessonPeople, LessonRow, LessonSummary, PersonLesson},
};
use maud::{html, Markup};

use super::{
    bdi,
    i18n::{Key, Lang},
    layout, message_page,
    sso::{csrf_ok, forbidden, CsrfForm},
    WebSession,
};
use crate::{error::ApiError, state::AppState, time::page_time};

fn lesson_path(id: LessonId) -> String {
    format!("/lessons/{id}")
}

fn not_found(lang: Lang) -> Response {
    let words = (lang.t(Key::Lesson), lang.t(Key::NoSuchLesson));
    (
        StatusCode::NOT_FOUND,
        message_page(lang, StatusCode::NOT_FOUND, words),
    )
        .into_response()
}

/// The join state for the person: a button inside their window, else when it opens or that it is over.
pub fn join_markup(
    lang: Lang,
    lesson: &LessonRow,
    role: LessonRole,
    now: i64,
    csrf: &str,
) -> Markup {
    match rooms::join_window(lesson, role, now) {
        JoinWindow::Open { closes_at } => html! {
            form method="post" action={ (lesson_path(lesson.id)) "/enter" } class="join" {
                input type="hidden" name="csrf" value=(csrf);
                button type="submit" class="enter" { (lang.t(Key::Enter)) }
            }
            span class="muted" { " " (lang.t(Key::EntryOpenUntil)) " " (page_time(closes_at * 1000)) }
        },
        JoinWindow::NotYet { opens_at } => html! {
            span class="opens-at" { (lang.t(Key::OpensAt)) " " (page_time(opens_at * 1000)) }
        },
        JoinWindow::Closed { .. } => html! { span class="muted" { (lang.t(Key::LessonEnded)) } },
        JoinWindow::Deleted => html! { span class="muted" { (lang.t(Key::LessonCancelled)) } },
    }
}

/// "My lessons" on a home page: the person's lessons still open, each with its join state.
pub fn my_lessons(lang: Lang, lessons: &[PersonLesson], now: i64, csrf: &str) -> Markup {
    html! {
        section id="my-lessons" {
            h2 { (lang.t(Key::MyLessons)) }
            @if lessons.is_empty() { p class="muted" { (lang.t(Key::NoLessons)) } } @else {
                table {
                    thead { tr { th scope="col" { (lang.t(Key::Time)) } th scope="col" { (lang.t(Key::Lesson)) } th scope="col" { (lang.t(Key::Teacher)) } th scope="col" { "" } } }
                    tbody {
                        @for item in lessons {
                            @let lesson = &item.summary.lesson;
                            tr class="lesson-row" {
                                td { (page_time(lesson.begins_at)) }
                                td { a href=(lesson_path(lesson.id)) { (bdi(&lesson.name)) } br; a class="muted" href=(super::courses::course_path(lesson.course_id)) { (bdi(&item.summary.course_name)) } }
                                td { (bdi(item.summary.teacher_name.as_deref().unwrap_or("—"))) }
                                td { (join_markup(lang, lesson, item.role, now, csrf)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn book_form(lang: Lang, lesson_id: LessonId, csrf: &str) -> Markup {
    html! {
        form method="post" action={ (lesson_path(lesson_id)) "/book" } class="book" {
            input type="hidden" name="csrf" value=(csrf);
            button type="submit" { (lang.t(Key::Book)) }
        }
    }
}

/// "Lessons open for booking" on a student's home page.
pub fn open_for_booking(lang: Lang, lessons: &[LessonSummary], csrf: &str) -> Markup {
    html! {
        section id="open-for-booking" {
            h2 { (lang.t(Key::OpenForBooking)) }
            @if lessons.is_empty() { p class="muted" { (lang.t(Key::NoneOpenForBooking)) } } @else {
                table {
                    thead { tr { th scope="col" { (lang.t(Key::Time)) } th scope="col" { (lang.t(Key::Lesson)) } th scope="col" { (lang.t(Key::Teacher)) } th scope="col" { (lang.t(Key::SeatsLeft)) } th scope="col" { "" } } }
                    tbody {
                        @for item in lessons {
                            tr class="bookable-row" {
                                td { (page_time(item.lesson.begins_at)) }
                                td { a href=(lesson_path(item.lesson.id)) { (bdi(&item.lesson.name)) } br; span class="muted" { (bdi(&item.course_name)) } }
                                td { (bdi(item.teacher_name.as_deref().unwrap_or("—"))) }
                                td { ((item.lesson.seat_count - item.booked).max(0)) }
                                td { (book_form(lang, item.lesson.id, csrf)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /lessons/{id}`: for its teacher, assistants and students; the school's admins; and students who may book it.
pub async fn lesson_page(
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
    let now = state.clock.now_seconds();
    let page = match find_id(id).map(LessonId::new) {
        Some(id) => reads::lesson_page(&state.service, tenant, id, user, now * 1000).await?,
        None => None,
    };
    let Some(LessonPage {
        summary,
        role,
        booked,
        is_student,
        sees_attendance,
        people,
        labels,
        comments,
        ..
    }) = page
    else {
        return Ok(not_found(lang));
    };
    let lesson = &summary.lesson;
    let csrf = &session.row.csrf_token;
    let body = html! {
        h1 { (bdi(&lesson.name)) }
        section id="lesson" {
            table {
                tbody {
                    tr { th scope="row" { (lang.t(Key::Course)) } td { a href=(super::courses::course_path(lesson.course_id)) { (bdi(&summary.course_name)) } } }
                    tr { th scope="row" { (lang.t(Key::Teacher)) } td id="lesson-teacher" { (summary.teacher_name.as_deref().unwrap_or("—")) } }
                    tr { th scope="row" { (lang.t(Key::Time)) } td id="lesson-time" { (page_time(lesson.begins_at)) " – " (page_time(lesson.ends_at)) } }
                    @if !labels.is_empty() {
                        tr { th scope="row" { (lang.t(Key::Labels)) } td id="lesson-labels" {
                            @for (index, label) in labels.iter().enumerate() { @if index > 0 { ", " } (bdi(&label.name)) }
                        } }
                    }
                    @if lesson.bookable { tr { th scope="row" { (lang.t(Key::SeatsLeft)) } td id="seats-left" { ((lesson.seat_count - summary.booked).max(0)) " / " (lesson.seat_count) } } }
                }
            }
            @if let Some(introduction) = &lesson.introduction { p dir="auto" { (introduction) } }
            @if let Some(role) = role { p id="join" { (join_markup(lang, lesson, role, now, csrf)) } }
        }
        @if lesson.bookable && is_student && role != Some(LessonRole::Teacher) {
            (booking_markup(lang, lesson, booked, summary.booked, now, csrf))
        }
        (people_markup(lang, &people, sees_attendance))
        @if !comments.is_empty() {
            section id="comments" {
                h2 { (lang.t(Key::Comments)) }
                table {
                    thead { tr { th scope="col" { (lang.t(Key::Name)) } th scope="col" { (lang.t(Key::Stars)) } th scope="col" { (lang.t(Key::Comments)) } } }
                    tbody { @for row in &comments { tr class="comment-row" { td { (bdi(&row.name)) } td { (row.stars) " / 5" } td dir="auto" { (row.comment) } } } }
                }
            }
        }
    };
    Ok(layout(session, &lesson.name, body).into_response())
}

fn booking_markup(
    lang: Lang,
    lesson: &LessonRow,
    booked_by_me: bool,
    booked: i64,
    now: i64,
    csrf: &str,
) -> Markup {
    let open = lesson.deleted_at.is_none() && !is_locked(lesson, now * 1000);
    html! {
        section id="booking" {
            @if booked_by_me {
                p { strong { (lang.t(Key::BookedSeat)) } }
                @if open {
                    form method="post" action={ (lesson_path(lesson.id)) "/cancel" } {
                        input type="hidden" name="csrf" value=(csrf);
                        button type="submit" { (lang.t(Key::CancelBooking)) }
                    }
                }
            } @else if open && booked < lesson.seat_count {
                (book_form(lang, lesson.id, csrf))
            } @else {
                p class="muted" { (lang.t(Key::NotBookableAnyMore)) }
            }
        }
    }
}

fn people_markup(lang: Lang, people: &LessonPeople, sees_attendance: bool) -> Markup {
    let students: Vec<&str> = if people.students.is_empty() {
        people.bookings.iter().map(|p| p.name.as_str()).collect()
    } else {
        people.students.iter().map(|p| p.name.as_str()).collect()
    };
    html! {
        section id="people" {
            @if !people.assistants.is_empty() {
                h2 { (lang.t(Key::Assistants)) }
                ul { @for person in &people.assistants { li { (bdi(&person.name)) } } }
            }
            h2 { (lang.t(Key::Students)) " (" (students.len()) ")" }
            @if students.is_empty() { p class="muted" { (lang.t(Key::NoStudents)) } } @else {
                ul id="lesson-students" { @for name in &students { li { (bdi(name)) } } }
            }
        }
        @if sees_attendance {
            section id="attendance" {
                h2 { (lang.t(Key::Attendance)) }
                @if people.attendance.is_empty() { p class="muted" { (lang.t(Key::Nothing)) } } @else {
                    table {
                        thead { tr { th scope="col" { (lang.t(Key::Name)) } th scope="col" { (lang.t(Key::FirstEntered)) } } }
                        tbody { @for row in &people.attendance { tr class="attendance-row" { td { (bdi(&row.name)) } td { (page_time(row.first_entered_at)) } } } }
                    }
                }
            }
        }
    }
}

fn find_id(id: &str) -> Option<i64> {
    id.parse::<i64>().ok().filter(|id| *id > 0)
}

/// `POST /lessons/{id}/enter`: inside the join window, records attendance and gives the way into the video room.
pub async fn enter(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !csrf_ok(&session, &form) {
        return forbidden(&session);
    }
    let lang = session.lang();
    let tenant = session.row.tenant_id;
    let lesson = match find_id(&id).map(LessonId::new) {
        Some(id) => find_lesson(&state.service, tenant, id).await,
        None => Ok(None),
    };
    let summary = match lesson {
        Ok(Some(summary)) => summary,
        Ok(None) => return not_found(lang),
        Err(error) => return ApiError::from(error).into_response(),
    };
    let now = state.clock.now_seconds();
    let entry = rooms::enter_lesson(
        &state.service,
        tenant,
        &session.row.tenant_slug,
        &summary.lesson,
        session.row.user_id,
        now,
    )
    .await;
    let back = lesson_path(summary.lesson.id);
    match entry {
        Ok(Entry::Entered { room_url }) => {
            let body = html! {
                h1 { (lang.t(Key::YouAreIn)) }
                section id="entered" {
                    p { strong { (bdi(&summary.lesson.name)) } " · " (page_time(summary.lesson.begins_at)) }
                    @match &room_url {
                        Some(url) => p { a id="video-room" href=(url) rel="noopener" { (lang.t(Key::OpenRoom)) } },
                        None => p id="no-video-room" { (lang.t(Key::NoRoom)) },
                    }
                    p { a href=(back) { (lang.t(Key::BackToLesson)) } }
                }
            };
            layout(&session, lang.t(Key::YouAreIn), body).into_response()
        }
        Ok(Entry::NotAMember) => not_found(lang),
        Ok(Entry::Window(window)) => {
            let text = match window {
                JoinWindow::NotYet { opens_at } => {
                    format!("{} {}", lang.t(Key::OpensAt), page_time(opens_at * 1000))
                }
                JoinWindow::Deleted => lang.t(Key::LessonCancelled).to_owned(),
                _ => lang.t(Key::LessonEnded).to_owned(),
            };
            let status = StatusCode::CONFLICT;
            (
                status,
                message_page(lang, status, (&summary.lesson.name, &text)),
            )
                .into_response()
        }
        Err(error) => ApiError::from(error).into_response(),
    }
}

/// A refused booking in the page's language.
fn booking_refusal(lang: Lang, error: BookingError) -> Response {
    let error = match error {
        BookingError::Store(store) => return ApiError::from(store).into_response(),
        other => other,
    };
    let (status, en, ar) = match &error {
        // A lesson that takes no bookings is, to a booking form, no lesson at all: its existence is not shown to
        // someone who is not in it.
        BookingError::LessonNotFound | BookingError::NotBookable => return not_found(lang),
        BookingError::LessonFull => (
            StatusCode::CONFLICT,
            "This lesson is full.",
            "اكتمل هذا الدرس.",
        ),
        BookingError::Overlap(_) => (
            StatusCode::CONFLICT,
            "You already have a lesson at that time.",
            "لديك درس آخر في الوقت نفسه.",
        ),
        BookingError::BookingClosed | BookingError::CancellationClosed => (
            StatusCode::CONFLICT,
            "The lesson starts within 20 minutes: its bookings can no longer change.",
            "يبدأ الدرس خلال 20 دقيقة: لم يعد بالإمكان تغيير الحجوزات.",
        ),
        BookingError::NotAStudent | BookingError::Deactivated | BookingError::UnknownPerson => (
            StatusCode::FORBIDDEN,
            "Only the school's students can book lessons.",
            "حجز الدروس متاح لطلاب المدرسة فقط.",
        ),
        BookingError::NotBooked => (
            StatusCode::NOT_FOUND,
            "You have not booked this lesson.",
            "لم تحجز هذا الدرس.",
        ),
        _ => (
            StatusCode::CONFLICT,
            "Booking for this lesson has closed.",
            "أُغلق الحجز لهذا الدرس.",
        ),
    };
    let text = if lang == Lang::Ar { ar } else { en };
    (
        status,
        message_page(lang, status, (lang.t(Key::Lesson), text)),
    )
        .into_response()
}

/// `POST /lessons/{id}/book`: the signed-in student books a seat, then sees the lesson.
pub async fn book(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    change_booking(state, session, id, form, true).await
}

/// `POST /lessons/{id}/cancel`: the signed-in student gives their seat back.
pub async fn cancel(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    change_booking(state, session, id, form, false).await
}

async fn change_booking(
    state: AppState,
    session: WebSession,
    id: String,
    form: CsrfForm,
    book: bool,
) -> Response {
    if !csrf_ok(&session, &form) {
        return forbidden(&session);
    }
    let lang = session.lang();
    let Some(lesson_id) = find_id(&id).map(LessonId::new) else {
        return not_found(lang);
    };
    let tenant = session.row.tenant_id;
    let user = session.row.user_id;
    let now = state.clock.now_millis();
    let outcome = if book {
        booking::book(
            &state.service,
            classbridge_domain::Scope::tenant_wide(tenant),
            lesson_id,
            user,
            now,
        )
        .await
        .map(|_| ())
    } else {
        booking::cancel(
            &state.service,
            classbridge_domain::Scope::tenant_wide(tenant),
            lesson_id,
            user,
            now,
        )
        .await
    };
    match outcome {
        Ok(()) => Redirect::to(&lesson_path(lesson_id)).into_response(),
        Err(error) => booking_refusal(lang, error),
    }
}

/// The admin dashboard's calendar: the tenant's lessons of the next two weeks.
pub fn calendar(lang: Lang, lessons: &[LessonSummary]) -> Markup {
    html! {
        section id="lessons-calendar" {
            h2 { (lang.t(Key::LessonsCalendar)) }
            @if lessons.is_empty() { p class="muted" { (lang.t(Key::NoLessons)) } } @else {
                table {
                    thead { tr { th scope="col" { (lang.t(Key::Time)) } th scope="col" { (lang.t(Key::Lesson)) } th scope="col" { (lang.t(Key::Teacher)) } th scope="col" { (lang.t(Key::Seats)) } } }
                    tbody {
                        @for item in lessons {
                            tr class="calendar-row" {
                                td { (page_time(item.lesson.begins_at)) }
                                td { a href=(lesson_path(item.lesson.id)) { (bdi(&item.lesson.name)) } br; span class="muted" { (bdi(&item.course_name)) } }
                                td { (bdi(item.teacher_name.as_deref().unwrap_or("—"))) }
                                td { @if item.lesson.bookable { (item.booked) " / " } (item.lesson.seat_count) }
                            }
                        }
                    }
                }
            }
        }
    }
}
