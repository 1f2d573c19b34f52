//! What every handler can reach: the use cases (`Service`), the authenticator, the rate limiter and the settings.

use std::{
    ops::Deref,
    sync::{
        atomic::{AtomicI64, Ordering},
        Arc,
    },
};

use classbridge_service::{
    auth::UsageCounter, classin::RepeatGuard, jobs::JobQueue, rate_limit::RateLimiter, MasterKey,
    PartnerAuthenticator, Service,
};

/// The HTTP layer's settings (the server's configuration, narrowed to what requests need).
#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// Largest body of an ordinary endpoint.
    pub body_limit_bytes: usize,
    /// Requests per minute for a credential that has no limit of its own; 0 means none.
    pub default_rate_limit_per_minute: u64,
    /// `{slug}.{base_domain}` hosts must name the credential's tenant.
    pub base_domain: Option<String>,
    /// Largest mirror body (streamed to `spool_dir`, never held in memory).
    pub mirror_body_limit_bytes: usize,
    /// Where mirror bodies are written while they arrive and are checked.
    pub spool_dir: std::path::PathBuf,
    /// Whether one uuid may be a student in one place and a teacher in another.
    pub allow_student_teacher: bool,
    /// The server's public address (`http://` + the bound address unless configured).
    pub public_url: String,
    /// How long a sign-in link stays valid.
    pub sso_link_ttl_seconds: i64,
    /// The scheme of the app's links (`{scheme}://sso?token=…`).
    pub app_scheme: String,
}

impl ApiSettings {
    /// Where a tenant's links point: with a base domain, the tenant's own host; else the public address.
    pub fn tenant_base_url(&self, slug: &str) -> String {
        match &self.base_domain {
            Some(domain) => {
                let scheme = if self.public_url.starts_with("https://") {
                    "https"
                } else {
                    "http"
                };
                let port = url::Url::parse(&self.public_url)
                    .ok()
                    .and_then(|u| u.port())
                    .map(|p| format!(":{p}"))
                    .unwrap_or_default();
                format!("{scheme}://{slug}.{}{port}", domain.trim_matches('.'))
            }
            None => self.public_url.trim_end_matches('/').to_owned(),
        }
    }
}

impl Default for ApiSettings {
    fn default() -> Self {
        Self {
            body_limit_bytes: 1024 * 1024,
            default_rate_limit_per_minute: 1200,
            base_domain: None,
            mirror_body_limit_bytes: 512 * 1024 * 1024,
            spool_dir: std::env::temp_dir(),
            allow_student_teacher: false,
            public_url: "http://127.0.0.1:8080".into(),
            sso_link_ttl_seconds: 300,
            app_scheme: "classbridge".into(),
        }
    }
}

pub struct AppInner {
    /// The use cases; the only way from a handler to the database.
    pub service: Service,
    pub authenticator: PartnerAuthenticator,
    pub usage: UsageCounter,
    pub rate_limiter: RateLimiter,
    pub settings: ApiSettings,
    /// To wake this process's workers when a job is accepted.
    pub jobs: JobQueue,
    /// Decrypts the stored ClassIn secrets.
    pub master_key: MasterKey,
    /// What time it is for the scheduling API's rules.
    pub clock: Clock,
    /// The scheduling API's repeated requests of the last seconds (in this process).
    pub classin_repeats: RepeatGuard,
}

/// Where "now" comes from: the system clock, moved by an offset that is zero unless a test sets one (so that join
/// windows, booking locks and the scheduling API's time rules can be tested at any moment).
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_seconds: Arc<AtomicI64>,
}

impl Clock {
    /// Now, in Unix seconds.
    pub fn now_seconds(&self) -> i64 {
        self.now_millis().div_euclid(1000)
    }

    /// Now, in Unix milliseconds.
    pub fn now_millis(&self) -> i64 {
        let now = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
        i64::try_from(now).unwrap_or(i64::MAX) + self.offset_seconds.load(Ordering::Relaxed) * 1000
    }

    /// Moves this clock (and every copy of it) by `seconds`.
    pub fn advance(&self, seconds: i64) {
        self.offset_seconds.fetch_add(seconds, Ordering::Relaxed);
    }
}

#[derive(Clone)]
pub struct AppState(Arc<AppInner>);

impl AppState {
    pub fn new(
        service: Service,
        settings: ApiSettings,
        jobs: JobQueue,
        master_key: MasterKey,
    ) -> Self {
        let usage = UsageCounter::default();
        let authenticator =
            PartnerAuthenticator::new(&service, settings.base_domain.clone(), usage.clone());
        Self(Arc::new(AppInner {
            service,
            authenticator,
            usage,
            rate_limiter: RateLimiter::default(),
            settings,
            jobs,
            master_key,
            clock: Clock::default(),
            classin_repeats: RepeatGuard::default(),
        }))
    }
}

impl Deref for AppState {
    type Target = AppInner;

    fn deref(&self) -> &AppInner {
        &self.0
    }
}
