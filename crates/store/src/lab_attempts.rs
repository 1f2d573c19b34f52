//! Students' attempts at a learning path's lab: started with a seed and the lab's hidden values (never sent to the
//! browser), the readings taken in order, and the submission with the server's score and rubric.

use classbridge_domain::{AttemptId, LearningPathId, TenantId, UnixMillis, UserId};
use sqlx::QueryBuilder;

use crate::{tx::on_tx, Store, StoreError, StoreResult};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttemptRow {
    pub id: AttemptId,
    /// The tenant the attempt belongs to: the writes that follow take it from here.
    pub tenant_id: TenantId,
    pub learning_path_id: LearningPathId,
    pub user_id: UserId,
    pub number: i64,
    pub seed: i64,
    pub hidden: String,
    pub started_at: UnixMillis,
    pub expires_at: UnixMillis,
    pub submitted_at: Option<UnixMillis>,
    pub score: Option<i64>,
    pub submission: Option<String>,
    pub rubric: Option<String>,
}

const COLUMNS: &str =
    "id, tenant_id, learning_path_id, user_id, number, seed, hidden, started_at, expires_at, submitted_at, \
     score, submission, rubric";

/// One reading of an attempt.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReadingRow {
    pub position: i64,
    pub setup: String,
    pub reading: String,
    pub taken_at: UnixMillis,
}

/// A new attempt: the caller has chosen the seed and computed the hidden values from it.
#[derive(Debug, Clone)]
pub struct NewAttempt {
    pub learning_path_id: LearningPathId,
    pub user_id: UserId,
    pub seed: i64,
    pub hidden: String,
    pub started_at: UnixMillis,
    pub expires_at: UnixMillis,
}

/// Why an attempt was not started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartRefusal {
    /// Every allowed attempt is used (open, expired or submitted).
    NoAttemptsLeft,
}

impl Store {
    /// Starts the student's next attempt, unless `max_attempts` are used; an attempt still open (not submitted, not
    /// expired at `started_at`) is returned instead of starting another.
    pub async fn start_attempt(
        &self,
        tenant_id: TenantId,
        new: &NewAttempt,
        max_attempts: i64,
    ) -> StoreResult<Result<AttemptRow, StartRefusal>> {
        let mut tx = self.begin().await?;
        let existing: Vec<AttemptRow> = on_tx!(&mut tx, conn, Db => {
            sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM lab_attempts WHERE tenant_id = $1 AND learning_path_id = $2 AND user_id = $3 \
                 ORDER BY number"))
                .bind(tenant_id).bind(new.learning_path_id).bind(new.user_id).fetch_all(&mut *conn).await?
        });
        if let Some(open) = existing
            .iter()
            .find(|a| a.submitted_at.is_none() && a.expires_at > new.started_at)
        {
            return Ok(Ok(open.clone()));
        }
        if existing.len() as i64 >= max_attempts {
            return Ok(Err(StartRefusal::NoAttemptsLeft));
        }
        let number = existing.last().map_or(1, |a| a.number + 1);
        let row: AttemptRow = on_tx!(&mut tx, conn, Db => {
            sqlx::query_as(&format!(
                "INSERT INTO lab_attempts (tenant_id, learning_path_id, user_id, number, seed, hidden, started_at, \
                 expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {COLUMNS}"))
                .bind(tenant_id.get()).bind(new.learning_path_id).bind(new.user_id).bind(number).bind(new.seed)
                .bind(&new.hidden).bind(new.started_at).bind(new.expires_at)
                .fetch_one(&mut *conn).await?
        });
        tx.commit().await?;
        Ok(Ok(row))
    }

    /// An attempt by id, within the tenant.
    pub async fn find_attempt(
        &self,
        tenant_id: TenantId,
        id: AttemptId,
    ) -> StoreResult<Option<AttemptRow>> {
        let sql = format!("SELECT {COLUMNS} FROM lab_attempts WHERE tenant_id = $1 AND id = $2");
        Ok(on_reader!(self, pool => {
            sqlx::query_as(&sql).bind(tenant_id.get()).bind(id).fetch_optional(pool).await?
        }))
    }

    /// Every attempt at these paths of the tenant (of one student when given), by path, student and number.
    pub async fn attempts_at(
        &self,
        tenant_id: TenantId,
        path_ids: &[LearningPathId],
        user_id: Option<UserId>,
    ) -> StoreResult<Vec<AttemptRow>> {
        if path_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(on_reader!(self, pool => {
            let mut query = QueryBuilder::new(format!("SELECT {COLUMNS} FROM lab_attempts WHERE tenant_id = "));
            query.push_bind(tenant_id.get());
            if let Some(user_id) = user_id {
                query.push(" AND user_id = ").push_bind(user_id);
            }
            query.push(" AND learning_path_id IN (");
            let mut separated = query.separated(", ");
            for id in path_ids {
                separated.push_bind(*id);
            }
            separated.push_unseparated(") ORDER BY learning_path_id, user_id, number");
            query.build_query_as().fetch_all(pool).await?
        }))
    }

    /// Adds reading `position` (the attempt's reading count when it was computed) to an open attempt: `Ok(false)`
    /// when the attempt was submitted meanwhile (or is not the tenant's), a `Conflict` when another reading took that
    /// position first.
    pub async fn add_reading(
        &self,
        tenant_id: TenantId,
        attempt_id: AttemptId,
        position: i64,
        setup: &str,
        reading: &str,
        taken_at: UnixMillis,
    ) -> StoreResult<bool> {
        let mut tx = self.begin().await?;
        let open: Option<AttemptId> = on_tx!(&mut tx, conn, Db => {
            sqlx::query_scalar("SELECT id FROM lab_attempts WHERE tenant_id = $1 AND id = $2 AND submitted_at IS NULL")
                .bind(tenant_id).bind(attempt_id).fetch_optional(&mut *conn).await?
        });
        if open.is_none() {
            return Ok(false);
        }
        on_tx!(&mut tx, conn, Db => {
            sqlx::query("INSERT INTO lab_readings (attempt_id, position, setup, reading, taken_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(attempt_id).bind(position).bind(setup).bind(reading).bind(taken_at)
                .execute(&mut *conn).await?;
        });
        tx.commit().await?;
        Ok(true)
    }

    /// The number of readings an attempt of the tenant has (the index the next one gets).
    pub async fn reading_count(
        &self,
        tenant_id: TenantId,
        attempt_id: AttemptId,
    ) -> StoreResult<i64> {
        let sql = "SELECT COUNT(*) FROM lab_readings r JOIN lab_attempts a ON a.id = r.attempt_id \
                   WHERE a.tenant_id = $1 AND r.attempt_id = $2";
        Ok(on_reader!(self, pool => {
            sqlx::query_scalar(sql).bind(tenant_id).bind(attempt_id).fetch_one(pool).await?
        }))
    }

    /// The readings of an attempt of the tenant, in the order taken.
    pub async fn readings_of(
        &self,
        tenant_id: TenantId,
        attempt_id: AttemptId,
    ) -> StoreResult<Vec<ReadingRow>> {
        let sql = "SELECT r.position, r.setup, r.reading, r.taken_at FROM lab_readings r \
                   JOIN lab_attempts a ON a.id = r.attempt_id AND a.tenant_id = $2 \
                   WHERE r.attempt_id = $1 ORDER BY r.position";
        Ok(on_reader!(self, pool => {
            sqlx::query_as(sql).bind(attempt_id).bind(tenant_id.get()).fetch_all(pool).await?
        }))
    }

    /// Records the graded submission of an open attempt of the tenant; `NotFound` when it was already submitted.
    pub async fn submit_attempt(
        &self,
        tenant_id: TenantId,
        attempt_id: AttemptId,
        submission: &str,
        score: i64,
        rubric: &str,
        submitted_at: UnixMillis,
    ) -> StoreResult<AttemptRow> {
        let sql = format!(
            "UPDATE lab_attempts SET submission = $2, score = $3, rubric = $4, submitted_at = $5 \
             WHERE id = $1 AND tenant_id = $6 AND submitted_at IS NULL RETURNING {COLUMNS}"
        );
        let row: Option<AttemptRow> = in_transaction!(self, tx => {
            sqlx::query_as(&sql).bind(attempt_id).bind(submission).bind(score).bind(rubric).bind(submitted_at)
                .bind(tenant_id).fetch_optional(&mut *tx).await?
        });
        row.ok_or(StoreError::NotFound)
    }
}
