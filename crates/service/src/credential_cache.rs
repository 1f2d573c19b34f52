//! Partner credentials kept in memory by token hash, so that a partner call does not read its credential from the
//! database every time, while a revocation still holds at once on every node.
//!
//! Every change that can refuse a credential (revoke, rotate, a tenant disabled) raises the database's credential
//! generation in its own transaction. A watcher re-reads that number every [`POLL_INTERVAL`]; when it moves, the
//! cache is emptied. The cache is trusted only while the last successful read is younger than [`MAX_STALENESS`]
//! (a watcher that stalls or fails makes every call read the database again), and the operator's commands that
//! refuse credentials wait [`MAX_STALENESS`] before they report, so that when they return no process anywhere
//! still accepts what they refused. Entries also expire after [`ENTRY_LIFETIME`].

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicI64, AtomicU64, Ordering},
        Arc, RwLock,
    },
    time::{Duration, Instant},
};

use classbridge_store::{PartnerCredential, Store, Tenant};

/// How often the watcher reads the credential generation.
pub const POLL_INTERVAL: Duration = Duration::from_millis(20);
/// The cache is used only while the generation was read this recently.
pub const MAX_STALENESS: Duration = Duration::from_millis(150);
/// A cached credential is read again after this long (its counters and last use stay near the truth).
pub const ENTRY_LIFETIME: Duration = Duration::from_secs(5);
/// More entries than this and the cache starts over.
const MAX_ENTRIES: usize = 100_000;

#[derive(Debug, Clone)]
struct Entry {
    credential: PartnerCredential,
    tenant: Tenant,
    stored_at: Instant,
}

/// The cache; clones share it.
#[derive(Debug, Clone)]
pub struct CredentialCache(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    entries: RwLock<HashMap<String, Entry>>,
    /// The generation the entries were read under; -1 before the first read.
    generation: AtomicI64,
    /// When the generation was last read successfully, in milliseconds since `epoch`; 0: never.
    checked_at_ms: AtomicU64,
    epoch: Instant,
}

impl Default for CredentialCache {
    fn default() -> Self {
        Self(Arc::new(Inner {
            entries: RwLock::new(HashMap::new()),
            generation: AtomicI64::new(-1),
            checked_at_ms: AtomicU64::new(0),
            epoch: Instant::now(),
        }))
    }
}

impl CredentialCache {
    fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.0.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Whether the cache may be trusted now.
    fn is_live(&self) -> bool {
        let checked = self.0.checked_at_ms.load(Ordering::Acquire);
        checked > 0 && self.elapsed_ms().saturating_sub(checked) < MAX_STALENESS.as_millis() as u64
    }

    /// The cached credential and tenant of a token hash, while the cache is live and the entry fresh.
    pub fn get(&self, token_sha256: &str) -> Option<(PartnerCredential, Tenant)> {
        if !self.is_live() {
            return None;
        }
        let entries = self.0.entries.read().ok()?;
        let entry = entries.get(token_sha256)?;
        (entry.stored_at.elapsed() < ENTRY_LIFETIME)
            .then(|| (entry.credential.clone(), entry.tenant.clone()))
    }

    /// The generation to pass to [`Self::put`] for a credential about to be read from the database.
    pub fn generation(&self) -> i64 {
        self.0.generation.load(Ordering::Acquire)
    }

    /// Keeps a credential read from the database, unless the generation moved since `generation` was taken.
    pub fn put(
        &self,
        token_sha256: &str,
        generation: i64,
        credential: &PartnerCredential,
        tenant: &Tenant,
    ) {
        if generation < 0 || !self.is_live() {
            return;
        }
        let Ok(mut entries) = self.0.entries.write() else {
            return;
        };
        // Checked under the lock that `observe` also takes to empty the cache.
        if self.generation() != generation {
            return;
        }
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            token_sha256.to_owned(),
            Entry {
                credential: credential.clone(),
                tenant: tenant.clone(),
                stored_at: Instant::now(),
            },
        );
    }

    /// Takes in a generation just read: empties the cache when it moved, and marks the cache live.
    pub fn observe(&self, generation: i64) {
        if self.generation() != generation {
            if let Ok(mut entries) = self.0.entries.write() {
                entries.clear();
                self.0.generation.store(generation, Ordering::Release);
            }
        }
        self.0
            .checked_at_ms
            .store(self.elapsed_ms().max(1), Ordering::Release);
    }

    /// Reads the generation every [`POLL_INTERVAL`] until the process ends; a failed read leaves the cache to go
    /// stale (and unused) until a read succeeds again.
    pub async fn watch(self, store: Store) {
        let mut ticks = tokio::time::interval(POLL_INTERVAL);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match store.credential_generation().await {
                Ok(generation) => self.observe(generation),
                Err(error) => {
                    tracing::warn!(error = %error, "the credential generation cannot be read; not caching credentials")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use classbridge_domain::{BranchScope, CredentialId, TenantId};

    fn credential() -> (PartnerCredential, Tenant) {
        let credential = PartnerCredential {
            id: CredentialId(1),
            tenant_id: TenantId::from_row(1),
            name: "SIS".into(),
            referer_origin: "https://sis.example.org".into(),
            token_sha256: "h".into(),
            token_hint: "abcd".into(),
            scope: BranchScope::Tenant,
            rate_limit_per_minute: None,
            created_at: classbridge_domain::UnixMillis::new(0),
            rotated_at: None,
            revoked_at: None,
            last_used_at: None,
            accepted_count: 0,
            refused_count: 0,
        };
        let tenant = Tenant {
            id: TenantId::from_row(1),
            slug: "alpha".into(),
            name: "Alpha".into(),
            time_zone: "UTC".into(),
            video_room_url: None,
            disabled_at: None,
            created_at: classbridge_domain::UnixMillis::new(0),
        };
        (credential, tenant)
    }

    #[test]
    fn nothing_is_cached_before_the_generation_is_read_and_a_new_generation_empties_it() {
        let cache = CredentialCache::default();
        let (credential, tenant) = credential();
        cache.put("h", cache.generation(), &credential, &tenant);
        assert!(cache.get("h").is_none(), "not live yet");
        cache.observe(3);
        let generation = cache.generation();
        cache.put("h", generation, &credential, &tenant);
        assert!(cache.get("h").is_some());
        cache.observe(4);
        assert!(
            cache.get("h").is_none(),
            "a revocation elsewhere empties it"
        );
        // A read that began under generation 3 cannot fill the cache of generation 4.
        cache.put("h", generation, &credential, &tenant);
        assert!(cache.get("h").is_none());
    }

    #[test]
    fn a_cache_whose_watcher_stopped_is_not_used() {
        let cache = CredentialCache::default();
        let (credential, tenant) = credential();
        cache.observe(1);
        cache.put("h", 1, &credential, &tenant);
        assert!(cache.get("h").is_some());
        std::thread::sleep(MAX_STALENESS + Duration::from_millis(20));
        assert!(cache.get("h").is_none());
    }
}
