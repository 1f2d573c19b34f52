//! The mirrored roster outside the mirror job: the branches with their classes and sections as the partner API and
//! the dashboard list them, and renaming or deleting one mirrored person by the partner's uuid.

use classbridge_domain::{BranchId, Scope, TenantId};
use classbridge_store::{roster, RosterWrite};

use crate::{Page, PageRequest, Service, StoreError};

/// A branch, a section with its class and counts, and a mirrored person.
pub use classbridge_store::roster::{BranchSummary, PersonRow, SectionSummary};

/// A page of the tenant's branches (only the one with `only_partner_id` when given; without the default branch
/// when `partners_only`) and the sections of those branches.
pub async fn branches_with_sections(
    service: &Service,
    tenant_id: TenantId,
    only_partner_id: Option<i64>,
    partners_only: bool,
    page: PageRequest,
) -> Result<(Page<BranchSummary>, Vec<SectionSummary>), StoreError> {
    let store = service.store();
    let branches =
        roster::list_branches(store, tenant_id, only_partner_id, partners_only, page).await?;
    let ids: Vec<BranchId> = branches.items.iter().map(|branch| branch.id).collect();
    let sections = roster::section_summaries(store, tenant_id, &ids).await?;
    Ok((branches, sections))
}

/// Renames the person with this uuid in `scope` (one roster write); `None` when there is none.
pub async fn rename_person(
    service: &Service,
    scope: Scope,
    uuid: &str,
    name: &str,
) -> Result<Option<PersonRow>, StoreError> {
    let store = service.store();
    let Some(person) = roster::find_person_by_uuid(store, scope, uuid).await? else {
        return Ok(None);
    };
    let mut write = RosterWrite::begin(store, scope.tenant_id()).await?;
    roster::rename_person(&mut write, person.id, name).await?;
    write.commit().await?;
    Ok(Some(person))
}

/// Deletes the person with this uuid in `scope` with their memberships; `false` when there is none.
pub async fn delete_person(
    service: &Service,
    scope: Scope,
    uuid: &str,
) -> Result<bool, StoreError> {
    let store = service.store();
    let Some(person) = roster::find_person_by_uuid(store, scope, uuid).await? else {
        return Ok(false);
    };
    roster::delete_person(store, scope, person.id).await
}
