//! Benchmark: attempt submissions graded per second, per lab and over all labs, on one thread.
//! `cargo run -p classbridge-labs --example grading_rate --release`
//!
//! Each submission is a careful student's (`classbridge_labs::careful_submission`): readings taken through
//! `observe` at set-ups spread over the controls' ranges, and the result the lab asks for, so every rubric line runs.

use std::time::{Duration, Instant};

fn main() {
    let mut total_graded = 0u64;
    let mut total_time = Duration::ZERO;
    for experiment in classbridge_labs::catalogue()
        .iter()
        .filter(|experiment| experiment.runs_in_browser)
    {
        let lab = classbridge_labs::lab(experiment.id).expect("a browser experiment has a lab");
        // A hundred attempts, each with its own hidden values and readings.
        let submissions: Vec<_> = (0..100u64)
            .filter_map(|seed| classbridge_labs::careful_submission(experiment.id, seed))
            .collect();
        let started = Instant::now();
        let mut graded = 0u64;
        let mut score_sum = 0u64;
        while started.elapsed() < Duration::from_millis(500) {
            for (hidden, submission) in &submissions {
                score_sum += u64::from(lab.grade(hidden, submission).expect("grades").score);
                graded += 1;
            }
        }
        let elapsed = started.elapsed();
        println!(
            "{:<22} {:>9.0} submissions graded per second (mean score {:.1})",
            experiment.id,
            graded as f64 / elapsed.as_secs_f64(),
            score_sum as f64 / graded as f64
        );
        total_graded += graded;
        total_time += elapsed;
    }
    println!(
        "all labs               {:>9.0} submissions graded per second on one thread",
        total_graded as f64 / total_time.as_secs_f64()
    );
}
