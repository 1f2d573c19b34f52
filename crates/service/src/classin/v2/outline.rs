//! A course's outline: its units in order with their activities (classrooms with their lessons, and homework,
//! quizzes, materials…), as a teacher sees it (everything, drafts included) or as a student does (published
//! units' published activities that they are a member of).

use classbridge_domain::{CourseId, TenantId, UserId};
use classbridge_store::{classin::units::OutlineUnit, StoreResult};

/// The names of the activity types.
pub fn activity_type_name(activity_type: i64) -> &'static str {
    match activity_type {
        1 => "classroom",
        2 => "homework",
        3 => "quiz",
        4 => "recorded_lesson",
        5 => "study_material",
        6 => "discussion",
        7 => "answer_sheet",
        8 => "check_in",
        _ => "other",
    }
}

/// Who looks at the outline.
#[derive(Debug, Clone, Copy)]
pub enum Viewer {
    /// The school itself (the partner API): everything.
    School,
    /// One person: a teacher of the course sees everything, a student what is published for them, anyone else
    /// nothing.
    Person(UserId),
}

/// The course's outline as `viewer` sees it (the course's existence is the caller's to check).
pub async fn course_outline(
    service: &crate::Service,
    tenant_id: TenantId,
    course_id: CourseId,
    viewer: Viewer,
) -> StoreResult<Vec<OutlineUnit>> {
    let store = service.store();
    let outline = store.course_outline(tenant_id, course_id).await?;
    let Viewer::Person(uid) = viewer else {
        return Ok(outline);
    };
    match store.course_role(tenant_id, course_id, uid).await? {
        Some("teacher") => Ok(outline),
        Some(_) => {
            let listing = store.activities_listing(tenant_id, course_id, uid).await?;
            Ok(outline
                .into_iter()
                .filter(|unit| unit.unit.published)
                .map(|mut unit| {
                    unit.activities.retain(|activity| {
                        activity.published
                            && (!activity.has_member_list || listing.contains(&activity.id))
                    });
                    unit
                })
                .collect())
        }
        None => Ok(Vec::new()),
    }
}

/// The outline a partner's credential asks for, or what it names that `scope` does not hold.
pub enum ScopedOutline {
    NoSuchCourse,
    NoSuchPerson,
    Units(Vec<OutlineUnit>),
}

/// The outline of a course `scope` sees, as the school or (for `Viewer::Person`) that person of `scope` sees it.
pub async fn scoped_outline(
    service: &crate::Service,
    scope: classbridge_domain::Scope,
    course_id: CourseId,
    viewer: Viewer,
) -> StoreResult<ScopedOutline> {
    let store = service.store();
    if store
        .find_course_with_students(scope, course_id)
        .await?
        .is_none()
    {
        return Ok(ScopedOutline::NoSuchCourse);
    }
    if let Viewer::Person(uid) = viewer {
        if !store.is_person_in_scope(scope, uid).await? {
            return Ok(ScopedOutline::NoSuchPerson);
        }
    }
    Ok(ScopedOutline::Units(
        course_outline(service, scope.tenant_id(), course_id, viewer).await?,
    ))
}
