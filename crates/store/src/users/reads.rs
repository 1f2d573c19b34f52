//! Reads of the users API: one user (by id or by the partner's id), each user's groups and classrooms for a page,
//! which ids are groups or classrooms, who holds a username or e-mail, and the lookups a transfer makes in its
//! transaction.

use std::collections::HashMap;

use classbridge_domain::{GroupId, RowId, Scope, SectionId, TenantId, UserId};
use sqlx::QueryBuilder;

use super::{in_list, sqlite, UniqueColumn, UserClassroom, UserRow, BATCH, USER_COLUMNS};
use crate::branch_scope::{people_condition, tagged_condition};
use crate::{tx::on_tx, PointReads, Store, StoreResult, TenantTx};

impl Store {
    /// A user in the scope (of a branch: one of its people).
    pub async fn find_user(&self, scope: Scope, id: UserId) -> StoreResult<Option<UserRow>> {
        let found = self.find_tenant_user(scope.tenant_id(), id.get()).await?;
        match found {
            Some(user)
                if scope.is_tenant_wide() || self.is_person_in_scope(scope, user.id).await? =>
            {
                Ok(Some(user))
            }
            _ => Ok(None),
        }
    }

    async fn find_tenant_user(&self, tenant_id: TenantId, id: i64) -> StoreResult<Option<UserRow>> {
        match &self.point_reads {
            PointReads::Postgres(batches) => batches.users.read(tenant_id.get(), id).await,
            PointReads::Sqlite(points) => sqlite::find_user(points, tenant_id.get(), id),
        }
    }

    /// A mirrored person by uuid, or else a transferred one by the partner's id (`lms_id`).
    pub async fn find_user_by_partner_id(
        &self,
        scope: Scope,
        partner_id: &str,
    ) -> StoreResult<Option<UserRow>> {
        let tenant_id = scope.tenant_id();
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users WHERE tenant_id = $1 AND (uuid = $2 OR lms_id = $2){} \
             ORDER BY CASE WHEN uuid = $2 THEN 0 ELSE 1 END LIMIT 1",
            people_condition(scope, "id")
        );
        Ok(
            on_reader!(self, pool => sqlx::query_as(&sql).bind(tenant_id.get()).bind(partner_id).fetch_optional(pool).await?),
        )
    }

    /// Each user's groups `(group id, name)` in the scope.
    pub async fn groups_of(
        &self,
        scope: Scope,
        user_ids: &[UserId],
    ) -> StoreResult<HashMap<UserId, Vec<(GroupId, String)>>> {
        let mut groups: HashMap<UserId, Vec<(GroupId, String)>> = HashMap::new();
        for chunk in user_ids.chunks(BATCH) {
            let rows: Vec<(UserId, GroupId, String)> = on_reader!(self, pool => {
                let mut query = QueryBuilder::new(
                    "SELECT m.user_id, g.id, g.name FROM group_members m JOIN user_groups g ON g.id = m.group_id WHERE m.user_id");
                in_list(&mut query, chunk);
                query.push(tagged_condition(scope, "g.branch_partner_id"));
                query.push(" ORDER BY g.id");
                query.build_query_as().fetch_all(pool).await?
            });
            for (user, id, name) in rows {
                groups.entry(user).or_default().push((id, name));
            }
        }
        Ok(groups)
    }

    /// Each user's classrooms in the scope, as student or teacher.
    pub async fn classrooms_of(
        &self,
        scope: Scope,
        user_ids: &[UserId],
    ) -> StoreResult<HashMap<UserId, Vec<UserClassroom>>> {
        let mut classrooms: HashMap<UserId, Vec<UserClassroom>> = HashMap::new();
        let select = "SELECT DISTINCT m.user_id, s.id AS section_id, s.name AS section_name, c.name AS class_name, \
                      b.partner_id AS branch_partner_id, b.name AS branch_name, ";
        let joins = format!(
            " m JOIN sections s ON s.id = m.section_id JOIN classes c ON c.id = s.class_id \
                     JOIN branches b ON b.id = s.branch_id WHERE {} m.user_id",
            match scope.branch_partner_id() {
                None => String::new(),
                Some(branch) => format!("b.partner_id = {branch} AND"),
            }
        );
        for chunk in user_ids.chunks(BATCH) {
            let rows: Vec<UserClassroom> = on_reader!(self, pool => {
                let mut query = QueryBuilder::new(format!("{select}'student' AS membership FROM section_students{joins}"));
                in_list(&mut query, chunk);
                query.push(format!(" UNION {select}'teacher' AS membership FROM teaching_assignments{joins}"));
                in_list(&mut query, chunk);
                query.push(format!(" UNION {select}'teacher' AS membership FROM section_teachers{joins}"));
                in_list(&mut query, chunk);
                query.push(" ORDER BY section_id, membership");
                query.build_query_as().fetch_all(pool).await?
            });
            for row in rows {
                classrooms.entry(row.user_id).or_default().push(row);
            }
        }
        Ok(classrooms)
    }

    /// Of these ids, those that are groups in the scope.
    pub async fn existing_group_ids(
        &self,
        scope: Scope,
        ids: &[GroupId],
    ) -> StoreResult<Vec<GroupId>> {
        let condition = tagged_condition(scope, "branch_partner_id");
        self.existing_ids("user_groups", scope.tenant_id(), &condition, ids)
            .await
    }

    /// Of these ids, those that are classrooms (sections) in the scope.
    pub async fn existing_classroom_ids(
        &self,
        scope: Scope,
        ids: &[SectionId],
    ) -> StoreResult<Vec<SectionId>> {
        let condition = crate::branch_scope::sections_condition(scope, "branch_id");
        self.existing_ids("sections", scope.tenant_id(), &condition, ids)
            .await
    }

    async fn existing_ids<Id: RowId>(
        &self,
        table: &'static str,
        tenant_id: TenantId,
        condition: &str,
        ids: &[Id],
    ) -> StoreResult<Vec<Id>> {
        let keys: Vec<i64> = ids.iter().map(|id| id.key()).collect();
        let mut found = Vec::new();
        for chunk in keys.chunks(BATCH) {
            let rows: Vec<i64> = on_reader!(self, pool => {
                let mut query = QueryBuilder::new(format!("SELECT id FROM {table} WHERE tenant_id = "));
                query.push_bind(tenant_id.get()).push(" AND id");
                in_list(&mut query, chunk);
                query.push(condition);
                query.build_query_scalar().fetch_all(pool).await?
            });
            found.extend(rows.into_iter().map(Id::from_key));
        }
        Ok(found)
    }

    /// The user holding a username or e-mail (case-insensitively), other than `except`.
    pub async fn user_holding(
        &self,
        tenant_id: TenantId,
        column: UniqueColumn,
        value: &str,
        except: Option<UserId>,
    ) -> StoreResult<Option<UserId>> {
        let sql = format!(
            "SELECT id FROM users WHERE tenant_id = $1 AND lower({}) = lower($2) AND ($3 IS NULL OR id <> $3)",
            column.name()
        );
        Ok(
            on_reader!(self, pool => sqlx::query_scalar(&sql).bind(tenant_id.get()).bind(value).bind(except).fetch_optional(pool).await?),
        )
    }
}

/// The transaction's tenant's transferred users by the partner's ids.
pub async fn find_users_by_lms_id(
    tx: &mut TenantTx,
    lms_ids: &[String],
) -> StoreResult<Vec<UserRow>> {
    let tenant = tx.tenant_id().get();
    let mut found = Vec::new();
    for chunk in lms_ids.chunks(BATCH) {
        let rows: Vec<UserRow> = on_tx!(tx.store_tx(), conn, Db => {
            let mut query = QueryBuilder::<Db>::new(format!("SELECT {USER_COLUMNS} FROM users WHERE tenant_id = "));
            query.push_bind(tenant).push(" AND lms_id IN (");
            let mut separated = query.separated(", ");
            for id in chunk {
                separated.push_bind(id.as_str());
            }
            separated.push_unseparated(")");
            query.build_query_as().fetch_all(&mut *conn).await?
        });
        found.extend(rows);
    }
    for row in &found {
        tx.know_user(row.id);
    }
    Ok(found)
}

/// A user holding a username: the username lower-cased, and the user's LMS id.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UsernameHolder {
    pub id: UserId,
    pub username: String,
    pub lms_id: Option<String>,
}

/// The transaction's tenant's users holding these usernames (compared lower-cased).
pub async fn find_username_holders(
    tx: &mut TenantTx,
    usernames: &[String],
) -> StoreResult<Vec<UsernameHolder>> {
    let tenant_id = tx.tenant_id();
    let mut found = Vec::new();
    for chunk in usernames.chunks(BATCH) {
        let rows: Vec<UsernameHolder> = on_tx!(tx.store_tx(), conn, Db => {
            let mut query = QueryBuilder::<Db>::new("SELECT id, lower(username) AS username, lms_id FROM users WHERE tenant_id = ");
            query.push_bind(tenant_id.get()).push(" AND lower(username) IN (");
            let mut separated = query.separated(", ");
            for name in chunk {
                separated.push_bind(name.as_str());
            }
            separated.push_unseparated(")");
            query.build_query_as().fetch_all(&mut *conn).await?
        });
        for holder in &rows {
            tx.know_user(holder.id);
        }
        found.extend(rows);
    }
    Ok(found)
}
