//! Courses of the scheduling API, their students (and auditors) and teachers, and whose a course is, read and
//! written inside the caller's transaction.

use crate::{now_millis, tx::on_tx, StoreResult, TenantTx};
use classbridge_domain::{CourseId, StudentIdentity, TenantId, UnixMillis, Unsaved, UserId};

/// A course as stored; a change is made by writing the whole row back.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CourseRow<Id = CourseId> {
    pub id: Id,
    pub name: String,
    pub introduction: Option<String>,
    /// Unix milliseconds; `None`: never.
    pub expires_at: Option<UnixMillis>,
    pub main_teacher_id: Option<UserId>,
    pub unique_identity: Option<String>,
    pub ended_at: Option<UnixMillis>,
}

/// A course not inserted yet.
pub type NewCourse = CourseRow<Unsaved>;

impl NewCourse {
    /// The course as stored under the id its insert gave it.
    pub fn saved_as(self, id: CourseId) -> CourseRow {
        CourseRow {
            id,
            name: self.name,
            introduction: self.introduction,
            expires_at: self.expires_at,
            main_teacher_id: self.main_teacher_id,
            unique_identity: self.unique_identity,
            ended_at: self.ended_at,
        }
    }
}

const COURSE_COLUMNS: &str =
    "id, name, introduction, expires_at, main_teacher_id, unique_identity, ended_at";

/// The predicate that scopes a row of a course's join table (`course_id = $1`) to the tenant (parameter
/// `tenant_parameter`) through the course.
pub(crate) fn course_of_tenant(tenant_parameter: u8) -> String {
    format!(
        "EXISTS (SELECT 1 FROM classin_courses scoped WHERE scoped.id = $1 AND scoped.tenant_id = ${tenant_parameter})"
    )
}

/// Whether the course is the transaction's tenant's (a write to its join tables is skipped when it is not).
pub(crate) async fn course_is_tenants(tx: &mut TenantTx, course_id: CourseId) -> StoreResult<bool> {
    let tenant_id = tx.tenant_id();
    let sql = "SELECT COUNT(*) FROM classin_courses WHERE id = $1 AND tenant_id = $2";
    let count: i64 = on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(sql).bind(course_id).bind(tenant_id.get()).fetch_one(&mut *conn).await?
    });
    Ok(count > 0)
}

pub async fn find_course(tx: &mut TenantTx, course_id: CourseId) -> StoreResult<Option<CourseRow>> {
    let tenant_id = tx.tenant_id();
    let sql =
        format!("SELECT {COURSE_COLUMNS} FROM classin_courses WHERE tenant_id = $1 AND id = $2");
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_as(&sql).bind(tenant_id.get()).bind(course_id).fetch_optional(&mut *conn).await?
    }))
}

/// The course made earlier with this `courseUniqueIdentity`.
pub async fn find_course_by_unique_identity(
    tx: &mut TenantTx,
    unique_identity: &str,
) -> StoreResult<Option<CourseRow>> {
    let tenant_id = tx.tenant_id();
    let sql = format!(
        "SELECT {COURSE_COLUMNS} FROM classin_courses WHERE tenant_id = $1 AND unique_identity = $2"
    );
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_as(&sql).bind(tenant_id.get()).bind(unique_identity).fetch_optional(&mut *conn).await?
    }))
}

/// Inserts a new course and returns its id.
pub async fn insert_course(tx: &mut TenantTx, course: &NewCourse) -> StoreResult<CourseId> {
    let tenant_id = tx.tenant_id();
    let sql = "INSERT INTO classin_courses (tenant_id, name, introduction, expires_at, main_teacher_id, \
               unique_identity, ended_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
               RETURNING id";
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(sql)
            .bind(tenant_id.get()).bind(&course.name).bind(&course.introduction).bind(course.expires_at)
            .bind(course.main_teacher_id).bind(&course.unique_identity).bind(course.ended_at).bind(now_millis())
            .fetch_one(&mut *conn).await?
    }))
}

/// Writes the course's fields back (all but its id and unique identity).
pub async fn update_course(tx: &mut TenantTx, course: &CourseRow) -> StoreResult<()> {
    let tenant_id = tx.tenant_id();
    let sql = "UPDATE classin_courses SET name = $3, introduction = $4, expires_at = $5, main_teacher_id = $6, \
               ended_at = $7, updated_at = $8 WHERE tenant_id = $1 AND id = $2";
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(sql)
            .bind(tenant_id.get()).bind(course.id).bind(&course.name).bind(&course.introduction)
            .bind(course.expires_at).bind(course.main_teacher_id).bind(course.ended_at).bind(now_millis())
            .execute(&mut *conn).await?;
    });
    Ok(())
}

/// The identity (student or auditor) the person holds in the course, if any.
pub async fn course_identity_of(
    tx: &mut TenantTx,
    course_id: CourseId,
    user_id: UserId,
) -> StoreResult<Option<StudentIdentity>> {
    let sql = format!(
        "SELECT identity FROM classin_course_students WHERE course_id = $1 AND user_id = $2 AND {}",
        course_of_tenant(3)
    );
    let tenant_id = tx.tenant_id();
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(&sql).bind(course_id).bind(user_id).bind(tenant_id.get()).fetch_optional(&mut *conn).await?
    }))
}

/// How many people hold this identity in the course.
pub async fn count_course_students(
    tx: &mut TenantTx,
    course_id: CourseId,
    identity: StudentIdentity,
) -> StoreResult<i64> {
    let sql = format!(
        "SELECT COUNT(*) FROM classin_course_students WHERE course_id = $1 AND identity = $2 AND {}",
        course_of_tenant(3)
    );
    let tenant_id = tx.tenant_id();
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(&sql).bind(course_id).bind(identity).bind(tenant_id.get()).fetch_one(&mut *conn).await?
    }))
}

pub async fn insert_course_student(
    tx: &mut TenantTx,
    course_id: CourseId,
    user_id: UserId,
    identity: StudentIdentity,
    name: Option<&str>,
) -> StoreResult<()> {
    let sql =
        "INSERT INTO classin_course_students (course_id, user_id, identity, name, created_at) \
               VALUES ($1, $2, $3, $4, $5)";
    if !course_is_tenants(tx, course_id).await? {
        return Ok(());
    }
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(sql)
            .bind(course_id).bind(user_id).bind(identity).bind(name).bind(now_millis())
            .execute(&mut *conn).await?;
    });
    Ok(())
}

/// Takes the person out of the course, out of the student lists of its lessons and out of the seats they booked in
/// its lessons that have not ended; `false` when they were not in it.
pub async fn delete_course_student(
    tx: &mut TenantTx,
    course_id: CourseId,
    user_id: UserId,
) -> StoreResult<bool> {
    if !course_is_tenants(tx, course_id).await? {
        return Ok(false);
    }
    let course = "DELETE FROM classin_course_students WHERE course_id = $1 AND user_id = $2";
    let lessons = "DELETE FROM classin_lesson_students WHERE user_id = $2 \
                   AND lesson_id IN (SELECT id FROM classin_lessons WHERE course_id = $1)";
    let bookings = "DELETE FROM classin_lesson_bookings WHERE user_id = $2 AND ends_at > $3 \
                    AND lesson_id IN (SELECT id FROM classin_lessons WHERE course_id = $1)";
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        let deleted = sqlx::query(course).bind(course_id).bind(user_id).execute(&mut *conn).await?.rows_affected();
        if deleted > 0 {
            sqlx::query(lessons).bind(course_id).bind(user_id).execute(&mut *conn).await?;
            sqlx::query(bookings).bind(course_id).bind(user_id).bind(now_millis()).execute(&mut *conn).await?;
        }
        deleted > 0
    }))
}

/// Whose a course is, as far as a school may know: its own, or another school's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CourseOwner {
    ThisSchool,
    AnotherSchool,
}

/// Whose the course is (to tell "no such course" from "another school's course"); `None`: no such course.
pub async fn course_owner(
    tx: &mut TenantTx,
    course_id: CourseId,
) -> StoreResult<Option<CourseOwner>> {
    let tenant_id = tx.tenant_id();
    let sql = "SELECT tenant_id FROM classin_courses WHERE id = $1";
    let owner: Option<TenantId> = on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(sql).bind(course_id).fetch_optional(&mut *conn).await?
    });
    Ok(owner.map(|owner| {
        if owner == tenant_id {
            CourseOwner::ThisSchool
        } else {
            CourseOwner::AnotherSchool
        }
    }))
}

/// Whether the person teaches the course besides its main teacher.
pub async fn is_course_teacher(
    tx: &mut TenantTx,
    course_id: CourseId,
    user_id: UserId,
) -> StoreResult<bool> {
    let sql = format!(
        "SELECT COUNT(*) FROM classin_course_teachers WHERE course_id = $1 AND user_id = $2 AND {}",
        course_of_tenant(3)
    );
    let tenant_id = tx.tenant_id();
    let count: i64 = on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(&sql).bind(course_id).bind(user_id).bind(tenant_id.get()).fetch_one(&mut *conn).await?
    });
    Ok(count > 0)
}

/// Makes the person a teacher of the course (nothing when they already are).
pub async fn insert_course_teacher(
    tx: &mut TenantTx,
    course_id: CourseId,
    user_id: UserId,
) -> StoreResult<()> {
    let sql =
        "INSERT INTO classin_course_teachers (course_id, user_id, created_at) VALUES ($1, $2, $3) \
               ON CONFLICT DO NOTHING";
    if !course_is_tenants(tx, course_id).await? {
        return Ok(());
    }
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(sql).bind(course_id).bind(user_id).bind(now_millis()).execute(&mut *conn).await?;
    });
    Ok(())
}

/// Copies the student's name in the school to their name in every course of the tenant that has not ended.
pub async fn copy_student_name_to_courses(
    tx: &mut TenantTx,
    user_id: UserId,
    now_ms: UnixMillis,
) -> StoreResult<()> {
    let tenant_id = tx.tenant_id();
    let sql = "UPDATE classin_course_students SET name = \
               (SELECT name FROM classin_school_students WHERE tenant_id = $1 AND user_id = $2) \
               WHERE user_id = $2 AND course_id IN (SELECT id FROM classin_courses WHERE tenant_id = $1 \
               AND ended_at IS NULL AND (expires_at IS NULL OR expires_at > $3))";
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(sql).bind(tenant_id.get()).bind(user_id).bind(now_ms).execute(&mut *conn).await?;
    });
    Ok(())
}
