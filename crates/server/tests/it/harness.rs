//! The test harness every end-to-end test uses: the real server on 127.0.0.1:0 against a fresh SQLite file or a
//! fresh PostgreSQL database, called over HTTP, and tenants with credentials to call it with.
//!
//! PostgreSQL runs when `CLASSBRIDGE_TEST_POSTGRES_URL` names a server whose user may create databases; each test
//! gets its own database, dropped when the test ends. Without the variable the PostgreSQL variants say they are
//! skipped, unless `CLASSBRIDGE_TEST_REQUIRE_POSTGRES=1` (CI), where a missing URL fails them.

use std::time::Duration;

use classbridge::{Application, Config};
use classbridge_service::admin::{self, PartnerCredentialRequest};
use classbridge_store::Store;
use reqwest::{Method, RequestBuilder};
use sqlx::Connection;

/// Runs each named test body on SQLite and on PostgreSQL: `both_databases!(my_test, other_test);` makes
/// `my_test::sqlite` and `my_test::postgres`, each calling `my_test(Backend)`.
#[macro_export]
macro_rules! both_databases {
    ($($test:ident),* $(,)?) => {$(
        mod $test {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$test($crate::harness::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(backend) = $crate::harness::Backend::postgres() {
                    super::$test(backend).await;
                }
            }
        }
    )*};
}

pub const REFERER: &str = "https://sis.example.org";

#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    /// The URL of a PostgreSQL server to create test databases on.
    Postgres(String),
}

impl Backend {
    /// PostgreSQL when configured; else `None` after saying the test is skipped (or a panic where it is required).
    pub fn postgres() -> Option<Self> {
        match std::env::var("CLASSBRIDGE_TEST_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => Some(Self::Postgres(url)),
            _ if std::env::var("CLASSBRIDGE_TEST_REQUIRE_POSTGRES").as_deref() == Ok("1") => {
                panic!("CLASSBRIDGE_TEST_REQUIRE_POSTGRES=1 but CLASSBRIDGE_TEST_POSTGRES_URL is not set")
            }
            _ => {
                eprintln!("SKIPPED on PostgreSQL: set CLASSBRIDGE_TEST_POSTGRES_URL to run it");
                None
            }
        }
    }
}

/// A database made for one test, dropped with it.
pub struct TestDatabase {
    pub url: Option<String>,
    admin_url: Option<String>,
    name: String,
}

impl TestDatabase {
    pub async fn create(backend: &Backend) -> Self {
        match backend {
            Backend::Sqlite => Self {
                url: None,
                admin_url: None,
                name: String::new(),
            },
            Backend::Postgres(admin_url) => {
                let name = format!("cbtest_{}", ulid::Ulid::new().to_string().to_lowercase());
                let mut connection = sqlx::PgConnection::connect(admin_url)
                    .await
                    .expect("connect to the PostgreSQL test server");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut connection)
                    .await
                    .expect("create a test database");
                let mut url = url::Url::parse(admin_url).expect("a PostgreSQL URL");
                url.set_path(&name);
                Self {
                    url: Some(url.to_string()),
                    admin_url: Some(admin_url.clone()),
                    name,
                }
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(admin_url) = self.admin_url.clone() else {
            return;
        };
        let name = self.name.clone();
        // Drop runs inside the test's runtime; a thread with its own runtime can block on the cleanup.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut connection = sqlx::PgConnection::connect(&admin_url)
                    .await
                    .map_err(std::io::Error::other)?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut connection)
                    .await
                    .map_err(std::io::Error::other)?;
                Ok::<(), std::io::Error>(())
            })
        })
        .join();
    }
}

/// A running server.
pub struct TestApp {
    pub address: String,
    /// The server's data directory and database URL, for other processes (workers, the CLI) to share.
    pub data_dir: std::path::PathBuf,
    pub database_url: Option<String>,
    pub store: Store,
    pub client: reqwest::Client,
    /// The in-process server's clock: tests move it to reach join windows and booking locks.
    pub clock: classbridge_api::state::Clock,
    _shutdown: tokio::sync::oneshot::Sender<()>,
    _data_dir: tempfile::TempDir,
    _database: TestDatabase,
}

pub fn test_config(data_dir: &std::path::Path, database_url: Option<String>) -> Config {
    Config {
        bind: "127.0.0.1:0".into(),
        data_dir: data_dir.to_path_buf(),
        database_url,
        database_max_connections: 8,
        // Load tests on a shared machine may queue for seconds; tests of the 503 answer set their own bound.
        database_acquire_timeout_ms: 30_000,
        workers: 1,
        job_lease_seconds: 3,
        usage_flush_seconds: 1,
        shutdown_grace_seconds: 2,
        ..Config::default()
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Spawns a server whose configuration `configure` may change first.
    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> Self {
        let database = TestDatabase::create(&backend).await;
        let data_dir = tempfile::tempdir().expect("a temporary folder");
        let mut config = test_config(data_dir.path(), database.url.clone());
        configure(&mut config);
        let application = Application::build(config).await.expect("the server builds");
        let address = format!("http://{}", application.local_addr());
        let store = application.store().clone();
        let clock = application.clock();
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(application.run_until_stopped(async move {
            let _ = stopped.await;
        }));
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("an HTTP client");
        Self {
            address,
            data_dir: data_dir.path().to_path_buf(),
            database_url: database.url.clone(),
            store,
            client,
            clock,
            _shutdown: shutdown,
            _data_dir: data_dir,
            _database: database,
        }
    }

    /// `classbridge worker` on this server's database, as a separate process (`--workers` each).
    pub fn worker_process(&self, workers: usize) -> std::process::Child {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_classbridge"));
        command
            .arg("--data-dir")
            .arg(&self.data_dir)
            .args(["worker", "--workers", &workers.to_string()])
            .env_remove("DATABASE_URL")
            .env("CLASSBRIDGE_JOB_LEASE_SECONDS", "2")
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::inherit());
        if let Some(url) = &self.database_url {
            command.env("DATABASE_URL", url);
        }
        command.spawn().expect("the worker process starts")
    }

    /// A second `classbridge serve` process on this server's database; returns it with its base URL once ready.
    pub async fn second_server(&self) -> (std::process::Child, String) {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_classbridge"));
        command
            .arg("--data-dir")
            .arg(&self.data_dir)
            .args([
                "serve",
                "--workers",
                "0",
                "--bind",
                &format!("127.0.0.1:{port}"),
            ])
            .env_remove("DATABASE_URL")
            .env("RUST_LOG", "warn")
            .env("CLASSBRIDGE_DATABASE_ACQUIRE_TIMEOUT_MS", "30000")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::inherit());
        if let Some(url) = &self.database_url {
            command.env("DATABASE_URL", url);
        }
        let mut child = command.spawn().expect("a second server starts");
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..200 {
            if let Ok(response) = self.client.get(format!("{base}/readyz")).send().await {
                if response.status().is_success() {
                    return (child, base);
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("the second server did not become ready");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A request with no credential at all.
    pub fn anonymous(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path))
    }

    /// The OpenAPI document as this server serves it at `/openapi.json` (schemas left open; see
    /// `conformance::document` for the closed form the conformance checks use).
    pub async fn openapi(&self) -> serde_json::Value {
        crate::conformance::served_document(&self.client, &self.address).await
    }

    /// Creates a tenant with one partner credential (referer [`REFERER`]).
    /// One number read straight from the database, past the server: for checks no API shows (orphaned rows).
    pub async fn count_in_database(&self, sql: &str) -> i64 {
        match &self.database_url {
            Some(url) => {
                let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
                sqlx::query_scalar(sql)
                    .fetch_one(&mut connection)
                    .await
                    .unwrap()
            }
            None => {
                let path = self.data_dir.join("classbridge.db");
                let url = format!("sqlite:{}", path.display());
                let mut connection = sqlx::SqliteConnection::connect(&url).await.unwrap();
                sqlx::query_scalar(sql)
                    .fetch_one(&mut connection)
                    .await
                    .unwrap()
            }
        }
    }

    pub async fn tenant(&self, slug: &str) -> TestTenant {
        self.tenant_with(slug, |_| {}).await
    }

    pub async fn tenant_with(
        &self,
        slug: &str,
        adjust: impl FnOnce(&mut PartnerCredentialRequest),
    ) -> TestTenant {
        if self
            .store
            .find_tenant_by_slug(slug)
            .await
            .expect("read tenants")
            .is_none()
        {
            admin::create_tenant(&self.store, slug, &format!("School {slug}"))
                .await
                .expect("create tenant");
        }
        let mut request = PartnerCredentialRequest {
            tenant_slug: slug.into(),
            name: format!("{slug} SIS"),
            referer: REFERER.into(),
            branch_id: None,
            rate_limit_per_minute: None,
        };
        adjust(&mut request);
        let (credential, token) = admin::create_partner_credential(&self.store, &request)
            .await
            .expect("create credential");
        TestTenant {
            token,
            credential_id: credential.id.0,
            base: self.address.clone(),
            client: self.client.clone(),
        }
    }

    /// Whether a tenant's person (by uuid) is active; `None` when there is no such person.
    pub async fn person_active(&self, tenant_slug: &str, uuid: &str) -> Option<bool> {
        let tenant = self.store.find_tenant_by_slug(tenant_slug).await.unwrap()?;
        classbridge_store::roster::find_person_by_uuid(
            &self.store,
            classbridge_domain::Scope::tenant_wide(tenant.id),
            uuid,
        )
        .await
        .unwrap()
        .map(|person| person.active)
    }

    /// The stored password hash of a user (never shown by the API).
    pub async fn password_hash_of(&self, user_id: i64) -> Option<String> {
        let url = self.database_url.clone().unwrap_or_else(|| {
            format!("sqlite:{}", self.data_dir.join("classbridge.db").display())
        });
        if url.starts_with("sqlite:") {
            let mut connection = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url)
                .await
                .unwrap();
            sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_one(&mut connection)
                .await
                .unwrap()
        } else {
            let mut connection = sqlx::PgConnection::connect(&url).await.unwrap();
            sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_one(&mut connection)
                .await
                .unwrap()
        }
    }

    /// Two tenants, to prove that neither sees the other's data.
    pub async fn two_tenants(&self) -> (TestTenant, TestTenant) {
        (self.tenant("alpha").await, self.tenant("beta").await)
    }
}

/// A tenant's partner credential, with request builders that carry it.
#[derive(Clone)]
pub struct TestTenant {
    pub token: String,
    pub credential_id: i64,
    base: String,
    client: reqwest::Client,
}

impl TestTenant {
    /// A request with the partner headers (`token`, `referer`, `accept`).
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.request_with(
            method,
            path,
            Some(&format!("{REFERER}/integration")),
            Some("application/json"),
        )
    }

    /// A request with the token and only the `referer` and `accept` given.
    pub fn request_with(
        &self,
        method: Method,
        path: &str,
        referer: Option<&str>,
        accept: Option<&str>,
    ) -> RequestBuilder {
        let mut request = self
            .client
            .request(method, format!("{}{}", self.base, path))
            .header("token", &self.token);
        if let Some(referer) = referer {
            request = request.header("referer", referer);
        }
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        request
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.request(Method::GET, path)
    }

    pub fn post_json(&self, path: &str, body: &serde_json::Value) -> RequestBuilder {
        self.request(Method::POST, path).json(body)
    }
}

/// Sends a request and returns the status and the JSON body (panicking with the text when it is not JSON).
pub async fn send(request: RequestBuilder) -> (u16, serde_json::Value) {
    let response = request.send().await.expect("the request is answered");
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("status {status}, body not JSON: {text}"));
    (status, body)
}
