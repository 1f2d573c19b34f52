//! The simple pendulum on a research station of unknown gravity.
//!
//! Model (SI units): a bob on a light string of length L (m) released from an amplitude θ₀ (rad) swings with the
//! period T = 2π√(L/g)·(1 + θ₀²/16 + 11θ₀⁴/3072) (s), the small-angle period with the first two terms of the
//! large-amplitude series, so that a student who releases it from 30° finds g about 3.5 % too small. g (m/s²) is
//! the station's, hidden, between 3.5 and 11 m/s². The student times n oscillations with a hand stopwatch: the
//! time n·T carries the reaction error of starting and stopping, σ = 0.10 s, and the stopwatch shows 0.01 s. g is
//! 4π² divided by the slope of T² against L.

use std::f64::consts::PI;

use serde_json::{json, Value};

use super::{apparatus, experiment_of, known};
use crate::grading::{self, agrees, round_to, spread_of, Expected, Noise, Tolerance};
use crate::spec::{text, Bench, Control, ControlKind, Measured, ResultField, UnitChoice};
use crate::{Experiment, Grade, Lab, LabError};

pub(crate) struct SimplePendulum;

const LENGTH: Control = Control {
    name: "length",
    label: text("String length L", "طول الخيط L"),
    unit: "m",
    kind: ControlKind::Range {
        min: 0.2,
        max: 1.5,
        step: 0.05,
        default: 0.5,
    },
};
const OSCILLATIONS: Control = Control {
    name: "oscillations",
    label: text("Oscillations timed", "عدد الاهتزازات المؤقتة"),
    unit: "",
    kind: ControlKind::Choice {
        values: &[1.0, 5.0, 10.0, 20.0],
        default: 10.0,
    },
};
const AMPLITUDE: Control = Control {
    name: "amplitude",
    label: text("Release angle", "زاوية الإفلات"),
    unit: "°",
    kind: ControlKind::Range {
        min: 5.0,
        max: 30.0,
        step: 1.0,
        default: 10.0,
    },
};
const TIME: Measured = Measured {
    name: "time",
    label: text("Stopwatch t", "ساعة الإيقاف t"),
    unit: "s",
    resolution: 0.01,
};

/// The reaction error of a hand-timed interval (start and stop), s.
const REACTION_SIGMA: f64 = 0.10;

pub(crate) static BENCH: Bench = Bench {
    controls: &[LENGTH, OSCILLATIONS, AMPLITUDE],
    measured: &[TIME],
    results: &[ResultField {
        name: "gravity",
        label: text("Gravitational field strength g", "شدة مجال الجاذبية g"),
        units: &[
            UnitChoice { value: "m_per_s2", label: "m/s²", factor: Some(1.0) },
            UnitChoice { value: "n_per_kg", label: "N/kg", factor: Some(1.0) },
            UnitChoice { value: "cm_per_s2", label: "cm/s²", factor: Some(0.01) },
            UnitChoice { value: "m_per_s", label: "m/s", factor: None },
            UnitChoice { value: "newton", label: "N", factor: None },
            UnitChoice { value: "second", label: "s", factor: None },
        ],
    }],
    instructions: text(
        "Set the string length, release the bob from a small angle, and time several oscillations with the stopwatch. Take readings for at least six lengths from short to long. Work out the period T = t / n, plot T² against L, and give g = 4π² / slope with its unit.",
        "اضبط طول الخيط، وأفلِت الثقل من زاوية صغيرة، ووقِّت عدة اهتزازات بساعة الإيقاف. خذ قراءات لستة أطوال على الأقل من القصير إلى الطويل. احسب الزمن الدوري T = t / n، وارسم T² مقابل L، وأعطِ g = 4π² / الميل مع وحدتها.",
    ),
    plot: ("length", "time"),
};

/// The period in s of a pendulum of length `length` m released from `amplitude_degrees` under gravity `gravity`.
fn period(gravity: f64, length: f64, amplitude_degrees: f64) -> f64 {
    let theta = amplitude_degrees.to_radians();
    2.0 * PI
        * (length / gravity).sqrt()
        * (1.0 + theta.powi(2) / 16.0 + 11.0 * theta.powi(4) / 3072.0)
}

fn gravity(hidden: &Value) -> Result<f64, LabError> {
    grading::hidden_number(hidden, "gravity")
}

impl Lab for SimplePendulum {
    fn experiment(&self) -> &'static Experiment {
        experiment_of("simple-pendulum")
    }

    fn hidden(&self, seed: u64) -> Value {
        let mut rng = grading::hidden_rng(seed);
        json!({ "gravity": round_to(rng.uniform(3.5, 11.0), 0.01) })
    }

    fn apparatus(&self, _hidden: &Value) -> Value {
        apparatus(
            &BENCH,
            &[3600.0],
            vec![known(
                "bob_mass",
                "Mass of the bob",
                "كتلة الثقل",
                0.05,
                "kg",
            )],
        )
    }

    fn observe(&self, hidden: &Value, setup: &Value, noise_seed: u64) -> Result<Value, LabError> {
        let gravity = gravity(hidden)?;
        let setup = grading::setup(&BENCH, setup)?;
        let (length, oscillations, amplitude) =
            (setup["length"], setup["oscillations"], setup["amplitude"]);
        let time = oscillations * period(gravity, length, amplitude)
            + REACTION_SIGMA * Noise::new(noise_seed).gaussian();
        Ok(json!({
            "length": length,
            "oscillations": oscillations,
            "amplitude": amplitude,
            "time": round_to(time.max(0.0), TIME.resolution),
        }))
    }

    fn grade(&self, hidden: &Value, submission: &Value) -> Result<Grade, LabError> {
        let gravity = gravity(hidden)?;
        let (rows, answers) = grading::submission(&BENCH, submission)?;
        let consistent = |row: &grading::Row| {
            let expected =
                row.get("oscillations") * period(gravity, row.get("length"), row.get("amplitude"));
            agrees(row.get("time"), expected, REACTION_SIGMA, TIME.resolution)
        };
        let spread = |rows: &[&grading::Row]| {
            spread_of(rows, LENGTH.name, LENGTH.label, LENGTH.bounds(), 5, 0.5)
        };
        let expected = Expected {
            symbol: text("g", "g"),
            truth: gravity,
            unit: "m/s²",
            tolerance: Tolerance::Relative(0.03),
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

/// The README's careful student: lengths 0.30 m to 1.35 m in steps of 0.15 m, 20 oscillations from 5°.
pub(crate) fn careful(hidden: &Value) -> (Vec<Value>, Value) {
    let setups = (0..8)
        .map(|step| json!({ "length": round_to(0.30 + 0.15 * f64::from(step), 0.01), "oscillations": 20, "amplitude": 5 }))
        .collect();
    let gravity = hidden
        .get("gravity")
        .and_then(Value::as_f64)
        .unwrap_or_default();
    (
        setups,
        json!({ "gravity": gravity, "gravity_unit": "m_per_s2" }),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::labs::testing::{
        assert_explained, error_path, fit, marks, submission, take_readings,
    };

    fn g_from(readings: &[Value]) -> f64 {
        let points: Vec<(f64, f64)> = readings
            .iter()
            .map(|r| {
                let period = r["time"].as_f64().unwrap() / r["oscillations"].as_f64().unwrap();
                (r["length"].as_f64().unwrap(), period * period)
            })
            .collect();
        4.0 * PI * PI / fit(&points).0
    }

    #[test]
    fn the_period_is_two_pi_root_l_over_g() {
        // Hand-computed: L = 1 m, g = 9.81 m/s², 5°: T₀ = 2π√(1/9.81) = 2.00607 s, × (1 + 0.087266²/16) = 2.00702 s.
        assert!((period(9.81, 1.0, 5.0) - 2.00702).abs() < 1e-4);
        let hidden = json!({ "gravity": 9.81 });
        let reading = SimplePendulum
            .observe(
                &hidden,
                &json!({ "length": 1, "oscillations": 20, "amplitude": 5 }),
                3,
            )
            .unwrap();
        assert!(
            (reading["time"].as_f64().unwrap() - 40.14).abs() < 0.4,
            "{reading}"
        );
    }

    #[test]
    fn a_careful_student_scores_100() {
        for seed in [1, 2, 3] {
            let hidden = SimplePendulum.hidden(seed);
            let readings = take_readings(&SimplePendulum, &hidden, seed, &careful(&hidden).0);
            let gravity = g_from(&readings);
            let grade = SimplePendulum
                .grade(
                    &hidden,
                    &submission(
                        readings,
                        json!({ "gravity": gravity, "gravity_unit": "n_per_kg" }),
                    ),
                )
                .unwrap();
            assert_explained(&grade);
            assert_eq!(grade.score, 100, "{grade:#?}");
        }
    }

    #[test]
    fn a_careless_student_loses_the_marks_the_rubric_says() {
        // Single swings timed at 30°: each time is within the reaction error, so consistent (30) and six lengths
        // over the range (enough 10, spread 10); g from T² = 4π²L/g of one swing is off by the 30° error and the
        // reaction time: here more than 6 % → 0, and the unit then earns nothing: 50.
        let hidden = json!({ "gravity": 9.0 });
        let setups: Vec<Value> = (0..6)
            .map(|step| json!({ "length": 0.25 + 0.25 * f64::from(step), "oscillations": 1, "amplitude": 30 }))
            .collect();
        let readings = take_readings(&SimplePendulum, &hidden, 11, &setups);
        let one = &readings[0];
        let gravity =
            4.0 * PI * PI * one["length"].as_f64().unwrap() / one["time"].as_f64().unwrap().powi(2);
        assert!((gravity - 9.0).abs() / 9.0 > 0.06, "{gravity}");
        let grade = SimplePendulum
            .grade(
                &hidden,
                &submission(
                    readings,
                    json!({ "gravity": gravity, "gravity_unit": "m_per_s2" }),
                ),
            )
            .unwrap();
        assert_explained(&grade);
        assert_eq!(marks(&grade), vec![10, 30, 10, 0, 0], "{grade:#?}");
        // A good g in m/s (wrong unit): 90.
        let readings = take_readings(&SimplePendulum, &hidden, 11, &careful(&hidden).0);
        let grade = SimplePendulum
            .grade(
                &hidden,
                &submission(
                    readings,
                    json!({ "gravity": 9.05, "gravity_unit": "m_per_s" }),
                ),
            )
            .unwrap();
        assert_eq!(marks(&grade), vec![10, 30, 10, 40, 0]);
    }

    #[test]
    fn nonsense_scores_0_with_its_reasons() {
        let hidden = json!({ "gravity": 6.0 });
        let readings =
            vec![json!({ "length": 1, "oscillations": 10, "amplitude": 10, "time": 3 }); 7];
        let grade = SimplePendulum
            .grade(
                &hidden,
                &submission(readings, json!({ "gravity": 98, "gravity_unit": "second" })),
            )
            .unwrap();
        assert_explained(&grade);
        assert_eq!(grade.score, 0, "{grade:#?}");
    }

    #[test]
    fn bad_inputs_are_refused_with_their_path() {
        let hidden = SimplePendulum.hidden(1);
        let setup = |oscillations: Value| json!({ "length": 0.5, "oscillations": oscillations, "amplitude": 10 });
        assert_eq!(
            error_path(SimplePendulum.observe(&hidden, &setup(json!(7)), 1)),
            "setup.oscillations"
        );
        assert_eq!(
            error_path(SimplePendulum.observe(&hidden, &setup(json!(true)), 1)),
            "setup.oscillations"
        );
        assert!(SimplePendulum
            .observe(&hidden, &setup(json!("20")), 1)
            .is_ok());
        let reading = json!({ "length": 0.5, "oscillations": 10, "amplitude": 10 });
        assert_eq!(
            error_path(
                SimplePendulum.grade(&hidden, &submission(vec![reading], json!({ "gravity": 9 })))
            ),
            "readings.0.time"
        );
    }
}
