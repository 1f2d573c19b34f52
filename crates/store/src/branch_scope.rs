//! The SQL of a [`Scope`]: which people, sections, groups, courses and jobs a branch-limited scope reaches. A
//! tenant-wide scope adds no condition. The ids written into these texts are integers (the tenant's row id and the
//! credential's branch id, both read from our own rows), never text from a request.

use std::collections::HashSet;

use classbridge_domain::{Scope, UserId};
use sqlx::QueryBuilder;

use crate::{Store, StoreResult, TenantTx};

/// Rows per `IN (…)` list.
const BATCH: usize = 500;

/// The scope's branch rows (its internal ids; none when the branch was never mirrored).
fn branch_rows(scope: Scope, partner_branch_id: i64) -> String {
    format!(
        "SELECT id FROM branches WHERE tenant_id = {} AND partner_id = {partner_branch_id}",
        scope.tenant_id().get()
    )
}

/// The people of a branch: a student or teacher of one of its sections (mirrored or hand-made memberships).
fn branch_people(scope: Scope, partner_branch_id: i64) -> String {
    let branches = branch_rows(scope, partner_branch_id);
    format!(
        "SELECT sm.user_id FROM section_students sm WHERE sm.branch_id IN ({branches}) \
         UNION SELECT ta.user_id FROM teaching_assignments ta WHERE ta.branch_id IN ({branches}) \
         UNION SELECT st.user_id FROM section_teachers st JOIN sections sts ON sts.id = st.section_id \
         WHERE sts.branch_id IN ({branches})"
    )
}

/// ` AND {user_column} IN (the people of the scope's branch)`, or nothing for the whole tenant.
pub fn people_condition(scope: Scope, user_column: &str) -> String {
    match scope.branch_partner_id() {
        None => String::new(),
        Some(branch) => format!(" AND {user_column} IN ({})", branch_people(scope, branch)),
    }
}

/// ` AND {branch_column} IN (the scope's branch rows)` for sections (and memberships) by their branch column.
pub fn sections_condition(scope: Scope, branch_column: &str) -> String {
    match scope.branch_partner_id() {
        None => String::new(),
        Some(branch) => format!(" AND {branch_column} IN ({})", branch_rows(scope, branch)),
    }
}

/// ` AND {section_column} IN (the sections of the scope's branch)`.
pub fn section_ids_condition(scope: Scope, section_column: &str) -> String {
    match scope.branch_partner_id() {
        None => String::new(),
        Some(branch) => format!(
            " AND {section_column} IN (SELECT id FROM sections WHERE branch_id IN ({}))",
            branch_rows(scope, branch)
        ),
    }
}

/// ` AND {column} = the scope's branch` for rows tagged with the branch of the credential that made them (groups,
/// jobs); rows made by a tenant-wide credential (NULL) are outside every branch.
pub fn tagged_condition(scope: Scope, column: &str) -> String {
    match scope.branch_partner_id() {
        None => String::new(),
        Some(branch) => format!(" AND {column} = {branch}"),
    }
}

/// ` AND {group_column} IN (the groups of the scope's branch)`.
pub fn group_ids_condition(scope: Scope, group_column: &str) -> String {
    match scope.branch_partner_id() {
        None => String::new(),
        Some(branch) => format!(
            " AND {group_column} IN (SELECT id FROM user_groups WHERE tenant_id = {} AND branch_partner_id = {branch})",
            scope.tenant_id().get()
        ),
    }
}

/// ` AND {course_column} IN (the courses of the scope's branch)`: a course belongs to a branch through its people,
/// when its main teacher, one of its students or auditors, or the teacher of one of its lessons is a person there.
pub fn courses_condition(scope: Scope, course_column: &str) -> String {
    match scope.branch_partner_id() {
        None => String::new(),
        Some(branch) => {
            let people = branch_people(scope, branch);
            let tenant = scope.tenant_id().get();
            format!(
                " AND {course_column} IN (\
                 SELECT cc.id FROM classin_courses cc WHERE cc.tenant_id = {tenant} AND cc.main_teacher_id IN ({people}) \
                 UNION SELECT cs.course_id FROM classin_course_students cs WHERE cs.user_id IN ({people}) \
                 UNION SELECT cl.course_id FROM classin_lessons cl WHERE cl.tenant_id = {tenant} AND cl.teacher_id IN ({people}))"
            )
        }
    }
}

/// `SELECT id FROM users WHERE tenant_id = … AND id IN (` with the scope's people condition after the list.
fn people_query<'q, DB: sqlx::Database>(scope: Scope, ids: &'q [UserId]) -> QueryBuilder<'q, DB>
where
    UserId: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let mut query = QueryBuilder::new(format!(
        "SELECT id FROM users WHERE tenant_id = {} AND id IN (",
        scope.tenant_id().get()
    ));
    let mut separated = query.separated(", ");
    for id in ids {
        separated.push_bind(*id);
    }
    separated.push_unseparated(")");
    query.push(people_condition(scope, "id"));
    query
}

impl Store {
    /// Of these user ids, those of people in the scope (the tenant's people; of a branch, its people).
    pub async fn people_in_scope(
        &self,
        scope: Scope,
        ids: &[UserId],
    ) -> StoreResult<HashSet<UserId>> {
        let mut found = HashSet::new();
        for chunk in ids.chunks(BATCH) {
            let rows: Vec<UserId> = on_reader!(self, pool => {
                people_query(scope, chunk).build_query_scalar().fetch_all(pool).await?
            });
            found.extend(rows);
        }
        Ok(found)
    }

    /// Whether the user is a person in the scope.
    pub async fn is_person_in_scope(&self, scope: Scope, id: UserId) -> StoreResult<bool> {
        Ok(self.people_in_scope(scope, &[id]).await?.contains(&id))
    }
}

/// [`Store::is_person_in_scope`] inside a transaction of the scope's tenant (another tenant's scope finds no one).
pub async fn is_person_in_scope_tx(
    tx: &mut TenantTx,
    scope: Scope,
    id: UserId,
) -> StoreResult<bool> {
    if scope.tenant_id() != tx.tenant_id() {
        return Ok(false);
    }
    let ids = [id];
    let rows: Vec<UserId> = crate::tx::on_tx!(tx.store_tx(), conn, Db => {
        people_query::<Db>(scope, &ids).build_query_scalar().fetch_all(&mut *conn).await?
    });
    Ok(rows.contains(&id))
}
