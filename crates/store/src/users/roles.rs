//! Users' roles: those given explicitly, plus student and teacher as their memberships make them; read for a page or
//! inside a transaction, and replaced.

use std::collections::HashMap;

use classbridge_domain::{Role, TenantId, UserId};
use sqlx::QueryBuilder;

use super::{in_list, BATCH};
use crate::{tx::on_tx, Store, StoreResult, TenantTx};

impl Store {
    /// Each user's roles: those given explicitly, plus student and teacher as their memberships make them (only the
    /// tenant's users).
    pub async fn roles_of(
        &self,
        tenant_id: TenantId,
        user_ids: &[UserId],
    ) -> StoreResult<HashMap<UserId, Vec<Role>>> {
        let mut rows: Vec<(UserId, Role)> = Vec::new();
        for chunk in user_ids.chunks(BATCH) {
            rows.extend(
                on_reader!(self, pool => roles_query(Some(tenant_id), chunk).build_query_as().fetch_all(pool).await?)
                    as Vec<(UserId, Role)>,
            );
        }
        Ok(roles_by_user(rows))
    }
}

/// [`Store::roles_of`] inside a write transaction: a use case holding a transaction reads through it, never through a
/// second pool connection (on PostgreSQL, that second wait deadlocks the pool under concurrent writes). Only the
/// transaction's tenant's users are read: another tenant's user has no roles here.
pub async fn roles_in(
    tx: &mut TenantTx,
    user_ids: &[UserId],
) -> StoreResult<HashMap<UserId, Vec<Role>>> {
    let tenant_id = tx.tenant_id();
    let mut rows: Vec<(UserId, Role)> = Vec::new();
    for chunk in user_ids.chunks(BATCH) {
        let found: Vec<(UserId, Role)> = on_tx!(tx.store_tx(), conn, Db => roles_query::<Db>(Some(tenant_id), chunk).build_query_as().fetch_all(&mut *conn).await?);
        rows.extend(found);
    }
    Ok(roles_by_user(rows))
}

/// The roles of the users in `chunk` (only the tenant's users when given).
fn roles_query<'q, DB: sqlx::Database>(
    tenant_id: Option<TenantId>,
    chunk: &'q [UserId],
) -> QueryBuilder<'q, DB>
where
    UserId: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let mut query = QueryBuilder::new(
        "SELECT r.user_id, r.role_id FROM (SELECT user_id, role_id FROM user_roles WHERE user_id",
    );
    in_list(&mut query, chunk);
    query.push(format!(
        " UNION SELECT DISTINCT user_id, {} FROM section_students WHERE user_id",
        Role::Student.id()
    ));
    in_list(&mut query, chunk);
    query.push(format!(
        " UNION SELECT DISTINCT user_id, {} FROM teaching_assignments WHERE user_id",
        Role::Teacher.id()
    ));
    in_list(&mut query, chunk);
    query.push(format!(
        " UNION SELECT DISTINCT user_id, {} FROM section_teachers WHERE user_id",
        Role::Teacher.id()
    ));
    in_list(&mut query, chunk);
    query.push(") r");
    if let Some(tenant_id) = tenant_id {
        query.push(" JOIN users u ON u.id = r.user_id AND u.tenant_id = ");
        query.push_bind(tenant_id.get());
    }
    query
}

fn roles_by_user(rows: Vec<(UserId, Role)>) -> HashMap<UserId, Vec<Role>> {
    let mut roles: HashMap<UserId, Vec<Role>> = HashMap::new();
    for (user, role) in rows {
        let list = roles.entry(user).or_default();
        if !list.contains(&role) {
            list.push(role);
        }
    }
    for list in roles.values_mut() {
        list.sort_unstable();
    }
    roles
}

/// Replaces the explicit roles of a user of the tenant (`NotFound` if it is not one).
pub async fn set_roles(tx: &mut TenantTx, user_id: UserId, roles: &[Role]) -> StoreResult<()> {
    tx.check_user(user_id).await?;
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query("DELETE FROM user_roles WHERE user_id = $1").bind(user_id).execute(&mut *conn).await?;
        if !roles.is_empty() {
            let mut query = QueryBuilder::<Db>::new("INSERT INTO user_roles (user_id, role_id) ");
            query.push_values(roles, |mut row, role| {
                row.push_bind(user_id).push_bind(*role);
            });
            query.build().execute(&mut *conn).await?;
        }
    });
    Ok(())
}
