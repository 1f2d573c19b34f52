//! The users API's reads: a user, a page of users, and their roles, groups and classrooms, each within the caller's
//! tenant or branch.

use std::collections::HashMap;

use classbridge_domain::{GroupId, Role, Scope, TenantId, UserId};

use crate::{Page, PageRequest, Service, StoreError};

/// A user as the users API answers them, which users a listing holds, and a user's classroom.
pub use classbridge_store::users::{UserClassroom, UserFilter, UserRow};

/// The partner id of the branch a tenant's classes belong to when it names none (not shown to partners).
pub use classbridge_store::classrooms::DEFAULT_BRANCH_PARTNER_ID;

/// The user with this id in `scope`.
pub async fn find_user(
    service: &Service,
    scope: Scope,
    user_id: UserId,
) -> Result<Option<UserRow>, StoreError> {
    service.store().find_user(scope, user_id).await
}

/// A page of the users in `scope`.
pub async fn list_users(
    service: &Service,
    scope: Scope,
    filter: UserFilter,
    page: PageRequest,
) -> Result<Page<UserRow>, StoreError> {
    service.store().list_users(scope, filter, page).await
}

/// The role ids of each of these users of the tenant.
pub async fn roles_of(
    service: &Service,
    tenant_id: TenantId,
    user_ids: &[UserId],
) -> Result<HashMap<UserId, Vec<Role>>, StoreError> {
    service.store().roles_of(tenant_id, user_ids).await
}

/// The groups (id, name) of each of these users that `scope` sees.
pub async fn groups_of(
    service: &Service,
    scope: Scope,
    user_ids: &[UserId],
) -> Result<HashMap<UserId, Vec<(GroupId, String)>>, StoreError> {
    service.store().groups_of(scope, user_ids).await
}

/// The classrooms of each of these users that `scope` sees.
pub async fn classrooms_of(
    service: &Service,
    scope: Scope,
    user_ids: &[UserId],
) -> Result<HashMap<UserId, Vec<UserClassroom>>, StoreError> {
    service.store().classrooms_of(scope, user_ids).await
}

/// The user with this partner id (`lms_id`) in `scope`.
pub async fn find_user_by_partner_id(
    service: &Service,
    scope: Scope,
    partner_id: &str,
) -> Result<Option<UserRow>, StoreError> {
    service
        .store()
        .find_user_by_partner_id(scope, partner_id)
        .await
}
