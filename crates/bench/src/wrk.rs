//! Load from a second process: Debian's `wrk` with a small Lua script, its requests per second and latency
//! percentiles read from its report.

use std::{path::Path, process::Command, time::Duration};

use anyhow::{anyhow, bail, Context, Result};

/// What one wrk run measured.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Answers other than 2xx/3xx.
    pub errors: u64,
    /// Requests made in all.
    pub requests: u64,
    /// Bytes of answers per second (headers and bodies), as wrk counts them.
    pub bytes_per_second: f64,
}

impl Load {
    /// Requests per second that got a 2xx or 3xx answer.
    pub fn good_per_second(&self) -> f64 {
        if self.requests == 0 {
            return 0.0;
        }
        self.requests_per_second * (self.requests.saturating_sub(self.errors)) as f64
            / self.requests as f64
    }
}

/// Where wrk is, or a clear message on how to get it.
pub fn locate() -> Result<&'static str> {
    for candidate in ["/usr/bin/wrk", "/usr/local/bin/wrk"] {
        if Path::new(candidate).exists() {
            return Ok(candidate);
        }
    }
    bail!("wrk is not installed: apt-get install wrk")
}

/// Runs wrk with `connections` connections for `duration` against `base`, driven by the Lua `script`.
pub fn run(base: &str, script: &str, connections: u32, duration: Duration) -> Result<Load> {
    let wrk = locate()?;
    let folder = tempfile::tempdir()?;
    let script_path = folder.path().join("load.lua");
    std::fs::write(&script_path, script)?;
    let output = Command::new(wrk)
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{}s", duration.as_secs().max(1)),
            "--latency",
            "-s",
        ])
        .arg(&script_path)
        .arg(base)
        .output()
        .context("cannot run wrk")?;
    let report = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        bail!(
            "wrk failed: {}{}",
            report,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    parse(&report).with_context(|| format!("cannot read wrk's report:\n{report}"))
}

fn milliseconds(text: &str) -> Option<f64> {
    let text = text.trim();
    let (number, factor) = if let Some(n) = text.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000.0)
    } else {
        (text, 1.0)
    };
    number.parse::<f64>().ok().map(|value| value * factor)
}

fn parse(report: &str) -> Result<Load> {
    let mut load = Load {
        requests_per_second: 0.0,
        p50_ms: 0.0,
        p99_ms: 0.0,
        errors: 0,
        requests: 0,
        bytes_per_second: 0.0,
    };
    for line in report.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("Requests/sec:") {
            load.requests_per_second = rest.trim().parse().context("Requests/sec")?;
        } else if let Some(rest) = line.strip_prefix("50%") {
            load.p50_ms = milliseconds(rest).ok_or_else(|| anyhow!("the 50% line"))?;
        } else if let Some(rest) = line.strip_prefix("99%") {
            load.p99_ms = milliseconds(rest).ok_or_else(|| anyhow!("the 99% line"))?;
        } else if line.contains(" requests in ") {
            load.requests = line
                .split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
        } else if let Some(rest) = line.strip_prefix("Transfer/sec:") {
            load.bytes_per_second = bytes(rest).unwrap_or(0.0);
        } else if let Some(rest) = line.strip_prefix("Non-2xx or 3xx responses:") {
            load.errors = rest.trim().parse().unwrap_or(0);
        }
    }
    if load.requests_per_second == 0.0 {
        bail!("no Requests/sec line");
    }
    Ok(load)
}

/// wrk's `1.50MB` (binary units) in bytes.
fn bytes(text: &str) -> Option<f64> {
    let text = text.trim();
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let factor = match unit {
        "B" => 1.0,
        "KB" => 1024.0,
        "MB" => 1024.0 * 1024.0,
        "GB" => 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    Some(number.trim().parse::<f64>().ok()? * factor)
}

/// A Lua script that sends GETs with the partner headers; `path_expression` is Lua that yields the path.
pub fn get_script(token: &str, referer: &str, path_expression: &str) -> String {
    format!(
        "math.randomseed(os.time())\n\
         wrk.headers[\"token\"] = \"{token}\"\n\
         wrk.headers[\"referer\"] = \"{referer}\"\n\
         wrk.headers[\"accept\"] = \"application/json\"\n\
         request = function()\n  return wrk.format(\"GET\", {path_expression})\nend\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrks_report() {
        let report = "Running 10s test @ http://127.0.0.1:1\n  2 threads and 64 connections\n  Latency Distribution\n     50%  412.00us\n     75%  1.20ms\n     90%    2.5ms\n     99%   10.05ms\n  100 requests in 10.00s\n  Non-2xx or 3xx responses: 3\nRequests/sec:  12345.67\nTransfer/sec: 1.00MB\n";
        let load = parse(report).unwrap();
        assert_eq!(load.requests_per_second, 12345.67);
        assert!((load.p50_ms - 0.412).abs() < 1e-9);
        assert!((load.p99_ms - 10.05).abs() < 1e-9);
        assert_eq!(load.errors, 3);
        assert_eq!(load.bytes_per_second, 1024.0 * 1024.0);
        assert_eq!(load.requests, 100);
    }
}
