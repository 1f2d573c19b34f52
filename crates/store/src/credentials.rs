//! Partner credentials (a hashed token, a referer origin, an optional branch scope) and ClassIn credentials (a SID
//! and an encrypted secret). Lookups by token hash decide the tenant of a request.

use classbridge_domain::{BranchScope, CredentialId, TenantId, UnixMillis};

use crate::{now_millis, tenants::TenantRow, Store, StoreError, StoreResult, Tenant};

/// A partner credential as stored: never the token, only its SHA-256 and a short hint.
#[derive(Debug, Clone)]
pub struct PartnerCredential {
    pub id: CredentialId,
    pub tenant_id: TenantId,
    pub name: String,
    pub referer_origin: String,
    pub token_sha256: String,
    pub token_hint: String,
    pub scope: BranchScope,
    pub rate_limit_per_minute: Option<i64>,
    pub created_at: UnixMillis,
    pub rotated_at: Option<UnixMillis>,
    pub revoked_at: Option<UnixMillis>,
    pub last_used_at: Option<UnixMillis>,
    pub accepted_count: i64,
    pub refused_count: i64,
}

#[derive(sqlx::FromRow)]
struct PartnerCredentialRow {
    id: i64,
    tenant_id: TenantId,
    name: String,
    referer_origin: String,
    token_sha256: String,
    token_hint: String,
    branch_id: Option<i64>,
    rate_limit_per_minute: Option<i64>,
    created_at: UnixMillis,
    rotated_at: Option<UnixMillis>,
    revoked_at: Option<UnixMillis>,
    last_used_at: Option<UnixMillis>,
    accepted_count: i64,
    refused_count: i64,
}

impl From<PartnerCredentialRow> for PartnerCredential {
    fn from(row: PartnerCredentialRow) -> Self {
        Self {
            id: CredentialId(row.id),
            tenant_id: row.tenant_id,
            name: row.name,
            referer_origin: row.referer_origin,
            token_sha256: row.token_sha256,
            token_hint: row.token_hint,
            scope: BranchScope::from_column(row.branch_id),
            rate_limit_per_minute: row.rate_limit_per_minute,
            created_at: row.created_at,
            rotated_at: row.rotated_at,
            revoked_at: row.revoked_at,
            last_used_at: row.last_used_at,
            accepted_count: row.accepted_count,
            refused_count: row.refused_count,
        }
    }
}

#[derive(sqlx::FromRow)]
struct CredentialWithTenant {
    #[sqlx(flatten)]
    credential: PartnerCredentialRow,
    tenant_slug: String,
    tenant_name: String,
    tenant_time_zone: String,
    tenant_video_room_url: Option<String>,
    tenant_disabled_at: Option<UnixMillis>,
    tenant_created_at: UnixMillis,
}

/// Raises the credential generation: caches of partner credentials forget what they hold.
pub(crate) const BUMP_GENERATION: &str =
    "UPDATE credential_generation SET value = value + 1 WHERE id = 1";

const CREDENTIAL_COLUMNS: &str = "id, tenant_id, name, referer_origin, token_sha256, token_hint, \
     branch_id, rate_limit_per_minute, created_at, rotated_at, revoked_at, last_used_at, \
     accepted_count, refused_count";

/// What a new partner credential is made of (the token itself never reaches the store).
#[derive(Debug, Clone)]
pub struct NewPartnerCredential {
    pub name: String,
    pub referer_origin: String,
    pub token_sha256: String,
    pub token_hint: String,
    pub scope: BranchScope,
    pub rate_limit_per_minute: Option<i64>,
}

/// Calls counted in memory since the last flush, for one credential.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CredentialUsage {
    pub accepted: i64,
    pub refused: i64,
    pub last_used_at: i64,
}

/// A ClassIn credential as stored: the secret stays encrypted here.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClassinCredential {
    pub id: i64,
    pub tenant_id: TenantId,
    pub sid: i64,
    pub name: String,
    pub secret_encrypted: String,
    pub created_at: UnixMillis,
    pub revoked_at: Option<UnixMillis>,
    pub last_used_at: Option<UnixMillis>,
}

const CLASSIN_COLUMNS: &str =
    "id, tenant_id, sid, name, secret_encrypted, created_at, revoked_at, last_used_at";

impl Store {
    pub async fn insert_partner_credential(
        &self,
        tenant_id: TenantId,
        new: &NewPartnerCredential,
    ) -> StoreResult<PartnerCredential> {
        let sql = format!(
            "INSERT INTO partner_credentials (tenant_id, name, referer_origin, token_sha256, token_hint, \
             branch_id, rate_limit_per_minute, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             RETURNING {CREDENTIAL_COLUMNS}"
        );
        let row: PartnerCredentialRow = in_transaction!(self, tx => {
            sqlx::query_as(&sql)
                .bind(tenant_id.get())
                .bind(&new.name)
                .bind(&new.referer_origin)
                .bind(&new.token_sha256)
                .bind(&new.token_hint)
                .bind(new.scope.branch_id())
                .bind(new.rate_limit_per_minute)
                .bind(now_millis())
                .fetch_one(&mut *tx)
                .await?
        });
        Ok(row.into())
    }

    /// The credential whose token hashes to `token_sha256`, with its tenant: revoked ones too, so that the caller
    /// can count the refusal.
    ///
    /// Not tenant-scoped: the authentication path; the secret token's hash is how the request's tenant is found.
    pub async fn find_partner_credential_by_token(
        &self,
        token_sha256: &str,
    ) -> StoreResult<Option<(PartnerCredential, Tenant)>> {
        // One round trip for both: this runs on every partner call.
        let sql = "SELECT c.id, c.tenant_id, c.name, c.referer_origin, c.token_sha256, c.token_hint, c.branch_id, \
                   c.rate_limit_per_minute, c.created_at, c.rotated_at, c.revoked_at, c.last_used_at, c.accepted_count, \
                   c.refused_count, t.slug AS tenant_slug, t.name AS tenant_name, t.time_zone AS tenant_time_zone, \
                   t.video_room_url AS tenant_video_room_url, t.disabled_at AS tenant_disabled_at, t.created_at AS tenant_created_at \
                   FROM partner_credentials c JOIN tenants t ON t.id = c.tenant_id WHERE c.token_sha256 = $1";
        let row: Option<CredentialWithTenant> = on_reader!(self, pool => sqlx::query_as(sql).bind(token_sha256).fetch_optional(pool).await?);
        Ok(row.map(|row| {
            let tenant = TenantRow {
                id: row.credential.tenant_id,
                slug: row.tenant_slug,
                name: row.tenant_name,
                time_zone: row.tenant_time_zone,
                video_room_url: row.tenant_video_room_url,
                disabled_at: row.tenant_disabled_at,
                created_at: row.tenant_created_at,
            };
            (row.credential.into(), tenant.into())
        }))
    }

    /// The credential generation (see `BUMP_GENERATION`).
    ///
    /// Not tenant-scoped: one counter for the whole server (`credential_generation` has one row), read by every
    /// node's credential cache.
    pub async fn credential_generation(&self) -> StoreResult<i64> {
        let sql = "SELECT value FROM credential_generation WHERE id = 1";
        Ok(on_reader!(self, pool => sqlx::query_scalar(sql).fetch_one(pool).await?))
    }

    /// Partner credentials, of one tenant or of all, oldest first.
    pub async fn list_partner_credentials(
        &self,
        tenant_id: Option<TenantId>,
    ) -> StoreResult<Vec<PartnerCredential>> {
        let sql = format!(
            "SELECT {CREDENTIAL_COLUMNS} FROM partner_credentials \
             WHERE ($1 IS NULL OR tenant_id = $1) ORDER BY id"
        );
        let rows: Vec<PartnerCredentialRow> = on_reader!(self, pool => {
            sqlx::query_as(&sql).bind(tenant_id.map(TenantId::get)).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(PartnerCredential::from).collect())
    }

    /// Not tenant-scoped: the id is the credential the request authenticated with (from the authentication path,
    /// never from the request), or the operator's.
    pub async fn find_partner_credential(
        &self,
        id: CredentialId,
    ) -> StoreResult<PartnerCredential> {
        let sql = format!("SELECT {CREDENTIAL_COLUMNS} FROM partner_credentials WHERE id = $1");
        let row: Option<PartnerCredentialRow> =
            on_reader!(self, pool => sqlx::query_as(&sql).bind(id.0).fetch_optional(pool).await?);
        row.map(PartnerCredential::from).ok_or(StoreError::NotFound)
    }

    /// Revokes a credential; refused from the next request on, on every node (caches are told through the
    /// credential generation).
    ///
    /// Not tenant-scoped: the operator's CLI, which names credentials of any tenant by id.
    pub async fn revoke_partner_credential(
        &self,
        id: CredentialId,
    ) -> StoreResult<PartnerCredential> {
        let sql = format!(
            "UPDATE partner_credentials SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 \
             RETURNING {CREDENTIAL_COLUMNS}"
        );
        let row: Option<PartnerCredentialRow> = in_transaction!(self, tx => {
            let row = sqlx::query_as(&sql).bind(id.0).bind(now_millis()).fetch_optional(&mut *tx).await?;
            sqlx::query(BUMP_GENERATION).execute(&mut *tx).await?;
            row
        });
        row.map(PartnerCredential::from).ok_or(StoreError::NotFound)
    }

    /// Replaces a live credential's token: the old token is refused at once.
    ///
    /// Not tenant-scoped: the operator's CLI, which names credentials of any tenant by id.
    pub async fn rotate_partner_credential(
        &self,
        id: CredentialId,
        token_sha256: &str,
        token_hint: &str,
    ) -> StoreResult<PartnerCredential> {
        let sql = format!(
            "UPDATE partner_credentials SET token_sha256 = $2, token_hint = $3, rotated_at = $4 \
             WHERE id = $1 AND revoked_at IS NULL RETURNING {CREDENTIAL_COLUMNS}"
        );
        let row: Option<PartnerCredentialRow> = in_transaction!(self, tx => {
            let row = sqlx::query_as(&sql)
                .bind(id.0)
                .bind(token_sha256)
                .bind(token_hint)
                .bind(now_millis())
                .fetch_optional(&mut *tx)
                .await?;
            sqlx::query(BUMP_GENERATION).execute(&mut *tx).await?;
            row
        });
        row.map(PartnerCredential::from).ok_or(StoreError::NotFound)
    }

    /// Adds counted calls to the stored counters, all credentials in one transaction.
    ///
    /// Not tenant-scoped: flushes the counters of every authenticated credential (of any tenant) at once; the ids
    /// come from the authentication path.
    pub async fn record_credential_usage(
        &self,
        usage: &[(CredentialId, CredentialUsage)],
    ) -> StoreResult<()> {
        if usage.is_empty() {
            return Ok(());
        }
        let sql = "UPDATE partner_credentials SET accepted_count = accepted_count + $2, \
                   refused_count = refused_count + $3, \
                   last_used_at = CASE WHEN last_used_at IS NULL OR last_used_at < $4 THEN $4 ELSE last_used_at END \
                   WHERE id = $1";
        in_transaction!(self, tx => {
            for (id, counted) in usage {
                sqlx::query(sql)
                    .bind(id.0)
                    .bind(counted.accepted)
                    .bind(counted.refused)
                    .bind(counted.last_used_at)
                    .execute(&mut *tx)
                    .await?;
            }
        });
        Ok(())
    }

    pub async fn insert_classin_credential(
        &self,
        tenant_id: TenantId,
        sid: i64,
        name: &str,
        secret_encrypted: &str,
    ) -> StoreResult<ClassinCredential> {
        let sql = format!(
            "INSERT INTO classin_credentials (tenant_id, sid, name, secret_encrypted, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING {CLASSIN_COLUMNS}"
        );
        let row = in_transaction!(self, tx => {
            sqlx::query_as(&sql)
                .bind(tenant_id.get())
                .bind(sid)
                .bind(name)
                .bind(secret_encrypted)
                .bind(now_millis())
                .fetch_one(&mut *tx)
                .await?
        });
        Ok(row)
    }

    /// The highest SID given out so far (new SIDs count up from it).
    ///
    /// Not tenant-scoped: SIDs are unique across the server (ClassIn names a school by its SID alone).
    pub async fn max_classin_sid(&self) -> StoreResult<Option<i64>> {
        let sql = "SELECT MAX(sid) FROM classin_credentials";
        Ok(on_reader!(self, pool => sqlx::query_scalar(sql).fetch_one(pool).await?))
    }

    /// Not tenant-scoped: the authentication path of ClassIn's calls; the SID is how the school's tenant is found.
    pub async fn find_classin_credential(
        &self,
        sid: i64,
    ) -> StoreResult<Option<ClassinCredential>> {
        let sql = format!("SELECT {CLASSIN_COLUMNS} FROM classin_credentials WHERE sid = $1");
        Ok(on_reader!(self, pool => sqlx::query_as(&sql).bind(sid).fetch_optional(pool).await?))
    }

    pub async fn list_classin_credentials(
        &self,
        tenant_id: Option<TenantId>,
    ) -> StoreResult<Vec<ClassinCredential>> {
        let sql = format!(
            "SELECT {CLASSIN_COLUMNS} FROM classin_credentials WHERE ($1 IS NULL OR tenant_id = $1) ORDER BY id"
        );
        Ok(on_reader!(self, pool => {
            sqlx::query_as(&sql).bind(tenant_id.map(TenantId::get)).fetch_all(pool).await?
        }))
    }

    /// Not tenant-scoped: the operator's CLI, which names ClassIn credentials of any tenant by SID.
    pub async fn revoke_classin_credential(&self, sid: i64) -> StoreResult<ClassinCredential> {
        let sql = format!(
            "UPDATE classin_credentials SET revoked_at = COALESCE(revoked_at, $2) WHERE sid = $1 \
             RETURNING {CLASSIN_COLUMNS}"
        );
        let row: Option<ClassinCredential> = in_transaction!(self, tx => {
            sqlx::query_as(&sql).bind(sid).bind(now_millis()).fetch_optional(&mut *tx).await?
        });
        row.ok_or(StoreError::NotFound)
    }
}
