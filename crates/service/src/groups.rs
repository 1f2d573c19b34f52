//! `/groups`: the tenant's user groups (a branch-scoped credential's are tagged with its branch), listed, made,
//! renamed or described, and deleted. A name taken is a `Conflict`; a group the scope does not see is `NotFound`.

use classbridge_domain::{GroupId, Scope};

use crate::{Page, PageRequest, Service, StoreError};

/// A group as stored.
pub use classbridge_store::Group;

/// A page of the groups `scope` sees.
pub async fn list_groups(
    service: &Service,
    scope: Scope,
    page: PageRequest,
) -> Result<Page<Group>, StoreError> {
    service.store().list_groups(scope, page).await
}

/// The group with this id in `scope`.
pub async fn find_group(service: &Service, scope: Scope, id: GroupId) -> Result<Group, StoreError> {
    service.store().find_group(scope, id).await
}

/// Makes a group in `scope`.
pub async fn create_group(
    service: &Service,
    scope: Scope,
    name: &str,
    description: Option<&str>,
) -> Result<Group, StoreError> {
    service.store().create_group(scope, name, description).await
}

/// Renames the group or changes its description (`None` keeps what it is; `Some(None)` clears the description).
pub async fn update_group(
    service: &Service,
    scope: Scope,
    id: GroupId,
    name: Option<&str>,
    description: Option<Option<&str>>,
) -> Result<Group, StoreError> {
    service
        .store()
        .update_group(scope, id, name, description)
        .await
}

/// Deletes the group.
pub async fn delete_group(service: &Service, scope: Scope, id: GroupId) -> Result<(), StoreError> {
    service.store().delete_group(scope, id).await
}
