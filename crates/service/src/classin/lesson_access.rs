//! Who may join a lesson: its own student lists (by default every student of the course may join) and the
//! single-use sign-in links that open a lesson for one of its people.

use classbridge_store::classin::{
    self, bookings as booking_store, courses as course_store, lessons as lesson_store,
};
use classbridge_store::Store;

use super::{
    courses::{course_has_ended, item_uid, read_identity, read_student_name, STUDENT_BATCH_MAX},
    custom_column, errno, item_object,
    lessons::{check_lesson_open, find_lesson},
    rooms::role_in_lesson,
    users::school_student,
    ClassinResult, Failure, ItemOutcome, Params, School,
};
use crate::sso::{self, LinkType};

/// Sign-in links to a lesson are valid this long unless `lifeTime` says otherwise, and at most `MAX_LINK_LIFETIME`.
pub const DEFAULT_LINK_LIFETIME: i64 = 86_400;
pub const MAX_LINK_LIFETIME: i64 = 30 * 86_400;

/// `addClassStudentMultiple`: names students of the course who may join this lesson (from then on only those
/// named); one result each.
pub async fn add_class_student_multiple(
    store: &Store,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<Vec<ItemOutcome>> {
    let identity = read_identity(params)?;
    let items = params.json_array("studentJson", STUDENT_BATCH_MAX)?;
    let mut tx = store.begin().await?;
    let (course, lesson) = find_lesson(&mut tx, school.tenant_id, params).await?;
    check_lesson_open(&lesson, now)?;
    if course_has_ended(&course, now) {
        return Err(Failure::new(errno::COURSE_ENDED, "The course has ended."));
    }
    let mut outcomes = Vec::with_capacity(items.len());
    for item in &items {
        let result = async {
            let object = item_object(item, "studentJson")?;
            let uid = item_uid(item)?;
            let name = read_student_name(Params(object), "name")?;
            school_student(&mut tx, school.tenant_id, uid).await?;
            if course_store::course_identity_of(&mut tx, course.id, uid)
                .await?
                .is_none()
            {
                return Err(Failure::new(
                    errno::NOT_IN_COURSE,
                    "The student is not in this course.",
                ));
            }
            if lesson_store::is_lesson_student(&mut tx, lesson.id, uid).await? {
                return Err(Failure::new(
                    errno::ALREADY_IN_COURSE,
                    "The student is already in this lesson.",
                ));
            }
            lesson_store::insert_lesson_student(&mut tx, lesson.id, uid, identity, name.as_deref())
                .await?;
            Ok(None)
        }
        .await;
        outcomes.push(ItemOutcome {
            result,
            custom_column: custom_column(item),
        });
    }
    crate::pushes::lesson_students_changed(
        &mut tx,
        school.tenant_id,
        &lesson,
        crate::pushes::SOURCE_V1,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(outcomes)
}

/// `delClassStudentMultiple`: `studentUidJson`, one result each.
pub async fn del_class_student_multiple(
    store: &Store,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<Vec<ItemOutcome>> {
    let items = params.json_array("studentUidJson", STUDENT_BATCH_MAX)?;
    let mut tx = store.begin().await?;
    let (_, lesson) = find_lesson(&mut tx, school.tenant_id, params).await?;
    check_lesson_open(&lesson, now)?;
    let mut outcomes = Vec::with_capacity(items.len());
    for item in &items {
        let result = match item_uid(item) {
            Ok(uid) => match lesson_store::delete_lesson_student(&mut tx, lesson.id, uid).await {
                Ok(true) => Ok(None),
                Ok(false) => Err(Failure::new(
                    errno::NOT_IN_COURSE,
                    "The student is not in this lesson.",
                )),
                Err(error) => Err(error.into()),
            },
            Err(failure) => Err(failure),
        };
        outcomes.push(ItemOutcome {
            result,
            custom_column: None,
        });
    }
    crate::pushes::lesson_students_changed(
        &mut tx,
        school.tenant_id,
        &lesson,
        crate::pushes::SOURCE_V1,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(outcomes)
}

/// Where links of one school point.
#[derive(Debug, Clone)]
pub struct LinkSettings<'a> {
    pub base_url: &'a str,
    pub app_scheme: &'a str,
}

/// `getLoginLinked`: a single-use sign-in link that opens the lesson for one of its people (150 for anyone else).
pub async fn login_link(
    store: &Store,
    school: &School,
    params: Params<'_>,
    links: &LinkSettings<'_>,
) -> ClassinResult<String> {
    let uid = params.required_integer("uid")?;
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
        let mut tx = store.begin().await?;
        if classin::find_person(&mut tx, school.tenant_id, uid)
            .await?
            .is_none()
        {
            return Err(Failure::new(
                errno::NOT_REGISTERED,
                format!("No account with UID {uid} in this school."),
            ));
        }
        let (_, lesson) = find_lesson(&mut tx, school.tenant_id, params).await?;
        if lesson.deleted_at.is_some() {
            return Err(Failure::new(
                errno::LESSON_DELETED,
                "The lesson was deleted.",
            ));
        }
        let ties = booking_store::lesson_ties(&mut tx, &lesson, uid).await?;
        if role_in_lesson(&lesson, uid, ties).is_none() {
            return Err(Failure::new(
                errno::NOT_A_MEMBER,
                "This person is not the teacher, an assistant or a student of this lesson.",
            ));
        }
        lesson.id
    };
    // Every device opens the lesson's web page: the mobile browsers too.
    let issued = sso::issue_link(
        store,
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
