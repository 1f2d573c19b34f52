//! Reads at scale: with N students mirrored in, `GET /users/{id}`, `GET /users?page=N` and the job status endpoint
//! under `wrk -c64`, against the hello-world route of the same build (`GET /healthz`), in one run. A constant large
//! body of the same build (`GET /openapi.json`) is measured too, as a reference for how many bytes per second the
//! machine serves at all: a page of 100 users is about 20 KB, where hello world is a few bytes.

use std::time::Duration;

use anyhow::{bail, Result};
use serde_json::Value;

use crate::{
    client::mirror,
    payload::{Shape, Variant},
    server::{Server, REFERER},
    wrk::{self, Load},
};

/// One row of the reads table.
pub struct ReadRow {
    pub name: &'static str,
    pub load: Load,
}

/// Loads N students through a mirror, then measures each route for `seconds`.
pub async fn run(
    server: &mut Server,
    students: u64,
    seconds: u64,
    per_page: u64,
) -> Result<Vec<ReadRow>> {
    wrk::locate()?;
    let loaded = mirror(server, Shape::new(students), Variant::Original).await?;
    let job_id = loaded.job["id"].as_str().unwrap_or_default().to_owned();
    let users = total_users(server).await?;
    if users < students {
        bail!("only {users} users after mirroring {students} students");
    }
    let pages = users.div_ceil(per_page);
    let pages_path = format!("\"/users?per_page={per_page}&page=\" .. math.random(1, {pages})");
    let duration = Duration::from_secs(seconds);
    let token = server.token.clone();
    let routes: [(&'static str, String); 5] = [
        (
            "hello world: GET /healthz",
            wrk::get_script(&token, REFERER, "\"/healthz\""),
        ),
        (
            "GET /users/{id} (random)",
            wrk::get_script(
                &token,
                REFERER,
                &format!("\"/users/\" .. math.random(1, {users})"),
            ),
        ),
        (
            "GET /users?page=N (random)",
            wrk::get_script(&token, REFERER, &pages_path),
        ),
        (
            "reference: GET /openapi.json (constant)",
            wrk::get_script(&token, REFERER, "\"/openapi.json\""),
        ),
        (
            "GET /api/v2/mirror-data/jobs/{id}",
            wrk::get_script(
                &token,
                REFERER,
                &format!("\"/api/v2/mirror-data/jobs/{job_id}\""),
            ),
        ),
    ];
    let mut rows = Vec::new();
    for (name, script) in routes {
        // A short warm-up, then the measured run.
        wrk::run(&server.base, &script, 64, Duration::from_secs(2))?;
        let load = wrk::run(&server.base, &script, 64, duration)?;
        rows.push(ReadRow { name, load });
    }
    Ok(rows)
}

async fn total_users(server: &Server) -> Result<u64> {
    let answer: Value = reqwest::Client::new()
        .get(format!("{}/users?per_page=1", server.base))
        .header("token", &server.token)
        .header("referer", REFERER)
        .send()
        .await?
        .json()
        .await?;
    Ok(answer["meta"]["total"].as_u64().unwrap_or(0))
}

/// Prints the table: req/s, ratio to hello world (target ≥ 0.40), p50 and p99 (target < 10 ms).
pub fn print(database: &str, students: u64, per_page: u64, rows: &[ReadRow]) {
    let hello = rows.first().map_or(1.0, |row| row.load.requests_per_second);
    println!("\nreads on {database}, {students} students mirrored, pages of {per_page} users, wrk -t2 -c64");
    println!(
        "{:<40} {:>9} {:>7} {:>8} {:>8} {:>8} {:>6}  targets",
        "route", "req/s", "ratio", "MB/s", "p50 ms", "p99 ms", "errors"
    );
    for (index, row) in rows.iter().enumerate() {
        let ratio = row.load.requests_per_second / hello;
        let verdict = if index == 0 {
            String::from("(baseline)")
        } else if row.name.starts_with("reference") {
            String::from("(a large constant body: what this machine serves of bytes)")
        } else {
            format!(
                "ratio ≥ 0.40 {}, p99 < 10 ms {}",
                if ratio >= 0.40 { "PASS" } else { "MISS" },
                if row.load.p99_ms < 10.0 {
                    "PASS"
                } else {
                    "MISS"
                }
            )
        };
        println!(
            "{:<40} {:>9.0} {:>7.2} {:>8.1} {:>8.2} {:>8.2} {:>6}  {verdict}",
            row.name,
            row.load.requests_per_second,
            ratio,
            row.load.bytes_per_second / (1024.0 * 1024.0),
            row.load.p50_ms,
            row.load.p99_ms,
            row.load.errors
        );
    }
}
