//! One unit of work for writes to a tenant's roster: a transaction that, on commit, bumps the tenant's roster
//! version (so mirrors re-check the branches it may have changed) and then forgets the tenant's cached list counts.

use std::ops::{Deref, DerefMut};

use classbridge_domain::TenantId;

use crate::{roster::bump_roster_version, Store, StoreResult, TenantTx};

/// A write transaction on one tenant's roster (people, their roles and memberships, branches, classes, sections,
/// subjects, teaching). Store calls take it where they take a `TenantTx` (it dereferences to one).
///
/// [`RosterWrite::commit`] bumps the roster version once (unless [`RosterWrite::bump_version`] did already), commits,
/// and only after the commit succeeded forgets the counts this process remembers for the tenant. Dropped without
/// `commit`, it rolls back and changes neither.
pub struct RosterWrite {
    store: Store,
    tx: TenantTx,
    bump_on_commit: bool,
    bumped_to: Option<i64>,
}

impl RosterWrite {
    /// Begins a roster write whose commit bumps the roster version and forgets the counts.
    pub async fn begin(store: &Store, tenant_id: TenantId) -> StoreResult<Self> {
        Self::begin_with(store, tenant_id, true).await
    }

    /// Begins a roster write whose commit forgets the counts but bumps the roster version only if
    /// [`RosterWrite::bump_version`] was called: for the writes that decide it themselves, because what they change
    /// leaves the other branches' remembered fingerprints true (a mirror applying one branch, a ClassIn account
    /// registered with no membership).
    pub async fn begin_without_version_bump(
        store: &Store,
        tenant_id: TenantId,
    ) -> StoreResult<Self> {
        Self::begin_with(store, tenant_id, false).await
    }

    async fn begin_with(
        store: &Store,
        tenant_id: TenantId,
        bump_on_commit: bool,
    ) -> StoreResult<Self> {
        Ok(Self {
            store: store.clone(),
            tx: store.begin_for(tenant_id).await?,
            bump_on_commit,
            bumped_to: None,
        })
    }

    /// The tenant whose roster this writes.
    pub fn tenant_id(&self) -> TenantId {
        self.tx.tenant_id()
    }

    /// Bumps the roster version now (once per write: later calls answer the same version) and answers it, for a
    /// write that remembers which version it wrote at.
    pub async fn bump_version(&mut self) -> StoreResult<i64> {
        if let Some(version) = self.bumped_to {
            return Ok(version);
        }
        let version = bump_roster_version(&mut self.tx).await?;
        self.bumped_to = Some(version);
        Ok(version)
    }

    /// Bumps the version (see [`RosterWrite::begin`]), commits, then forgets the tenant's cached counts.
    pub async fn commit(mut self) -> StoreResult<()> {
        if self.bump_on_commit {
            self.bump_version().await?;
        }
        let tenant_id = self.tx.tenant_id();
        self.tx.commit().await?;
        self.store.forget_counts(tenant_id);
        Ok(())
    }
}

impl Deref for RosterWrite {
    type Target = TenantTx;

    fn deref(&self) -> &TenantTx {
        &self.tx
    }
}

impl DerefMut for RosterWrite {
    fn deref_mut(&mut self) -> &mut TenantTx {
        &mut self.tx
    }
}
