//! A tenant's groups of users (`/groups`): named sets the partner manages itself. A group made by a branch's
//! credential belongs to that branch (`branch_partner_id`); a branch's credential reaches only its branch's groups.

use classbridge_domain::{GroupId, Scope, UnixMillis};

use crate::{branch_scope::tagged_condition, Page, PageRequest, Store, StoreError, StoreResult};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Group {
    pub id: GroupId,
    pub name: String,
    pub description: Option<String>,
    pub created_at: UnixMillis,
    pub updated_at: UnixMillis,
}

const GROUP_COLUMNS: &str = "id, name, description, created_at, updated_at";

impl Store {
    pub async fn list_groups(&self, scope: Scope, page: PageRequest) -> StoreResult<Page<Group>> {
        let tenant_id = scope.tenant_id();
        let condition = tagged_condition(scope, "branch_partner_id");
        let sql = format!(
            "SELECT {GROUP_COLUMNS} FROM user_groups WHERE tenant_id = $1{condition} ORDER BY id LIMIT $2 OFFSET $3"
        );
        let count_sql = format!("SELECT COUNT(*) FROM user_groups WHERE tenant_id = $1{condition}");
        let (items, total) = on_reader!(self, pool => {
            let items: Vec<Group> = sqlx::query_as(&sql)
                .bind(tenant_id.get())
                .bind(page.limit())
                .bind(page.offset())
                .fetch_all(pool)
                .await?;
            let total: i64 = sqlx::query_scalar(&count_sql).bind(tenant_id.get()).fetch_one(pool).await?;
            (items, total)
        });
        Ok(Page {
            items,
            total,
            request: page,
        })
    }

    pub async fn find_group(&self, scope: Scope, id: GroupId) -> StoreResult<Group> {
        let tenant_id = scope.tenant_id();
        let sql = format!(
            "SELECT {GROUP_COLUMNS} FROM user_groups WHERE tenant_id = $1 AND id = $2{}",
            tagged_condition(scope, "branch_partner_id")
        );
        let row: Option<Group> = on_reader!(self, pool => {
            sqlx::query_as(&sql).bind(tenant_id.get()).bind(id).fetch_optional(pool).await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// Creates a group in the scope (of a branch: tagged with it); a name the tenant already uses is a `Conflict`.
    pub async fn create_group(
        &self,
        scope: Scope,
        name: &str,
        description: Option<&str>,
    ) -> StoreResult<Group> {
        let tenant_id = scope.tenant_id();
        let sql = format!(
            "INSERT INTO user_groups (tenant_id, name, description, created_at, updated_at, branch_partner_id) \
             VALUES ($1, $2, $3, $4, $4, $5) RETURNING {GROUP_COLUMNS}"
        );
        let group = in_transaction!(self, tx => {
            sqlx::query_as(&sql)
                .bind(tenant_id.get())
                .bind(name)
                .bind(description)
                .bind(UnixMillis::now())
                .bind(scope.branch_partner_id())
                .fetch_one(&mut *tx)
                .await?
        });
        Ok(group)
    }

    /// Changes the fields given (`None` keeps the stored value; `Some(None)` clears the description).
    pub async fn update_group(
        &self,
        scope: Scope,
        id: GroupId,
        name: Option<&str>,
        description: Option<Option<&str>>,
    ) -> StoreResult<Group> {
        let tenant_id = scope.tenant_id();
        let sql = format!(
            "UPDATE user_groups SET name = COALESCE($3, name), \
             description = CASE WHEN $4 THEN $5 ELSE description END, updated_at = $6 \
             WHERE tenant_id = $1 AND id = $2{} RETURNING {GROUP_COLUMNS}",
            tagged_condition(scope, "branch_partner_id")
        );
        let row: Option<Group> = in_transaction!(self, tx => {
            sqlx::query_as(&sql)
                .bind(tenant_id.get())
                .bind(id)
                .bind(name)
                .bind(description.is_some())
                .bind(description.flatten())
                .bind(UnixMillis::now())
                .fetch_optional(&mut *tx)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    pub async fn delete_group(&self, scope: Scope, id: GroupId) -> StoreResult<()> {
        let tenant_id = scope.tenant_id();
        let sql = format!(
            "DELETE FROM user_groups WHERE tenant_id = $1 AND id = $2{}",
            tagged_condition(scope, "branch_partner_id")
        );
        let deleted = in_transaction!(self, tx => {
            sqlx::query(&sql).bind(tenant_id.get()).bind(id).execute(&mut *tx).await?.rows_affected()
        });
        if deleted == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }
}
