//! The server's configuration: defaults → `classbridge.toml` → `CLASSBRIDGE_*` (and `DATABASE_URL`) → flags.

use std::path::{Path, PathBuf};

use figment::{
    providers::{Env, Format, Serialized, Toml},
    Figment,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub bind: String,
    /// Folder of the embedded database and the generated master key.
    pub data_dir: PathBuf,
    /// `postgres://…` for PostgreSQL; unset for the embedded SQLite file in `data_dir`.
    pub database_url: Option<String>,
    /// PostgreSQL connections (or SQLite readers) per process.
    pub database_max_connections: u32,
    /// How long a request waits for a database connection before it is answered 503 with `Retry-After`.
    pub database_acquire_timeout_ms: u64,
    /// Job workers inside `serve` (0: none; run `classbridge worker` instead).
    pub workers: usize,
    /// With `base_domain = "example.org"`, tenants live at `{slug}.example.org` and the Host must match the token.
    pub base_domain: Option<String>,
    /// The server's public address, for links it gives out; by default `http://` + the bound address.
    pub public_url: Option<String>,
    /// 32 bytes, hex or base64, that encrypt stored secrets; unset: `master.key` in `data_dir` (made on first start).
    pub master_key: Option<String>,
    /// A request's header (and an idle keep-alive connection's next request) must arrive within this.
    pub header_read_timeout_seconds: u64,
    /// A request body that sends nothing for this long is refused with 408 and its connection closed.
    pub body_read_timeout_seconds: u64,
    /// Most client connections open at once (lowered to fit under the open-file limit, which is raised first).
    pub max_client_connections: usize,
    /// Upload spool files untouched this long are orphans of a killed process, removed at start and every 5 minutes.
    pub spool_orphan_seconds: u64,
    /// Largest body of an ordinary endpoint.
    pub body_limit_bytes: usize,
    /// Largest body of a mirror upload.
    pub mirror_body_limit_bytes: usize,
    /// Requests per minute for credentials without a limit of their own; 0 for none.
    pub rate_limit_per_minute: u64,
    /// `text` or `json`.
    pub log_format: String,
    /// A tracing filter such as `info` or `classbridge=debug,info` (`RUST_LOG` overrides it).
    pub log_level: String,
    /// How often counted credential use is written to the database.
    pub usage_flush_seconds: u64,
    /// How long shutdown waits for in-flight requests.
    pub shutdown_grace_seconds: u64,
    /// How long a claimed job stays a worker's without a heartbeat (a dead worker's job is taken over after this).
    pub job_lease_seconds: u64,
    /// Largest share of a branch's student memberships one mirror may remove without `force`.
    pub max_removal_ratio: f64,
    /// Whether one uuid may be a student in one place and a teacher in another.
    pub allow_student_teacher: bool,
    /// Finished jobs are kept this many days.
    pub keep_jobs_days: u64,
    /// Stored payloads of finished jobs are kept this many days.
    pub keep_payloads_days: u64,
    /// How long a sign-in link stays valid.
    pub sso_link_ttl_seconds: i64,
    /// The scheme of the app's sign-in links (`{scheme}://sso?token=…`).
    pub app_scheme: String,
    /// Whether this process delivers the pushes to schools' servers (any number of processes may: a lease per
    /// SID keeps each school's queue in order).
    pub classin_pushes: bool,
    /// A push not acknowledged is sent again after this long (ClassIn's data subscription: 10 seconds).
    pub classin_push_retry_seconds: u64,
    /// How long one push waits for the school's answer.
    pub classin_push_timeout_seconds: u64,
    /// How often the push outbox is looked at.
    pub classin_push_poll_millis: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("data"),
            database_url: None,
            database_max_connections: 16,
            database_acquire_timeout_ms: 5000,
            workers: 2,
            base_domain: None,
            public_url: None,
            master_key: None,
            header_read_timeout_seconds: 10,
            body_read_timeout_seconds: 30,
            max_client_connections: 4096,
            spool_orphan_seconds: 3600,
            body_limit_bytes: 1024 * 1024,
            mirror_body_limit_bytes: 512 * 1024 * 1024,
            rate_limit_per_minute: 1200,
            log_format: "text".into(),
            log_level: "info".into(),
            usage_flush_seconds: 5,
            shutdown_grace_seconds: 30,
            job_lease_seconds: 30,
            max_removal_ratio: 0.2,
            allow_student_teacher: false,
            keep_jobs_days: 30,
            keep_payloads_days: 7,
            sso_link_ttl_seconds: 300,
            app_scheme: "classbridge".into(),
            classin_pushes: true,
            classin_push_retry_seconds: 10,
            classin_push_timeout_seconds: 10,
            classin_push_poll_millis: 500,
        }
    }
}

/// Values given on the command line; `None` leaves the lower layers' value.
#[derive(Debug, Default, Clone, Serialize)]
pub struct FlagOverrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workers: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
}

impl Config {
    /// Loads the layers. `config_file`: the `--config` flag; without it `classbridge.toml` is read if present.
    pub fn load(config_file: Option<&Path>, flags: &FlagOverrides) -> Result<Self, String> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match config_file {
            Some(path) if !path.exists() => {
                return Err(format!(
                    "the configuration file {} does not exist",
                    path.display()
                ))
            }
            Some(path) => figment = figment.merge(Toml::file(path)),
            None => figment = figment.merge(Toml::file("classbridge.toml")),
        }
        let config: Config = figment
            .merge(Env::raw().only(&["DATABASE_URL"]))
            // `CLASSBRIDGE_TEST_*` belong to the test harness, not to the server.
            .merge(
                Env::prefixed("CLASSBRIDGE_")
                    .filter(|key| !key.as_str().to_ascii_lowercase().starts_with("test_")),
            )
            .merge(Serialized::defaults(flags))
            .extract()
            .map_err(|error| format!("configuration: {error}"))?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> Result<(), String> {
        if !matches!(self.log_format.as_str(), "text" | "json") {
            return Err(format!(
                "log_format must be `text` or `json` (got `{}`)",
                self.log_format
            ));
        }
        if self.body_limit_bytes == 0 || self.mirror_body_limit_bytes == 0 {
            return Err("body limits must be above zero".into());
        }
        if !(0.0..=1.0).contains(&self.max_removal_ratio) {
            return Err("max_removal_ratio is a share between 0 and 1".into());
        }
        if self.sso_link_ttl_seconds < 1 {
            return Err("sso_link_ttl_seconds must be at least 1".into());
        }
        if self.header_read_timeout_seconds == 0
            || self.body_read_timeout_seconds == 0
            || self.max_client_connections == 0
        {
            return Err("read timeouts and max_client_connections must be above zero".into());
        }
        if self.database_acquire_timeout_ms == 0 {
            return Err("database_acquire_timeout_ms must be above zero".into());
        }
        if self.job_lease_seconds < 2 {
            return Err("job_lease_seconds must be at least 2".into());
        }
        Ok(())
    }

    pub fn job_settings(&self) -> classbridge_service::jobs::JobSettings {
        use std::time::Duration;
        classbridge_service::jobs::JobSettings {
            lease: Duration::from_secs(self.job_lease_seconds),
            keep_jobs: Duration::from_secs(self.keep_jobs_days * 24 * 3600),
            keep_payloads: Duration::from_secs(self.keep_payloads_days * 24 * 3600),
            mirror: classbridge_service::mirror::MirrorSettings {
                max_removal_ratio: self.max_removal_ratio,
                allow_student_teacher: self.allow_student_teacher,
            },
            ..Default::default()
        }
    }

    pub fn push_settings(&self) -> classbridge_service::pushes::delivery::PushSettings {
        classbridge_service::pushes::delivery::PushSettings {
            retry_seconds: self.classin_push_retry_seconds.max(1),
            timeout_seconds: self.classin_push_timeout_seconds.max(1),
            poll_millis: self.classin_push_poll_millis.max(10),
        }
    }

    /// The SQLite file used when no database URL is set.
    pub fn sqlite_path(&self) -> PathBuf {
        self.data_dir.join("classbridge.db")
    }
}

#[cfg(test)]
// figment's Jail fixes the closure's error type; it is large, and only tests use it.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn layers_apply_in_order_file_env_flags() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "classbridge.toml",
                "bind = \"0.0.0.0:9000\"\nworkers = 5\nlog_level = \"debug\"",
            )?;
            jail.set_env("CLASSBRIDGE_WORKERS", "7");
            let flags = FlagOverrides {
                bind: Some("127.0.0.1:1".into()),
                ..Default::default()
            };
            let config = Config::load(None, &flags).map_err(|e| e.to_string())?;
            assert_eq!(config.bind, "127.0.0.1:1");
            assert_eq!(config.workers, 7);
            assert_eq!(config.log_level, "debug");
            assert_eq!(config.body_limit_bytes, 1024 * 1024);
            Ok(())
        });
    }

    #[test]
    fn database_url_reads_the_conventional_variable() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("DATABASE_URL", "postgres://a@b/c");
            let config =
                Config::load(None, &FlagOverrides::default()).map_err(|e| e.to_string())?;
            assert_eq!(config.database_url.as_deref(), Some("postgres://a@b/c"));
            jail.set_env("CLASSBRIDGE_DATABASE_URL", "postgres://x@y/z");
            let config =
                Config::load(None, &FlagOverrides::default()).map_err(|e| e.to_string())?;
            assert_eq!(config.database_url.as_deref(), Some("postgres://x@y/z"));
            Ok(())
        });
    }

    #[test]
    fn unknown_keys_and_bad_values_are_refused() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("classbridge.toml", "bnid = \"x\"")?;
            assert!(Config::load(None, &FlagOverrides::default()).is_err());
            jail.create_file("classbridge.toml", "log_format = \"xml\"")?;
            assert!(Config::load(None, &FlagOverrides::default()).is_err());
            Ok(())
        });
    }
}
