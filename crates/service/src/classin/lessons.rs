//! Lessons through the scheduling API (ClassIn's "classes"): the time rules, scheduling them, changing and deleting
//! them until they lock, and their seats. Who may join a lesson is in `lesson_access`.

use classbridge_domain::TenantId;
use classbridge_store::{
    classin::{
        bookings as booking_store,
        courses::{self as course_store, CourseRow},
        lessons::{self as lesson_store, LessonRow},
        units::{self as unit_store, ActivityRow},
    },
    Store, StoreError, StoreTx,
};
use serde_json::Value;

use super::{
    courses::{course_has_ended, find_course, item_uid, read_unique_identity},
    custom_column, errno, item_object,
    users::schedulable_teacher,
    ClassinResult, Failure, ItemOutcome, Params, School,
};

pub const LESSON_NAME_MAX: usize = 90;
pub const LESSON_INTRODUCTION_MAX: usize = 1000;
pub const SEATS_MAX: i64 = 12;
pub const SEATS_DEFAULT: i64 = 6;
/// Most lessons in one `addCourseClassMultiple`.
pub const LESSON_BATCH_MAX: usize = 50;
/// Most assistants of one lesson.
pub const ASSISTANTS_MAX: usize = 20;
/// A lesson begins at least this long after it is scheduled.
pub const MIN_LEAD_SECONDS: i64 = 60;
pub const MIN_LENGTH_SECONDS: i64 = 15 * 60;
pub const MAX_LENGTH_SECONDS: i64 = 24 * 3600;
/// Three years of 365 days and the leap day they may hold.
pub const MAX_AHEAD_SECONDS: i64 = (3 * 365 + 1) * 86_400;
/// A lesson can no longer be changed or deleted from this long before its start.
pub const LOCK_SECONDS: i64 = 20 * 60;

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

/// Whether a lesson may still be changed or deleted: not deleted (212), not ended (145), not in progress (140),
/// not within 20 minutes of its start (350).
pub fn check_lesson_changeable(lesson: &LessonRow, now: i64) -> ClassinResult<()> {
    check_lesson_open(lesson, now)?;
    let now_ms = now * 1000;
    if lesson.begins_at <= now_ms {
        return Err(Failure::new(
            errno::LESSON_IN_PROGRESS,
            "The lesson is in progress and cannot be changed.",
        ));
    }
    if lesson.begins_at - LOCK_SECONDS * 1000 <= now_ms {
        return Err(Failure::new(
            errno::LESSON_LOCKED,
            "The lesson starts within 20 minutes and is locked.",
        ));
    }
    Ok(())
}

/// Whether the lesson is locked at `now_ms` (Unix milliseconds): it starts within 20 minutes, or has started.
pub fn is_locked(lesson: &LessonRow, now_ms: i64) -> bool {
    lesson.begins_at - LOCK_SECONDS * 1000 <= now_ms
}

/// Whether a lesson still takes changes to its seats and students: not deleted (212), not ended (145).
pub fn check_lesson_open(lesson: &LessonRow, now: i64) -> ClassinResult<()> {
    if lesson.deleted_at.is_some() {
        return Err(Failure::new(
            errno::LESSON_DELETED,
            "The lesson was deleted.",
        ));
    }
    if lesson.ends_at <= now * 1000 {
        return Err(Failure::new(errno::LESSON_ENDED, "The lesson has ended."));
    }
    Ok(())
}

fn read_seats(params: Params<'_>) -> ClassinResult<Option<i64>> {
    match params.integer("seatNum")? {
        Some(seats) if !(0..=SEATS_MAX).contains(&seats) => Err(Failure::new(
            errno::SEAT_COUNT,
            "The seatNum must be 0 to 12 (the teacher not counted).",
        )),
        other => Ok(other),
    }
}

/// `assistantUids` (a JSON array; `[]` for none) or `assistantUid` (0 for none).
fn read_assistants(params: Params<'_>) -> ClassinResult<Option<Vec<i64>>> {
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
                errno::TOO_MANY_ITEMS,
                format!("At most {ASSISTANTS_MAX} assistants."),
            ));
        }
        let mut uids = Vec::with_capacity(items.len());
        for item in &items {
            let uid = item_uid(item)?;
            if !uids.contains(&uid) {
                uids.push(uid);
            }
        }
        return Ok(Some(uids));
    }
    Ok(params
        .integer("assistantUid")?
        .map(|uid| if uid == 0 { Vec::new() } else { vec![uid] }))
}

/// A bookable lesson's seats cannot drop below the seats already booked (348). The lesson's row is locked first, so
/// that no booking slips in between the count and the change.
async fn check_seats_cover_bookings(
    tx: &mut StoreTx,
    tenant_id: TenantId,
    lesson: &LessonRow,
) -> ClassinResult<()> {
    if lesson.id == 0 {
        return Ok(());
    }
    booking_store::lock_lesson(tx, tenant_id, lesson.id).await?;
    let booked = booking_store::count_bookings(tx, lesson.id).await?;
    if lesson.seat_count < booked {
        return Err(Failure::new(
            errno::SEAT_COUNT,
            format!("{booked} seats of this lesson are booked; the seatNum cannot be lower."),
        ));
    }
    Ok(())
}

/// Applies the lesson fields present in `params` to `lesson`, checking each; answers the assistants when given.
async fn apply_lesson_fields(
    tx: &mut StoreTx,
    tenant_id: TenantId,
    lesson: &mut LessonRow,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<Option<Vec<i64>>> {
    if let Some(name) = params.bounded_text("className", LESSON_NAME_MAX)? {
        lesson.name = name;
    }
    let begin = params.integer("beginTime")?;
    let end = params.integer("endTime")?;
    if begin.is_some() || end.is_some() {
        let begin = begin.unwrap_or(lesson.begins_at / 1000);
        let end = end.unwrap_or(lesson.ends_at / 1000);
        check_lesson_times(begin, end, now)?;
        lesson.begins_at = begin * 1000;
        lesson.ends_at = end * 1000;
    }
    if let Some(seats) = read_seats(params)? {
        lesson.seat_count = seats;
        check_seats_cover_bookings(tx, tenant_id, lesson).await?;
    }
    if let Some(introduction) = params.bounded_text("classIntroduce", LESSON_INTRODUCTION_MAX)? {
        lesson.introduction = Some(introduction);
    }
    for (key, flag) in [
        ("record", &mut lesson.record),
        ("live", &mut lesson.live),
        ("replay", &mut lesson.replay),
        ("bookable", &mut lesson.bookable),
    ] {
        if let Some(value) = params.flag(key)? {
            *flag = value;
        }
    }
    if let Some(uid) = params.integer("teacherUid")? {
        schedulable_teacher(tx, tenant_id, uid).await?;
        lesson.teacher_id = Some(uid);
    }
    let assistants = read_assistants(params)?;
    for uid in assistants.iter().flatten() {
        schedulable_teacher(tx, tenant_id, *uid).await?;
    }
    Ok(assistants)
}

/// Schedules one lesson in the course `course_id` in a transaction of its own.
async fn add_one_lesson(
    store: &Store,
    tenant_id: TenantId,
    course_id: i64,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<i64> {
    for key in ["className", "beginTime", "endTime", "teacherUid"] {
        if params.text(key).is_none() {
            return Err(Failure::bad_parameter(format!(
                "The parameter {key} is required."
            )));
        }
    }
    let unique_identity = read_unique_identity(params)?;
    let mut tx = store.begin().await?;
    let course = course_store::find_course(&mut tx, tenant_id, course_id)
        .await?
        .ok_or_else(|| {
            Failure::bad_parameter(format!("There is no course {course_id} in this school."))
        })?;
    if let Some(identity) = &unique_identity {
        if let Some(first) =
            lesson_store::find_lesson_by_unique_identity(&mut tx, course.id, identity).await?
        {
            return Ok(first.id);
        }
    }
    if course_has_ended(&course, now) {
        return Err(Failure::new(errno::COURSE_ENDED, "The course has ended."));
    }
    let mut lesson = LessonRow {
        id: 0,
        course_id: course.id,
        name: String::new(),
        introduction: None,
        begins_at: 0,
        ends_at: 0,
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
    let assistants = apply_lesson_fields(&mut tx, tenant_id, &mut lesson, params, now).await?;
    let id = match lesson_store::insert_lesson(&mut tx, tenant_id, &lesson).await {
        Err(StoreError::Conflict { .. }) => {
            drop(tx);
            let mut tx = store.begin().await?;
            let identity = unique_identity.unwrap_or_default();
            return lesson_store::find_lesson_by_unique_identity(&mut tx, course.id, &identity)
                .await?
                .map(|first| first.id)
                .ok_or_else(|| {
                    Failure::new(errno::SERVER_ERROR, "Unexpected server error; retry.")
                });
        }
        other => other?,
    };
    if let Some(assistants) = assistants {
        lesson_store::set_lesson_assistants(&mut tx, id, &assistants).await?;
    }
    lesson.id = id;
    add_classroom_activity(&mut tx, tenant_id, &lesson).await?;
    crate::pushes::lesson_changed(
        &mut tx,
        tenant_id,
        &lesson,
        crate::pushes::ADDED,
        crate::pushes::SOURCE_V1,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A lesson made through v1 is a classroom activity of its course too, in the course's no-topic unit, as ClassIn
/// made every v1 lesson one in 6.0: the v2 actions and the outline see it by its activity id. Its name, teacher
/// and times are the lesson's (the outline reads them from the lesson, so v1 edits show there).
async fn add_classroom_activity(
    tx: &mut StoreTx,
    tenant_id: TenantId,
    lesson: &LessonRow,
) -> Result<(), StoreError> {
    let unit = unit_store::default_unit(tx, tenant_id, lesson.course_id).await?;
    let activity = ActivityRow {
        id: 0,
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
    unit_store::insert_activity(tx, tenant_id, &activity).await?;
    Ok(())
}

/// `addCourseClass`: answers the lesson id (the first one's again for a repeated `courseUniqueIdentity`).
pub async fn add_course_class(
    store: &Store,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<i64> {
    let course_id = params.required_integer("courseId")?;
    add_one_lesson(store, school.tenant_id, course_id, params, now).await
}

/// `addCourseClassMultiple`: `classJson` with up to 50 lessons, one result each.
pub async fn add_course_class_multiple(
    store: &Store,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<Vec<ItemOutcome>> {
    let items = params.json_array("classJson", LESSON_BATCH_MAX)?;
    let course = {
        let mut tx = store.begin().await?;
        find_course(&mut tx, school.tenant_id, params).await?
    };
    if course_has_ended(&course, now) {
        return Err(Failure::new(errno::COURSE_ENDED, "The course has ended."));
    }
    let mut outcomes = Vec::with_capacity(items.len());
    for item in &items {
        let result = match item_object(item, "classJson") {
            Ok(object) => add_one_lesson(store, school.tenant_id, course.id, Params(object), now)
                .await
                .map(Some),
            Err(failure) => Err(failure),
        };
        outcomes.push(ItemOutcome {
            result,
            custom_column: custom_column(item),
        });
    }
    Ok(outcomes)
}

/// The school's lesson named by `courseId` and `classId` (100 when there is none).
pub(crate) async fn find_lesson(
    tx: &mut StoreTx,
    tenant_id: TenantId,
    params: Params<'_>,
) -> ClassinResult<(CourseRow, LessonRow)> {
    let course = find_course(tx, tenant_id, params).await?;
    let lesson_id = params.required_integer("classId")?;
    let lesson = lesson_store::find_lesson(tx, tenant_id, course.id, lesson_id)
        .await?
        .ok_or_else(|| {
            Failure::bad_parameter(format!("There is no lesson {lesson_id} in this course."))
        })?;
    Ok((course, lesson))
}

/// `editCourseClass`: changes the fields given, until the lesson locks.
pub async fn edit_course_class(
    store: &Store,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<()> {
    let mut tx = store.begin().await?;
    let (_, mut lesson) = find_lesson(&mut tx, school.tenant_id, params).await?;
    check_lesson_changeable(&lesson, now)?;
    let assistants =
        apply_lesson_fields(&mut tx, school.tenant_id, &mut lesson, params, now).await?;
    lesson_store::update_lesson(&mut tx, school.tenant_id, &lesson).await?;
    if let Some(assistants) = assistants {
        lesson_store::set_lesson_assistants(&mut tx, lesson.id, &assistants).await?;
    }
    crate::pushes::lesson_changed(
        &mut tx,
        school.tenant_id,
        &lesson,
        crate::pushes::MODIFIED,
        crate::pushes::SOURCE_V1,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `delCourseClass`: deletes the lesson, until it locks (it is kept, to say it was deleted).
pub async fn del_course_class(
    store: &Store,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<()> {
    let mut tx = store.begin().await?;
    let (_, mut lesson) = find_lesson(&mut tx, school.tenant_id, params).await?;
    check_lesson_changeable(&lesson, now)?;
    lesson.deleted_at = Some(now * 1000);
    lesson_store::update_lesson(&mut tx, school.tenant_id, &lesson).await?;
    crate::pushes::lesson_changed(
        &mut tx,
        school.tenant_id,
        &lesson,
        crate::pushes::DELETED,
        crate::pushes::SOURCE_V1,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `modifyClassSeatNum`: until the lesson ends.
pub async fn modify_class_seat_num(
    store: &Store,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<()> {
    let seats = read_seats(params)?
        .ok_or_else(|| Failure::bad_parameter("The parameter seatNum is required."))?;
    let mut tx = store.begin().await?;
    let (_, mut lesson) = find_lesson(&mut tx, school.tenant_id, params).await?;
    check_lesson_open(&lesson, now)?;
    lesson.seat_count = seats;
    check_seats_cover_bookings(&mut tx, school.tenant_id, &lesson).await?;
    lesson_store::update_lesson(&mut tx, school.tenant_id, &lesson).await?;
    crate::pushes::lesson_changed(
        &mut tx,
        school.tenant_id,
        &lesson,
        crate::pushes::MODIFIED,
        crate::pushes::SOURCE_V1,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000;

    fn lesson(begin: i64, end: i64) -> LessonRow {
        LessonRow {
            id: 1,
            course_id: 1,
            name: "Optics".into(),
            introduction: None,
            begins_at: begin * 1000,
            ends_at: end * 1000,
            teacher_id: Some(7),
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
    fn a_lesson_locks_twenty_minutes_before_it_begins() {
        let begin = NOW + 3600;
        let end = begin + 3600;
        assert_eq!(
            errno_of(check_lesson_changeable(
                &lesson(begin, end),
                begin - 20 * 60 - 1
            )),
            errno::SUCCESS
        );
        assert_eq!(
            errno_of(check_lesson_changeable(
                &lesson(begin, end),
                begin - 20 * 60
            )),
            errno::LESSON_LOCKED
        );
        assert_eq!(
            errno_of(check_lesson_changeable(&lesson(begin, end), begin - 60)),
            errno::LESSON_LOCKED
        );
    }

    #[test]
    fn a_lesson_in_progress_or_ended_cannot_be_changed() {
        let begin = NOW;
        let end = NOW + 3600;
        assert_eq!(
            errno_of(check_lesson_changeable(&lesson(begin, end), begin)),
            errno::LESSON_IN_PROGRESS
        );
        assert_eq!(
            errno_of(check_lesson_changeable(&lesson(begin, end), end - 1)),
            errno::LESSON_IN_PROGRESS
        );
        assert_eq!(
            errno_of(check_lesson_changeable(&lesson(begin, end), end)),
            errno::LESSON_ENDED
        );
        assert_eq!(
            errno_of(check_lesson_open(&lesson(begin, end), end + 1)),
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
        deleted.deleted_at = Some(NOW * 1000);
        assert_eq!(
            errno_of(check_lesson_changeable(&deleted, NOW)),
            errno::LESSON_DELETED
        );
    }
}
