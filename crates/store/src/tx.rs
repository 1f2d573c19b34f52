//! A write transaction on either database, for use cases that make several store calls in one transaction, and
//! `TenantTx`: the same transaction bound to the one tenant whose rows it may touch.

use std::collections::HashSet;

use classbridge_domain::{BranchId, TenantId, UserId};
use sqlx::{Postgres, Sqlite, Transaction};

use crate::{Backend, Store, StoreError, StoreResult};

/// An open write transaction (`BEGIN IMMEDIATE` on SQLite). Dropped without `commit`, it rolls back.
pub(crate) enum StoreTx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Store {
    /// Begins a write transaction; a connection found dead at `BEGIN` is replaced once (nothing was done on it).
    /// Only the store opens one: use cases take a [`TenantTx`] from [`Store::begin_for`].
    pub(crate) async fn begin(&self) -> StoreResult<StoreTx> {
        match self.begin_once().await {
            Err(error) if error.is_transient() => {
                tracing::warn!(error = %error, "a database connection failed at BEGIN; retrying on a fresh one");
                self.begin_once().await
            }
            outcome => outcome,
        }
    }

    async fn begin_once(&self) -> StoreResult<StoreTx> {
        Ok(match self.backend() {
            Backend::Sqlite { writer, .. } => {
                StoreTx::Sqlite(writer.begin_with("BEGIN IMMEDIATE").await?)
            }
            Backend::Postgres(pool) => StoreTx::Postgres(pool.begin().await?),
        })
    }
}

impl StoreTx {
    pub async fn commit(self) -> StoreResult<()> {
        match self {
            Self::Sqlite(tx) => tx.commit().await?,
            Self::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

/// A write transaction on one tenant's rows: store functions that write or read inside a transaction take it, and
/// scope their SQL by [`TenantTx::tenant_id`], so a use case cannot touch another tenant's rows through it. Made by
/// [`Store::begin_for`] (or inside a [`crate::RosterWrite`]). Dropped without `commit`, it rolls back.
pub struct TenantTx {
    tx: StoreTx,
    tenant_id: TenantId,
    /// Branches and users already found to be the tenant's in this transaction (read or made through it), so that a
    /// write by their id checks them once, not once per statement.
    known_branches: HashSet<BranchId>,
    known_users: HashSet<UserId>,
}

impl Store {
    /// Begins a write transaction on `tenant_id`'s rows.
    pub async fn begin_for(&self, tenant_id: TenantId) -> StoreResult<TenantTx> {
        Ok(TenantTx {
            tx: self.begin().await?,
            tenant_id,
            known_branches: HashSet::new(),
            known_users: HashSet::new(),
        })
    }
}

impl TenantTx {
    /// The tenant whose rows this transaction may touch.
    pub fn tenant_id(&self) -> TenantId {
        self.tenant_id
    }

    pub async fn commit(self) -> StoreResult<()> {
        self.tx.commit().await
    }

    /// The transaction itself, for the store's SQL (which scopes it by [`TenantTx::tenant_id`]).
    pub(crate) fn store_tx(&mut self) -> &mut StoreTx {
        &mut self.tx
    }

    /// Whether the transaction is on PostgreSQL (for row locks SQLite's single writer does not need).
    pub(crate) fn on_postgres(&self) -> bool {
        matches!(self.tx, StoreTx::Postgres(_))
    }

    /// Remembers that `branch` is the tenant's (it was read or made through this transaction).
    pub(crate) fn know_branch(&mut self, branch: BranchId) {
        self.known_branches.insert(branch);
    }

    /// Remembers that `user` is the tenant's (it was read or made through this transaction).
    pub(crate) fn know_user(&mut self, user: UserId) {
        self.known_users.insert(user);
    }

    /// `NotFound` unless `branch` is one of the tenant's branches (read once per transaction).
    pub(crate) async fn check_branch(&mut self, branch: BranchId) -> StoreResult<()> {
        if self.known_branches.contains(&branch) {
            return Ok(());
        }
        let sql = "SELECT id FROM branches WHERE id = $1 AND tenant_id = $2";
        self.check_row(sql, branch.get()).await?;
        self.know_branch(branch);
        Ok(())
    }

    /// `NotFound` unless `user` is one of the tenant's users (read once per transaction).
    pub(crate) async fn check_user(&mut self, user: UserId) -> StoreResult<()> {
        if self.known_users.contains(&user) {
            return Ok(());
        }
        let sql = "SELECT id FROM users WHERE id = $1 AND tenant_id = $2";
        self.check_row(sql, user.get()).await?;
        self.know_user(user);
        Ok(())
    }

    async fn check_row(&mut self, sql: &str, id: i64) -> StoreResult<()> {
        let tenant = self.tenant_id.get();
        let found: Option<i64> = match &mut self.tx {
            StoreTx::Sqlite(transaction) => {
                let query = sqlx::query_scalar(sql).bind(id).bind(tenant);
                query.fetch_optional(&mut **transaction).await?
            }
            StoreTx::Postgres(transaction) => {
                let query = sqlx::query_scalar(sql).bind(id).bind(tenant);
                query.fetch_optional(&mut **transaction).await?
            }
        };
        found.map(|_| ()).ok_or(StoreError::NotFound)
    }
}

/// Runs `$body` with `$conn` bound to the transaction's connection and `$db` to its database type, once per
/// backend, so one SQL text (and one `QueryBuilder` use) serves both.
macro_rules! on_tx {
    ($tx:expr, $conn:ident, $db:ident => $body:expr) => {
        match $tx {
            $crate::tx::StoreTx::Sqlite(transaction) => {
                #[allow(dead_code)]
                type $db = sqlx::Sqlite;
                let $conn = &mut **transaction;
                $body
            }
            $crate::tx::StoreTx::Postgres(transaction) => {
                #[allow(dead_code)]
                type $db = sqlx::Postgres;
                let $conn = &mut **transaction;
                $body
            }
        }
    };
}

pub(crate) use on_tx;
