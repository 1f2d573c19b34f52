//! Courses through the scheduling API: creating (idempotent by `courseUniqueIdentity`), changing and ending them,
//! and their students and auditors. A course of another school is no course here (errno 100, nothing shown).

use classbridge_domain::TenantId;
use classbridge_store::{
    classin::courses::{self, CourseRow},
    Store, StoreError, StoreTx,
};
use serde_json::Value;

use super::{
    custom_column, errno, item_object,
    users::{schedulable_teacher, school_student, NAME_MAX},
    ClassinResult, Failure, ItemOutcome, Params, School,
};

pub const COURSE_NAME_MAX: usize = 90;
pub const COURSE_INTRODUCTION_MAX: usize = 400;
pub const UNIQUE_IDENTITY_MAX: usize = 32;
/// Most auditors in one course.
pub const AUDITORS_MAX: i64 = 20;
/// Most students in one `studentJson` / `studentUidJson`.
pub const STUDENT_BATCH_MAX: usize = 100;
const DAY_SECONDS: i64 = 86_400;
/// Five years of 365 days and the leap days they may hold.
const FIVE_YEARS_SECONDS: i64 = (5 * 365 + 2) * DAY_SECONDS;

pub const IDENTITY_STUDENT: i64 = 1;
pub const IDENTITY_AUDITOR: i64 = 2;

/// Whether no lessons and no students may be added any more: ended, or past its expiry.
pub fn course_has_ended(course: &CourseRow, now: i64) -> bool {
    course.ended_at.is_some() || course.expires_at.is_some_and(|at| at <= now * 1000)
}

fn check_not_ended(course: &CourseRow, now: i64) -> ClassinResult<()> {
    if course_has_ended(course, now) {
        return Err(Failure::new(errno::COURSE_ENDED, "The course has ended."));
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

/// `courseUniqueIdentity`: 1 to 32 characters.
pub(crate) fn read_unique_identity(params: Params<'_>) -> ClassinResult<Option<String>> {
    params.bounded_text("courseUniqueIdentity", UNIQUE_IDENTITY_MAX)
}

/// The school's course named by `courseId` (100 when there is none).
pub(crate) async fn find_course(
    tx: &mut StoreTx,
    tenant_id: TenantId,
    params: Params<'_>,
) -> ClassinResult<CourseRow> {
    let course_id = params.required_integer("courseId")?;
    courses::find_course(tx, tenant_id, course_id)
        .await?
        .ok_or_else(|| {
            Failure::bad_parameter(format!("There is no course {course_id} in this school."))
        })
}

/// Applies the course fields present in `params` to `course`, checking each.
async fn apply_course_fields(
    tx: &mut StoreTx,
    tenant_id: TenantId,
    course: &mut CourseRow,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<()> {
    if let Some(name) = params.bounded_text("courseName", COURSE_NAME_MAX)? {
        course.name = name;
    }
    if let Some(expiry) = params.integer("expiryTime")? {
        course.expires_at = read_expiry(expiry, now)?;
    }
    if let Some(introduction) = params.bounded_text("courseIntroduce", COURSE_INTRODUCTION_MAX)? {
        course.introduction = Some(introduction);
    }
    match params.integer("mainTeacherUid")? {
        None => {}
        Some(0) => course.main_teacher_id = None,
        Some(uid) => {
            schedulable_teacher(tx, tenant_id, uid).await?;
            course.main_teacher_id = Some(uid);
        }
    }
    Ok(())
}

/// `addCourse`: answers the course id (the first one's again for a repeated `courseUniqueIdentity`).
pub async fn add_course(
    store: &Store,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<i64> {
    if params.text("courseName").is_none() {
        return Err(Failure::bad_parameter(
            "The parameter courseName is required.",
        ));
    }
    let unique_identity = read_unique_identity(params)?;
    let tenant_id = school.tenant_id;
    let mut tx = store.begin().await?;
    if let Some(identity) = &unique_identity {
        if let Some(first) =
            courses::find_course_by_unique_identity(&mut tx, tenant_id, identity).await?
        {
            return Ok(first.id);
        }
    }
    let mut course = CourseRow {
        id: 0,
        name: String::new(),
        introduction: None,
        expires_at: None,
        main_teacher_id: None,
        unique_identity: unique_identity.clone(),
        ended_at: None,
    };
    apply_course_fields(&mut tx, tenant_id, &mut course, params, now).await?;
    let id = match courses::insert_course(&mut tx, tenant_id, &course).await {
        Err(StoreError::Conflict { .. }) => {
            // A racing request with the same identity won: answer its course.
            drop(tx);
            let mut tx = store.begin().await?;
            let identity = unique_identity.unwrap_or_default();
            return courses::find_course_by_unique_identity(&mut tx, tenant_id, &identity)
                .await?
                .map(|first| first.id)
                .ok_or_else(|| {
                    Failure::new(errno::SERVER_ERROR, "Unexpected server error; retry.")
                });
        }
        other => other?,
    };
    tx.commit().await?;
    Ok(id)
}

/// `editCourse`: changes the fields given.
pub async fn edit_course(
    store: &Store,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<()> {
    let mut tx = store.begin().await?;
    let mut course = find_course(&mut tx, school.tenant_id, params).await?;
    check_not_ended(&course, now)?;
    apply_course_fields(&mut tx, school.tenant_id, &mut course, params, now).await?;
    courses::update_course(&mut tx, school.tenant_id, &course).await?;
    tx.commit().await?;
    Ok(())
}

/// `endCourse`: no new lessons and no new students from now on.
pub async fn end_course(
    store: &Store,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<()> {
    let mut tx = store.begin().await?;
    let mut course = find_course(&mut tx, school.tenant_id, params).await?;
    check_not_ended(&course, now)?;
    course.ended_at = Some(now * 1000);
    courses::update_course(&mut tx, school.tenant_id, &course).await?;
    tx.commit().await?;
    Ok(())
}

/// `identity`: 1 student (the default), 2 auditor.
pub(crate) fn read_identity(params: Params<'_>) -> ClassinResult<i64> {
    match params.integer("identity")? {
        None => Ok(IDENTITY_STUDENT),
        Some(identity @ (IDENTITY_STUDENT | IDENTITY_AUDITOR)) => Ok(identity),
        Some(_) => Err(Failure::bad_parameter(
            "The identity must be 1 (student) or 2 (auditor).",
        )),
    }
}

/// A student's name as given in a course or lesson: optional, at most 24 characters (128).
pub(crate) fn read_student_name(params: Params<'_>, key: &str) -> ClassinResult<Option<String>> {
    match params.text(key) {
        Some(name) if name.chars().count() > NAME_MAX || name.chars().any(char::is_control) => {
            Err(Failure::new(
                errno::STUDENT_NAME,
                format!("The {key} may have at most {NAME_MAX} characters."),
            ))
        }
        other => Ok(other),
    }
}

/// Adds one school student to an open course.
async fn add_one_student(
    tx: &mut StoreTx,
    tenant_id: TenantId,
    course: &CourseRow,
    uid: i64,
    identity: i64,
    name: Option<&str>,
) -> ClassinResult<()> {
    school_student(tx, tenant_id, uid).await?;
    if courses::course_identity_of(tx, course.id, uid)
        .await?
        .is_some()
    {
        return Err(Failure::new(
            errno::ALREADY_IN_COURSE,
            "The student is already in this course.",
        ));
    }
    if identity == IDENTITY_AUDITOR
        && courses::count_course_students(tx, course.id, IDENTITY_AUDITOR).await? >= AUDITORS_MAX
    {
        return Err(Failure::new(
            errno::TOO_MANY_ITEMS,
            format!("A course may have at most {AUDITORS_MAX} auditors."),
        ));
    }
    courses::insert_course_student(tx, course.id, uid, identity, name).await?;
    Ok(())
}

/// `addCourseStudent`.
pub async fn add_course_student(
    store: &Store,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<()> {
    let identity = read_identity(params)?;
    let uid = params.required_integer("studentUid")?;
    let name = read_student_name(params, "studentName")?;
    let mut tx = store.begin().await?;
    let course = find_course(&mut tx, school.tenant_id, params).await?;
    check_not_ended(&course, now)?;
    add_one_student(
        &mut tx,
        school.tenant_id,
        &course,
        uid,
        identity,
        name.as_deref(),
    )
    .await?;
    crate::pushes::course_students_changed(
        &mut tx,
        school.tenant_id,
        course.id,
        crate::pushes::SOURCE_V1,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A `uid` of an item of a JSON array: an integer (100 otherwise).
pub(crate) fn item_uid(item: &Value) -> ClassinResult<i64> {
    let uid = match item {
        Value::Object(object) => Params(object).integer("uid")?,
        other => Params(&serde_json::Map::from_iter([(
            "uid".to_owned(),
            other.clone(),
        )]))
        .integer("uid")?,
    };
    uid.ok_or_else(|| Failure::bad_parameter("Each item needs a uid."))
}

/// `addCourseStudentMultiple`: `studentJson` = `[{"uid", "name", "customColumn"}]`, one result each.
pub async fn add_course_student_multiple(
    store: &Store,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<Vec<ItemOutcome>> {
    let identity = read_identity(params)?;
    let items = params.json_array("studentJson", STUDENT_BATCH_MAX)?;
    let mut tx = store.begin().await?;
    let course = find_course(&mut tx, school.tenant_id, params).await?;
    check_not_ended(&course, now)?;
    let mut outcomes = Vec::with_capacity(items.len());
    for item in &items {
        let result = async {
            let object = item_object(item, "studentJson")?;
            let uid = item_uid(item)?;
            let name = read_student_name(Params(object), "name")?;
            add_one_student(
                &mut tx,
                school.tenant_id,
                &course,
                uid,
                identity,
                name.as_deref(),
            )
            .await
        }
        .await;
        outcomes.push(ItemOutcome {
            result: result.map(|()| None),
            custom_column: custom_column(item),
        });
    }
    crate::pushes::course_students_changed(
        &mut tx,
        school.tenant_id,
        course.id,
        crate::pushes::SOURCE_V1,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(outcomes)
}

async fn remove_one_student(tx: &mut StoreTx, course: &CourseRow, uid: i64) -> ClassinResult<()> {
    if !courses::delete_course_student(tx, course.id, uid).await? {
        return Err(Failure::new(
            errno::NOT_IN_COURSE,
            "The student is not in this course.",
        ));
    }
    Ok(())
}

/// `delCourseStudent`.
pub async fn del_course_student(
    store: &Store,
    school: &School,
    params: Params<'_>,
) -> ClassinResult<()> {
    let uid = params.required_integer("studentUid")?;
    let mut tx = store.begin().await?;
    let course = find_course(&mut tx, school.tenant_id, params).await?;
    remove_one_student(&mut tx, &course, uid).await?;
    let now = classbridge_store::now_millis() / 1000;
    crate::pushes::course_students_changed(
        &mut tx,
        school.tenant_id,
        course.id,
        crate::pushes::SOURCE_V1,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `delCourseStudentMultiple`: `studentUidJson` = `[uid, …]`, one result each.
pub async fn del_course_student_multiple(
    store: &Store,
    school: &School,
    params: Params<'_>,
) -> ClassinResult<Vec<ItemOutcome>> {
    let items = params.json_array("studentUidJson", STUDENT_BATCH_MAX)?;
    let mut tx = store.begin().await?;
    let course = find_course(&mut tx, school.tenant_id, params).await?;
    let mut outcomes = Vec::with_capacity(items.len());
    for item in &items {
        let result = match item_uid(item) {
            Ok(uid) => remove_one_student(&mut tx, &course, uid).await,
            Err(failure) => Err(failure),
        };
        outcomes.push(ItemOutcome {
            result: result.map(|()| None),
            custom_column: None,
        });
    }
    let now = classbridge_store::now_millis() / 1000;
    crate::pushes::course_students_changed(
        &mut tx,
        school.tenant_id,
        course.id,
        crate::pushes::SOURCE_V1,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(outcomes)
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
            id: 1,
            name: "Physics".into(),
            introduction: None,
            expires_at: Some(NOW * 1000),
            main_teacher_id: None,
            unique_identity: None,
            ended_at: None,
        };
        assert!(course_has_ended(&course, NOW));
        assert!(!course_has_ended(&course, NOW - 1));
    }
}
