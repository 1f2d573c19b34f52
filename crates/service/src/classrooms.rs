//! `/classrooms`: the tenant's sections as classrooms. Hand-made ones (in the default branch) are created, renamed
//! and deleted here, each write one roster transaction; mirrored ones are kept by the partner's mirror.

use classbridge_domain::{Scope, SectionId};
use classbridge_store::{classrooms, RosterWrite};

use crate::{mirror::section_name_key, Page, PageRequest, Service, StoreError};

/// A classroom with its counts, and the origin of the hand-made ones.
pub use classbridge_domain::SectionOrigin;
pub use classbridge_store::classrooms::{Classroom, DEFAULT_BRANCH_PARTNER_ID};

/// Why a classroom write was refused.
#[derive(Debug, thiserror::Error)]
pub enum ClassroomError {
    #[error("no classroom with this id")]
    NotFound,
    #[error("the name has already been taken")]
    NameTaken,
    /// A mirrored section: the partner's mirror keeps it.
    #[error("classroom {id} is kept by the mirror of branch {branch_name}")]
    KeptByMirror { id: SectionId, branch_name: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A page of the classrooms `scope` sees.
pub async fn list_classrooms(
    service: &Service,
    scope: Scope,
    page: PageRequest,
) -> Result<Page<Classroom>, StoreError> {
    service.store().list_classrooms(scope, page).await
}

/// The classroom with this id in `scope`.
pub async fn find_classroom(
    service: &Service,
    scope: Scope,
    id: SectionId,
) -> Result<Classroom, ClassroomError> {
    service
        .store()
        .find_classroom(scope, id)
        .await?
        .ok_or(ClassroomError::NotFound)
}

/// The classroom if it is hand-made (a mirrored one is refused).
async fn editable(
    service: &Service,
    scope: Scope,
    id: SectionId,
) -> Result<Classroom, ClassroomError> {
    let classroom = find_classroom(service, scope, id).await?;
    if classroom.origin != SectionOrigin::Manual {
        return Err(ClassroomError::KeptByMirror {
            id,
            branch_name: classroom.branch_name,
        });
    }
    Ok(classroom)
}

/// Creates a hand-made classroom in the tenant's default branch; answers it as `scope` sees it.
pub async fn create_classroom(
    service: &Service,
    scope: Scope,
    name: &str,
) -> Result<Classroom, ClassroomError> {
    let mut write = RosterWrite::begin(service.store(), scope.tenant_id()).await?;
    let id = match classrooms::create_classroom(&mut write, name, &section_name_key(name)).await {
        Err(StoreError::Conflict { .. }) => return Err(ClassroomError::NameTaken),
        other => other?,
    };
    write.commit().await?;
    find_classroom(service, scope, id).await
}

/// Renames a hand-made classroom.
pub async fn rename_classroom(
    service: &Service,
    scope: Scope,
    id: SectionId,
    name: &str,
) -> Result<Classroom, ClassroomError> {
    editable(service, scope, id).await?;
    let mut write = RosterWrite::begin(service.store(), scope.tenant_id()).await?;
    match classrooms::rename_classroom(&mut write, scope, id, name, &section_name_key(name)).await {
        Err(StoreError::Conflict { .. }) => return Err(ClassroomError::NameTaken),
        Err(StoreError::NotFound) => return Err(ClassroomError::NotFound),
        other => other?,
    }
    write.commit().await?;
    find_classroom(service, scope, id).await
}

/// Deletes a hand-made classroom and its memberships.
pub async fn delete_classroom(
    service: &Service,
    scope: Scope,
    id: SectionId,
) -> Result<(), ClassroomError> {
    editable(service, scope, id).await?;
    let mut write = RosterWrite::begin(service.store(), scope.tenant_id()).await?;
    match classrooms::delete_classroom(&mut write, scope, id).await {
        Err(StoreError::NotFound) => return Err(ClassroomError::NotFound),
        other => other?,
    }
    write.commit().await?;
    Ok(())
}
