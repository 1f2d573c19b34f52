//! The `mirror` command: per database, the raw-load baseline, then the server's cold, warm and 1 %-changed mirrors
//! of the same students, its peak memory, and the table of ratios against the targets.

use std::{path::Path, time::Instant};

use anyhow::Result;

use crate::{
    baseline::{self, ScratchDatabase},
    client::mirror,
    payload::{Shape, Variant},
    report::{thousands, Report},
    server::Server,
};

/// Runs the mirror benchmark on each database (`None`: SQLite, `Some(url)`: PostgreSQL there); `Ok(false)` when
/// one of them failed.
pub async fn run(binary: &Path, shape: Shape, databases: &[Option<String>]) -> Result<bool> {
    println!(
        "payload: {} students, {} branches, {} sections, {} teachers; databases: {}",
        thousands(shape.students),
        thousands(shape.branches),
        thousands(shape.sections),
        thousands(shape.teachers),
        databases
            .iter()
            .map(|db| match db {
                Some(url) => format!("postgres ({})", crate::redacted(url)),
                None => "sqlite".into(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    );

    println!("load average at start: {}", crate::load_average());
    let started = Instant::now();
    let mut all_ok = true;
    let mut summary = Vec::new();
    for database in databases {
        let name = database_name(database.as_deref());
        let began = Instant::now();
        match run_on(binary, database.as_deref(), shape).await {
            Ok(report) => {
                report.print();
                let misses = report.misses();
                all_ok &= report.failures.is_empty();
                summary.push(format!(
                    "{name}: {} in {:.0} s{}",
                    if misses.is_empty() {
                        "all targets PASS".to_owned()
                    } else {
                        format!("MISS {}", misses.join(", "))
                    },
                    began.elapsed().as_secs_f64(),
                    if report.failures.is_empty() {
                        ""
                    } else {
                        "; checks FAILED"
                    }
                ));
            }
            Err(error) => {
                all_ok = false;
                println!("\n== mirror benchmark on {name} FAILED ==\n{error:#}");
                summary.push(format!("{name}: FAILED"));
            }
        }
    }
    println!();
    for line in summary {
        println!("summary: {line}");
    }
    println!("total wall-clock: {:.0} s", started.elapsed().as_secs_f64());
    Ok(all_ok)
}

fn database_name(database: Option<&str>) -> String {
    match database {
        None => "sqlite".into(),
        Some(_) => "postgres".into(),
    }
}

/// The baseline, then the server's three mirrors, on one database.
async fn run_on(binary: &Path, postgres: Option<&str>, shape: Shape) -> Result<Report> {
    let name = database_name(postgres);
    eprintln!(
        "[{name}] baseline: inserting {} rows…",
        thousands(2 * shape.students)
    );
    let (baseline_seconds, baseline_method) = match postgres {
        None => (
            baseline::sqlite(shape).await?,
            "1 prepared stmt/table, 1 tx",
        ),
        Some(url) => (baseline::postgres(url, shape).await?, "COPY … FROM STDIN"),
    };
    eprintln!("[{name}] baseline: {baseline_seconds:.2} s");
    eprintln!("[{name}] reference: the same rows into classbridge's own tables…");
    let schema_seconds = match postgres {
        None => crate::schema_baseline::sqlite(binary, shape).await?,
        Some(url) => crate::schema_baseline::postgres(binary, url, shape).await?,
    };
    eprintln!("[{name}] reference: {schema_seconds:.2} s");
    let scratch = match postgres {
        Some(url) => Some(ScratchDatabase::create(url).await?),
        None => None,
    };
    let measured = measure(
        binary,
        scratch.as_ref().map(|db| db.url.as_str()),
        shape,
        &name,
    )
    .await;
    if let Some(scratch) = scratch {
        if let Err(error) = scratch.drop_now().await {
            if measured.is_ok() {
                return Err(error);
            }
            eprintln!("[{name}] also: {error:#}");
        }
    }
    let mut report = measured?;
    report.database = name;
    report.baseline_method = baseline_method;
    report.baseline_seconds = baseline_seconds;
    report.schema_baseline_seconds = schema_seconds;
    Ok(report)
}

/// Starts the server and times the cold, warm and 1 %-changed mirrors.
async fn measure(binary: &Path, url: Option<&str>, shape: Shape, name: &str) -> Result<Report> {
    let mut server = Server::start(binary, url).await?;
    let mut notes = Vec::new();
    let mut failures = Vec::new();

    eprintln!("[{name}] cold mirror…");
    let sampler = server.sample_rss();
    let cold = mirror(&mut server, shape, Variant::Original).await;
    let sampled_rss_kb = sampler.stop();
    let cold = cold?;
    eprintln!("[{name}] cold mirror: {:.2} s", cold.seconds);
    let people = shape.students + shape.teachers;
    if cold.count("users", "created") != Some(people) {
        failures.push(format!(
            "cold: counts.users.created is {:?}, expected {} (students + teachers); counts: {}",
            cold.count("users", "created"),
            people,
            cold.job["counts"]
        ));
    }
    let memberships = shape.students + shape.teaching_assignments();
    if cold.count("memberships", "added") != Some(memberships) {
        notes.push(format!(
            "cold: counts.memberships.added is {:?}, expected {} (student memberships + teaching assignments)",
            cold.count("memberships", "added"),
            memberships
        ));
    }

    eprintln!("[{name}] warm mirror, unchanged…");
    let warm = mirror(&mut server, shape, Variant::Original).await?;
    eprintln!("[{name}] warm mirror, unchanged: {:.2} s", warm.seconds);
    let (added, removed) = (
        warm.count("memberships", "added"),
        warm.count("memberships", "removed"),
    );
    if (added, removed) != (Some(0), Some(0)) {
        failures.push(format!(
            "warm unchanged: memberships added {added:?} and removed {removed:?}, expected 0 and 0; counts: {}",
            warm.job["counts"]
        ));
    }

    eprintln!("[{name}] warm mirror, 1 % changed…");
    let warm_changed = mirror(&mut server, shape, Variant::Renamed).await?;
    eprintln!(
        "[{name}] warm mirror, 1 % changed: {:.2} s",
        warm_changed.seconds
    );
    let updated = warm_changed.count("users", "updated");
    if updated != Some(shape.renamed_students()) {
        failures.push(format!(
            "warm 1 % changed: counts.users.updated is {updated:?}, expected {}; counts: {}",
            shape.renamed_students(),
            warm_changed.job["counts"]
        ));
    }

    let peak_rss_kb = server.peak_rss_kb()?;
    let logged = server.log_lines();
    if logged > 0 {
        notes.push(format!(
            "the server logged {logged} line(s) at RUST_LOG=warn; {}",
            server.log_tail()
        ));
    }
    let status = server.stop().await?;
    if !status.success() {
        notes.push(format!("the server exited with {status} after SIGTERM"));
    }
    Ok(Report {
        database: String::new(),
        baseline_method: "",
        shape,
        baseline_seconds: f64::NAN,
        schema_baseline_seconds: f64::NAN,
        cold,
        warm,
        warm_changed,
        peak_rss_kb,
        sampled_rss_kb,
        notes,
        failures,
    })
}
