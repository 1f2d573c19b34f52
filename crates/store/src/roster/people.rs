//! The mirrored people of a tenant: found by uuid, inserted, renamed, activated or deactivated, and asked whether
//! they belong anywhere (else).

use classbridge_domain::UserId;
use sqlx::QueryBuilder;

use super::{postgres, CreatedPerson, PersonRow, BATCH};
use crate::{now_millis, tx::on_tx, RosterWrite, StoreResult, StoreTx, TenantTx};

/// Renames one person by hand (`PUT /api/v2/mirror-data/users/{uuid}`); the write's commit bumps the roster version,
/// so that a re-mirror of an unchanged payload puts the name back.
pub async fn rename_person(write: &mut RosterWrite, id: UserId, name: &str) -> StoreResult<()> {
    rename_people(write, &[(id, name)]).await
}

/// Renames the tenant's people `(id, name)` in batches: one statement per few hundred people, not one per person.
pub async fn rename_people(tx: &mut TenantTx, renames: &[(UserId, &str)]) -> StoreResult<()> {
    let now = now_millis();
    let tenant = tx.tenant_id().get();
    for chunk in renames.chunks(BATCH / 3) {
        on_tx!(tx.store_tx(), conn, Db => {
            let mut query = QueryBuilder::<Db>::new("UPDATE users SET name = CASE id");
            for (id, name) in chunk {
                query.push(" WHEN ").push_bind(id.get()).push(" THEN ").push_bind(*name);
            }
            query.push(" ELSE name END, updated_at = ").push_bind(now).push(" WHERE tenant_id = ").push_bind(tenant).push(" AND id IN (");
            let mut separated = query.separated(", ");
            for (id, _) in chunk {
                separated.push_bind(id.get());
            }
            separated.push_unseparated(")");
            query.build().execute(&mut *conn).await?;
        });
    }
    Ok(())
}

/// Whether any of these people studies or teaches in a branch other than the tenant's branch `partner_id`: a
/// change to them then reaches beyond that branch.
pub async fn people_in_other_branches(
    tx: &mut TenantTx,
    partner_id: i64,
    ids: &[UserId],
) -> StoreResult<bool> {
    let tenant_id = tx.tenant_id();
    for chunk in ids.chunks(BATCH) {
        let found: Option<i64> = on_tx!(tx.store_tx(), conn, Db => {
            let mut query = QueryBuilder::<Db>::new("SELECT user_id FROM (SELECT user_id, branch_id FROM section_students UNION ALL \
                SELECT user_id, branch_id FROM teaching_assignments) AS belonging WHERE branch_id <> \
                (SELECT id FROM branches WHERE tenant_id = ");
            query.push_bind(tenant_id.get()).push(" AND partner_id = ").push_bind(partner_id).push(") AND user_id IN (");
            let mut separated = query.separated(", ");
            for id in chunk {
                separated.push_bind(id.get());
            }
            separated.push_unseparated(") LIMIT 1");
            query.build_query_scalar().fetch_optional(&mut *conn).await?
        });
        if found.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The tenant's people with these uuids.
pub async fn find_people_by_uuid(tx: &mut TenantTx, uuids: &[&str]) -> StoreResult<Vec<PersonRow>> {
    let tenant_id = tx.tenant_id();
    if let StoreTx::Postgres(transaction) = tx.store_tx() {
        return postgres::find_people_by_uuid(transaction, tenant_id.get(), uuids).await;
    }
    let mut found = Vec::with_capacity(uuids.len());
    for chunk in uuids.chunks(BATCH) {
        let rows: Vec<PersonRow> = on_tx!(tx.store_tx(), conn, Db => {
            let mut query = QueryBuilder::<Db>::new("SELECT id, uuid, name, active FROM users WHERE tenant_id = ");
            query.push_bind(tenant_id.get()).push(" AND uuid IN (");
            let mut separated = query.separated(", ");
            for uuid in chunk {
                separated.push_bind(*uuid);
            }
            separated.push_unseparated(")");
            query.build_query_as().fetch_all(&mut *conn).await?
        });
        found.extend(rows);
    }
    Ok(found)
}

/// Creates people by uuid and name; returns the id and uuid of each.
pub async fn insert_people(
    tx: &mut TenantTx,
    people: &[(&str, &str)],
) -> StoreResult<Vec<CreatedPerson>> {
    let now = now_millis();
    let tenant_id = tx.tenant_id();
    if let StoreTx::Postgres(transaction) = tx.store_tx() {
        return postgres::insert_people(transaction, tenant_id.get(), people, now).await;
    }
    let mut created = Vec::with_capacity(people.len());
    for chunk in people.chunks(BATCH / 2) {
        let rows: Vec<CreatedPerson> = on_tx!(tx.store_tx(), conn, Db => {
            let mut query = QueryBuilder::<Db>::new("INSERT INTO users (tenant_id, uuid, name, active, created_at, updated_at) ");
            query.push_values(chunk, |mut row, (uuid, name)| {
                row.push_bind(tenant_id.get()).push_bind(*uuid).push_bind(*name).push("TRUE").push_bind(now).push_bind(now);
            });
            query.push(" RETURNING id, uuid");
            query.build_query_as().fetch_all(&mut *conn).await?
        });
        created.extend(rows);
    }
    Ok(created)
}

/// Activates or deactivates the tenant's people by id.
pub async fn set_people_active(tx: &mut TenantTx, ids: &[UserId], active: bool) -> StoreResult<()> {
    let now = now_millis();
    let tenant = tx.tenant_id().get();
    for chunk in ids.chunks(BATCH) {
        on_tx!(tx.store_tx(), conn, Db => {
            let mut query = QueryBuilder::<Db>::new("UPDATE users SET active = ");
            query.push_bind(active).push(", updated_at = ").push_bind(now);
            query.push(" WHERE tenant_id = ").push_bind(tenant).push(" AND id IN (");
            let mut separated = query.separated(", ");
            for id in chunk {
                separated.push_bind(id.get());
            }
            separated.push_unseparated(")");
            query.build().execute(&mut *conn).await?;
        });
    }
    Ok(())
}

/// Of these people of the tenant, those left with no membership and no teaching assignment anywhere.
pub async fn people_without_memberships(
    tx: &mut TenantTx,
    ids: &[UserId],
) -> StoreResult<Vec<UserId>> {
    let mut lonely = Vec::new();
    let tenant = tx.tenant_id().get();
    for chunk in ids.chunks(BATCH) {
        let rows: Vec<UserId> = on_tx!(tx.store_tx(), conn, Db => {
            let mut query = QueryBuilder::<Db>::new("SELECT u.id FROM users u WHERE u.tenant_id = ");
            query.push_bind(tenant).push(" AND u.id IN (");
            let mut separated = query.separated(", ");
            for id in chunk {
                separated.push_bind(id.get());
            }
            separated.push_unseparated(")");
            query.push(" AND NOT EXISTS (SELECT 1 FROM section_students m WHERE m.user_id = u.id) \
                        AND NOT EXISTS (SELECT 1 FROM teaching_assignments t WHERE t.user_id = u.id) \
                        AND NOT EXISTS (SELECT 1 FROM section_teachers x WHERE x.user_id = u.id)");
            query.build_query_scalar().fetch_all(&mut *conn).await?
        });
        lonely.extend(rows);
    }
    Ok(lonely)
}

/// A mirrored or transferred person in the scope by the partner's uuid.
pub async fn find_person_by_uuid(
    store: &crate::Store,
    scope: classbridge_domain::Scope,
    uuid: &str,
) -> StoreResult<Option<PersonRow>> {
    let sql = format!(
        "SELECT id, uuid, name, active FROM users WHERE tenant_id = $1 AND uuid = $2{}",
        crate::branch_scope::people_condition(scope, "id")
    );
    let tenant_id = scope.tenant_id();
    Ok(
        on_reader!(store, pool => sqlx::query_as(&sql).bind(tenant_id.get()).bind(uuid).fetch_optional(pool).await?),
    )
}

/// Deletes a person in the scope as the users API deletes a user, and bumps the roster version.
pub async fn delete_person(
    store: &crate::Store,
    scope: classbridge_domain::Scope,
    id: UserId,
) -> StoreResult<bool> {
    let mut write = RosterWrite::begin(store, scope.tenant_id()).await?;
    let deleted = crate::users::delete_user(&mut write, scope, id).await?;
    write.commit().await?;
    Ok(deleted)
}
