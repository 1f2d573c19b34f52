//! Classrooms: every section is one. Mirrored sections are read here; classrooms made through the API live in the
//! tenant's default branch and are changed only through the API.

use classbridge_domain::{BranchId, ClassId, Scope, SectionId, SectionOrigin, UnixMillis};

use crate::branch_scope::sections_condition;

use crate::{tx::on_tx, Page, PageRequest, RosterWrite, Store, StoreError, StoreResult, TenantTx};

/// The partner branch id of the tenant's default branch (simple mirrors and hand-made classrooms); no partner uses
/// it for a real branch.
pub const DEFAULT_BRANCH_PARTNER_ID: i64 = i64::MIN;
/// The one class of the default branch.
pub const DEFAULT_CLASS_PARTNER_ID: i64 = 0;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Classroom {
    pub id: SectionId,
    pub name: String,
    pub origin: SectionOrigin,
    pub class_name: String,
    pub branch_partner_id: i64,
    pub branch_name: String,
    pub students: i64,
    pub teachers: i64,
}

const CLASSROOM_SELECT: &str = "SELECT s.id, s.name, s.origin, c.name AS class_name, b.partner_id AS branch_partner_id, \
     b.name AS branch_name, \
     (SELECT COUNT(*) FROM section_students m WHERE m.section_id = s.id) AS students, \
     (SELECT COUNT(*) FROM (SELECT user_id FROM teaching_assignments t WHERE t.section_id = s.id \
                            UNION SELECT user_id FROM section_teachers x WHERE x.section_id = s.id) teachers) AS teachers \
     FROM sections s JOIN classes c ON c.id = s.class_id JOIN branches b ON b.id = s.branch_id";

impl Store {
    /// The scope's classrooms (of a branch: its sections), paged by id.
    pub async fn list_classrooms(
        &self,
        scope: Scope,
        page: PageRequest,
    ) -> StoreResult<Page<Classroom>> {
        let tenant_id = scope.tenant_id();
        let sql = format!(
            "{CLASSROOM_SELECT} WHERE s.tenant_id = $1{} ORDER BY s.id LIMIT $2 OFFSET $3",
            sections_condition(scope, "s.branch_id")
        );
        let count = format!(
            "SELECT COUNT(*) FROM sections WHERE tenant_id = $1{}",
            sections_condition(scope, "branch_id")
        );
        let (items, total) = on_reader!(self, pool => {
            let items: Vec<Classroom> = sqlx::query_as(&sql)
                .bind(tenant_id.get()).bind(page.limit()).bind(page.offset()).fetch_all(pool).await?;
            let total: i64 = sqlx::query_scalar(&count).bind(tenant_id.get()).fetch_one(pool).await?;
            (items, total)
        });
        Ok(Page {
            items,
            total,
            request: page,
        })
    }

    /// A classroom in the scope.
    pub async fn find_classroom(
        &self,
        scope: Scope,
        id: SectionId,
    ) -> StoreResult<Option<Classroom>> {
        let tenant_id = scope.tenant_id();
        let sql = format!(
            "{CLASSROOM_SELECT} WHERE s.tenant_id = $1 AND s.id = $2{}",
            sections_condition(scope, "s.branch_id")
        );
        Ok(
            on_reader!(self, pool => sqlx::query_as(&sql).bind(tenant_id.get()).bind(id).fetch_optional(pool).await?),
        )
    }
}

/// The transaction's tenant's default branch's class, made on first use: `(branch_id, class_id)`.
pub async fn default_class(tx: &mut TenantTx) -> StoreResult<(BranchId, ClassId)> {
    let now = UnixMillis::now();
    let tenant_id = tx.tenant_id();
    let (branch, class) = on_tx!(tx.store_tx(), conn, Db => {
        let branch: Option<BranchId> = sqlx::query_scalar("SELECT id FROM branches WHERE tenant_id = $1 AND partner_id = $2")
            .bind(tenant_id.get()).bind(DEFAULT_BRANCH_PARTNER_ID).fetch_optional(&mut *conn).await?;
        let branch = match branch {
            Some(id) => id,
            None => sqlx::query_scalar("INSERT INTO branches (tenant_id, partner_id, name, created_at, updated_at) \
                                        VALUES ($1, $2, 'Default branch', $3, $3) RETURNING id")
                .bind(tenant_id.get()).bind(DEFAULT_BRANCH_PARTNER_ID).bind(now).fetch_one(&mut *conn).await?,
        };
        let class: Option<ClassId> = sqlx::query_scalar("SELECT id FROM classes WHERE branch_id = $1 AND partner_id = $2 AND tenant_id = $3")
            .bind(branch).bind(DEFAULT_CLASS_PARTNER_ID).bind(tenant_id.get()).fetch_optional(&mut *conn).await?;
        let class = match class {
            Some(id) => id,
            None => sqlx::query_scalar("INSERT INTO classes (tenant_id, branch_id, partner_id, name) \
                                        VALUES ($1, $2, $3, 'Classrooms') RETURNING id")
                .bind(tenant_id.get()).bind(branch).bind(DEFAULT_CLASS_PARTNER_ID).fetch_one(&mut *conn).await?,
        };
        (branch, class)
    });
    tx.know_branch(branch);
    Ok((branch, class))
}

/// Creates a hand-made classroom in the write's tenant's default branch; a name already used there is a `Conflict`.
/// Like every hand-made change to the roster, it is a [`RosterWrite`]: its commit bumps the tenant's roster version
/// (mirrors then re-check their branches).
pub async fn create_classroom(
    write: &mut RosterWrite,
    name: &str,
    name_key: &str,
) -> StoreResult<SectionId> {
    let tenant_id = write.tenant_id();
    let (branch, class) = default_class(write).await?;
    let tx = write.store_tx();
    let sql = "INSERT INTO sections (tenant_id, branch_id, class_id, name, name_key, origin) \
               VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
    let id = on_tx!(tx, conn, Db => {
        sqlx::query_scalar(sql).bind(tenant_id.get()).bind(branch).bind(class).bind(name).bind(name_key)
            .bind(SectionOrigin::Manual.as_str()).fetch_one(&mut *conn).await?
    });
    Ok(id)
}

/// Renames a hand-made classroom in the scope (`NotFound` when there is none by that id, or the write is of
/// another tenant).
pub async fn rename_classroom(
    write: &mut RosterWrite,
    scope: Scope,
    id: SectionId,
    name: &str,
    name_key: &str,
) -> StoreResult<()> {
    let tenant_id = scope.tenant_id();
    if tenant_id != write.tenant_id() {
        return Err(StoreError::NotFound);
    }
    let tx = write.store_tx();
    let sql = format!(
        "UPDATE sections SET name = $3, name_key = $4 WHERE tenant_id = $1 AND id = $2{}",
        sections_condition(scope, "branch_id")
    );
    let updated = on_tx!(tx, conn, Db => {
        sqlx::query(&sql).bind(tenant_id.get()).bind(id).bind(name).bind(name_key).execute(&mut *conn).await?.rows_affected()
    });
    if updated != 1 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Deletes a classroom in the scope and its memberships, in a roster write of the scope's tenant.
pub async fn delete_classroom(
    write: &mut RosterWrite,
    scope: Scope,
    id: SectionId,
) -> StoreResult<()> {
    let tenant_id = scope.tenant_id();
    if tenant_id != write.tenant_id() {
        return Err(StoreError::NotFound);
    }
    let tx = write.store_tx();
    let sql = format!(
        "DELETE FROM sections WHERE tenant_id = $1 AND id = $2{}",
        sections_condition(scope, "branch_id")
    );
    // Student memberships have no foreign key to cascade from on PostgreSQL: deleted after their section (see
    // `roster::delete_by_ids`).
    let memberships = "DELETE FROM section_students WHERE section_id = $1";
    let deleted = on_tx!(tx, conn, Db => {
        let deleted = sqlx::query(&sql).bind(tenant_id.get()).bind(id).execute(&mut *conn).await?.rows_affected();
        if deleted == 1 {
            sqlx::query(memberships).bind(id).execute(&mut *conn).await?;
        }
        deleted
    });
    if deleted != 1 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
