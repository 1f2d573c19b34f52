//! Users written inside the caller's transaction: made, changed and deleted, and their groups and classrooms (as
//! student or teacher) replaced within the scope.

use classbridge_domain::{GroupId, Scope, SectionId, UserId};
use sqlx::QueryBuilder;

use super::{check_scope, in_list, NewUser, UserChanges};
use crate::branch_scope::{group_ids_condition, people_condition, section_ids_condition};
use crate::{now_millis, tx::on_tx, StoreResult, TenantTx};

/// Creates a user of the transaction's tenant; returns its id.
pub async fn insert_user(tx: &mut TenantTx, user: &NewUser) -> StoreResult<UserId> {
    let tenant = tx.tenant_id().get();
    let sql = "INSERT INTO users (tenant_id, name, username, email, password_hash, lms_id, active, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $7) RETURNING id";
    let id: i64 = on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(sql)
            .bind(tenant).bind(&user.name).bind(&user.username).bind(&user.email)
            .bind(&user.password_hash).bind(&user.lms_id).bind(now_millis())
            .fetch_one(&mut *conn).await?
    });
    let id = UserId::new(id);
    tx.know_user(id);
    Ok(id)
}

/// Changes a user in the scope (of the transaction's tenant).
pub async fn update_user(
    tx: &mut TenantTx,
    scope: Scope,
    id: UserId,
    changes: &UserChanges,
) -> StoreResult<()> {
    check_scope(tx, scope)?;
    let sql = format!(
        "UPDATE users SET name = COALESCE($3, name), username = COALESCE($4, username), \
         email = COALESCE($5, email), password_hash = COALESCE($6, password_hash), updated_at = $7 \
         WHERE tenant_id = $1 AND id = $2{}",
        people_condition(scope, "id")
    );
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(&sql)
            .bind(scope.tenant_id().get()).bind(id).bind(&changes.name).bind(&changes.username).bind(&changes.email)
            .bind(&changes.password_hash).bind(now_millis())
            .execute(&mut *conn).await?;
    });
    Ok(())
}

/// Replaces the groups in the scope of a user of the tenant (`NotFound` if it is not one; a branch's credential
/// leaves the user's other groups as they are). Another tenant's groups are not joined; a group deleted meanwhile
/// fails the write on its foreign key, as before.
pub async fn set_groups(
    tx: &mut TenantTx,
    scope: Scope,
    user_id: UserId,
    groups: &[GroupId],
) -> StoreResult<()> {
    check_scope(tx, scope)?;
    tx.check_user(user_id).await?;
    let tenant = tx.tenant_id().get();
    let kept = group_ids_condition(scope, "group_id");
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(&format!("DELETE FROM group_members WHERE user_id = $1{kept}")).bind(user_id).execute(&mut *conn).await?;
        if !groups.is_empty() {
            let mut query = QueryBuilder::<Db>::new("INSERT INTO group_members (user_id, group_id) SELECT ");
            query.push_bind(user_id).push(", joined.column1 FROM (");
            query.push_values(groups, |mut row, group| {
                row.push_bind(*group);
            });
            query.push(") AS joined WHERE NOT EXISTS (SELECT 1 FROM user_groups g WHERE g.id = joined.column1 AND g.tenant_id <> ");
            query.push_bind(tenant).push(")");
            query.build().execute(&mut *conn).await?;
        }
    });
    Ok(())
}

/// Makes the user a student of exactly these classrooms of the scope: others of the scope are left (mirrored ones
/// too; the branch's next mirror decides those again), new ones are joined as hand-made memberships. A branch's
/// credential leaves the user's classrooms of other branches as they are.
pub async fn set_student_of(
    tx: &mut TenantTx,
    scope: Scope,
    user_id: UserId,
    sections: &[SectionId],
) -> StoreResult<()> {
    check_scope(tx, scope)?;
    tx.check_user(user_id).await?;
    let tenant = tx.tenant_id().get();
    let in_scope = section_ids_condition(scope, "section_id");
    // Held as foreign keys would hold them (PostgreSQL has none on memberships); a user or classroom deleted
    // meanwhile is not joined.
    let (users, held) = crate::roster::hold_for_memberships(tx, &[user_id], sections).await?;
    if users.is_empty() {
        return Ok(());
    }
    let sections: Vec<SectionId> = sections
        .iter()
        .copied()
        .filter(|id| held.contains(id))
        .collect();
    let sections = sections.as_slice();
    on_tx!(tx.store_tx(), conn, Db => {
        let mut delete = QueryBuilder::<Db>::new("DELETE FROM section_students WHERE user_id = ");
        delete.push_bind(user_id).push(in_scope.as_str());
        if !sections.is_empty() {
            delete.push(" AND section_id NOT");
            in_list(&mut delete, sections);
        }
        delete.build().execute(&mut *conn).await?;
        if !sections.is_empty() {
            let mut insert = QueryBuilder::<Db>::new(
                "INSERT INTO section_students (section_id, user_id, branch_id, source) SELECT s.id, ");
            insert.push_bind(user_id).push(", s.branch_id, 'manual' FROM sections s WHERE s.tenant_id = ");
            insert.push_bind(tenant).push(" AND s.id");
            in_list(&mut insert, sections);
            insert.push(" AND NOT EXISTS (SELECT 1 FROM section_students m WHERE m.section_id = s.id AND m.user_id = ");
            insert.push_bind(user_id).push(")");
            insert.build().execute(&mut *conn).await?;
        }
    });
    Ok(())
}

/// Makes the user a teacher of exactly these classrooms of the scope (subject assignments elsewhere are left; a
/// branch's credential leaves other branches' classrooms as they are).
pub async fn set_teacher_of(
    tx: &mut TenantTx,
    scope: Scope,
    user_id: UserId,
    sections: &[SectionId],
) -> StoreResult<()> {
    check_scope(tx, scope)?;
    tx.check_user(user_id).await?;
    let tenant = tx.tenant_id().get();
    let in_scope = section_ids_condition(scope, "section_id");
    on_tx!(tx.store_tx(), conn, Db => {
        for table in ["section_teachers", "teaching_assignments"] {
            let mut delete = QueryBuilder::<Db>::new(format!("DELETE FROM {table} WHERE user_id = "));
            delete.push_bind(user_id).push(in_scope.as_str());
            if !sections.is_empty() {
                delete.push(" AND section_id NOT");
                in_list(&mut delete, sections);
            }
            delete.build().execute(&mut *conn).await?;
        }
        if !sections.is_empty() {
            let mut insert = QueryBuilder::<Db>::new("INSERT INTO section_teachers (section_id, user_id) SELECT s.id, ");
            insert.push_bind(user_id).push(" FROM sections s WHERE s.tenant_id = ");
            insert.push_bind(tenant).push(" AND s.id");
            in_list(&mut insert, sections);
            insert.push(" AND NOT EXISTS (SELECT 1 FROM section_teachers t WHERE t.section_id = s.id AND t.user_id = ");
            insert.push_bind(user_id).push(")");
            insert.build().execute(&mut *conn).await?;
        }
    });
    Ok(())
}

/// Deletes a user and its student memberships; group memberships, roles and the rest go with it by cascade.
pub async fn delete_user(tx: &mut TenantTx, scope: Scope, id: UserId) -> StoreResult<bool> {
    check_scope(tx, scope)?;
    let tenant_id = scope.tenant_id();
    let sql = format!(
        "DELETE FROM users WHERE tenant_id = $1 AND id = $2{}",
        people_condition(scope, "id")
    );
    // Student memberships have no foreign key to cascade from on PostgreSQL: deleted after their user (see
    // `roster::delete_by_ids` for why after).
    let memberships = "DELETE FROM section_students WHERE user_id = $1";
    let deleted = on_tx!(tx.store_tx(), conn, Db => {
        let deleted = sqlx::query(&sql).bind(tenant_id.get()).bind(id).execute(&mut *conn).await?.rows_affected();
        if deleted == 1 {
            sqlx::query(memberships).bind(id).execute(&mut *conn).await?;
        }
        deleted
    });
    Ok(deleted == 1)
}
