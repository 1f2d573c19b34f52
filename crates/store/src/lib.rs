//! The shape, first (the same lines open `crates/store/src/lib.rs` and `crates/service/src/lib.rs`):
//! - server → api → service → store → domain. The api holds a `Service` and calls one use case per request; it has
//!   no dependency on the store, so it cannot reach the database but through the service.
//! - Ids are types (`UserId`, `SectionId`, `CourseId`, `LessonId`, … in `classbridge_domain::ids`,
//!   `sqlx(transparent)`); the api turns them into the wire's numbers where it renders, and parses path ids with
//!   `parse_id::<UserId>`. A row not inserted yet is `NewLesson`, `NewCourse`, … (its `id` is `Unsaved`), never id 0.
//!   Times in rows are `UnixMillis` (a few `now` arguments are still bare milliseconds or ClassIn's seconds). Roles
//!   are the `Role` enum and ClassIn's codes `StudentIdentity` (1/2; `student`/`auditor` on classbridge's own wire)
//!   and `LessonIdentity` (1–4 in the pushes), stored as their number; job status and kind, membership source,
//!   section origin and `LessonRole` are enums stored as their text. Where a lesson stands (`LessonPhase`,
//!   `LessonState`) is decided once, in `classbridge_domain::classin`.
//! - Every store function on a tenant's rows takes its `TenantId`, a `Scope`, a `TenantTx` (a transaction bound to
//!   one tenant; the only transaction a use case can open) or a claimed job's `JobLease`. Roster writes use a `RosterWrite` (a `TenantTx` whose commit bumps
//!   the roster version and forgets the cached counts). Exceptions say "Not tenant-scoped:" and why;
//!   `crates/store/tests/tenant_scoping.rs` checks this on the source.
//! - The mirror reads what is stored (`mirror::apply`), plans without the database (`mirror::plan`), then writes the
//!   plan (`mirror::write`).
//!
//! This crate: one `Store` over an embedded SQLite file or a PostgreSQL server, with the same SQL text on both
//! wherever both accept it. The two migrated schemas differ only as `migrations/schema_differences.txt` says
//! (checked by `tests/it/schema_parity.rs`).
//!
//! Where the code differs by backend: `connect.rs` (opening either, and its migrations); `macros.rs` and `tx.rs`
//! (one SQL text run on either; `BEGIN IMMEDIATE` on SQLite); `point_reads.rs` (SQLite's point reads on the calling
//! thread; `users/sqlite.rs` decodes its users) and `point_batches.rs` (PostgreSQL's, batched); `batch.rs` (group
//! commit on either); `roster/postgres.rs` (PostgreSQL's own roster statements: parameter arrays, `FOR KEY SHARE`
//! holds, `ANALYZE`); `users/list.rs` (how a page of users is read on each); and the row locks SQLite's single
//! writer does without (`jobs.rs`, `classin/bookings.rs`).

#[macro_use]
mod macros;
mod batch;
pub mod branch_scope;
pub mod classin;
pub mod classrooms;
mod connect;
pub mod credentials;
pub mod groups;
pub mod home;
pub mod jobs;
pub mod lab_attempts;
pub mod learning_paths;
pub mod outbox;
pub mod page_checkpoints;
pub mod paging;
mod point_batches;
mod point_reads;
pub mod rate_windows;
pub mod roster;
pub mod roster_write;
pub mod sso;
pub mod subjects;
pub mod tenants;
pub mod tx;
pub mod users;

pub use credentials::{
    ClassinCredential, CredentialUsage, NewPartnerCredential, PartnerCredential,
};
pub use groups::Group;
pub use roster_write::RosterWrite;
pub use tenants::Tenant;
pub(crate) use tx::StoreTx;
pub use tx::TenantTx;

use std::sync::Arc;

use classbridge_domain::TenantId;
use sqlx::{PgPool, SqlitePool};

pub use connect::{create_private_dir, DatabaseLocation, StoreOptions};
pub use paging::{Page, PageRequest};

/// Errors of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write; the name says which.
    #[error("conflict on {constraint}")]
    Conflict { constraint: String },
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A write that was part of a failed group commit.
    #[error("database error in a group commit: {0}")]
    Batch(String),
    /// A worker's lease on a job passed to another worker; its work is rolled back.
    #[error("the job's lease was lost to another worker")]
    LeaseLost,
    #[error("cannot open the database: {0}")]
    Open(String),
    #[error("database error in a point read: {0}")]
    PointRead(String),
    /// No pool connection came free within the acquire timeout: the caller should answer 503 and retry later.
    #[error("the database is busy: no connection came free in time")]
    Busy,
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => Self::NotFound,
            sqlx::Error::PoolTimedOut => Self::Busy,
            sqlx::Error::Database(database_error) if database_error.is_unique_violation() => {
                Self::Conflict {
                    constraint: database_error
                        .constraint()
                        .map(str::to_owned)
                        .unwrap_or_else(|| database_error.message().to_owned()),
                }
            }
            _ => Self::Database(error),
        }
    }
}

impl StoreError {
    /// The database connection failed under the work (killed, reset, the server restarting) or the database asked
    /// for a retry (a serialization failure, a deadlock): the same work on a fresh connection may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::PointRead(_) => true,
            Self::Database(error) => match error {
                sqlx::Error::Io(_) | sqlx::Error::Protocol(_) | sqlx::Error::WorkerCrashed => true,
                sqlx::Error::Database(error) => error.code().is_some_and(|code| {
                    code.starts_with("08")
                        || matches!(
                            code.as_ref(),
                            "57P01" | "57P02" | "57P03" | "40001" | "40P01"
                        )
                }),
                _ => false,
            },
            _ => false,
        }
    }

    /// The database rolled the whole transaction back to break a deadlock or a serialization conflict: nothing of
    /// it was written, so even a non-idempotent request may be run again.
    pub fn is_rolled_back_conflict(&self) -> bool {
        matches!(self, Self::Database(sqlx::Error::Database(error))
            if error.code().is_some_and(|code| matches!(code.as_ref(), "40001" | "40P01")))
    }

    /// A foreign key refused the write: a row it names was deleted meanwhile (by a concurrent request).
    pub fn is_foreign_key_violation(&self) -> bool {
        matches!(self, Self::Database(sqlx::Error::Database(error)) if error.is_foreign_key_violation())
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The two databases classbridge runs on.
pub(crate) enum Backend {
    /// SQLite allows one writer at a time: writes go through a one-connection pool (transactions begun with
    /// `BEGIN IMMEDIATE`), reads through a pool of their own.
    Sqlite {
        reader: SqlitePool,
        writer: SqlitePool,
    },
    Postgres(PgPool),
}

/// How each database reads one row by its key (a user, a job) fastest.
#[derive(Clone)]
pub(crate) enum PointReads {
    /// On the calling thread, on a read-only connection it keeps (and short index walks: a page of users).
    Sqlite(Arc<point_reads::PointReader>),
    /// Gathered with the reads asked for at the same moment into one query.
    Postgres(Arc<point_batches::PointBatches>),
}

/// The handle every layer above uses. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    backend: Arc<Backend>,
    point_reads: PointReads,
    checkpoints: Arc<page_checkpoints::PageCheckpoints>,
    links: batch::LinkSender,
}

/// Which database a store is on, for logs and for the few places that must differ (benchmarks, tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    Sqlite,
    Postgres,
}

impl Store {
    pub fn kind(&self) -> DatabaseKind {
        match *self.backend {
            Backend::Sqlite { .. } => DatabaseKind::Sqlite,
            Backend::Postgres(_) => DatabaseKind::Postgres,
        }
    }

    pub(crate) fn backend(&self) -> &Backend {
        &self.backend
    }

    /// The database answers and every migration this build knows is applied.
    ///
    /// Not tenant-scoped: the readiness probe checks the database, no tenant's rows.
    pub async fn check_ready(&self) -> StoreResult<()> {
        let known = match self.kind() {
            DatabaseKind::Sqlite => connect::SQLITE_MIGRATOR.iter().count(),
            DatabaseKind::Postgres => connect::POSTGRES_MIGRATOR.iter().count(),
        } as i64;
        let sql = "SELECT COUNT(*) FROM _sqlx_migrations WHERE success";
        let applied: i64 = on_reader!(self, pool => sqlx::query_scalar(sql).fetch_one(pool).await?);
        if applied >= known {
            self.check_writable().await
        } else {
            Err(StoreError::Open(format!(
                "{applied} of {known} migrations applied; run `classbridge migrate`"
            )))
        }
    }

    /// The database takes a write: one row rewritten in its own transaction (through the SQLite writer, so a writer
    /// that cannot write, or cannot be had, makes the node unready).
    async fn check_writable(&self) -> StoreResult<()> {
        let now = now_millis();
        in_transaction!(self, tx => sqlx::query(
            "INSERT INTO write_probe (id, probed_at) VALUES (1, $1) \
             ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at",
        )
        .bind(now)
        .execute(&mut *tx)
        .await
        .map(|_| ())?);
        Ok(())
    }

    /// Drops this process's remembered list totals (and page checkpoints) of a tenant, after a write that changes them
    /// (a [`RosterWrite`] does it on commit).
    pub(crate) fn forget_counts(&self, tenant_id: TenantId) {
        self.checkpoints.forget(tenant_id.get());
    }

    /// Closes every connection (at shutdown, and before a test drops its database).
    pub async fn close(&self) {
        match self.backend() {
            Backend::Sqlite { reader, writer } => {
                reader.close().await;
                writer.close().await;
            }
            Backend::Postgres(pool) => pool.close().await,
        }
    }
}

/// Now, as stored: Unix milliseconds.
pub fn now_millis() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    (now.unix_timestamp_nanos() / 1_000_000) as i64
}
