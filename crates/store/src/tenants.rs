//! Tenants: one partner organisation's space each, named by its slug.

use classbridge_domain::{Slug, TenantId, UnixMillis};

use crate::{now_millis, Store, StoreResult};

/// A tenant as stored.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub id: TenantId,
    pub slug: String,
    pub name: String,
    pub time_zone: String,
    /// Where the tenant's lessons take place: a URL template with `{tenant}`, `{lesson_id}` and `{course_id}`.
    pub video_room_url: Option<String>,
    pub disabled_at: Option<UnixMillis>,
    pub created_at: UnixMillis,
}

impl Tenant {
    pub fn is_disabled(&self) -> bool {
        self.disabled_at.is_some()
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct TenantRow {
    pub id: TenantId,
    pub slug: String,
    pub name: String,
    pub time_zone: String,
    pub video_room_url: Option<String>,
    pub disabled_at: Option<UnixMillis>,
    pub created_at: UnixMillis,
}

impl From<TenantRow> for Tenant {
    fn from(row: TenantRow) -> Self {
        Self {
            id: row.id,
            slug: row.slug,
            name: row.name,
            time_zone: row.time_zone,
            video_room_url: row.video_room_url,
            disabled_at: row.disabled_at,
            created_at: row.created_at,
        }
    }
}

pub(crate) const TENANT_COLUMNS: &str =
    "id, slug, name, time_zone, video_room_url, disabled_at, created_at";

impl Store {
    /// Creates a tenant; a taken slug is a `Conflict`.
    ///
    /// Not tenant-scoped: the operator's CLI makes tenants.
    pub async fn create_tenant(&self, slug: &Slug, name: &str) -> StoreResult<Tenant> {
        let sql = format!(
            "INSERT INTO tenants (slug, name, created_at) VALUES ($1, $2, $3) RETURNING {TENANT_COLUMNS}"
        );
        let row: TenantRow = in_transaction!(self, tx => {
            sqlx::query_as(&sql)
                .bind(slug.as_str())
                .bind(name)
                .bind(now_millis())
                .fetch_one(&mut *tx)
                .await?
        });
        Ok(row.into())
    }

    /// Not tenant-scoped: the operator's CLI and the Host check name a tenant by its slug; this is how its `TenantId`
    /// is found.
    pub async fn find_tenant_by_slug(&self, slug: &str) -> StoreResult<Option<Tenant>> {
        let sql = format!("SELECT {TENANT_COLUMNS} FROM tenants WHERE slug = $1");
        let row: Option<TenantRow> =
            on_reader!(self, pool => sqlx::query_as(&sql).bind(slug).fetch_optional(pool).await?);
        Ok(row.map(Tenant::from))
    }

    /// Not tenant-scoped: the operator's CLI lists every tenant.
    pub async fn list_tenants(&self) -> StoreResult<Vec<Tenant>> {
        let sql = format!("SELECT {TENANT_COLUMNS} FROM tenants ORDER BY slug");
        let rows: Vec<TenantRow> =
            on_reader!(self, pool => sqlx::query_as(&sql).fetch_all(pool).await?);
        Ok(rows.into_iter().map(Tenant::from).collect())
    }

    /// Disables (or re-enables) a tenant: a disabled tenant's credentials are refused.
    ///
    /// Not tenant-scoped: the operator's CLI, which names a tenant by its slug.
    pub async fn set_tenant_disabled(&self, slug: &str, disabled: bool) -> StoreResult<Tenant> {
        let sql = format!(
            "UPDATE tenants SET disabled_at = CASE WHEN $2 THEN COALESCE(disabled_at, $3) ELSE NULL END \
             WHERE slug = $1 RETURNING {TENANT_COLUMNS}"
        );
        let row: TenantRow = in_transaction!(self, tx => {
            let row = sqlx::query_as(&sql)
                .bind(slug)
                .bind(disabled)
                .bind(now_millis())
                .fetch_one(&mut *tx)
                .await?;
            sqlx::query(crate::credentials::BUMP_GENERATION).execute(&mut *tx).await?;
            row
        });
        Ok(row.into())
    }

    /// Sets (or with `None` clears) the URL template of the tenant's video rooms.
    ///
    /// Not tenant-scoped: the operator's CLI, which names a tenant by its slug.
    pub async fn set_tenant_video_room(
        &self,
        slug: &str,
        template: Option<&str>,
    ) -> StoreResult<Tenant> {
        let sql = format!(
            "UPDATE tenants SET video_room_url = $2 WHERE slug = $1 RETURNING {TENANT_COLUMNS}"
        );
        let row: TenantRow = in_transaction!(self, tx => {
            let row = sqlx::query_as(&sql).bind(slug).bind(template).fetch_one(&mut *tx).await?;
            sqlx::query(crate::credentials::BUMP_GENERATION).execute(&mut *tx).await?;
            row
        });
        Ok(row.into())
    }

    /// The tenant's video-room URL template, if it has one.
    pub async fn tenant_video_room(&self, tenant_id: TenantId) -> StoreResult<Option<String>> {
        let sql = "SELECT video_room_url FROM tenants WHERE id = $1";
        let template: Option<Option<String>> = on_reader!(self, pool => {
            sqlx::query_scalar(sql).bind(tenant_id.get()).fetch_optional(pool).await?
        });
        Ok(template.flatten())
    }
}
