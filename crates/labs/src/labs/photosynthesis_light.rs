//! Photosynthesis and light intensity: pondweed (Elodea) in a boiling tube of hydrogencarbonate solution, a lamp
//! at a distance, oxygen bubbles counted over a few minutes.
//!
//! Model: a point-like lamp gives the light intensity I = 40 000 lx·(5 cm / d)² at a distance d (cm), the inverse
//! square law (a beaker of water between lamp and tube keeps the temperature constant). The rate of oxygen release,
//! in bubbles per minute, follows the light-response curve P = P_max·(1 − exp(−I / I_k)) (Webb et al., 1974): light
//! limits it at low intensity, and it levels off at P_max when something else (carbon dioxide, temperature)
//! limits it. P_max (between 40 and 80 bubbles/min) and the saturation intensity I_k (between 1 500 and 3 000 lx)
//! are hidden. Bubbles come one by one: the count over m minutes is a Poisson count of mean P·m. The light meter
//! beside the tube reads to 10 lx with σ = 2 %. The student finds P_max where the rate stops rising.

use serde_json::{json, Value};

use super::{apparatus, experiment_of, known};
use crate::grading::{self, agrees, round_to, spread_of, Expected, Noise, Tolerance};
use crate::spec::{text, Bench, Control, ControlKind, Measured, ResultField, UnitChoice};
use crate::{Experiment, Grade, Lab, LabError};

pub(crate) struct PhotosynthesisLight;

/// The light intensity 5 cm from the lamp, lx.
const INTENSITY_AT_5_CM: f64 = 40_000.0;

const DISTANCE: Control = Control {
    name: "distance",
    label: text("Lamp distance d", "بُعد المصباح d"),
    unit: "cm",
    kind: ControlKind::Range {
        min: 5.0,
        max: 100.0,
        step: 5.0,
        default: 30.0,
    },
};
const MINUTES: Control = Control {
    name: "minutes",
    label: text("Counting time", "زمن العدّ"),
    unit: "min",
    kind: ControlKind::Choice {
        values: &[1.0, 2.0, 3.0, 5.0],
        default: 1.0,
    },
};
const BUBBLES: Measured = Measured {
    name: "bubbles",
    label: text("Bubbles counted", "الفقاعات المعدودة"),
    unit: "",
    resolution: 1.0,
};
const LIGHT: Measured = Measured {
    name: "light",
    label: text("Light meter", "مقياس الإضاءة"),
    unit: "lx",
    resolution: 10.0,
};

pub(crate) static BENCH: Bench = Bench {
    controls: &[DISTANCE, MINUTES],
    measured: &[BUBBLES, LIGHT],
    results: &[ResultField {
        name: "max_rate",
        label: text("Maximum rate of photosynthesis", "أقصى سرعة للبناء الضوئي"),
        units: &[
            UnitChoice { value: "bubbles_per_min", label: "bubbles/min · فقاعة/دقيقة", factor: Some(1.0) },
            UnitChoice { value: "bubbles_per_s", label: "bubbles/s · فقاعة/ثانية", factor: Some(60.0) },
            UnitChoice { value: "bubbles", label: "bubbles · فقاعات", factor: None },
            UnitChoice { value: "lux", label: "lx", factor: None },
            UnitChoice { value: "cm", label: "cm", factor: None },
        ],
    }],
    instructions: text(
        "Put the lamp at a distance, let the pondweed adjust, and count the bubbles over the counting time. Repeat for at least six distances from close (5 cm) to far, with the longest counting time close up. The rate is bubbles ÷ minutes. Plot the rate against light intensity and give the maximum rate, where the curve levels off, with its unit.",
        "ضع المصباح على بُعد معيّن، واترك النبات يتكيّف، وعُدَّ الفقاعات خلال زمن العدّ. كرِّر ذلك لست مسافات على الأقل من القريبة (5 cm) إلى البعيدة، مع أطول زمن عدّ عن قرب. السرعة = الفقاعات ÷ الدقائق. ارسم السرعة مقابل شدة الإضاءة وأعطِ أقصى سرعة، حيث يستوي المنحنى، مع وحدتها.",
    ),
    plot: ("light", "bubbles"),
};

struct Plant {
    /// Bubbles per minute.
    max_rate: f64,
    /// lx.
    saturation: f64,
}

impl Plant {
    fn from(hidden: &Value) -> Result<Self, LabError> {
        Ok(Plant {
            max_rate: grading::hidden_number(hidden, "max_rate")?,
            saturation: grading::hidden_number(hidden, "saturation_intensity")?,
        })
    }

    /// Bubbles per minute at the light intensity `lux`.
    fn rate(&self, lux: f64) -> f64 {
        self.max_rate * (1.0 - (-lux / self.saturation).exp())
    }
}

/// The light intensity at `distance` cm from the lamp, lx.
fn intensity(distance: f64) -> f64 {
    INTENSITY_AT_5_CM * (5.0 / distance).powi(2)
}

impl Lab for PhotosynthesisLight {
    fn experiment(&self) -> &'static Experiment {
        experiment_of("photosynthesis-light")
    }

    fn hidden(&self, seed: u64) -> Value {
        let mut rng = grading::hidden_rng(seed);
        json!({
            "max_rate": round_to(rng.uniform(40.0, 80.0), 0.1),
            "saturation_intensity": round_to(rng.uniform(1500.0, 3000.0), 10.0),
        })
    }

    fn apparatus(&self, _hidden: &Value) -> Value {
        apparatus(
            &BENCH,
            &[999.0, 50_000.0],
            vec![
                known("lamp", "Lamp (LED, 10 W)", "مصباح (LED، 10 W)", 10.0, "W"),
                known(
                    "solution",
                    "Sodium hydrogencarbonate solution",
                    "محلول هيدروجين كربونات الصوديوم",
                    1.0,
                    "%",
                ),
            ],
        )
    }

    fn observe(&self, hidden: &Value, setup: &Value, noise_seed: u64) -> Result<Value, LabError> {
        let plant = Plant::from(hidden)?;
        let setup = grading::setup(&BENCH, setup)?;
        let (distance, minutes) = (setup["distance"], setup["minutes"]);
        let lux = intensity(distance);
        let mut noise = Noise::new(noise_seed);
        let bubbles = noise.poisson(plant.rate(lux) * minutes);
        let light = lux * (1.0 + 0.02 * noise.gaussian());
        Ok(json!({
            "distance": distance,
            "minutes": minutes,
            "bubbles": bubbles,
            "light": round_to(light.max(0.0), LIGHT.resolution),
        }))
    }

    fn grade(&self, hidden: &Value, submission: &Value) -> Result<Grade, LabError> {
        let plant = Plant::from(hidden)?;
        let (rows, answers) = grading::submission(&BENCH, submission)?;
        let consistent = |row: &grading::Row| {
            let distance = row.get("distance");
            if distance <= 0.0 || !MINUTES.accepts(row.get("minutes")) {
                return false;
            }
            let lux = intensity(distance);
            let mean = plant.rate(lux) * row.get("minutes");
            agrees(
                row.get("bubbles"),
                mean,
                mean.sqrt().max(1.0),
                BUBBLES.resolution,
            ) && agrees(row.get("light"), lux, 0.02 * lux, LIGHT.resolution)
        };
        let spread = |rows: &[&grading::Row]| {
            spread_of(
                rows,
                DISTANCE.name,
                DISTANCE.label,
                DISTANCE.bounds(),
                5,
                0.5,
            )
        };
        let expected = Expected {
            symbol: text("P_max", "P_max"),
            truth: plant.max_rate,
            unit: "bubbles/min",
            tolerance: Tolerance::Relative(0.08),
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

/// The README's careful student: 5, 5, 10, 10 cm counted for 5 minutes, then 20, 30, 40, 60, 80 cm for 2 minutes;
/// the maximum rate is the mean rate of the four close readings.
pub(crate) fn careful(hidden: &Value) -> (Vec<Value>, Value) {
    let setups = [
        (5, 5),
        (5, 5),
        (10, 5),
        (10, 5),
        (20, 2),
        (30, 2),
        (40, 2),
        (60, 2),
        (80, 2),
    ]
    .iter()
    .map(|(distance, minutes)| json!({ "distance": distance, "minutes": minutes }))
    .collect();
    let max_rate = hidden
        .get("max_rate")
        .and_then(Value::as_f64)
        .unwrap_or_default();
    (
        setups,
        json!({ "max_rate": max_rate, "max_rate_unit": "bubbles_per_min" }),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::labs::testing::{assert_explained, error_path, marks, submission, take_readings};

    #[test]
    fn light_follows_the_inverse_square_law_and_the_rate_levels_off() {
        // Hand-computed: at 20 cm, I = 40 000·(5/20)² = 2 500 lx; P_max 60, I_k 2 500: P = 60·(1 − e⁻¹) = 37.93.
        assert!((intensity(20.0) - 2500.0).abs() < 1e-9);
        let plant =
            Plant::from(&json!({ "max_rate": 60.0, "saturation_intensity": 2500.0 })).unwrap();
        assert!((plant.rate(2500.0) - 37.927).abs() < 0.01);
        assert!((plant.rate(intensity(5.0)) - 60.0).abs() < 0.01);
    }

    #[test]
    fn a_careful_student_scores_100() {
        for seed in [1, 2, 3, 4] {
            let hidden = PhotosynthesisLight.hidden(seed);
            let readings = take_readings(&PhotosynthesisLight, &hidden, seed, &careful(&hidden).0);
            let close: Vec<f64> = readings[..4]
                .iter()
                .map(|r| r["bubbles"].as_f64().unwrap() / r["minutes"].as_f64().unwrap())
                .collect();
            let max_rate = close.iter().sum::<f64>() / close.len() as f64;
            let grade = PhotosynthesisLight
                .grade(
                    &hidden,
                    &submission(
                        readings,
                        json!({ "max_rate": max_rate, "max_rate_unit": "bubbles_per_min" }),
                    ),
                )
                .unwrap();
            assert_explained(&grade);
            assert_eq!(grade.score, 100, "{grade:#?}");
        }
    }

    #[test]
    fn a_careless_student_loses_the_marks_the_rubric_says() {
        // Far distances only, one minute each (light still limiting): the highest rate seen, at 30 cm, is far below
        // P_max → 0, unit 0; six readings 30..80 cm: enough 10, consistent 30, spread 6 values over 53 % → 10.
        let hidden = json!({ "max_rate": 60.0, "saturation_intensity": 2500.0 });
        let setups: Vec<Value> = (3..=8)
            .map(|step| json!({ "distance": 10 * step, "minutes": 1 }))
            .collect();
        let readings = take_readings(&PhotosynthesisLight, &hidden, 5, &setups);
        let best = readings
            .iter()
            .map(|r| r["bubbles"].as_f64().unwrap())
            .fold(0.0, f64::max);
        let grade = PhotosynthesisLight
            .grade(
                &hidden,
                &submission(
                    readings,
                    json!({ "max_rate": best, "max_rate_unit": "bubbles_per_min" }),
                ),
            )
            .unwrap();
        assert_explained(&grade);
        assert_eq!(marks(&grade), vec![10, 30, 10, 0, 0], "{best} {grade:#?}");
    }

    #[test]
    fn nonsense_scores_0_with_its_reasons() {
        let hidden = json!({ "max_rate": 60.0, "saturation_intensity": 2500.0 });
        let readings: Vec<Value> = (1..=8)
            .map(|step| json!({ "distance": 10 * step, "minutes": 1, "bubbles": 500, "light": 5 }))
            .collect();
        let grade = PhotosynthesisLight
            .grade(
                &hidden,
                &submission(readings, json!({ "max_rate": 500, "max_rate_unit": "lux" })),
            )
            .unwrap();
        assert_explained(&grade);
        assert_eq!(grade.score, 0, "{grade:#?}");
    }

    #[test]
    fn bad_inputs_are_refused_with_their_path() {
        let hidden = PhotosynthesisLight.hidden(1);
        assert_eq!(
            error_path(PhotosynthesisLight.observe(
                &hidden,
                &json!({ "distance": 20, "minutes": 4 }),
                1
            )),
            "setup.minutes"
        );
        assert_eq!(
            error_path(PhotosynthesisLight.observe(&hidden, &json!({ "minutes": 1 }), 1)),
            "setup.distance"
        );
        let body =
            json!({ "readings": [{ "distance": 20, "minutes": 1, "bubbles": 30 }], "result": {} });
        assert_eq!(
            error_path(PhotosynthesisLight.grade(&hidden, &body)),
            "readings.0.light"
        );
    }
}
