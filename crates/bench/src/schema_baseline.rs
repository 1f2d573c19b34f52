//! A reference beside the baseline (it decides no target): the same N student rows and N student-section rows
//! loaded the same raw way, but into classbridge's own `users` and `section_students` tables, made by the server's
//! migrations, with their keys, unique indexes and foreign keys. The baseline's bare tables have none of those;
//! this shows how much of the gap between the baseline and a cold mirror is the schema's own cost.

use std::{fmt::Write as _, path::Path, time::Instant};

use anyhow::{Context, Result};
use sqlx::{postgres::PgConnection, Connection, Executor};

use crate::{
    baseline::{copy_lines, ScratchDatabase, SERVER_PRAGMAS},
    payload::Shape,
    server::run_cli,
};

/// Seconds to insert the rows into the server's SQLite schema: one prepared statement per table, one transaction.
pub async fn sqlite(binary: &Path, shape: Shape) -> Result<f64> {
    let dir = tempfile::Builder::new()
        .prefix("cbbench-schema-")
        .tempdir()?;
    run_cli(binary, dir.path(), None, &["migrate"])?;
    let file = dir.path().join("classbridge.db");
    let seconds = tokio::task::spawn_blocking(move || sqlite_rows(&file, shape)).await??;
    drop(dir);
    Ok(seconds)
}

fn sqlite_rows(file: &Path, shape: Shape) -> Result<f64> {
    let mut connection =
        rusqlite::Connection::open(file).context("cannot open the migrated SQLite file")?;
    connection.execute_batch(SERVER_PRAGMAS)?;
    connection.execute_batch(&hierarchy_sql(shape))?;
    let started = Instant::now();
    let transaction = connection.transaction()?;
    {
        let mut insert = transaction.prepare(
            "INSERT INTO users (tenant_id, uuid, name, active, created_at, updated_at) \
             VALUES (1, ?1, ?2, 1, 0, 0)",
        )?;
        let (mut uuid, mut name) = (String::new(), String::new());
        for n in 1..=shape.students {
            uuid.clear();
            name.clear();
            let _ = write!(uuid, "s{n}");
            let _ = write!(name, "Student {n}");
            insert.execute((&uuid, &name))?;
        }
        let mut insert = transaction.prepare(
            "INSERT INTO section_students (section_id, user_id, branch_id, source) \
             VALUES (?1, ?2, 1, 'mirror')",
        )?;
        for n in 1..=shape.students {
            insert.execute((Shape::section_of(n) as i64, n as i64))?;
        }
    }
    transaction.commit()?;
    Ok(started.elapsed().as_secs_f64())
}

/// One tenant, branch and class, and the sections the students are spread over (ids 1, 2, … in order).
fn hierarchy_sql(shape: Shape) -> String {
    let mut sql = String::from(
        "INSERT INTO tenants (slug, name, created_at) VALUES ('bench', 'Bench', 0);
         INSERT INTO branches (tenant_id, partner_id, name, created_at, updated_at) VALUES (1, 1, 'Branch', 0, 0);
         INSERT INTO classes (tenant_id, branch_id, partner_id, name) VALUES (1, 1, 1, 'Class');
         INSERT INTO sections (tenant_id, branch_id, class_id, name, name_key) VALUES ",
    );
    let sections = Shape::section_of(shape.students.max(1));
    for section in 1..=sections {
        let separator = if section == sections { ";" } else { "," };
        let _ = write!(sql, "(1, 1, 1, 'S{section}', 's{section}'){separator}");
    }
    sql
}

/// Seconds to COPY the rows into the server's PostgreSQL schema, on a fresh database of `admin_url`'s server.
pub async fn postgres(binary: &Path, admin_url: &str, shape: Shape) -> Result<f64> {
    let database = ScratchDatabase::create(admin_url).await?;
    let result = copy_rows(binary, &database.url, shape).await;
    database.drop_now().await?;
    result
}

async fn copy_rows(binary: &Path, url: &str, shape: Shape) -> Result<f64> {
    let dir = tempfile::Builder::new()
        .prefix("cbbench-schema-")
        .tempdir()?;
    run_cli(binary, dir.path(), Some(url), &["migrate"])?;
    let mut connection = PgConnection::connect(url).await?;
    connection.execute(hierarchy_sql(shape).as_str()).await?;
    let started = Instant::now();
    let mut transaction = connection.begin().await?;
    copy_lines(
        &mut transaction,
        "COPY users (tenant_id, uuid, name, active, created_at, updated_at) FROM STDIN",
        shape.students,
        |n, line| {
            let _ = writeln!(line, "1\ts{n}\tStudent {n}\tt\t0\t0");
        },
    )
    .await?;
    copy_lines(
        &mut transaction,
        "COPY section_students (section_id, user_id, branch_id, source) FROM STDIN",
        shape.students,
        |n, line| {
            let _ = writeln!(line, "{}\t{n}\t1\tmirror", Shape::section_of(n));
        },
    )
    .await?;
    transaction.commit().await?;
    let seconds = started.elapsed().as_secs_f64();
    connection.close().await?;
    Ok(seconds)
}
