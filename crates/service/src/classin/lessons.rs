//! Lessons through the scheduling API (ClassIn's "classes"): the time rules, the edit window around a lesson
//! (`classin/v1-actions.md` §3.2), and scheduling them, idempotent by a `courseUniqueIdentity` unique across the
//! school's lessons (a repeat is 398 with the first lesson). Changing and deleting them is in `lesson_changes`, who
//! may join a lesson in `lesson_access`.

use classbridge_domain::{CourseId, LessonId, LessonPhase, RowKey, TenantId, UnixMillis, Unsaved};
use classbridge_store::{
    classin::{
        bookings as booking_store,
        courses::CourseRow,
        lessons::{self as lesson_store, LessonRow, NewLesson},
        units::{self as unit_store, NewActivity},
    },
    Store, StoreError, TenantTx,
};
use serde_json::Value;

use super::{
    courses::{check_not_ended, find_course, find_course_by_id, read_unique_identity},
    custom_column, errno, item_object,
    lesson_fields::apply_lesson_fields,
    ClassinResult, Failure, ItemOutcome, Params, School,
};

pub const LESSON_NAME_MAX: usize = 90;
/// `addCourseClassMultiple` and `editCourseClass` say 50 (addCourseClass 90): each action follows its own page.
pub const SHORT_LESSON_NAME_MAX: usize = 50;
pub const LESSON_INTRODUCTION_MAX: usize = 1000;
pub const SEATS_MAX: i64 = 12;
pub const SEATS_DEFAULT: i64 = 6;
/// Most lessons in one `addCourseClassMultiple`: later entries are cut off, as the page says.
pub const LESSON_BATCH_MAX: usize = 50;
/// Most assistants of one lesson (21317 beyond).
pub const ASSISTANTS_MAX: usize = 20;
/// A lesson begins at least this long after it is scheduled.
pub const MIN_LEAD_SECONDS: i64 = 60;
pub const MIN_LENGTH_SECONDS: i64 = 15 * 60;
pub const MAX_LENGTH_SECONDS: i64 = 24 * 3600;
/// Three years of 365 days and the leap day they may hold.
pub const MAX_AHEAD_SECONDS: i64 = (3 * 365 + 1) * 86_400;

/// The rules a lesson's times follow when it is scheduled or moved (Unix seconds): begin at least a minute ahead
/// (120) and at most three years ahead (268), end after begin (119), 15 minutes to 24 hours long (165).
pub fn check_lesson_times(begin: i64, end: i64, now: i64) -> ClassinResult<()> {
    if begin < now + MIN_LEAD_SECONDS {
        return Err(Failure::new(
            errno::BEGIN_TOO_SOON,
            "The lesson must begin at least 1 minute from now.",
        ));
    }
    if begin > now + MAX_AHEAD_SECONDS {
        return Err(Failure::new(
            errno::BEGIN_TOO_LATE,
            "The lesson may begin at most 3 years from now.",
        ));
    }
    if end <= begin {
        return Err(Failure::new(
            errno::END_NOT_AFTER_BEGIN,
            "The lesson must end after it begins.",
        ));
    }
    if !(MIN_LENGTH_SECONDS..=MAX_LENGTH_SECONDS).contains(&(end - begin)) {
        return Err(Failure::new(
            errno::LESSON_LENGTH,
            "A lesson lasts 15 minutes to 24 hours.",
        ));
    }
    Ok(())
}

/// Whether the lesson is locked at `now_ms` (Unix milliseconds): it starts within 20 minutes, or has started.
pub fn is_locked(lesson: &LessonRow, now_ms: i64) -> bool {
    lesson.phase(UnixMillis::new(now_ms)) != LessonPhase::Open
}

/// Whether a lesson still takes changes to its students: not deleted (212), not ended (145).
pub fn check_lesson_open(lesson: &LessonRow, now: i64) -> ClassinResult<()> {
    if lesson.deleted_at.is_some() {
        return Err(Failure::new(
            errno::LESSON_DELETED,
            "The lesson was deleted.",
        ));
    }
    if lesson.phase(UnixMillis::from_seconds(now)) == LessonPhase::Ended {
        return Err(Failure::new(errno::LESSON_ENDED, "The lesson has ended."));
    }
    Ok(())
}

/// `seatNum`: 0 to 12 students on stage, the teacher not counted (259 above, 121601007 below 0).
pub(crate) fn read_seats(params: Params<'_>) -> ClassinResult<Option<i64>> {
    match params.integer("seatNum")? {
        Some(seats) if seats > SEATS_MAX => Err(Failure::new(
            errno::SEATS_OVER_MAXIMUM,
            "The seatNum exceeds the maximum of 12 (the teacher not counted).",
        )),
        Some(seats) if seats < 0 => Err(Failure::new(
            errno::SEATS_MALFORMED,
            "The seatNum must be 0 to 12.",
        )),
        other => Ok(other),
    }
}

/// A bookable lesson's seats cannot drop below the seats already booked (349, "changing on-stage count failed").
/// The lesson's row is locked first, so that no booking slips in between the count and the change.
pub(crate) async fn check_seats_cover_bookings<Id: RowKey<LessonId>>(
    tx: &mut TenantTx,
    lesson: &LessonRow<Id>,
) -> ClassinResult<()> {
    // A lesson being added has no bookings yet.
    let Some(lesson_id) = lesson.id.saved() else {
        return Ok(());
    };
    booking_store::lock_lesson(tx, lesson_id).await?;
    let booked = booking_store::count_bookings(tx, lesson_id).await?;
    if lesson.seat_count < booked {
        return Err(Failure::new(
            errno::SEATS_NOT_CHANGED,
            format!("{booked} seats of this lesson are booked; the seatNum cannot be lower."),
        ));
    }
    Ok(())
}

/// Schedules one lesson in `course` in a transaction of its own; a `courseUniqueIdentity` used by a lesson of the
/// school that is not deleted is 398 with that lesson's id.
async fn add_one_lesson(
    store: &Store,
    tenant_id: TenantId,
    course: &CourseRow,
    params: Params<'_>,
    now: i64,
    name_max: usize,
) -> ClassinResult<i64> {
    for key in ["className", "beginTime", "endTime", "teacherUid"] {
        if params.text(key).is_none() {
            return Err(Failure::bad_parameter(format!(
                "The parameter {key} is required."
            )));
        }
    }
    let unique_identity = read_unique_identity(params)?;
    let mut tx = store.begin_for(tenant_id).await?;
    if let Some(identity) = &unique_identity {
        if let Some(first) = lesson_store::find_lesson_by_unique_identity(&mut tx, identity).await?
        {
            return Err(Failure::already_exists(first.id.get(), true));
        }
    }
    let mut lesson = NewLesson {
        id: Unsaved,
        course_id: course.id,
        name: String::new(),
        introduction: None,
        begins_at: UnixMillis::new(0),
        ends_at: UnixMillis::new(0),
        teacher_id: None,
        seat_count: SEATS_DEFAULT,
        record: false,
        live: false,
        replay: false,
        bookable: false,
        has_student_list: false,
        unique_identity: unique_identity.clone(),
        deleted_at: None,
    };
    let (assistants, _) = apply_lesson_fields(&mut tx, &mut lesson, params, now, name_max).await?;
    let id = match lesson_store::insert_lesson(&mut tx, &lesson).await {
        Err(StoreError::Conflict { .. }) => {
            drop(tx);
            let mut tx = store.begin_for(tenant_id).await?;
            let identity = unique_identity.unwrap_or_default();
            return match lesson_store::find_lesson_by_unique_identity(&mut tx, &identity).await? {
                Some(first) => Err(Failure::already_exists(first.id.get(), true)),
                None => Err(Failure::new(
                    errno::SERVER_ERROR,
                    "Unexpected server error; retry.",
                )),
            };
        }
        other => other?,
    };
    if let Some(assistants) = assistants {
        lesson_store::set_lesson_assistants(&mut tx, id, &assistants).await?;
    }
    let lesson = lesson.saved_as(id);
    add_classroom_activity(&mut tx, &lesson).await?;
    crate::pushes::lesson_changed(
        &mut tx,
        crate::pushes::LessonChange::Added(&lesson),
        crate::pushes::SOURCE_V1,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id.get())
}

/// A lesson made through v1 is a classroom activity of its course too, in the course's no-topic unit, as ClassIn
/// made every v1 lesson one in 6.0: the v2 actions and the outline see it by its activity id. Its name, teacher
/// and times are the lesson's (the outline reads them from the lesson, so v1 edits show there).
async fn add_classroom_activity(tx: &mut TenantTx, lesson: &LessonRow) -> Result<(), StoreError> {
    let unit = unit_store::default_unit(tx, lesson.course_id).await?;
    let activity = NewActivity {
        id: Unsaved,
        course_id: lesson.course_id,
        unit_id: unit.id,
        lesson_id: Some(lesson.id),
        activity_type: unit_store::CLASSROOM,
        name: lesson.name.clone(),
        teacher_id: lesson.teacher_id,
        starts_at: Some(lesson.begins_at),
        ends_at: Some(lesson.ends_at),
        published: true,
        has_member_list: false,
        unique_identity: None,
        position: 0,
        deleted_at: None,
    };
    unit_store::insert_activity(tx, &activity).await?;
    Ok(())
}

/// The school's course that takes new lessons (144 unknown, 153 ended or expired).
async fn open_course(
    store: &Store,
    tenant_id: TenantId,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<CourseRow> {
    let course_id = params.required_id("courseId", CourseId::new)?;
    let mut tx = store.begin_for(tenant_id).await?;
    let course = find_course_by_id(&mut tx, course_id).await?;
    check_not_ended(&course, now)?;
    Ok(course)
}

/// `addCourseClass`: answers the lesson id (398 with the first lesson's id for a repeated
/// `courseUniqueIdentity`).
pub async fn add_course_class(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<i64> {
    let store = service.store();
    let course = open_course(store, school.tenant_id, params, now).await?;
    add_one_lesson(
        store,
        school.tenant_id,
        &course,
        params,
        now,
        LESSON_NAME_MAX,
    )
    .await
}

/// `addCourseClassMultiple`: `classJson` with up to 50 lessons (later ones are cut off), one result each with its
/// `className`; an identity already earlier in the list is 133 for that lesson.
pub async fn add_course_class_multiple(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<Vec<ItemOutcome>> {
    let store = service.store();
    let mut items = params.json_array("classJson", usize::MAX)?;
    items.truncate(LESSON_BATCH_MAX);
    let course = open_course(store, school.tenant_id, params, now).await?;
    let mut outcomes = Vec::with_capacity(items.len());
    let mut identities = Vec::new();
    for item in &items {
        let result = match item_object(item, "classJson") {
            Ok(object) => {
                let identity = read_unique_identity(Params(object));
                match identity {
                    Ok(Some(identity)) if identities.contains(&identity) => Err(Failure::new(
                        errno::DUPLICATE_IN_REQUEST,
                        "This courseUniqueIdentity is already earlier in the classJson.",
                    )),
                    _ => {
                        if let Ok(Some(identity)) = identity {
                            identities.push(identity);
                        }
                        add_one_lesson(
                            store,
                            school.tenant_id,
                            &course,
                            Params(object),
                            now,
                            SHORT_LESSON_NAME_MAX,
                        )
                        .await
                        .map(Some)
                    }
                }
            }
            Err(failure) => Err(failure),
        };
        let class_name = item
            .as_object()
            .and_then(|object| {
                Params(object)
                    .truncated_text("className", SHORT_LESSON_NAME_MAX)
                    .ok()
            })
            .flatten()
            .map(Value::from);
        outcomes.push(ItemOutcome::new(result, custom_column(item)).echo("className", class_name));
    }
    Ok(outcomes)
}

/// The school's lesson named by `courseId` and `classId`: 144 no such course, 142 the lesson is another course's,
/// 143 no such lesson. A deleted lesson is answered; the caller says 212.
pub(crate) async fn find_lesson(
    tx: &mut TenantTx,
    params: Params<'_>,
) -> ClassinResult<(CourseRow, LessonRow)> {
    let course = find_course(tx, params).await?;
    let lesson_id = params.required_id("classId", LessonId::new)?;
    let lesson = find_lesson_of_course(tx, &course, lesson_id).await?;
    Ok((course, lesson))
}

pub(crate) async fn find_lesson_of_course(
    tx: &mut TenantTx,
    course: &CourseRow,
    lesson_id: LessonId,
) -> ClassinResult<LessonRow> {
    if let Some(lesson) = lesson_store::find_lesson(tx, course.id, lesson_id).await? {
        return Ok(lesson);
    }
    Err(
        if lesson_store::find_lesson_in_school(tx, lesson_id)
            .await?
            .is_some()
        {
            Failure::new(
                errno::LESSON_NOT_IN_COURSE,
                format!("The course has no lesson {lesson_id}."),
            )
        } else {
            Failure::new(
                errno::LESSON_NOT_FOUND,
                format!("There is no lesson {lesson_id}."),
            )
        },
    )
}

/// Deletes a lesson (kept, to say it was deleted), frees its `courseUniqueIdentity` and pushes the deletion.
pub(crate) async fn delete_lesson(
    tx: &mut TenantTx,
    lesson: &mut LessonRow,
    source: i64,
    now: i64,
) -> ClassinResult<()> {
    lesson.deleted_at = Some(UnixMillis::from_seconds(now));
    lesson_store::update_lesson(tx, lesson).await?;
    lesson_store::free_unique_identity(tx, lesson.id).await?;
    crate::pushes::lesson_changed(
        tx,
        crate::pushes::LessonChange::Deleted(&*lesson),
        source,
        now,
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use classbridge_domain::UserId;

    const NOW: i64 = 1_700_000_000;

    fn lesson(begin: i64, end: i64) -> LessonRow {
        LessonRow {
            id: LessonId::new(1),
            course_id: CourseId::new(1),
            name: "Optics".into(),
            introduction: None,
            begins_at: UnixMillis::from_seconds(begin),
            ends_at: UnixMillis::from_seconds(end),
            teacher_id: Some(UserId::new(7)),
            seat_count: SEATS_DEFAULT,
            record: false,
            live: false,
            replay: false,
            bookable: false,
            has_student_list: false,
            unique_identity: None,
            deleted_at: None,
        }
    }

    fn errno_of(result: ClassinResult<()>) -> i64 {
        result.map_or_else(|failure| failure.errno, |()| errno::SUCCESS)
    }

    #[test]
    fn lesson_times_follow_the_rules() {
        let hour = 3600;
        assert_eq!(
            errno_of(check_lesson_times(NOW + 60, NOW + 60 + hour, NOW)),
            errno::SUCCESS
        );
        assert_eq!(
            errno_of(check_lesson_times(NOW + 59, NOW + 59 + hour, NOW)),
            errno::BEGIN_TOO_SOON
        );
        assert_eq!(
            errno_of(check_lesson_times(NOW + hour, NOW + hour, NOW)),
            errno::END_NOT_AFTER_BEGIN
        );
        assert_eq!(
            errno_of(check_lesson_times(NOW + hour, NOW + hour + 14 * 60, NOW)),
            errno::LESSON_LENGTH
        );
        assert_eq!(
            errno_of(check_lesson_times(NOW + hour, NOW + hour + 15 * 60, NOW)),
            errno::SUCCESS
        );
        assert_eq!(
            errno_of(check_lesson_times(
                NOW + hour,
                NOW + 2 * hour + 24 * hour,
                NOW
            )),
            errno::LESSON_LENGTH
        );
        let too_far = NOW + MAX_AHEAD_SECONDS + 1;
        assert_eq!(
            errno_of(check_lesson_times(too_far, too_far + hour, NOW)),
            errno::BEGIN_TOO_LATE
        );
    }

    #[test]
    fn the_edit_window_has_four_phases() {
        let begin = NOW + 3600;
        let end = begin + 3600;
        let at = |now| lesson(begin, end).phase(UnixMillis::from_seconds(now));
        assert_eq!(at(begin - 20 * 60 - 1), LessonPhase::Open);
        assert_eq!(at(begin - 20 * 60), LessonPhase::Locked);
        assert_eq!(at(begin - 1), LessonPhase::Locked);
        assert_eq!(at(begin), LessonPhase::InSession);
        assert_eq!(at(end - 1), LessonPhase::InSession);
        assert_eq!(at(end), LessonPhase::Ended);
        assert_eq!(
            errno_of(check_lesson_open(&lesson(begin, end), end)),
            errno::LESSON_ENDED
        );
        assert_eq!(
            errno_of(check_lesson_open(&lesson(begin, end), begin)),
            errno::SUCCESS
        );
    }

    #[test]
    fn a_deleted_lesson_says_so() {
        let mut deleted = lesson(NOW + 7200, NOW + 10_800);
        deleted.deleted_at = Some(UnixMillis::from_seconds(NOW));
        assert_eq!(
            errno_of(check_lesson_open(&deleted, NOW)),
            errno::LESSON_DELETED
        );
    }
}
