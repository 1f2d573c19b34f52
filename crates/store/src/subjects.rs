//! Mirrored subjects as the partner API shows them (with their branch, sections, classes and teachers) and the
//! supervisors of subjects (partner API §3). A `branch` argument is a credential's branch scope (the partner's branch
//! id, as credentials keep it): `Some` limits every read to that branch.

use std::collections::HashMap;

use classbridge_domain::{
    BranchId, ClassId, Role, Scope, SectionId, SubjectId, TenantId, UnixMillis, UserId,
};
use sqlx::QueryBuilder;

use crate::{tx::on_tx, Page, PageRequest, Store, StoreResult, TenantTx};

/// A subject of one branch (the partner's id is unique per branch).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SubjectRow {
    pub id: SubjectId,
    pub partner_id: i64,
    pub name: String,
    pub branch_id: BranchId,
    pub branch_partner_id: i64,
    pub branch_name: String,
}

/// A section that has a subject, with its class.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SubjectSection {
    pub subject_id: SubjectId,
    pub section_id: SectionId,
    pub section_name: String,
    pub class_id: ClassId,
    pub class_partner_id: i64,
    pub class_name: String,
}

/// A teacher of a subject in a section.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SubjectTeacher {
    pub subject_id: SubjectId,
    pub section_id: SectionId,
    pub user_id: UserId,
    pub uuid: Option<String>,
    pub name: String,
}

/// A subject with the supervisor who supervises it (one row of `supervised_subjects`).
#[derive(Debug, Clone, sqlx::FromRow)]
struct SupervisedSubject {
    user_id: UserId,
    #[sqlx(flatten)]
    subject: SubjectRow,
}

/// A supervisor person.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SupervisorRow {
    pub id: UserId,
    pub uuid: Option<String>,
    pub name: String,
    pub created_at: UnixMillis,
    pub updated_at: UnixMillis,
}

/// One supervisor to write: their uuid, name and exactly these subjects (classbridge's ids).
#[derive(Debug, Clone)]
pub struct SupervisorUpsert {
    pub uuid: String,
    pub name: String,
    pub subject_ids: Vec<SubjectId>,
}

const SUBJECT_COLUMNS: &str =
    "j.id, j.partner_id, j.name, b.id AS branch_id, b.partner_id AS branch_partner_id, \
     b.name AS branch_name FROM subjects j JOIN branches b ON b.id = j.branch_id";

/// `AND <column> IN (…)` of these ids, for a query being built.
fn push_in<'q, Db, Id>(query: &mut QueryBuilder<'q, Db>, column: &str, ids: &'q [Id])
where
    Db: sqlx::Database,
    Id: Copy + sqlx::Encode<'q, Db> + sqlx::Type<Db> + 'q,
{
    query.push(format!(" AND {column} IN ("));
    let mut separated = query.separated(", ");
    for id in ids {
        separated.push_bind(*id);
    }
    separated.push_unseparated(")");
}

impl Store {
    /// The tenant's subjects (of one branch when scoped), paged by id.
    pub async fn list_subjects(
        &self,
        scope: Scope,
        page: PageRequest,
    ) -> StoreResult<Page<SubjectRow>> {
        let (tenant_id, branch) = (scope.tenant_id(), scope.branch_partner_id());
        let sql = format!(
            "SELECT {SUBJECT_COLUMNS} WHERE j.tenant_id = $1 AND ($2 IS NULL OR b.partner_id = $2) \
             ORDER BY j.id LIMIT $3 OFFSET $4"
        );
        let count = "SELECT COUNT(*) FROM subjects j JOIN branches b ON b.id = j.branch_id \
                     WHERE j.tenant_id = $1 AND ($2 IS NULL OR b.partner_id = $2)";
        let (items, total) = on_reader!(self, pool => {
            let items: Vec<SubjectRow> = sqlx::query_as(&sql).bind(tenant_id.get()).bind(branch)
                .bind(page.limit()).bind(page.offset()).fetch_all(pool).await?;
            let total: i64 = sqlx::query_scalar(count).bind(tenant_id.get()).bind(branch).fetch_one(pool).await?;
            (items, total)
        });
        Ok(Page {
            items,
            total,
            request: page,
        })
    }

    /// One subject by classbridge's id (none outside the tenant or the branch scope).
    pub async fn find_subject(
        &self,
        scope: Scope,
        id: SubjectId,
    ) -> StoreResult<Option<SubjectRow>> {
        let (tenant_id, branch) = (scope.tenant_id(), scope.branch_partner_id());
        let sql = format!(
            "SELECT {SUBJECT_COLUMNS} WHERE j.tenant_id = $1 AND ($2 IS NULL OR b.partner_id = $2) AND j.id = $3"
        );
        Ok(on_reader!(self, pool => {
            sqlx::query_as(&sql).bind(tenant_id.get()).bind(branch).bind(id).fetch_optional(pool).await?
        }))
    }

    /// The sections (with classes) and the teachers of these subjects of the tenant.
    pub async fn subject_details(
        &self,
        tenant_id: TenantId,
        subject_ids: &[SubjectId],
    ) -> StoreResult<(Vec<SubjectSection>, Vec<SubjectTeacher>)> {
        if subject_ids.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        Ok(on_reader!(self, pool => {
            let mut query = QueryBuilder::new(
                "SELECT ss.subject_id, s.id AS section_id, s.name AS section_name, c.id AS class_id, \
                 c.partner_id AS class_partner_id, c.name AS class_name FROM section_subjects ss \
                 JOIN sections s ON s.id = ss.section_id JOIN classes c ON c.id = s.class_id WHERE s.tenant_id = ");
            query.push_bind(tenant_id.get());
            push_in(&mut query, "ss.subject_id", subject_ids);
            query.push(" ORDER BY ss.subject_id, c.name, s.name, s.id");
            let sections = query.build_query_as().fetch_all(pool).await?;
            let mut query = QueryBuilder::new(
                "SELECT t.subject_id, t.section_id, u.id AS user_id, u.uuid, u.name FROM teaching_assignments t \
                 JOIN users u ON u.id = t.user_id JOIN subjects j ON j.id = t.subject_id WHERE j.tenant_id = ");
            query.push_bind(tenant_id.get());
            push_in(&mut query, "t.subject_id", subject_ids);
            query.push(" ORDER BY t.subject_id, t.section_id, u.name, u.id");
            let teachers = query.build_query_as().fetch_all(pool).await?;
            (sections, teachers)
        }))
    }

    /// `(partner id, classbridge id)` of the tenant's subjects with these partner ids (of one branch when scoped).
    /// One partner id can name a subject in several branches.
    pub async fn subjects_by_partner_ids(
        &self,
        scope: Scope,
        partner_ids: &[i64],
    ) -> StoreResult<Vec<(i64, SubjectId)>> {
        let (tenant_id, branch) = (scope.tenant_id(), scope.branch_partner_id());
        if partner_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(on_reader!(self, pool => {
            let mut query = QueryBuilder::new(
                "SELECT j.partner_id, j.id FROM subjects j JOIN branches b ON b.id = j.branch_id WHERE j.tenant_id = ");
            query.push_bind(tenant_id.get());
            if let Some(branch) = branch {
                query.push(" AND b.partner_id = ").push_bind(branch);
            }
            push_in(&mut query, "j.partner_id", partner_ids);
            query.push(" ORDER BY j.id");
            query.build_query_as().fetch_all(pool).await?
        }))
    }

    /// The tenant's supervisors (role 4), paged by id; scoped to a branch, those who supervise a subject there.
    pub async fn list_supervisors(
        &self,
        scope: Scope,
        page: PageRequest,
    ) -> StoreResult<Page<SupervisorRow>> {
        let (tenant_id, branch) = (scope.tenant_id(), scope.branch_partner_id());
        let filter = format!(
            "FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role_id = {} WHERE u.tenant_id = $1 \
             AND ($2 IS NULL OR EXISTS (SELECT 1 FROM supervisor_subjects x JOIN subjects j ON j.id = x.subject_id \
             JOIN branches b ON b.id = j.branch_id WHERE x.user_id = u.id AND b.partner_id = $2))",
            Role::Supervisor.id()
        );
        let sql = format!(
            "SELECT u.id, u.uuid, u.name, u.created_at, u.updated_at {filter} ORDER BY u.id LIMIT $3 OFFSET $4"
        );
        let count = format!("SELECT COUNT(*) {filter}");
        let (items, total) = on_reader!(self, pool => {
            let items: Vec<SupervisorRow> = sqlx::query_as(&sql).bind(tenant_id.get()).bind(branch)
                .bind(page.limit()).bind(page.offset()).fetch_all(pool).await?;
            let total: i64 = sqlx::query_scalar(&count).bind(tenant_id.get()).bind(branch).fetch_one(pool).await?;
            (items, total)
        });
        Ok(Page {
            items,
            total,
            request: page,
        })
    }

    /// One supervisor by uuid (none when the person is not a supervisor, or supervises nothing in the scope).
    pub async fn find_supervisor(
        &self,
        scope: Scope,
        uuid: &str,
    ) -> StoreResult<Option<SupervisorRow>> {
        let (tenant_id, branch) = (scope.tenant_id(), scope.branch_partner_id());
        let sql = format!(
            "SELECT u.id, u.uuid, u.name, u.created_at, u.updated_at FROM users u \
             JOIN user_roles r ON r.user_id = u.id AND r.role_id = {} WHERE u.tenant_id = $1 AND u.uuid = $3 \
             AND ($2 IS NULL OR EXISTS (SELECT 1 FROM supervisor_subjects x JOIN subjects j ON j.id = x.subject_id \
             JOIN branches b ON b.id = j.branch_id WHERE x.user_id = u.id AND b.partner_id = $2))",
            Role::Supervisor.id()
        );
        Ok(on_reader!(self, pool => {
            sqlx::query_as(&sql).bind(tenant_id.get()).bind(branch).bind(uuid).fetch_optional(pool).await?
        }))
    }

    /// The subjects of the tenant each of these supervisors supervises (of one branch when scoped), by user id.
    pub async fn supervised_subjects(
        &self,
        tenant_id: TenantId,
        branch: Option<i64>,
        user_ids: &[UserId],
    ) -> StoreResult<HashMap<UserId, Vec<SubjectRow>>> {
        if user_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<SupervisedSubject> = on_reader!(self, pool => {
            let mut query = QueryBuilder::new(
                "SELECT x.user_id, j.id, j.partner_id, j.name, b.id AS branch_id, b.partner_id AS branch_partner_id, \
                 b.name AS branch_name FROM supervisor_subjects x \
                 JOIN subjects j ON j.id = x.subject_id JOIN branches b ON b.id = j.branch_id WHERE j.tenant_id = ");
            query.push_bind(tenant_id.get());
            if let Some(branch) = branch {
                query.push(" AND b.partner_id = ").push_bind(branch);
            }
            push_in(&mut query, "x.user_id", user_ids);
            query.push(" ORDER BY x.user_id, j.id");
            query.build_query_as().fetch_all(pool).await?
        });
        let mut by_user: HashMap<UserId, Vec<SubjectRow>> = HashMap::new();
        for row in rows {
            by_user.entry(row.user_id).or_default().push(row.subject);
        }
        Ok(by_user)
    }

    /// Creates or updates supervisors by uuid in one transaction: the name is set, the supervisor role added, and the
    /// subjects replaced by exactly those given. Returns `(user id, created)` per item, in order.
    pub async fn upsert_supervisors(
        &self,
        tenant_id: TenantId,
        items: &[SupervisorUpsert],
    ) -> StoreResult<Vec<(UserId, bool)>> {
        let mut write = crate::RosterWrite::begin(self, tenant_id).await?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let (id, created) = upsert_person(&mut write, &item.uuid, &item.name).await?;
            set_supervised(&mut write, id, &item.subject_ids).await?;
            out.push((id, created));
        }
        write.commit().await?;
        Ok(out)
    }
}

/// Finds the person by uuid (renaming them) or creates them; either way they get the supervisor role.
async fn upsert_person(tx: &mut TenantTx, uuid: &str, name: &str) -> StoreResult<(UserId, bool)> {
    let tenant_id = tx.tenant_id();
    let tx = tx.store_tx();
    let now = UnixMillis::now();
    let existing: Option<UserId> = on_tx!(tx, conn, Db => {
        sqlx::query_scalar("UPDATE users SET name = $3, updated_at = CASE WHEN name = $3 THEN updated_at ELSE $4 END \
                            WHERE tenant_id = $1 AND uuid = $2 RETURNING id")
            .bind(tenant_id.get()).bind(uuid).bind(name).bind(now)
            .fetch_optional(&mut *conn).await?
    });
    let (id, created) = match existing {
        Some(id) => (id, false),
        None => {
            let id: UserId = on_tx!(tx, conn, Db => {
                sqlx::query_scalar("INSERT INTO users (tenant_id, uuid, name, active, created_at, updated_at) \
                                    VALUES ($1, $2, $3, TRUE, $4, $4) RETURNING id")
                    .bind(tenant_id.get()).bind(uuid).bind(name).bind(now)
                    .fetch_one(&mut *conn).await?
            });
            (id, true)
        }
    };
    on_tx!(tx, conn, Db => {
        sqlx::query("INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(id).bind(Role::Supervisor).execute(&mut *conn).await?;
    });
    Ok((id, created))
}

/// Replaces the subjects `user_id` (the transaction's tenant's, found or made in it) supervises; a subject of
/// another tenant is not added.
async fn set_supervised(
    tx: &mut TenantTx,
    user_id: UserId,
    subject_ids: &[SubjectId],
) -> StoreResult<()> {
    let tenant_id = tx.tenant_id();
    let tx = tx.store_tx();
    on_tx!(tx, conn, Db => {
        sqlx::query("DELETE FROM supervisor_subjects WHERE user_id = $1").bind(user_id).execute(&mut *conn).await?;
    });
    for subject_id in subject_ids {
        on_tx!(tx, conn, Db => {
            sqlx::query("INSERT INTO supervisor_subjects (user_id, subject_id) SELECT $1, id FROM subjects \
                         WHERE id = $2 AND tenant_id = $3 ON CONFLICT DO NOTHING")
                .bind(user_id).bind(*subject_id).bind(tenant_id.get()).execute(&mut *conn).await?;
        });
    }
    Ok(())
}
