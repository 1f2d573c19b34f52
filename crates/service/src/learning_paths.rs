//! The learning-path API's use cases: a path made for a subject with its teachers, read, changed (the experiment
//! stays once students have attempted it), deleted, and its grade book.

use classbridge_domain::{LearningPathId, Scope, TenantId};

use crate::{
    labs::{self, LearningPathRow, PathPerson, StudentAttempts},
    Service, StoreError,
};

/// A path to make and the change of one.
pub use classbridge_store::learning_paths::{LearningPathUpdate, NewLearningPath, TeacherByUuid};

/// Why a path was not changed.
#[derive(Debug, thiserror::Error)]
pub enum LearningPathError {
    #[error("no learning path with this subject_uuid")]
    NotFound,
    /// Students have attempted the path: its experiment cannot change.
    #[error("students have already attempted this learning path")]
    ExperimentAttempted,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The teachers with these uuids that `scope` sees, each with their id.
pub async fn teachers_by_uuid(
    service: &Service,
    scope: Scope,
    uuids: &[String],
) -> Result<Vec<TeacherByUuid>, StoreError> {
    service.store().teachers_by_uuid(scope, uuids).await
}

/// Makes a path; a `subject_uuid` the tenant already uses is a `Conflict`.
pub async fn create_learning_path(
    service: &Service,
    tenant_id: TenantId,
    new: &NewLearningPath,
) -> Result<LearningPathId, StoreError> {
    service.store().create_learning_path(tenant_id, new).await
}

/// The path of this subject in `scope`.
pub async fn find_learning_path(
    service: &Service,
    scope: Scope,
    subject_uuid: &str,
) -> Result<Option<LearningPathRow>, StoreError> {
    service
        .store()
        .find_learning_path(scope, subject_uuid)
        .await
}

/// Changes the path; answers it as it is now, with its teachers.
pub async fn update_learning_path(
    service: &Service,
    tenant_id: TenantId,
    path: &LearningPathRow,
    update: &LearningPathUpdate,
) -> Result<(LearningPathRow, Vec<PathPerson>), LearningPathError> {
    let store = service.store();
    if update.experiment_id != path.experiment_id
        && !store
            .attempts_at(tenant_id, &[path.id], None)
            .await?
            .is_empty()
    {
        return Err(LearningPathError::ExperimentAttempted);
    }
    store
        .update_learning_path(tenant_id, path.id, update)
        .await?;
    let path = store
        .learning_path_by_id(tenant_id, path.id)
        .await?
        .ok_or(LearningPathError::NotFound)?;
    let teachers = store.teachers_of_paths(tenant_id, &[path.id]).await?;
    Ok((path, teachers))
}

/// The path's teachers and its grade book (every student it is for, with their attempts).
pub async fn grade_book(
    service: &Service,
    tenant_id: TenantId,
    path: &LearningPathRow,
) -> Result<(Vec<PathPerson>, Vec<StudentAttempts>), StoreError> {
    let teachers = service
        .store()
        .teachers_of_paths(tenant_id, &[path.id])
        .await?;
    let students = labs::grade_book(service, tenant_id, path).await?;
    Ok((teachers, students))
}

/// Deletes the path with its attempts (`NotFound` when it is already gone).
pub async fn delete_learning_path(
    service: &Service,
    tenant_id: TenantId,
    path_id: LearningPathId,
) -> Result<(), StoreError> {
    service
        .store()
        .delete_learning_path(tenant_id, path_id)
        .await
}
