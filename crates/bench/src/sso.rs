//! Single sign-on throughput: link issues per second (`POST /api/v2/mirror-data/sso-token`) and link consumptions per
//! second (`GET /sso/{token}`, each link once), under wrk, beside the hello-world route of the same build.

use std::{fmt::Write as _, time::Duration};

use anyhow::{bail, Context, Result};
use futures::StreamExt;
use serde_json::{json, Value};

use crate::{
    client::mirror,
    payload::{Shape, Variant},
    server::{Server, REFERER},
    wrk::{self, Load},
};

const PEOPLE: u64 = 5_000;
/// Links made ahead of the consumption run, split between wrk's two threads.
const LINKS: usize = 40_000;

pub struct SsoResult {
    pub hello: Load,
    pub issues: Load,
    pub consumptions: Load,
    pub links_prepared: usize,
}

pub async fn run(server: &mut Server, seconds: u64) -> Result<SsoResult> {
    wrk::locate()?;
    mirror(server, Shape::new(PEOPLE), Variant::Original).await?;
    let duration = Duration::from_secs(seconds);
    let token = server.token.clone();
    let hello = wrk::run(
        &server.base,
        &wrk::get_script(&token, REFERER, "\"/healthz\""),
        64,
        duration,
    )?;

    let issue_script = format!(
        "math.randomseed(os.time())\n\
         wrk.headers[\"token\"] = \"{token}\"\n\
         wrk.headers[\"referer\"] = \"{REFERER}\"\n\
         wrk.headers[\"accept\"] = \"application/json\"\n\
         wrk.headers[\"content-type\"] = \"application/json\"\n\
         request = function()\n  return wrk.format(\"POST\", \"/api/v2/mirror-data/sso-token\", nil, \
         '{{\"uuid\": \"s' .. math.random(1, {PEOPLE}) .. '\"}}')\nend\n"
    );
    let issues = wrk::run(&server.base, &issue_script, 64, duration)?;

    // Fresh links for the consumption run, made with a client of our own (not measured).
    let folder = tempfile::tempdir()?;
    let paths = prepare_links(server, LINKS).await?;
    for thread in 1..=2 {
        let mut list = String::new();
        for path in paths.iter().skip(thread - 1).step_by(2) {
            let _ = writeln!(list, "{path}");
        }
        std::fs::write(folder.path().join(format!("links-{thread}.txt")), list)?;
    }
    let consume_script = format!(
        "local threads = {{}}\n\
         function setup(thread)\n  thread:set(\"id\", #threads + 1)\n  table.insert(threads, thread)\nend\n\
         function init(args)\n  paths = {{}}\n  for line in io.lines(\"{dir}/links-\" .. id .. \".txt\") do paths[#paths + 1] = line end\n  index = 0\nend\n\
         function request()\n  index = index + 1\n  return wrk.format(\"GET\", paths[index] or \"/sso/exhausted\")\nend\n",
        dir = folder.path().display()
    );
    let consumptions = wrk::run(&server.base, &consume_script, 64, duration)?;
    if consumptions.requests as usize >= paths.len() {
        eprintln!(
            "note: the consumption run used up its {} links; its rate counts only good answers",
            paths.len()
        );
    }
    Ok(SsoResult {
        hello,
        issues,
        consumptions,
        links_prepared: paths.len(),
    })
}

async fn prepare_links(server: &Server, count: usize) -> Result<Vec<String>> {
    let client = reqwest::Client::new();
    let url = format!("{}/api/v2/mirror-data/sso-token", server.base);
    let made: Vec<Result<String>> = futures::stream::iter(0..count)
        .map(|index| {
            let (client, url, token) = (client.clone(), url.clone(), server.token.clone());
            async move {
                let answer: Value = client
                    .post(&url)
                    .header("token", token)
                    .header("referer", REFERER)
                    .json(&json!({"uuid": format!("s{}", index as u64 % PEOPLE + 1)}))
                    .send()
                    .await?
                    .json()
                    .await?;
                let link = answer["url"].as_str().context("no url in the answer")?;
                let path = &link[link.find("/sso/").context("not an SSO link")?..];
                Ok(path.to_owned())
            }
        })
        .buffer_unordered(32)
        .collect()
        .await;
    let paths: Vec<String> = made.into_iter().collect::<Result<_>>()?;
    if paths.len() != count {
        bail!("made {} links of {count}", paths.len());
    }
    Ok(paths)
}

/// A table row: its name, what wrk measured, and the target (rate, whether it applies to this database).
type Row<'a> = (&'a str, &'a Load, Option<(f64, bool)>);

pub fn print(database: &str, result: &SsoResult) {
    let hello = result.hello.requests_per_second;
    println!(
        "\nsingle sign-on on {database}, wrk -t2 -c64 ({} links prepared for consumption)",
        result.links_prepared
    );
    println!(
        "{:<44} {:>10} {:>9} {:>9} {:>9}  target",
        "route", "per second", "of hello", "p50 ms", "p99 ms"
    );
    let rows: [Row; 3] = [
        ("hello world: GET /healthz", &result.hello, None),
        (
            "link issues: POST /api/v2/mirror-data/sso-token",
            &result.issues,
            Some((5_000.0, database == "sqlite")),
        ),
        (
            "link consumptions: GET /sso/{token} (303)",
            &result.consumptions,
            Some((2_000.0, database == "sqlite")),
        ),
    ];
    for (name, load, target) in rows {
        let rate = load.good_per_second();
        let verdict = match target {
            Some((goal, true)) => format!(
                "≥ {goal:.0}/s {}",
                if rate >= goal { "PASS" } else { "MISS" }
            ),
            Some((goal, false)) => format!("({goal:.0}/s is the SQLite target)"),
            None => "(baseline)".into(),
        };
        println!(
            "{:<44} {:>10.0} {:>9.2} {:>9.2} {:>9.2}  {verdict}",
            name,
            rate,
            rate / hello,
            load.p50_ms,
            load.p99_ms
        );
    }
}
