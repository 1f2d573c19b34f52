//! Refraction: Snell's law with a ray box, a transparent block of unknown material and a protractor.
//!
//! Model: a ray in air (refractive index 1.000) meets the block at the angle of incidence i from the normal; inside
//! it travels at the angle of refraction r with sin i = n·sin r, n the block's refractive index (no unit), hidden,
//! between 1.40 and 1.65 (glasses and clear plastics). The student reads r on a protractor graduated in 0.5°, with
//! the error of marking the ray's path σ = 0.3°, and finds n as the slope of sin i against sin r.

use serde_json::{json, Value};

use super::{apparatus, experiment_of, known};
use crate::grading::{self, agrees, round_to, spread_of, Expected, Noise, Tolerance};
use crate::spec::{text, Bench, Control, ControlKind, Measured, ResultField, UnitChoice};
use crate::{Experiment, Grade, Lab, LabError};

pub(crate) struct SnellsLaw;

/// The error of marking the refracted ray, degrees.
const MARKING_SIGMA: f64 = 0.3;

const INCIDENCE: Control = Control {
    name: "incidence",
    label: text("Angle of incidence i", "زاوية السقوط i"),
    unit: "°",
    kind: ControlKind::Range {
        min: 0.0,
        max: 80.0,
        step: 5.0,
        default: 30.0,
    },
};
const REFRACTION: Measured = Measured {
    name: "refraction",
    label: text("Angle of refraction r", "زاوية الانكسار r"),
    unit: "°",
    resolution: 0.5,
};

pub(crate) static BENCH: Bench = Bench {
    controls: &[INCIDENCE],
    measured: &[REFRACTION],
    results: &[ResultField {
        name: "refractive_index",
        label: text("Refractive index n", "معامل الانكسار n"),
        units: &[
            UnitChoice { value: "none", label: "— (ratio, no unit · نسبة بلا وحدة)", factor: Some(1.0) },
            UnitChoice { value: "degree", label: "°", factor: None },
            UnitChoice { value: "m_per_s", label: "m/s", factor: None },
            UnitChoice { value: "metre", label: "m", factor: None },
        ],
    }],
    instructions: text(
        "Turn the ray box to an angle of incidence, read the angle of refraction inside the block on the protractor, and repeat for at least six angles from small to large. Plot sin i against sin r and give the refractive index n from the slope (a ratio: choose no unit).",
        "أدِر صندوق الأشعة إلى زاوية سقوط، واقرأ زاوية الانكسار داخل القالب على المنقلة، وكرِّر ذلك لست زوايا على الأقل من الصغيرة إلى الكبيرة. ارسم sin i مقابل sin r وأعطِ معامل الانكسار n من الميل (نسبة: اختر بلا وحدة).",
    ),
    plot: ("refraction", "incidence"),
};

/// The angle of refraction in degrees for an angle of incidence in degrees.
fn refraction(index: f64, incidence_degrees: f64) -> f64 {
    (incidence_degrees.to_radians().sin() / index)
        .asin()
        .to_degrees()
}

fn index(hidden: &Value) -> Result<f64, LabError> {
    grading::hidden_number(hidden, "refractive_index")
}

impl Lab for SnellsLaw {
    fn experiment(&self) -> &'static Experiment {
        experiment_of("snells-law")
    }

    fn hidden(&self, seed: u64) -> Value {
        let mut rng = grading::hidden_rng(seed);
        json!({ "refractive_index": round_to(rng.uniform(1.40, 1.65), 0.001) })
    }

    fn apparatus(&self, _hidden: &Value) -> Value {
        apparatus(
            &BENCH,
            &[90.0],
            vec![known(
                "air_index",
                "Refractive index of air",
                "معامل انكسار الهواء",
                1.0,
                "",
            )],
        )
    }

    fn observe(&self, hidden: &Value, setup: &Value, noise_seed: u64) -> Result<Value, LabError> {
        let index = index(hidden)?;
        let setup = grading::setup(&BENCH, setup)?;
        let angle = refraction(index, setup["incidence"])
            + MARKING_SIGMA * Noise::new(noise_seed).gaussian();
        Ok(
            json!({ "incidence": setup["incidence"], "refraction": round_to(angle.max(0.0), REFRACTION.resolution) }),
        )
    }

    fn grade(&self, hidden: &Value, submission: &Value) -> Result<Grade, LabError> {
        let index = index(hidden)?;
        let (rows, answers) = grading::submission(&BENCH, submission)?;
        let consistent = |row: &grading::Row| {
            let incidence = row.get("incidence");
            (0.0..=90.0).contains(&incidence)
                && agrees(
                    row.get("refraction"),
                    refraction(index, incidence),
                    MARKING_SIGMA,
                    REFRACTION.resolution,
                )
        };
        let spread = |rows: &[&grading::Row]| {
            spread_of(
                rows,
                INCIDENCE.name,
                INCIDENCE.label,
                INCIDENCE.bounds(),
                5,
                0.5,
            )
        };
        let expected = Expected {
            symbol: text("n", "n"),
            truth: index,
            unit: "",
            tolerance: Tolerance::Relative(0.02),
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

/// The README's careful student: incidence 10° to 80° in steps of 10°, n from the slope of sin i against sin r.
pub(crate) fn careful(hidden: &Value) -> (Vec<Value>, Value) {
    let setups = (1..=8)
        .map(|step| json!({ "incidence": 10 * step }))
        .collect();
    let index = hidden
        .get("refractive_index")
        .and_then(Value::as_f64)
        .unwrap_or_default();
    (
        setups,
        json!({ "refractive_index": index, "refractive_index_unit": "none" }),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::labs::testing::{assert_explained, error_path, marks, submission, take_readings};

    /// n as the slope through the origin of sin i against sin r.
    fn index_from(readings: &[Value]) -> f64 {
        let (sxy, sxx) = readings.iter().fold((0.0, 0.0), |(sxy, sxx), r| {
            let x = r["refraction"].as_f64().unwrap().to_radians().sin();
            let y = r["incidence"].as_f64().unwrap().to_radians().sin();
            (sxy + x * y, sxx + x * x)
        });
        sxy / sxx
    }

    #[test]
    fn refraction_follows_snells_law() {
        // Hand-computed: n = 1.5, i = 30°: sin r = 0.5 / 1.5 = 0.3333, r = 19.47°.
        assert!((refraction(1.5, 30.0) - 19.47).abs() < 0.01);
        let reading = SnellsLaw
            .observe(
                &json!({ "refractive_index": 1.5 }),
                &json!({ "incidence": 30 }),
                8,
            )
            .unwrap();
        assert!(
            (reading["refraction"].as_f64().unwrap() - 19.5).abs() <= 1.5,
            "{reading}"
        );
    }

    #[test]
    fn a_careful_student_scores_100() {
        for seed in [1, 2, 3] {
            let hidden = SnellsLaw.hidden(seed);
            let readings = take_readings(&SnellsLaw, &hidden, seed, &careful(&hidden).0);
            let index = index_from(&readings);
            let grade = SnellsLaw
                .grade(
                    &hidden,
                    &submission(
                        readings,
                        json!({ "refractive_index": index, "refractive_index_unit": "none" }),
                    ),
                )
                .unwrap();
            assert_explained(&grade);
            assert_eq!(grade.score, 100, "{grade:#?}");
        }
    }

    #[test]
    fn a_careless_student_loses_the_marks_the_rubric_says() {
        // n = i / r in degrees at 50° (not the sines): 50 / 30.7 = 1.63 for n = 1.5, 9 % off → 0; the unit then
        // earns nothing; six readings over 25°..50° (enough 10, consistent 30, spread: 6 values over 31 % → half, 5).
        let hidden = json!({ "refractive_index": 1.5 });
        let setups: Vec<Value> = (5..=10)
            .map(|step| json!({ "incidence": 5 * step }))
            .collect();
        let readings = take_readings(&SnellsLaw, &hidden, 4, &setups);
        let last = &readings[5];
        let ratio = last["incidence"].as_f64().unwrap() / last["refraction"].as_f64().unwrap();
        let grade = SnellsLaw
            .grade(
                &hidden,
                &submission(
                    readings,
                    json!({ "refractive_index": ratio, "refractive_index_unit": "none" }),
                ),
            )
            .unwrap();
        assert_explained(&grade);
        assert_eq!(marks(&grade), vec![10, 30, 5, 0, 0], "{grade:#?}");
    }

    #[test]
    fn nonsense_scores_0_with_its_reasons() {
        let hidden = json!({ "refractive_index": 1.5 });
        // Refraction away from the normal (r > i) cannot happen entering glass.
        let readings: Vec<Value> = (1..=8)
            .map(|step| json!({ "incidence": 10 * step, "refraction": 10 * step + 5 }))
            .collect();
        let grade = SnellsLaw
            .grade(
                &hidden,
                &submission(
                    readings,
                    json!({ "refractive_index": 0.8, "refractive_index_unit": "degree" }),
                ),
            )
            .unwrap();
        assert_explained(&grade);
        assert_eq!(grade.score, 0, "{grade:#?}");
        assert!(
            grade.lines[3].comment_en.contains("n = 0.8 is"),
            "{}",
            grade.lines[3].comment_en
        );
        assert!(
            grade.lines[4].comment_en.contains("a ratio without a unit"),
            "{}",
            grade.lines[4].comment_en
        );
    }

    #[test]
    fn bad_inputs_are_refused_with_their_path() {
        let hidden = SnellsLaw.hidden(1);
        assert_eq!(
            error_path(SnellsLaw.observe(&hidden, &json!({ "incidence": 85 }), 1)),
            "setup.incidence"
        );
        assert_eq!(
            error_path(SnellsLaw.observe(&hidden, &json!({ "angle": 30 }), 1)),
            "setup.incidence"
        );
        let body = json!({ "readings": [{ "incidence": 30, "refraction": "19,5" }], "result": { "refractive_index": 1.5 } });
        assert_eq!(
            error_path(SnellsLaw.grade(&hidden, &body)),
            "readings.0.refraction"
        );
    }
}
