//! Learning paths (partner API §4): a lab assigned to teachers, and so to the students of the sections they teach,
//! with its rules (attempts, window) and the hash of its experiment token. A `branch` argument is a credential's
//! branch scope (the partner's branch id): a path made under a scope belongs to that branch.

use classbridge_domain::{LearningPathId, Scope, TenantId, UnixMillis, UserId};
use sqlx::QueryBuilder;

use crate::{now_millis, tx::on_tx, Store, StoreError, StoreResult};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LearningPathRow {
    pub id: LearningPathId,
    /// The partner's id of the branch whose credential made the path (`None`: a tenant-wide credential); a
    /// partner's number, not a `BranchId`.
    pub branch_id: Option<i64>,
    pub subject_uuid: String,
    pub subject_name: String,
    pub experiment_id: String,
    pub experiment_name: String,
    pub description: Option<String>,
    pub max_attempts: i64,
    pub start_at: Option<UnixMillis>,
    pub end_at: Option<UnixMillis>,
    pub token_sha256: String,
    pub created_at: UnixMillis,
    pub updated_at: UnixMillis,
}

const COLUMNS: &str = "p.id, p.branch_id, p.subject_uuid, p.subject_name, p.experiment_id, p.experiment_name, \
     p.description, p.max_attempts, p.start_at, p.end_at, p.token_sha256, p.created_at, p.updated_at";

/// A path to create. `teacher_ids` in the partner's order.
#[derive(Debug, Clone)]
pub struct NewLearningPath {
    /// The partner's id of the credential's branch, as in `LearningPathRow::branch_id`.
    pub branch_id: Option<i64>,
    pub subject_uuid: String,
    pub subject_name: String,
    pub experiment_id: String,
    pub experiment_name: String,
    pub description: Option<String>,
    pub max_attempts: i64,
    pub start_at: Option<UnixMillis>,
    pub end_at: Option<UnixMillis>,
    pub token_sha256: String,
    pub teacher_ids: Vec<UserId>,
}

/// The whole new state of a path after a `PATCH` (the caller merges what was given into the stored row).
#[derive(Debug, Clone)]
pub struct LearningPathUpdate {
    pub subject_name: String,
    pub experiment_id: String,
    pub experiment_name: String,
    pub description: Option<String>,
    pub max_attempts: i64,
    pub start_at: Option<UnixMillis>,
    pub end_at: Option<UnixMillis>,
    /// `Some`: the teachers are replaced by these.
    pub teacher_ids: Option<Vec<UserId>>,
}

/// A person of a path: a teacher or a student.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PathPerson {
    pub learning_path_id: LearningPathId,
    pub user_id: UserId,
    pub uuid: Option<String>,
    pub name: String,
}

/// A teacher found by the partner's id (`teachers_by_uuid`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TeacherByUuid {
    pub uuid: String,
    #[sqlx(rename = "id")]
    pub user_id: UserId,
}

/// Sections a person teaches: by the mirror (teaching assignments) or by hand (`teacher_of`).
const TAUGHT_SECTIONS: &str = "SELECT section_id, user_id FROM teaching_assignments \
     UNION SELECT section_id, user_id FROM section_teachers";

impl Store {
    /// Creates a path with its teachers; a `subject_uuid` the tenant already uses is a `Conflict`.
    pub async fn create_learning_path(
        &self,
        tenant_id: TenantId,
        new: &NewLearningPath,
    ) -> StoreResult<LearningPathId> {
        let now = now_millis();
        let mut tx = self.begin().await?;
        let id: LearningPathId = on_tx!(&mut tx, conn, Db => {
            sqlx::query_scalar(
                "INSERT INTO learning_paths (tenant_id, branch_id, subject_uuid, subject_name, experiment_id, \
                 experiment_name, description, max_attempts, start_at, end_at, token_sha256, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id")
                .bind(tenant_id.get()).bind(new.branch_id).bind(&new.subject_uuid).bind(&new.subject_name)
                .bind(&new.experiment_id).bind(&new.experiment_name).bind(&new.description)
                .bind(new.max_attempts).bind(new.start_at).bind(new.end_at).bind(&new.token_sha256).bind(now)
                .fetch_one(&mut *conn).await?
        });
        set_teachers(&mut tx, id, &new.teacher_ids).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The tenant's path with this `subject_uuid`; under a branch scope only a path of that branch.
    pub async fn find_learning_path(
        &self,
        scope: Scope,
        subject_uuid: &str,
    ) -> StoreResult<Option<LearningPathRow>> {
        let (tenant_id, branch) = (scope.tenant_id(), scope.branch_partner_id());
        let sql = format!(
            "SELECT {COLUMNS} FROM learning_paths p WHERE p.tenant_id = $1 AND p.subject_uuid = $2 \
             AND ($3 IS NULL OR p.branch_id = $3)"
        );
        Ok(on_reader!(self, pool => {
            sqlx::query_as(&sql).bind(tenant_id.get()).bind(subject_uuid).bind(branch).fetch_optional(pool).await?
        }))
    }

    /// A path by classbridge's id, within the tenant.
    pub async fn learning_path_by_id(
        &self,
        tenant_id: TenantId,
        id: LearningPathId,
    ) -> StoreResult<Option<LearningPathRow>> {
        let sql =
            format!("SELECT {COLUMNS} FROM learning_paths p WHERE p.tenant_id = $1 AND p.id = $2");
        Ok(on_reader!(self, pool => {
            sqlx::query_as(&sql).bind(tenant_id.get()).bind(id).fetch_optional(pool).await?
        }))
    }

    /// Writes the new state of a path (and its teachers when given).
    pub async fn update_learning_path(
        &self,
        tenant_id: TenantId,
        id: LearningPathId,
        update: &LearningPathUpdate,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let changed = on_tx!(&mut tx, conn, Db => {
            sqlx::query(
                "UPDATE learning_paths SET subject_name = $3, experiment_id = $4, experiment_name = $5, \
                 description = $6, max_attempts = $7, start_at = $8, end_at = $9, updated_at = $10 \
                 WHERE tenant_id = $1 AND id = $2")
                .bind(tenant_id.get()).bind(id).bind(&update.subject_name).bind(&update.experiment_id)
                .bind(&update.experiment_name).bind(&update.description).bind(update.max_attempts)
                .bind(update.start_at).bind(update.end_at).bind(now_millis())
                .execute(&mut *conn).await?.rows_affected()
        });
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        if let Some(teachers) = &update.teacher_ids {
            set_teachers(&mut tx, id, teachers).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a path with its attempts and readings.
    pub async fn delete_learning_path(
        &self,
        tenant_id: TenantId,
        id: LearningPathId,
    ) -> StoreResult<()> {
        let deleted = in_transaction!(self, tx => {
            sqlx::query("DELETE FROM learning_paths WHERE tenant_id = $1 AND id = $2")
                .bind(tenant_id.get()).bind(id).execute(&mut *tx).await?.rows_affected()
        });
        if deleted == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// The tenant's people with these uuids who teach a section (of the branch when scoped).
    pub async fn teachers_by_uuid(
        &self,
        scope: Scope,
        uuids: &[String],
    ) -> StoreResult<Vec<TeacherByUuid>> {
        let (tenant_id, branch) = (scope.tenant_id(), scope.branch_partner_id());
        if uuids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(on_reader!(self, pool => {
            let mut query = QueryBuilder::new(format!(
                "SELECT DISTINCT u.uuid, u.id FROM users u JOIN ({TAUGHT_SECTIONS}) t ON t.user_id = u.id \
                 JOIN sections s ON s.id = t.section_id JOIN branches b ON b.id = s.branch_id WHERE u.tenant_id = "));
            query.push_bind(tenant_id.get());
            if let Some(branch) = branch {
                query.push(" AND b.partner_id = ").push_bind(branch);
            }
            query.push(" AND u.uuid IN (");
            let mut separated = query.separated(", ");
            for uuid in uuids {
                separated.push_bind(uuid.as_str());
            }
            separated.push_unseparated(")");
            query.build_query_as().fetch_all(pool).await?
        }))
    }

    /// The teachers of these paths of the tenant, in the partner's order.
    pub async fn teachers_of_paths(
        &self,
        tenant_id: TenantId,
        path_ids: &[LearningPathId],
    ) -> StoreResult<Vec<PathPerson>> {
        if path_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(on_reader!(self, pool => {
            let mut query = QueryBuilder::new(
                "SELECT t.learning_path_id, u.id AS user_id, u.uuid, u.name FROM learning_path_teachers t \
                 JOIN learning_paths p ON p.id = t.learning_path_id AND p.tenant_id = ");
            query.push_bind(tenant_id.get());
            query.push(" JOIN users u ON u.id = t.user_id WHERE t.learning_path_id IN (");
            let mut separated = query.separated(", ");
            for id in path_ids {
                separated.push_bind(*id);
            }
            separated.push_unseparated(") ORDER BY t.learning_path_id, t.position");
            query.build_query_as().fetch_all(pool).await?
        }))
    }

    /// The students a path of the tenant is for: the active students of every section its teachers teach, by name.
    pub async fn students_of_path(
        &self,
        tenant_id: TenantId,
        path_id: LearningPathId,
    ) -> StoreResult<Vec<PathPerson>> {
        let sql = format!(
            "SELECT DISTINCT t.learning_path_id, u.id AS user_id, u.uuid, u.name FROM learning_path_teachers t \
             JOIN learning_paths p ON p.id = t.learning_path_id AND p.tenant_id = $2 \
             JOIN ({TAUGHT_SECTIONS}) x ON x.user_id = t.user_id \
             JOIN section_students m ON m.section_id = x.section_id JOIN users u ON u.id = m.user_id \
             WHERE t.learning_path_id = $1 AND u.active ORDER BY u.name, u.id"
        );
        Ok(
            on_reader!(self, pool => sqlx::query_as(&sql).bind(path_id).bind(tenant_id.get()).fetch_all(pool).await?),
        )
    }

    /// The paths assigned to a student: those of any teacher of a section the student is in.
    pub async fn learning_paths_of_student(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
    ) -> StoreResult<Vec<LearningPathRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM learning_paths p WHERE p.tenant_id = $1 AND EXISTS ( \
             SELECT 1 FROM learning_path_teachers t JOIN ({TAUGHT_SECTIONS}) x ON x.user_id = t.user_id \
             JOIN section_students m ON m.section_id = x.section_id \
             WHERE t.learning_path_id = p.id AND m.user_id = $2) ORDER BY p.id"
        );
        Ok(on_reader!(self, pool => {
            sqlx::query_as(&sql).bind(tenant_id.get()).bind(user_id).fetch_all(pool).await?
        }))
    }

    /// The paths assigned to any of these teachers.
    pub async fn learning_paths_of_teachers(
        &self,
        tenant_id: TenantId,
        teacher_ids: &[UserId],
    ) -> StoreResult<Vec<LearningPathRow>> {
        if teacher_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(on_reader!(self, pool => {
            let mut query = QueryBuilder::new(format!(
                "SELECT {COLUMNS} FROM learning_paths p WHERE p.tenant_id = "));
            query.push_bind(tenant_id.get());
            query.push(" AND EXISTS (SELECT 1 FROM learning_path_teachers t WHERE t.learning_path_id = p.id \
                        AND t.user_id IN (");
            let mut separated = query.separated(", ");
            for id in teacher_ids {
                separated.push_bind(*id);
            }
            separated.push_unseparated(")) ORDER BY p.id");
            query.build_query_as().fetch_all(pool).await?
        }))
    }
}

async fn set_teachers(
    tx: &mut crate::StoreTx,
    path_id: LearningPathId,
    teacher_ids: &[UserId],
) -> StoreResult<()> {
    on_tx!(tx, conn, Db => {
        sqlx::query("DELETE FROM learning_path_teachers WHERE learning_path_id = $1")
            .bind(path_id).execute(&mut *conn).await?;
    });
    for (position, user_id) in teacher_ids.iter().enumerate() {
        on_tx!(tx, conn, Db => {
            sqlx::query("INSERT INTO learning_path_teachers (learning_path_id, user_id, position) VALUES ($1, $2, $3) \
                         ON CONFLICT DO NOTHING")
                .bind(path_id).bind(*user_id).bind(position as i64).execute(&mut *conn).await?;
        });
    }
    Ok(())
}
