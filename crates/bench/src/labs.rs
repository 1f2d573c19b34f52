//! Lab submissions graded per second through the server: students signed in by SSO links, each with an attempt at
//! Ohm's law started and eight readings taken (not measured), then every attempt submitted at once, 32 in flight
//! (`POST /labs/attempts/{id}/submit`, graded by the server's rubric and stored). Several rounds; the rate is the
//! submissions of all rounds over the time spent submitting.

use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use futures::StreamExt;
use serde_json::{json, Value};

use crate::{
    client::mirror,
    payload::{Shape, Variant, SUBJECTS},
    server::{Server, REFERER},
};

/// Students (four sections of 100).
const STUDENTS: u64 = 400;
const ROUNDS: usize = 5;
const IN_FLIGHT: usize = 32;

pub struct LabsResult {
    pub submissions: usize,
    pub seconds: f64,
    pub mean_score: f64,
}

/// A signed-in student: the session cookie, the form token and the path on their home.
struct Student {
    cookie: String,
    csrf: String,
    path_id: i64,
}

fn client() -> Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?)
}

pub async fn run(server: &mut Server) -> Result<LabsResult> {
    let shape = Shape::new(STUDENTS);
    mirror(server, shape, Variant::Original).await?;
    let http = client()?;
    // The first subject's teacher of every section: all the students get the path.
    let teachers: Vec<String> = (0..shape.sections)
        .map(|section| format!("t{}", section * SUBJECTS.len() as u64 + 1))
        .collect();
    let answer: Value = http
        .post(format!("{}/api/v2/learning-path/teacher/experiment", server.base))
        .header("token", &server.token)
        .header("referer", REFERER)
        .json(&json!({"subject_name": "Electricity", "subject_uuid": "bench", "experiment_id": "ohms-law",
                      "experiment_name": "Ohm's law", "max_attempts": 100,
                      "teacher_uuid": teachers, "teacher_name": teachers}))
        .send()
        .await?
        .json()
        .await?;
    if answer["experiment_token"].as_str().is_none() {
        bail!("the learning path was not created: {answer}");
    }
    let students: Vec<Student> = futures::stream::iter(1..=STUDENTS)
        .map(|n| sign_in(&http, server, n))
        .buffer_unordered(16)
        .collect::<Vec<Result<Student>>>()
        .await
        .into_iter()
        .collect::<Result<_>>()?;
    let mut submitted = 0;
    let mut spent = Duration::ZERO;
    let mut score_sum = 0.0;
    for _ in 0..ROUNDS {
        let prepared: Vec<(i64, Value, &Student)> = futures::stream::iter(&students)
            .map(|student| prepare(&http, &server.base, student))
            .buffer_unordered(IN_FLIGHT)
            .collect::<Vec<Result<_>>>()
            .await
            .into_iter()
            .collect::<Result<_>>()?;
        let started = Instant::now();
        let scores: Vec<Result<f64>> = futures::stream::iter(&prepared)
            .map(|(attempt, submission, student)| {
                submit(&http, &server.base, student, *attempt, submission)
            })
            .buffer_unordered(IN_FLIGHT)
            .collect()
            .await;
        spent += started.elapsed();
        for score in scores {
            score_sum += score?;
            submitted += 1;
        }
    }
    Ok(LabsResult {
        submissions: submitted,
        seconds: spent.as_secs_f64(),
        mean_score: score_sum / submitted.max(1) as f64,
    })
}

async fn sign_in(http: &reqwest::Client, server: &Server, n: u64) -> Result<Student> {
    let answer: Value = http
        .post(format!("{}/api/v2/mirror-data/sso-token", server.base))
        .header("token", &server.token)
        .header("referer", REFERER)
        .json(&json!({"uuid": format!("s{n}")}))
        .send()
        .await?
        .json()
        .await?;
    let url = answer["url"].as_str().context("no sign-in link")?;
    let path = &url[url.find("/sso/").context("not an SSO link")?..];
    let response = http.get(format!("{}{path}", server.base)).send().await?;
    let cookie = response
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .context("no session cookie")?
        .to_owned();
    let home = http
        .get(format!("{}/home", server.base))
        .header(reqwest::header::COOKIE, &cookie)
        .send()
        .await?
        .text()
        .await?;
    let after = |marker: &str| -> Result<String> {
        let start = home.find(marker).context("not on the home page")? + marker.len();
        Ok(home[start..].split('"').next().unwrap_or("").to_owned())
    };
    Ok(Student {
        csrf: after("name=\"csrf\" value=\"")?,
        path_id: after("data-path=\"")?.parse()?,
        cookie,
    })
}

/// Starts an attempt, takes a careful student's eight readings and returns the submission (the resistance from the
/// least-squares slope of voltage against current).
async fn prepare<'s>(
    http: &reqwest::Client,
    base: &str,
    student: &'s Student,
) -> Result<(i64, Value, &'s Student)> {
    let response = http
        .post(format!("{base}/labs/paths/{}/start", student.path_id))
        .header(reqwest::header::COOKIE, &student.cookie)
        .form(&[("csrf", student.csrf.as_str())])
        .send()
        .await?;
    let attempt: i64 = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .and_then(|l| l.strip_prefix("/labs/attempts/"))
        .context("no attempt started")?
        .parse()?;
    let mut readings = Vec::new();
    for step in 1..=8 {
        let answer: Value = http
            .post(format!("{base}/labs/attempts/{attempt}/observe"))
            .header(reqwest::header::COOKIE, &student.cookie)
            .header("x-csrf-token", &student.csrf)
            .json(&json!({"setup": {"supply_voltage": 1.5 * f64::from(step)}}))
            .send()
            .await?
            .json()
            .await?;
        readings.push(answer["reading"].clone());
    }
    let points: Vec<(f64, f64)> = readings
        .iter()
        .filter_map(|r| Some((r["current"].as_f64()? / 1000.0, r["voltage"].as_f64()?)))
        .collect();
    let count = points.len() as f64;
    let (mean_i, mean_v) = points.iter().fold((0.0, 0.0), |(i, v), (pi, pv)| {
        (i + pi / count, v + pv / count)
    });
    let (covariance, variance) = points.iter().fold((0.0, 0.0), |(c, s), (i, v)| {
        (
            c + (i - mean_i) * (v - mean_v),
            s + (i - mean_i) * (i - mean_i),
        )
    });
    let resistance = covariance / variance;
    let submission = json!({"readings": readings,
                            "result": {"resistance": resistance, "resistance_unit": "ohm"}});
    Ok((attempt, submission, student))
}

async fn submit(
    http: &reqwest::Client,
    base: &str,
    student: &Student,
    attempt: i64,
    submission: &Value,
) -> Result<f64> {
    let response = http
        .post(format!("{base}/labs/attempts/{attempt}/submit"))
        .header(reqwest::header::COOKIE, &student.cookie)
        .header("x-csrf-token", &student.csrf)
        .json(submission)
        .send()
        .await?;
    let status = response.status();
    let answer: Value = response.json().await?;
    match answer["score"].as_f64() {
        Some(score) if status.is_success() => Ok(score),
        _ => bail!("submission refused ({status}): {answer}"),
    }
}

pub fn print(database: &str, result: &LabsResult) {
    println!(
        "\nlab submissions on {database}: {} submissions of Ohm's law ({} in flight, {ROUNDS} rounds), mean score {:.1}",
        result.submissions, IN_FLIGHT, result.mean_score
    );
    println!(
        "POST /labs/attempts/{{id}}/submit (graded and stored)  {:>8.0} submissions graded per second",
        result.submissions as f64 / result.seconds
    );
}
