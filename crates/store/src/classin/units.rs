//! ClassIn v2 (LMS) units and activities, read and written inside the caller's transaction. A classroom activity
//! names its lesson (`lesson_id`): the lesson row is the one v1 actions, the read-back API and the lesson pages see.

use classbridge_domain::{
    ActivityId, CourseId, LessonId, TenantId, UnitId, UnixMillis, Unsaved, UserId,
};

use super::{courses::course_is_tenants, lessons::lesson_is_tenants};
use crate::{now_millis, tx::on_tx, Store, StoreResult, TenantTx};

/// The activity type of a classroom (created by `/lms/activity/createClass`).
pub const CLASSROOM: i64 = 1;

/// A unit as stored. The course's "no-topic" unit (`is_default`, named "") takes classrooms created without one.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UnitRow<Id = UnitId> {
    pub id: Id,
    pub course_id: CourseId,
    pub name: String,
    pub content: String,
    pub published: bool,
    pub is_default: bool,
    pub position: i64,
    pub deleted_at: Option<UnixMillis>,
}

/// A unit not inserted yet.
pub type NewUnit = UnitRow<Unsaved>;

impl NewUnit {
    /// The unit as stored under the id its insert gave it.
    pub fn saved_as(self, id: UnitId) -> UnitRow {
        UnitRow {
            id,
            course_id: self.course_id,
            name: self.name,
            content: self.content,
            published: self.published,
            is_default: self.is_default,
            position: self.position,
            deleted_at: self.deleted_at,
        }
    }
}

const UNIT_COLUMNS: &str =
    "id, course_id, name, content, published, is_default, position, deleted_at";

/// An activity as stored; times are Unix milliseconds. One being made is a [`NewActivity`].
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ActivityRow<Id = ActivityId> {
    pub id: Id,
    pub course_id: CourseId,
    pub unit_id: UnitId,
    pub lesson_id: Option<LessonId>,
    pub activity_type: i64,
    pub name: String,
    pub teacher_id: Option<UserId>,
    pub starts_at: Option<UnixMillis>,
    pub ends_at: Option<UnixMillis>,
    pub published: bool,
    pub has_member_list: bool,
    pub unique_identity: Option<String>,
    pub position: i64,
    pub deleted_at: Option<UnixMillis>,
}

/// An activity not inserted yet.
pub type NewActivity = ActivityRow<Unsaved>;

impl NewActivity {
    /// The activity as stored under the id its insert gave it.
    pub fn saved_as(self, id: ActivityId) -> ActivityRow {
        ActivityRow {
            id,
            course_id: self.course_id,
            unit_id: self.unit_id,
            lesson_id: self.lesson_id,
            activity_type: self.activity_type,
            name: self.name,
            teacher_id: self.teacher_id,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            published: self.published,
            has_member_list: self.has_member_list,
            unique_identity: self.unique_identity,
            position: self.position,
            deleted_at: self.deleted_at,
        }
    }
}

const ACTIVITY_COLUMNS: &str =
    "id, course_id, unit_id, lesson_id, activity_type, name, teacher_id, starts_at, \
     ends_at, published, has_member_list, unique_identity, position, deleted_at";

/// The predicate that scopes a row of an activity's member list (`activity_id = $1`) to the tenant (parameter
/// `tenant_parameter`) through the activity.
fn activity_of_tenant(tenant_parameter: u8) -> String {
    format!(
        "EXISTS (SELECT 1 FROM classin_activities scoped WHERE scoped.id = $1 AND scoped.tenant_id = ${tenant_parameter})"
    )
}

/// Whether the activity is the transaction's tenant's (a write to its member list is skipped when it is not).
async fn activity_is_tenants(tx: &mut TenantTx, activity_id: ActivityId) -> StoreResult<bool> {
    let tenant_id = tx.tenant_id();
    let sql = "SELECT COUNT(*) FROM classin_activities WHERE id = $1 AND tenant_id = $2";
    let count: i64 = on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(sql).bind(activity_id).bind(tenant_id.get()).fetch_one(&mut *conn).await?
    });
    Ok(count > 0)
}

/// The tenant's unit with this id in this course (deleted ones too: the caller says so).
pub async fn find_unit(
    tx: &mut TenantTx,
    course_id: CourseId,
    unit_id: UnitId,
) -> StoreResult<Option<UnitRow>> {
    let tenant_id = tx.tenant_id();
    let sql = format!(
        "SELECT {UNIT_COLUMNS} FROM classin_units WHERE tenant_id = $1 AND course_id = $2 AND id = $3"
    );
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_as(&sql).bind(tenant_id.get()).bind(course_id).bind(unit_id).fetch_optional(&mut *conn).await?
    }))
}

/// Whether a live unit of the course other than `except_id` (the unit being renamed; `None` for a new one) has
/// this name.
pub async fn unit_name_taken(
    tx: &mut TenantTx,
    course_id: CourseId,
    name: &str,
    except_id: Option<UnitId>,
) -> StoreResult<bool> {
    let sql = "SELECT COUNT(*) FROM classin_units WHERE course_id = $1 AND name = $2 AND ($3 IS NULL OR id <> $3) \
               AND tenant_id = $4 AND deleted_at IS NULL";
    let tenant_id = tx.tenant_id();
    let count: i64 = on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(sql).bind(course_id).bind(name).bind(except_id).bind(tenant_id.get())
            .fetch_one(&mut *conn).await?
    });
    Ok(count > 0)
}

/// The course's live units, the no-topic one included.
pub async fn count_units(tx: &mut TenantTx, course_id: CourseId) -> StoreResult<i64> {
    let sql = "SELECT COUNT(*) FROM classin_units WHERE course_id = $1 AND tenant_id = $2 AND deleted_at IS NULL";
    let tenant_id = tx.tenant_id();
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(sql).bind(course_id).bind(tenant_id.get()).fetch_one(&mut *conn).await?
    }))
}

/// Inserts a unit after the course's others (its `position` is ignored); returns its id.
pub async fn insert_unit(tx: &mut TenantTx, unit: &NewUnit) -> StoreResult<UnitId> {
    let tenant_id = tx.tenant_id();
    let sql = "INSERT INTO classin_units (tenant_id, course_id, name, content, published, is_default, position, \
               created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, \
               (SELECT COALESCE(MAX(position), 0) + 1 FROM classin_units WHERE course_id = $2), $7, $7) RETURNING id";
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(sql)
            .bind(tenant_id.get()).bind(unit.course_id).bind(&unit.name).bind(&unit.content)
            .bind(unit.published).bind(unit.is_default).bind(now_millis())
            .fetch_one(&mut *conn).await?
    }))
}

/// Writes the unit's name, content, state and deletion back.
pub async fn update_unit(tx: &mut TenantTx, unit: &UnitRow) -> StoreResult<()> {
    let sql = "UPDATE classin_units SET name = $2, content = $3, published = $4, deleted_at = $5, updated_at = $6 \
               WHERE id = $1 AND tenant_id = $7";
    let tenant_id = tx.tenant_id();
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(sql)
            .bind(unit.id).bind(&unit.name).bind(&unit.content).bind(unit.published).bind(unit.deleted_at)
            .bind(now_millis()).bind(tenant_id.get())
            .execute(&mut *conn).await?;
    });
    Ok(())
}

/// The course's no-topic unit, made (published) the first time it is needed.
pub async fn default_unit(tx: &mut TenantTx, course_id: CourseId) -> StoreResult<UnitRow> {
    let sql = format!(
        "SELECT {UNIT_COLUMNS} FROM classin_units WHERE course_id = $1 AND tenant_id = $2 AND is_default \
         AND deleted_at IS NULL"
    );
    let tenant_id = tx.tenant_id();
    let found: Option<UnitRow> = on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_as(&sql).bind(course_id).bind(tenant_id.get()).fetch_optional(&mut *conn).await?
    });
    if let Some(unit) = found {
        return Ok(unit);
    }
    let unit = NewUnit {
        id: Unsaved,
        course_id,
        name: String::new(),
        content: String::new(),
        published: true,
        is_default: true,
        position: 0,
        deleted_at: None,
    };
    let id = insert_unit(tx, &unit).await?;
    Ok(unit.saved_as(id))
}

/// The tenant's activity with this id in this course (deleted ones too).
pub async fn find_activity(
    tx: &mut TenantTx,
    course_id: CourseId,
    activity_id: ActivityId,
) -> StoreResult<Option<ActivityRow>> {
    let tenant_id = tx.tenant_id();
    let sql = format!(
        "SELECT {ACTIVITY_COLUMNS} FROM classin_activities WHERE tenant_id = $1 AND course_id = $2 AND id = $3"
    );
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_as(&sql).bind(tenant_id.get()).bind(course_id).bind(activity_id).fetch_optional(&mut *conn).await?
    }))
}

/// The classroom activity made earlier in the school with this `uniqueIdentity`.
pub async fn find_activity_by_unique_identity(
    tx: &mut TenantTx,
    unique_identity: &str,
) -> StoreResult<Option<ActivityRow>> {
    let tenant_id = tx.tenant_id();
    let sql = format!(
        "SELECT {ACTIVITY_COLUMNS} FROM classin_activities WHERE tenant_id = $1 AND unique_identity = $2"
    );
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_as(&sql).bind(tenant_id.get()).bind(unique_identity).fetch_optional(&mut *conn).await?
    }))
}

/// The classroom activity of a lesson, if the lesson was made as one.
pub async fn activity_of_lesson(
    tx: &mut TenantTx,
    lesson_id: LessonId,
) -> StoreResult<Option<ActivityRow>> {
    let sql = format!(
        "SELECT {ACTIVITY_COLUMNS} FROM classin_activities WHERE lesson_id = $1 AND tenant_id = $2"
    );
    let tenant_id = tx.tenant_id();
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_as(&sql).bind(lesson_id).bind(tenant_id.get()).fetch_optional(&mut *conn).await?
    }))
}

/// The unit's live activities.
pub async fn count_unit_activities(tx: &mut TenantTx, unit_id: UnitId) -> StoreResult<i64> {
    let sql = "SELECT COUNT(*) FROM classin_activities WHERE unit_id = $1 AND tenant_id = $2 AND deleted_at IS NULL";
    let tenant_id = tx.tenant_id();
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(sql).bind(unit_id).bind(tenant_id.get()).fetch_one(&mut *conn).await?
    }))
}

/// Inserts an activity at the end of its unit (its `position` is ignored); returns its id.
pub async fn insert_activity(tx: &mut TenantTx, activity: &NewActivity) -> StoreResult<ActivityId> {
    let tenant_id = tx.tenant_id();
    let sql = "INSERT INTO classin_activities (tenant_id, course_id, unit_id, lesson_id, activity_type, name, \
               teacher_id, starts_at, ends_at, published, has_member_list, unique_identity, position, created_at, \
               updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
               (SELECT COALESCE(MAX(position), 0) + 1 FROM classin_activities WHERE unit_id = $3), $13, $13) \
               RETURNING id";
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(sql)
            .bind(tenant_id.get()).bind(activity.course_id).bind(activity.unit_id).bind(activity.lesson_id)
            .bind(activity.activity_type).bind(&activity.name).bind(activity.teacher_id).bind(activity.starts_at)
            .bind(activity.ends_at).bind(activity.published).bind(activity.has_member_list)
            .bind(&activity.unique_identity).bind(now_millis())
            .fetch_one(&mut *conn).await?
    }))
}

/// Writes the activity back (all but its id, course, lesson, type and unique identity); a change of unit puts it
/// last in the new unit.
pub async fn update_activity(tx: &mut TenantTx, activity: &ActivityRow) -> StoreResult<()> {
    let sql = "UPDATE classin_activities SET \
               position = CASE WHEN unit_id = $3 THEN position ELSE \
                 (SELECT COALESCE(MAX(position), 0) + 1 FROM classin_activities WHERE unit_id = $3) END, \
               unit_id = $3, name = $4, teacher_id = $5, starts_at = $6, ends_at = $7, published = $8, \
               has_member_list = $9, deleted_at = $10, updated_at = $2 WHERE id = $1 AND tenant_id = $11";
    let tenant_id = tx.tenant_id();
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(sql)
            .bind(activity.id).bind(now_millis()).bind(activity.unit_id).bind(&activity.name)
            .bind(activity.teacher_id).bind(activity.starts_at).bind(activity.ends_at).bind(activity.published)
            .bind(activity.has_member_list).bind(activity.deleted_at).bind(tenant_id.get())
            .execute(&mut *conn).await?;
    });
    Ok(())
}

/// The unit's live activities, in order.
pub async fn unit_activities(tx: &mut TenantTx, unit_id: UnitId) -> StoreResult<Vec<ActivityRow>> {
    let sql = format!(
        "SELECT {ACTIVITY_COLUMNS} FROM classin_activities WHERE unit_id = $1 AND tenant_id = $2 \
         AND deleted_at IS NULL ORDER BY position, id"
    );
    let tenant_id = tx.tenant_id();
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_as(&sql).bind(unit_id).bind(tenant_id.get()).fetch_all(&mut *conn).await?
    }))
}

/// Moves every live activity of one unit to the end of another, keeping their order.
pub async fn move_activities(
    tx: &mut TenantTx,
    from_unit: UnitId,
    to_unit: UnitId,
) -> StoreResult<()> {
    let sql = "UPDATE classin_activities SET unit_id = $2, updated_at = $3, position = position + \
               (SELECT COALESCE(MAX(position), 0) FROM classin_activities WHERE unit_id = $2) \
               WHERE unit_id = $1 AND tenant_id = $4 AND deleted_at IS NULL \
               AND EXISTS (SELECT 1 FROM classin_units u WHERE u.id = $2 AND u.tenant_id = $4)";
    let tenant_id = tx.tenant_id();
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(sql).bind(from_unit).bind(to_unit).bind(now_millis()).bind(tenant_id.get())
            .execute(&mut *conn).await?;
    });
    Ok(())
}

/// Whether the person is listed as a member of the activity.
pub async fn is_activity_member(
    tx: &mut TenantTx,
    activity_id: ActivityId,
    user_id: UserId,
) -> StoreResult<bool> {
    let sql = format!(
        "SELECT COUNT(*) FROM classin_activity_members WHERE activity_id = $1 AND user_id = $2 AND {}",
        activity_of_tenant(3)
    );
    let tenant_id = tx.tenant_id();
    let count: i64 = on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(&sql).bind(activity_id).bind(user_id).bind(tenant_id.get()).fetch_one(&mut *conn).await?
    });
    Ok(count > 0)
}

/// Lists every student and auditor of the course as a member of the activity, and marks the list as the one that
/// decides from now on (before the first change one by one, the course decides).
pub async fn start_member_list(tx: &mut TenantTx, activity: &ActivityRow) -> StoreResult<()> {
    let copy = "INSERT INTO classin_activity_members (activity_id, user_id) \
                SELECT $1, user_id FROM classin_course_students WHERE course_id = $2 ON CONFLICT DO NOTHING";
    let mark = "UPDATE classin_activities SET has_member_list = TRUE WHERE id = $1";
    if !activity_is_tenants(tx, activity.id).await? {
        return Ok(());
    }
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(copy).bind(activity.id).bind(activity.course_id).execute(&mut *conn).await?;
        sqlx::query(mark).bind(activity.id).execute(&mut *conn).await?;
    });
    Ok(())
}

pub async fn insert_activity_member(
    tx: &mut TenantTx,
    activity_id: ActivityId,
    user_id: UserId,
) -> StoreResult<()> {
    let sql = "INSERT INTO classin_activity_members (activity_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
    if !activity_is_tenants(tx, activity_id).await? {
        return Ok(());
    }
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(sql).bind(activity_id).bind(user_id).execute(&mut *conn).await?;
    });
    Ok(())
}

pub async fn delete_activity_member(
    tx: &mut TenantTx,
    activity_id: ActivityId,
    user_id: UserId,
) -> StoreResult<()> {
    let sql = format!(
        "DELETE FROM classin_activity_members WHERE activity_id = $1 AND user_id = $2 AND {}",
        activity_of_tenant(3)
    );
    let tenant_id = tx.tenant_id();
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(&sql).bind(activity_id).bind(user_id).bind(tenant_id.get()).execute(&mut *conn).await?;
    });
    Ok(())
}

/// Lists a student on a lesson without restricting who else may join it (a v2 transfer-in student, or a student
/// listed when the lesson's list is started from its course).
pub async fn insert_transfer_in_student(
    tx: &mut TenantTx,
    lesson_id: LessonId,
    user_id: UserId,
) -> StoreResult<()> {
    let sql =
        "INSERT INTO classin_lesson_students (lesson_id, user_id, identity, name, created_at) \
               VALUES ($1, $2, 1, NULL, $3) ON CONFLICT DO NOTHING";
    if !lesson_is_tenants(tx, lesson_id).await? {
        return Ok(());
    }
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(sql).bind(lesson_id).bind(user_id).bind(now_millis()).execute(&mut *conn).await?;
    });
    Ok(())
}

/// Lists every student and auditor of the course on the lesson and makes that list decide who may join it.
pub async fn start_lesson_list(
    tx: &mut TenantTx,
    lesson_id: LessonId,
    course_id: CourseId,
) -> StoreResult<()> {
    let copy = "INSERT INTO classin_lesson_students (lesson_id, user_id, identity, name, created_at) \
                SELECT $1, user_id, identity, name, $3 FROM classin_course_students WHERE course_id = $2 \
                ON CONFLICT DO NOTHING";
    let mark = "UPDATE classin_lessons SET has_student_list = TRUE WHERE id = $1";
    if !lesson_is_tenants(tx, lesson_id).await? || !course_is_tenants(tx, course_id).await? {
        return Ok(());
    }
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(copy).bind(lesson_id).bind(course_id).bind(now_millis()).execute(&mut *conn).await?;
        sqlx::query(mark).bind(lesson_id).execute(&mut *conn).await?;
    });
    Ok(())
}

/// One unit of a course's outline with its live activities, in order.
#[derive(Debug, Clone)]
pub struct OutlineUnit {
    pub unit: UnitRow,
    pub activities: Vec<ActivityRow>,
}

impl Store {
    /// The course's live units and their live activities, in order (drafts included: the caller filters).
    pub async fn course_outline(
        &self,
        tenant_id: TenantId,
        course_id: CourseId,
    ) -> StoreResult<Vec<OutlineUnit>> {
        let units_sql = format!(
            "SELECT {UNIT_COLUMNS} FROM classin_units WHERE tenant_id = $1 AND course_id = $2 \
             AND deleted_at IS NULL ORDER BY position, id"
        );
        // A classroom shows its lesson as it is now (v1 edits change the lesson, not the activity); a lesson
        // deleted through v1 takes its classroom with it; a lesson with its own student list lists its members.
        let activities_sql = "SELECT a.id, a.course_id, a.unit_id, a.lesson_id, a.activity_type, \
             COALESCE(l.name, a.name) AS name, COALESCE(l.teacher_id, a.teacher_id) AS teacher_id, \
             COALESCE(l.begins_at, a.starts_at) AS starts_at, COALESCE(l.ends_at, a.ends_at) AS ends_at, \
             a.published, (a.has_member_list OR COALESCE(l.has_student_list, FALSE)) AS has_member_list, \
             a.unique_identity, a.position, a.deleted_at \
             FROM classin_activities a LEFT JOIN classin_lessons l ON l.id = a.lesson_id \
             WHERE a.tenant_id = $1 AND a.course_id = $2 AND a.deleted_at IS NULL AND l.deleted_at IS NULL \
             ORDER BY a.position, a.id";
        let (units, activities): (Vec<UnitRow>, Vec<ActivityRow>) = on_reader!(self, pool => {
            (
                sqlx::query_as(&units_sql).bind(tenant_id.get()).bind(course_id).fetch_all(pool).await?,
                sqlx::query_as(activities_sql).bind(tenant_id.get()).bind(course_id).fetch_all(pool).await?,
            )
        });
        Ok(units
            .into_iter()
            .map(|unit| OutlineUnit {
                activities: activities
                    .iter()
                    .filter(|activity| activity.unit_id == unit.id)
                    .cloned()
                    .collect(),
                unit,
            })
            .collect())
    }
}

impl Store {
    /// What the person is in the course: `teacher` (its main teacher, a course teacher, or the teacher of one of
    /// its activities or lessons), `student` (a student or auditor), or nothing.
    pub async fn course_role(
        &self,
        tenant_id: TenantId,
        course_id: CourseId,
        user_id: UserId,
    ) -> StoreResult<Option<&'static str>> {
        let teacher = "SELECT COUNT(*) FROM classin_courses c WHERE c.tenant_id = $1 AND c.id = $2 AND \
                       (c.main_teacher_id = $3 \
                        OR EXISTS (SELECT 1 FROM classin_course_teachers t WHERE t.course_id = c.id AND t.user_id = $3) \
                        OR EXISTS (SELECT 1 FROM classin_activities a WHERE a.course_id = c.id AND a.teacher_id = $3) \
                        OR EXISTS (SELECT 1 FROM classin_lessons l WHERE l.course_id = c.id AND l.teacher_id = $3))";
        let student = "SELECT COUNT(*) FROM classin_course_students s JOIN classin_courses c ON c.id = s.course_id \
                       WHERE c.tenant_id = $1 AND s.course_id = $2 AND s.user_id = $3";
        let (teaches, learns): (i64, i64) = on_reader!(self, pool => {
            (
                sqlx::query_scalar(teacher).bind(tenant_id.get()).bind(course_id).bind(user_id).fetch_one(pool).await?,
                sqlx::query_scalar(student).bind(tenant_id.get()).bind(course_id).bind(user_id).fetch_one(pool).await?,
            )
        });
        Ok(if teaches > 0 {
            Some("teacher")
        } else if learns > 0 {
            Some("student")
        } else {
            None
        })
    }

    /// The activities of the tenant's course that list the person as a member.
    pub async fn activities_listing(
        &self,
        tenant_id: TenantId,
        course_id: CourseId,
        user_id: UserId,
    ) -> StoreResult<Vec<ActivityId>> {
        let sql = "SELECT m.activity_id FROM classin_activity_members m \
                   JOIN classin_activities a ON a.id = m.activity_id \
                   WHERE a.course_id = $1 AND m.user_id = $2 AND a.tenant_id = $3 \
                   UNION SELECT a.id FROM classin_activities a \
                   JOIN classin_lesson_students s ON s.lesson_id = a.lesson_id \
                   WHERE a.course_id = $1 AND s.user_id = $2 AND a.tenant_id = $3";
        Ok(on_reader!(self, pool => {
            sqlx::query_scalar(sql).bind(course_id).bind(user_id).bind(tenant_id.get()).fetch_all(pool).await?
        }))
    }
}
