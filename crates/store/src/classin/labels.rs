//! The school's labels and the labels of its courses and lessons (ClassIn's `addSchoolLabel`, `addCourseLabels`,
//! `addClassLabels`), the teacher's comments on the students of a lesson (`updateClassStudentComment`), read and
//! written inside the caller's transaction; the read-back reads them, and a course's teacher list, from the pool.

use classbridge_domain::{CourseId, LabelId, LessonId, TenantId, UnixMillis, UserId};
use sqlx::QueryBuilder;

use crate::{now_millis, tx::on_tx, Store, StoreResult, TenantTx};

/// A label of the school; `deleted_at` is set once deleted.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LabelRow {
    pub id: LabelId,
    pub tenant_id: TenantId,
    pub name: String,
    pub deleted_at: Option<UnixMillis>,
}

/// A label as the read-back shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Label {
    pub id: LabelId,
    pub name: String,
}

/// A teacher on a course's list, with their name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CourseTeacher {
    pub id: UserId,
    pub name: String,
}

/// A comment on a student of a lesson, with the student's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LessonComment {
    pub user_id: UserId,
    pub name: String,
    pub stars: i64,
    pub comment: String,
    pub updated_at: UnixMillis,
}

/// A label looked up by id: the tenant's own, or another school's (of which only "deleted or not" is shown, as
/// ClassIn tells "not yours" from "none").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FoundLabel {
    Ours(LabelRow),
    OfAnotherSchool { deleted: bool },
}

/// The label with this id: the tenant's, or the news that it is another school's.
pub async fn find_label(tx: &mut TenantTx, label_id: LabelId) -> StoreResult<Option<FoundLabel>> {
    let tenant_id = tx.tenant_id();
    let sql = "SELECT id, tenant_id, name, deleted_at FROM classin_labels WHERE id = $1";
    let found: Option<LabelRow> = on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_as(sql).bind(label_id).fetch_optional(&mut *conn).await?
    });
    Ok(found.map(|label| {
        if label.tenant_id == tenant_id {
            FoundLabel::Ours(label)
        } else {
            FoundLabel::OfAnotherSchool {
                deleted: label.deleted_at.is_some(),
            }
        }
    }))
}

/// The school's label with this name that is not deleted.
pub async fn find_label_by_name(tx: &mut TenantTx, name: &str) -> StoreResult<Option<LabelRow>> {
    let tenant_id = tx.tenant_id();
    let sql = "SELECT id, tenant_id, name, deleted_at FROM classin_labels \
               WHERE tenant_id = $1 AND name = $2 AND deleted_at IS NULL";
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_as(sql).bind(tenant_id.get()).bind(name).fetch_optional(&mut *conn).await?
    }))
}

/// How many labels the school has (not deleted).
pub async fn count_labels(tx: &mut TenantTx) -> StoreResult<i64> {
    let tenant_id = tx.tenant_id();
    let sql = "SELECT COUNT(*) FROM classin_labels WHERE tenant_id = $1 AND deleted_at IS NULL";
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(sql).bind(tenant_id.get()).fetch_one(&mut *conn).await?
    }))
}

pub async fn insert_label(tx: &mut TenantTx, name: &str) -> StoreResult<LabelId> {
    let tenant_id = tx.tenant_id();
    let sql =
        "INSERT INTO classin_labels (tenant_id, name, created_at) VALUES ($1, $2, $3) RETURNING id";
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(sql).bind(tenant_id.get()).bind(name).bind(now_millis()).fetch_one(&mut *conn).await?
    }))
}

pub async fn rename_label(tx: &mut TenantTx, label_id: LabelId, name: &str) -> StoreResult<()> {
    let tenant_id = tx.tenant_id();
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query("UPDATE classin_labels SET name = $2 WHERE id = $1 AND tenant_id = $3")
            .bind(label_id).bind(name).bind(tenant_id.get()).execute(&mut *conn).await?;
    });
    Ok(())
}

/// Deletes the label and takes it off every course and lesson.
pub async fn delete_label(tx: &mut TenantTx, label_id: LabelId) -> StoreResult<()> {
    let tenant_id = tx.tenant_id();
    on_tx!(tx.store_tx(), conn, Db => {
        let deleted = sqlx::query("UPDATE classin_labels SET deleted_at = $2 WHERE id = $1 AND tenant_id = $3")
            .bind(label_id).bind(now_millis()).bind(tenant_id.get()).execute(&mut *conn).await?.rows_affected();
        if deleted == 0 {
            return Ok(());
        }
        sqlx::query("DELETE FROM classin_course_labels WHERE label_id = $1").bind(label_id).execute(&mut *conn).await?;
        sqlx::query("DELETE FROM classin_lesson_labels WHERE label_id = $1").bind(label_id).execute(&mut *conn).await?;
    });
    Ok(())
}

/// Which labels a course or a lesson carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Labelled {
    Course(CourseId),
    Lesson(LessonId),
}

impl Labelled {
    /// Whether the course or lesson is the transaction's tenant's.
    async fn is_tenants(self, tx: &mut TenantTx) -> StoreResult<bool> {
        match self {
            Self::Course(id) => super::courses::course_is_tenants(tx, id).await,
            Self::Lesson(id) => super::lessons::lesson_is_tenants(tx, id).await,
        }
    }

    fn table_and_column(self) -> (&'static str, &'static str, i64) {
        match self {
            Self::Course(id) => ("classin_course_labels", "course_id", id.get()),
            Self::Lesson(id) => ("classin_lesson_labels", "lesson_id", id.get()),
        }
    }
}

/// Replaces the labels of a course or lesson (`[]` clears them).
pub async fn set_labels(
    tx: &mut TenantTx,
    owner: Labelled,
    label_ids: &[LabelId],
) -> StoreResult<()> {
    let (table, column, id) = owner.table_and_column();
    if !owner.is_tenants(tx).await? {
        return Ok(());
    }
    let delete = format!("DELETE FROM {table} WHERE {column} = $1");
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(&delete).bind(id).execute(&mut *conn).await?;
        if !label_ids.is_empty() {
            let mut query = QueryBuilder::<Db>::new(format!("INSERT INTO {table} ({column}, label_id) "));
            query.push_values(label_ids, |mut row, label| {
                row.push_bind(id).push_bind(*label);
            });
            query.build().execute(&mut *conn).await?;
        }
    });
    Ok(())
}

/// The tenant's labels of a course or lesson, by name, inside the caller's transaction (the push written with a
/// change).
pub async fn labels_in(tx: &mut TenantTx, owner: Labelled) -> StoreResult<Vec<Label>> {
    let (table, column, id) = owner.table_and_column();
    let sql = format!(
        "SELECT l.id, l.name FROM {table} o JOIN classin_labels l ON l.id = o.label_id \
         WHERE o.{column} = $1 AND l.tenant_id = $2 AND l.deleted_at IS NULL ORDER BY l.name, l.id"
    );
    let tenant_id = tx.tenant_id();
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_as(&sql).bind(id).bind(tenant_id.get()).fetch_all(&mut *conn).await?
    }))
}

/// Writes (or rewrites) the comment on a student of a lesson.
pub async fn upsert_comment(
    tx: &mut TenantTx,
    lesson_id: LessonId,
    user_id: UserId,
    stars: i64,
    comment: &str,
) -> StoreResult<()> {
    let sql = "INSERT INTO classin_lesson_comments (lesson_id, user_id, stars, comment, updated_at) \
               VALUES ($1, $2, $3, $4, $5) ON CONFLICT (lesson_id, user_id) \
               DO UPDATE SET stars = excluded.stars, comment = excluded.comment, updated_at = excluded.updated_at";
    if !super::lessons::lesson_is_tenants(tx, lesson_id).await? {
        return Ok(());
    }
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(sql).bind(lesson_id).bind(user_id).bind(stars).bind(comment).bind(now_millis())
            .execute(&mut *conn).await?;
    });
    Ok(())
}

impl Store {
    /// The labels of a course or lesson of the tenant, by name.
    pub async fn labels_of(&self, tenant_id: TenantId, owner: Labelled) -> StoreResult<Vec<Label>> {
        let (table, column, id) = owner.table_and_column();
        let sql = format!(
            "SELECT l.id, l.name FROM {table} o JOIN classin_labels l ON l.id = o.label_id \
             WHERE o.{column} = $1 AND l.tenant_id = $2 AND l.deleted_at IS NULL ORDER BY l.name, l.id"
        );
        Ok(on_reader!(self, pool => {
            sqlx::query_as(&sql).bind(id).bind(tenant_id.get()).fetch_all(pool).await?
        }))
    }

    /// The teacher's comments on the students of a lesson of the tenant.
    pub async fn lesson_comments(
        &self,
        tenant_id: TenantId,
        lesson_id: LessonId,
    ) -> StoreResult<Vec<LessonComment>> {
        let sql = "SELECT c.user_id, u.name, c.stars, c.comment, c.updated_at FROM classin_lesson_comments c \
                   JOIN classin_lessons l ON l.id = c.lesson_id AND l.tenant_id = $2 \
                   JOIN users u ON u.id = c.user_id WHERE c.lesson_id = $1 ORDER BY u.name, c.user_id";
        Ok(on_reader!(self, pool => {
            sqlx::query_as(sql).bind(lesson_id).bind(tenant_id.get()).fetch_all(pool).await?
        }))
    }

    /// The teachers on the list of a course of the tenant (besides its head teacher), by name.
    pub async fn course_teachers(
        &self,
        tenant_id: TenantId,
        course_id: CourseId,
    ) -> StoreResult<Vec<CourseTeacher>> {
        let sql = "SELECT u.id, u.name FROM classin_course_teachers t \
                   JOIN classin_courses c ON c.id = t.course_id AND c.tenant_id = $2 \
                   JOIN users u ON u.id = t.user_id WHERE t.course_id = $1 ORDER BY u.name, u.id";
        Ok(on_reader!(self, pool => {
            sqlx::query_as(sql).bind(course_id).bind(tenant_id.get()).fetch_all(pool).await?
        }))
    }

    /// The school's labels that are not deleted.
    pub async fn school_labels(&self, tenant_id: TenantId) -> StoreResult<Vec<Label>> {
        let sql = "SELECT id, name FROM classin_labels WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY name, id";
        Ok(on_reader!(self, pool => {
            sqlx::query_as(sql).bind(tenant_id.get()).fetch_all(pool).await?
        }))
    }
}
