//! The fields of a lesson as `addCourseClass`, `addCourseClassMultiple` and `editCourseClass` take them: who may
//! teach and assist it (with the code of each refusal), its name, times, seats, introduction and switches, and
//! what an edit asks to change (for the edit window).

use classbridge_domain::{LessonId, LessonPhase, RowKey, StudentIdentity, UnixMillis, UserId};
use classbridge_store::{
    classin::{courses as course_store, lessons as lesson_store, lessons::LessonRow},
    TenantTx,
};
use serde_json::Value;

use super::{
    courses::item_uid,
    errno,
    lessons::{
        check_lesson_times, check_seats_cover_bookings, read_seats, ASSISTANTS_MAX,
        LESSON_INTRODUCTION_MAX,
    },
    users::{schedulable_teacher, usable_teacher},
    ClassinResult, Failure, Params,
};

/// `assistantUids` (a JSON array; `[]` for none) or `assistantUid` (0 or empty for none); duplicates are 21316,
/// more than 20 are 21317.
pub(crate) fn read_assistants(params: Params<'_>) -> ClassinResult<Option<Vec<UserId>>> {
    let list = match params.0.get("assistantUids") {
        Some(Value::Array(items)) => Some(items.clone()),
        Some(Value::String(text)) if !text.trim().is_empty() => {
            match serde_json::from_str::<Value>(text) {
                Ok(Value::Array(items)) => Some(items),
                _ => {
                    return Err(Failure::new(
                        errno::ARRAY_MALFORMED,
                        "The assistantUids must be a JSON array.",
                    ))
                }
            }
        }
        _ => None,
    };
    if let Some(items) = list {
        if items.len() > ASSISTANTS_MAX {
            return Err(Failure::new(
                errno::TOO_MANY_ASSISTANTS,
                format!("At most {ASSISTANTS_MAX} assistants."),
            ));
        }
        let mut uids = Vec::with_capacity(items.len());
        for item in &items {
            let uid = item_uid(item)?;
            if uids.contains(&uid) {
                return Err(Failure::new(
                    errno::DUPLICATE_ASSISTANTS,
                    "The assistantUids name someone twice.",
                ));
            }
            uids.push(uid);
        }
        return Ok(Some(uids));
    }
    match params.0.get("assistantUid") {
        Some(Value::String(text)) if text.trim().is_empty() => Ok(Some(Vec::new())),
        _ => Ok(params.id("assistantUid", UserId::new)?.map(|uid| {
            if uid.get() == 0 {
                Vec::new()
            } else {
                vec![uid]
            }
        })),
    }
}

/// Whether the person is on the lesson's own student list (a lesson being added has none yet).
async fn is_lesson_student<Id: RowKey<LessonId>>(
    tx: &mut TenantTx,
    lesson: &LessonRow<Id>,
    uid: UserId,
) -> ClassinResult<bool> {
    Ok(match lesson.id.saved() {
        Some(lesson_id) => lesson_store::is_lesson_student(tx, lesson_id, uid).await?,
        None => false,
    })
}

/// Who may teach a lesson of the course: a teacher of the school who is not stopped (136 / 387), not one of its
/// students (172) or auditors (173), not a student named for the lesson itself (325).
async fn check_lesson_teacher<Id: RowKey<LessonId>>(
    tx: &mut TenantTx,
    lesson: &LessonRow<Id>,
    uid: UserId,
) -> ClassinResult<()> {
    schedulable_teacher(tx, uid).await?;
    if is_lesson_student(tx, lesson, uid).await? {
        return Err(Failure::new(
            errno::LESSON_STUDENT_AS_LESSON_TEACHER,
            "A student named for this lesson cannot be its teacher.",
        ));
    }
    match course_store::course_identity_of(tx, lesson.course_id, uid).await? {
        Some(StudentIdentity::Student) => Err(Failure::new(
            errno::COURSE_STUDENT_AS_TEACHER,
            "A student of the course cannot teach its lessons.",
        )),
        Some(_) => Err(Failure::new(
            errno::COURSE_AUDITOR_AS_TEACHER,
            "An auditor of the course cannot teach its lessons.",
        )),
        None => Ok(()),
    }
}

/// Who may assist a lesson: a teacher of the school who is not stopped (318 / 388), not a student (319) or auditor
/// (320) of the course, not the lesson's teacher (322).
async fn check_assistant<Id: RowKey<LessonId>>(
    tx: &mut TenantTx,
    lesson: &LessonRow<Id>,
    uid: UserId,
) -> ClassinResult<()> {
    usable_teacher(
        tx,
        uid,
        errno::ASSISTANT_NOT_TEACHER,
        errno::ASSISTANT_STOPPED,
    )
    .await?;
    match course_store::course_identity_of(tx, lesson.course_id, uid).await? {
        Some(StudentIdentity::Student) => {
            return Err(Failure::new(
                errno::COURSE_STUDENT_AS_ASSISTANT,
                "A student of the course cannot assist its lessons.",
            ))
        }
        Some(_) => {
            return Err(Failure::new(
                errno::COURSE_AUDITOR_AS_ASSISTANT,
                "An auditor of the course cannot assist its lessons.",
            ))
        }
        None => {}
    }
    if is_lesson_student(tx, lesson, uid).await? {
        return Err(Failure::new(
            errno::LESSON_STUDENT_AS_ASSISTANT,
            "A student named for this lesson cannot be its assistant.",
        ));
    }
    if lesson.teacher_id == Some(uid) {
        return Err(Failure::new(
            errno::TEACHER_AS_ASSISTANT,
            "The lesson's teacher cannot also be its assistant.",
        ));
    }
    Ok(())
}

/// What an edit asks to change, so that the edit window can decide on it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Asked {
    /// Name, time, seats, bookable: locked from 20 minutes before the start.
    pub locked_fields: bool,
    /// Teacher or assistants: editable until the end (385 after).
    pub teachers: bool,
}

pub(crate) fn asked(params: Params<'_>) -> Asked {
    let given = |key: &str| params.0.get(key).is_some_and(|value| !value.is_null());
    Asked {
        locked_fields: ["className", "beginTime", "endTime", "seatNum", "bookable"]
            .iter()
            .any(|key| given(key)),
        teachers: ["teacherUid", "assistantUid", "assistantUids"]
            .iter()
            .any(|key| given(key)),
    }
}

/// Applies the lesson fields present in `params` to `lesson`, checking each; answers the assistants when given,
/// and whether switching recording on was refused because the lesson is within 20 minutes of its start (283).
pub(crate) async fn apply_lesson_fields<Id: RowKey<LessonId>>(
    tx: &mut TenantTx,
    lesson: &mut LessonRow<Id>,
    params: Params<'_>,
    now: i64,
    name_max: usize,
) -> ClassinResult<(Option<Vec<UserId>>, bool)> {
    // A lesson being added is open to every field; a stored one by its phase now.
    let stored = lesson.id.saved();
    let phase = match stored {
        None => LessonPhase::Open,
        Some(_) => lesson.phase(UnixMillis::from_seconds(now)),
    };
    if let Some(name) = params.truncated_text("className", name_max)? {
        lesson.name = name;
    }
    let begin = params.integer("beginTime")?;
    let end = params.integer("endTime")?;
    if begin.is_some() || end.is_some() {
        let begin = begin.unwrap_or(lesson.begins_at.seconds());
        let end = end.unwrap_or(lesson.ends_at.seconds());
        check_lesson_times(begin, end, now)?;
        lesson.begins_at = UnixMillis::from_seconds(begin);
        lesson.ends_at = UnixMillis::from_seconds(end);
    }
    if let Some(seats) = read_seats(params)? {
        lesson.seat_count = seats;
        check_seats_cover_bookings(tx, lesson).await?;
    }
    if let Some(introduction) = params.truncated_text("classIntroduce", LESSON_INTRODUCTION_MAX)? {
        lesson.introduction = Some(introduction);
    }
    let mut recording_refused = false;
    if let Some(record) = params.switch("record")? {
        if record && !lesson.record && phase != LessonPhase::Open {
            recording_refused = true;
        } else {
            lesson.record = record;
        }
    }
    for (key, flag) in [("live", &mut lesson.live), ("replay", &mut lesson.replay)] {
        if let Some(value) = params.switch(key)? {
            *flag = value;
        }
    }
    if let Some(value) = params.flag("bookable")? {
        lesson.bookable = value;
    }
    if let Some(uid) = params.id("teacherUid", UserId::new)? {
        check_lesson_teacher(tx, lesson, uid).await?;
        let assists = match stored {
            Some(lesson_id) => lesson_store::lesson_assistants(tx, lesson_id)
                .await?
                .contains(&uid),
            None => false,
        };
        if assists && read_assistants(params)?.is_none_or(|list| list.contains(&uid)) {
            return Err(Failure::new(
                errno::ASSISTANT_AS_TEACHER,
                "The lesson's assistant cannot also be its teacher.",
            ));
        }
        lesson.teacher_id = Some(uid);
        // The lesson's teacher joins the course's teacher list (324 on ClassIn when that fails).
        course_store::insert_course_teacher(tx, lesson.course_id, uid).await?;
    }
    let assistants = read_assistants(params)?;
    for uid in assistants.iter().flatten() {
        check_assistant(tx, lesson, *uid).await?;
        course_store::insert_course_teacher(tx, lesson.course_id, *uid).await?;
    }
    Ok((assistants, recording_refused))
}
