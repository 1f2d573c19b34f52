//! Opening the database named by the configuration, and applying the migrations of this build.

use std::{path::PathBuf, str::FromStr, sync::Arc, time::Duration};

use sqlx::{
    migrate::Migrator,
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use crate::{Backend, PointReads, Store, StoreError, StoreResult};

pub(crate) static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");
pub(crate) static POSTGRES_MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// Where the data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseLocation {
    /// An embedded SQLite file.
    SqliteFile(PathBuf),
    /// A PostgreSQL server, by URL.
    Postgres(String),
}

impl DatabaseLocation {
    /// `postgres://…` / `postgresql://…`, or `sqlite://path` / `sqlite:path`.
    pub fn from_url(url: &str) -> StoreResult<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres(url.to_owned()))
        } else if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let path = path.split('?').next().unwrap_or(path);
            Ok(Self::SqliteFile(PathBuf::from(path)))
        } else {
            Err(StoreError::Open(
                "the database URL must start with postgres://, postgresql:// or sqlite:".into(),
            ))
        }
    }

    /// Describes the location without a password, for logs and messages.
    pub fn redacted(&self) -> String {
        match self {
            Self::SqliteFile(path) => format!("sqlite:{}", path.display()),
            Self::Postgres(url) => match url::Url::parse(url) {
                Ok(mut parsed) => {
                    if parsed.password().is_some() {
                        let _ = parsed.set_password(Some("***"));
                    }
                    parsed.to_string()
                }
                Err(_) => "postgres://(unparsable URL)".into(),
            },
        }
    }
}

/// How to open the store.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    pub location: DatabaseLocation,
    /// Connections to PostgreSQL, or SQLite readers.
    pub max_connections: u32,
    /// How long a request waits for a pool connection before it is answered 503 with `Retry-After`.
    pub acquire_timeout: Duration,
}

impl Store {
    /// Opens the database (creating the SQLite file and its folder if missing) and applies pending migrations.
    pub async fn open(options: &StoreOptions) -> StoreResult<Self> {
        let store = Self::connect(options).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Opens the database without migrating.
    pub async fn connect(options: &StoreOptions) -> StoreResult<Self> {
        let (backend, point_reads) = match &options.location {
            DatabaseLocation::SqliteFile(path) => {
                if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    create_private_dir(folder).map_err(|error| {
                        StoreError::Open(format!("cannot create {}: {error}", folder.display()))
                    })?;
                }
                create_private_file(path).map_err(|error| {
                    StoreError::Open(format!("cannot create {}: {error}", path.display()))
                })?;
                let connect_options = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    .pragma("cache_size", "-32768")
                    .pragma("temp_store", "memory")
                    // Rows stream from SQLite's worker thread without a task switch every 50 of them.
                    .row_buffer_size(1024);
                let writer = SqlitePoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(options.acquire_timeout)
                    .after_release(|connection, _| Box::pin(writer_is_clean(connection)))
                    .connect_with(connect_options.clone())
                    .await
                    .map_err(|error| StoreError::Open(format!("{}: {error}", path.display())))?;
                let reader = SqlitePoolOptions::new()
                    .max_connections(options.max_connections.max(1))
                    .acquire_timeout(options.acquire_timeout)
                    .connect_with(connect_options)
                    .await
                    .map_err(|error| StoreError::Open(format!("{}: {error}", path.display())))?;
                let points = crate::point_reads::PointReader::new(path.to_path_buf());
                (
                    Backend::Sqlite { reader, writer },
                    PointReads::Sqlite(Arc::new(points)),
                )
            }
            DatabaseLocation::Postgres(url) => {
                let connect_options = PgConnectOptions::from_str(url)
                    .map_err(|error| StoreError::Open(format!("bad PostgreSQL URL: {error}")))?;
                let pool = PgPoolOptions::new()
                    .max_connections(options.max_connections.max(2))
                    .acquire_timeout(options.acquire_timeout)
                    .connect_with(connect_options)
                    .await
                    .map_err(|error| {
                        StoreError::Open(format!("{}: {error}", options.location.redacted()))
                    })?;
                let batches = crate::point_batches::PointBatches::start(&pool);
                (
                    Backend::Postgres(pool),
                    PointReads::Postgres(Arc::new(batches)),
                )
            }
        };
        let backend = Arc::new(backend);
        Ok(Self {
            point_reads,
            links: crate::batch::start_link_writer(backend.clone()),
            backend,
            checkpoints: Arc::default(),
        })
    }

    /// Applies the migrations this build carries that the database lacks.
    pub async fn migrate(&self) -> StoreResult<()> {
        match self.backend() {
            Backend::Sqlite { writer, .. } => SQLITE_MIGRATOR.run(writer).await?,
            Backend::Postgres(pool) => POSTGRES_MIGRATOR.run(pool).await?,
        }
        Ok(())
    }
}

/// Creates a folder (and its missing parents) readable only by the server's user (0700 on Unix); an existing one is
/// left as it is.
pub fn create_private_dir(path: &std::path::Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

/// Creates an empty file readable only by the server's user (0600 on Unix) unless it exists. SQLite gives its WAL
/// and shared-memory files the database file's mode, so they are private too.
fn create_private_file(path: &std::path::Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(error) => Err(error),
    }
}

/// Whether the SQLite writer may go back to the pool: a connection still inside a transaction is closed instead
/// (the pool opens a fresh one). This happens when SQLite itself rolled a transaction back (a full disk, an I/O
/// error, `RAISE(ROLLBACK)`): the driver's own `ROLLBACK` then fails, its transaction depth stays at one, and every
/// later `BEGIN` on that connection would fail until a restart.
async fn writer_is_clean(connection: &mut sqlx::SqliteConnection) -> Result<bool, sqlx::Error> {
    use sqlx::{Connection, TransactionManager};
    // A round trip through the connection's worker, so that the rollback its dropped transaction queued is done.
    connection.ping().await?;
    let depth =
        <sqlx::Sqlite as sqlx::Database>::TransactionManager::get_transaction_depth(connection);
    if depth != 0 {
        tracing::warn!(
            depth,
            "the SQLite writer was left inside a transaction; replacing it"
        );
    }
    Ok(depth == 0)
}
