//! A lesson's page and a course's outline page, as the signed-in person may see them: the lesson with their role in
//! it, its people, labels and (for those who teach it and admins) the teacher's comments; the course with its units
//! and activities (drafts for its teachers and admins).

use classbridge_domain::{CourseId, LessonId, Role, Scope, TenantId, UnixMillis, UserId};
use classbridge_store::classin::labels::Labelled;

use crate::{
    classin::{
        rooms::{role_in_lesson, LessonRole},
        v2::outline::{course_outline, Viewer},
    },
    scheduling::{CourseSummary, Label, LessonComment, LessonPeople, LessonSummary},
    Service, StoreError,
};

/// A course's unit with its activities, as the outline shows them.
pub use classbridge_store::classin::units::OutlineUnit;

/// What a lesson's page shows.
pub struct LessonPage {
    pub summary: LessonSummary,
    /// The person's part in the lesson, if any.
    pub role: Option<LessonRole>,
    /// The person has booked a seat.
    pub booked: bool,
    /// The person has the student role.
    pub is_student: bool,
    /// The person is a student who may book a seat (a bookable lesson not over yet).
    pub may_book: bool,
    pub is_admin: bool,
    /// Those who teach it and admins see the attendance and the teacher's comments.
    pub sees_attendance: bool,
    pub people: LessonPeople,
    pub labels: Vec<Label>,
    /// Empty unless `sees_attendance`.
    pub comments: Vec<LessonComment>,
}

/// The tenant's lesson with this id.
pub async fn find_lesson(
    service: &Service,
    tenant_id: TenantId,
    lesson_id: LessonId,
) -> Result<Option<LessonSummary>, StoreError> {
    service
        .store()
        .find_lesson_summary(Scope::tenant_wide(tenant_id), lesson_id)
        .await
}

/// The lesson's page for the person at `now_ms`; `None` when there is no such lesson or it is none of theirs (not
/// a member, not a student who may book it, not an admin).
pub async fn lesson_page(
    service: &Service,
    tenant_id: TenantId,
    lesson_id: LessonId,
    user_id: UserId,
    now_ms: i64,
) -> Result<Option<LessonPage>, StoreError> {
    let store = service.store();
    let Some(summary) = find_lesson(service, tenant_id, lesson_id).await? else {
        return Ok(None);
    };
    let lesson = &summary.lesson;
    let ties = store.lesson_ties(tenant_id, lesson, user_id).await?;
    let role = role_in_lesson(lesson, user_id, ties);
    let roles = super::roles_of_person(service, tenant_id, user_id).await?;
    let is_admin = roles.contains(&Role::Admin);
    let is_student = roles.contains(&Role::Student);
    let booked = ties.booked;
    let may_book = is_student
        && lesson.bookable
        && lesson.deleted_at.is_none()
        && lesson.ends_at > UnixMillis::new(now_ms);
    if role.is_none() && !may_book && !is_admin {
        return Ok(None);
    }
    let people = store.lesson_people(tenant_id, lesson).await?;
    let sees_attendance =
        matches!(role, Some(LessonRole::Teacher | LessonRole::Assistant)) || is_admin;
    let labels = store
        .labels_of(tenant_id, Labelled::Lesson(lesson.id))
        .await?;
    let comments = if sees_attendance {
        store.lesson_comments(tenant_id, lesson.id).await?
    } else {
        Vec::new()
    };
    Ok(Some(LessonPage {
        summary,
        role,
        booked,
        is_student,
        may_book,
        is_admin,
        sees_attendance,
        people,
        labels,
        comments,
    }))
}

/// What a course's outline page shows.
pub struct CoursePage {
    pub course: CourseSummary,
    /// Its teachers and admins see the drafts.
    pub sees_drafts: bool,
    pub units: Vec<OutlineUnit>,
}

/// The course's outline page for the person; `None` when there is no such course or the person is neither in it
/// nor an admin.
pub async fn course_page(
    service: &Service,
    tenant_id: TenantId,
    course_id: CourseId,
    user_id: UserId,
) -> Result<Option<CoursePage>, StoreError> {
    let store = service.store();
    let Some((course, _)) = store
        .find_course_with_students(Scope::tenant_wide(tenant_id), course_id)
        .await?
    else {
        return Ok(None);
    };
    let role = store.course_role(tenant_id, course_id, user_id).await?;
    let admin = super::roles_of_person(service, tenant_id, user_id)
        .await?
        .contains(&Role::Admin);
    let viewer = match role {
        Some(_) => Viewer::Person(user_id),
        None if admin => Viewer::School,
        None => return Ok(None),
    };
    let sees_drafts = admin || role == Some("teacher");
    let units = course_outline(service, tenant_id, course_id, viewer).await?;
    Ok(Some(CoursePage {
        course,
        sees_drafts,
        units,
    }))
}
