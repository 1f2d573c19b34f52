//! `/course/addCourseTeacher` (teachers of a class besides its main teacher) and
//! `/schooluser/modifyCourseStudentNickName` (a student's school name copied to their name in every class that has
//! not ended). Both answer one `{uid, code, msg}` per person.

use classbridge_domain::{UnixMillis, UserId};
use classbridge_store::classin::{self as classin_store, SchoolIdentity};
use serde_json::{json, Value};

use super::{classrooms::check_teacher, code, Body, SUCCESS_MESSAGE};
use crate::classin::{ClassinResult, Failure, School};

/// Most students of one `modifyCourseStudentNickName`.
pub const NICKNAME_STUDENTS_MAX: usize = 100;

fn item(key: &str, uid: UserId, outcome: ClassinResult<()>) -> Value {
    match outcome {
        Ok(()) => json!({key: uid, "code": code::SUCCESS, "msg": SUCCESS_MESSAGE}),
        Err(failure) => json!({key: uid, "code": failure.errno, "msg": failure.error}),
    }
}

/// `/course/addCourseTeacher`: `courseId`, `teacherUids`.
pub async fn add_course_teachers(
    service: &crate::Service,
    school: &School,
    body: Body<'_>,
    now: i64,
) -> ClassinResult<Value> {
    let store = service.store();
    let uids = match body.uids("teacherUids")? {
        Some(uids) if !uids.is_empty() => uids,
        _ => {
            return Err(Failure::new(
                code::REQUIRED_MISSING,
                "teacherUids is required (an array of UIDs).",
            ))
        }
    };
    let mut tx = store.begin_for(school.tenant_id).await?;
    let course = match super::school_course(&mut tx, body, now).await {
        Err(failure) if failure.errno == code::COURSE_EXPIRED => {
            return Err(Failure::new(
                code::COURSE_FINISHED,
                "The course has finished.",
            ))
        }
        other => other?,
    };
    let mut results = Vec::with_capacity(uids.len());
    for uid in uids {
        let outcome = async {
            check_teacher(
                &mut tx,
                course.id,
                uid,
                (code::TEACHER_NOT_IN_SCHOOL, code::TEACHER_STOPPED),
            )
            .await?;
            if course.main_teacher_id == Some(uid) {
                return Err(Failure::new(
                    code::ALREADY_HEAD_TEACHER,
                    "The teacher is already the head teacher of the class.",
                ));
            }
            if classbridge_store::classin::courses::is_course_teacher(&mut tx, course.id, uid)
                .await?
            {
                return Err(Failure::new(
                    code::ALREADY_IN_COURSE,
                    "The teacher is already a teacher of the class.",
                ));
            }
            classbridge_store::classin::courses::insert_course_teacher(&mut tx, course.id, uid)
                .await?;
            Ok(())
        }
        .await;
        results.push(item("teacherUid", uid, outcome));
    }
    tx.commit().await?;
    Ok(Value::Array(results))
}

/// `/schooluser/modifyCourseStudentNickName`: `studentUids` (at most 100, 121601060).
pub async fn copy_nicknames(
    service: &crate::Service,
    school: &School,
    body: Body<'_>,
    now: i64,
) -> ClassinResult<Value> {
    let store = service.store();
    let uids = match body.uids("studentUids")? {
        Some(uids) if !uids.is_empty() => uids,
        _ => {
            return Err(Failure::new(
                code::PARAMETER,
                "studentUids is required (an array of UIDs).",
            ))
        }
    };
    if uids.len() > NICKNAME_STUDENTS_MAX {
        return Err(Failure::new(
            code::STUDENTS_TOO_MANY,
            format!("At most {NICKNAME_STUDENTS_MAX} students at a time."),
        ));
    }
    let mut tx = store.begin_for(school.tenant_id).await?;
    let mut results = Vec::with_capacity(uids.len());
    for uid in uids {
        let outcome = async {
            if classin_store::find_school_member(&mut tx, SchoolIdentity::Student, uid)
                .await?
                .is_none()
            {
                return Err(Failure::new(
                    code::NO_SUCH_STUDENT,
                    "The school has no such student.",
                ));
            }
            classbridge_store::classin::courses::copy_student_name_to_courses(
                &mut tx,
                uid,
                UnixMillis::from_seconds(now),
            )
            .await?;
            Ok(())
        }
        .await;
        results.push(item("studentUid", uid, outcome));
    }
    tx.commit().await?;
    Ok(Value::Array(results))
}
