//! Partner authentication: the token decides the tenant; the Host, the tenant's state and the referer must agree.
//! Every accepted and refused call is counted per credential, in memory, and flushed to the store in batches.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use classbridge_domain::CredentialId;
use classbridge_store::{CredentialUsage, Store, StoreError};
/// The credential and tenant of an authenticated call (read models of the use cases).
pub use classbridge_store::{PartnerCredential, Tenant};

use crate::{credential_cache::CredentialCache, origin, tokens};

/// A request's claims, as read off its headers.
#[derive(Debug, Clone, Copy, Default)]
pub struct PartnerClaims<'a> {
    pub token: Option<&'a str>,
    pub referer: Option<&'a str>,
    pub host: Option<&'a str>,
}

/// A caller that passed every check.
#[derive(Debug, Clone)]
pub struct AuthenticatedPartner {
    pub tenant: Tenant,
    pub credential: PartnerCredential,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No token, an unknown or revoked one, or a Host naming another tenant.
    #[error("unauthenticated")]
    Unauthenticated,
    #[error("the referer header does not carry the credential's registered origin")]
    RefererMismatch,
    #[error("the tenant is disabled")]
    TenantDisabled,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks partner calls. Credentials are cached by token hash (see `credential_cache` for why a revocation still
/// holds at once on every node).
#[derive(Clone)]
pub struct PartnerAuthenticator {
    store: Store,
    base_domain: Option<String>,
    usage: UsageCounter,
    cache: CredentialCache,
}

impl PartnerAuthenticator {
    pub fn new(service: &crate::Service, base_domain: Option<String>, usage: UsageCounter) -> Self {
        let store = service.store().clone();
        let base_domain = base_domain
            .map(|domain| domain.trim_matches('.').to_ascii_lowercase())
            .filter(|domain| !domain.is_empty());
        Self {
            store,
            base_domain,
            usage,
            cache: CredentialCache::default(),
        }
    }

    /// The cache of credentials, whose watcher the server runs.
    pub fn cache(&self) -> &CredentialCache {
        &self.cache
    }

    /// The credential and tenant of a token hash: from the cache, else read (and kept).
    async fn find(&self, sha256: &str) -> Result<Option<(PartnerCredential, Tenant)>, StoreError> {
        if let Some(found) = self.cache.get(sha256) {
            return Ok(Some(found));
        }
        let generation = self.cache.generation();
        let found = self.store.find_partner_credential_by_token(sha256).await?;
        if let Some((credential, tenant)) = &found {
            self.cache.put(sha256, generation, credential, tenant);
        }
        Ok(found)
    }

    pub async fn authenticate(
        &self,
        claims: PartnerClaims<'_>,
    ) -> Result<AuthenticatedPartner, AuthError> {
        let token = claims
            .token
            .map(str::trim)
            .filter(|token| !token.is_empty())
            .ok_or(AuthError::Unauthenticated)?;
        let sha256 = tokens::token_sha256(token);
        let Some((credential, tenant)) = self.find(&sha256).await? else {
            tracing::info!(reason = "unknown token", "partner call refused");
            return Err(AuthError::Unauthenticated);
        };
        if !tokens::constant_time_equal(&credential.token_sha256, &sha256) {
            return Err(AuthError::Unauthenticated);
        }
        let refusal =
            if credential.revoked_at.is_some() || !self.host_allows(claims.host, &tenant.slug) {
                Some(AuthError::Unauthenticated)
            } else if tenant.is_disabled() {
                Some(AuthError::TenantDisabled)
            } else if !origin::referer_matches(claims.referer, &credential.referer_origin) {
                Some(AuthError::RefererMismatch)
            } else {
                None
            };
        match refusal {
            Some(error) => {
                self.usage.count(credential.id, false);
                tracing::info!(credential_id = credential.id.0, tenant = %tenant.slug, reason = %error,
                    "partner call refused");
                Err(error)
            }
            None => {
                self.usage.count(credential.id, true);
                Ok(AuthenticatedPartner { tenant, credential })
            }
        }
    }

    /// With a base domain, a Host of the form `{slug}.{base_domain}` must name the credential's own tenant.
    fn host_allows(&self, host: Option<&str>, tenant_slug: &str) -> bool {
        let (Some(base_domain), Some(host)) = (&self.base_domain, host) else {
            return true;
        };
        let host = host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                name
            } else {
                host
            }
        });
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        match host
            .strip_suffix(base_domain.as_str())
            .and_then(|rest| rest.strip_suffix('.'))
        {
            Some(subdomain) => subdomain == tenant_slug,
            None => true,
        }
    }
}

/// Calls per credential since the last flush.
#[derive(Clone, Default)]
pub struct UsageCounter {
    pending: Arc<Mutex<HashMap<CredentialId, CredentialUsage>>>,
}

impl UsageCounter {
    pub fn count(&self, credential: CredentialId, accepted: bool) {
        let now = classbridge_store::now_millis();
        let mut pending = self
            .pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = pending.entry(credential).or_default();
        if accepted {
            entry.accepted += 1;
        } else {
            entry.refused += 1;
        }
        entry.last_used_at = now;
    }

    /// Writes what was counted; on failure the counts are put back for the next flush.
    pub async fn flush(&self, store: &Store) -> Result<(), StoreError> {
        let batch: Vec<(CredentialId, CredentialUsage)> = {
            let mut pending = self
                .pending
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            pending.drain().collect()
        };
        if let Err(error) = store.record_credential_usage(&batch).await {
            let mut pending = self
                .pending
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            for (id, usage) in batch {
                let entry = pending.entry(id).or_default();
                entry.accepted += usage.accepted;
                entry.refused += usage.refused;
                entry.last_used_at = entry.last_used_at.max(usage.last_used_at);
            }
            return Err(error);
        }
        Ok(())
    }
}

/// The credential as stored now (the one that authenticated a call may come from the cache, a few seconds old).
pub async fn current_credential(
    service: &crate::Service,
    id: classbridge_domain::CredentialId,
) -> Result<PartnerCredential, StoreError> {
    service.store().find_partner_credential(id).await
}
