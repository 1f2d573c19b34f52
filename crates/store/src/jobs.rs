//! The job queue: jobs accepted with their payload in one transaction, claimed under a lease (with `FOR UPDATE SKIP
//! LOCKED` on PostgreSQL, under SQLite's single writer), kept alive by heartbeats, and finished with their counts.
//! Per tenant only the oldest unfinished job can be claimed, so jobs take effect in the order they were accepted.

use classbridge_domain::{JobId, JobKind, JobStatus, Scope, TenantId, UnixMillis};
use serde_json::Value;

use rusqlite::OptionalExtension;

use crate::{
    now_millis, tx::on_tx, Page, PageRequest, PointReads, Store, StoreError, StoreResult, StoreTx,
    TenantTx,
};

/// Payload bytes per stored chunk.
pub const PAYLOAD_CHUNK_BYTES: usize = 1024 * 1024;

/// A job as the partner reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Job {
    pub id: JobId,
    pub tenant_id: TenantId,
    pub kind: JobKind,
    pub status: JobStatus,
    pub options: String,
    pub payload_bytes: i64,
    pub items_total: i64,
    pub items_done: i64,
    pub counts: String,
    pub errors: String,
    pub attempts: i64,
    pub accepted_at: UnixMillis,
    pub started_at: Option<UnixMillis>,
    pub finished_at: Option<UnixMillis>,
}

pub(crate) const JOB_COLUMNS: &str =
    "id, tenant_id, kind, status, options, payload_bytes, items_total, items_done, counts, \
     errors, attempts, accepted_at, started_at, finished_at";

/// What a new job is.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub id: JobId,
    pub kind: JobKind,
    pub options: Value,
    pub payload_bytes: i64,
    pub payload_sha256: String,
    pub items_total: i64,
}

/// A job just inserted in an open transaction: its payload chunks go in through it, so they cannot be added to
/// another tenant's job.
#[derive(Debug, Clone)]
pub struct InsertedJob {
    id: JobId,
    tenant_id: TenantId,
}

impl InsertedJob {
    pub fn id(&self) -> &JobId {
        &self.id
    }

    pub fn tenant_id(&self) -> TenantId {
        self.tenant_id
    }
}

/// A claimed job and the lease this worker holds on it. Only `claim_next_job` makes one, so the calls that keep,
/// record, finish or give back a job can only name a job this worker claimed (and carry its tenant).
#[derive(Debug, Clone)]
pub struct JobLease {
    job_id: JobId,
    tenant_id: TenantId,
    owner: String,
}

impl JobLease {
    pub fn job_id(&self) -> &JobId {
        &self.job_id
    }

    /// The tenant whose job this is (from the job's row).
    pub fn tenant_id(&self) -> TenantId {
        self.tenant_id
    }

    /// The worker holding the lease.
    pub fn owner(&self) -> &str {
        &self.owner
    }
}

/// A job a worker claimed, with its lease.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    pub job: Job,
    pub lease: JobLease,
}

/// A remembered answer for an `Idempotency-Key`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IdempotentAnswer {
    pub request_sha256: String,
    pub response_status: i64,
    pub response_body: String,
    pub created_at: UnixMillis,
}

impl Store {
    /// Inserts a queued job (and the idempotency answer, when a key was given) in the open transaction; the payload
    /// chunks go in with `insert_payload_chunk` before the commit.
    pub async fn insert_job(
        &self,
        tx: &mut TenantTx,
        scope: Scope,
        job: &NewJob,
        idempotency: Option<(&str, &str, i64, &str)>,
    ) -> StoreResult<InsertedJob> {
        let tenant_id = scope.tenant_id();
        if tenant_id != tx.tenant_id() {
            return Err(StoreError::NotFound);
        }
        let tx = tx.store_tx();
        let now = now_millis();
        let sql = "INSERT INTO jobs (id, tenant_id, kind, status, options, payload_bytes, payload_sha256, items_total, \
                   accepted_at, branch_partner_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
        let remember = "INSERT INTO idempotency_keys (tenant_id, key, request_sha256, response_status, response_body, \
                        created_at) VALUES ($1, $2, $3, $4, $5, $6)";
        on_tx!(tx, conn, Db => {
            sqlx::query(sql)
                .bind(&job.id)
                .bind(tenant_id.get())
                .bind(&job.kind)
                .bind(JobStatus::Queued)
                .bind(job.options.to_string())
                .bind(job.payload_bytes)
                .bind(&job.payload_sha256)
                .bind(job.items_total)
                .bind(now)
                .bind(scope.branch_partner_id())
                .execute(&mut *conn)
                .await?;
            if let Some((key, request_sha256, status, body)) = idempotency {
                sqlx::query(remember)
                    .bind(tenant_id.get())
                    .bind(key)
                    .bind(request_sha256)
                    .bind(status)
                    .bind(body)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?;
            }
        });
        Ok(InsertedJob {
            id: job.id.clone(),
            tenant_id,
        })
    }

    /// Adds one chunk of the payload of a job inserted in the same open transaction.
    pub async fn insert_payload_chunk(
        &self,
        tx: &mut TenantTx,
        job: &InsertedJob,
        sequence: i64,
        data: &[u8],
    ) -> StoreResult<()> {
        if job.tenant_id != tx.tenant_id() {
            return Err(StoreError::NotFound);
        }
        let tx = tx.store_tx();
        let sql = "INSERT INTO job_payload_chunks (job_id, sequence, data) VALUES ($1, $2, $3)";
        on_tx!(tx, conn, Db => {
            sqlx::query(sql).bind(&job.id).bind(sequence).bind(data).execute(&mut *conn).await?;
        });
        Ok(())
    }

    /// The answer given to an earlier request with this key within `max_age_ms`.
    pub async fn find_idempotent_answer(
        &self,
        tenant_id: TenantId,
        key: &str,
        max_age_ms: i64,
    ) -> StoreResult<Option<IdempotentAnswer>> {
        let sql = "SELECT request_sha256, response_status, response_body, created_at FROM idempotency_keys \
                   WHERE tenant_id = $1 AND key = $2 AND created_at > $3";
        Ok(on_reader!(self, pool => {
            sqlx::query_as(sql)
                .bind(tenant_id.get())
                .bind(key)
                .bind(now_millis() - max_age_ms)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Claims the next job a worker may run: per tenant the oldest unfinished one, when it is queued or its
    /// lease has expired (its worker died). Returns it with the lease taken by `owner`.
    ///
    /// Not tenant-scoped: the queue's workers serve every tenant; the claimed job carries its tenant, and the
    /// calls that follow take its `JobLease`.
    pub async fn claim_next_job(
        &self,
        owner: &str,
        lease_ms: i64,
    ) -> StoreResult<Option<ClaimedJob>> {
        let candidates = "SELECT j.id FROM jobs j \
             WHERE (j.status = 'queued' OR (j.status = 'running' AND j.lease_expires_at < $1)) \
             AND NOT EXISTS (SELECT 1 FROM jobs e WHERE e.tenant_id = j.tenant_id \
                             AND e.status IN ('queued', 'running') AND e.position < j.position) \
             ORDER BY j.position LIMIT 1";
        let take = format!(
            "UPDATE jobs SET status = 'running', lease_owner = $2, lease_expires_at = $3, attempts = attempts + 1, \
             started_at = COALESCE(started_at, $4) \
             WHERE id = $1 AND (status = 'queued' OR (status = 'running' AND lease_expires_at < $4)) \
             RETURNING {JOB_COLUMNS}"
        );
        let mut tx = self.begin().await?;
        // Several processes share a PostgreSQL queue: a row one of them is claiming is skipped, not waited for.
        // SQLite's transaction already holds the only write lock.
        let locking = match tx {
            StoreTx::Sqlite(_) => "",
            StoreTx::Postgres(_) => " FOR UPDATE OF j SKIP LOCKED",
        };
        let claimed: Option<Job> = on_tx!(&mut tx, conn, Db => {
            // Read the clock once the lock is ours: the wait for it can be long.
            let now = now_millis();
            let id: Option<String> = sqlx::query_scalar(&format!("{candidates}{locking}"))
                .bind(now)
                .fetch_optional(&mut *conn)
                .await?;
            match id {
                Some(id) => {
                    // The start is read after the candidates were: the job before it in its tenant's queue
                    // finished (and wrote its finish time) before that query's snapshot, so the start never
                    // precedes it, however long this process was kept off the processor in between.
                    let started = now_millis();
                    sqlx::query_as(&take)
                        .bind(id)
                        .bind(owner)
                        .bind(started + lease_ms)
                        .bind(started)
                        .fetch_optional(&mut *conn)
                        .await?
                }
                None => None,
            }
        });
        tx.commit().await?;
        Ok(claimed.map(|job| ClaimedJob {
            lease: JobLease {
                job_id: job.id.clone(),
                tenant_id: job.tenant_id,
                owner: owner.to_owned(),
            },
            job,
        }))
    }

    /// Extends the lease; `false` when the job is no longer this worker's (the lease expired and another took it).
    pub async fn heartbeat_job(&self, lease: &JobLease, lease_ms: i64) -> StoreResult<bool> {
        let sql = "UPDATE jobs SET lease_expires_at = $4 \
                   WHERE tenant_id = $1 AND id = $2 AND lease_owner = $3 AND status = 'running'";
        let updated = in_transaction!(self, tx => {
            sqlx::query(sql)
                .bind(lease.tenant_id)
                .bind(&lease.job_id)
                .bind(&lease.owner)
                .bind(now_millis() + lease_ms)
                .execute(&mut *tx)
                .await?
                .rows_affected()
        });
        Ok(updated == 1)
    }

    /// Records progress inside the transaction that applied it, failing with `LeaseLost` (and so rolling the work
    /// back) when this worker no longer holds the job.
    pub async fn record_job_progress(
        &self,
        tx: &mut TenantTx,
        lease: &JobLease,
        items_done: i64,
        counts: &Value,
    ) -> StoreResult<()> {
        if lease.tenant_id != tx.tenant_id() {
            return Err(StoreError::LeaseLost);
        }
        let tx = tx.store_tx();
        let sql = "UPDATE jobs SET items_done = $4, counts = $5 \
                   WHERE tenant_id = $1 AND id = $2 AND lease_owner = $3 AND status = 'running'";
        let updated = on_tx!(tx, conn, Db => {
            sqlx::query(sql)
                .bind(lease.tenant_id)
                .bind(&lease.job_id)
                .bind(&lease.owner)
                .bind(items_done)
                .bind(counts.to_string())
                .execute(&mut *conn)
                .await?
                .rows_affected()
        });
        if updated == 1 {
            Ok(())
        } else {
            Err(StoreError::LeaseLost)
        }
    }

    /// Ends a job with its final status, counts and errors, if this worker still holds it.
    pub async fn finish_job(
        &self,
        lease: &JobLease,
        status: JobStatus,
        counts: &Value,
        errors: &Value,
    ) -> StoreResult<bool> {
        let sql = "UPDATE jobs SET status = $4, counts = $5, errors = $6, finished_at = $7, lease_owner = NULL, \
                   lease_expires_at = NULL \
                   WHERE tenant_id = $1 AND id = $2 AND lease_owner = $3 AND status = 'running'";
        let updated = in_transaction!(self, tx => {
            sqlx::query(sql)
                .bind(lease.tenant_id)
                .bind(&lease.job_id)
                .bind(&lease.owner)
                .bind(status)
                .bind(counts.to_string())
                .bind(errors.to_string())
                .bind(now_millis())
                .execute(&mut *tx)
                .await?
                .rows_affected()
        });
        Ok(updated == 1)
    }

    /// Gives up a lease at shutdown so that another worker can take the job at once.
    pub async fn release_job(&self, lease: &JobLease) -> StoreResult<()> {
        let sql = "UPDATE jobs SET lease_expires_at = 0 \
                   WHERE tenant_id = $1 AND id = $2 AND lease_owner = $3 AND status = 'running'";
        in_transaction!(self, tx => {
            sqlx::query(sql)
                .bind(lease.tenant_id)
                .bind(&lease.job_id)
                .bind(&lease.owner)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    /// One chunk of the payload of the job this worker claimed, by sequence number from 0.
    pub async fn payload_chunk(
        &self,
        lease: &JobLease,
        sequence: i64,
    ) -> StoreResult<Option<Vec<u8>>> {
        let sql = "SELECT data FROM job_payload_chunks WHERE job_id = $1 AND sequence = $2";
        Ok(on_reader!(self, pool => {
            sqlx::query_scalar(sql).bind(&lease.job_id).bind(sequence).fetch_optional(pool).await?
        }))
    }

    /// One job in the scope (of a branch: those its credentials made).
    pub async fn find_job(&self, scope: Scope, job_id: &str) -> StoreResult<Option<Job>> {
        let tenant_id = scope.tenant_id();
        if !scope.is_tenant_wide() {
            let sql = format!(
                "SELECT {JOB_COLUMNS} FROM jobs WHERE tenant_id = $1 AND id = $2{}",
                crate::branch_scope::tagged_condition(scope, "branch_partner_id")
            );
            return Ok(
                on_reader!(self, pool => sqlx::query_as(&sql).bind(tenant_id).bind(job_id).fetch_optional(pool).await?),
            );
        }
        let points = match &self.point_reads {
            PointReads::Postgres(batches) => {
                return batches.jobs.read(tenant_id.get(), job_id.to_owned()).await
            }
            PointReads::Sqlite(points) => points,
        };
        points.read(|connection| {
            connection
                .prepare_cached(&format!(
                    "SELECT {JOB_COLUMNS} FROM jobs WHERE tenant_id = $1 AND id = $2"
                ))?
                .query_row((tenant_id.get(), job_id), |row| {
                    let status: String = row.get(3)?;
                    Ok(Job {
                        id: JobId::new(row.get::<_, String>(0)?),
                        // The row was found by this tenant.
                        tenant_id,
                        kind: JobKind::parse(&row.get::<_, String>(2)?),
                        status: JobStatus::parse(&status).ok_or_else(|| {
                            rusqlite::Error::FromSqlConversionFailure(
                                3,
                                rusqlite::types::Type::Text,
                                format!("`{status}` is not a job status").into(),
                            )
                        })?,
                        options: row.get(4)?,
                        payload_bytes: row.get(5)?,
                        items_total: row.get(6)?,
                        items_done: row.get(7)?,
                        counts: row.get(8)?,
                        errors: row.get(9)?,
                        attempts: row.get(10)?,
                        accepted_at: UnixMillis::new(row.get(11)?),
                        started_at: row.get::<_, Option<i64>>(12)?.map(UnixMillis::new),
                        finished_at: row.get::<_, Option<i64>>(13)?.map(UnixMillis::new),
                    })
                })
                .optional()
        })
    }

    /// The scope's jobs, newest first, optionally of one status.
    pub async fn list_jobs(
        &self,
        scope: Scope,
        status: Option<JobStatus>,
        page: PageRequest,
    ) -> StoreResult<Page<Job>> {
        let tenant_id = scope.tenant_id();
        let condition = crate::branch_scope::tagged_condition(scope, "branch_partner_id");
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE tenant_id = $1 AND ($2 IS NULL OR status = $2){condition} \
             ORDER BY position DESC LIMIT $3 OFFSET $4"
        );
        let count = format!(
            "SELECT COUNT(*) FROM jobs WHERE tenant_id = $1 AND ($2 IS NULL OR status = $2){condition}"
        );
        let (items, total) = on_reader!(self, pool => {
            let items: Vec<Job> = sqlx::query_as(&sql)
                .bind(tenant_id.get())
                .bind(status)
                .bind(page.limit())
                .bind(page.offset())
                .fetch_all(pool)
                .await?;
            let total: i64 = sqlx::query_scalar(&count).bind(tenant_id.get()).bind(status).fetch_one(pool).await?;
            (items, total)
        });
        Ok(Page {
            items,
            total,
            request: page,
        })
    }

    /// Jobs by status across tenants, for the metrics.
    ///
    /// Not tenant-scoped: the operator's metrics count the whole queue.
    pub async fn count_jobs_by_status(&self) -> StoreResult<Vec<(String, i64)>> {
        let sql = "SELECT status, COUNT(*) FROM jobs GROUP BY status";
        Ok(on_reader!(self, pool => sqlx::query_as(sql).fetch_all(pool).await?))
    }

    /// Age in milliseconds of the oldest queued job (0 when none waits).
    ///
    /// Not tenant-scoped: the operator's metrics watch the whole queue.
    pub async fn queue_lag_ms(&self) -> StoreResult<i64> {
        let sql = "SELECT MIN(accepted_at) FROM jobs WHERE status = 'queued'";
        let oldest: Option<i64> =
            on_reader!(self, pool => sqlx::query_scalar(sql).fetch_one(pool).await?);
        Ok(oldest.map_or(0, |accepted| (now_millis() - accepted).max(0)))
    }

    /// Deletes payloads of jobs finished before `payload_before`, finished jobs before `job_before`, and idempotency
    /// answers older than `idempotency_before`.
    ///
    /// Not tenant-scoped: retention applies to every tenant alike, run by the queue's worker.
    pub async fn purge_jobs(
        &self,
        payload_before: i64,
        job_before: i64,
        idempotency_before: i64,
    ) -> StoreResult<()> {
        in_transaction!(self, tx => {
            sqlx::query("DELETE FROM job_payload_chunks WHERE job_id IN \
                         (SELECT id FROM jobs WHERE finished_at IS NOT NULL AND finished_at < $1)")
                .bind(payload_before).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM jobs WHERE finished_at IS NOT NULL AND finished_at < $1")
                .bind(job_before).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
                .bind(idempotency_before).execute(&mut *tx).await?;
        });
        Ok(())
    }
}
