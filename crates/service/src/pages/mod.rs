//! The web pages' reads, each for the signed-in person of one tenant: their roles, the school dashboard, the home
//! page's blocks, a lesson's and a course's page, and the labs' pages.

pub mod dashboard;
pub mod home;
pub mod labs;
pub mod lessons;

use classbridge_domain::{Role, TenantId, UserId};

use crate::{Service, StoreError};

/// The roles of the tenant's person (explicit roles, and student and teacher as their memberships make them).
pub async fn roles_of_person(
    service: &Service,
    tenant_id: TenantId,
    user_id: UserId,
) -> Result<Vec<Role>, StoreError> {
    Ok(service
        .store()
        .roles_of(tenant_id, &[user_id])
        .await?
        .remove(&user_id)
        .unwrap_or_default())
}
