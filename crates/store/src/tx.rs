//! A write transaction on either database, for use cases that make several store calls in one transaction, and
//! `TenantTx`: the same transaction bound to the one tenant whose rows it may touch.

use std::ops::{Deref, DerefMut};

use classbridge_domain::TenantId;
use sqlx::{Postgres, Sqlite, Transaction};

use crate::{Backend, Store, StoreResult};

/// An open write transaction (`BEGIN IMMEDIATE` on SQLite). Dropped without `commit`, it rolls back.
pub enum StoreTx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Store {
    /// Begins a write transaction; a connection found dead at `BEGIN` is replaced once (nothing was done on it).
    pub async fn begin(&self) -> StoreResult<StoreTx> {
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
}

impl Store {
    /// Begins a write transaction on `tenant_id`'s rows.
    pub async fn begin_for(&self, tenant_id: TenantId) -> StoreResult<TenantTx> {
        Ok(TenantTx {
            tx: self.begin().await?,
            tenant_id,
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
}

// While the store's functions move from `&mut StoreTx` to `&mut TenantTx` (issue 12), a `TenantTx` still passes where
// a `StoreTx` is taken.
impl Deref for TenantTx {
    type Target = StoreTx;

    fn deref(&self) -> &StoreTx {
        &self.tx
    }
}

impl DerefMut for TenantTx {
    fn deref_mut(&mut self) -> &mut StoreTx {
        &mut self.tx
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
