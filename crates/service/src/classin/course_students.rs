//! Students and auditors of a course through the scheduling API: who may be one (228, 129/174, 333, 332), adding
//! them alone or in batches (163/164, 130 past 20 auditors, 133 for a duplicate in the list) and removing them
//! (162), each change pushed as `eeoCourseStudentChange`.

use classbridge_domain::{StudentIdentity, UserId};
use classbridge_store::{
    classin::{
        self as classin_store,
        courses::{self, CourseRow},
        SchoolIdentity,
    },
    TenantTx,
};

use super::{
    courses::{
        check_not_ended, find_course, item_uid, read_identity, read_student_name,
        teaches_in_course, AUDITORS_MAX, STUDENT_BATCH_MAX,
    },
    custom_column, errno, item_object,
    users::school_student,
    ClassinResult, Failure, ItemOutcome, Params, School,
};

/// Whether someone may be a student or auditor of the course: a student of the school (228; a teacher of the
/// school who is not a student is 129 / 174), not its head teacher (333), not one of its teachers (332).
pub(crate) async fn check_may_learn(
    tx: &mut TenantTx,
    course: &CourseRow,
    uid: UserId,
    identity: StudentIdentity,
) -> ClassinResult<()> {
    let is_student = classin_store::find_school_member(tx, SchoolIdentity::Student, uid)
        .await?
        .is_some();
    if !is_student
        && classin_store::find_school_member(tx, SchoolIdentity::Teacher, uid)
            .await?
            .is_some()
    {
        return Err(if identity == StudentIdentity::Auditor {
            Failure::new(
                errno::TEACHER_AS_AUDITOR,
                "A teacher cannot be added as auditor.",
            )
        } else {
            Failure::new(
                errno::TEACHER_AS_STUDENT,
                "A teacher cannot be added as student.",
            )
        });
    }
    school_student(tx, uid).await?;
    if course.main_teacher_id == Some(uid) {
        return Err(Failure::new(
            errno::HEAD_TEACHER_AS_STUDENT,
            "The head teacher cannot be a student of the course.",
        ));
    }
    if teaches_in_course(tx, course.id, uid).await? {
        return Err(Failure::new(
            errno::COURSE_TEACHER_AS_STUDENT,
            "A teacher or assistant of the course cannot be its student or auditor.",
        ));
    }
    Ok(())
}

/// Adds one school student to an open course.
async fn add_one_student(
    tx: &mut TenantTx,
    course: &CourseRow,
    uid: UserId,
    identity: StudentIdentity,
    name: Option<&str>,
) -> ClassinResult<()> {
    check_may_learn(tx, course, uid, identity).await?;
    match courses::course_identity_of(tx, course.id, uid).await? {
        Some(StudentIdentity::Auditor) => {
            return Err(Failure::new(
                errno::ALREADY_AUDITOR,
                "This person is already an auditor of this course.",
            ))
        }
        Some(_) => {
            return Err(Failure::new(
                errno::ALREADY_IN_COURSE,
                "The student is already in this course.",
            ))
        }
        None => {}
    }
    if identity == StudentIdentity::Auditor
        && courses::count_course_students(tx, course.id, StudentIdentity::Auditor).await?
            >= AUDITORS_MAX
    {
        return Err(Failure::new(
            errno::TOO_MANY_AUDITORS,
            format!("A course may have at most {AUDITORS_MAX} auditors."),
        ));
    }
    courses::insert_course_student(tx, course.id, uid, identity, name).await?;
    Ok(())
}

/// `addCourseStudent`.
pub async fn add_course_student(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<()> {
    let store = service.store();
    let identity = read_identity(params)?;
    let uid = params.required_id("studentUid", UserId::new)?;
    let name = read_student_name(params, "studentName")?;
    let mut tx = store.begin_for(school.tenant_id).await?;
    let course = find_course(&mut tx, params).await?;
    check_not_ended(&course, now)?;
    add_one_student(&mut tx, &course, uid, identity, name.as_deref()).await?;
    crate::pushes::course_students_changed(&mut tx, course.id, crate::pushes::SOURCE_V1, now)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// `addCourseStudentMultiple`: `studentJson` = `[{"uid", "name", "customColumn"}]`, one result each; an account
/// already earlier in the list is 133.
pub async fn add_course_student_multiple(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<Vec<ItemOutcome>> {
    let store = service.store();
    let identity = read_identity(params)?;
    let items = params.json_array("studentJson", STUDENT_BATCH_MAX)?;
    let mut tx = store.begin_for(school.tenant_id).await?;
    let course = find_course(&mut tx, params).await?;
    check_not_ended(&course, now)?;
    let mut outcomes = Vec::with_capacity(items.len());
    let mut seen = Vec::new();
    for item in &items {
        let result = async {
            let object = item_object(item, "studentJson")?;
            let uid = item_uid(item)?;
            if seen.contains(&uid) {
                return Err(Failure::new(
                    errno::DUPLICATE_IN_REQUEST,
                    "This account is already earlier in the studentJson.",
                ));
            }
            seen.push(uid);
            let name = read_student_name(Params(object), "name")?;
            add_one_student(&mut tx, &course, uid, identity, name.as_deref()).await
        }
        .await;
        outcomes.push(ItemOutcome::new(result.map(|()| None), custom_column(item)));
    }
    crate::pushes::course_students_changed(&mut tx, course.id, crate::pushes::SOURCE_V1, now)
        .await?;
    tx.commit().await?;
    Ok(outcomes)
}

async fn remove_one_student(
    tx: &mut TenantTx,
    course: &CourseRow,
    uid: UserId,
) -> ClassinResult<()> {
    if !courses::delete_course_student(tx, course.id, uid).await? {
        return Err(Failure::new(
            errno::NOT_IN_COURSE,
            "The course has no such member.",
        ));
    }
    Ok(())
}

/// `delCourseStudent`: at any time (a member in the classroom is forced out).
pub async fn del_course_student(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
) -> ClassinResult<()> {
    let store = service.store();
    let uid = params.required_id("studentUid", UserId::new)?;
    let mut tx = store.begin_for(school.tenant_id).await?;
    let course = find_course(&mut tx, params).await?;
    remove_one_student(&mut tx, &course, uid).await?;
    let now = classbridge_store::now_millis() / 1000;
    crate::pushes::course_students_changed(&mut tx, course.id, crate::pushes::SOURCE_V1, now)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// `delCourseStudentMultiple`: `studentUidJson` = `[uid, …]`, one result each.
pub async fn del_course_student_multiple(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
) -> ClassinResult<Vec<ItemOutcome>> {
    let store = service.store();
    let items = params.json_array("studentUidJson", STUDENT_BATCH_MAX)?;
    let mut tx = store.begin_for(school.tenant_id).await?;
    let course = find_course(&mut tx, params).await?;
    let mut outcomes = Vec::with_capacity(items.len());
    for item in &items {
        let result = match item_uid(item) {
            Ok(uid) => remove_one_student(&mut tx, &course, uid).await,
            Err(failure) => Err(failure),
        };
        outcomes.push(ItemOutcome::new(result.map(|()| None), None));
    }
    let now = classbridge_store::now_millis() / 1000;
    crate::pushes::course_students_changed(&mut tx, course.id, crate::pushes::SOURCE_V1, now)
        .await?;
    tx.commit().await?;
    Ok(outcomes)
}
