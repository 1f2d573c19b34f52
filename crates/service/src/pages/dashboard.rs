//! The school dashboard's reads (for people with the admin role): the mirrored tree with its counts, the recent
//! mirror jobs, the lessons of the next two weeks, the API credentials and the ClassIn push queues.

use classbridge_domain::{BranchId, Role, Scope, TenantId, UnixMillis};
use classbridge_store::{roster, PartnerCredential};

use crate::{
    operations::PushQueueState,
    roster::{BranchSummary, SectionSummary},
    scheduling::{LessonFilter, LessonSummary},
    Page, PageRequest, Service, StoreError,
};

/// A mirror job as the dashboard lists it.
pub use classbridge_store::jobs::Job;

/// What the dashboard shows.
pub struct SchoolDashboard {
    pub branches: Page<BranchSummary>,
    pub sections: Vec<SectionSummary>,
    pub jobs: Page<Job>,
    pub credentials: Vec<PartnerCredential>,
    /// The tenant's ClassIn SIDs that are not revoked.
    pub push_sids: Vec<i64>,
    /// Every SID's push queue (the dashboard shows the tenant's).
    pub push_queues: Vec<PushQueueState>,
    pub lessons: Page<LessonSummary>,
}

/// The dashboard of the tenant for this person at `now_ms`; `None` when they are not an admin.
pub async fn school_dashboard(
    service: &Service,
    tenant_id: TenantId,
    user_id: classbridge_domain::UserId,
    now_ms: i64,
) -> Result<Option<SchoolDashboard>, StoreError> {
    let roles = super::roles_of_person(service, tenant_id, user_id).await?;
    if !roles.contains(&Role::Admin) {
        return Ok(None);
    }
    let store = service.store();
    let first = |per_page| PageRequest { page: 1, per_page };
    let branches = roster::list_branches(store, tenant_id, None, false, first(100)).await?;
    let ids: Vec<BranchId> = branches.items.iter().map(|b| b.id).collect();
    let sections = roster::section_summaries(store, tenant_id, &ids).await?;
    let jobs = store
        .list_jobs(Scope::tenant_wide(tenant_id), None, first(20))
        .await?;
    let credentials = store.list_partner_credentials(Some(tenant_id)).await?;
    let push_sids = store
        .list_classin_credentials(Some(tenant_id))
        .await?
        .iter()
        .filter(|credential| credential.revoked_at.is_none())
        .map(|credential| credential.sid)
        .collect();
    let push_queues = store.push_queue_states().await?;
    let two_weeks = LessonFilter {
        from: Some(UnixMillis::new(now_ms)),
        to: Some(UnixMillis::new(now_ms).plus_millis(14 * 86_400_000)),
        ..LessonFilter::default()
    };
    let lessons = store
        .list_lessons(Scope::tenant_wide(tenant_id), two_weeks, first(200))
        .await?;
    Ok(Some(SchoolDashboard {
        branches,
        sections,
        jobs,
        credentials,
        push_sids,
        push_queues,
        lessons,
    }))
}
