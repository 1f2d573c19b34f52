//! Per-credential rate limits: a token bucket per credential that holds a minute's allowance and refills evenly.
//! Each server process keeps its own buckets; with N processes behind a balancer a partner gets up to N times the
//! limit, which is the usual trade for not paying a database round trip per call.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use classbridge_domain::CredentialId;

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

#[derive(Default)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<CredentialId, Bucket>>,
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
