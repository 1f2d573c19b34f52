//! What a branch remembers of the payload last applied to it (its fingerprint), and the tenant's roster version that
//! tells a mirror whether anything else changed since.

use crate::{tx::on_tx, StoreResult, TenantTx};

/// What a branch remembers of the payload last applied to it, and the tenant's roster version now.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BranchFingerprint {
    /// `structure.full`: the hashes of the payload last applied (none before the first branches mirror).
    pub applied_sha256: Option<String>,
    /// The tenant's roster version as of that apply.
    pub applied_version: Option<i64>,
    /// The tenant's roster version now.
    pub roster_version: i64,
    /// The name hashes of the payload last applied, prefixed with its full hash.
    pub applied_names: Option<Vec<u8>>,
}

/// The fingerprint of the tenant's branch `partner_id`, if the branch exists.
pub async fn branch_fingerprint(
    tx: &mut TenantTx,
    partner_id: i64,
) -> StoreResult<Option<BranchFingerprint>> {
    let tenant_id = tx.tenant_id();
    let sql = "SELECT b.applied_sha256, b.applied_version, t.roster_version, b.applied_names FROM branches b \
               JOIN tenants t ON t.id = b.tenant_id WHERE b.tenant_id = $1 AND b.partner_id = $2";
    Ok(
        on_tx!(tx.store_tx(), conn, Db => sqlx::query_as(sql).bind(tenant_id.get()).bind(partner_id).fetch_optional(&mut *conn).await?),
    )
}

/// The tenant's roster version now.
pub async fn roster_version(tx: &mut TenantTx) -> StoreResult<i64> {
    let tenant_id = tx.tenant_id();
    let sql = "SELECT roster_version FROM tenants WHERE id = $1";
    Ok(
        on_tx!(tx.store_tx(), conn, Db => sqlx::query_scalar(sql).bind(tenant_id.get()).fetch_one(&mut *conn).await?),
    )
}

/// Marks the tenant's roster as changed; returns the new version.
pub(crate) async fn bump_roster_version(tx: &mut TenantTx) -> StoreResult<i64> {
    let tenant_id = tx.tenant_id();
    let sql = "UPDATE tenants SET roster_version = roster_version + 1 WHERE id = $1 RETURNING roster_version";
    Ok(
        on_tx!(tx.store_tx(), conn, Db => sqlx::query_scalar(sql).bind(tenant_id.get()).fetch_one(&mut *conn).await?),
    )
}

/// Remembers what a branch was last made from: the payload's hash, its name hashes, and the roster version.
pub async fn set_branch_fingerprint(
    tx: &mut TenantTx,
    partner_id: i64,
    sha256: &str,
    names: &[u8],
    version: i64,
) -> StoreResult<()> {
    let sql = "UPDATE branches SET applied_sha256 = $3, applied_version = $4, applied_names = $5 \
               WHERE tenant_id = $1 AND partner_id = $2";
    let tenant_id = tx.tenant_id();
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(sql).bind(tenant_id.get()).bind(partner_id).bind(sha256).bind(version).bind(names)
            .execute(&mut *conn).await?;
    });
    Ok(())
}
