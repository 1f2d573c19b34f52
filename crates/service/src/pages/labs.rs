//! The labs' pages: a student's assigned learning paths and attempts, starting an attempt, an attempt with its
//! readings, the grade books of teachers' paths, and the review of an attempt by those who may see it (the path's
//! teachers, supervisors of a subject one of them teaches, admins).

use classbridge_domain::{
    AttemptId, LearningPathId, Role, Scope, SubjectId, TenantId, UnixMillis, UserId,
};

use crate::{
    labs::{self, AttemptRow, LabResult, LearningPathRow, ReadingRow, StudentAttempts},
    users::UserRow,
    Service, StoreError,
};

/// Starts or resumes the student's attempt at a path assigned to them; `None` when no such path is theirs (the
/// outer error: the paths could not be read; the inner result: the start, or why not).
pub async fn start_assigned_attempt(
    service: &Service,
    tenant_id: TenantId,
    user_id: UserId,
    path_id: LearningPathId,
    now: UnixMillis,
) -> Result<Option<LabResult<AttemptRow>>, StoreError> {
    let assigned = service
        .store()
        .learning_paths_of_student(tenant_id, user_id)
        .await?
        .into_iter()
        .find(|path| path.id == path_id);
    let Some(path) = assigned else {
        return Ok(None);
    };
    Ok(Some(
        labs::start_attempt(service, tenant_id, &path, user_id, now).await,
    ))
}

/// The tenant's attempt with this id and its path (whose attempt it is, the caller checks).
pub async fn tenant_attempt(
    service: &Service,
    tenant_id: TenantId,
    attempt_id: AttemptId,
) -> Result<Option<(AttemptRow, LearningPathRow)>, StoreError> {
    let store = service.store();
    let Some(attempt) = store.find_attempt(tenant_id, attempt_id).await? else {
        return Ok(None);
    };
    let Some(path) = store
        .learning_path_by_id(tenant_id, attempt.learning_path_id)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some((attempt, path)))
}

/// The readings of the tenant's attempt, in the order taken.
pub async fn readings(
    service: &Service,
    tenant_id: TenantId,
    attempt_id: AttemptId,
) -> Result<Vec<ReadingRow>, StoreError> {
    service.store().readings_of(tenant_id, attempt_id).await
}

/// How many attempts the student has left at the path.
pub async fn attempts_left(
    service: &Service,
    tenant_id: TenantId,
    path: &LearningPathRow,
    user_id: UserId,
) -> Result<i64, StoreError> {
    let mine = service
        .store()
        .attempts_at(tenant_id, &[path.id], Some(user_id))
        .await?;
    Ok(labs::attempts_left(path, &mine))
}

/// The paths assigned to the student and their attempts at them.
pub async fn student_paths(
    service: &Service,
    tenant_id: TenantId,
    user_id: UserId,
) -> Result<(Vec<LearningPathRow>, Vec<AttemptRow>), StoreError> {
    let store = service.store();
    let paths = store.learning_paths_of_student(tenant_id, user_id).await?;
    let ids: Vec<LearningPathId> = paths.iter().map(|p| p.id).collect();
    let attempts = store.attempts_at(tenant_id, &ids, Some(user_id)).await?;
    Ok((paths, attempts))
}

/// The paths of these teachers, each with its grade book.
pub async fn grade_books_of_teachers(
    service: &Service,
    tenant_id: TenantId,
    teacher_ids: &[UserId],
) -> Result<Vec<(LearningPathRow, Vec<StudentAttempts>)>, StoreError> {
    let paths = service
        .store()
        .learning_paths_of_teachers(tenant_id, teacher_ids)
        .await?;
    let mut books = Vec::with_capacity(paths.len());
    for path in paths {
        let book = labs::grade_book(service, tenant_id, &path).await?;
        books.push((path, book));
    }
    Ok(books)
}

/// Whether the person may review attempts at this path: one of its teachers, a supervisor of a subject one of its
/// teachers teaches, or an admin.
async fn may_review(
    service: &Service,
    tenant_id: TenantId,
    user_id: UserId,
    path: &LearningPathRow,
) -> Result<bool, StoreError> {
    let store = service.store();
    let teachers = store.teachers_of_paths(tenant_id, &[path.id]).await?;
    if teachers.iter().any(|t| t.user_id == user_id) {
        return Ok(true);
    }
    if super::roles_of_person(service, tenant_id, user_id)
        .await?
        .contains(&Role::Admin)
    {
        return Ok(true);
    }
    let supervised = store
        .supervised_subjects(tenant_id, None, &[user_id])
        .await?
        .remove(&user_id)
        .unwrap_or_default();
    let ids: Vec<SubjectId> = supervised.iter().map(|s| s.id).collect();
    let (_, subject_teachers) = store.subject_details(tenant_id, &ids).await?;
    Ok(subject_teachers
        .iter()
        .any(|st| teachers.iter().any(|t| t.user_id == st.user_id)))
}

/// What the review of an attempt shows besides the attempt: the student and the readings.
pub struct AttemptReview {
    pub student: Option<UserRow>,
    pub readings: Vec<ReadingRow>,
}

/// The review of the attempt for this person; `None` when they may not see it.
pub async fn review(
    service: &Service,
    tenant_id: TenantId,
    user_id: UserId,
    attempt: &AttemptRow,
    path: &LearningPathRow,
) -> Result<Option<AttemptReview>, StoreError> {
    if !may_review(service, tenant_id, user_id, path).await? {
        return Ok(None);
    }
    let store = service.store();
    let student = store
        .find_user(Scope::tenant_wide(tenant_id), attempt.user_id)
        .await?;
    let readings = store.readings_of(tenant_id, attempt.id).await?;
    Ok(Some(AttemptReview { student, readings }))
}
