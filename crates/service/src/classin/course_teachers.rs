//! The teachers of a course through the scheduling API: `modifyCourseTeacher` (the teacher of every lesson of the
//! course that has not started) and `removeCourseTeacher` (off the course's teacher list, once they teach none of
//! its lessons that have not ended).

use classbridge_domain::{StudentIdentity, UnixMillis, UserId};
use classbridge_store::classin::{courses as course_store, lessons as lesson_store};
use serde_json::{json, Value};

use super::{
    courses::{check_not_ended, course_has_ended, find_course, school_teacher_of},
    errno,
    users::schedulable_teacher,
    ClassinResult, Failure, Params, School,
};

/// `modifyCourseTeacher`: answers `[{"classId", "errno", "error"}]`, one per lesson that has not started (188 when
/// there is none; 146 for an ended course). A lesson whose student or assistant the teacher is keeps its teacher
/// (187 / 328 for that lesson).
pub async fn modify_course_teacher(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<Value> {
    let store = service.store();
    let uid = params.required_id("teacherUid", UserId::new)?;
    let mut tx = store.begin_for(school.tenant_id).await?;
    let course = find_course(&mut tx, params).await?;
    if course_has_ended(&course, now) {
        return Err(Failure::new(
            errno::COURSE_FINISHED,
            "The course has ended.",
        ));
    }
    schedulable_teacher(&mut tx, uid).await?;
    match course_store::course_identity_of(&mut tx, course.id, uid).await? {
        Some(StudentIdentity::Student) => {
            return Err(Failure::new(
                errno::COURSE_STUDENT_AS_TEACHER,
                "A student of the course cannot teach its lessons.",
            ))
        }
        Some(_) => {
            return Err(Failure::new(
                errno::COURSE_AUDITOR_AS_TEACHER,
                "An auditor of the course cannot teach its lessons.",
            ))
        }
        None => {}
    }
    let now_ms = now * 1000;
    let lessons: Vec<_> = lesson_store::course_lessons(&mut tx, course.id)
        .await?
        .into_iter()
        .filter(|lesson| lesson.begins_at > UnixMillis::new(now_ms))
        .collect();
    if lessons.is_empty() {
        return Err(Failure::new(
            errno::NO_LESSON_TO_COME,
            "The course has no lesson that has not started.",
        ));
    }
    let mut items = Vec::with_capacity(lessons.len());
    for mut lesson in lessons {
        let refusal = if lesson_store::is_lesson_student(&mut tx, lesson.id, uid).await? {
            Some((
                errno::LESSON_STUDENT_AS_TEACHER,
                "A student of the lesson cannot be its teacher.",
            ))
        } else if lesson_store::lesson_assistants(&mut tx, lesson.id)
            .await?
            .contains(&uid)
        {
            Some((
                errno::ASSISTANT_AS_TEACHER,
                "The lesson's assistant cannot be its teacher.",
            ))
        } else {
            None
        };
        let (number, error) = match refusal {
            Some(refusal) => refusal,
            None => {
                let before = lesson.clone();
                lesson.teacher_id = Some(uid);
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
                (errno::SUCCESS, "Success")
            }
        };
        items.push(json!({"classId": lesson.id, "errno": number, "error": error}));
    }
    course_store::insert_course_teacher(&mut tx, course.id, uid).await?;
    tx.commit().await?;
    Ok(Value::Array(items))
}

/// `removeCourseTeacher`: 316 when the teacher is not on the course's teacher list, 317 while they teach or assist
/// one of its lessons that has not ended.
pub async fn remove_course_teacher(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<()> {
    let store = service.store();
    let uid = params.required_id("teacherUid", UserId::new)?;
    let mut tx = store.begin_for(school.tenant_id).await?;
    let course = find_course(&mut tx, params).await?;
    check_not_ended(&course, now)?;
    school_teacher_of(&mut tx, uid).await?;
    if !course_store::is_course_teacher(&mut tx, course.id, uid).await? {
        return Err(Failure::new(
            errno::NOT_COURSE_TEACHER,
            "The teacher is not on the course's teacher list.",
        ));
    }
    if lesson_store::count_unfinished_lessons_taught(
        &mut tx,
        Some(course.id),
        uid,
        UnixMillis::from_seconds(now),
    )
    .await?
        > 0
    {
        return Err(Failure::new(
            errno::TEACHER_HAS_LESSONS,
            "The teacher has lessons of this course that have not ended.",
        ));
    }
    lesson_store::delete_course_teacher(&mut tx, course.id, uid).await?;
    tx.commit().await?;
    Ok(())
}
