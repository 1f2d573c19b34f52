//! The branch tree `GET /api/v2/branches` shows: a tenant's branches, and their classes and sections with counts.

use classbridge_domain::{BranchId, ClassId, SectionId, TenantId};

use crate::StoreResult;

/// One branch of the tree `GET /api/v2/branches` shows.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BranchSummary {
    pub id: BranchId,
    pub partner_id: i64,
    pub name: String,
}

/// A section with its class and counts, for the tree.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SectionSummary {
    pub branch_id: BranchId,
    pub class_id: ClassId,
    pub class_partner_id: i64,
    pub class_name: String,
    pub section_id: Option<SectionId>,
    pub section_name: Option<String>,
    pub students: i64,
    pub teachers: i64,
}

/// The tenant's branches (all, or the one a scoped credential may see), paged by branch; partners never see the
/// default branch (classbridge's, for simple mirrors and hand-made classrooms), the school's dashboard does.
pub async fn list_branches(
    store: &crate::Store,
    tenant_id: TenantId,
    only_partner_id: Option<i64>,
    partners_only: bool,
    page: crate::PageRequest,
) -> StoreResult<crate::Page<BranchSummary>> {
    let hidden = partners_only.then_some(crate::classrooms::DEFAULT_BRANCH_PARTNER_ID);
    let sql = "SELECT id, partner_id, name FROM branches WHERE tenant_id = $1 AND ($2 IS NULL OR partner_id = $2) \
               AND ($5 IS NULL OR partner_id <> $5) ORDER BY partner_id LIMIT $3 OFFSET $4";
    let count =
        "SELECT COUNT(*) FROM branches WHERE tenant_id = $1 AND ($2 IS NULL OR partner_id = $2) \
                 AND ($3 IS NULL OR partner_id <> $3)";
    let (items, total) = on_reader!(store, pool => {
        let items: Vec<BranchSummary> = sqlx::query_as(sql)
            .bind(tenant_id.get()).bind(only_partner_id).bind(page.limit()).bind(page.offset()).bind(hidden)
            .fetch_all(pool).await?;
        let total: i64 = sqlx::query_scalar(count).bind(tenant_id.get()).bind(only_partner_id).bind(hidden)
            .fetch_one(pool).await?;
        (items, total)
    });
    Ok(crate::Page {
        items,
        total,
        request: page,
    })
}

/// Classes and sections of these branches, with how many students and distinct teachers each section has.
pub async fn section_summaries(
    store: &crate::Store,
    tenant_id: TenantId,
    branch_ids: &[BranchId],
) -> StoreResult<Vec<SectionSummary>> {
    if branch_ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = branch_ids
        .iter()
        .map(BranchId::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    // The ids are integers read from our own rows, so they can stand in the text.
    let sql = format!(
        "SELECT c.branch_id, c.id AS class_id, c.partner_id AS class_partner_id, c.name AS class_name, \
         s.id AS section_id, s.name AS section_name, \
         (SELECT COUNT(*) FROM section_students m WHERE m.section_id = s.id) AS students, \
         (SELECT COUNT(DISTINCT t.user_id) FROM teaching_assignments t WHERE t.section_id = s.id) AS teachers \
         FROM classes c LEFT JOIN sections s ON s.class_id = c.id \
         WHERE c.tenant_id = $1 AND c.branch_id IN ({list}) ORDER BY c.branch_id, c.partner_id, s.name_key"
    );
    Ok(on_reader!(store, pool => sqlx::query_as(&sql).bind(tenant_id.get()).fetch_all(pool).await?))
}
