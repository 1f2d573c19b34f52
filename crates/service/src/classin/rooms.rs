//! Entering a lesson: who enters as what, the join window (teachers 20 minutes before the start, students 10
//! minutes before, closed 20 minutes after the end) and the tenant's video room that entering opens.

use classbridge_domain::{TenantId, UnixMillis, UserId};
use classbridge_store::{
    classin::{bookings::LessonTies, lessons::LessonRow},
    StoreResult,
};

/// Teachers and assistants may enter this long before the start.
pub const TEACHER_EARLY_SECONDS: i64 = 20 * 60;
/// Students may enter this long before the start.
pub const STUDENT_EARLY_SECONDS: i64 = 10 * 60;
/// Entry closes this long after the end.
pub const LATE_SECONDS: i64 = 20 * 60;

/// What a person is in a lesson: teacher, assistant or student.
pub use classbridge_domain::LessonRole;

/// How long before the start a person in this role may enter.
fn early_seconds(role: LessonRole) -> i64 {
    match role {
        LessonRole::Teacher | LessonRole::Assistant => TEACHER_EARLY_SECONDS,
        LessonRole::Student => STUDENT_EARLY_SECONDS,
    }
}

/// What the person is in the lesson, if anything: its teacher, an assistant, or a student — of a bookable lesson
/// those who booked a seat (and any the partner listed for it), of a lesson with its own list those on it, else
/// every student and auditor of the course.
pub fn role_in_lesson(lesson: &LessonRow, user_id: UserId, ties: LessonTies) -> Option<LessonRole> {
    if lesson.teacher_id == Some(user_id) {
        Some(LessonRole::Teacher)
    } else if ties.assistant {
        Some(LessonRole::Assistant)
    } else if ties.booked
        || ties.listed
        || (ties.in_course && !lesson.bookable && !lesson.has_student_list)
    {
        Some(LessonRole::Student)
    } else {
        None
    }
}

/// The outcome of asking to enter a lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// Recorded; the room to open (`None` when the tenant has not configured video rooms).
    Entered {
        room_url: Option<String>,
    },
    NotAMember,
    Window(JoinWindow),
}

/// Enters the lesson: inside the person's join window, records their attendance and answers the room to open.
pub async fn enter_lesson(
    service: &crate::Service,
    tenant_id: TenantId,
    tenant_slug: &str,
    lesson: &LessonRow,
    user_id: UserId,
    now: i64,
) -> StoreResult<Entry> {
    let store = service.store();
    let ties = store.lesson_ties(tenant_id, lesson, user_id).await?;
    let Some(role) = role_in_lesson(lesson, user_id, ties) else {
        return Ok(Entry::NotAMember);
    };
    let window = join_window(lesson, role, now);
    if !matches!(window, JoinWindow::Open { .. }) {
        return Ok(Entry::Window(window));
    }
    let mut tx = store.begin_for(tenant_id).await?;
    classbridge_store::classin::bookings::record_entry(
        &mut tx,
        lesson.id,
        user_id,
        role,
        UnixMillis::from_seconds(now),
    )
    .await?;
    tx.commit().await?;
    let template = store.tenant_video_room(tenant_id).await?;
    Ok(Entry::Entered {
        room_url: template.map(|template| room_url(&template, tenant_slug, lesson)),
    })
}

/// Whether a person may enter a lesson now (times in Unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinWindow {
    /// Not yet: entry opens at this moment.
    NotYet {
        opens_at: i64,
    },
    /// Open until this moment.
    Open {
        closes_at: i64,
    },
    /// Entry closed at this moment.
    Closed {
        closed_at: i64,
    },
    Deleted,
}

pub fn join_window(lesson: &LessonRow, role: LessonRole, now: i64) -> JoinWindow {
    if lesson.deleted_at.is_some() {
        return JoinWindow::Deleted;
    }
    let opens_at = lesson.begins_at.seconds() - early_seconds(role);
    let closes_at = lesson.ends_at.seconds() + LATE_SECONDS;
    if now < opens_at {
        JoinWindow::NotYet { opens_at }
    } else if now < closes_at {
        JoinWindow::Open { closes_at }
    } else {
        JoinWindow::Closed {
            closed_at: closes_at,
        }
    }
}

const PLACEHOLDERS: [&str; 3] = ["{tenant}", "{lesson_id}", "{course_id}"];

/// Whether a video-room URL template is usable: an http(s) URL that names `{lesson_id}` (one room per lesson) and
/// no placeholder other than `{tenant}`, `{lesson_id}` and `{course_id}`.
pub fn check_template(template: &str) -> Result<(), String> {
    if !template.contains("{lesson_id}") {
        return Err(
            "a video-room URL template must name {lesson_id}, so that every lesson has its own room".into(),
        );
    }
    let mut rest = template.to_owned();
    for placeholder in PLACEHOLDERS {
        rest = rest.replace(placeholder, "1");
    }
    if rest.contains('{') || rest.contains('}') {
        return Err(
            "a video-room URL template may only use {tenant}, {lesson_id} and {course_id}".into(),
        );
    }
    match url::Url::parse(&rest) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(()),
        _ => Err(format!(
            "a video-room URL template must be an http(s) URL such as https://meet.example.org/{{tenant}}-{{lesson_id}} (got `{template}`)"
        )),
    }
}

/// The room of one lesson, from the tenant's template.
pub fn room_url(template: &str, tenant_slug: &str, lesson: &LessonRow) -> String {
    template
        .replace("{tenant}", tenant_slug)
        .replace("{lesson_id}", &lesson.id.to_string())
        .replace("{course_id}", &lesson.course_id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use classbridge_domain::{CourseId, LessonId};

    fn lesson(begins_at: i64, ends_at: i64) -> LessonRow {
        LessonRow {
            id: LessonId::new(7),
            course_id: CourseId::new(3),
            name: "Optics".into(),
            introduction: None,
            begins_at: UnixMillis::from_seconds(begins_at),
            ends_at: UnixMillis::from_seconds(ends_at),
            teacher_id: Some(UserId::new(1)),
            seat_count: 6,
            record: false,
            live: false,
            replay: false,
            bookable: false,
            has_student_list: false,
            unique_identity: None,
            deleted_at: None,
        }
    }

    #[test]
    fn teachers_enter_twenty_minutes_early_students_ten_and_both_until_twenty_after_the_end() {
        let lesson = lesson(10_000, 13_600);
        let teacher = |now| join_window(&lesson, LessonRole::Teacher, now);
        let student = |now| join_window(&lesson, LessonRole::Student, now);
        assert_eq!(
            teacher(10_000 - 1201),
            JoinWindow::NotYet { opens_at: 8_800 }
        );
        assert_eq!(teacher(8_800), JoinWindow::Open { closes_at: 14_800 });
        assert_eq!(student(8_800), JoinWindow::NotYet { opens_at: 9_400 });
        assert_eq!(student(9_400), JoinWindow::Open { closes_at: 14_800 });
        assert_eq!(student(14_799), JoinWindow::Open { closes_at: 14_800 });
        assert_eq!(student(14_800), JoinWindow::Closed { closed_at: 14_800 });
        assert_eq!(
            join_window(&lesson, LessonRole::Assistant, 8_800),
            JoinWindow::Open { closes_at: 14_800 }
        );
    }

    #[test]
    fn templates_must_be_http_urls_naming_the_lesson() {
        assert!(check_template("https://meet.example.org/{tenant}-{lesson_id}").is_ok());
        assert!(check_template("https://meet.example.org/{course_id}/{lesson_id}?x=1").is_ok());
        assert!(check_template("https://meet.example.org/{tenant}").is_err());
        assert!(check_template("https://meet.example.org/{room}-{lesson_id}").is_err());
        assert!(check_template("javascript:alert({lesson_id})").is_err());
        assert!(check_template("meet {lesson_id}").is_err());
        let url = room_url(
            "https://meet.example.org/{tenant}-{lesson_id}-{course_id}",
            "demo",
            &lesson(1, 2),
        );
        assert_eq!(url, "https://meet.example.org/demo-7-3");
    }
}
