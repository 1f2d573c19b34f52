//! Applying one mirrored branch in the caller's transaction: read what the plan needs, plan (without the database,
//! see [`super::plan`]), and have the plan written ([`super::write`]). A branch is the unit of a mirror: everything
//! in it becomes what the payload says.

use classbridge_domain::mirror::MirrorBranch;
use classbridge_store::{roster, RosterWrite, StoreResult, TenantTx};

use super::{
    counts::MirrorCounts,
    fingerprint::PayloadFingerprint,
    plan::{self, BranchPlan, FingerprintVerdict, NeedsForce, PlanOptions, Remember, StoredRoster},
    write::write_plan,
};

pub use super::plan::{section_name_key, ApplyScope, RemovalGuard};

/// What became of one branch.
#[derive(Debug, Clone, PartialEq)]
pub enum BranchOutcome {
    Applied,
    /// Nothing was changed: the payload would remove `would_remove` of the branch's `current` memberships.
    NeedsForce {
        would_remove: usize,
        current: usize,
    },
}

/// Applies `branch` for `tenant_id`, adding what it did to `counts`. A branch whose last applied payload was this
/// very one, with nothing written to the tenant's roster since, is skipped: it already is what the payload says.
/// The roster write bumps the version only where the writer says the change reaches beyond the branch.
pub async fn apply_branch(
    tx: &mut RosterWrite,
    branch: &MirrorBranch,
    scope: ApplyScope,
    guard: RemovalGuard,
    counts: &mut MirrorCounts,
) -> StoreResult<BranchOutcome> {
    let options = PlanOptions { scope, guard };
    if scope == ApplyScope::NamedSectionsOnly {
        // The simple mirror keeps no fingerprint: it compares everything every time.
        let stored = load_roster(tx, branch).await?;
        return match plan::plan_difference(&stored, branch, options, None) {
            Ok(plan) => write(tx, branch, BranchPlan::Difference(Box::new(plan)), counts).await,
            Err(refusal) => Ok(refused(refusal)),
        };
    }
    let payload = PayloadFingerprint::of(branch);
    let fingerprint = roster::branch_fingerprint(tx, branch.id).await?;
    let version_read = match plan::judge_fingerprint(fingerprint.as_ref(), &payload) {
        FingerprintVerdict::Unchanged => {
            let counts_now = plan::unchanged_counts(branch, true);
            return write(
                tx,
                branch,
                BranchPlan::Unchanged { counts: counts_now },
                counts,
            )
            .await;
        }
        FingerprintVerdict::NamesOnly {
            version_read,
            places,
        } => {
            let asked = plan::people_to_read(branch, places.as_deref());
            let people = roster::find_people_by_uuid(tx, &asked).await?;
            if let Some(renames) =
                plan::plan_renames(branch, &asked, &people, &payload, version_read)
            {
                return write(tx, branch, BranchPlan::Renames(renames), counts).await;
            }
            Some(version_read)
        }
        FingerprintVerdict::Everything { version_read } => version_read,
    };
    let stored = load_roster(tx, branch).await?;
    let remember = Remember {
        payload: &payload,
        version_read,
    };
    match plan::plan_difference(&stored, branch, options, Some(remember)) {
        Ok(plan) => write(tx, branch, BranchPlan::Difference(Box::new(plan)), counts).await,
        Err(refusal) => Ok(refused(refusal)),
    }
}

async fn write(
    tx: &mut RosterWrite,
    branch: &MirrorBranch,
    plan: BranchPlan<'_>,
    counts: &mut MirrorCounts,
) -> StoreResult<BranchOutcome> {
    write_plan(tx, branch.id, &plan, counts).await?;
    Ok(BranchOutcome::Applied)
}

fn refused(refusal: NeedsForce) -> BranchOutcome {
    BranchOutcome::NeedsForce {
        would_remove: refusal.would_remove,
        current: refusal.current,
    }
}

/// Reads everything stored for the tenant's branch `branch.id` that a whole comparison needs, and the tenant's people
/// the payload names.
async fn load_roster(tx: &mut TenantTx, branch: &MirrorBranch) -> StoreResult<StoredRoster> {
    let mut stored = StoredRoster::default();
    if let Some(row) = roster::find_branch(tx, branch.id).await? {
        stored.classes = roster::load_classes(tx, row.id).await?;
        stored.sections = roster::load_sections(tx, row.id).await?;
        stored.subjects = roster::load_subjects(tx, row.id).await?;
        stored.section_subjects = roster::load_section_subjects(tx, row.id).await?;
        stored.memberships = roster::load_student_memberships(tx, row.id).await?;
        stored.teaching = roster::load_teaching(tx, row.id).await?;
        stored.branch = Some(row);
    }
    let uuids = plan::people_to_read(branch, None);
    stored.people = roster::find_people_by_uuid(tx, &uuids).await?;
    Ok(stored)
}
