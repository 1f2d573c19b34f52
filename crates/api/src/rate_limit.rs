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
}

#[derive(Default)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<CredentialId, Bucket>>,
    grants: Mutex<HashMap<CredentialId, std::sync::Arc<tokio::sync::Mutex<Grant>>>>,
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
        store: &Store,
        credential: CredentialId,
        per_minute: u64,
    ) -> RateDecision {
        let local = self.check(credential, per_minute);
        // A SQLite deployment is one machine, whose single writer should not be spent on counting calls.
        if !matches!(local, RateDecision::Allowed { .. })
            || store.kind() != classbridge_store::DatabaseKind::Postgres
        {
            return local;
        }
        let slot = self
            .grants
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(credential)
            .or_default()
            .clone();
        let mut grant = slot.lock().await;
        let now = classbridge_store::now_millis();
        let window_start = now - now.rem_euclid(WINDOW_MS);
        if grant.window_start != window_start {
            *grant = Grant {
                window_start,
                left: 0,
            };
        }
        if grant.left == 0 {
            let want = (per_minute / 20).clamp(1, 100) as i64;
            match store
                .take_rate_grant(credential.0, window_start, per_minute as i64, want)
                .await
            {
                Ok(granted) => grant.left = granted,
                Err(error) => {
                    // The request will meet the same database; the process's own bucket still holds.
                    tracing::warn!(error = %error, "could not read the deployment's rate window");
                    return local;
                }
            }
        }
        if grant.left > 0 {
            grant.left -= 1;
            local
        } else {
            RateDecision::Limited {
                retry_after: Duration::from_millis((window_start + WINDOW_MS - now).max(1) as u64),
            }
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
