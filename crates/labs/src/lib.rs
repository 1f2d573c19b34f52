//! The virtual science labs: the experiment catalogue, each lab's simulated apparatus and instruments, its rubric,
//! and the browser page and static assets that run it.
//!
//! The server stores an attempt's hidden parameters (`Lab::hidden`), answers the student's readings with
//! `Lab::observe` (deterministic from `noise_seed`), and grades the submission with `Lab::grade`. Nothing here
//! touches a database or HTTP; `page_html` and `asset` give the server what it serves.

mod assets;
mod catalogue;
mod grading;
mod labs;
mod page;
mod spec;

pub use assets::{asset, asset_names};
pub use catalogue::{catalogue, experiment};
pub use page::{page_html, PageConfig};

use serde::Serialize;

/// The school subject an experiment belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SubjectArea {
    Physics,
    Chemistry,
    Biology,
}

/// One experiment of the catalogue, in English and Arabic.
#[derive(Debug, Serialize)]
pub struct Experiment {
    /// Stable kebab-case id, e.g. `ohms-law`.
    pub id: &'static str,
    pub name_en: &'static str,
    pub name_ar: &'static str,
    pub description_en: &'static str,
    pub description_ar: &'static str,
    pub subject_area: SubjectArea,
    /// School grades the experiment is written for, e.g. `9-10`.
    pub grade_band: &'static str,
    pub objectives_en: &'static [&'static str],
    pub objectives_ar: &'static [&'static str],
    /// True when `lab(id)` gives a lab that runs in the browser.
    pub runs_in_browser: bool,
}

/// A virtual lab: hidden parameters from a seed, simulated instruments, and a rubric.
pub trait Lab: Send + Sync {
    fn experiment(&self) -> &'static Experiment;
    /// The attempt's hidden parameters, fixed from its seed (same seed, same values). Stored by the server, never sent.
    fn hidden(&self, seed: u64) -> serde_json::Value;
    /// What the student may see of this attempt's set-up (instrument ranges and resolutions, known quantities).
    fn apparatus(&self, hidden: &serde_json::Value) -> serde_json::Value;
    /// One instrument reading for the student's set-up; noise from `noise_seed` (deterministic).
    fn observe(
        &self,
        hidden: &serde_json::Value,
        setup: &serde_json::Value,
        noise_seed: u64,
    ) -> Result<serde_json::Value, LabError>;
    /// Grades a submission {"readings": [...], "result": {...}} 0-100 by the lab's rubric. Never reads a score from it.
    fn grade(
        &self,
        hidden: &serde_json::Value,
        submission: &serde_json::Value,
    ) -> Result<Grade, LabError>;
}

/// The lab with this experiment id, when the experiment runs in the browser.
pub fn lab(id: &str) -> Option<&'static dyn Lab> {
    labs::find(id).map(|entry| entry.lab)
}

/// The hidden values of an attempt with this seed and a careful student's submission for it: the set-ups of the
/// README's sequence read through `observe`, and the result the lab asks for (the apparatus's value, in its unit).
/// For benchmarks, previews and tests beyond this crate; `None` for an experiment without a lab.
pub fn careful_submission(
    id: &str,
    attempt_seed: u64,
) -> Option<(serde_json::Value, serde_json::Value)> {
    let entry = labs::find(id)?;
    let hidden = entry.lab.hidden(attempt_seed);
    let (setups, result) = (entry.careful)(&hidden);
    let readings: Vec<serde_json::Value> = setups
        .iter()
        .enumerate()
        .filter_map(|(index, setup)| {
            entry
                .lab
                .observe(&hidden, setup, noise_seed(attempt_seed, index as u32))
                .ok()
        })
        .collect();
    Some((
        hidden,
        serde_json::json!({ "readings": readings, "result": result }),
    ))
}

/// The noise seed of one reading of an attempt: a SplitMix64 mix of both, so that neighbouring readings and
/// neighbouring attempts get unrelated noise.
pub fn noise_seed(attempt_seed: u64, reading_index: u32) -> u64 {
    splitmix64(attempt_seed ^ splitmix64(u64::from(reading_index).wrapping_add(0x6c61_6273)))
}

fn splitmix64(value: u64) -> u64 {
    let mut z = value.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A graded submission: the score and every rubric line that made it.
#[derive(Debug, Clone, Serialize)]
pub struct Grade {
    pub score: u8,
    pub lines: Vec<RubricLine>,
}

/// One criterion of a rubric: what it was worth, what was earned, and why, in English and Arabic.
#[derive(Debug, Clone, Serialize)]
pub struct RubricLine {
    pub criterion_en: String,
    pub criterion_ar: String,
    pub earned: u8,
    pub possible: u8,
    pub comment_en: String,
    pub comment_ar: String,
}

/// What a lab refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabError {
    /// The server answers 422 with this dot path (relative to the request body, e.g. "setup.voltage", "readings.3.current").
    #[error("{path}: {message}")]
    Input { path: String, message: String },
}

impl LabError {
    pub(crate) fn input(path: impl Into<String>, message: impl Into<String>) -> Self {
        LabError::Input {
            path: path.into(),
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_seeds_differ_by_reading_and_attempt_and_repeat() {
        assert_eq!(noise_seed(7, 3), noise_seed(7, 3));
        assert_ne!(noise_seed(7, 3), noise_seed(7, 4));
        assert_ne!(noise_seed(7, 3), noise_seed(8, 3));
    }

    #[test]
    fn every_browser_experiment_has_a_lab_and_no_other() {
        for experiment in catalogue() {
            assert_eq!(
                lab(experiment.id).is_some(),
                experiment.runs_in_browser,
                "{}",
                experiment.id
            );
            if let Some(lab) = lab(experiment.id) {
                assert_eq!(lab.experiment().id, experiment.id);
                assert!(
                    asset(&format!("{}.js", experiment.id)).is_some(),
                    "{} has no script",
                    experiment.id
                );
                for seed in 0..20 {
                    let (hidden, submission) = careful_submission(experiment.id, seed).unwrap();
                    let grade = lab.grade(&hidden, &submission).unwrap();
                    assert_eq!(
                        grade.score, 100,
                        "{} seed {seed}: {grade:#?}",
                        experiment.id
                    );
                }
            }
        }
        assert!(lab("no-such-lab").is_none());
    }
}
