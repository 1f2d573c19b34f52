//! Test helpers shared by the labs' unit tests: taking readings as a student would and fitting straight lines.

use serde_json::{json, Value};

use crate::{noise_seed, Grade, Lab};

/// Takes one reading per set-up, as the server would for an attempt with this seed, and returns the rows.
pub(crate) fn take_readings(
    lab: &dyn Lab,
    hidden: &Value,
    attempt_seed: u64,
    setups: &[Value],
) -> Vec<Value> {
    setups
        .iter()
        .enumerate()
        .map(|(index, setup)| {
            lab.observe(hidden, setup, noise_seed(attempt_seed, index as u32))
                .expect("observe")
        })
        .collect()
}

/// Least-squares slope and intercept of y against x.
pub(crate) fn fit(points: &[(f64, f64)]) -> (f64, f64) {
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let slope = sxy / sxx;
    (slope, mean_y - slope * mean_x)
}

pub(crate) fn submission(readings: Vec<Value>, result: Value) -> Value {
    json!({ "readings": readings, "result": result })
}

/// The marks of each line, in order, for comparing with the rubric's hand-computed marks.
pub(crate) fn marks(grade: &Grade) -> Vec<u8> {
    grade.lines.iter().map(|line| line.earned).collect()
}

/// Every line says why in both languages.
pub(crate) fn assert_explained(grade: &Grade) {
    for line in &grade.lines {
        assert!(
            !line.comment_en.is_empty() && !line.comment_ar.is_empty(),
            "{line:?}"
        );
        assert!(
            line.comment_ar
                .chars()
                .any(|c| ('\u{0600}'..='\u{06ff}').contains(&c)),
            "{line:?}"
        );
    }
    assert_eq!(
        grade.score as u32,
        grade
            .lines
            .iter()
            .map(|line| line.earned as u32)
            .sum::<u32>()
    );
}

/// The dot path of a refused input.
pub(crate) fn error_path<T>(result: Result<T, crate::LabError>) -> String {
    match result {
        Err(crate::LabError::Input { path, .. }) => path,
        Ok(_) => panic!("the input was accepted"),
    }
}
