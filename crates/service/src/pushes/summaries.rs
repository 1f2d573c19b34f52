//! The end-of-lesson messages, written once a lesson has closed (its scheduled end plus ClassIn's 20-minute
//! overtime): `End` (only when someone entered; `inoutEnd` per person) and `Attendance` (every member, absentees
//! included). classbridge's video rooms are the tenant's own, so it knows when each person first entered but not
//! when the teacher dismissed the class: it sends `RealCloseTime` = the scheduled end, and a school applying
//! ClassIn's early-dismissal rule (min(RealCloseTime, CloseTime), CloseTime when RealCloseTime is 0 or absent)
//! counts time in the lesson up to the scheduled end.

use classbridge_domain::{
    ActivityId, LessonIdentity, LessonRole, StudentIdentity, UnixMillis, UserId,
};
use classbridge_store::{
    classin::{lessons as lesson_store, reads::LessonPeople, units as unit_store},
    outbox, Store, StoreResult,
};
use serde_json::{json, Map, Value};

/// ClassIn's overtime: a lesson closes this long after its scheduled end.
pub const CLOSE_AFTER_SECONDS: i64 = 20 * 60;
/// `Device` 14: a web page (people enter classbridge's lessons from their browser).
const DEVICE_WEB_PAGE: i64 = 14;
/// `Reason` 2: the classroom was closed.
const REASON_CLOSED: i64 = 2;

/// `Identity` of a person who entered the lesson: by the role they entered with, a student's as listed (a student
/// on no list, or listed without one, is a student).
fn identity_of(role: LessonRole, student_identity: Option<StudentIdentity>) -> LessonIdentity {
    match role {
        LessonRole::Teacher => LessonIdentity::Teacher,
        LessonRole::Assistant => LessonIdentity::CoTeacher,
        LessonRole::Student => {
            student_identity.map_or(LessonIdentity::Student, LessonIdentity::from)
        }
    }
}

/// Seconds in the lesson: from the first entry (or the start, if earlier) to the effective close.
fn seconds_in_lesson(first_in: i64, start: i64, effective_close: i64) -> i64 {
    (effective_close - first_in.max(start)).max(0)
}

/// The messages of one closed lesson: `End` (when someone entered) and `Attendance`, as `(cmd, body)`.
pub fn end_of_lesson_messages(
    lesson: &lesson_store::LessonRow,
    course_name: &str,
    activity_id: Option<ActivityId>,
    people: &LessonPeople,
    teacher_name: &str,
) -> Vec<(&'static str, Map<String, Value>)> {
    let start = lesson.begins_at.seconds();
    let end = lesson.ends_at.seconds();
    let close = end + CLOSE_AFTER_SECONDS;
    let real_close = end;
    let effective_close = real_close.min(close);
    let student_identity = |uid: UserId| {
        people
            .students
            .iter()
            .chain(&people.bookings)
            .find(|person| person.user_id == uid)
            .and_then(|person| person.identity)
    };
    let mut messages = Vec::new();
    if !people.attendance.is_empty() {
        let mut inout = Map::new();
        for entry in &people.attendance {
            let first_in = entry.first_entered_at.seconds();
            inout.insert(
                entry.user_id.to_string(),
                json!({
                    "Total": seconds_in_lesson(first_in, start, effective_close),
                    "Details": [
                        {"Type": "In", "Device": DEVICE_WEB_PAGE, "Time": first_in},
                        {"Type": "Out", "Time": effective_close.max(first_in)},
                    ],
                    "Identity": identity_of(entry.role, student_identity(entry.user_id)),
                }),
            );
        }
        let end_message = json!({
            "ClassID": lesson.id,
            "CourseID": lesson.course_id,
            "StartTime": start,
            "CloseTime": close,
            "RealCloseTime": real_close,
            "ActionTime": close,
            "Data": {"inoutEnd": inout},
        });
        if let Value::Object(body) = end_message {
            messages.push(("End", body));
        }
    }
    // Every member: the teacher, the co-teachers, then the students (and those who booked a seat).
    let mut members: Vec<(UserId, String, LessonIdentity)> = Vec::new();
    if let Some(teacher) = lesson.teacher_id {
        members.push((teacher, teacher_name.to_owned(), LessonIdentity::Teacher));
    }
    for assistant in &people.assistants {
        members.push((
            assistant.user_id,
            assistant.name.clone(),
            LessonIdentity::CoTeacher,
        ));
    }
    for student in people.students.iter().chain(&people.bookings) {
        if !members.iter().any(|(uid, _, _)| *uid == student.user_id) {
            members.push((
                student.user_id,
                student.name.clone(),
                student
                    .identity
                    .map_or(LessonIdentity::Student, LessonIdentity::from),
            ));
        }
    }
    let mut data = Vec::with_capacity(members.len());
    let mut present_students = 0;
    let class_students = members
        .iter()
        .filter(|(_, _, identity)| identity.is_student())
        .count();
    for (uid, name, identity) in &members {
        let entry = people.attendance.iter().find(|entry| entry.user_id == *uid);
        let item = match entry {
            Some(entry) => {
                let first_in = entry.first_entered_at.seconds();
                if identity.is_student() {
                    present_students += 1;
                }
                json!({"Uid": uid, "Name": name, "Identity": identity,
                       "AttendanceTime": seconds_in_lesson(first_in, start, effective_close),
                       "FirstInTime": first_in, "LastOutTime": effective_close.max(first_in),
                       "FirstInDevice": DEVICE_WEB_PAGE, "LastOutReason": REASON_CLOSED})
            }
            None => json!({"Uid": uid, "Name": name, "Identity": identity,
                           "AttendanceTime": 0, "FirstInTime": 0, "LastOutTime": 0}),
        };
        data.push(item);
    }
    let attendance = json!({
        "ClassID": lesson.id,
        "CourseID": lesson.course_id,
        // 0: the lesson is no classroom activity (the wire has no null here).
        "ActivityID": activity_id.map_or(0, ActivityId::get),
        "ClassName": lesson.name,
        "CourseName": course_name,
        "ClassStartTime": start,
        "ClassEndTime": end,
        "ActionTime": close,
        "AttendanceStudentNum": present_students,
        "ClassStudentNum": class_students,
        "AttendanceFlag": i64::from(!people.attendance.is_empty()),
        "Data": data,
    });
    if let Value::Object(body) = attendance {
        messages.push(("Attendance", body));
    }
    messages
}

/// Writes the end-of-lesson messages of every lesson that closed by `now` and has none yet (at most `limit`);
/// answers how many lessons were summarised. Each lesson is marked in the transaction that writes its messages,
/// so a lesson is summarised once whichever process gets there first.
pub async fn summarise_closed_lessons(
    store: &Store,
    now: UnixMillis,
    limit: i64,
) -> StoreResult<usize> {
    let due = store
        .lessons_to_summarise(now, CLOSE_AFTER_SECONDS * 1000, limit)
        .await?;
    let mut done = 0;
    for candidate in due {
        let tenant_id = candidate.tenant_id;
        let Some(summary) = store
            .find_lesson_summary(
                classbridge_domain::Scope::tenant_wide(tenant_id),
                candidate.id,
            )
            .await?
        else {
            continue;
        };
        let lesson = summary.lesson;
        let people = if lesson.deleted_at.is_none() {
            Some(store.lesson_people(tenant_id, &lesson).await?)
        } else {
            None
        };
        let mut tx = store.begin_for(tenant_id).await?;
        if !outbox::mark_summarised(&mut tx, lesson.id, now).await? {
            continue;
        }
        if let Some(people) = people {
            let activity_id = unit_store::activity_of_lesson(&mut tx, lesson.id)
                .await?
                .map(|activity| activity.id);
            let messages = end_of_lesson_messages(
                &lesson,
                &summary.course_name,
                activity_id,
                &people,
                summary.teacher_name.as_deref().unwrap_or_default(),
            );
            let closes_at = lesson.ends_at.plus_millis(CLOSE_AFTER_SECONDS * 1000);
            for (cmd, body) in messages {
                let key = format!("{cmd}-{}", lesson.id);
                super::enqueue_for_tenant(&mut tx, cmd, &key, body, Some(closes_at)).await?;
            }
        }
        tx.commit().await?;
        done += 1;
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_in_the_lesson_counts_from_the_start_to_the_effective_close() {
        assert_eq!(seconds_in_lesson(100, 200, 500), 300, "entered early");
        assert_eq!(seconds_in_lesson(300, 200, 500), 200, "entered late");
        assert_eq!(
            seconds_in_lesson(600, 200, 500),
            0,
            "entered after the close"
        );
    }
}
