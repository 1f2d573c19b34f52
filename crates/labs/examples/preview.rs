//! A stand-alone preview of the lab pages for checking the front end in a browser without the server:
//! `cargo run -p classbridge-labs --example preview -- 8088`, then open http://127.0.0.1:8088/lab/ohms-law?lang=ar.
//!
//! One attempt per lab (seed 1), kept in memory; observe and submit answer as the server does, under the same
//! strict CSP. `?drive=1` adds `/preview-driver.js`, which performs the lab's careful-student sequence (the set-ups
//! of `careful_submission`) through the DOM hooks and submits, so that a headless browser's `--dump-dom` shows the
//! score. Not part of the server.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};

use serde_json::{json, Value};

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:";
const SEED: u64 = 1;

fn main() {
    let port = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "8088".to_string());
    let listener = TcpListener::bind(format!("127.0.0.1:{port}")).expect("bind");
    eprintln!("preview on http://127.0.0.1:{port}/lab/ohms-law");
    let mut readings: HashMap<String, Vec<Value>> = HashMap::new();
    for stream in listener.incoming().flatten() {
        let _ = serve(stream, &mut readings);
    }
}

fn serve(mut stream: TcpStream, readings: &mut HashMap<String, Vec<Value>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header)?;
        if header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default();
    let target = parts.next().unwrap_or_default();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (status, content_type, payload): (u16, &str, Vec<u8>) = match (method, segments.as_slice())
    {
        ("GET", ["labs", "assets", name]) => match classbridge_labs::asset(name) {
            Some((bytes, content_type)) => (200, content_type, bytes.to_vec()),
            None => (404, "text/plain", b"no such asset".to_vec()),
        },
        ("GET", ["preview-driver.js"]) => (200, "text/javascript", DRIVER.as_bytes().to_vec()),
        ("GET", ["lab", id, "careful"]) => match classbridge_labs::careful_submission(id, SEED) {
            Some((_hidden, submission)) => {
                let setups: Vec<Value> = submission["readings"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|reading| setup_of(id, reading))
                    .collect();
                (
                    200,
                    "application/json",
                    json!({ "setups": setups, "result": submission["result"] })
                        .to_string()
                        .into_bytes(),
                )
            }
            None => (404, "text/plain", b"no such lab".to_vec()),
        },
        ("GET", ["lab", id]) => match classbridge_labs::lab(id) {
            Some(lab) => {
                let lang = if query.contains("lang=ar") {
                    "ar"
                } else {
                    "en"
                };
                let hidden = lab.hidden(SEED);
                let apparatus = lab.apparatus(&hidden);
                let taken = readings.entry(id.to_string()).or_default();
                let mut html = classbridge_labs::page_html(
                    lab,
                    &classbridge_labs::PageConfig {
                        lang,
                        csrf_token: "preview",
                        observe_url: &format!("/lab/{id}/observe"),
                        submit_url: &format!("/lab/{id}/submit"),
                        back_url: "/",
                        attempt_id: 1,
                        expires_at: "2099-01-01T00:00:00Z",
                        attempts_left: 3,
                        apparatus: &apparatus,
                        readings: taken,
                        grade: None,
                        asset_base: "/labs/assets/",
                    },
                );
                if query.contains("drive=1") {
                    html = html.replace(
                        "</head>",
                        "<script src=\"/preview-driver.js\" defer></script>\n</head>",
                    );
                }
                (200, "text/html; charset=utf-8", html.into_bytes())
            }
            None => (404, "text/plain", b"no such lab".to_vec()),
        },
        ("POST", ["lab", id, action]) => match classbridge_labs::lab(id) {
            Some(lab) => {
                let hidden = lab.hidden(SEED);
                let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                let taken = readings.entry(id.to_string()).or_default();
                let answer = if *action == "observe" {
                    let index = taken.len() as u32;
                    lab.observe(
                        &hidden,
                        &request["setup"],
                        classbridge_labs::noise_seed(SEED, index),
                    )
                    .map(|reading| {
                        taken.push(reading.clone());
                        json!({ "index": index, "reading": reading })
                    })
                } else {
                    lab.grade(&hidden, &request).map(|grade| {
                        taken.clear();
                        json!({ "score": grade.score, "lines": grade.lines, "attempts_left": 2 })
                    })
                };
                match answer {
                    Ok(answer) => (200, "application/json", answer.to_string().into_bytes()),
                    Err(classbridge_labs::LabError::Input { path, message }) => (
                        422,
                        "application/json",
                        json!({ "errors": [{ "path": path, "message": message }] })
                            .to_string()
                            .into_bytes(),
                    ),
                }
            }
            None => (404, "text/plain", b"no such lab".to_vec()),
        },
        _ => (404, "text/plain", b"not found".to_vec()),
    };
    write!(
        stream,
        "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\ncontent-security-policy: {CSP}\r\nconnection: close\r\n\r\n",
        payload.len()
    )?;
    stream.write_all(&payload)
}

/// The set-up part of a reading: the controls the page has (read from the lab's page, as a browser test would).
fn setup_of(id: &str, reading: &Value) -> Value {
    let lab = classbridge_labs::lab(id).expect("lab");
    let hidden = lab.hidden(SEED);
    let mut setup = serde_json::Map::new();
    if let Some(object) = reading.as_object() {
        for (name, value) in object {
            // A set-up field is one observe refuses to go without.
            let mut without = object.clone();
            without.remove(name);
            if lab.observe(&hidden, &Value::Object(without), 0).is_err() {
                setup.insert(name.clone(), value.clone());
            }
        }
    }
    Value::Object(setup)
}

/// Drives the page through its DOM hooks as the browser test does.
const DRIVER: &str = r##"
(function () {
  "use strict";
  function wait(test, then) {
    var tries = 0;
    (function poll() { if (test() || ++tries > 200) { then(); } else { setTimeout(poll, 25); } })();
  }
  document.addEventListener("DOMContentLoaded", function () {
    var id = document.getElementById("lab-root").dataset.lab;
    fetch("/lab/" + id + "/careful").then(function (r) { return r.json(); }).then(function (plan) {
      var rows = function () { return document.querySelectorAll("#readings tbody tr").length; };
      var step = 0;
      (function next() {
        if (step >= plan.setups.length) {
          Object.keys(plan.result).forEach(function (name) {
            var element = document.getElementById("result-" + name);
            if (element) { element.value = String(plan.result[name]); }
          });
          document.getElementById("submit").click();
          return;
        }
        var setup = plan.setups[step++];
        Object.keys(setup).forEach(function (name) {
          var element = document.getElementById("setup-" + name);
          element.value = String(setup[name]);
          element.dispatchEvent(new Event("input"));
          element.dispatchEvent(new Event("change"));
        });
        var before = rows();
        document.getElementById("take-reading").click();
        wait(function () { return rows() > before; }, next);
      })();
    });
  });
})();
"##;
