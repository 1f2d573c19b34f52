//! The scheduling API's reads (classin-api.md section 5): courses and lessons as the partner's credential sees
//! them, with their labels, people and the teacher's comments. A branch-scoped credential sees only its branch's
//! people: on a course or lesson shared with other branches, their people are left out and their teacher is none.

use std::collections::HashSet;

use classbridge_domain::{CourseId, LessonId, Scope, UserId};
use classbridge_store::{classin::labels::Labelled, Store};

use crate::{Page, PageRequest, Service, StoreError};

/// The read models of courses, lessons, their people, labels and comments, and the lesson filter.
pub use classbridge_store::classin::{
    labels::{CourseTeacher, Label, LessonComment},
    lessons::LessonRow,
    reads::{
        Attendance, CourseStudent, CourseSummary, LessonFilter, LessonPeople, LessonPerson,
        LessonSummary, PersonLesson,
    },
};

/// A course or lesson with its labels, by name.
pub struct WithLabels<T> {
    pub item: T,
    pub labels: Vec<Label>,
}

/// One course with its labels, the teachers on its list (besides the head teacher) and its students.
pub struct CourseDetail {
    pub course: CourseSummary,
    pub labels: Vec<Label>,
    pub teachers: Vec<CourseTeacher>,
    pub students: Vec<CourseStudent>,
}

/// One lesson with its labels, people and the teacher's comments on the students.
pub struct LessonDetail {
    pub summary: LessonSummary,
    pub labels: Vec<Label>,
    pub people: LessonPeople,
    pub comments: Vec<LessonComment>,
}

/// The people `scope` may see among `ids` (`None`: a tenant-wide scope sees everyone).
async fn visible_people(
    store: &Store,
    scope: Scope,
    ids: impl IntoIterator<Item = UserId>,
) -> Result<Option<HashSet<UserId>>, StoreError> {
    if scope.is_tenant_wide() {
        return Ok(None);
    }
    let ids: Vec<UserId> = ids
        .into_iter()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    Ok(Some(store.people_in_scope(scope, &ids).await?))
}

fn shows(visible: &Option<HashSet<UserId>>, id: UserId) -> bool {
    visible.as_ref().is_none_or(|set| set.contains(&id))
}

/// Hides the people of other branches: a teacher becomes none.
fn hide_teacher(
    visible: &Option<HashSet<UserId>>,
    id: &mut Option<UserId>,
    name: &mut Option<String>,
) {
    if id.is_some_and(|id| !shows(visible, id)) {
        *id = None;
        *name = None;
    }
}

/// A page of the courses `scope` sees, newest first, each with its labels.
pub async fn list_courses(
    service: &Service,
    scope: Scope,
    page: PageRequest,
) -> Result<Page<WithLabels<CourseSummary>>, StoreError> {
    let store = service.store();
    let mut courses = store.list_courses(scope, page).await?;
    let visible = visible_people(
        store,
        scope,
        courses.items.iter().filter_map(|c| c.main_teacher_id),
    )
    .await?;
    let mut items = Vec::with_capacity(courses.items.len());
    for mut course in std::mem::take(&mut courses.items) {
        hide_teacher(
            &visible,
            &mut course.main_teacher_id,
            &mut course.main_teacher_name,
        );
        let labels = store
            .labels_of(scope.tenant_id(), Labelled::Course(course.id))
            .await?;
        items.push(WithLabels {
            item: course,
            labels,
        });
    }
    Ok(Page {
        items,
        total: courses.total,
        request: courses.request,
    })
}

/// One course `scope` sees, with its labels, teachers and students.
pub async fn course_detail(
    service: &Service,
    scope: Scope,
    course_id: CourseId,
) -> Result<Option<CourseDetail>, StoreError> {
    let store = service.store();
    let Some((mut course, mut students)) =
        store.find_course_with_students(scope, course_id).await?
    else {
        return Ok(None);
    };
    let mut teachers = store.course_teachers(scope.tenant_id(), course.id).await?;
    let visible = visible_people(
        store,
        scope,
        students
            .iter()
            .map(|s| s.user_id)
            .chain(course.main_teacher_id)
            .chain(teachers.iter().map(|t| t.id)),
    )
    .await?;
    hide_teacher(
        &visible,
        &mut course.main_teacher_id,
        &mut course.main_teacher_name,
    );
    students.retain(|s| shows(&visible, s.user_id));
    teachers.retain(|t| shows(&visible, t.id));
    let labels = store
        .labels_of(scope.tenant_id(), Labelled::Course(course.id))
        .await?;
    Ok(Some(CourseDetail {
        course,
        labels,
        teachers,
        students,
    }))
}

/// A page of the lessons `scope` sees that the filter keeps, by start time, each with its labels.
pub async fn list_lessons(
    service: &Service,
    scope: Scope,
    filter: LessonFilter,
    page: PageRequest,
) -> Result<Page<WithLabels<LessonSummary>>, StoreError> {
    let store = service.store();
    let mut lessons = store.list_lessons(scope, filter, page).await?;
    let visible = visible_people(
        store,
        scope,
        lessons.items.iter().filter_map(|l| l.lesson.teacher_id),
    )
    .await?;
    let mut items = Vec::with_capacity(lessons.items.len());
    for mut summary in std::mem::take(&mut lessons.items) {
        hide_teacher(
            &visible,
            &mut summary.lesson.teacher_id,
            &mut summary.teacher_name,
        );
        let labels = store
            .labels_of(scope.tenant_id(), Labelled::Lesson(summary.lesson.id))
            .await?;
        items.push(WithLabels {
            item: summary,
            labels,
        });
    }
    Ok(Page {
        items,
        total: lessons.total,
        request: lessons.request,
    })
}

/// One lesson `scope` sees, with its labels, people and the teacher's comments.
pub async fn lesson_detail(
    service: &Service,
    scope: Scope,
    lesson_id: LessonId,
) -> Result<Option<LessonDetail>, StoreError> {
    let store = service.store();
    let tenant_id = scope.tenant_id();
    let Some(mut summary) = store.find_lesson_summary(scope, lesson_id).await? else {
        return Ok(None);
    };
    let mut people = store.lesson_people(tenant_id, &summary.lesson).await?;
    let mut comments = store.lesson_comments(tenant_id, summary.lesson.id).await?;
    let everyone = people
        .assistants
        .iter()
        .map(|p| p.user_id)
        .chain(comments.iter().map(|c| c.user_id))
        .chain(people.students.iter().map(|p| p.user_id))
        .chain(people.bookings.iter().map(|p| p.user_id))
        .chain(people.attendance.iter().map(|a| a.user_id))
        .chain(summary.lesson.teacher_id)
        .collect::<Vec<_>>();
    let visible = visible_people(store, scope, everyone).await?;
    hide_teacher(
        &visible,
        &mut summary.lesson.teacher_id,
        &mut summary.teacher_name,
    );
    people.assistants.retain(|p| shows(&visible, p.user_id));
    people.students.retain(|p| shows(&visible, p.user_id));
    people.bookings.retain(|p| shows(&visible, p.user_id));
    people.attendance.retain(|a| shows(&visible, a.user_id));
    comments.retain(|c| shows(&visible, c.user_id));
    let labels = store
        .labels_of(tenant_id, Labelled::Lesson(summary.lesson.id))
        .await?;
    Ok(Some(LessonDetail {
        summary,
        labels,
        people,
        comments,
    }))
}
