//! `classbridge-bench`: measures the classbridge server against the performance targets of platform.md.
//!
//! # Usage
//!
//! ```sh
//! cargo build --release -p classbridge -p classbridge-bench   # the bench runs target/release/classbridge
//! cargo run --release -p classbridge-bench -- mirror [--students 1000000] [--database sqlite|postgres|both] \
//!     [--postgres-url postgres://postgres@127.0.0.1:5432/postgres]
//! ```
//!
//! `labs` prints lab submissions graded per second through the server (`cargo run --release -p classbridge-bench --
//! labs`). `soak [--seconds 60]` runs mixed traffic (re-mirrors, reads, sign-in links, bookings) and prints requests
//! per second, p50 and p99 by kind and the 5xx answers, which must be none (exit code 1 otherwise).
//!
//! `mirror` runs, per database (SQLite; PostgreSQL too when a URL is given by `--postgres-url` or
//! `CLASSBRIDGE_BENCH_POSTGRES_URL`, whose user may create databases):
//!
//! 1. the raw-load baseline on a fresh file/database: N student rows and N student-section rows inserted with one
//!    prepared statement per table in one transaction (SQLite, the server's pragmas, stepped on SQLite's own API),
//!    or with COPY (PostgreSQL); and, as a reference that decides no target, the same load into classbridge's own
//!    `users` and `section_students` tables with their keys and indexes (`schema_baseline.rs`);
//! 2. the server binary beside this one (`serve --workers 1` on a free port, a fresh data folder and, on
//!    PostgreSQL, a fresh `cbbench_<ulid>` database dropped afterwards), with a tenant and token made by its CLI;
//! 3. a cold mirror of N students (N/5,000 branches × 10 classes × 5 sections of 100 students, 5 subjects with one
//!    teacher each) through `POST /api/v2/mirror-data/branches`, the body generated lazily and sent chunked, timed
//!    until the job has succeeded; then the same payload again (warm, unchanged) and with every 100th student
//!    renamed (warm, 1 % changed);
//! 4. the server's peak RSS (VmHWM, and VmRSS sampled every 200 ms during the cold mirror), then SIGTERM.
//!
//! It prints a table per database: rows/s = (students + student-section rows) / seconds = 2N / seconds, for the
//! baseline and the cold mirror alike; the cold/baseline ratio (target ≥ 0.50), warm/cold ratios (≤ 0.40 unchanged,
//! ≤ 0.50 with 1 % changed) and peak RSS (< 300 MiB), each PASS or MISS. Ratios within one run are what count: the
//! machines are shared and absolute timings are noisy. The exit code is 0 even when a target is missed (it is a
//! measurement) and 1 when something failed (the server, a request, a job, a count check). `--students 20000`
//! takes about a minute.

mod baseline;
mod classin;
mod client;
mod labs;
mod mirror;
mod payload;
mod pushes;
mod reads;
mod report;
mod schema_baseline;
mod server;
mod soak;
mod sso;
mod wrk;

use crate::baseline::ScratchDatabase;

use std::{path::Path, process::ExitCode};

use anyhow::{bail, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::payload::Shape;

#[derive(Debug, Parser)]
#[command(
    name = "classbridge-bench",
    about = "Benchmarks of the classbridge server (built beside this binary) against raw-load baselines."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Cold and warm mirrors through the HTTP API against a raw insert baseline, and the server's peak memory.
    Mirror(MirrorArgs),
    /// `GET /users/{id}`, `GET /users?page=N` and job status under `wrk -c64` with N students mirrored in, against
    /// the hello-world route of the same build (needs Debian's wrk).
    Reads(ReadsArgs),
    /// Sign-in link issues and consumptions per second under `wrk -c64`, against the hello-world route.
    Sso(SsoArgs),
    /// Lab submissions graded per second through the server (Ohm's law, 32 in flight).
    Labs(DatabasesOnlyArgs),
    /// 60 s of mixed traffic (re-mirrors, reads, sign-in links, bookings): requests per second, p50 and p99 by kind,
    /// and the 5xx answers (there must be none).
    Soak(SoakArgs),
    /// ClassIn pushes delivered per second from the outbox to a receiver on 127.0.0.1 (one school, in order).
    Pushes(DatabasesOnlyArgs),
}

#[derive(Debug, Args)]
struct SoakArgs {
    /// Seconds of mixed traffic per database.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    seconds: u64,
    #[command(flatten)]
    databases: DatabaseArgs,
}

#[derive(Debug, Args)]
struct DatabasesOnlyArgs {
    #[command(flatten)]
    databases: DatabaseArgs,
}

#[derive(Debug, Args)]
struct ReadsArgs {
    /// Students mirrored in before the reads.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..))]
    students: u64,
    /// Seconds of load per route.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Users per page of the `GET /users?page=N` route (the API's default is 100).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=1000))]
    per_page: u64,
    #[command(flatten)]
    databases: DatabaseArgs,
}

#[derive(Debug, Args)]
struct SsoArgs {
    /// Seconds of load per measurement.
    #[arg(long, default_value_t = 8)]
    seconds: u64,
    #[command(flatten)]
    databases: DatabaseArgs,
}

#[derive(Debug, Args)]
struct DatabaseArgs {
    /// Databases to run on [default: both with a PostgreSQL URL, else sqlite].
    #[arg(long, value_enum)]
    database: Option<DatabaseChoice>,
    /// A PostgreSQL server whose user may create databases.
    #[arg(
        long,
        env = "CLASSBRIDGE_BENCH_POSTGRES_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    postgres_url: Option<String>,
}

#[derive(Debug, Args)]
struct MirrorArgs {
    /// Students in the payload (5,000 per branch; 50 teachers per 1,000 students).
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..))]
    students: u64,
    /// Databases to run on [default: both with a PostgreSQL URL, else sqlite].
    #[arg(long, value_enum)]
    database: Option<DatabaseChoice>,
    /// A PostgreSQL server whose user may create databases.
    #[arg(
        long,
        env = "CLASSBRIDGE_BENCH_POSTGRES_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    postgres_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DatabaseChoice {
    Sqlite,
    Postgres,
    Both,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let run = async move {
        match cli.command {
            Command::Mirror(args) => run_mirror(args).await,
            Command::Reads(args) => {
                run_loads(
                    args.databases,
                    Load::Reads {
                        students: args.students,
                        seconds: args.seconds,
                        per_page: args.per_page,
                    },
                )
                .await
            }
            Command::Sso(args) => {
                run_loads(
                    args.databases,
                    Load::Sso {
                        seconds: args.seconds,
                    },
                )
                .await
            }
            Command::Labs(args) => run_loads(args.databases, Load::Labs).await,
            Command::Pushes(args) => run_loads(args.databases, Load::Pushes).await,
            Command::Soak(args) => {
                run_loads(
                    args.databases,
                    Load::Soak {
                        seconds: args.seconds,
                    },
                )
                .await
            }
        }
    };
    // On Ctrl-C the run is dropped (which kills the server) and the scratch databases are dropped too.
    let outcome = tokio::select! {
        outcome = run => outcome,
        _ = tokio::signal::ctrl_c() => {
            eprintln!("interrupted: stopping the server and dropping the bench's databases");
            baseline::drop_leftover_databases().await;
            return ExitCode::from(130);
        }
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Resolves the databases and the server binary, prints what is run, and runs the mirror benchmark.
async fn run_mirror(args: MirrorArgs) -> Result<bool> {
    let postgres_url = args.postgres_url.filter(|url| !url.is_empty());
    let choice = args.database.unwrap_or(if postgres_url.is_some() {
        DatabaseChoice::Both
    } else {
        DatabaseChoice::Sqlite
    });
    let mut databases: Vec<Option<String>> = Vec::new();
    if choice != DatabaseChoice::Postgres {
        databases.push(None);
    }
    if choice != DatabaseChoice::Sqlite {
        match &postgres_url {
            Some(url) => databases.push(Some(url.clone())),
            None => bail!(
                "--database {choice:?} needs --postgres-url or CLASSBRIDGE_BENCH_POSTGRES_URL"
            ),
        }
    }
    let binary = server::locate_binary()?;
    let shape = Shape::new(args.students);

    println!("command: {}", command_line());
    println!(
        "server:  {}{}",
        binary.display(),
        built_ago(&binary).map_or(String::new(), |ago| format!(" (built {ago} ago)"))
    );
    mirror::run(&binary, shape, &databases).await
}

enum Load {
    Reads {
        students: u64,
        seconds: u64,
        per_page: u64,
    },
    Sso {
        seconds: u64,
    },
    Labs,
    Soak {
        seconds: u64,
    },
    Pushes,
}

fn resolve_databases(
    database: Option<DatabaseChoice>,
    postgres_url: Option<String>,
) -> Result<Vec<Option<String>>> {
    let postgres_url = postgres_url.filter(|url| !url.is_empty());
    let choice = database.unwrap_or(if postgres_url.is_some() {
        DatabaseChoice::Both
    } else {
        DatabaseChoice::Sqlite
    });
    let mut databases: Vec<Option<String>> = Vec::new();
    if choice != DatabaseChoice::Postgres {
        databases.push(None);
    }
    if choice != DatabaseChoice::Sqlite {
        match &postgres_url {
            Some(url) => databases.push(Some(url.clone())),
            None => bail!(
                "--database {choice:?} needs --postgres-url or CLASSBRIDGE_BENCH_POSTGRES_URL"
            ),
        }
    }
    Ok(databases)
}

/// The reads and sign-on benchmarks: per database, a fresh server (and database), the loads, the table.
async fn run_loads(args: DatabaseArgs, load: Load) -> Result<bool> {
    let databases = resolve_databases(args.database, args.postgres_url)?;
    let binary = server::locate_binary()?;
    println!("command: {}", command_line());
    println!(
        "server:  {}{}",
        binary.display(),
        built_ago(&binary).map_or(String::new(), |ago| format!(" (built {ago} ago)"))
    );
    println!("load average at start: {}", load_average());
    let mut all_ok = true;
    for database in &databases {
        let name = if database.is_some() {
            "postgres"
        } else {
            "sqlite"
        };
        let scratch = match database {
            Some(url) => Some(ScratchDatabase::create(url).await?),
            None => None,
        };
        let mut server =
            server::Server::start(&binary, scratch.as_ref().map(|db| db.url.as_str())).await?;
        let outcome = match load {
            Load::Reads {
                students,
                seconds,
                per_page,
            } => reads::run(&mut server, students, seconds, per_page)
                .await
                .map(|rows| reads::print(name, students, per_page, &rows)),
            Load::Sso { seconds } => sso::run(&mut server, seconds)
                .await
                .map(|result| sso::print(name, &result)),
            Load::Labs => labs::run(&mut server)
                .await
                .map(|result| labs::print(name, &result)),
            Load::Pushes => pushes::run(&mut server)
                .await
                .map(|result| pushes::print(name, &result)),
            Load::Soak { seconds } => soak::run(&mut server, seconds).await.and_then(|result| {
                soak::print(name, &result);
                if result.clean() {
                    Ok(())
                } else {
                    Err(anyhow::anyhow!(
                        "the soak saw 5xx answers or failed requests"
                    ))
                }
            }),
        };
        let _ = server.stop().await;
        if let Some(scratch) = scratch {
            let _ = scratch.drop_now().await;
        }
        if let Err(error) = outcome {
            all_ok = false;
            println!(
                "
== benchmark on {name} FAILED ==
{error:#}"
            );
        }
    }
    println!("load average at end: {}", load_average());
    Ok(all_ok)
}

/// A URL with its password hidden.
pub(crate) fn redacted(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// This process's command line, shell-quoted where needed, with URL passwords hidden.
fn command_line() -> String {
    std::env::args()
        .map(|arg| {
            let arg = redacted(&arg);
            if !arg.is_empty()
                && arg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c))
            {
                arg
            } else {
                format!("'{}'", arg.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The 1, 5 and 15 minute load averages (other work on this machine skews timings).
pub(crate) fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".into())
}

/// How long ago a file was last written, e.g. "3 min".
fn built_ago(path: &Path) -> Option<String> {
    let age = std::fs::metadata(path)
        .ok()?
        .modified()
        .ok()?
        .elapsed()
        .ok()?;
    let minutes = age.as_secs() / 60;
    Some(if minutes < 120 {
        format!("{minutes} min")
    } else {
        format!("{} h", minutes / 60)
    })
}
