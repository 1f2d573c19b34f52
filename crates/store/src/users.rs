//! People as the users API sees them: read in pages with their roles, groups and classrooms fetched for the whole
//! page at once (never one query per user), and written field by field inside the caller's transaction.

use std::collections::HashMap;

use classbridge_domain::{Scope, SectionId, TenantId, UserId};

use crate::branch_scope::{
    group_ids_condition, people_condition, section_ids_condition, tagged_condition,
};
use sqlx::QueryBuilder;

use std::sync::Arc;

use rusqlite::OptionalExtension;

use crate::page_checkpoints::{Age, Checkpoints, ListSummary, CHECKPOINT_EVERY};
use crate::{
    now_millis, tx::on_tx, Page, PageRequest, PointReads, Store, StoreError, StoreResult, TenantTx,
};

/// Rows per multi-row statement.
const BATCH: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub uuid: Option<String>,
    pub lms_id: Option<String>,
    pub name: String,
    pub username: Option<String>,
    pub email: Option<String>,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A [`UserRow`] from a row of `SELECT {USER_COLUMNS}` read on a point-read connection.
fn user_from_sqlite_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: row.get(0)?,
        uuid: row.get(1)?,
        lms_id: row.get(2)?,
        name: row.get(3)?,
        username: row.get(4)?,
        email: row.get(5)?,
        active: row.get(6)?,
        created_at: row.get(7)?,
        updated_at: row.get(8)?,
    })
}

pub(crate) const USER_COLUMNS: &str =
    "id, uuid, lms_id, name, username, email, active, created_at, updated_at";

/// Which users a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserFilter {
    All,
    /// Transferred users: those with an `lms_id`.
    WithLmsId,
}

/// A classroom a user belongs to, with where it sits and how the user belongs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserClassroom {
    pub user_id: i64,
    pub section_id: i64,
    pub section_name: String,
    pub class_name: String,
    pub branch_partner_id: i64,
    pub branch_name: String,
    /// `student` or `teacher`.
    pub membership: String,
}

/// The fields of a new user.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub name: String,
    pub username: Option<String>,
    pub email: Option<String>,
    pub password_hash: Option<String>,
    pub lms_id: Option<String>,
}

/// Changes to a user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    pub name: Option<String>,
    pub username: Option<String>,
    pub email: Option<String>,
    pub password_hash: Option<String>,
}

fn in_list<'q, DB: sqlx::Database>(query: &mut QueryBuilder<'q, DB>, ids: &'q [i64])
where
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    query.push(" IN (");
    let mut separated = query.separated(", ");
    for id in ids {
        separated.push_bind(*id);
    }
    separated.push_unseparated(")");
}

/// A user list's [`ListSummary`], in one pass of its index.
fn list_summary_sql(condition: &str) -> String {
    format!(
        "SELECT COUNT(*), CAST(COALESCE(SUM(id), 0) AS BIGINT), COALESCE(MAX(id), 0) FROM users \
         WHERE tenant_id = $1{condition}"
    )
}

impl Store {
    /// The scope's users, paged by id (of a branch: its people).
    pub async fn list_users(
        &self,
        scope: Scope,
        filter: UserFilter,
        page: PageRequest,
    ) -> StoreResult<Page<UserRow>> {
        let tenant_id = scope.tenant_id();
        let condition = match filter {
            UserFilter::All => "",
            UserFilter::WithLmsId => " AND lms_id IS NOT NULL",
        };
        if !scope.is_tenant_wide() {
            return self.list_branch_users(scope, condition, page).await;
        }
        let list = match filter {
            UserFilter::All => "users",
            UserFilter::WithLmsId => "lms_users",
        };
        let checkpoints = self.user_checkpoints(tenant_id, list, condition).await?;
        // The page's first id is found on the (tenant_id, id) index alone, from the nearest checkpoint (ordering by
        // the index's own columns keeps the planners on it); only the page's own rows are read. A page wholly past
        // the end is empty without a read.
        let Some((from_id, skip)) = checkpoints.seek(page.offset()) else {
            return Ok(Page {
                items: Vec::new(),
                total: checkpoints.total,
                request: page,
            });
        };
        let items: Vec<UserRow> = match &self.point_reads {
            // A page is a short walk of one index: on SQLite it is read on the calling thread, like a point read.
            // SQLite does not plan again at each execution, so LIMIT and OFFSET stay parameters (`?N`: the N-th).
            PointReads::Sqlite(points) => {
                let sql = format!(
                    "SELECT {USER_COLUMNS} FROM users WHERE tenant_id = ?1{condition} AND id >= \
                     (SELECT id FROM users WHERE tenant_id = ?1{condition} AND id >= ?4 ORDER BY tenant_id, id \
                      LIMIT 1 OFFSET ?3) \
                     ORDER BY tenant_id, id LIMIT ?2"
                );
                let arguments = (tenant_id.get(), page.limit(), skip, from_id);
                points.read(|connection| {
                    connection
                        .prepare_cached(&sql)?
                        .query_map(arguments, user_from_sqlite_row)?
                        .collect()
                })?
            }
            // PostgreSQL plans a statement with parameters in LIMIT or OFFSET anew at every execution (its generic
            // plan, blind to them, looks costlier), which costs more than the read. Written into the text, they
            // leave a statement planned once per connection; a page starting at a checkpoint skips nothing.
            PointReads::Postgres(_) => {
                let limit = page.limit();
                let start = if skip == 0 {
                    "$2".to_owned()
                } else {
                    format!(
                        "(SELECT id FROM users WHERE tenant_id = $1{condition} AND id >= $2 \
                         ORDER BY tenant_id, id LIMIT 1 OFFSET {skip})"
                    )
                };
                let sql = format!(
                    "SELECT {USER_COLUMNS} FROM users WHERE tenant_id = $1{condition} AND id >= {start} \
                     ORDER BY tenant_id, id LIMIT {limit}"
                );
                on_reader!(self, pool => {
                    sqlx::query_as(&sql).bind(tenant_id.get()).bind(from_id).fetch_all(pool).await?
                })
            }
        };
        Ok(Page {
            items,
            total: checkpoints.total,
            request: page,
        })
    }

    /// A branch's people, paged by id; branches are small next to tenants, so a plain offset serves.
    async fn list_branch_users(
        &self,
        scope: Scope,
        condition: &str,
        page: PageRequest,
    ) -> StoreResult<Page<UserRow>> {
        let people = people_condition(scope, "id");
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users WHERE tenant_id = $1{condition}{people} ORDER BY id LIMIT $2 OFFSET $3"
        );
        let count = format!("SELECT COUNT(*) FROM users WHERE tenant_id = $1{condition}{people}");
        let tenant = scope.tenant_id().get();
        let (items, total) = on_reader!(self, pool => {
            let items: Vec<UserRow> = sqlx::query_as(&sql)
                .bind(tenant).bind(page.limit()).bind(page.offset()).fetch_all(pool).await?;
            let total: i64 = sqlx::query_scalar(&count).bind(tenant).fetch_one(pool).await?;
            (items, total)
        });
        Ok(Page {
            items,
            total,
            request: page,
        })
    }

    /// The page checkpoints of one of the tenant's user lists: fresh ones; else stale ones while a background task
    /// renews or reads them again; else (none, or expired) renewed or read now, once for a burst of requests.
    async fn user_checkpoints(
        &self,
        tenant_id: TenantId,
        list: &'static str,
        condition: &'static str,
    ) -> StoreResult<Arc<Checkpoints>> {
        let tenant = tenant_id.get();
        // Taken before the known checkpoints are looked at: a forget after it keeps what is refreshed from being kept.
        let ticket = self.checkpoints.ticket(tenant);
        if let Some(known) = self.checkpoints.get(tenant, list) {
            match known.age() {
                Age::Fresh => return Ok(known),
                Age::Stale => {
                    if let Ok(reading) = self.checkpoints.reading(tenant, list).try_lock_owned() {
                        let store = self.clone();
                        let stale = known.clone();
                        tokio::spawn(async move {
                            let refreshed = store
                                .refresh_user_checkpoints(
                                    tenant,
                                    list,
                                    condition,
                                    Some(stale),
                                    ticket,
                                )
                                .await;
                            if let Err(error) = refreshed {
                                tracing::warn!(%error, "re-reading page checkpoints failed");
                            }
                            drop(reading);
                        });
                    }
                    return Ok(known);
                }
                Age::Expired => {}
            }
        }
        let reading = self.checkpoints.reading(tenant, list);
        let _reading = reading.lock().await;
        if let Some(read_meanwhile) = self
            .checkpoints
            .get(tenant, list)
            .filter(|checkpoints| checkpoints.age() != Age::Expired)
        {
            return Ok(read_meanwhile);
        }
        let ticket = self.checkpoints.ticket(tenant);
        let known = self.checkpoints.get(tenant, list);
        self.refresh_user_checkpoints(tenant, list, condition, known, ticket)
            .await
    }

    /// `known` checkpoints renewed if their list has the same summary now, else read again; kept unless the
    /// tenant's were forgotten since `ticket`.
    async fn refresh_user_checkpoints(
        &self,
        tenant: i64,
        list: &'static str,
        condition: &str,
        known: Option<Arc<Checkpoints>>,
        ticket: u64,
    ) -> StoreResult<Arc<Checkpoints>> {
        let renewed = match known {
            Some(known) => {
                let sql = list_summary_sql(condition);
                let (count, id_sum, last_id) = on_reader!(self, pool => sqlx::query_as(&sql).bind(tenant).fetch_one(pool).await?);
                known.renewed_if_unchanged(ListSummary {
                    count,
                    id_sum,
                    last_id,
                })
            }
            None => None,
        };
        let checkpoints = Arc::new(match renewed {
            Some(renewed) => renewed,
            None => self.read_user_checkpoints(tenant, condition).await?,
        });
        self.checkpoints
            .put(tenant, list, checkpoints.clone(), ticket);
        Ok(checkpoints)
    }

    /// Every [`CHECKPOINT_EVERY`]-th id of a user list and its length, in one snapshot.
    async fn read_user_checkpoints(
        &self,
        tenant: i64,
        condition: &str,
    ) -> StoreResult<Checkpoints> {
        let sql = format!(
            "SELECT id FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY tenant_id, id) AS position FROM users \
             WHERE tenant_id = $1{condition}) AS numbered WHERE (position - 1) % $2 = 0 ORDER BY id"
        );
        let tail =
            format!("SELECT COUNT(*) FROM users WHERE tenant_id = $1{condition} AND id >= $2");
        let summary = list_summary_sql(condition);
        Ok(on_reader!(self, pool => {
            let mut snapshot = pool.begin().await?;
            if self.kind() == crate::DatabaseKind::Postgres {
                // Both reads from one snapshot (SQLite's read transactions always are one).
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(&mut *snapshot).await?;
            }
            let ids: Vec<i64> = sqlx::query_scalar(&sql).bind(tenant).bind(CHECKPOINT_EVERY)
                .fetch_all(&mut *snapshot).await?;
            let rows_from_last: i64 = match ids.last() {
                Some(last) => sqlx::query_scalar(&tail).bind(tenant).bind(*last).fetch_one(&mut *snapshot).await?,
                None => 0,
            };
            let (count, id_sum, last_id) = sqlx::query_as(&summary).bind(tenant).fetch_one(&mut *snapshot).await?;
            snapshot.rollback().await?;
            let summary = ListSummary { count, id_sum, last_id };
            Checkpoints::new(ids, rows_from_last, summary)
        }))
    }

    /// A user in the scope (of a branch: one of its people).
    pub async fn find_user(&self, scope: Scope, id: i64) -> StoreResult<Option<UserRow>> {
        let found = self.find_tenant_user(scope.tenant_id(), id).await?;
        match found {
            Some(user)
                if scope.is_tenant_wide()
                    || self.is_person_in_scope(scope, UserId::new(user.id)).await? =>
            {
                Ok(Some(user))
            }
            _ => Ok(None),
        }
    }

    async fn find_tenant_user(&self, tenant_id: TenantId, id: i64) -> StoreResult<Option<UserRow>> {
        match &self.point_reads {
            PointReads::Postgres(batches) => batches.users.read(tenant_id.get(), id).await,
            PointReads::Sqlite(points) => points.read(|connection| {
                connection
                    .prepare_cached(&format!(
                        "SELECT {USER_COLUMNS} FROM users WHERE tenant_id = $1 AND id = $2"
                    ))?
                    .query_row((tenant_id.get(), id), user_from_sqlite_row)
                    .optional()
            }),
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

    /// Each user's roles: those given explicitly, plus student and teacher as their memberships make them (only the
    /// tenant's users).
    pub async fn roles_of(
        &self,
        tenant_id: TenantId,
        user_ids: &[i64],
    ) -> StoreResult<HashMap<i64, Vec<i64>>> {
        let mut rows: Vec<(i64, i64)> = Vec::new();
        for chunk in user_ids.chunks(BATCH) {
            rows.extend(
                on_reader!(self, pool => roles_query(Some(tenant_id), chunk).build_query_as().fetch_all(pool).await?)
                    as Vec<(i64, i64)>,
            );
        }
        Ok(roles_by_user(rows))
    }

    /// Each user's groups `(group id, name)` in the scope.
    pub async fn groups_of(
        &self,
        scope: Scope,
        user_ids: &[i64],
    ) -> StoreResult<HashMap<i64, Vec<(i64, String)>>> {
        let mut groups: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
        for chunk in user_ids.chunks(BATCH) {
            let rows: Vec<(i64, i64, String)> = on_reader!(self, pool => {
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
        user_ids: &[i64],
    ) -> StoreResult<HashMap<i64, Vec<UserClassroom>>> {
        let mut classrooms: HashMap<i64, Vec<UserClassroom>> = HashMap::new();
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
    pub async fn existing_group_ids(&self, scope: Scope, ids: &[i64]) -> StoreResult<Vec<i64>> {
        let condition = tagged_condition(scope, "branch_partner_id");
        self.existing_ids("user_groups", scope.tenant_id(), &condition, ids)
            .await
    }

    /// Of these ids, those that are classrooms (sections) in the scope.
    pub async fn existing_classroom_ids(&self, scope: Scope, ids: &[i64]) -> StoreResult<Vec<i64>> {
        let condition = crate::branch_scope::sections_condition(scope, "branch_id");
        self.existing_ids("sections", scope.tenant_id(), &condition, ids)
            .await
    }

    async fn existing_ids(
        &self,
        table: &'static str,
        tenant_id: TenantId,
        condition: &str,
        ids: &[i64],
    ) -> StoreResult<Vec<i64>> {
        let mut found = Vec::new();
        for chunk in ids.chunks(BATCH) {
            let rows: Vec<i64> = on_reader!(self, pool => {
                let mut query = QueryBuilder::new(format!("SELECT id FROM {table} WHERE tenant_id = "));
                query.push_bind(tenant_id.get()).push(" AND id");
                in_list(&mut query, chunk);
                query.push(condition);
                query.build_query_scalar().fetch_all(pool).await?
            });
            found.extend(rows);
        }
        Ok(found)
    }

    /// The user holding a username or e-mail (case-insensitively), other than `except`.
    pub async fn user_holding(
        &self,
        tenant_id: TenantId,
        column: UniqueColumn,
        value: &str,
        except: Option<i64>,
    ) -> StoreResult<Option<i64>> {
        let sql = format!(
            "SELECT id FROM users WHERE tenant_id = $1 AND lower({}) = lower($2) AND ($3 IS NULL OR id <> $3)",
            column.name()
        );
        Ok(
            on_reader!(self, pool => sqlx::query_scalar(&sql).bind(tenant_id.get()).bind(value).bind(except).fetch_optional(pool).await?),
        )
    }
}

#[derive(Debug, Clone, Copy)]
pub enum UniqueColumn {
    Username,
    Email,
}

impl UniqueColumn {
    fn name(self) -> &'static str {
        match self {
            Self::Username => "username",
            Self::Email => "email",
        }
    }
}

/// `NotFound` unless the scope is of the transaction's tenant.
fn check_scope(tx: &TenantTx, scope: Scope) -> StoreResult<()> {
    if scope.tenant_id() == tx.tenant_id() {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Creates a user of the transaction's tenant; returns its id.
pub async fn insert_user(tx: &mut TenantTx, user: &NewUser) -> StoreResult<i64> {
    let tenant = tx.tenant_id().get();
    let sql = "INSERT INTO users (tenant_id, name, username, email, password_hash, lms_id, active, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $7) RETURNING id";
    let id: i64 = on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(sql)
            .bind(tenant).bind(&user.name).bind(&user.username).bind(&user.email)
            .bind(&user.password_hash).bind(&user.lms_id).bind(now_millis())
            .fetch_one(&mut *conn).await?
    });
    tx.know_user(UserId::new(id));
    Ok(id)
}

/// Changes a user in the scope (of the transaction's tenant).
pub async fn update_user(
    tx: &mut TenantTx,
    scope: Scope,
    id: i64,
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
        tx.know_user(UserId::new(row.id));
    }
    Ok(found)
}

/// [`Store::roles_of`] inside a write transaction: a use case holding a transaction reads through it, never through a
/// second pool connection (on PostgreSQL, that second wait deadlocks the pool under concurrent writes). Only the
/// transaction's tenant's users are read: another tenant's user has no roles here.
pub async fn roles_in(tx: &mut TenantTx, user_ids: &[i64]) -> StoreResult<HashMap<i64, Vec<i64>>> {
    let tenant_id = tx.tenant_id();
    let mut rows: Vec<(i64, i64)> = Vec::new();
    for chunk in user_ids.chunks(BATCH) {
        let found: Vec<(i64, i64)> = on_tx!(tx.store_tx(), conn, Db => roles_query::<Db>(Some(tenant_id), chunk).build_query_as().fetch_all(&mut *conn).await?);
        rows.extend(found);
    }
    Ok(roles_by_user(rows))
}

/// The roles of the users in `chunk` (only the tenant's users when given).
fn roles_query<'q, DB: sqlx::Database>(
    tenant_id: Option<TenantId>,
    chunk: &'q [i64],
) -> QueryBuilder<'q, DB>
where
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let mut query = QueryBuilder::new(
        "SELECT r.user_id, r.role_id FROM (SELECT user_id, role_id FROM user_roles WHERE user_id",
    );
    in_list(&mut query, chunk);
    query.push(" UNION SELECT DISTINCT user_id, 3 FROM section_students WHERE user_id");
    in_list(&mut query, chunk);
    query.push(" UNION SELECT DISTINCT user_id, 2 FROM teaching_assignments WHERE user_id");
    in_list(&mut query, chunk);
    query.push(" UNION SELECT DISTINCT user_id, 2 FROM section_teachers WHERE user_id");
    in_list(&mut query, chunk);
    query.push(") r");
    if let Some(tenant_id) = tenant_id {
        query.push(" JOIN users u ON u.id = r.user_id AND u.tenant_id = ");
        query.push_bind(tenant_id.get());
    }
    query
}

fn roles_by_user(rows: Vec<(i64, i64)>) -> HashMap<i64, Vec<i64>> {
    let mut roles: HashMap<i64, Vec<i64>> = HashMap::new();
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

/// The transaction's tenant's users holding these usernames (lower-cased): `(id, lower(username), lms_id)`.
pub async fn find_username_holders(
    tx: &mut TenantTx,
    usernames: &[String],
) -> StoreResult<Vec<(i64, String, Option<String>)>> {
    let tenant_id = tx.tenant_id();
    let mut found = Vec::new();
    for chunk in usernames.chunks(BATCH) {
        let rows: Vec<(i64, String, Option<String>)> = on_tx!(tx.store_tx(), conn, Db => {
            let mut query = QueryBuilder::<Db>::new("SELECT id, lower(username), lms_id FROM users WHERE tenant_id = ");
            query.push_bind(tenant_id.get()).push(" AND lower(username) IN (");
            let mut separated = query.separated(", ");
            for name in chunk {
                separated.push_bind(name.as_str());
            }
            separated.push_unseparated(")");
            query.build_query_as().fetch_all(&mut *conn).await?
        });
        for (id, _, _) in &rows {
            tx.know_user(UserId::new(*id));
        }
        found.extend(rows);
    }
    Ok(found)
}

/// Replaces the explicit roles of a user of the tenant (`NotFound` if it is not one).
pub async fn set_roles(tx: &mut TenantTx, user_id: i64, roles: &[i64]) -> StoreResult<()> {
    tx.check_user(UserId::new(user_id)).await?;
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

/// Replaces the groups in the scope of a user of the tenant (`NotFound` if it is not one; a branch's credential
/// leaves the user's other groups as they are). Another tenant's groups are not joined; a group deleted meanwhile
/// fails the write on its foreign key, as before.
pub async fn set_groups(
    tx: &mut TenantTx,
    scope: Scope,
    user_id: i64,
    groups: &[i64],
) -> StoreResult<()> {
    check_scope(tx, scope)?;
    tx.check_user(UserId::new(user_id)).await?;
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
    user_id: i64,
    sections: &[i64],
) -> StoreResult<()> {
    check_scope(tx, scope)?;
    tx.check_user(UserId::new(user_id)).await?;
    let tenant = tx.tenant_id().get();
    let in_scope = section_ids_condition(scope, "section_id");
    // Held as foreign keys would hold them (PostgreSQL has none on memberships); a user or classroom deleted
    // meanwhile is not joined.
    let asked: Vec<SectionId> = sections.iter().copied().map(SectionId::new).collect();
    let (users, held) =
        crate::roster::hold_for_memberships(tx, &[UserId::new(user_id)], &asked).await?;
    if users.is_empty() {
        return Ok(());
    }
    let sections: Vec<i64> = sections
        .iter()
        .copied()
        .filter(|id| held.contains(&SectionId::new(*id)))
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
    user_id: i64,
    sections: &[i64],
) -> StoreResult<()> {
    check_scope(tx, scope)?;
    tx.check_user(UserId::new(user_id)).await?;
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
pub async fn delete_user(tx: &mut TenantTx, scope: Scope, id: i64) -> StoreResult<bool> {
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
