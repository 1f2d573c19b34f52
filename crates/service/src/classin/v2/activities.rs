//! `/lms/activity/createActivityNoClass|release|delete|addStudent|deleteStudent`: activities of any type (a
//! classroom's lesson follows its activity), drafts and their release, and per-activity members. By default every
//! student and auditor of the course is a member; a classroom also takes any student of the school (a
//! transfer-in student, who may join that lesson only).

use classbridge_domain::{ActivityId, CourseId, LessonPhase, UnitId, UnixMillis, Unsaved, UserId};
use classbridge_store::{
    classin::{
        self as classin_store,
        courses::course_identity_of,
        lessons as lesson_store,
        units::{self as unit_store, ActivityRow, NewActivity},
        SchoolIdentity,
    },
    TenantTx,
};
use serde_json::{json, Value};

use super::{
    classrooms::{check_teacher, CLASSROOM_NAME_MAX},
    code, school_course,
    units::{live_unit, ACTIVITIES_PER_UNIT_MAX},
    Body, SUCCESS_MESSAGE,
};
use crate::classin::{ClassinResult, Failure, School};

pub const HOMEWORK: i64 = 2;
pub const QUIZ: i64 = 3;
/// Three years of 365 days and the leap day they may hold.
const MAX_AHEAD_SECONDS: i64 = (3 * 365 + 1) * 86_400;

/// `/lms/activity/createActivityNoClass`: a draft activity of type 2–8 in a unit; `{name, activityId, unitId}`
/// (ClassIn's table names `activityId`, its example `unitId`: both are given).
pub async fn create_without_classroom(
    service: &crate::Service,
    school: &School,
    body: Body<'_>,
    now: i64,
) -> ClassinResult<Value> {
    let store = service.store();
    let mut tx = store.begin_for(school.tenant_id).await?;
    let course = school_course(&mut tx, body, now).await?;
    let unit_id = body.required_id("unitId", UnitId::new)?;
    let activity_type = body
        .choice("activityType", &[2, 3, 4, 5, 6, 7, 8])?
        .ok_or_else(|| Failure::new(code::PARAMETER, "activityType is required."))?;
    let name = body.required_name("name", CLASSROOM_NAME_MAX)?;
    let teacher = body.required_id("teacherUid", UserId::new)?;
    let starts_at = body.integer("startTime")?;
    let ends_at = body.integer("endTime")?;
    if starts_at.is_some_and(|start| start > now + MAX_AHEAD_SECONDS) {
        return Err(Failure::new(
            code::BUSINESS_PARAMETER,
            "startTime may be at most 3 years from now.",
        ));
    }
    // Stored in milliseconds: times that cannot be are refused rather than overflowing.
    let in_range = |at: &Option<i64>| at.is_none_or(|at| at.checked_mul(1000).is_some());
    if !in_range(&starts_at) || !in_range(&ends_at) {
        return Err(Failure::new(
            code::BUSINESS_PARAMETER,
            "startTime and endTime must be Unix seconds.",
        ));
    }
    if let (Some(start), Some(end)) = (starts_at, ends_at) {
        if end <= start {
            return Err(Failure::new(
                code::BUSINESS_PARAMETER,
                "endTime must be later than startTime.",
            ));
        }
    }
    let unit = live_unit(&mut tx, course.id, unit_id, code::UNIT_MISSING).await?;
    check_teacher(
        &mut tx,
        course.id,
        teacher,
        (code::TEACHER_NOT_IN_SCHOOL, code::TEACHER_STOPPED),
    )
    .await?;
    if unit_store::count_unit_activities(&mut tx, unit.id).await? >= ACTIVITIES_PER_UNIT_MAX {
        return Err(Failure::new(
            code::TOO_MANY,
            format!("A unit holds at most {ACTIVITIES_PER_UNIT_MAX} activities."),
        ));
    }
    // A teacher not yet in the class is added to it.
    if course.main_teacher_id != Some(teacher) {
        classbridge_store::classin::courses::insert_course_teacher(&mut tx, course.id, teacher)
            .await?;
    }
    let activity = NewActivity {
        id: Unsaved,
        course_id: course.id,
        unit_id: unit.id,
        lesson_id: None,
        activity_type,
        name: name.clone(),
        teacher_id: Some(teacher),
        starts_at: starts_at.map(UnixMillis::from_seconds),
        ends_at: ends_at.map(UnixMillis::from_seconds),
        published: false,
        has_member_list: false,
        unique_identity: None,
        position: 0,
        deleted_at: None,
    };
    let id = unit_store::insert_activity(&mut tx, &activity).await?;
    tx.commit().await?;
    Ok(json!({"name": name, "activityId": id, "unitId": unit.id}))
}

/// The course's activity with this id: 30002 when there is none, 29149 when it was deleted.
async fn live_activity(
    tx: &mut TenantTx,
    course_id: CourseId,
    activity_id: ActivityId,
) -> ClassinResult<ActivityRow> {
    match unit_store::find_activity(tx, course_id, activity_id).await? {
        None => Err(Failure::new(
            code::ACTIVITY_MISSING,
            format!("There is no activity {activity_id}."),
        )),
        Some(activity) if activity.deleted_at.is_some() => Err(Failure::new(
            code::ACTIVITY_DELETED,
            "The activity has been deleted.",
        )),
        Some(activity) => Ok(activity),
    }
}

/// `/lms/activity/release`: publishes drafts. ClassIn's table names `activityIds` (an array), its examples send
/// `activityId`: either is taken. `{activityId, name}` for one, a list of them for several.
pub async fn release(
    service: &crate::Service,
    school: &School,
    body: Body<'_>,
    now: i64,
) -> ClassinResult<Value> {
    let store = service.store();
    let mut tx = store.begin_for(school.tenant_id).await?;
    let course = school_course(&mut tx, body, now).await?;
    let ids = match body.id_list("activityIds", ActivityId::new)? {
        Some(ids) if !ids.is_empty() => ids,
        _ => vec![body.required_id("activityId", ActivityId::new)?],
    };
    let mut released = Vec::with_capacity(ids.len());
    for id in ids {
        let mut activity = live_activity(&mut tx, course.id, id).await?;
        if activity.published {
            return Err(Failure::new(
                code::ACTIVITY_ALREADY_PUBLISHED,
                format!("The activity {id} is already published."),
            ));
        }
        activity.published = true;
        unit_store::update_activity(&mut tx, &activity).await?;
        released.push(json!({"activityId": activity.id, "name": activity.name}));
    }
    tx.commit().await?;
    Ok(if released.len() == 1 {
        released.remove(0)
    } else {
        Value::Array(released)
    })
}

/// `/lms/activity/delete`: one activity; a classroom's lesson is deleted with it, unless it is in session (40005)
/// or ended (40006). `{activityId, name}`.
pub async fn delete(
    service: &crate::Service,
    school: &School,
    body: Body<'_>,
    now: i64,
) -> ClassinResult<Value> {
    let store = service.store();
    let mut tx = store.begin_for(school.tenant_id).await?;
    let course = school_course(&mut tx, body, now).await?;
    let id = body.required_id("activityId", ActivityId::new)?;
    let mut activity = live_activity(&mut tx, course.id, id).await?;
    if let Some(lesson_id) = activity.lesson_id {
        if let Some(mut lesson) = lesson_store::find_lesson(&mut tx, course.id, lesson_id).await? {
            if lesson.deleted_at.is_none() {
                match lesson.phase(UnixMillis::from_seconds(now)) {
                    LessonPhase::Ended => {
                        return Err(Failure::new(
                            code::CLASSROOM_ENDED,
                            "The classroom has ended; it cannot be deleted.",
                        ))
                    }
                    LessonPhase::InSession => {
                        return Err(Failure::new(
                            code::CLASSROOM_IN_SESSION,
                            "The classroom is in session; it cannot be deleted.",
                        ))
                    }
                    LessonPhase::Open | LessonPhase::Locked => {}
                }
                crate::classin::lessons::delete_lesson(
                    &mut tx,
                    &mut lesson,
                    crate::pushes::SOURCE_LMS,
                    now,
                )
                .await?;
            }
        }
    }
    activity.deleted_at = Some(UnixMillis::from_seconds(now));
    unit_store::update_activity(&mut tx, &activity).await?;
    tx.commit().await?;
    Ok(json!({"activityId": activity.id, "name": activity.name}))
}

/// Whether the activity has ended: a classroom's lesson, or another activity's end time, is past.
async fn has_ended(tx: &mut TenantTx, activity: &ActivityRow, now: i64) -> ClassinResult<bool> {
    let ends_at = match activity.lesson_id {
        Some(lesson_id) => lesson_store::find_lesson(tx, activity.course_id, lesson_id)
            .await?
            .map(|lesson| lesson.ends_at),
        None => activity.ends_at,
    };
    Ok(ends_at.is_some_and(|at| at <= UnixMillis::from_seconds(now)))
}

/// The activity named by `activityId` whose members may change: not ended (110100069), not homework or a quiz
/// (`wrong_type`).
async fn member_activity(
    tx: &mut TenantTx,
    course_id: CourseId,
    body: Body<'_>,
    now: i64,
    wrong_type: i64,
) -> ClassinResult<ActivityRow> {
    let id = body.required_id("activityId", ActivityId::new)?;
    let activity = live_activity(tx, course_id, id).await?;
    if has_ended(tx, &activity, now).await? {
        return Err(Failure::new(
            code::ACTIVITY_ENDED,
            "The activity has ended.",
        ));
    }
    if matches!(activity.activity_type, HOMEWORK | QUIZ) {
        return Err(Failure::new(
            wrong_type,
            "Homework and quizzes do not take member changes.",
        ));
    }
    Ok(activity)
}

fn required_uids(body: Body<'_>) -> ClassinResult<Vec<UserId>> {
    match body.uids("studentUids")? {
        Some(uids) if !uids.is_empty() => Ok(uids),
        _ => Err(Failure::new(
            code::PARAMETER,
            "studentUids is required (an array of UIDs).",
        )),
    }
}

/// `/lms/activity/addStudent`: one `{studentUid, code, msg}` per student (1 also for one already a member).
pub async fn add_students(
    service: &crate::Service,
    school: &School,
    body: Body<'_>,
    now: i64,
) -> ClassinResult<Value> {
    let store = service.store();
    let mut tx = store.begin_for(school.tenant_id).await?;
    let course = school_course(&mut tx, body, now).await?;
    let activity =
        member_activity(&mut tx, course.id, body, now, code::ACTIVITY_WRONG_TYPE).await?;
    let uids = required_uids(body)?;
    let lesson = match activity.lesson_id {
        Some(lesson_id) => lesson_store::find_lesson(&mut tx, course.id, lesson_id).await?,
        None => None,
    };
    let mut results = Vec::with_capacity(uids.len());
    for uid in uids {
        let in_course = course_identity_of(&mut tx, course.id, uid).await?.is_some();
        let outcome: ClassinResult<()> = async {
            if let Some(lesson) = &lesson {
                if classin_store::find_school_member(&mut tx, SchoolIdentity::Student, uid)
                    .await?
                    .is_none()
                {
                    return Err(Failure::new(
                        code::NO_SUCH_STUDENT,
                        "The school has no such student.",
                    ));
                }
                let listed = lesson_store::is_lesson_student(&mut tx, lesson.id, uid).await?;
                if !listed && (lesson.has_student_list || !in_course) {
                    // From now on the lesson's own list decides, so that every reader (pages, read-back, the
                    // home page) sees the transfer-in student: the course's students are listed first.
                    if !lesson.has_student_list {
                        unit_store::start_lesson_list(&mut tx, lesson.id, course.id).await?;
                    }
                    unit_store::insert_transfer_in_student(&mut tx, lesson.id, uid).await?;
                }
                return Ok(());
            }
            if !in_course {
                return Err(Failure::new(
                    code::STUDENT_NOT_IN_CLASS,
                    "The student is not in the class.",
                ));
            }
            if activity.has_member_list {
                unit_store::insert_activity_member(&mut tx, activity.id, uid).await?;
            }
            Ok(())
        }
        .await;
        results.push(match outcome {
            Ok(()) => json!({"studentUid": uid, "code": code::SUCCESS, "msg": SUCCESS_MESSAGE}),
            Err(failure) => {
                json!({"studentUid": uid, "code": failure.errno, "msg": failure.error})
            }
        });
    }
    if let Some(lesson) = &lesson {
        crate::pushes::lesson_students_changed(&mut tx, lesson, crate::pushes::SOURCE_LMS, now)
            .await?;
    }
    tx.commit().await?;
    Ok(Value::Array(results))
}

/// `/lms/activity/deleteStudent`: takes the students off the activity (a classroom's lesson from then on admits
/// only those listed); `data` null.
pub async fn delete_students(
    service: &crate::Service,
    school: &School,
    body: Body<'_>,
    now: i64,
) -> ClassinResult<Value> {
    let store = service.store();
    let mut tx = store.begin_for(school.tenant_id).await?;
    let course = school_course(&mut tx, body, now).await?;
    let activity = member_activity(&mut tx, course.id, body, now, code::MEMBER_WRONG_TYPE).await?;
    let uids = required_uids(body)?;
    if let Some(lesson_id) = activity.lesson_id {
        let Some(lesson) = lesson_store::find_lesson(&mut tx, course.id, lesson_id).await? else {
            return Err(Failure::new(
                code::ACTIVITY_MISSING,
                "The classroom has no lesson.",
            ));
        };
        if !lesson.has_student_list {
            unit_store::start_lesson_list(&mut tx, lesson.id, course.id).await?;
        }
        for uid in uids {
            lesson_store::delete_lesson_student(&mut tx, lesson.id, uid).await?;
        }
        crate::pushes::lesson_students_changed(&mut tx, &lesson, crate::pushes::SOURCE_LMS, now)
            .await?;
    } else {
        if !activity.has_member_list {
            unit_store::start_member_list(&mut tx, &activity).await?;
        }
        for uid in uids {
            unit_store::delete_activity_member(&mut tx, activity.id, uid).await?;
        }
    }
    tx.commit().await?;
    Ok(Value::Null)
}
