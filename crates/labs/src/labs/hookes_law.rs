//! Hooke's law: slotted masses on a spring, its length read on a metre rule.
//!
//! Model (SI units): a load of mass m (kg) pulls with the force F = m·g (N), g = 9.81 N/kg; below the limit of
//! proportionality the extension is x = F / k (m) for the spring constant k (N/m), hidden, between 20 and 60 N/m,
//! so that 500 g stretch it at most 0.245 m, well inside the limit of these springs. The pointer stands at the
//! length L = L₀ + x, with the natural length L₀ hidden between 10.0 and 15.0 cm. The student reads the pointer on a
//! metre rule in cm to 0.1 cm, with a parallax error σ = 0.05 cm, and finds k as the slope of F against x (or g
//! divided by the slope of L against m).

use serde_json::{json, Value};

use super::{apparatus, experiment_of, known};
use crate::grading::{self, agrees, round_to, spread_of, Expected, Noise, Tolerance};
use crate::spec::{text, Bench, Control, ControlKind, Measured, ResultField, UnitChoice};
use crate::{Experiment, Grade, Lab, LabError};

pub(crate) struct HookesLaw;

/// The gravitational field strength of the lab, N/kg.
const G: f64 = 9.81;
/// The parallax error of reading the pointer, cm.
const PARALLAX_SIGMA: f64 = 0.05;

const MASS: Control = Control {
    name: "mass",
    label: text("Load on the hanger", "الحمل على الحامل"),
    unit: "g",
    kind: ControlKind::Range {
        min: 0.0,
        max: 500.0,
        step: 50.0,
        default: 0.0,
    },
};
const LENGTH: Measured = Measured {
    name: "length",
    label: text("Pointer on the rule L", "المؤشر على المسطرة L"),
    unit: "cm",
    resolution: 0.1,
};

pub(crate) static BENCH: Bench = Bench {
    controls: &[MASS],
    measured: &[LENGTH],
    results: &[ResultField {
        name: "spring_constant",
        label: text("Spring constant k", "ثابت النابض k"),
        units: &[
            UnitChoice { value: "n_per_m", label: "N/m", factor: Some(1.0) },
            UnitChoice { value: "n_per_cm", label: "N/cm", factor: Some(100.0) },
            UnitChoice { value: "newton", label: "N", factor: None },
            UnitChoice { value: "kilogram", label: "kg", factor: None },
            UnitChoice { value: "metre", label: "m", factor: None },
        ],
    }],
    instructions: text(
        "Read the pointer with no load, then hang loads one by one and read the pointer each time, for at least six loads from light to heavy. The extension is the length minus the unloaded length and the force is m × 9.81 N/kg (m in kg). Plot F against the extension in metres and give k from the slope, with its unit.",
        "اقرأ المؤشر دون حمل، ثم علِّق الأثقال واحدًا بعد الآخر واقرأ المؤشر في كل مرة، لستة أحمال على الأقل من الخفيف إلى الثقيل. الاستطالة هي الطول مطروحًا منه الطول دون حمل، والقوة m × 9.81 N/kg (m بالكيلوغرام). ارسم F مقابل الاستطالة بالمتر وأعطِ k من الميل مع وحدتها.",
    ),
    plot: ("mass", "length"),
};

struct Spring {
    /// N/m.
    constant: f64,
    /// cm.
    natural_length: f64,
}

impl Spring {
    fn from(hidden: &Value) -> Result<Self, LabError> {
        Ok(Spring {
            constant: grading::hidden_number(hidden, "spring_constant")?,
            natural_length: grading::hidden_number(hidden, "natural_length")?,
        })
    }

    /// The pointer's length in cm with `grams` on the hanger.
    fn length(&self, grams: f64) -> f64 {
        let force = grams / 1000.0 * G;
        self.natural_length + force / self.constant * 100.0
    }
}

impl Lab for HookesLaw {
    fn experiment(&self) -> &'static Experiment {
        experiment_of("hookes-law")
    }

    fn hidden(&self, seed: u64) -> Value {
        let mut rng = grading::hidden_rng(seed);
        json!({
            "spring_constant": round_to(rng.uniform(20.0, 60.0), 0.1),
            "natural_length": round_to(rng.uniform(10.0, 15.0), 0.1),
        })
    }

    fn apparatus(&self, _hidden: &Value) -> Value {
        apparatus(
            &BENCH,
            &[100.0],
            vec![known(
                "g",
                "Gravitational field strength",
                "شدة مجال الجاذبية",
                G,
                "N/kg",
            )],
        )
    }

    fn observe(&self, hidden: &Value, setup: &Value, noise_seed: u64) -> Result<Value, LabError> {
        let spring = Spring::from(hidden)?;
        let setup = grading::setup(&BENCH, setup)?;
        let length =
            spring.length(setup["mass"]) + PARALLAX_SIGMA * Noise::new(noise_seed).gaussian();
        Ok(json!({ "mass": setup["mass"], "length": round_to(length, LENGTH.resolution) }))
    }

    fn grade(&self, hidden: &Value, submission: &Value) -> Result<Grade, LabError> {
        let spring = Spring::from(hidden)?;
        let (rows, answers) = grading::submission(&BENCH, submission)?;
        let consistent = |row: &grading::Row| {
            agrees(
                row.get("length"),
                spring.length(row.get("mass")),
                PARALLAX_SIGMA,
                LENGTH.resolution,
            )
        };
        let spread =
            |rows: &[&grading::Row]| spread_of(rows, MASS.name, MASS.label, MASS.bounds(), 5, 0.5);
        let expected = Expected {
            symbol: text("k", "k"),
            truth: spring.constant,
            unit: "N/m",
            tolerance: Tolerance::Relative(0.04),
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

/// The README's careful student: loads 0 g to 500 g in steps of 50 g except 450 g (ten readings), k from the slope.
pub(crate) fn careful(hidden: &Value) -> (Vec<Value>, Value) {
    let setups = [0, 50, 100, 150, 200, 250, 300, 350, 400, 500]
        .iter()
        .map(|grams| json!({ "mass": grams }))
        .collect();
    let constant = hidden
        .get("spring_constant")
        .and_then(Value::as_f64)
        .unwrap_or_default();
    (
        setups,
        json!({ "spring_constant": constant, "spring_constant_unit": "n_per_m" }),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::labs::testing::{
        assert_explained, error_path, fit, marks, submission, take_readings,
    };

    #[test]
    fn the_extension_is_the_force_over_k() {
        // Hand-computed: k = 24.5 N/m, L₀ = 12.0 cm, 250 g: F = 2.4525 N, x = 0.1001 m, L = 22.01 cm.
        let hidden = json!({ "spring_constant": 24.5, "natural_length": 12.0 });
        assert!((Spring::from(&hidden).unwrap().length(250.0) - 22.01).abs() < 0.005);
        let reading = HookesLaw
            .observe(&hidden, &json!({ "mass": 250 }), 4)
            .unwrap();
        assert!(
            (reading["length"].as_f64().unwrap() - 22.0).abs() < 0.3,
            "{reading}"
        );
    }

    #[test]
    fn a_careful_student_scores_100() {
        for seed in [5, 6, 7] {
            let hidden = HookesLaw.hidden(seed);
            let readings = take_readings(&HookesLaw, &hidden, seed, &careful(&hidden).0);
            // F in N against extension in m.
            let unloaded = readings[0]["length"].as_f64().unwrap();
            let points: Vec<(f64, f64)> = readings
                .iter()
                .map(|r| {
                    (
                        (r["length"].as_f64().unwrap() - unloaded) / 100.0,
                        r["mass"].as_f64().unwrap() / 1000.0 * G,
                    )
                })
                .collect();
            let constant = fit(&points).0;
            let grade = HookesLaw
                .grade(&hidden, &submission(readings, json!({ "spring_constant": constant / 100.0, "spring_constant_unit": "n_per_cm" })))
                .unwrap();
            assert_explained(&grade);
            assert_eq!(grade.score, 100, "{grade:#?}");
        }
    }

    #[test]
    fn a_careless_student_loses_the_marks_the_rubric_says() {
        // Four light loads (enough: 4 of 6 → 5; spread: 4 values over 30 % of the range → 0), the extension taken
        // in cm as if m: k 100 times too small → result 0, unit 0: 5 + 30 = 35.
        let hidden = json!({ "spring_constant": 30.0, "natural_length": 11.0 });
        let setups: Vec<Value> = [0, 50, 100, 150]
            .iter()
            .map(|grams| json!({ "mass": grams }))
            .collect();
        let readings = take_readings(&HookesLaw, &hidden, 2, &setups);
        let grade = HookesLaw
            .grade(
                &hidden,
                &submission(
                    readings,
                    json!({ "spring_constant": 0.3, "spring_constant_unit": "n_per_m" }),
                ),
            )
            .unwrap();
        assert_explained(&grade);
        assert_eq!(marks(&grade), vec![5, 30, 0, 0, 0], "{grade:#?}");
        assert_eq!(grade.score, 35);
    }

    #[test]
    fn nonsense_scores_0_with_its_reasons() {
        let hidden = json!({ "spring_constant": 30.0, "natural_length": 11.0 });
        let readings: Vec<Value> = (0..8)
            .map(|i| json!({ "mass": i * 50, "length": 90 - i }))
            .collect();
        let grade = HookesLaw
            .grade(
                &hidden,
                &submission(
                    readings,
                    json!({ "spring_constant": -4, "spring_constant_unit": "kilogram" }),
                ),
            )
            .unwrap();
        assert_explained(&grade);
        assert_eq!(grade.score, 0, "{grade:#?}");
    }

    #[test]
    fn bad_inputs_are_refused_with_their_path() {
        let hidden = HookesLaw.hidden(1);
        assert_eq!(
            error_path(HookesLaw.observe(&hidden, &json!({ "mass": 75 }), 1)),
            "setup.mass"
        );
        assert_eq!(
            error_path(HookesLaw.observe(&hidden, &json!({ "mass": -50 }), 1)),
            "setup.mass"
        );
        let body = json!({ "readings": [{ "mass": 0, "length": 11 }, { "mass": 50, "length": [] }], "result": {} });
        assert_eq!(
            error_path(HookesLaw.grade(&hidden, &body)),
            "readings.1.length"
        );
    }
}
