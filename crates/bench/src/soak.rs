//! The soak: a fixed time (60 s by default) of mixed traffic against one server, as a school's day brings it: a
//! partner re-mirroring its school again and again through the job queue (alternating plain and renamed payloads,
//! each waited for), while clients read users, pages of users, the branch tree and job status, issue and open
//! sign-in links, and book and cancel seats of bookable lessons made through the ClassIn-compatible API. Every answer
//! is counted by kind; the figures are requests per second, p50 and p99 latency, and the 5xx answers and transport
//! errors, of which there must be none.

use std::{
    collections::BTreeMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use anyhow::{anyhow, bail, Context, Result};
use rand::{rngs::StdRng, Rng, SeedableRng};
use serde_json::{json, Value};

use crate::{
    classin::{unix_now, ClassIn},
    client::mirror,
    payload::{self, Shape, Variant},
    server::{Server, REFERER},
};

/// Students mirrored (one branch of 20 sections), re-mirrored throughout the soak.
const STUDENTS: u64 = 2_000;
/// Concurrent clients besides the mirroring partner.
const CLIENTS: usize = 16;
/// ClassIn students who book, and bookable lessons (12 seats each, two hours apart).
const BOOKERS: usize = 60;
const LESSONS: usize = 20;

/// What was asked, in the order the table shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    MirrorAccept,
    MirrorStatus,
    UserById,
    UsersPage,
    Branches,
    SsoIssue,
    SsoOpen,
    Book,
    CancelBooking,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Self::MirrorAccept => "POST /api/v2/mirror-data/branches (202)",
            Self::MirrorStatus => "GET /api/v2/mirror-data/jobs/{id}",
            Self::UserById => "GET /users/{id}",
            Self::UsersPage => "GET /users?page=N",
            Self::Branches => "GET /api/v2/branches",
            Self::SsoIssue => "POST /api/v2/mirror-data/sso-token",
            Self::SsoOpen => "GET /sso/{token}",
            Self::Book => "POST /api/v2/lessons/{id}/bookings",
            Self::CancelBooking => "DELETE /api/v2/lessons/{id}/bookings/{uid}",
        }
    }
}

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    server_errors: u64,
    transport_errors: u64,
    /// The first few 5xx and transport errors, to show.
    samples: Vec<String>,
}

/// Every answer of the run, by kind.
#[derive(Default)]
struct Recorder {
    tallies: Mutex<BTreeMap<Kind, Tally>>,
}

impl Recorder {
    fn record(&self, kind: Kind, took: Duration, outcome: &Result<u16, String>) {
        let mut tallies = self.tallies.lock().expect("the tallies");
        let tally = tallies.entry(kind).or_default();
        tally.latencies_us.push(took.as_micros() as u64);
        match outcome {
            Ok(status) if *status >= 500 => {
                tally.server_errors += 1;
                if tally.samples.len() < 3 {
                    tally.samples.push(format!("HTTP {status}"));
                }
            }
            Ok(_) => {}
            Err(error) => {
                tally.transport_errors += 1;
                if tally.samples.len() < 3 {
                    tally.samples.push(error.clone());
                }
            }
        }
    }
}

pub struct KindFigures {
    label: &'static str,
    requests: usize,
    p50_ms: f64,
    p99_ms: f64,
    server_errors: u64,
    transport_errors: u64,
    samples: Vec<String>,
}

pub struct SoakResult {
    seconds: f64,
    mirrors: u64,
    kinds: Vec<KindFigures>,
    all: KindFigures,
}

impl SoakResult {
    /// No 5xx answer and no failed request.
    pub fn clean(&self) -> bool {
        self.all.server_errors == 0 && self.all.transport_errors == 0
    }
}

/// The parts of the server every client calls.
#[derive(Clone)]
struct Target {
    http: reqwest::Client,
    base: String,
    token: String,
    recorder: Arc<Recorder>,
}

impl Target {
    fn partner(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        request
            .header("token", &self.token)
            .header("referer", REFERER)
            .header("accept", "application/json")
    }

    /// Sends a request, records its status and latency, and answers the status and the body's text.
    async fn send(&self, kind: Kind, request: reqwest::RequestBuilder) -> Option<(u16, String)> {
        let started = Instant::now();
        let outcome = match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                match response.text().await {
                    Ok(text) => Ok((status, text)),
                    Err(error) => Err(format!("reading the answer: {error}")),
                }
            }
            Err(error) => Err(error.to_string()),
        };
        let took = started.elapsed();
        self.recorder.record(
            kind,
            took,
            &outcome
                .as_ref()
                .map(|(status, _)| *status)
                .map_err(Clone::clone),
        );
        outcome.ok()
    }
}

/// What the clients pick from.
struct Fixtures {
    user_ids: Vec<i64>,
    user_pages: u64,
    students: u64,
    booker_uids: Vec<i64>,
    lesson_ids: Vec<i64>,
}

pub async fn run(server: &mut Server, seconds: u64) -> Result<SoakResult> {
    let shape = Shape::new(STUDENTS);
    mirror(server, shape, Variant::Original).await?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(CLIENTS * 2)
        .build()?;
    let target = Target {
        http: http.clone(),
        base: server.base.clone(),
        token: server.token.clone(),
        recorder: Arc::new(Recorder::default()),
    };
    let fixtures = Arc::new(prepare(server, &http, shape).await?);

    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mirrors = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    tasks.push(tokio::spawn(remirror(
        target.clone(),
        shape,
        until,
        mirrors.clone(),
    )));
    for client in 0..CLIENTS {
        tasks.push(tokio::spawn(client_loop(
            target.clone(),
            fixtures.clone(),
            until,
            client as u64,
        )));
    }
    for task in tasks {
        task.await.context("a soak client panicked")??;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let tallies = std::mem::take(&mut *target.recorder.tallies.lock().expect("the tallies"));
    let mut every_latency = Vec::new();
    let mut all = KindFigures {
        label: "all requests",
        requests: 0,
        p50_ms: 0.0,
        p99_ms: 0.0,
        server_errors: 0,
        transport_errors: 0,
        samples: Vec::new(),
    };
    let kinds = tallies
        .into_iter()
        .map(|(kind, mut tally)| {
            every_latency.extend_from_slice(&tally.latencies_us);
            all.server_errors += tally.server_errors;
            all.transport_errors += tally.transport_errors;
            all.samples.extend(tally.samples.iter().cloned());
            let (p50_ms, p99_ms) = percentiles(&mut tally.latencies_us);
            KindFigures {
                label: kind.label(),
                requests: tally.latencies_us.len(),
                p50_ms,
                p99_ms,
                server_errors: tally.server_errors,
                transport_errors: tally.transport_errors,
                samples: tally.samples,
            }
        })
        .collect();
    all.requests = every_latency.len();
    (all.p50_ms, all.p99_ms) = percentiles(&mut every_latency);
    Ok(SoakResult {
        seconds: elapsed,
        mirrors: mirrors.load(Ordering::Relaxed),
        kinds,
        all,
    })
}

/// The 50th and 99th percentiles in milliseconds (nearest rank).
fn percentiles(latencies_us: &mut [u64]) -> (f64, f64) {
    if latencies_us.is_empty() {
        return (0.0, 0.0);
    }
    latencies_us.sort_unstable();
    let rank = |fraction: f64| {
        let index =
            ((fraction * latencies_us.len() as f64).ceil() as usize).clamp(1, latencies_us.len());
        latencies_us[index - 1] as f64 / 1000.0
    };
    (rank(0.50), rank(0.99))
}

/// The user ids to read, and the ClassIn people and bookable lessons.
async fn prepare(server: &Server, http: &reqwest::Client, shape: Shape) -> Result<Fixtures> {
    let page: Value = http
        .get(format!("{}/users?per_page=100", server.base))
        .header("token", &server.token)
        .header("referer", REFERER)
        .header("accept", "application/json")
        .send()
        .await?
        .json()
        .await?;
    let user_ids: Vec<i64> = page["data"]
        .as_array()
        .context("no users page")?
        .iter()
        .filter_map(|user| user["id"].as_i64())
        .collect();
    if user_ids.is_empty() {
        bail!("the mirrored school has no users: {page}");
    }
    let total = page["meta"]["total"].as_u64().unwrap_or(100);

    let school = ClassIn::new(http.clone(), server);
    let teacher = school
        .register("13900000000", "Soak Teacher", 2)
        .await
        .context("registering the teacher")?;
    let course = school
        .call(
            "addCourse",
            &[
                ("courseName", "Soak course".into()),
                ("mainTeacherUid", teacher.to_string()),
            ],
        )
        .await?
        .as_i64()
        .context("no course id")?;
    let mut booker_uids = Vec::with_capacity(BOOKERS);
    for n in 0..BOOKERS {
        booker_uids.push(
            school
                .register(&format!("1390000{:04}", n + 1), &format!("Booker {n}"), 1)
                .await?,
        );
    }
    let first_start = unix_now() + 86_400;
    let mut lesson_ids = Vec::with_capacity(LESSONS);
    for n in 0..LESSONS {
        let begin = first_start + n as i64 * 7_200;
        let lesson = school
            .call(
                "addCourseClass",
                &[
                    ("courseId", course.to_string()),
                    ("className", format!("Soak lesson {n}")),
                    ("beginTime", begin.to_string()),
                    ("endTime", (begin + 3_600).to_string()),
                    ("teacherUid", teacher.to_string()),
                    ("bookable", "1".into()),
                    ("seatNum", "12".into()),
                ],
            )
            .await?
            .as_i64()
            .context("no lesson id")?;
        lesson_ids.push(lesson);
    }
    Ok(Fixtures {
        user_ids,
        user_pages: total.div_ceil(100).max(1),
        students: shape.students,
        booker_uids,
        lesson_ids,
    })
}

/// The partner re-mirroring its school until the time is up, each mirror waited for; a mirror that does not
/// succeed fails the run.
async fn remirror(
    target: Target,
    shape: Shape,
    until: Instant,
    mirrors: Arc<AtomicU64>,
) -> Result<()> {
    let mut round = 0_u64;
    while Instant::now() < until {
        round += 1;
        let variant = if round % 2 == 0 {
            Variant::Original
        } else {
            Variant::Renamed
        };
        let request = target
            .partner(
                target
                    .http
                    .post(format!("{}/api/v2/mirror-data/branches", target.base)),
            )
            .header("content-type", "application/json")
            .body(payload::body(shape, variant, Arc::new(AtomicU64::new(0))));
        let Some((status, text)) = target.send(Kind::MirrorAccept, request).await else {
            continue;
        };
        if status != 202 {
            if status < 500 {
                bail!("a mirror was refused ({status}): {text}");
            }
            continue;
        }
        let answer: Value = serde_json::from_str(&text)?;
        let job = answer["job_id"]
            .as_str()
            .ok_or_else(|| anyhow!("no job_id: {text}"))?
            .to_owned();
        loop {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let request = target.partner(
                target
                    .http
                    .get(format!("{}/api/v2/mirror-data/jobs/{job}", target.base)),
            );
            let Some((status, text)) = target.send(Kind::MirrorStatus, request).await else {
                continue;
            };
            if status != 200 {
                continue;
            }
            let state: Value = serde_json::from_str(&text)?;
            match state["status"].as_str() {
                Some("queued" | "running") => {}
                Some("succeeded") => {
                    mirrors.fetch_add(1, Ordering::Relaxed);
                    break;
                }
                _ => bail!("a mirror job ended without succeeding: {text}"),
            }
        }
    }
    Ok(())
}

/// One client: reads (55 %), a sign-in link issued and opened (20 %), a seat booked and, when it was, cancelled
/// nine times in ten (25 %): seats churn.
async fn client_loop(
    target: Target,
    fixtures: Arc<Fixtures>,
    until: Instant,
    seed: u64,
) -> Result<()> {
    let mut random = StdRng::seed_from_u64(seed);
    while Instant::now() < until {
        let pick = random.gen_range(0..100);
        match pick {
            0..=29 => {
                let id = fixtures.user_ids[random.gen_range(0..fixtures.user_ids.len())];
                let request =
                    target.partner(target.http.get(format!("{}/users/{id}", target.base)));
                target.send(Kind::UserById, request).await;
            }
            30..=44 => {
                let page = random.gen_range(1..=fixtures.user_pages);
                let request = target.partner(
                    target
                        .http
                        .get(format!("{}/users?page={page}&per_page=100", target.base)),
                );
                target.send(Kind::UsersPage, request).await;
            }
            45..=54 => {
                let request = target.partner(
                    target
                        .http
                        .get(format!("{}/api/v2/branches?per_page=10", target.base)),
                );
                target.send(Kind::Branches, request).await;
            }
            55..=74 => {
                let student = random.gen_range(1..=fixtures.students);
                let request = target
                    .partner(
                        target
                            .http
                            .post(format!("{}/api/v2/mirror-data/sso-token", target.base)),
                    )
                    .json(&json!({"uuid": format!("s{student}")}));
                let Some((200, text)) = target.send(Kind::SsoIssue, request).await else {
                    continue;
                };
                let link: Value = serde_json::from_str(&text)?;
                let Some(path) = link["url"]
                    .as_str()
                    .and_then(|url| url.find("/sso/").map(|at| url[at..].to_owned()))
                else {
                    bail!("the sign-in answer has no link: {text}");
                };
                let request = target.http.get(format!("{}{path}", target.base));
                target.send(Kind::SsoOpen, request).await;
            }
            _ => {
                let uid = fixtures.booker_uids[random.gen_range(0..fixtures.booker_uids.len())];
                let lesson = fixtures.lesson_ids[random.gen_range(0..fixtures.lesson_ids.len())];
                let request = target
                    .partner(
                        target
                            .http
                            .post(format!("{}/api/v2/lessons/{lesson}/bookings", target.base)),
                    )
                    .json(&json!({"uid": uid}));
                let booked = target.send(Kind::Book, request).await;
                if matches!(booked, Some((201, _))) && random.gen_bool(0.9) {
                    let request = target.partner(target.http.delete(format!(
                        "{}/api/v2/lessons/{lesson}/bookings/{uid}",
                        target.base
                    )));
                    target.send(Kind::CancelBooking, request).await;
                }
            }
        }
    }
    Ok(())
}

pub fn print(database: &str, result: &SoakResult) {
    println!(
        "\nsoak on {database}: {:.0} s of mixed traffic, {CLIENTS} clients and one partner re-mirroring \
         {STUDENTS} students ({} mirrors succeeded)",
        result.seconds, result.mirrors
    );
    println!(
        "{:<46} {:>9} {:>8} {:>9} {:>9} {:>5} {:>7}",
        "request", "requests", "per s", "p50 ms", "p99 ms", "5xx", "failed"
    );
    for figures in result.kinds.iter().chain(std::iter::once(&result.all)) {
        println!(
            "{:<46} {:>9} {:>8.0} {:>9.1} {:>9.1} {:>5} {:>7}",
            figures.label,
            figures.requests,
            figures.requests as f64 / result.seconds,
            figures.p50_ms,
            figures.p99_ms,
            figures.server_errors,
            figures.transport_errors
        );
    }
    let verdict = if result.clean() { "PASS" } else { "MISS" };
    println!(
        "zero 5xx and zero failed requests: {verdict} ({} 5xx, {} failed)",
        result.all.server_errors, result.all.transport_errors
    );
    for sample in result.all.samples.iter().take(5) {
        println!("  e.g. {sample}");
    }
}
