//! A write transaction on either database, for use cases that make several store calls in one transaction.

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
