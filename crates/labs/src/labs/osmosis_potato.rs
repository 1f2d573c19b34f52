//! Osmosis in potato cylinders: cylinders cut with a cork borer, weighed, soaked for 30 minutes in sucrose
//! solutions, blotted and weighed again.
//!
//! Model: water moves by osmosis from the higher to the lower water potential, so a cylinder gains mass in a
//! solution more dilute than its cells and loses mass in a more concentrated one. Near the isotonic concentration
//! c_iso (mol/dm³) the percentage change in mass is proportional to the difference: Δm/m₀ × 100 = a·(c_iso − c),
//! with a (% per mol/dm³) the tissue's responsiveness; the change is limited to +25 % (the cell wall stops further
//! uptake: full turgor) and −35 % (fully plasmolysed cells have lost their free water). c_iso (0.20 to 0.40
//! mol/dm³) and a (40 to 60 % per mol/dm³) are hidden; each cylinder varies by σ = 1.0 percentage point
//! (biological variation) and weighs 2.00 to 3.00 g fresh. The balance reads 0.01 g with σ = 0.005 g. The student
//! finds c_iso where the graph of percentage change against concentration crosses zero.

use serde_json::{json, Value};

use super::{apparatus, experiment_of, known};
use crate::grading::{self, round_to, spread_of, Expected, Noise, Tolerance};
use crate::spec::{text, Bench, Control, ControlKind, Measured, ResultField, UnitChoice};
use crate::{Experiment, Grade, Lab, LabError};

pub(crate) struct OsmosisPotato;

/// The variation of one cylinder's percentage change, percentage points.
const CYLINDER_SIGMA: f64 = 1.0;
/// The balance's noise, g.
const BALANCE_SIGMA: f64 = 0.005;

const CONCENTRATION: Control = Control {
    name: "concentration",
    label: text("Sucrose concentration", "تركيز السكروز"),
    unit: "mol/dm³",
    kind: ControlKind::Choice {
        values: &[0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0],
        default: 0.0,
    },
};
const INITIAL: Measured = Measured {
    name: "initial_mass",
    label: text("Mass before", "الكتلة قبل النقع"),
    unit: "g",
    resolution: 0.01,
};
const FINAL: Measured = Measured {
    name: "final_mass",
    label: text("Mass after 30 min", "الكتلة بعد 30 دقيقة"),
    unit: "g",
    resolution: 0.01,
};

pub(crate) static BENCH: Bench = Bench {
    controls: &[CONCENTRATION],
    measured: &[INITIAL, FINAL],
    results: &[ResultField {
        name: "isotonic_concentration",
        label: text("Isotonic sucrose concentration", "تركيز السكروز المتساوي التوتر"),
        units: &[
            UnitChoice { value: "mol_per_dm3", label: "mol/dm³", factor: Some(1.0) },
            UnitChoice { value: "mol_per_l", label: "mol/L", factor: Some(1.0) },
            UnitChoice { value: "mmol_per_dm3", label: "mmol/dm³", factor: Some(0.001) },
            UnitChoice { value: "gram", label: "g", factor: None },
            UnitChoice { value: "percent", label: "%", factor: None },
        ],
    }],
    instructions: text(
        "Choose a sucrose solution and put a fresh potato cylinder in it: the balance weighs it before and after 30 minutes. Use at least six concentrations from 0 to 0.6 mol/dm³ or more. Work out the percentage change in mass, (after − before) ÷ before × 100, plot it against concentration, and give the concentration where the line crosses zero, with its unit.",
        "اختر محلول سكروز وضع فيه أسطوانة بطاطا جديدة: يزنها الميزان قبل النقع وبعد 30 دقيقة. استخدم ست تراكيز على الأقل من 0 إلى 0.6 mol/dm³ أو أكثر. احسب النسبة المئوية للتغير في الكتلة (بعد − قبل) ÷ قبل × 100، وارسمها مقابل التركيز، وأعطِ التركيز الذي يقطع عنده الخط الصفر مع وحدته.",
    ),
    plot: ("concentration", "final_mass-initial_mass"),
};

struct Tissue {
    /// mol/dm³.
    isotonic: f64,
    /// % per mol/dm³.
    responsiveness: f64,
}

impl Tissue {
    fn from(hidden: &Value) -> Result<Self, LabError> {
        Ok(Tissue {
            isotonic: grading::hidden_number(hidden, "isotonic_concentration")?,
            responsiveness: grading::hidden_number(hidden, "responsiveness")?,
        })
    }

    /// The expected percentage change in mass in a solution of `concentration` mol/dm³.
    fn change(&self, concentration: f64) -> f64 {
        (self.responsiveness * (self.isotonic - concentration)).clamp(-35.0, 25.0)
    }
}

impl Lab for OsmosisPotato {
    fn experiment(&self) -> &'static Experiment {
        experiment_of("osmosis-potato")
    }

    fn hidden(&self, seed: u64) -> Value {
        let mut rng = grading::hidden_rng(seed);
        json!({
            "isotonic_concentration": round_to(rng.uniform(0.20, 0.40), 0.01),
            "responsiveness": round_to(rng.uniform(40.0, 60.0), 0.1),
        })
    }

    fn apparatus(&self, _hidden: &Value) -> Value {
        apparatus(
            &BENCH,
            &[200.0, 200.0],
            vec![
                known(
                    "soak_time",
                    "Time in the solution",
                    "مدة النقع",
                    30.0,
                    "min",
                ),
                known("borer", "Cork borer diameter", "قطر الثاقب", 8.0, "mm"),
            ],
        )
    }

    fn observe(&self, hidden: &Value, setup: &Value, noise_seed: u64) -> Result<Value, LabError> {
        let tissue = Tissue::from(hidden)?;
        let setup = grading::setup(&BENCH, setup)?;
        let concentration = setup["concentration"];
        let mut noise = Noise::new(noise_seed);
        let initial = noise.uniform(2.0, 3.0);
        let change = tissue.change(concentration) + CYLINDER_SIGMA * noise.gaussian();
        let last = initial * (1.0 + change / 100.0);
        Ok(json!({
            "concentration": concentration,
            "initial_mass": round_to(initial + BALANCE_SIGMA * noise.gaussian(), INITIAL.resolution),
            "final_mass": round_to(last + BALANCE_SIGMA * noise.gaussian(), FINAL.resolution),
        }))
    }

    fn grade(&self, hidden: &Value, submission: &Value) -> Result<Grade, LabError> {
        let tissue = Tissue::from(hidden)?;
        let (rows, answers) = grading::submission(&BENCH, submission)?;
        let consistent = |row: &grading::Row| {
            let (initial, last) = (row.get("initial_mass"), row.get("final_mass"));
            if !(1.98..=3.02).contains(&initial) || !CONCENTRATION.accepts(row.get("concentration"))
            {
                return false;
            }
            // The balance's rounding and noise on both masses, as percentage points of the change.
            let weighing = (2.0 * (BALANCE_SIGMA + INITIAL.resolution / 2.0)) / initial * 100.0;
            let change = (last - initial) / initial * 100.0;
            (change - tissue.change(row.get("concentration"))).abs()
                <= 4.0 * CYLINDER_SIGMA + weighing
        };
        let spread = |rows: &[&grading::Row]| {
            spread_of(
                rows,
                CONCENTRATION.name,
                CONCENTRATION.label,
                CONCENTRATION.bounds(),
                5,
                0.5,
            )
        };
        let expected = Expected {
            symbol: text("c_iso", "c_iso"),
            truth: tissue.isotonic,
            unit: "mol/dm³",
            tolerance: Tolerance::Absolute(0.03),
        };
        Ok(grading::standard(
            &rows,
            &answers[0],
            6,
            consistent,
            spread,
            &expected,
        ))
    }
}

/// The README's careful student: 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6 and 0.8 mol/dm³, a cylinder in each; c_iso where
/// the straight line through the points between −25 % and +20 % crosses zero.
pub(crate) fn careful(hidden: &Value) -> (Vec<Value>, Value) {
    let setups = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8]
        .iter()
        .map(|c| json!({ "concentration": c }))
        .collect();
    let isotonic = hidden
        .get("isotonic_concentration")
        .and_then(Value::as_f64)
        .unwrap_or_default();
    (
        setups,
        json!({ "isotonic_concentration": isotonic, "isotonic_concentration_unit": "mol_per_dm3" }),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::labs::testing::{
        assert_explained, error_path, fit, marks, submission, take_readings,
    };

    fn percentage(reading: &Value) -> f64 {
        let initial = reading["initial_mass"].as_f64().unwrap();
        (reading["final_mass"].as_f64().unwrap() - initial) / initial * 100.0
    }

    #[test]
    fn mass_changes_with_the_water_potential_difference() {
        // Hand-computed: c_iso 0.30, a 50 %/(mol/dm³): in water +15 %, at 0.30 0 %, at 0.60 −15 %, at 1.0 −35 %
        // (plasmolysed: 50 × −0.7 = −35 at the limit).
        let tissue =
            Tissue::from(&json!({ "isotonic_concentration": 0.3, "responsiveness": 50.0 }))
                .unwrap();
        assert!((tissue.change(0.0) - 15.0).abs() < 1e-9);
        assert!(tissue.change(0.3).abs() < 1e-9);
        assert!((tissue.change(0.6) + 15.0).abs() < 1e-9);
        assert!((tissue.change(1.0) + 35.0).abs() < 1e-9);
    }

    #[test]
    fn a_careful_student_scores_100() {
        for seed in [1, 2, 3] {
            let hidden = OsmosisPotato.hidden(seed);
            let readings = take_readings(&OsmosisPotato, &hidden, seed, &careful(&hidden).0);
            let points: Vec<(f64, f64)> = readings
                .iter()
                .map(|r| (r["concentration"].as_f64().unwrap(), percentage(r)))
                .filter(|(_, change)| (-25.0..=20.0).contains(change))
                .collect();
            let (slope, intercept) = fit(&points);
            let isotonic = -intercept / slope;
            let grade = OsmosisPotato
                .grade(&hidden, &submission(readings, json!({ "isotonic_concentration": isotonic, "isotonic_concentration_unit": "mol_per_l" })))
                .unwrap();
            assert_explained(&grade);
            assert_eq!(grade.score, 100, "{grade:#?}");
        }
    }

    #[test]
    fn a_careless_student_loses_the_marks_the_rubric_says() {
        // Mass change in grams rather than percent, and the concentration of the cylinder that changed least taken
        // as the answer: 0.3 for c_iso 0.26 (0.04 off: within 0.06 → half, 20), unit right → 10; five solutions
        // 0..0.4 (enough: 5 of 6 → 5; spread 5 values over 40 % → half, 5): 5 + 30 + 5 + 20 + 10 = 70.
        let hidden = json!({ "isotonic_concentration": 0.26, "responsiveness": 50.0 });
        let setups: Vec<Value> = [0.0, 0.1, 0.2, 0.3, 0.4]
            .iter()
            .map(|c| json!({ "concentration": c }))
            .collect();
        let readings = take_readings(&OsmosisPotato, &hidden, 8, &setups);
        let grade = OsmosisPotato
            .grade(&hidden, &submission(readings, json!({ "isotonic_concentration": 0.3, "isotonic_concentration_unit": "mol_per_dm3" })))
            .unwrap();
        assert_explained(&grade);
        assert_eq!(marks(&grade), vec![5, 30, 5, 20, 10], "{grade:#?}");
        assert_eq!(grade.score, 70);
    }

    #[test]
    fn nonsense_scores_0_with_its_reasons() {
        let hidden = json!({ "isotonic_concentration": 0.26, "responsiveness": 50.0 });
        // Every cylinder gaining a lot of mass, even in the strongest sugar: not osmosis.
        let readings: Vec<Value> = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0]
            .iter()
            .map(|c| json!({ "concentration": c, "initial_mass": 2.5, "final_mass": 3.5 }))
            .collect();
        let grade = OsmosisPotato
            .grade(&hidden, &submission(readings, json!({ "isotonic_concentration": 1.5, "isotonic_concentration_unit": "percent" })))
            .unwrap();
        assert_explained(&grade);
        assert_eq!(grade.score, 0, "{grade:#?}");
    }

    #[test]
    fn bad_inputs_are_refused_with_their_path() {
        let hidden = OsmosisPotato.hidden(1);
        assert_eq!(
            error_path(OsmosisPotato.observe(&hidden, &json!({ "concentration": 0.25 }), 1)),
            "setup.concentration"
        );
        let body = json!({ "readings": [{ "concentration": 0.1, "initial_mass": 2.5, "final_mass": null }], "result": {} });
        assert_eq!(
            error_path(OsmosisPotato.grade(&hidden, &body)),
            "readings.0.final_mass"
        );
    }
}
