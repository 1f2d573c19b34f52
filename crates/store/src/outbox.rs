//! The durable outbox of pushes to schools' servers (ClassIn's data subscription): messages are written in the
//! transaction of the change they report, and delivered per SID in `id` order by whichever process holds the
//! SID's lease; one not yet acknowledged blocks the ones after it. Times are Unix milliseconds.

use classbridge_domain::{CourseId, LessonId, TenantId, UnixMillis, UserId};

use crate::{
    classin::{
        courses::course_of_tenant,
        lessons::{lesson_of_tenant, LessonRow},
    },
    now_millis,
    tx::on_tx,
    Store, StoreResult, StoreTx, TenantTx,
};

/// A SID whose school receives pushes, and since when.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PushTarget {
    pub sid: i64,
    pub push_url: String,
    pub push_url_set_at: UnixMillis,
}

/// One message waiting for (or past) delivery.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxMessage {
    pub id: i64,
    pub sid: i64,
    pub message_key: String,
    pub cmd: String,
    pub body: String,
    pub attempts: i64,
    pub next_attempt_at: UnixMillis,
}

/// One SID's delivery state, for the CLI, the dashboard and the metrics.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PushQueueState {
    pub sid: i64,
    pub tenant_slug: String,
    pub push_url: Option<String>,
    pub pending: i64,
    pub oldest_pending_at: Option<UnixMillis>,
    pub delivered: i64,
    pub last_error: Option<String>,
    pub last_error_at: Option<UnixMillis>,
}

/// The tenant's SIDs that have a receiving URL (revoked ones excluded).
pub async fn push_targets(tx: &mut TenantTx) -> StoreResult<Vec<PushTarget>> {
    let tenant_id = tx.tenant_id();
    let sql = "SELECT sid, push_url, push_url_set_at FROM classin_credentials \
               WHERE tenant_id = $1 AND push_url IS NOT NULL AND revoked_at IS NULL ORDER BY sid";
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_as(sql).bind(tenant_id).fetch_all(&mut *conn).await?
    }))
}

/// Writes one message for one of the tenant's SIDs (another tenant's SID gets nothing), inside the change's
/// transaction. A `message_key` already written is skipped (a summary written twice by two nodes is sent once).
pub async fn enqueue(
    tx: &mut TenantTx,
    sid: i64,
    message_key: &str,
    cmd: &str,
    body: &str,
) -> StoreResult<()> {
    let tenant_id = tx.tenant_id();
    let owned = "SELECT COUNT(*) FROM classin_credentials WHERE sid = $1 AND tenant_id = $2";
    let count: i64 = on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(owned).bind(sid).bind(tenant_id.get()).fetch_one(&mut *conn).await?
    });
    if count == 0 {
        return Ok(());
    }
    write_message(tx.store_tx(), sid, message_key, cmd, body).await
}

/// Writes one message for one SID (the caller knows the SID is the one it acts for).
async fn write_message(
    tx: &mut StoreTx,
    sid: i64,
    message_key: &str,
    cmd: &str,
    body: &str,
) -> StoreResult<()> {
    let sql = "INSERT INTO classin_push_outbox (sid, message_key, cmd, body, created_at, next_attempt_at) \
               VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (message_key) DO NOTHING";
    on_tx!(tx, conn, Db => {
        sqlx::query(sql).bind(sid).bind(message_key).bind(cmd).bind(body).bind(now_millis())
            .execute(&mut *conn).await?;
    });
    Ok(())
}

impl Store {
    /// Sets (or with `None` removes) the SID's receiving URL; `false` when there is no such SID.
    ///
    /// A URL set is sent ClassIn's registration test first (`Cmd` `Test`, `Msg` `Register test.`), in the same
    /// transaction: as with ClassIn, nothing else reaches the receiver until it has acknowledged that test.
    ///
    /// Not tenant-scoped: the operator's command (CLI) names the SID, which names its tenant.
    pub async fn set_push_url(&self, sid: i64, url: Option<&str>) -> StoreResult<bool> {
        let sql =
            "UPDATE classin_credentials SET push_url = $2, push_url_set_at = $3 WHERE sid = $1";
        let now = now_millis();
        let mut tx = self.begin().await?;
        let changed = on_tx!(&mut tx, conn, Db => {
            sqlx::query(sql).bind(sid).bind(url).bind(url.map(|_| now))
                .execute(&mut *conn).await?.rows_affected()
        });
        if changed > 0 && url.is_some() {
            let test = serde_json::json!({"SID": sid, "Cmd": "Test", "Msg": "Register test."});
            write_message(
                &mut tx,
                sid,
                &format!("register-test-{sid}-{now}"),
                "Test",
                &test.to_string(),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(changed > 0)
    }

    /// SIDs with a message due at `now_ms` whose lease is free (or this owner's).
    ///
    /// Not tenant-scoped: the push delivery loop serves every school's SIDs.
    pub async fn due_push_sids(&self, now: UnixMillis, owner: &str) -> StoreResult<Vec<i64>> {
        let sql = "SELECT DISTINCT o.sid FROM classin_push_outbox o \
                   LEFT JOIN classin_push_state s ON s.sid = o.sid \
                   WHERE o.delivered_at IS NULL AND o.next_attempt_at <= $1 \
                   AND (s.lease_until IS NULL OR s.lease_until < $1 OR s.lease_owner = $2) ORDER BY o.sid";
        Ok(on_reader!(self, pool => {
            sqlx::query_scalar(sql).bind(now).bind(owner).fetch_all(pool).await?
        }))
    }

    /// Takes (or renews) the SID's delivery lease until `until_ms`; `false` when another owner holds it.
    ///
    /// Not tenant-scoped: the push delivery loop serves every school's SIDs.
    pub async fn lease_push_sid(
        &self,
        sid: i64,
        owner: &str,
        now_ms: UnixMillis,
        until_ms: UnixMillis,
    ) -> StoreResult<bool> {
        let insert =
            "INSERT INTO classin_push_state (sid) VALUES ($1) ON CONFLICT (sid) DO NOTHING";
        let take =
            "UPDATE classin_push_state SET lease_owner = $2, lease_until = $4 WHERE sid = $1 \
                    AND (lease_until IS NULL OR lease_until < $3 OR lease_owner = $2)";
        let taken = in_transaction!(self, tx => {
            sqlx::query(insert).bind(sid).execute(&mut *tx).await?;
            sqlx::query(take).bind(sid).bind(owner).bind(now_ms).bind(until_ms)
                .execute(&mut *tx).await?.rows_affected()
        });
        Ok(taken > 0)
    }

    /// Gives the lease back.
    ///
    /// Not tenant-scoped: the push delivery loop serves every school's SIDs.
    pub async fn release_push_sid(&self, sid: i64, owner: &str) -> StoreResult<()> {
        let sql = "UPDATE classin_push_state SET lease_owner = NULL, lease_until = NULL \
                   WHERE sid = $1 AND lease_owner = $2";
        in_transaction!(self, tx => {
            sqlx::query(sql).bind(sid).bind(owner).execute(&mut *tx).await?;
        });
        Ok(())
    }

    /// The SID's first message not yet acknowledged, with the SID's receiving URL.
    ///
    /// Not tenant-scoped: the push delivery loop serves every school's SIDs.
    pub async fn head_push_message(
        &self,
        sid: i64,
    ) -> StoreResult<Option<(OutboxMessage, Option<String>)>> {
        let sql = "SELECT id, sid, message_key, cmd, body, attempts, next_attempt_at FROM classin_push_outbox \
                   WHERE sid = $1 AND delivered_at IS NULL ORDER BY id LIMIT 1";
        let url = "SELECT push_url FROM classin_credentials WHERE sid = $1";
        Ok(on_reader!(self, pool => {
            let head: Option<OutboxMessage> = sqlx::query_as(sql).bind(sid).fetch_optional(pool).await?;
            match head {
                Some(head) => {
                    let url: Option<Option<String>> = sqlx::query_scalar(url).bind(sid).fetch_optional(pool).await?;
                    Some((head, url.flatten()))
                }
                None => None,
            }
        }))
    }

    /// Notes the receiver's acknowledgement: the message is never sent again. Only while `owner` holds the lease.
    ///
    /// Not tenant-scoped: the push delivery loop serves every school's SIDs.
    pub async fn push_delivered(
        &self,
        message: &OutboxMessage,
        owner: &str,
        now_ms: UnixMillis,
    ) -> StoreResult<()> {
        let done = "UPDATE classin_push_outbox SET delivered_at = $2, attempts = attempts + 1, last_error = NULL \
                    WHERE id = $1 AND delivered_at IS NULL";
        let state = "UPDATE classin_push_state SET delivered = delivered + 1 WHERE sid = $1 AND lease_owner = $2";
        in_transaction!(self, tx => {
            sqlx::query(done).bind(message.id).bind(now_ms).execute(&mut *tx).await?;
            sqlx::query(state).bind(message.sid).bind(owner).execute(&mut *tx).await?;
        });
        Ok(())
    }

    /// Notes a failed attempt; the message is tried again at `retry_at_ms`.
    ///
    /// Not tenant-scoped: the push delivery loop serves every school's SIDs.
    pub async fn push_failed(
        &self,
        message: &OutboxMessage,
        error: &str,
        now_ms: UnixMillis,
        retry_at_ms: UnixMillis,
    ) -> StoreResult<()> {
        let outbox = "UPDATE classin_push_outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3 \
                      WHERE id = $1";
        let state =
            "UPDATE classin_push_state SET last_error = $2, last_error_at = $3 WHERE sid = $1";
        in_transaction!(self, tx => {
            sqlx::query(outbox).bind(message.id).bind(error).bind(retry_at_ms).execute(&mut *tx).await?;
            sqlx::query(state).bind(message.sid).bind(error).bind(now_ms).execute(&mut *tx).await?;
        });
        Ok(())
    }

    /// Every SID with a receiving URL or messages: pending count, oldest pending, delivered count, last error.
    ///
    /// Not tenant-scoped: the operator's view (CLI, dashboard, metrics) of every school's queue.
    pub async fn push_queue_states(&self) -> StoreResult<Vec<PushQueueState>> {
        let sql = "SELECT c.sid, t.slug AS tenant_slug, c.push_url, \
                   (SELECT COUNT(*) FROM classin_push_outbox o WHERE o.sid = c.sid AND o.delivered_at IS NULL) AS pending, \
                   (SELECT MIN(o.created_at) FROM classin_push_outbox o WHERE o.sid = c.sid AND o.delivered_at IS NULL) \
                     AS oldest_pending_at, \
                   COALESCE(s.delivered, 0) AS delivered, s.last_error, s.last_error_at \
                   FROM classin_credentials c JOIN tenants t ON t.id = c.tenant_id \
                   LEFT JOIN classin_push_state s ON s.sid = c.sid \
                   WHERE c.push_url IS NOT NULL OR EXISTS (SELECT 1 FROM classin_push_outbox o WHERE o.sid = c.sid) \
                   ORDER BY c.sid";
        Ok(on_reader!(self, pool => sqlx::query_as(sql).fetch_all(pool).await?))
    }
}

/// A lesson whose end-of-lesson messages are due.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LessonToSummarise {
    pub id: LessonId,
    pub tenant_id: TenantId,
    pub ends_at: UnixMillis,
}

impl Store {
    /// Lessons closed (ended at least `close_after_ms` before `now_ms`) and not yet summarised, oldest first.
    ///
    /// Not tenant-scoped: the summary worker runs over every school; each lesson it finds is then summarised in a
    /// transaction bound to the lesson's tenant.
    pub async fn lessons_to_summarise(
        &self,
        now_ms: UnixMillis,
        close_after_ms: i64,
        limit: i64,
    ) -> StoreResult<Vec<LessonToSummarise>> {
        let sql = "SELECT id, tenant_id, ends_at FROM classin_lessons WHERE summarised_at IS NULL AND ends_at <= $1 \
                   ORDER BY ends_at, id LIMIT $2";
        Ok(on_reader!(self, pool => {
            sqlx::query_as(sql).bind(now_ms.plus_millis(-close_after_ms)).bind(limit).fetch_all(pool).await?
        }))
    }
}

/// Marks a lesson summarised; `false` when another process did it first (its messages are theirs to write).
pub async fn mark_summarised(
    tx: &mut TenantTx,
    lesson_id: LessonId,
    now_ms: UnixMillis,
) -> StoreResult<bool> {
    let sql = "UPDATE classin_lessons SET summarised_at = $2 WHERE id = $1 AND tenant_id = $3 \
               AND summarised_at IS NULL";
    let tenant_id = tx.tenant_id();
    let changed = on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(sql).bind(lesson_id).bind(now_ms).bind(tenant_id.get()).execute(&mut *conn).await?.rows_affected()
    });
    Ok(changed > 0)
}

/// Whose students [`lesson_student_names`] lists: a course's (students and auditors), or a lesson's.
#[derive(Debug, Clone, Copy)]
pub enum StudentsOf<'a> {
    Course(CourseId),
    /// The lesson's own list when it has one, else its course's; with whoever booked a seat either way.
    Lesson(&'a LessonRow),
}

/// The students who may join a lesson (or any lesson of a course), with their names.
pub async fn lesson_student_names(
    tx: &mut TenantTx,
    students_of: StudentsOf<'_>,
) -> StoreResult<Vec<(UserId, String)>> {
    // Those who booked a seat are the lesson's students too.
    let booked = format!(
        "SELECT b.user_id, u.name FROM classin_lesson_bookings b JOIN users u ON u.id = b.user_id \
         WHERE b.lesson_id = $1 AND {}",
        lesson_of_tenant(2)
    );
    let of_course = |course_id: CourseId| {
        let sql = format!(
            "SELECT s.user_id, COALESCE(s.name, u.name) AS name FROM classin_course_students s \
             JOIN users u ON u.id = s.user_id WHERE s.course_id = $1 AND {} ORDER BY s.user_id",
            course_of_tenant(2)
        );
        (sql, course_id.get())
    };
    // The list asked for, and the lesson whose bookings are added to it (its own list has them already).
    let ((sql, key), add_bookings_of) = match students_of {
        StudentsOf::Course(course_id) => (of_course(course_id), None),
        StudentsOf::Lesson(lesson) if lesson.has_student_list => {
            let sql = format!(
                "SELECT user_id, name FROM (SELECT s.user_id, COALESCE(s.name, u.name) AS name \
                 FROM classin_lesson_students s JOIN users u ON u.id = s.user_id WHERE s.lesson_id = $1 \
                 AND {} UNION {booked}) AS people ORDER BY user_id",
                lesson_of_tenant(2)
            );
            ((sql, lesson.id.get()), None)
        }
        StudentsOf::Lesson(lesson) => (of_course(lesson.course_id), Some(lesson.id)),
    };
    let tenant_id = tx.tenant_id();
    let mut people: Vec<(UserId, String)> = on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_as(&sql).bind(key).bind(tenant_id.get()).fetch_all(&mut *conn).await?
    });
    if let Some(lesson_id) = add_bookings_of {
        let bookings: Vec<(UserId, String)> = on_tx!(tx.store_tx(), conn, Db => {
            sqlx::query_as(&booked).bind(lesson_id).bind(tenant_id.get()).fetch_all(&mut *conn).await?
        });
        for person in bookings {
            if !people.iter().any(|(uid, _)| *uid == person.0) {
                people.push(person);
            }
        }
    }
    Ok(people)
}

/// The tenant's person's name (the users table), if they exist.
pub async fn person_name(tx: &mut TenantTx, user_id: UserId) -> StoreResult<Option<String>> {
    let sql = "SELECT name FROM users WHERE id = $1 AND tenant_id = $2";
    let tenant_id = tx.tenant_id();
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(sql).bind(user_id).bind(tenant_id.get()).fetch_optional(&mut *conn).await?
    }))
}
