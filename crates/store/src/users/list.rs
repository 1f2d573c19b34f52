//! Pages of a tenant's users, sought from page checkpoints (every few thousandth id, kept per list and renewed in
//! the background), and pages of a branch's people.

use std::sync::Arc;

use classbridge_domain::{Scope, TenantId};

use super::{sqlite, UserFilter, UserRow, USER_COLUMNS};
use crate::branch_scope::people_condition;
use crate::page_checkpoints::{Age, Checkpoints, ListSummary, CHECKPOINT_EVERY};
use crate::{Page, PageRequest, PointReads, Store, StoreResult};

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
            PointReads::Sqlite(points) => sqlite::read_page(
                points,
                condition,
                tenant_id.get(),
                page.limit(),
                skip,
                from_id,
            )?,
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
}
