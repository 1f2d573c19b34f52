//! Seat bookings of bookable lessons (Mode B) and who entered a lesson. A booking is written only while the
//! lesson's row is locked (`FOR UPDATE` on PostgreSQL; on SQLite the single writer's `BEGIN IMMEDIATE` already
//! serialises every write), and a student's bookings only while their row is, so seats and overlaps are exact on
//! any number of nodes.

use classbridge_domain::{LessonId, LessonRole, Role, TenantId, UnixMillis, UserId};

use super::lessons::{lesson_is_tenants, lesson_of_tenant, LessonRow, LESSON_COLUMNS};
use crate::{tx::on_tx, Store, StoreResult, TenantTx};

/// How the person is tied to a lesson, beyond teaching it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LessonTies {
    pub assistant: bool,
    /// On the lesson's own student list.
    pub listed: bool,
    pub booked: bool,
    /// A student or auditor of the lesson's course.
    pub in_course: bool,
}

/// Another lesson the student booked whose time overlaps.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OverlappingBooking {
    pub lesson_id: LessonId,
    pub name: String,
    pub begins_at: UnixMillis,
    pub ends_at: UnixMillis,
}

fn for_update(tx: &TenantTx) -> &'static str {
    if tx.on_postgres() {
        " FOR UPDATE"
    } else {
        ""
    }
}

/// The tenant's lesson, its row locked until the transaction ends.
pub async fn lock_lesson(tx: &mut TenantTx, lesson_id: LessonId) -> StoreResult<Option<LessonRow>> {
    let tenant_id = tx.tenant_id();
    let sql = format!(
        "SELECT {LESSON_COLUMNS} FROM classin_lessons WHERE tenant_id = $1 AND id = $2{}",
        for_update(tx)
    );
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_as(&sql).bind(tenant_id.get()).bind(lesson_id).fetch_optional(&mut *conn).await?
    }))
}

/// Locks the tenant's person's row until the transaction ends (their bookings are decided one at a time).
pub async fn lock_person(tx: &mut TenantTx, user_id: UserId) -> StoreResult<()> {
    let sql = format!(
        "SELECT id FROM users WHERE id = $1 AND tenant_id = $2{}",
        for_update(tx)
    );
    let tenant_id = tx.tenant_id();
    on_tx!(tx.store_tx(), conn, Db => {
        let _: Option<i64> = sqlx::query_scalar(&sql).bind(user_id).bind(tenant_id.get())
            .fetch_optional(&mut *conn).await?;
    });
    Ok(())
}

const TIES: &str = "SELECT 'assistant' FROM classin_lesson_assistants WHERE lesson_id = $1 AND user_id = $2 \
    UNION ALL SELECT 'listed' FROM classin_lesson_students WHERE lesson_id = $1 AND user_id = $2 \
    UNION ALL SELECT 'booked' FROM classin_lesson_bookings WHERE lesson_id = $1 AND user_id = $2 \
    UNION ALL SELECT 'in_course' FROM classin_course_students WHERE course_id = $3 AND user_id = $2";

impl LessonTies {
    fn from_tags(tags: &[String]) -> Self {
        let has = |tag: &str| tags.iter().any(|t| t == tag);
        Self {
            assistant: has("assistant"),
            listed: has("listed"),
            booked: has("booked"),
            in_course: has("in_course"),
        }
    }
}

/// How the person is tied to the lesson, inside a transaction.
pub async fn lesson_ties(
    tx: &mut TenantTx,
    lesson: &LessonRow,
    user_id: UserId,
) -> StoreResult<LessonTies> {
    if !lesson_is_tenants(tx, lesson.id).await? {
        return Ok(LessonTies::default());
    }
    let tags: Vec<String> = on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(TIES).bind(lesson.id).bind(user_id).bind(lesson.course_id).fetch_all(&mut *conn).await?
    });
    Ok(LessonTies::from_tags(&tags))
}

impl Store {
    /// How the person is tied to the tenant's lesson, read outside any transaction (for pages).
    pub async fn lesson_ties(
        &self,
        tenant_id: TenantId,
        lesson: &LessonRow,
        user_id: UserId,
    ) -> StoreResult<LessonTies> {
        let sql = format!(
            "SELECT * FROM ({TIES}) ties WHERE EXISTS \
             (SELECT 1 FROM classin_lessons l WHERE l.id = $1 AND l.tenant_id = $4)"
        );
        let tags: Vec<String> = on_reader!(self, pool => {
            sqlx::query_scalar(&sql).bind(lesson.id).bind(user_id).bind(lesson.course_id).bind(tenant_id.get())
                .fetch_all(pool).await?
        });
        Ok(LessonTies::from_tags(&tags))
    }
}

pub async fn count_bookings(tx: &mut TenantTx, lesson_id: LessonId) -> StoreResult<i64> {
    let sql = format!(
        "SELECT COUNT(*) FROM classin_lesson_bookings WHERE lesson_id = $1 AND {}",
        lesson_of_tenant(2)
    );
    let tenant_id = tx.tenant_id();
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(&sql).bind(lesson_id).bind(tenant_id.get()).fetch_one(&mut *conn).await?
    }))
}

/// When the person booked the lesson, if they did.
pub async fn find_booking(
    tx: &mut TenantTx,
    lesson_id: LessonId,
    user_id: UserId,
) -> StoreResult<Option<UnixMillis>> {
    let sql = format!(
        "SELECT created_at FROM classin_lesson_bookings WHERE lesson_id = $1 AND user_id = $2 AND {}",
        lesson_of_tenant(3)
    );
    let tenant_id = tx.tenant_id();
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(&sql).bind(lesson_id).bind(user_id).bind(tenant_id.get()).fetch_optional(&mut *conn).await?
    }))
}

/// One of the student's bookings of another (not deleted) lesson that overlaps `[begins_at, ends_at)`.
pub async fn overlapping_booking(
    tx: &mut TenantTx,
    user_id: UserId,
    lesson: &LessonRow,
) -> StoreResult<Option<OverlappingBooking>> {
    let sql = "SELECT l.id AS lesson_id, l.name, l.begins_at, l.ends_at \
               FROM classin_lesson_bookings b JOIN classin_lessons l ON l.id = b.lesson_id \
               WHERE b.user_id = $1 AND b.lesson_id <> $2 AND b.begins_at < $4 AND b.ends_at > $3 \
               AND l.deleted_at IS NULL AND l.tenant_id = $5 ORDER BY b.begins_at LIMIT 1";
    let tenant_id = tx.tenant_id();
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_as(sql)
            .bind(user_id).bind(lesson.id).bind(lesson.begins_at).bind(lesson.ends_at).bind(tenant_id.get())
            .fetch_optional(&mut *conn).await?
    }))
}

pub async fn insert_booking(
    tx: &mut TenantTx,
    lesson: &LessonRow,
    user_id: UserId,
    booked_at: UnixMillis,
) -> StoreResult<()> {
    let sql =
        "INSERT INTO classin_lesson_bookings (lesson_id, user_id, begins_at, ends_at, created_at) \
               VALUES ($1, $2, $3, $4, $5)";
    if !lesson_is_tenants(tx, lesson.id).await? {
        return Ok(());
    }
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(sql)
            .bind(lesson.id).bind(user_id).bind(lesson.begins_at).bind(lesson.ends_at).bind(booked_at)
            .execute(&mut *conn).await?;
    });
    Ok(())
}

/// Cancels the person's booking; `false` when they held none.
pub async fn delete_booking(
    tx: &mut TenantTx,
    lesson_id: LessonId,
    user_id: UserId,
) -> StoreResult<bool> {
    let sql = format!(
        "DELETE FROM classin_lesson_bookings WHERE lesson_id = $1 AND user_id = $2 AND {}",
        lesson_of_tenant(3)
    );
    let tenant_id = tx.tenant_id();
    let deleted = on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(&sql).bind(lesson_id).bind(user_id).bind(tenant_id.get()).execute(&mut *conn).await?.rows_affected()
    });
    Ok(deleted > 0)
}

/// Keeps the bookings' copy of the lesson's times in step when the lesson is moved.
pub async fn move_bookings(tx: &mut TenantTx, lesson: &LessonRow) -> StoreResult<()> {
    let sql = format!(
        "UPDATE classin_lesson_bookings SET begins_at = $2, ends_at = $3 WHERE lesson_id = $1 \
         AND (begins_at <> $2 OR ends_at <> $3) AND {}",
        lesson_of_tenant(4)
    );
    let tenant_id = tx.tenant_id();
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(&sql).bind(lesson.id).bind(lesson.begins_at).bind(lesson.ends_at).bind(tenant_id.get())
            .execute(&mut *conn).await?;
    });
    Ok(())
}

/// Records that the person entered the lesson's room now.
pub async fn record_entry(
    tx: &mut TenantTx,
    lesson_id: LessonId,
    user_id: UserId,
    role: LessonRole,
    now_ms: UnixMillis,
) -> StoreResult<()> {
    let sql = "INSERT INTO classin_lesson_attendance \
               (lesson_id, user_id, role, first_entered_at, last_entered_at, entries) VALUES ($1, $2, $3, $4, $4, 1) \
               ON CONFLICT (lesson_id, user_id) DO UPDATE SET last_entered_at = excluded.last_entered_at, \
               role = excluded.role, entries = classin_lesson_attendance.entries + 1";
    if !lesson_is_tenants(tx, lesson_id).await? {
        return Ok(());
    }
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(sql).bind(lesson_id).bind(user_id).bind(role).bind(now_ms).execute(&mut *conn).await?;
    });
    Ok(())
}

/// Whether the person is a student of the school: the tenant's person, given the student role or a student of a
/// mirrored section.
pub async fn is_student(tx: &mut TenantTx, user_id: UserId) -> StoreResult<bool> {
    let sql = format!(
        "SELECT COUNT(*) FROM (SELECT user_id FROM user_roles WHERE user_id = $1 AND role_id = {} \
         UNION ALL SELECT user_id FROM section_students WHERE user_id = $1) AS student \
         WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = $1 AND u.tenant_id = $2)",
        Role::Student.id()
    );
    let tenant_id = tx.tenant_id();
    let count: i64 = on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(&sql).bind(user_id).bind(tenant_id.get()).fetch_one(&mut *conn).await?
    });
    Ok(count > 0)
}
