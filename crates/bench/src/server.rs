//! The classbridge server under test, as a child process: a fresh data folder, a tenant and token made with its own
//! CLI, `serve` on a free port, readiness, memory readings from /proc, and a SIGTERM stop.

use std::{
    fs::File,
    io::{BufRead, BufReader},
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use anyhow::{anyhow, bail, Context, Result};
use tempfile::TempDir;

/// The origin the bench's credential is registered with.
pub const REFERER: &str = "http://localhost";
const TENANT: &str = "bench";
const READY_WITHIN: Duration = Duration::from_secs(120);
const STOP_WITHIN: Duration = Duration::from_secs(120);
/// Lines of the server's log shown with an error, each cut to `LOG_LINE_CHARS`.
const LOG_TAIL_LINES: usize = 12;
const LOG_LINE_CHARS: usize = 300;

/// A running server; killed on drop if it was not stopped.
pub struct Server {
    child: Child,
    pub base: String,
    pub token: String,
    /// The tenant's ClassIn credential (SID and SECRET), for the ClassIn-compatible API.
    pub classin_sid: String,
    pub classin_secret: String,
    log_path: PathBuf,
    binary: PathBuf,
    database_url: Option<String>,
    data_dir: TempDir,
}

/// The server binary beside this executable (both are built into the same target folder).
pub fn locate_binary() -> Result<PathBuf> {
    let me = std::env::current_exe().context("cannot find this executable")?;
    let binary = me
        .parent()
        .ok_or_else(|| anyhow!("{} has no folder", me.display()))?
        .join("classbridge");
    if !binary.is_file() {
        bail!(
            "no server binary at {}: build it first with \
             `cargo build --release -p classbridge -p classbridge-bench`",
            binary.display()
        );
    }
    Ok(binary)
}

fn command(binary: &Path, data_dir: &Path, database_url: Option<&str>) -> Command {
    let mut command = Command::new(binary);
    // Run in the data folder so that no classbridge.toml of the caller's folder applies.
    command
        .current_dir(data_dir)
        .env("RUST_LOG", "warn")
        .env("CLASSBRIDGE_RATE_LIMIT_PER_MINUTE", "0")
        .env_remove("DATABASE_URL")
        .arg("--data-dir")
        .arg(data_dir);
    if let Some(url) = database_url {
        command.arg("--database-url").arg(url);
    }
    command
}

pub(crate) fn run_cli(
    binary: &Path,
    data_dir: &Path,
    database_url: Option<&str>,
    args: &[&str],
) -> Result<String> {
    let output = command(binary, data_dir, database_url)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run {}", binary.display()))?;
    if !output.status.success() {
        bail!(
            "`classbridge {}` failed ({}): {}{}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("cannot find a free port")?;
    Ok(listener.local_addr()?.port())
}

impl Server {
    /// Creates the tenant and credential, starts `serve` and waits for `/readyz`.
    pub async fn start(binary: &Path, database_url: Option<&str>) -> Result<Self> {
        let data_dir = tempfile::Builder::new()
            .prefix("cbbench-data-")
            .tempdir()
            .context("cannot create a data folder")?;
        let dir = data_dir.path();
        run_cli(binary, dir, database_url, &["tenant", "create", TENANT])?;
        let created = run_cli(
            binary,
            dir,
            database_url,
            &[
                "credential",
                "create",
                "--tenant",
                TENANT,
                "--referer",
                REFERER,
                "--rate-limit",
                "0",
            ],
        )?;
        let token = created
            .lines()
            .find_map(|line| line.trim().strip_prefix("token: "))
            .map(str::to_owned)
            .ok_or_else(|| anyhow!("no `token: …` line in the output of credential create"))?;
        let classin = run_cli(
            binary,
            dir,
            database_url,
            &["classin-credential", "create", "--tenant", TENANT],
        )?;
        let field = |name: &str| {
            classin
                .lines()
                .find_map(|line| line.trim().strip_prefix(name))
                .map(|value| value.trim().to_owned())
                .ok_or_else(|| {
                    anyhow!("no `{name}` line in the output of classin-credential create")
                })
        };
        let (classin_sid, classin_secret) = (field("SID:")?, field("SECRET:")?);

        let port = free_port()?;
        let log_path = dir.join("server.log");
        let log = File::create(&log_path).context("cannot create the server log")?;
        let child = command(binary, dir, database_url)
            .args([
                "serve",
                "--bind",
                &format!("127.0.0.1:{port}"),
                "--workers",
                "1",
            ])
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let mut server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            token,
            classin_sid,
            classin_secret,
            log_path,
            binary: binary.to_path_buf(),
            database_url: database_url.map(str::to_owned),
            data_dir,
        };
        server.wait_ready().await?;
        Ok(server)
    }

    async fn wait_ready(&mut self) -> Result<()> {
        let client = reqwest::Client::new();
        let url = format!("{}/readyz", self.base);
        let started = Instant::now();
        loop {
            self.ensure_running()?;
            if let Ok(response) = client
                .get(&url)
                .timeout(Duration::from_secs(5))
                .send()
                .await
            {
                if response.status() == reqwest::StatusCode::OK {
                    return Ok(());
                }
            }
            if started.elapsed() > READY_WITHIN {
                bail!(
                    "the server did not answer 200 on /readyz within {READY_WITHIN:?}\n{}",
                    self.log_tail()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Runs a command of the server's CLI on its data folder and database; answers what it printed.
    pub fn cli(&self, args: &[&str]) -> Result<String> {
        run_cli(
            &self.binary,
            self.data_dir.path(),
            self.database_url.as_deref(),
            args,
        )
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// An error (with the end of the server's log) if the server has exited.
    pub fn ensure_running(&mut self) -> Result<()> {
        if let Some(status) = self.child.try_wait()? {
            bail!("the server exited ({status})\n{}", self.log_tail());
        }
        Ok(())
    }

    /// The last lines the server logged, for error messages.
    pub fn log_tail(&self) -> String {
        let Ok(file) = File::open(&self.log_path) else {
            return "(no server log)".into();
        };
        let lines: Vec<String> = BufReader::new(file).lines().map_while(Result::ok).collect();
        let tail: Vec<String> = lines[lines.len().saturating_sub(LOG_TAIL_LINES)..]
            .iter()
            .map(|line| shorten(line))
            .collect();
        if tail.is_empty() {
            "(the server logged nothing)".into()
        } else {
            format!("last lines of the server log:\n  {}", tail.join("\n  "))
        }
    }

    /// Lines the server logged (warnings and errors, at RUST_LOG=warn).
    pub fn log_lines(&self) -> usize {
        File::open(&self.log_path)
            .map(|file| BufReader::new(file).lines().count())
            .unwrap_or(0)
    }

    /// The high-water mark of the server's resident memory so far, in kB.
    pub fn peak_rss_kb(&self) -> Result<u64> {
        status_kb(self.pid(), "VmHWM")
            .ok_or_else(|| anyhow!("cannot read VmHWM of the server from /proc"))
    }

    /// Samples VmRSS every 200 ms until the returned sampler is stopped.
    pub fn sample_rss(&self) -> RssSampler {
        let max_kb = Arc::new(AtomicU64::new(0));
        let pid = self.pid();
        let max = max_kb.clone();
        let task = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(200));
            loop {
                tick.tick().await;
                if let Some(kb) = status_kb(pid, "VmRSS") {
                    max.fetch_max(kb, Ordering::Relaxed);
                }
            }
        });
        RssSampler { max_kb, task }
    }

    /// SIGTERM, then waits for the exit; the exit status is returned.
    pub async fn stop(mut self) -> Result<std::process::ExitStatus> {
        let pid = self.pid().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .context("cannot run kill")?;
        if !sent.success() {
            bail!("kill -TERM {pid} failed ({sent})");
        }
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status);
            }
            if started.elapsed() > STOP_WITHIN {
                bail!(
                    "the server did not stop within {STOP_WITHIN:?} of SIGTERM\n{}",
                    self.log_tail()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The running maximum of VmRSS seen by a sampling task.
pub struct RssSampler {
    max_kb: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl RssSampler {
    /// Stops sampling; the largest VmRSS seen, in kB.
    pub fn stop(self) -> u64 {
        self.task.abort();
        self.max_kb.load(Ordering::Relaxed)
    }
}

/// A log line cut to `LOG_LINE_CHARS` characters (sqlx's slow-statement warnings carry whole statements).
fn shorten(line: &str) -> String {
    match line.char_indices().nth(LOG_LINE_CHARS) {
        Some((cut, _)) => format!("{}… ({} chars)", &line[..cut], line.chars().count()),
        None => line.to_owned(),
    }
}

/// A `Key:   123 kB` line of /proc/{pid}/status, in kB.
fn status_kb(pid: u32, key: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(key)?.strip_prefix(':')?;
        rest.trim().trim_end_matches("kB").trim().parse().ok()
    })
}
