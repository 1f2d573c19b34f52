//! Rate of reaction and temperature: sodium thiosulfate and hydrochloric acid, timed by the disappearing cross.
//!
//! Model: Na₂S₂O₃ + 2 HCl → 2 NaCl + SO₂ + S + H₂O; the cross disappears when a fixed amount of sulfur has formed,
//! so the time t (s) is inversely proportional to the rate constant k. By Arrhenius, k = A·exp(−Eₐ / (R·T)) with
//! R = 8.314 J/(mol·K) and T in kelvin (θ + 273.15), hence t = t₂₀·exp((Eₐ/R)·(1/T − 1/293.15)), where t₂₀ is the
//! time at 20 °C. Both are hidden: Eₐ between 45 and 65 kJ/mol, t₂₀ between 150 and 250 s. The student times the
//! cross by eye with a stopwatch read to 0.1 s; judging when it vanishes adds σ = 0.2 s + 2 % of t. Eₐ is −R times
//! the slope of ln(1/t) against 1/T.

use serde_json::{json, Value};

use super::{apparatus, experiment_of, known};
use crate::grading::{self, agrees, round_to, spread_of, Expected, Noise, Tolerance};
use crate::spec::{text, Bench, Control, ControlKind, Measured, ResultField, UnitChoice};
use crate::{Experiment, Grade, Lab, LabError};

pub(crate) struct RateTemperature;

/// The gas constant, J/(mol·K).
const R: f64 = 8.314;
/// 20 °C in kelvin.
const T20: f64 = 293.15;

const TEMPERATURE: Control = Control {
    name: "temperature",
    label: text("Water bath temperature", "درجة حرارة الحمام المائي"),
    unit: "°C",
    kind: ControlKind::Range {
        min: 15.0,
        max: 60.0,
        step: 5.0,
        default: 20.0,
    },
};
const TIME: Measured = Measured {
    name: "time",
    label: text("Time for the cross to disappear", "زمن اختفاء علامة الضرب"),
    unit: "s",
    resolution: 0.1,
};

pub(crate) static BENCH: Bench = Bench {
    controls: &[TEMPERATURE],
    measured: &[TIME],
    results: &[ResultField {
        name: "activation_energy",
        label: text("Activation energy Eₐ", "طاقة التنشيط Eₐ"),
        units: &[
            UnitChoice { value: "kj_per_mol", label: "kJ/mol", factor: Some(1.0) },
            UnitChoice { value: "j_per_mol", label: "J/mol", factor: Some(0.001) },
            UnitChoice { value: "kilojoule", label: "kJ", factor: None },
            UnitChoice { value: "j_per_k", label: "J/K", factor: None },
            UnitChoice { value: "kelvin", label: "K", factor: None },
        ],
    }],
    instructions: text(
        "Warm the thiosulfate in the water bath, add the acid, start the stopwatch and stop it when the cross can no longer be seen. Repeat at six temperatures or more from cool to hot. Plot ln(1/t) against 1/T with T in kelvin; the slope is −Eₐ/R (R = 8.314 J/(mol·K)). Give Eₐ with its unit.",
        "سخِّن الثيوكبريتات في الحمام المائي، وأضِف الحمض، وشغِّل ساعة الإيقاف وأوقفها عندما لا تعود علامة الضرب مرئية. كرِّر ذلك عند ست درجات حرارة أو أكثر من الباردة إلى الساخنة. ارسم ln(1/t) مقابل 1/T حيث T بالكلفن؛ الميل يساوي −Eₐ/R (R = 8.314 J/(mol·K)). أعطِ Eₐ مع وحدتها.",
    ),
    plot: ("temperature", "time"),
};

struct Reaction {
    /// J/mol.
    activation_energy: f64,
    /// s.
    time_at_20: f64,
}

impl Reaction {
    fn from(hidden: &Value) -> Result<Self, LabError> {
        Ok(Reaction {
            activation_energy: grading::hidden_number(hidden, "activation_energy")? * 1000.0,
            time_at_20: grading::hidden_number(hidden, "time_at_20")?,
        })
    }

    /// The time in s for the cross to disappear at `celsius`.
    fn time(&self, celsius: f64) -> f64 {
        let kelvin = celsius + 273.15;
        self.time_at_20 * (self.activation_energy / R * (1.0 / kelvin - 1.0 / T20)).exp()
    }
}

/// The judging error of a time t, s.
fn sigma(time: f64) -> f64 {
    0.2 + 0.02 * time
}

impl Lab for RateTemperature {
    fn experiment(&self) -> &'static Experiment {
        experiment_of("rate-temperature")
    }

    fn hidden(&self, seed: u64) -> Value {
        let mut rng = grading::hidden_rng(seed);
        json!({
            "activation_energy": round_to(rng.uniform(45.0, 65.0), 0.1),
            "time_at_20": round_to(rng.uniform(150.0, 250.0), 0.1),
        })
    }

    fn apparatus(&self, _hidden: &Value) -> Value {
        apparatus(
            &BENCH,
            &[3600.0],
            vec![
                known(
                    "thiosulfate",
                    "Sodium thiosulfate, 40 g/dm³",
                    "ثيوكبريتات الصوديوم، 40 g/dm³",
                    50.0,
                    "cm³",
                ),
                known(
                    "acid",
                    "Hydrochloric acid, 1.0 mol/dm³",
                    "حمض الهيدروكلوريك، 1.0 mol/dm³",
                    5.0,
                    "cm³",
                ),
                known(
                    "gas_constant",
                    "Gas constant R",
                    "ثابت الغازات R",
                    R,
                    "J/(mol·K)",
                ),
            ],
        )
    }

    fn observe(&self, hidden: &Value, setup: &Value, noise_seed: u64) -> Result<Value, LabError> {
        let reaction = Reaction::from(hidden)?;
        let setup = grading::setup(&BENCH, setup)?;
        let time = reaction.time(setup["temperature"]);
        let time = time + sigma(time) * Noise::new(noise_seed).gaussian();
        Ok(
            json!({ "temperature": setup["temperature"], "time": round_to(time.max(0.1), TIME.resolution) }),
        )
    }

    fn grade(&self, hidden: &Value, submission: &Value) -> Result<Grade, LabError> {
        let reaction = Reaction::from(hidden)?;
        let (rows, answers) = grading::submission(&BENCH, submission)?;
        let consistent = |row: &grading::Row| {
            let expected = reaction.time(row.get("temperature"));
            agrees(row.get("time"), expected, sigma(expected), TIME.resolution)
        };
        let spread = |rows: &[&grading::Row]| {
            spread_of(
                rows,
                TEMPERATURE.name,
                TEMPERATURE.label,
                TEMPERATURE.bounds(),
                5,
                0.5,
            )
        };
        let expected = Expected {
            symbol: text("Eₐ", "Eₐ"),
            truth: reaction.activation_energy / 1000.0,
            unit: "kJ/mol",
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

/// The README's careful student: 20 °C to 55 °C in steps of 5 °C, Eₐ from the slope of ln(1/t) against 1/T.
pub(crate) fn careful(hidden: &Value) -> (Vec<Value>, Value) {
    let setups = (4..=11)
        .map(|step| json!({ "temperature": 5 * step }))
        .collect();
    let energy = hidden
        .get("activation_energy")
        .and_then(Value::as_f64)
        .unwrap_or_default();
    (
        setups,
        json!({ "activation_energy": energy, "activation_energy_unit": "kj_per_mol" }),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::labs::testing::{
        assert_explained, error_path, fit, marks, submission, take_readings,
    };

    fn energy_from(readings: &[Value]) -> f64 {
        let points: Vec<(f64, f64)> = readings
            .iter()
            .map(|r| {
                (
                    1.0 / (r["temperature"].as_f64().unwrap() + 273.15),
                    (1.0 / r["time"].as_f64().unwrap()).ln(),
                )
            })
            .collect();
        -fit(&points).0 * R / 1000.0
    }

    #[test]
    fn the_time_follows_arrhenius() {
        // Hand-computed: Eₐ = 50 kJ/mol, t₂₀ = 200 s, at 40 °C: (50000/8.314)·(1/313.15 − 1/293.15) = −1.3102,
        // t = 200·e^−1.3102 = 53.95 s.
        let reaction =
            Reaction::from(&json!({ "activation_energy": 50.0, "time_at_20": 200.0 })).unwrap();
        assert!(
            (reaction.time(40.0) - 53.95).abs() < 0.05,
            "{}",
            reaction.time(40.0)
        );
        assert!((reaction.time(20.0) - 200.0).abs() < 1e-9);
    }

    #[test]
    fn a_careful_student_scores_100() {
        for seed in [1, 2, 3] {
            let hidden = RateTemperature.hidden(seed);
            let readings = take_readings(&RateTemperature, &hidden, seed, &careful(&hidden).0);
            let energy = energy_from(&readings);
            let grade = RateTemperature
                .grade(&hidden, &submission(readings, json!({ "activation_energy": energy * 1000.0, "activation_energy_unit": "j_per_mol" })))
                .unwrap();
            assert_explained(&grade);
            assert_eq!(grade.score, 100, "{grade:#?}");
        }
    }

    #[test]
    fn a_careless_student_loses_the_marks_the_rubric_says() {
        // Temperatures in °C instead of kelvin in 1/T: the slope is meaningless; Eₐ far off → 0 and the unit then
        // earns nothing. Six temperatures over 25 °C (enough 10, consistent 30, spread: 6 values over 56 % → 10): 50.
        let hidden = json!({ "activation_energy": 55.0, "time_at_20": 180.0 });
        let setups: Vec<Value> = (4..=9)
            .map(|step| json!({ "temperature": 5 * step }))
            .collect();
        let readings = take_readings(&RateTemperature, &hidden, 9, &setups);
        let points: Vec<(f64, f64)> = readings
            .iter()
            .map(|r| {
                (
                    1.0 / r["temperature"].as_f64().unwrap(),
                    (1.0 / r["time"].as_f64().unwrap()).ln(),
                )
            })
            .collect();
        let energy = -fit(&points).0 * R / 1000.0;
        let grade = RateTemperature
            .grade(
                &hidden,
                &submission(
                    readings,
                    json!({ "activation_energy": energy, "activation_energy_unit": "kj_per_mol" }),
                ),
            )
            .unwrap();
        assert_explained(&grade);
        assert_eq!(marks(&grade), vec![10, 30, 10, 0, 0], "{energy} {grade:#?}");
    }

    #[test]
    fn nonsense_scores_0_with_its_reasons() {
        let hidden = json!({ "activation_energy": 55.0, "time_at_20": 180.0 });
        // Faster when colder: not this reaction.
        let readings: Vec<Value> = (3..=10)
            .map(|step| json!({ "temperature": 5 * step, "time": 10 * step }))
            .collect();
        let grade = RateTemperature
            .grade(
                &hidden,
                &submission(
                    readings,
                    json!({ "activation_energy": 8.314, "activation_energy_unit": "kelvin" }),
                ),
            )
            .unwrap();
        assert_explained(&grade);
        assert_eq!(grade.score, 0, "{grade:#?}");
    }

    #[test]
    fn bad_inputs_are_refused_with_their_path() {
        let hidden = RateTemperature.hidden(1);
        assert_eq!(
            error_path(RateTemperature.observe(&hidden, &json!({ "temperature": 100 }), 1)),
            "setup.temperature"
        );
        assert_eq!(
            error_path(RateTemperature.observe(&hidden, &json!("hot"), 1)),
            "setup"
        );
        let body = json!({ "readings": [{ "temperature": 20, "time": 200 }], "result": { "activation_energy": "lots" } });
        assert_eq!(
            error_path(RateTemperature.grade(&hidden, &body)),
            "result.activation_energy"
        );
    }
}
