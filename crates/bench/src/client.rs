//! One timed mirror through the partner API: POST the lazily generated payload, then poll the job every 250 ms
//! until it has succeeded.

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use anyhow::{anyhow, bail, Context, Result};
use reqwest::{RequestBuilder, StatusCode};
use serde_json::Value;

use crate::{
    payload::{self, Shape, Variant},
    server::{Server, REFERER},
};

const POLL_EVERY: Duration = Duration::from_millis(250);
/// A job not finished after this long fails the run.
const JOB_WITHIN: Duration = Duration::from_secs(3 * 3600);

/// What one mirror took.
#[derive(Debug, Clone)]
pub struct MirrorRun {
    /// From starting the POST to seeing `succeeded`.
    pub seconds: f64,
    /// From starting the POST to the 202 answer (upload, validation, spooling).
    pub accepted_seconds: f64,
    /// Bytes of the body sent.
    pub payload_bytes: u64,
    /// The job as last read.
    pub job: Value,
}

impl MirrorRun {
    /// `counts.<group>.<key>` of the job, if present.
    pub fn count(&self, group: &str, key: &str) -> Option<u64> {
        self.job["counts"][group][key].as_u64()
    }

    /// By the job's own timestamps: seconds from accepted to started (waiting in the queue), and from started to
    /// finished (applying).
    pub fn job_phases(&self) -> Option<(f64, f64)> {
        let at = |key: &str| self.job[key].as_str().and_then(unix_millis);
        let (accepted, started, finished) =
            (at("accepted_at")?, at("started_at")?, at("finished_at")?);
        Some((
            (started - accepted) as f64 / 1000.0,
            (finished - started) as f64 / 1000.0,
        ))
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fff]Z` (the server's format for times) as Unix milliseconds.
fn unix_millis(text: &str) -> Option<i64> {
    let text = text.strip_suffix('Z')?;
    let (date, time) = text.split_once('T')?;
    let mut date = date.splitn(3, '-').map(|part| part.parse::<i64>().ok());
    let (year, month, day) = (date.next()??, date.next()??, date.next()??);
    let (clock, fraction) = time.split_once('.').unwrap_or((time, "0"));
    let mut clock = clock.splitn(3, ':').map(|part| part.parse::<i64>().ok());
    let (hour, minute, second) = (clock.next()??, clock.next()??, clock.next()??);
    let millis: i64 = format!("{fraction:0<3}").get(..3)?.parse().ok()?;
    // Days from the civil date (H. Hinnant's algorithm).
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    Some(((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis)
}

/// Sends one mirror of `shape` in `variant` and waits for its job to succeed.
pub async fn mirror(server: &mut Server, shape: Shape, variant: Variant) -> Result<MirrorRun> {
    let http = reqwest::Client::new();
    let sent = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let response = headers(
        http.post(format!("{}/api/v2/mirror-data/branches", server.base)),
        &server.token,
    )
    .header("content-type", "application/json")
    .body(payload::body(shape, variant, sent.clone()))
    .send()
    .await;
    let response = match response {
        Ok(response) => response,
        Err(error) => {
            server.ensure_running()?;
            return Err(error).context("POST /api/v2/mirror-data/branches failed");
        }
    };
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    let accepted_seconds = started.elapsed().as_secs_f64();
    if status != StatusCode::ACCEPTED {
        bail!("POST /api/v2/mirror-data/branches answered {status}, not 202: {text}");
    }
    let answer: Value = serde_json::from_str(&text)
        .with_context(|| format!("the 202 answer is not JSON: {text}"))?;
    let job_id = answer["job_id"]
        .as_str()
        .ok_or_else(|| anyhow!("the 202 answer has no job_id: {text}"))?
        .to_owned();

    let url = format!("{}/api/v2/mirror-data/jobs/{job_id}", server.base);
    loop {
        server.ensure_running()?;
        let response = headers(http.get(&url), &server.token)
            .timeout(Duration::from_secs(120))
            .send()
            .await
            .with_context(|| format!("GET /api/v2/mirror-data/jobs/{job_id} failed"))?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        if status != StatusCode::OK {
            bail!("GET /api/v2/mirror-data/jobs/{job_id} answered {status}: {text}");
        }
        let job: Value = serde_json::from_str(&text)
            .with_context(|| format!("the job status is not JSON: {text}"))?;
        match job["status"].as_str() {
            Some("succeeded") => {
                return Ok(MirrorRun {
                    seconds: started.elapsed().as_secs_f64(),
                    accepted_seconds,
                    payload_bytes: sent.load(Ordering::Relaxed),
                    job,
                })
            }
            Some("queued" | "running") => {}
            _ => bail!(
                "the mirror job ended without succeeding:\n{}",
                serde_json::to_string_pretty(&job).unwrap_or(text)
            ),
        }
        if started.elapsed() > JOB_WITHIN {
            bail!("the mirror job did not finish within {JOB_WITHIN:?}: {text}");
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
}

fn headers(request: RequestBuilder, token: &str) -> RequestBuilder {
    request
        .header("token", token)
        .header("referer", REFERER)
        .header("accept", "application/json")
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_the_servers_times() {
        assert_eq!(super::unix_millis("1970-01-01T00:00:00.000Z"), Some(0));
        assert_eq!(
            super::unix_millis("2023-11-14T22:13:20.123Z"),
            Some(1_700_000_000_123)
        );
        assert_eq!(
            super::unix_millis("2024-02-29T00:00:01Z"),
            Some(1_709_164_801_000)
        );
        assert_eq!(super::unix_millis("yesterday"), None);
    }
}
