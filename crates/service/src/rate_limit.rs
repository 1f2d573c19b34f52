//! Per-credential rate limits: a token bucket per credential in each process that holds a minute's allowance and
//! refills evenly, and, for a deployment on PostgreSQL, minute windows counted in the database: a process takes grants of
//! calls (a twentieth of the limit, 1 to 100) from the window's row before spending them, so several processes
//! together never pass the limit; calls granted to a process and not spent are lost to the others until the window
//! ends (the tolerance: up to a grant per other process fewer calls, never more).

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use classbridge_domain::CredentialId;
use classbridge_store::{rate_windows::WINDOW_MS, Store};

struct Bucket {
    tokens: f64,
    refilled_at: Instant,
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateDecision {
    Allowed { remaining: u64 },
    Unlimited,
    Limited { retry_after: Duration },
}

/// Calls this process was granted from the deployment's current window.
#[derive(Default)]
struct Grant {
    window_start: i64,
    left: i64,
    /// A grant is being asked for in the background.
    fetching: bool,
}

type Grants = std::sync::Arc<Mutex<HashMap<CredentialId, Grant>>>;

/// How long a request waits for the database to grant calls before its process's bucket decides alone.
const GRANT_WAIT: Duration = Duration::from_secs(1);

/// Asks the database for up to `want` calls of the window; `None` when it did not answer within [`GRANT_WAIT`].
async fn take_grant(
    store: &Store,
    credential: CredentialId,
    window_start: i64,
    per_minute: u64,
    want: i64,
) -> Option<i64> {
    let taking = store.take_rate_grant(credential.0, window_start, per_minute as i64, want);
    match tokio::time::timeout(GRANT_WAIT, taking).await {
        Ok(Ok(granted)) => Some(granted),
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "could not read the deployment's rate window");
            None
        }
        Err(_) => None,
    }
}

/// Adds granted calls to the process's share of the window. For a request that asked itself (not `background`),
/// also takes one for it and says whether there was one (another request's grant may have arrived meanwhile).
fn add_grant(
    grants: &Grants,
    credential: CredentialId,
    window_start: i64,
    granted: i64,
    background: bool,
) -> bool {
    let mut grants = grants
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let grant = grants.entry(credential).or_default();
    if background {
        grant.fetching = false;
    }
    if grant.window_start != window_start {
        return !background && granted > 0;
    }
    grant.left += granted;
    if background {
        return true;
    }
    if grant.left > 0 {
        grant.left -= 1;
        true
    } else {
        false
    }
}

#[derive(Default)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<CredentialId, Bucket>>,
    grants: Grants,
}

impl RateLimiter {
    /// Takes one request from the credential's bucket; `per_minute == 0` means no limit.
    pub fn check(&self, credential: CredentialId, per_minute: u64) -> RateDecision {
        self.check_at(credential, per_minute, Instant::now())
    }

    fn check_at(&self, credential: CredentialId, per_minute: u64, now: Instant) -> RateDecision {
        if per_minute == 0 {
            return RateDecision::Unlimited;
        }
        let capacity = per_minute as f64;
        let per_second = capacity / 60.0;
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let bucket = buckets.entry(credential).or_insert(Bucket {
            tokens: capacity,
            refilled_at: now,
        });
        let elapsed = now
            .saturating_duration_since(bucket.refilled_at)
            .as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.refilled_at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            RateDecision::Allowed {
                remaining: bucket.tokens.floor() as u64,
            }
        } else {
            let wait = (1.0 - bucket.tokens) / per_second;
            RateDecision::Limited {
                retry_after: Duration::from_secs_f64(wait),
            }
        }
    }

    /// [`Self::check`], then the deployment's window in the database: the limit holds across processes.
    pub async fn check_deployment(
        &self,
        service: &crate::Service,
        credential: CredentialId,
        per_minute: u64,
    ) -> RateDecision {
        let store = service.store();
        let local = self.check(credential, per_minute);
        // A SQLite deployment is one machine, whose single writer should not be spent on counting calls.
        if !matches!(local, RateDecision::Allowed { .. })
            || store.kind() != classbridge_store::DatabaseKind::Postgres
        {
            return local;
        }
        let now = classbridge_store::now_millis();
        let window_start = now - now.rem_euclid(WINDOW_MS);
        let want = (per_minute / 20).clamp(1, 100) as i64;
        let limited = RateDecision::Limited {
            retry_after: Duration::from_millis((window_start + WINDOW_MS - now).max(1) as u64),
        };
        // The fast path spends a call already granted, and asks for the next grant in the background when half
        // of this one is spent, so that requests do not wait for the database while grants last.
        let prefetch = {
            let mut grants = self
                .grants
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let grant = grants.entry(credential).or_default();
            if grant.window_start != window_start {
                *grant = Grant {
                    window_start,
                    ..Grant::default()
                };
            }
            if grant.left > 0 {
                grant.left -= 1;
                let prefetch = grant.left < want / 2 && !grant.fetching;
                grant.fetching |= prefetch;
                Some(prefetch)
            } else {
                None
            }
        };
        match prefetch {
            Some(true) => {
                let (grants, store) = (self.grants.clone(), store.clone());
                tokio::spawn(async move {
                    let granted =
                        take_grant(&store, credential, window_start, per_minute, want).await;
                    add_grant(
                        &grants,
                        credential,
                        window_start,
                        granted.unwrap_or(0),
                        true,
                    );
                });
                return local;
            }
            Some(false) => return local,
            None => {}
        }
        // Nothing granted yet: ask now, but not for long; a database that cannot answer in time leaves the
        // process's own bucket in charge (the request will meet the same database anyway).
        match take_grant(store, credential, window_start, per_minute, want).await {
            Some(granted) => {
                if add_grant(&self.grants, credential, window_start, granted, false) {
                    local
                } else {
                    limited
                }
            }
            None => local,
        }
    }

    /// How many calls the credential may make right now, without taking one.
    pub fn remaining(&self, credential: CredentialId, per_minute: u64) -> Option<u64> {
        if per_minute == 0 {
            return None;
        }
        let buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Some(buckets.get(&credential).map_or(per_minute, |bucket| {
            let elapsed = bucket.refilled_at.elapsed().as_secs_f64();
            (bucket.tokens + elapsed * per_minute as f64 / 60.0)
                .min(per_minute as f64)
                .floor() as u64
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_past_the_limit_is_refused_until_the_bucket_refills() {
        let limiter = RateLimiter::default();
        let id = CredentialId(1);
        let start = Instant::now();
        for _ in 0..3 {
            assert!(matches!(
                limiter.check_at(id, 3, start),
                RateDecision::Allowed { .. }
            ));
        }
        let RateDecision::Limited { retry_after } = limiter.check_at(id, 3, start) else {
            panic!("the fourth call in the same instant must be limited");
        };
        assert!(retry_after <= Duration::from_secs(20) && retry_after > Duration::from_secs(19));
        assert!(matches!(
            limiter.check_at(id, 3, start + Duration::from_secs(21)),
            RateDecision::Allowed { .. }
        ));
        assert_eq!(
            limiter.check_at(CredentialId(2), 0, start),
            RateDecision::Unlimited
        );
    }
}
