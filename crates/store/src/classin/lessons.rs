//! Lessons of the scheduling API (ClassIn's "classes"), their assistants and their own student lists, read and
//! written inside the caller's transaction.

use classbridge_domain::{
    CourseId, LessonId, LessonPhase, LessonState, StudentIdentity, UnixMillis, Unsaved, UserId,
};
use sqlx::QueryBuilder;

use crate::{now_millis, tx::on_tx, StoreResult, TenantTx};

/// A lesson as stored; a change is made by writing the whole row back. Times are Unix milliseconds. A lesson being
/// made is a [`NewLesson`]: the same fields, and no id until it is inserted.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LessonRow<Id = LessonId> {
    pub id: Id,
    pub course_id: CourseId,
    pub name: String,
    pub introduction: Option<String>,
    pub begins_at: UnixMillis,
    pub ends_at: UnixMillis,
    pub teacher_id: Option<UserId>,
    pub seat_count: i64,
    pub record: bool,
    pub live: bool,
    pub replay: bool,
    pub bookable: bool,
    pub has_student_list: bool,
    pub unique_identity: Option<String>,
    pub deleted_at: Option<UnixMillis>,
}

/// A lesson not inserted yet.
pub type NewLesson = LessonRow<Unsaved>;

impl NewLesson {
    /// The lesson as stored under the id its insert gave it.
    pub fn saved_as(self, id: LessonId) -> LessonRow {
        LessonRow {
            id,
            course_id: self.course_id,
            name: self.name,
            introduction: self.introduction,
            begins_at: self.begins_at,
            ends_at: self.ends_at,
            teacher_id: self.teacher_id,
            seat_count: self.seat_count,
            record: self.record,
            live: self.live,
            replay: self.replay,
            bookable: self.bookable,
            has_student_list: self.has_student_list,
            unique_identity: self.unique_identity,
            deleted_at: self.deleted_at,
        }
    }
}

impl<Id> LessonRow<Id> {
    /// Where the lesson stands by its times at `now`, whether or not it was deleted.
    pub fn phase(&self, now: UnixMillis) -> LessonPhase {
        LessonPhase::at(self.begins_at, self.ends_at, now)
    }

    /// Where the lesson stands at `now`: deleted, or its phase.
    pub fn state(&self, now: UnixMillis) -> LessonState {
        LessonState::at(self.begins_at, self.ends_at, self.deleted_at.is_some(), now)
    }
}

pub(crate) const LESSON_COLUMNS: &str =
    "id, course_id, name, introduction, begins_at, ends_at, teacher_id, seat_count, \
     record, live, replay, bookable, has_student_list, unique_identity, deleted_at";

/// The predicate that scopes a row of a lesson's join table (`lesson_id = $1`) to the tenant (parameter
/// `tenant_parameter`) through the lesson.
pub(crate) fn lesson_of_tenant(tenant_parameter: u8) -> String {
    format!(
        "EXISTS (SELECT 1 FROM classin_lessons scoped WHERE scoped.id = $1 AND scoped.tenant_id = ${tenant_parameter})"
    )
}

/// Whether the lesson is the transaction's tenant's (a write to its join tables is skipped when it is not).
pub(crate) async fn lesson_is_tenants(tx: &mut TenantTx, lesson_id: LessonId) -> StoreResult<bool> {
    let tenant_id = tx.tenant_id();
    let sql = "SELECT COUNT(*) FROM classin_lessons WHERE id = $1 AND tenant_id = $2";
    let count: i64 = on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(sql).bind(lesson_id).bind(tenant_id.get()).fetch_one(&mut *conn).await?
    });
    Ok(count > 0)
}

/// The tenant's lesson with this id in this course (deleted ones too: the caller says so).
pub async fn find_lesson(
    tx: &mut TenantTx,
    course_id: CourseId,
    lesson_id: LessonId,
) -> StoreResult<Option<LessonRow>> {
    let tenant_id = tx.tenant_id();
    let sql = format!(
        "SELECT {LESSON_COLUMNS} FROM classin_lessons WHERE tenant_id = $1 AND course_id = $2 AND id = $3"
    );
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_as(&sql).bind(tenant_id.get()).bind(course_id).bind(lesson_id).fetch_optional(&mut *conn).await?
    }))
}

/// The school's lesson (not deleted) made earlier with this `courseUniqueIdentity`: identities are unique across
/// the school's lessons, and deleting a lesson frees its identity.
pub async fn find_lesson_by_unique_identity(
    tx: &mut TenantTx,
    unique_identity: &str,
) -> StoreResult<Option<LessonRow>> {
    let tenant_id = tx.tenant_id();
    let sql = format!(
        "SELECT {LESSON_COLUMNS} FROM classin_lessons WHERE tenant_id = $1 AND unique_identity = $2 \
         AND deleted_at IS NULL"
    );
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_as(&sql).bind(tenant_id.get()).bind(unique_identity).fetch_optional(&mut *conn).await?
    }))
}

/// The tenant's lesson with this id in any course (to tell "not in this course" from "no such lesson").
pub async fn find_lesson_in_school(
    tx: &mut TenantTx,
    lesson_id: LessonId,
) -> StoreResult<Option<LessonRow>> {
    let tenant_id = tx.tenant_id();
    let sql =
        format!("SELECT {LESSON_COLUMNS} FROM classin_lessons WHERE tenant_id = $1 AND id = $2");
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_as(&sql).bind(tenant_id.get()).bind(lesson_id).fetch_optional(&mut *conn).await?
    }))
}

/// Frees a deleted lesson's `courseUniqueIdentity` for a new lesson.
pub async fn free_unique_identity(tx: &mut TenantTx, lesson_id: LessonId) -> StoreResult<()> {
    let tenant_id = tx.tenant_id();
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query("UPDATE classin_lessons SET unique_identity = NULL WHERE id = $1 AND tenant_id = $2")
            .bind(lesson_id).bind(tenant_id.get()).execute(&mut *conn).await?;
    });
    Ok(())
}

/// The course's lessons that are not deleted, by start.
pub async fn course_lessons(tx: &mut TenantTx, course_id: CourseId) -> StoreResult<Vec<LessonRow>> {
    let sql = format!(
        "SELECT {LESSON_COLUMNS} FROM classin_lessons WHERE course_id = $1 AND tenant_id = $2 \
         AND deleted_at IS NULL ORDER BY begins_at, id"
    );
    let tenant_id = tx.tenant_id();
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_as(&sql).bind(course_id).bind(tenant_id.get()).fetch_all(&mut *conn).await?
    }))
}

/// How many lessons that are not deleted and have not ended (at `now_ms`) the person teaches or assists, in one
/// course or (`None`) in the whole school.
pub async fn count_unfinished_lessons_taught(
    tx: &mut TenantTx,
    course_id: Option<CourseId>,
    user_id: UserId,
    now_ms: UnixMillis,
) -> StoreResult<i64> {
    let tenant_id = tx.tenant_id();
    let sql = "SELECT COUNT(*) FROM classin_lessons l WHERE l.tenant_id = $1 AND l.deleted_at IS NULL \
               AND l.ends_at > $3 AND ($4 = 0 OR l.course_id = $4) AND (l.teacher_id = $2 OR EXISTS \
               (SELECT 1 FROM classin_lesson_assistants a WHERE a.lesson_id = l.id AND a.user_id = $2))";
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(sql).bind(tenant_id.get()).bind(user_id).bind(now_ms).bind(course_id.map_or(0, CourseId::get))
            .fetch_one(&mut *conn).await?
    }))
}

/// Takes the person off the course's teacher list; `false` when they were not on it.
pub async fn delete_course_teacher(
    tx: &mut TenantTx,
    course_id: CourseId,
    user_id: UserId,
) -> StoreResult<bool> {
    let sql = "DELETE FROM classin_course_teachers WHERE course_id = $1 AND user_id = $2 \
               AND EXISTS (SELECT 1 FROM classin_courses c WHERE c.id = $1 AND c.tenant_id = $3)";
    let tenant_id = tx.tenant_id();
    let deleted = on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(sql).bind(course_id).bind(user_id).bind(tenant_id.get()).execute(&mut *conn).await?.rows_affected()
    });
    Ok(deleted > 0)
}

/// Inserts a new lesson and returns its id.
pub async fn insert_lesson(tx: &mut TenantTx, lesson: &NewLesson) -> StoreResult<LessonId> {
    let tenant_id = tx.tenant_id();
    let sql = "INSERT INTO classin_lessons (tenant_id, course_id, name, introduction, begins_at, ends_at, teacher_id, \
               seat_count, record, live, replay, bookable, has_student_list, unique_identity, deleted_at, created_at, \
               updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) \
               RETURNING id";
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(sql)
            .bind(tenant_id.get()).bind(lesson.course_id).bind(&lesson.name).bind(&lesson.introduction)
            .bind(lesson.begins_at).bind(lesson.ends_at).bind(lesson.teacher_id).bind(lesson.seat_count)
            .bind(lesson.record).bind(lesson.live).bind(lesson.replay).bind(lesson.bookable)
            .bind(lesson.has_student_list).bind(&lesson.unique_identity).bind(lesson.deleted_at).bind(now_millis())
            .fetch_one(&mut *conn).await?
    }))
}

/// Writes the lesson's fields back (all but its id, course and unique identity).
pub async fn update_lesson(tx: &mut TenantTx, lesson: &LessonRow) -> StoreResult<()> {
    let tenant_id = tx.tenant_id();
    let sql = "UPDATE classin_lessons SET name = $3, introduction = $4, begins_at = $5, ends_at = $6, teacher_id = $7, \
               seat_count = $8, record = $9, live = $10, replay = $11, bookable = $12, has_student_list = $13, \
               deleted_at = $14, updated_at = $15 WHERE tenant_id = $1 AND id = $2";
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(sql)
            .bind(tenant_id.get()).bind(lesson.id).bind(&lesson.name).bind(&lesson.introduction)
            .bind(lesson.begins_at).bind(lesson.ends_at).bind(lesson.teacher_id).bind(lesson.seat_count)
            .bind(lesson.record).bind(lesson.live).bind(lesson.replay).bind(lesson.bookable)
            .bind(lesson.has_student_list).bind(lesson.deleted_at).bind(now_millis())
            .execute(&mut *conn).await?;
    });
    super::bookings::move_bookings(tx, lesson).await
}

pub async fn lesson_assistants(tx: &mut TenantTx, lesson_id: LessonId) -> StoreResult<Vec<UserId>> {
    let sql = format!("SELECT user_id FROM classin_lesson_assistants WHERE lesson_id = $1 AND {} ORDER BY user_id", lesson_of_tenant(2));
    let tenant_id = tx.tenant_id();
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(&sql).bind(lesson_id).bind(tenant_id.get()).fetch_all(&mut *conn).await?
    }))
}

/// Replaces the lesson's assistants.
pub async fn set_lesson_assistants(
    tx: &mut TenantTx,
    lesson_id: LessonId,
    user_ids: &[UserId],
) -> StoreResult<()> {
    if !lesson_is_tenants(tx, lesson_id).await? {
        return Ok(());
    }
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query("DELETE FROM classin_lesson_assistants WHERE lesson_id = $1")
            .bind(lesson_id).execute(&mut *conn).await?;
        if !user_ids.is_empty() {
            let mut query = QueryBuilder::<Db>::new("INSERT INTO classin_lesson_assistants (lesson_id, user_id) ");
            query.push_values(user_ids, |mut row, id| {
                row.push_bind(lesson_id).push_bind(*id);
            });
            query.build().execute(&mut *conn).await?;
        }
    });
    Ok(())
}

/// Whether the person is on the lesson's own student list.
pub async fn is_lesson_student(
    tx: &mut TenantTx,
    lesson_id: LessonId,
    user_id: UserId,
) -> StoreResult<bool> {
    let sql = format!(
        "SELECT COUNT(*) FROM classin_lesson_students WHERE lesson_id = $1 AND user_id = $2 AND {}",
        lesson_of_tenant(3)
    );
    let tenant_id = tx.tenant_id();
    let count: i64 = on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(&sql).bind(lesson_id).bind(user_id).bind(tenant_id.get()).fetch_one(&mut *conn).await?
    });
    Ok(count > 0)
}

/// Puts the person on the lesson's own student list (which from then on decides who may join it).
pub async fn insert_lesson_student(
    tx: &mut TenantTx,
    lesson_id: LessonId,
    user_id: UserId,
    identity: StudentIdentity,
    name: Option<&str>,
) -> StoreResult<()> {
    let insert =
        "INSERT INTO classin_lesson_students (lesson_id, user_id, identity, name, created_at) \
                  VALUES ($1, $2, $3, $4, $5)";
    let listed = "UPDATE classin_lessons SET has_student_list = TRUE WHERE id = $1";
    if !lesson_is_tenants(tx, lesson_id).await? {
        return Ok(());
    }
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(insert)
            .bind(lesson_id).bind(user_id).bind(identity).bind(name).bind(now_millis())
            .execute(&mut *conn).await?;
        sqlx::query(listed).bind(lesson_id).execute(&mut *conn).await?;
    });
    Ok(())
}

/// Takes the person off the lesson's own student list; `false` when they were not on it.
pub async fn delete_lesson_student(
    tx: &mut TenantTx,
    lesson_id: LessonId,
    user_id: UserId,
) -> StoreResult<bool> {
    let sql = format!(
        "DELETE FROM classin_lesson_students WHERE lesson_id = $1 AND user_id = $2 AND {}",
        lesson_of_tenant(3)
    );
    let tenant_id = tx.tenant_id();
    let deleted = on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(&sql).bind(lesson_id).bind(user_id).bind(tenant_id.get()).execute(&mut *conn).await?.rows_affected()
    });
    Ok(deleted > 0)
}
