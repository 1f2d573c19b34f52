//! The printed result of one database's mirror benchmark: a table of timings, rates and ratios against the
//! targets of platform.md, each marked PASS or MISS.

use crate::{client::MirrorRun, payload::Shape};

pub const COLD_TARGET: f64 = 0.50;
pub const WARM_TARGET: f64 = 0.40;
pub const WARM_CHANGED_TARGET: f64 = 0.50;
pub const RSS_TARGET_MIB: f64 = 300.0;
const MIB: f64 = 1024.0 * 1024.0;

/// Everything measured on one database.
pub struct Report {
    pub database: String,
    pub baseline_method: &'static str,
    pub shape: Shape,
    pub baseline_seconds: f64,
    /// The same load into classbridge's own tables, with their keys and indexes (a reference, no target).
    pub schema_baseline_seconds: f64,
    pub cold: MirrorRun,
    pub warm: MirrorRun,
    pub warm_changed: MirrorRun,
    pub peak_rss_kb: u64,
    pub sampled_rss_kb: u64,
    /// Things worth knowing that do not fail the run.
    pub notes: Vec<String>,
    /// Checks that failed: the run exits non-zero.
    pub failures: Vec<String>,
}

impl Report {
    /// The rows both the baseline and the mirror write: students plus student-section rows.
    fn rows(&self) -> f64 {
        2.0 * self.shape.students as f64
    }

    fn cold_ratio(&self) -> f64 {
        self.baseline_seconds / self.cold.seconds
    }

    fn warm_ratio(&self) -> f64 {
        self.warm.seconds / self.cold.seconds
    }

    fn changed_ratio(&self) -> f64 {
        self.warm_changed.seconds / self.cold.seconds
    }

    fn peak_mib(&self) -> f64 {
        self.peak_rss_kb as f64 / 1024.0
    }

    /// Each target by name, and whether it was met (a NaN ratio is a miss).
    fn verdicts(&self) -> [(&'static str, bool); 4] {
        [
            ("cold", self.cold_ratio() >= COLD_TARGET),
            ("warm unchanged", self.warm_ratio() <= WARM_TARGET),
            (
                "warm 1 % changed",
                self.changed_ratio() <= WARM_CHANGED_TARGET,
            ),
            ("peak RSS", self.peak_mib() < RSS_TARGET_MIB),
        ]
    }

    /// The targets missed, by name, for the summary.
    pub fn misses(&self) -> Vec<&'static str> {
        self.verdicts()
            .into_iter()
            .filter(|(_, pass)| !pass)
            .map(|(name, _)| name)
            .collect()
    }

    pub fn print(&self) {
        let shape = &self.shape;
        let rows = self.rows();
        println!();
        println!("== mirror benchmark on {} ==", self.database);
        println!(
            "students {} in {} branches, {} sections, {} teachers; payload {:.1} MiB ({:.1} MiB with {} renamed)",
            thousands(shape.students),
            thousands(shape.branches),
            thousands(shape.sections),
            thousands(shape.teachers),
            self.cold.payload_bytes as f64 / MIB,
            self.warm_changed.payload_bytes as f64 / MIB,
            thousands(shape.renamed_students()),
        );
        println!(
            "rows counted = students + student-section rows = 2 × {} = {} (rows/s = {} / seconds, for the \
             baseline and the cold mirror alike)",
            thousands(shape.students),
            thousands(rows as u64),
            thousands(rows as u64),
        );
        println!();
        println!(
            "{:<44} {:>10} {:>12} {:>14} {:>8} {:>6}",
            "measure", "value", "rows/s", "ratio", "target", "result"
        );
        println!("{}", "-".repeat(99));
        let baseline_rate = rows / self.baseline_seconds;
        line(
            &format!("baseline ({})", self.baseline_method),
            &seconds(self.baseline_seconds),
            &thousands(baseline_rate as u64),
            "",
            "",
            "",
        );
        line(
            "  reference: same load, classbridge's tables",
            &seconds(self.schema_baseline_seconds),
            &thousands((rows / self.schema_baseline_seconds) as u64),
            &format!(
                "{:.2} of base",
                self.baseline_seconds / self.schema_baseline_seconds
            ),
            "",
            "",
        );
        let [cold_pass, warm_pass, changed_pass, rss_pass] = self.verdicts().map(|(_, pass)| pass);
        let cold_ratio = self.cold_ratio();
        line(
            "cold mirror (POST → job succeeded)",
            &seconds(self.cold.seconds),
            &thousands((rows / self.cold.seconds) as u64),
            &format!("{cold_ratio:.2} of base"),
            &format!("≥ {COLD_TARGET:.2}"),
            verdict(cold_pass),
        );
        line(
            "  cold mirror against the reference",
            "",
            "",
            &format!(
                "{:.2} of ref.",
                self.schema_baseline_seconds / self.cold.seconds
            ),
            "",
            "",
        );
        line(
            "  of which POST until 202 (upload+validate)",
            &seconds(self.cold.accepted_seconds),
            "",
            "",
            "",
            "",
        );
        phases(&self.cold);
        line(
            "warm mirror, unchanged",
            &seconds(self.warm.seconds),
            "",
            &format!("{:.2} of cold", self.warm_ratio()),
            &format!("≤ {WARM_TARGET:.2}"),
            verdict(warm_pass),
        );
        phases(&self.warm);
        line(
            "warm mirror, 1 % of names changed",
            &seconds(self.warm_changed.seconds),
            "",
            &format!("{:.2} of cold", self.changed_ratio()),
            &format!("≤ {WARM_CHANGED_TARGET:.2}"),
            verdict(changed_pass),
        );
        phases(&self.warm_changed);
        line(
            "server peak RSS (VmHWM, all three mirrors)",
            &format!("{:.1} MiB", self.peak_mib()),
            "",
            "",
            &format!("< {RSS_TARGET_MIB:.0} MiB"),
            verdict(rss_pass),
        );
        line(
            "  max VmRSS sampled every 200 ms, cold run",
            &format!("{:.1} MiB", self.sampled_rss_kb as f64 / 1024.0),
            "",
            "",
            "",
            "",
        );
        for note in &self.notes {
            println!("note: {note}");
        }
        for failure in &self.failures {
            println!("FAILED: {failure}");
        }
    }
}

fn line(measure: &str, value: &str, rate: &str, ratio: &str, target: &str, result: &str) {
    println!(
        "{:<44} {:>10} {:>12} {:>14} {:>8} {:>6}",
        measure, value, rate, ratio, target, result
    );
}

/// The job's own account of a mirror: time queued and time applying.
fn phases(run: &MirrorRun) {
    if let Some((queued, applying)) = run.job_phases() {
        line(
            "  job: queued (accepted → started)",
            &seconds(queued),
            "",
            "",
            "",
            "",
        );
        line(
            "  job: applying (started → finished)",
            &seconds(applying),
            "",
            "",
            "",
            "",
        );
    }
}

fn verdict(pass: bool) -> &'static str {
    if pass {
        "PASS"
    } else {
        "MISS"
    }
}

fn seconds(value: f64) -> String {
    format!("{value:.2} s")
}

/// 1234567 → "1,234,567".
pub fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn groups_digits_by_three() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
