//! `/lms/activity/createClass` and `/lms/activity/updateClass`: a classroom activity is a lesson of its course (the
//! same row v1's actions, the read-back API and the lesson pages see), placed in a unit. v2's `seatNum` counts
//! the teacher (default 7 = 1v6, above the maximum reset to it), the stored seat count does not: converted here.

use classbridge_domain::{
    ActivityId, CourseId, LessonId, LessonPhase, StudentIdentity, UnitId, UnixMillis, Unsaved,
    UserId,
};
use classbridge_store::{
    classin::{
        self as classin_store,
        courses::{course_identity_of, CourseRow},
        lessons::{self as lesson_store, LessonRow, NewLesson},
        units::{self as unit_store, ActivityRow, NewActivity, CLASSROOM},
        SchoolIdentity,
    },
    TenantTx,
};
use serde_json::{json, Value};

use super::{code, school_course, units::live_unit, units::ACTIVITIES_PER_UNIT_MAX, Body};
use crate::classin::{
    lessons::{MAX_LENGTH_SECONDS, MIN_LEAD_SECONDS, MIN_LENGTH_SECONDS, SEATS_MAX},
    ClassinResult, Failure, School,
};

pub const CLASSROOM_NAME_MAX: usize = 50;
/// Two years of 365 days and the leap day they may hold.
pub const MAX_AHEAD_SECONDS: i64 = (2 * 365 + 1) * 86_400;
/// v2 seats count the teacher: 7 is one teacher and six students.
pub const V2_SEATS_DEFAULT: i64 = 7;
pub const ASSISTANTS_MAX: usize = 20;
pub const UNIQUE_IDENTITY_MAX: usize = 32;

/// The stored seat count (students on stage) for a v2 `seatNum` (people on stage, the teacher counted); above the
/// maximum it is the maximum, as ClassIn resets it.
pub fn seats_from_v2(seat_num: i64) -> ClassinResult<i64> {
    if seat_num < 1 {
        return Err(Failure::new(
            code::BUSINESS_PARAMETER,
            "seatNum counts the teacher: 1 (1v0) or more.",
        ));
    }
    Ok((seat_num - 1).min(SEATS_MAX))
}

/// The v2 `seatNum` of a stored seat count.
pub fn seats_to_v2(seat_count: i64) -> i64 {
    seat_count + 1
}

fn business(text: impl Into<String>) -> Failure {
    Failure::new(code::BUSINESS_PARAMETER, text)
}

/// The v2 time rules (Unix seconds): start at least a minute ahead (120) and within two years (268), end after
/// start (119), 15 minutes to 24 hours (165).
pub fn check_times(start: i64, end: i64, now: i64) -> ClassinResult<()> {
    if start < now + MIN_LEAD_SECONDS {
        return Err(Failure::new(
            code::START_INVALID,
            "startTime must be at least 1 minute from now.",
        ));
    }
    if start > now + MAX_AHEAD_SECONDS {
        return Err(Failure::new(
            code::START_OUT_OF_RANGE,
            "startTime may be at most 2 years from now.",
        ));
    }
    if end <= start {
        return Err(Failure::new(
            code::END_NOT_AFTER_START,
            "endTime must be later than startTime.",
        ));
    }
    if !(MIN_LENGTH_SECONDS..=MAX_LENGTH_SECONDS).contains(&(end - start)) {
        return Err(Failure::new(
            code::LESSON_LENGTH,
            "A classroom lasts 15 minutes to 24 hours.",
        ));
    }
    Ok(())
}

/// A teacher of the school who is not stopped (136, 387), and not a student or auditor of the course (172, 173).
pub(crate) async fn check_teacher(
    tx: &mut TenantTx,
    course_id: CourseId,
    uid: UserId,
    codes: (i64, i64),
) -> ClassinResult<()> {
    let (missing, stopped) = codes;
    match classin_store::find_school_member(tx, SchoolIdentity::Teacher, uid).await? {
        None => Err(Failure::new(
            missing,
            format!("{uid} is not a teacher of this school; add the teacher to the school first."),
        )),
        Some(teacher) if teacher.stopped_at.is_some() => Err(Failure::new(
            stopped,
            format!("The teacher {uid} has been deactivated."),
        )),
        Some(_) => match course_identity_of(tx, course_id, uid).await? {
            Some(StudentIdentity::Student) => Err(Failure::new(
                code::COURSE_STUDENT_AS_TEACHER,
                "A student of the course cannot teach it.",
            )),
            Some(StudentIdentity::Auditor) => Err(Failure::new(
                code::COURSE_AUDITOR_AS_TEACHER,
                "An auditor of the course cannot teach it.",
            )),
            _ => Ok(()),
        },
    }
}

/// Applies the classroom fields present in `body` to the lesson; answers the assistants when given.
async fn apply_fields<Id>(
    tx: &mut TenantTx,
    course: &CourseRow,
    lesson: &mut LessonRow<Id>,
    body: Body<'_>,
    now: i64,
) -> ClassinResult<Option<Vec<UserId>>> {
    if let Some(name) = body.name("name", CLASSROOM_NAME_MAX)? {
        lesson.name = name;
    }
    let start = body.integer("startTime")?;
    let end = body.integer("endTime")?;
    if start.is_some() || end.is_some() {
        let start = start.unwrap_or(lesson.begins_at.seconds());
        let end = end.unwrap_or(lesson.ends_at.seconds());
        check_times(start, end, now)?;
        lesson.begins_at = UnixMillis::from_seconds(start);
        lesson.ends_at = UnixMillis::from_seconds(end);
    }
    if let Some(seat_num) = body.integer("seatNum")? {
        lesson.seat_count = seats_from_v2(seat_num)?;
    }
    if let Some(uid) = body.id("teacherUid", UserId::new)? {
        check_teacher(
            tx,
            course.id,
            uid,
            (code::TEACHER_NOT_IN_SCHOOL, code::TEACHER_STOPPED),
        )
        .await?;
        lesson.teacher_id = Some(uid);
    }
    for key in ["cameraHide", "isAutoOnstage", "isAllowCheck"] {
        body.choice(key, &[0, 1])?;
    }
    body.choice("isHd", &[0, 1, 2])?;
    if body.choice("isDc", &[0, 3])? == Some(3) && lesson.seat_count != 1 {
        return Err(Failure::new(
            code::DUAL_CAMERA,
            "The dual camera needs seatNum 2 (1v1).",
        ));
    }
    if body.choice("omoStationBroadcast", &[0, 1])? == Some(1) {
        return Err(Failure::new(
            121_604_007,
            "OMO station broadcast is not supported by this server.",
        ));
    }
    let group = [
        body.choice("recordType", &[0, 1, 2])?,
        body.choice("recordState", &[0, 1])?,
        body.choice("liveState", &[0, 1])?,
        body.choice("openState", &[0, 1])?,
    ];
    match group {
        [None, None, None, None] => {}
        [Some(_), Some(record), Some(live), Some(open)] => {
            if record == 0 && (live == 1 || open == 1) {
                return Err(business("liveState and openState need recordState 1."));
            }
            lesson.record = record == 1;
            lesson.live = live == 1;
            lesson.replay = open == 1;
        }
        _ => {
            return Err(business(
                "recordType, recordState, liveState and openState are sent together or not at all.",
            ))
        }
    }
    let Some(assistants) = body.uids("assistantUids")? else {
        return Ok(None);
    };
    if assistants.len() > ASSISTANTS_MAX {
        return Err(Failure::new(
            code::ASSISTANTS_TOO_MANY,
            format!("At most {ASSISTANTS_MAX} co-teachers."),
        ));
    }
    for uid in &assistants {
        if lesson.teacher_id == Some(*uid) {
            return Err(Failure::new(
                code::TEACHER_AS_ASSISTANT,
                "The classroom's teacher cannot also be its co-teacher.",
            ));
        }
        check_teacher(
            tx,
            course.id,
            *uid,
            (code::ASSISTANT_NOT_IN_SCHOOL, code::ASSISTANT_STOPPED),
        )
        .await?;
    }
    Ok(Some(assistants))
}

/// What `createClass` answers, from the activity and its lesson.
fn created(activity_id: ActivityId, lesson: &LessonRow, live_url: &str) -> Value {
    json!({"activityId": activity_id, "classId": lesson.id, "name": lesson.name, "live_url": live_url})
}

/// `/lms/activity/createClass`: a published classroom in `unitId` (or the course's no-topic unit). A repeated
/// `uniqueIdentity` answers the classroom made the first time. `live_url` makes the lesson's page address.
pub async fn create(
    service: &crate::Service,
    school: &School,
    body: Body<'_>,
    now: i64,
    live_url: impl Fn(LessonId) -> String,
) -> ClassinResult<Value> {
    let store = service.store();
    let mut tx = store.begin_for(school.tenant_id).await?;
    let course = school_course(&mut tx, body, now).await?;
    let unique_identity = match body.text("uniqueIdentity")? {
        Some(identity) if identity.is_empty() || identity.chars().count() > UNIQUE_IDENTITY_MAX => {
            return Err(business("uniqueIdentity has 1 to 32 characters."))
        }
        other => other,
    };
    if let Some(identity) = &unique_identity {
        if let Some(first) = unit_store::find_activity_by_unique_identity(&mut tx, identity).await?
        {
            if let Some(lesson_id) = first.lesson_id {
                if let Some(lesson) =
                    lesson_store::find_lesson(&mut tx, first.course_id, lesson_id).await?
                {
                    return Ok(created(first.id, &lesson, &live_url(lesson.id)));
                }
            }
        }
    }
    body.required_name("name", CLASSROOM_NAME_MAX)?;
    for key in ["teacherUid", "startTime", "endTime"] {
        body.required_integer(key)?;
    }
    let unit = match body.id("unitId", UnitId::new)? {
        Some(unit_id) => live_unit(&mut tx, course.id, unit_id, code::UNIT_MISSING).await?,
        None => unit_store::default_unit(&mut tx, course.id).await?,
    };
    if unit_store::count_unit_activities(&mut tx, unit.id).await? >= ACTIVITIES_PER_UNIT_MAX {
        return Err(Failure::new(
            code::TARGET_UNIT_FULL,
            format!("A unit holds at most {ACTIVITIES_PER_UNIT_MAX} activities."),
        ));
    }
    let mut lesson = NewLesson {
        id: Unsaved,
        course_id: course.id,
        name: String::new(),
        introduction: None,
        begins_at: UnixMillis::new(0),
        ends_at: UnixMillis::new(0),
        teacher_id: None,
        seat_count: seats_from_v2(V2_SEATS_DEFAULT)?,
        record: false,
        live: false,
        replay: false,
        bookable: false,
        has_student_list: false,
        unique_identity: None,
        deleted_at: None,
    };
    let assistants = apply_fields(&mut tx, &course, &mut lesson, body, now).await?;
    let lesson_id = lesson_store::insert_lesson(&mut tx, &lesson).await?;
    let lesson = lesson.saved_as(lesson_id);
    if let Some(assistants) = &assistants {
        lesson_store::set_lesson_assistants(&mut tx, lesson.id, assistants).await?;
    }
    let activity = NewActivity {
        id: Unsaved,
        course_id: course.id,
        unit_id: unit.id,
        lesson_id: Some(lesson.id),
        activity_type: CLASSROOM,
        name: lesson.name.clone(),
        teacher_id: lesson.teacher_id,
        starts_at: Some(lesson.begins_at),
        ends_at: Some(lesson.ends_at),
        published: true,
        has_member_list: false,
        unique_identity,
        position: 0,
        deleted_at: None,
    };
    let activity_id = unit_store::insert_activity(&mut tx, &activity).await?;
    crate::pushes::lesson_changed(
        &mut tx,
        crate::pushes::LessonChange::Added(&lesson),
        crate::pushes::SOURCE_LMS,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(created(activity_id, &lesson, &live_url(lesson.id)))
}

/// The classroom activity named by `activityId` with its lesson: 143 when there is none (or it is not a
/// classroom), 212 when it was deleted.
pub(crate) async fn find_classroom(
    tx: &mut TenantTx,
    course_id: CourseId,
    body: Body<'_>,
) -> ClassinResult<(ActivityRow, LessonRow)> {
    let activity_id = body.required_id("activityId", ActivityId::new)?;
    let missing = || Failure::new(143, format!("There is no classroom {activity_id}."));
    let activity = unit_store::find_activity(tx, course_id, activity_id)
        .await?
        .filter(|activity| activity.activity_type == CLASSROOM)
        .ok_or_else(missing)?;
    let lesson_id = activity.lesson_id.ok_or_else(missing)?;
    let lesson = lesson_store::find_lesson(tx, course_id, lesson_id)
        .await?
        .ok_or_else(missing)?;
    if activity.deleted_at.is_some() || lesson.deleted_at.is_some() {
        return Err(Failure::new(
            code::LESSON_DELETED,
            "The classroom has been deleted.",
        ));
    }
    Ok((activity, lesson))
}

/// Whether the classroom may still be changed: not ended (145), not in session (140), not within 20 minutes of
/// its start (350).
pub fn check_changeable(lesson: &LessonRow, now: i64) -> ClassinResult<()> {
    match lesson.phase(UnixMillis::from_seconds(now)) {
        LessonPhase::Open => Ok(()),
        LessonPhase::Ended => Err(Failure::new(
            code::LESSON_ENDED,
            "The classroom has already ended.",
        )),
        LessonPhase::InSession => Err(Failure::new(
            code::IN_SESSION,
            "The classroom is in session; it cannot be edited or deleted.",
        )),
        LessonPhase::Locked => Err(Failure::new(
            code::LESSON_LOCKED,
            "Within 20 minutes of the start the classroom cannot be changed.",
        )),
    }
}

const UPDATABLE: [&str; 19] = [
    "unitId",
    "name",
    "teacherUid",
    "startTime",
    "endTime",
    "assistantUids",
    "cameraHide",
    "isAutoOnstage",
    "seatNum",
    "isHd",
    "isDc",
    "recordType",
    "recordState",
    "liveState",
    "openState",
    "isAllowCheck",
    "omoStationBroadcast",
    "cloudFolderId",
    "aiRiskMonitor",
];

/// `/lms/activity/updateClass`: changes the fields sent; `{activityId, name}`.
pub async fn update(
    service: &crate::Service,
    school: &School,
    body: Body<'_>,
    now: i64,
) -> ClassinResult<Value> {
    let store = service.store();
    let mut tx = store.begin_for(school.tenant_id).await?;
    let course = school_course(&mut tx, body, now).await?;
    if !UPDATABLE.iter().any(|key| body.0.contains_key(*key)) {
        return Err(Failure::new(
            code::LESSON_PARAMETERS,
            "Send at least one field to change.",
        ));
    }
    let (mut activity, mut lesson) = find_classroom(&mut tx, course.id, body).await?;
    check_changeable(&lesson, now)?;
    let before = lesson.clone();
    let assistants = apply_fields(&mut tx, &course, &mut lesson, body, now).await?;
    if let Some(unit_id) = body.id("unitId", UnitId::new)? {
        let unit = live_unit(&mut tx, course.id, unit_id, code::UNIT_MISSING).await?;
        if unit.id != activity.unit_id
            && unit_store::count_unit_activities(&mut tx, unit.id).await? >= ACTIVITIES_PER_UNIT_MAX
        {
            return Err(Failure::new(
                code::TARGET_UNIT_FULL,
                format!("A unit holds at most {ACTIVITIES_PER_UNIT_MAX} activities."),
            ));
        }
        activity.unit_id = unit.id;
    }
    lesson_store::update_lesson(&mut tx, &lesson).await?;
    if let Some(assistants) = &assistants {
        lesson_store::set_lesson_assistants(&mut tx, lesson.id, assistants).await?;
    }
    activity.name = lesson.name.clone();
    activity.teacher_id = lesson.teacher_id;
    activity.starts_at = Some(lesson.begins_at);
    activity.ends_at = Some(lesson.ends_at);
    unit_store::update_activity(&mut tx, &activity).await?;
    crate::pushes::lesson_changed(
        &mut tx,
        crate::pushes::LessonChange::Modified {
            before: &before,
            after: &lesson,
            assistants_set: assistants.is_some(),
        },
        crate::pushes::SOURCE_LMS,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(json!({"activityId": activity.id, "name": lesson.name}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_seats_count_the_teacher() {
        assert_eq!(seats_from_v2(7).unwrap(), 6);
        assert_eq!(seats_from_v2(1).unwrap(), 0, "1v0");
        assert_eq!(
            seats_from_v2(99).unwrap(),
            SEATS_MAX,
            "reset to the maximum"
        );
        assert!(seats_from_v2(0).is_err());
        assert_eq!(seats_to_v2(6), 7);
    }
}
