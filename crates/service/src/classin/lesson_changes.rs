//! Changing and deleting lessons through the scheduling API, by the edit-window table of `classin/v1-actions.md`
//! §3.2: name, time and seats until 20 minutes before the start (350 / 348 inside them, 140 in session, 145 after),
//! teacher and assistants until the end (385 after), deletion until the start (140 in session, 145 ended), and
//! `delEndCourseClass` for lessons that have ended.

use classbridge_domain::{LessonPhase, UnixMillis};
use classbridge_store::classin::lessons as lesson_store;

use super::{
    errno,
    lesson_fields::{apply_lesson_fields, asked},
    lessons::{
        check_seats_cover_bookings, delete_lesson, find_lesson, read_seats, SHORT_LESSON_NAME_MAX,
    },
    ClassinResult, Failure, Params, School,
};

fn deleted() -> Failure {
    Failure::new(errno::LESSON_DELETED, "The lesson was deleted.")
}

fn in_session() -> Failure {
    Failure::new(
        errno::LESSON_IN_PROGRESS,
        "The lesson is in session; it cannot be changed or deleted now.",
    )
}

fn ended() -> Failure {
    Failure::new(errno::LESSON_ENDED, "The lesson has already ended.")
}

/// `editCourseClass`: answers the lesson id (for its `more_data`). Refusals follow the edit window; switching
/// recording on within 20 minutes of the start is 283 with the rest of the edit made.
pub async fn edit_course_class(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<i64> {
    let store = service.store();
    let mut tx = store.begin_for(school.tenant_id).await?;
    let (_, mut lesson) = find_lesson(&mut tx, params).await?;
    if lesson.deleted_at.is_some() {
        return Err(deleted());
    }
    let before = lesson.clone();
    let asked = asked(params);
    match lesson.phase(UnixMillis::from_seconds(now)) {
        LessonPhase::Open => {}
        LessonPhase::Locked if asked.locked_fields => {
            return Err(Failure::new(
                errno::LESSON_LOCKED,
                "Within 20 minutes of the start, the name, time and seats cannot be changed.",
            ))
        }
        LessonPhase::InSession if asked.locked_fields => return Err(in_session()),
        LessonPhase::Locked | LessonPhase::InSession => {}
        LessonPhase::Ended if asked.teachers => {
            return Err(Failure::new(
                errno::TEACHER_CHANGE_AFTER_END,
                "The lesson has ended; its teacher and assistants cannot be changed.",
            ))
        }
        LessonPhase::Ended => return Err(ended()),
    }
    let (assistants, recording_refused) =
        apply_lesson_fields(&mut tx, &mut lesson, params, now, SHORT_LESSON_NAME_MAX).await?;
    lesson_store::update_lesson(&mut tx, &lesson).await?;
    let assistants_set = assistants.is_some();
    if let Some(assistants) = assistants {
        lesson_store::set_lesson_assistants(&mut tx, lesson.id, &assistants).await?;
    }
    crate::pushes::lesson_changed(
        &mut tx,
        crate::pushes::LessonChange::Modified {
            before: &before,
            after: &lesson,
            assistants_set,
        },
        crate::pushes::SOURCE_V1,
        now,
    )
    .await?;
    tx.commit().await?;
    if recording_refused {
        return Err(Failure::new(
            errno::RECORDING_NOT_IN_WINDOW,
            "The lesson was updated; recording cannot be switched on within 20 minutes of the start.",
        ));
    }
    Ok(lesson.id.get())
}

/// `delCourseClass`: until the lesson starts, also within its last 20 minutes (140 in session, 145 ended, 212
/// deleted); frees its `courseUniqueIdentity`.
pub async fn del_course_class(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<()> {
    let store = service.store();
    let mut tx = store.begin_for(school.tenant_id).await?;
    let (_, mut lesson) = find_lesson(&mut tx, params).await?;
    if lesson.deleted_at.is_some() {
        return Err(deleted());
    }
    match lesson.phase(UnixMillis::from_seconds(now)) {
        LessonPhase::Open | LessonPhase::Locked => {}
        LessonPhase::InSession => return Err(in_session()),
        LessonPhase::Ended => {
            return Err(Failure::new(
                errno::LESSON_ENDED,
                "The lesson has already ended and cannot be deleted with delCourseClass (use delEndCourseClass).",
            ))
        }
    }
    delete_lesson(&mut tx, &mut lesson, crate::pushes::SOURCE_V1, now).await?;
    tx.commit().await?;
    Ok(())
}

/// `delEndCourseClass`: deletes a lesson that has ended (or has not started); a lesson in session is 140.
pub async fn del_end_course_class(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<()> {
    let store = service.store();
    let mut tx = store.begin_for(school.tenant_id).await?;
    let (_, mut lesson) = find_lesson(&mut tx, params).await?;
    if lesson.deleted_at.is_some() {
        return Err(deleted());
    }
    if lesson.phase(UnixMillis::from_seconds(now)) == LessonPhase::InSession {
        return Err(in_session());
    }
    delete_lesson(&mut tx, &mut lesson, crate::pushes::SOURCE_V1, now).await?;
    tx.commit().await?;
    Ok(())
}

/// `modifyClassSeatNum`: until 20 minutes before the start (348 inside them, 140 in session, 145 ended).
pub async fn modify_class_seat_num(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<()> {
    let store = service.store();
    let seats = read_seats(params)?
        .ok_or_else(|| Failure::bad_parameter("The parameter seatNum is required."))?;
    let mut tx = store.begin_for(school.tenant_id).await?;
    let (_, mut lesson) = find_lesson(&mut tx, params).await?;
    if lesson.deleted_at.is_some() {
        return Err(deleted());
    }
    match lesson.phase(UnixMillis::from_seconds(now)) {
        LessonPhase::Open => {}
        LessonPhase::Locked => {
            return Err(Failure::new(
                errno::SEATS_LOCKED,
                "The seats cannot be changed within 20 minutes of the start.",
            ))
        }
        LessonPhase::InSession => return Err(in_session()),
        LessonPhase::Ended => return Err(ended()),
    }
    let before = lesson.clone();
    lesson.seat_count = seats;
    check_seats_cover_bookings(&mut tx, &lesson).await?;
    lesson_store::update_lesson(&mut tx, &lesson).await?;
    crate::pushes::lesson_changed(
        &mut tx,
        crate::pushes::LessonChange::Modified {
            before: &before,
            after: &lesson,
            assistants_set: false,
        },
        crate::pushes::SOURCE_V1,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
