//! The raw-load baselines: the same N student rows and N student-section rows the mirror writes, inserted the
//! fastest plain way on a fresh database: one prepared statement per table in one transaction (SQLite), COPY
//! (PostgreSQL). Also the throwaway PostgreSQL databases the bench makes.

use std::{fmt::Write as _, str::FromStr, sync::Mutex, time::Instant};

use anyhow::{Context, Result};
use sqlx::{postgres::PgConnection, Connection, Executor};

use crate::payload::Shape;

const TENANT_ID: i64 = 1;
/// COPY data is sent in chunks of about this size.
const COPY_CHUNK_BYTES: usize = 1 << 20;

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The pragmas the server's store opens its SQLite connections with.
pub(crate) const SERVER_PRAGMAS: &str =
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
     PRAGMA busy_timeout = 10000; PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY;";

/// Seconds to insert the rows into a fresh SQLite file, with the server's pragmas: one prepared statement per table
/// stepped in a tight loop on SQLite's own API (rusqlite), in one transaction, with nothing between the rows.
pub async fn sqlite(shape: Shape) -> Result<f64> {
    tokio::task::spawn_blocking(move || sqlite_rows(shape)).await?
}

fn sqlite_rows(shape: Shape) -> Result<f64> {
    let dir = tempfile::Builder::new()
        .prefix("cbbench-baseline-")
        .tempdir()?;
    let mut connection = rusqlite::Connection::open(dir.path().join("baseline.db"))
        .context("cannot open the SQLite baseline file")?;
    connection.execute_batch(SERVER_PRAGMAS)?;
    connection.execute_batch(
        "CREATE TABLE students (id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL, uuid TEXT, \
         name TEXT NOT NULL, active BOOLEAN NOT NULL, created_at INTEGER NOT NULL, \
         updated_at INTEGER NOT NULL);
         CREATE TABLE student_sections (section_id BIGINT NOT NULL, user_id BIGINT NOT NULL, \
         PRIMARY KEY (section_id, user_id));",
    )?;

    let started = Instant::now();
    let now = now_ms();
    let transaction = connection.transaction()?;
    {
        let mut insert = transaction.prepare(
            "INSERT INTO students (id, tenant_id, uuid, name, active, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        let (mut uuid, mut name) = (String::new(), String::new());
        for n in 1..=shape.students {
            uuid.clear();
            name.clear();
            let _ = write!(uuid, "s{n}");
            let _ = write!(name, "Student {n}");
            insert.execute(rusqlite::params![
                n as i64, TENANT_ID, uuid, name, true, now, now
            ])?;
        }
        let mut insert = transaction
            .prepare("INSERT INTO student_sections (section_id, user_id) VALUES (?1, ?2)")?;
        for n in 1..=shape.students {
            insert.execute(rusqlite::params![Shape::section_of(n) as i64, n as i64])?;
        }
    }
    transaction.commit()?;
    Ok(started.elapsed().as_secs_f64())
}

/// Seconds to COPY the rows into a fresh PostgreSQL database made on the server of `admin_url`.
pub async fn postgres(admin_url: &str, shape: Shape) -> Result<f64> {
    let database = ScratchDatabase::create(admin_url).await?;
    let result = copy_rows(&database.url, shape).await;
    database.drop_now().await?;
    result
}

async fn copy_rows(url: &str, shape: Shape) -> Result<f64> {
    let mut connection = PgConnection::connect(url).await?;
    connection
        .execute(
            "CREATE TABLE students (id BIGINT PRIMARY KEY, tenant_id BIGINT NOT NULL, uuid TEXT, \
             name TEXT NOT NULL, active BOOLEAN NOT NULL, created_at BIGINT NOT NULL, \
             updated_at BIGINT NOT NULL);
             CREATE TABLE student_sections (section_id BIGINT NOT NULL, user_id BIGINT NOT NULL, \
             PRIMARY KEY (section_id, user_id));",
        )
        .await?;

    let started = Instant::now();
    let now = now_ms();
    copy_lines(
        &mut connection,
        "COPY students (id, tenant_id, uuid, name, active, created_at, updated_at) FROM STDIN",
        shape.students,
        |n, line| {
            let _ = writeln!(line, "{n}\t{TENANT_ID}\ts{n}\tStudent {n}\tt\t{now}\t{now}");
        },
    )
    .await?;
    copy_lines(
        &mut connection,
        "COPY student_sections (section_id, user_id) FROM STDIN",
        shape.students,
        |n, line| {
            let _ = writeln!(line, "{}\t{n}", Shape::section_of(n));
        },
    )
    .await?;
    let seconds = started.elapsed().as_secs_f64();
    connection.close().await?;
    Ok(seconds)
}

/// Sends the lines `line` writes for rows 1..=`rows` to `statement` (a `COPY … FROM STDIN`), about
/// [`COPY_CHUNK_BYTES`] at a time.
pub(crate) async fn copy_lines(
    connection: &mut PgConnection,
    statement: &str,
    rows: u64,
    line: impl Fn(u64, &mut String),
) -> Result<()> {
    let mut copy = connection.copy_in_raw(statement).await?;
    let mut chunk = String::with_capacity(COPY_CHUNK_BYTES + 256);
    for n in 1..=rows {
        line(n, &mut chunk);
        if chunk.len() >= COPY_CHUNK_BYTES {
            copy.send(std::mem::take(&mut chunk).into_bytes()).await?;
        }
    }
    if !chunk.is_empty() {
        copy.send(chunk.into_bytes()).await?;
    }
    copy.finish().await?;
    Ok(())
}

/// The scratch databases not dropped yet, as (admin URL, name), for [`drop_leftover_databases`].
static LIVE: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// Drops the scratch databases still there (after an interrupt), saying which it could not drop.
pub async fn drop_leftover_databases() {
    let leftovers = std::mem::take(&mut *LIVE.lock().unwrap_or_else(|e| e.into_inner()));
    for (admin_url, name) in leftovers {
        if let Err(error) = drop_database(&admin_url, &name).await {
            eprintln!("could not drop database {name}: {error:#}");
        }
    }
}

async fn drop_database(admin_url: &str, name: &str) -> Result<()> {
    let mut admin = PgConnection::connect(admin_url).await?;
    admin
        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
        .await
        .with_context(|| format!("cannot drop database {name}"))?;
    admin.close().await?;
    Ok(())
}

/// A fresh PostgreSQL database `cbbench_<ulid>`, dropped by [`ScratchDatabase::drop_now`].
pub struct ScratchDatabase {
    admin_url: String,
    name: String,
    /// The URL of the new database.
    pub url: String,
}

impl ScratchDatabase {
    pub async fn create(admin_url: &str) -> Result<Self> {
        let name = format!("cbbench_{}", ulid::Ulid::new().to_string().to_lowercase());
        let mut url = reqwest::Url::from_str(admin_url).context("bad PostgreSQL URL")?;
        url.set_path(&format!("/{name}"));
        let mut admin = PgConnection::connect(admin_url)
            .await
            .context("cannot connect to PostgreSQL")?;
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .with_context(|| format!("cannot create database {name}"))?;
        admin.close().await?;
        LIVE.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((admin_url.to_owned(), name.clone()));
        Ok(Self {
            admin_url: admin_url.to_owned(),
            name,
            url: url.to_string(),
        })
    }

    pub async fn drop_now(self) -> Result<()> {
        drop_database(&self.admin_url, &self.name).await?;
        LIVE.lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|(_, name)| *name != self.name);
        Ok(())
    }
}
