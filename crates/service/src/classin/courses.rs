//! Courses through the scheduling API: creating (idempotent by `courseUniqueIdentity`: a repeat is 398 with the
//! first course's id), changing and ending them; their students and auditors are in `course_students`. A course
//! of another school is no course here (144, nothing shown).

use classbridge_domain::{
    CourseId, LessonPhase, RowKey, StudentIdentity, UnixMillis, Unsaved, UserId,
};
use classbridge_store::{
    classin::{
        courses::{self, CourseRow, NewCourse},
        lessons as lesson_store,
    },
    StoreError, TenantTx,
};
use serde_json::Value;

use super::{
    errno,
    lessons::delete_lesson,
    users::{usable_teacher, NAME_MAX},
    ClassinResult, Failure, Params, School,
};

pub const COURSE_NAME_MAX: usize = 90;
/// `editCourse`'s page says 40 (addCourse and rules.md say 90): the action's own page is followed.
pub const EDITED_COURSE_NAME_MAX: usize = 40;
pub const COURSE_INTRODUCTION_MAX: usize = 400;
pub const UNIQUE_IDENTITY_MAX: usize = 32;
/// Most auditors in one course.
pub const AUDITORS_MAX: i64 = 20;
/// Most students in one `studentJson` / `studentUidJson`.
pub const STUDENT_BATCH_MAX: usize = 100;
const DAY_SECONDS: i64 = 86_400;
/// Five years of 365 days and the leap days they may hold.
const FIVE_YEARS_SECONDS: i64 = (5 * 365 + 2) * DAY_SECONDS;

/// Whether no lessons and no students may be added any more: ended, or past its expiry.
pub fn course_has_ended(course: &CourseRow, now: i64) -> bool {
    course.ended_at.is_some()
        || course
            .expires_at
            .is_some_and(|at| at <= UnixMillis::from_seconds(now))
}

/// An ended or expired course takes no changes: 153 ("course has expired"), the code the course pages list.
pub(crate) fn check_not_ended(course: &CourseRow, now: i64) -> ClassinResult<()> {
    if course_has_ended(course, now) {
        return Err(Failure::new(
            errno::COURSE_EXPIRED,
            "The course has ended or expired.",
        ));
    }
    Ok(())
}

/// `expiryTime` in Unix seconds: 0 never (`None`), else between a day and five years ahead (151, 154).
pub fn read_expiry(expiry: i64, now: i64) -> ClassinResult<Option<i64>> {
    if expiry == 0 {
        return Ok(None);
    }
    if expiry < now + DAY_SECONDS {
        return Err(Failure::new(
            errno::EXPIRY_TOO_SOON,
            "The course expiry must be at least one day ahead (or 0 for never).",
        ));
    }
    if expiry > now + FIVE_YEARS_SECONDS {
        return Err(Failure::new(
            errno::EXPIRY_TOO_LATE,
            "The course expiry may be at most five years ahead.",
        ));
    }
    Ok(Some(expiry * 1000))
}

/// `courseUniqueIdentity`: 1 to 32 characters (100 otherwise: it is not cut, it is a key).
pub(crate) fn read_unique_identity(params: Params<'_>) -> ClassinResult<Option<String>> {
    params.bounded_text("courseUniqueIdentity", UNIQUE_IDENTITY_MAX)
}

/// The school's course named by `courseId` (144 when there is none).
pub(crate) async fn find_course(tx: &mut TenantTx, params: Params<'_>) -> ClassinResult<CourseRow> {
    let course_id = params.required_id("courseId", CourseId::new)?;
    find_course_by_id(tx, course_id).await
}

pub(crate) async fn find_course_by_id(
    tx: &mut TenantTx,
    course_id: CourseId,
) -> ClassinResult<CourseRow> {
    courses::find_course(tx, course_id).await?.ok_or_else(|| {
        Failure::new(
            errno::COURSE_NOT_FOUND,
            format!("The school has no course {course_id}."),
        )
    })
}

/// Whether the person teaches in the course: on its teacher list, or teacher or assistant of one of its lessons.
pub(crate) async fn teaches_in_course(
    tx: &mut TenantTx,
    course_id: CourseId,
    uid: UserId,
) -> ClassinResult<bool> {
    Ok(courses::is_course_teacher(tx, course_id, uid).await?
        || lesson_store::count_unfinished_lessons_taught(
            tx,
            Some(course_id),
            uid,
            UnixMillis::new(0),
        )
        .await?
            > 0)
}

/// A teacher of the school (136 otherwise), stopped or not.
pub(crate) async fn school_teacher_of(tx: &mut TenantTx, uid: UserId) -> ClassinResult<()> {
    super::users::school_teacher(tx, uid).await?;
    Ok(())
}

/// Applies the course fields present in `params` to `course` (a [`NewCourse`] being added, or a stored course being
/// edited), checking each.
async fn apply_course_fields<Id: RowKey<CourseId>>(
    tx: &mut TenantTx,
    course: &mut CourseRow<Id>,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<()> {
    // The course's id when it is stored (an edit); `None` while it is being added.
    let stored = course.id.saved();
    let editing = stored.is_some();
    let name_max = if editing {
        EDITED_COURSE_NAME_MAX
    } else {
        COURSE_NAME_MAX
    };
    if let Some(name) = params.truncated_text("courseName", name_max)? {
        course.name = name;
    }
    if let Some(expiry) = params.integer("expiryTime")? {
        course.expires_at = read_expiry(expiry, now)?.map(UnixMillis::new);
        if let (Some(course_id), Some(expires_at)) = (stored, course.expires_at) {
            let last_end = lesson_store::course_lessons(tx, course_id)
                .await?
                .iter()
                .map(|lesson| lesson.ends_at)
                .max();
            if last_end.is_some_and(|end| end > expires_at) {
                return Err(Failure::new(
                    errno::EXPIRY_BEFORE_LAST_LESSON,
                    "The expiry cannot be earlier than the end of the course's last lesson.",
                ));
            }
        }
    }
    if let Some(introduction) = params.truncated_text("courseIntroduce", COURSE_INTRODUCTION_MAX)? {
        course.introduction = Some(introduction);
    }
    match params.id("mainTeacherUid", UserId::new)? {
        None => {}
        Some(uid) if uid.get() == 0 && !editing => course.main_teacher_id = None,
        Some(uid) => {
            usable_teacher(
                tx,
                uid,
                errno::HEAD_TEACHER_NOT_FOUND,
                errno::HEAD_TEACHER_STOPPED,
            )
            .await?;
            if let Some(course_id) = stored {
                match courses::course_identity_of(tx, course_id, uid).await? {
                    Some(StudentIdentity::Student) => {
                        return Err(Failure::new(
                            errno::HEAD_TEACHER_IS_STUDENT,
                            "A student of the course cannot be its head teacher.",
                        ))
                    }
                    Some(_) => {
                        return Err(Failure::new(
                            errno::HEAD_TEACHER_IS_AUDITOR,
                            "An auditor of the course cannot be its head teacher.",
                        ))
                    }
                    None => {}
                }
                if let Some(previous) = course.main_teacher_id.filter(|previous| *previous != uid) {
                    let unfinished = lesson_store::count_unfinished_lessons_taught(
                        tx,
                        Some(course_id),
                        previous,
                        UnixMillis::from_seconds(now),
                    )
                    .await?;
                    if unfinished > 0 {
                        return Err(Failure::new(
                            errno::HEAD_TEACHER_HAS_LESSONS,
                            "The previous head teacher has lessons of this course that have not ended.",
                        ));
                    }
                }
            }
            course.main_teacher_id = Some(uid);
        }
    }
    Ok(())
}

/// `addCourse`: answers the course id; a repeated `courseUniqueIdentity` is 398 with the first course's id.
pub async fn add_course(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<i64> {
    let store = service.store();
    if params.text("courseName").is_none() {
        return Err(Failure::bad_parameter(
            "The parameter courseName is required.",
        ));
    }
    let unique_identity = read_unique_identity(params)?;
    let mut tx = store.begin_for(school.tenant_id).await?;
    if let Some(identity) = &unique_identity {
        if let Some(first) = courses::find_course_by_unique_identity(&mut tx, identity).await? {
            return Err(Failure::already_exists(first.id.get(), false));
        }
    }
    let mut course = NewCourse {
        id: Unsaved,
        name: String::new(),
        introduction: None,
        expires_at: None,
        main_teacher_id: None,
        unique_identity: unique_identity.clone(),
        ended_at: None,
    };
    apply_course_fields(&mut tx, &mut course, params, now).await?;
    let id = match courses::insert_course(&mut tx, &course).await {
        Err(StoreError::Conflict { .. }) => {
            // A racing request with the same identity won: answer its course.
            drop(tx);
            let mut tx = store.begin_for(school.tenant_id).await?;
            let identity = unique_identity.unwrap_or_default();
            return match courses::find_course_by_unique_identity(&mut tx, &identity).await? {
                Some(first) => Err(Failure::already_exists(first.id.get(), false)),
                None => Err(Failure::new(
                    errno::SERVER_ERROR,
                    "Unexpected server error; retry.",
                )),
            };
        }
        other => other?,
    };
    let course = course.saved_as(id);
    crate::pushes::course_changed(&mut tx, None, &course, crate::pushes::SOURCE_V1, now).await?;
    tx.commit().await?;
    Ok(id.get())
}

/// `editCourse`: changes the fields given.
pub async fn edit_course(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<()> {
    let store = service.store();
    let mut tx = store.begin_for(school.tenant_id).await?;
    let mut course = find_course(&mut tx, params).await?;
    check_not_ended(&course, now)?;
    let before = course.clone();
    apply_course_fields(&mut tx, &mut course, params, now).await?;
    courses::update_course(&mut tx, &course).await?;
    crate::pushes::course_changed(
        &mut tx,
        Some(&before),
        &course,
        crate::pushes::SOURCE_V1,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `endCourse`: refused while a lesson of the course is in session (394); deletes the lessons that have not
/// started, then ends the course (no new lessons, no new students).
pub async fn end_course(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<()> {
    let store = service.store();
    let mut tx = store.begin_for(school.tenant_id).await?;
    let mut course = find_course(&mut tx, params).await?;
    check_not_ended(&course, now)?;
    let now_ms = now * 1000;
    let lessons = lesson_store::course_lessons(&mut tx, course.id).await?;
    if lessons
        .iter()
        .any(|lesson| lesson.phase(UnixMillis::new(now_ms)) == LessonPhase::InSession)
    {
        return Err(Failure::new(
            errno::LESSON_IN_SESSION_CANNOT_END,
            "A lesson of this course is in session; end the course after it.",
        ));
    }
    for mut lesson in lessons
        .into_iter()
        .filter(|lesson| lesson.begins_at > UnixMillis::new(now_ms))
    {
        delete_lesson(&mut tx, &mut lesson, crate::pushes::SOURCE_V1, now).await?;
    }
    let before = course.clone();
    course.ended_at = Some(UnixMillis::new(now_ms));
    courses::update_course(&mut tx, &course).await?;
    crate::pushes::course_changed(
        &mut tx,
        Some(&before),
        &course,
        crate::pushes::SOURCE_V1,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `identity`: 1 student (the default), 2 auditor.
pub(crate) fn read_identity(params: Params<'_>) -> ClassinResult<StudentIdentity> {
    match params.integer("identity")?.map(StudentIdentity::from_code) {
        None => Ok(StudentIdentity::Student),
        Some(Some(identity)) => Ok(identity),
        Some(None) => Err(Failure::bad_parameter(
            "The identity must be 1 (student) or 2 (auditor).",
        )),
    }
}

/// A student's name as given in a course or lesson: optional, cut to 24 characters.
pub(crate) fn read_student_name(params: Params<'_>, key: &str) -> ClassinResult<Option<String>> {
    params.truncated_text(key, NAME_MAX)
}

/// A `uid` of an item of a JSON array: an integer (100 otherwise).
pub(crate) fn item_uid(item: &Value) -> ClassinResult<UserId> {
    item_id(item, UserId::new)
}

/// An id of an item of a JSON array (the item itself, or its `uid` member), typed by `make`: an integer (100
/// otherwise).
pub(crate) fn item_id<T>(item: &Value, make: fn(i64) -> T) -> ClassinResult<T> {
    let id = match item {
        Value::Object(object) => Params(object).id("uid", make)?,
        other => Params(&serde_json::Map::from_iter([(
            "uid".to_owned(),
            other.clone(),
        )]))
        .id("uid", make)?,
    };
    id.ok_or_else(|| Failure::bad_parameter("Each item needs a uid."))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000;

    #[test]
    fn expiry_is_never_or_between_a_day_and_five_years_ahead() {
        assert_eq!(read_expiry(0, NOW), Ok(None));
        assert_eq!(
            read_expiry(NOW + DAY_SECONDS, NOW),
            Ok(Some((NOW + DAY_SECONDS) * 1000))
        );
        assert_eq!(
            read_expiry(NOW + DAY_SECONDS - 1, NOW).unwrap_err().errno,
            errno::EXPIRY_TOO_SOON
        );
        assert_eq!(
            read_expiry(NOW + 6 * 365 * DAY_SECONDS, NOW)
                .unwrap_err()
                .errno,
            errno::EXPIRY_TOO_LATE
        );
    }

    #[test]
    fn a_course_past_its_expiry_counts_as_ended() {
        let course = CourseRow {
            id: CourseId::new(1),
            name: "Physics".into(),
            introduction: None,
            expires_at: Some(UnixMillis::from_seconds(NOW)),
            main_teacher_id: None,
            unique_identity: None,
            ended_at: None,
        };
        assert!(course_has_ended(&course, NOW));
        assert!(!course_has_ended(&course, NOW - 1));
    }
}
