//! Who may join a lesson: its own student lists (by default every student of the course may join; students named
//! for the lesson itself are ClassIn's transfer-in students) and the sign-in links that open a lesson for one of its
//! people (`getLoginLinked`).

use classbridge_domain::{LessonId, StudentIdentity, UserId};
use classbridge_store::classin::{
    self, bookings as booking_store,
    courses::{self as course_store, CourseRow},
    lessons::{self as lesson_store, LessonRow},
};
use classbridge_store::TenantTx;

use super::{
    courses::{
        check_not_ended, find_course, item_id, item_uid, read_student_name, STUDENT_BATCH_MAX,
    },
    custom_column, errno, item_object,
    lessons::{check_lesson_open, find_lesson, find_lesson_of_course},
    rooms::role_in_lesson,
    users::school_student,
    ClassinResult, Failure, ItemOutcome, Params, School,
};
use crate::sso::{self, LinkType};

/// Sign-in links to a lesson are valid this long unless `lifeTime` says otherwise, and at most `MAX_LINK_LIFETIME`.
pub const DEFAULT_LINK_LIFETIME: i64 = 86_400;
pub const MAX_LINK_LIFETIME: i64 = 30 * 86_400;

/// `identity` of the lesson-student actions: 1 only (159 otherwise: lessons take students only).
fn read_lesson_identity(params: Params<'_>) -> ClassinResult<()> {
    match params.integer("identity")?.map(StudentIdentity::from_code) {
        None | Some(Some(StudentIdentity::Student)) => Ok(()),
        Some(_) => Err(Failure::new(
            errno::LESSON_STUDENTS_ONLY,
            "Lessons take students only (identity 1).",
        )),
    }
}

/// Puts one person on a lesson's own student list (a transfer-in student: they need not be in the course): a
/// student of the school (228), not its teacher (129) or assistant (329), not the course's head teacher (333) or
/// teacher (332) or auditor (164), not already listed (166).
async fn add_one_lesson_student(
    tx: &mut TenantTx,
    course: &CourseRow,
    lesson: &LessonRow,
    uid: UserId,
    name: Option<&str>,
) -> ClassinResult<()> {
    if lesson.teacher_id == Some(uid) {
        return Err(Failure::new(
            errno::TEACHER_AS_STUDENT,
            "The lesson's teacher cannot be its student.",
        ));
    }
    school_student(tx, uid).await?;
    if lesson_store::lesson_assistants(tx, lesson.id)
        .await?
        .contains(&uid)
    {
        return Err(Failure::new(
            errno::ASSISTANT_AS_LESSON_STUDENT,
            "The lesson's assistant cannot be its student.",
        ));
    }
    if course.main_teacher_id == Some(uid) {
        return Err(Failure::new(
            errno::HEAD_TEACHER_AS_STUDENT,
            "The head teacher cannot be a student.",
        ));
    }
    if course_store::is_course_teacher(tx, course.id, uid).await? {
        return Err(Failure::new(
            errno::COURSE_TEACHER_AS_STUDENT,
            "A teacher of the course cannot be a student.",
        ));
    }
    if course_store::course_identity_of(tx, course.id, uid).await? == Some(StudentIdentity::Auditor)
    {
        return Err(Failure::new(
            errno::ALREADY_AUDITOR,
            "This person is an auditor of the course.",
        ));
    }
    if lesson_store::is_lesson_student(tx, lesson.id, uid).await? {
        return Err(Failure::new(
            errno::ALREADY_IN_LESSON,
            "The student is already in this lesson.",
        ));
    }
    lesson_store::insert_lesson_student(tx, lesson.id, uid, StudentIdentity::Student, name).await?;
    Ok(())
}

/// `addClassStudentMultiple`: names students who may join this lesson (from then on only those named), until it
/// ends; one result each.
pub async fn add_class_student_multiple(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<Vec<ItemOutcome>> {
    let store = service.store();
    read_lesson_identity(params)?;
    let items = params.json_array("studentJson", STUDENT_BATCH_MAX)?;
    let mut tx = store.begin_for(school.tenant_id).await?;
    let (course, lesson) = find_lesson(&mut tx, params).await?;
    check_lesson_open(&lesson, now)?;
    let mut outcomes = Vec::with_capacity(items.len());
    for item in &items {
        let result = async {
            let object = item_object(item, "studentJson")?;
            let uid = item_uid(item)?;
            let name = read_student_name(Params(object), "name")?;
            add_one_lesson_student(&mut tx, &course, &lesson, uid, name.as_deref()).await
        }
        .await;
        outcomes.push(ItemOutcome::new(result.map(|()| None), custom_column(item)));
    }
    crate::pushes::lesson_students_changed(&mut tx, &lesson, crate::pushes::SOURCE_V1, now).await?;
    tx.commit().await?;
    Ok(outcomes)
}

/// `addCourseClassStudent`: one student to several lessons of the course (`classJson` = lesson ids), one result
/// per lesson (142, 145, 212, 166 …), each lesson pushed.
pub async fn add_course_class_student(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<Vec<ItemOutcome>> {
    let store = service.store();
    let uid = params.required_id("studentUid", UserId::new)?;
    let items = params.json_array("classJson", STUDENT_BATCH_MAX)?;
    let mut tx = store.begin_for(school.tenant_id).await?;
    let course = find_course(&mut tx, params).await?;
    check_not_ended(&course, now)?;
    school_student(&mut tx, uid).await?;
    let mut outcomes = Vec::with_capacity(items.len());
    for item in &items {
        let result = async {
            let lesson_id = item_id(item, LessonId::new)?;
            let lesson = find_lesson_of_course(&mut tx, &course, lesson_id).await?;
            check_lesson_open(&lesson, now)?;
            add_one_lesson_student(&mut tx, &course, &lesson, uid, None).await?;
            crate::pushes::lesson_students_changed(&mut tx, &lesson, crate::pushes::SOURCE_V1, now)
                .await?;
            Ok(None)
        }
        .await;
        outcomes.push(ItemOutcome::new(result, None));
    }
    tx.commit().await?;
    Ok(outcomes)
}

/// `delClassStudentMultiple`: `studentUidJson`, one result each (167 for someone not on the lesson's list).
pub async fn del_class_student_multiple(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<Vec<ItemOutcome>> {
    let store = service.store();
    read_lesson_identity(params)?;
    let items = params.json_array("studentUidJson", STUDENT_BATCH_MAX)?;
    let mut tx = store.begin_for(school.tenant_id).await?;
    let (_, lesson) = find_lesson(&mut tx, params).await?;
    check_lesson_open(&lesson, now)?;
    let mut outcomes = Vec::with_capacity(items.len());
    for item in &items {
        let result = match item_uid(item) {
            Ok(uid) => match lesson_store::delete_lesson_student(&mut tx, lesson.id, uid).await {
                Ok(true) => Ok(None),
                Ok(false) => Err(Failure::new(
                    errno::NOT_IN_LESSON,
                    "The student is not in this lesson.",
                )),
                Err(error) => Err(error.into()),
            },
            Err(failure) => Err(failure),
        };
        outcomes.push(ItemOutcome::new(result, None));
    }
    crate::pushes::lesson_students_changed(&mut tx, &lesson, crate::pushes::SOURCE_V1, now).await?;
    tx.commit().await?;
    Ok(outcomes)
}

/// Where links of one school point.
#[derive(Debug, Clone)]
pub struct LinkSettings<'a> {
    pub base_url: &'a str,
    pub app_scheme: &'a str,
}

/// `getLoginLinked`: a sign-in link that opens the lesson for one of its people (150 for anyone else; 145 ended,
/// 212 deleted, 144/142/143 unknown ids).
pub async fn login_link(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
    links: &LinkSettings<'_>,
    now: i64,
) -> ClassinResult<String> {
    let store = service.store();
    let uid = params.required_id("uid", UserId::new)?;
    let lifetime = params.integer("lifeTime")?.unwrap_or(DEFAULT_LINK_LIFETIME);
    if !(1..=MAX_LINK_LIFETIME).contains(&lifetime) {
        return Err(Failure::bad_parameter(
            "The lifeTime must be 1 second to 30 days.",
        ));
    }
    if !matches!(params.integer("deviceType")?, None | Some(1..=3)) {
        return Err(Failure::bad_parameter(
            "The deviceType must be 1 (PC), 2 (iOS) or 3 (Android).",
        ));
    }
    let lesson_id = {
        // Read, then let the transaction go before the link is written (SQLite has one writer).
        let mut tx = store.begin_for(school.tenant_id).await?;
        let (_, lesson) = find_lesson(&mut tx, params).await?;
        check_lesson_open(&lesson, now)?;
        let not_a_member = || {
            Failure::new(
                errno::NOT_A_MEMBER,
                "This person is not the teacher, an assistant or a student of this lesson.",
            )
        };
        if classin::find_person(&mut tx, uid)
            .await?
            .is_none_or(|person| !person.active)
        {
            return Err(not_a_member());
        }
        let ties = booking_store::lesson_ties(&mut tx, &lesson, uid).await?;
        if role_in_lesson(&lesson, uid, ties).is_none() {
            return Err(not_a_member());
        }
        lesson.id
    };
    // Every device opens the lesson's web page: the mobile browsers too.
    let issued = sso::issue_link(
        service,
        classbridge_domain::Scope::tenant_wide(school.tenant_id),
        uid,
        LinkType::Website,
        "en",
        &format!("lesson:{lesson_id}"),
        lifetime,
        links.base_url,
        links.app_scheme,
    )
    .await
    .map_err(classbridge_store::StoreError::from)?;
    Ok(issued.url)
}
