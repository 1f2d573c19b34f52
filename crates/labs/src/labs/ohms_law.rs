//! Ohm's law: an unknown resistor on a variable supply, a voltmeter across it and an ammeter in series.
//!
//! Model (SI units): the supply of EMF E (V) has an internal resistance r (Ω), so the current in the series
//! circuit is I = E / (R + r) (A) and the voltmeter across the resistor reads V = I·R (V). The student varies E,
//! reads V and I, and finds R (Ω) as the slope of V against I (the internal resistance does not bias the slope,
//! which is why a careful student plots V across the resistor rather than the supply setting).
//!
//! Instruments: a digital voltmeter, range 20 V, resolution 0.01 V, noise σ = 0.005 V + 0.2 % of the reading; a
//! digital ammeter in milliamperes, range 1000 mA, resolution 0.1 mA, noise σ = 0.05 mA + 0.3 % of the reading.

use serde_json::{json, Value};

use super::{apparatus, experiment_of, known};
use crate::grading::{self, agrees, round_to, spread_of, Expected, Noise, Tolerance};
use crate::spec::{text, Bench, Control, ControlKind, Measured, ResultField, UnitChoice};
use crate::{Experiment, Grade, Lab, LabError};

pub(crate) struct OhmsLaw;

const SUPPLY: Control = Control {
    name: "supply_voltage",
    label: text("Supply voltage", "جهد المصدر"),
    unit: "V",
    kind: ControlKind::Range {
        min: 0.0,
        max: 12.0,
        step: 0.5,
        default: 1.5,
    },
};

const VOLTAGE: Measured = Measured {
    name: "voltage",
    label: text("Voltmeter V", "الفولتميتر V"),
    unit: "V",
    resolution: 0.01,
};
const CURRENT: Measured = Measured {
    name: "current",
    label: text("Ammeter I", "الأميتر I"),
    unit: "mA",
    resolution: 0.1,
};

pub(crate) static BENCH: Bench = Bench {
    controls: &[SUPPLY],
    measured: &[VOLTAGE, CURRENT],
    results: &[ResultField {
        name: "resistance",
        label: text("Resistance R", "المقاومة R"),
        units: &[
            UnitChoice { value: "ohm", label: "Ω", factor: Some(1.0) },
            UnitChoice { value: "kiloohm", label: "kΩ", factor: Some(1000.0) },
            UnitChoice { value: "volt", label: "V", factor: None },
            UnitChoice { value: "ampere", label: "A", factor: None },
            UnitChoice { value: "watt", label: "W", factor: None },
        ],
    }],
    instructions: text(
        "Set the supply voltage, take a reading of the voltmeter and the ammeter, and repeat for at least six supply settings spread from low to high. Plot V against I (in amperes) and give the resistance R from the slope, with its unit.",
        "اضبط جهد المصدر، وخذ قراءة الفولتميتر والأميتر، وكرِّر ذلك لست قيم على الأقل للمصدر موزعة من المنخفضة إلى المرتفعة. ارسم الجهد V مقابل التيار I (بالأمبير) وأعطِ المقاومة R من الميل مع وحدتها.",
    ),
    plot: ("current", "voltage"),
};

/// The attempt's hidden circuit.
struct Circuit {
    /// The unknown resistor, Ω.
    resistance: f64,
    /// The supply's internal resistance, Ω.
    internal: f64,
}

impl Circuit {
    fn from(hidden: &Value) -> Result<Self, LabError> {
        Ok(Circuit {
            resistance: grading::hidden_number(hidden, "resistance")?,
            internal: grading::hidden_number(hidden, "internal_resistance")?,
        })
    }

    /// The true (V across the resistor in V, I in mA) for a supply EMF in V.
    fn state(&self, emf: f64) -> (f64, f64) {
        let current = emf / (self.resistance + self.internal);
        (current * self.resistance, current * 1000.0)
    }
}

/// Voltmeter noise σ in V for a true reading.
fn voltage_sigma(voltage: f64) -> f64 {
    0.005 + 0.002 * voltage.abs()
}

/// Ammeter noise σ in mA for a true reading.
fn current_sigma(current: f64) -> f64 {
    0.05 + 0.003 * current.abs()
}

impl Lab for OhmsLaw {
    fn experiment(&self) -> &'static Experiment {
        experiment_of("ohms-law")
    }

    fn hidden(&self, seed: u64) -> Value {
        let mut rng = grading::hidden_rng(seed);
        json!({
            "resistance": round_to(rng.uniform(22.0, 100.0), 0.1),
            "internal_resistance": round_to(rng.uniform(0.5, 2.0), 0.01),
        })
    }

    fn apparatus(&self, _hidden: &Value) -> Value {
        apparatus(
            &BENCH,
            &[20.0, 1000.0],
            vec![known(
                "supply_max",
                "Largest supply voltage",
                "أكبر جهد للمصدر",
                12.0,
                "V",
            )],
        )
    }

    fn observe(&self, hidden: &Value, setup: &Value, noise_seed: u64) -> Result<Value, LabError> {
        let circuit = Circuit::from(hidden)?;
        let setup = grading::setup(&BENCH, setup)?;
        let emf = setup["supply_voltage"];
        let (voltage, current) = circuit.state(emf);
        let mut noise = Noise::new(noise_seed);
        let voltage = voltage + voltage_sigma(voltage) * noise.gaussian();
        let current = current + current_sigma(current) * noise.gaussian();
        Ok(json!({
            "supply_voltage": emf,
            "voltage": round_to(voltage.max(0.0), VOLTAGE.resolution),
            "current": round_to(current.max(0.0), CURRENT.resolution),
        }))
    }

    fn grade(&self, hidden: &Value, submission: &Value) -> Result<Grade, LabError> {
        let circuit = Circuit::from(hidden)?;
        let (rows, answers) = grading::submission(&BENCH, submission)?;
        let consistent = |row: &grading::Row| {
            let (voltage, current) = circuit.state(row.get("supply_voltage"));
            agrees(
                row.get("voltage"),
                voltage,
                voltage_sigma(voltage),
                VOLTAGE.resolution,
            ) && agrees(
                row.get("current"),
                current,
                current_sigma(current),
                CURRENT.resolution,
            )
        };
        let spread = |rows: &[&grading::Row]| {
            spread_of(rows, SUPPLY.name, SUPPLY.label, SUPPLY.bounds(), 5, 0.5)
        };
        let expected = Expected {
            symbol: text("R", "R"),
            truth: circuit.resistance,
            unit: "Ω",
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

/// The README's careful student: supply 1.5 V to 12 V in steps of 1.5 V, R from the slope, in ohms.
pub(crate) fn careful(hidden: &Value) -> (Vec<Value>, Value) {
    let setups = (1..=8)
        .map(|step| json!({ "supply_voltage": 1.5 * f64::from(step) }))
        .collect();
    let resistance = hidden
        .get("resistance")
        .and_then(Value::as_f64)
        .unwrap_or_default();
    (
        setups,
        json!({ "resistance": resistance, "resistance_unit": "ohm" }),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::labs::testing::{
        assert_explained, error_path, fit, marks, submission, take_readings,
    };

    const SEED: u64 = 42;

    fn setups(volts: &[f64]) -> Vec<Value> {
        volts
            .iter()
            .map(|volts| json!({ "supply_voltage": volts }))
            .collect()
    }

    #[test]
    fn hidden_values_repeat_for_a_seed_and_stay_in_range() {
        assert_eq!(OhmsLaw.hidden(SEED), OhmsLaw.hidden(SEED));
        assert_ne!(OhmsLaw.hidden(SEED), OhmsLaw.hidden(SEED + 1));
        for seed in 0..200 {
            let circuit = Circuit::from(&OhmsLaw.hidden(seed)).unwrap();
            assert!((22.0..=100.0).contains(&circuit.resistance));
        }
    }

    #[test]
    fn the_model_is_ohms_law_with_the_supplys_internal_resistance() {
        // Hand-computed: E = 6 V, R = 50 Ω, r = 1 Ω: I = 6/51 A = 117.647 mA, V = 117.647 mA × 50 Ω = 5.882 V.
        let hidden = json!({ "resistance": 50.0, "internal_resistance": 1.0 });
        let reading = OhmsLaw
            .observe(&hidden, &json!({ "supply_voltage": 6 }), 9)
            .unwrap();
        assert!(
            (reading["voltage"].as_f64().unwrap() - 5.882).abs() < 0.05,
            "{reading}"
        );
        assert!(
            (reading["current"].as_f64().unwrap() - 117.6).abs() < 1.0,
            "{reading}"
        );
        assert_eq!(
            reading,
            OhmsLaw
                .observe(&hidden, &json!({ "supply_voltage": "6" }), 9)
                .unwrap()
        );
    }

    #[test]
    fn a_careful_student_scores_100() {
        let hidden = OhmsLaw.hidden(SEED);
        let readings = take_readings(
            &OhmsLaw,
            &hidden,
            SEED,
            &setups(&[1.5, 3.0, 4.5, 6.0, 7.5, 9.0, 10.5, 12.0]),
        );
        let points: Vec<(f64, f64)> = readings
            .iter()
            .map(|r| {
                (
                    r["current"].as_f64().unwrap() / 1000.0,
                    r["voltage"].as_f64().unwrap(),
                )
            })
            .collect();
        let (slope, _) = fit(&points);
        let grade = OhmsLaw
            .grade(
                &hidden,
                &submission(
                    readings,
                    json!({ "resistance": slope, "resistance_unit": "ohm" }),
                ),
            )
            .unwrap();
        assert_explained(&grade);
        assert_eq!(grade.score, 100, "{grade:#?}");
        // The same result in kΩ is as right.
        let readings = take_readings(
            &OhmsLaw,
            &hidden,
            SEED,
            &setups(&[1.5, 3.0, 4.5, 6.0, 7.5, 9.0]),
        );
        let grade = OhmsLaw
            .grade(
                &hidden,
                &submission(
                    readings,
                    json!({ "resistance": slope / 1000.0, "resistance_unit": "kiloohm" }),
                ),
            )
            .unwrap();
        assert_eq!(grade.score, 100, "{grade:#?}");
    }

    #[test]
    fn a_careless_student_loses_the_marks_the_rubric_says() {
        // Three readings close together (enough: 3 of 6 → 5 of 10; spread: 3 values over 1 V of 12 → 0 of 10),
        // the resistance from one reading (V/I is R within the meters' noise → 40), no unit (0 of 10): 75.
        let hidden = json!({ "resistance": 47.0, "internal_resistance": 1.2 });
        let readings = take_readings(&OhmsLaw, &hidden, 7, &setups(&[1.0, 1.5, 2.0]));
        let resistance = readings[2]["voltage"].as_f64().unwrap()
            / (readings[2]["current"].as_f64().unwrap() / 1000.0);
        let grade = OhmsLaw
            .grade(
                &hidden,
                &submission(
                    readings.clone(),
                    json!({ "resistance": resistance, "resistance_unit": "" }),
                ),
            )
            .unwrap();
        assert_explained(&grade);
        assert_eq!(marks(&grade), vec![5, 30, 0, 40, 0], "{grade:#?}");
        assert_eq!(grade.score, 75);
        // Forgetting that the ammeter reads mA: R 1000 times too small, in Ω → result and unit lost.
        let grade = OhmsLaw
            .grade(
                &hidden,
                &submission(
                    readings,
                    json!({ "resistance": resistance / 1000.0, "resistance_unit": "ohm" }),
                ),
            )
            .unwrap();
        assert_eq!(marks(&grade), vec![5, 30, 0, 0, 0], "{grade:#?}");
        // 5 % off (within twice 3 %: half of 40) with one of eight readings miscopied (7/8 × 30 → 26 of 30).
        let mut readings = take_readings(
            &OhmsLaw,
            &hidden,
            7,
            &setups(&[2.0, 3.5, 5.0, 6.5, 8.0, 9.5, 11.0, 12.0]),
        );
        readings[4]["current"] = json!(17.0);
        let grade = OhmsLaw.grade(
            &hidden,
            &submission(
                readings,
                json!({ "resistance": 47.0 * 1.05, "resistance_unit": "ohm" }),
            ),
        );
        assert_eq!(marks(&grade.unwrap()), vec![10, 26, 10, 20, 10]);
    }

    #[test]
    fn nonsense_scores_0_with_its_reasons() {
        let hidden = json!({ "resistance": 47.0, "internal_resistance": 1.2 });
        let readings = vec![
            json!({ "supply_voltage": 3, "voltage": 11.0, "current": 2.0 }),
            json!({ "supply_voltage": 6, "voltage": 0.5, "current": 900.0 }),
        ];
        let grade = OhmsLaw
            .grade(
                &hidden,
                &submission(
                    readings,
                    json!({ "resistance": 1000, "resistance_unit": "volt" }),
                ),
            )
            .unwrap();
        assert_explained(&grade);
        assert_eq!(grade.score, 0, "{grade:#?}");
        assert!(grade.lines[1]
            .comment_en
            .contains("reading 1, 2 does not match"));
        assert!(grade.lines[4].comment_en.contains("not a unit"));
        let grade = OhmsLaw
            .grade(&hidden, &submission(vec![], json!({ "resistance": 0 })))
            .unwrap();
        assert_eq!(grade.score, 0);
    }

    #[test]
    fn bad_inputs_are_refused_with_their_path() {
        let hidden = OhmsLaw.hidden(1);
        assert_eq!(
            error_path(OhmsLaw.observe(&hidden, &json!({}), 1)),
            "setup.supply_voltage"
        );
        assert_eq!(
            error_path(OhmsLaw.observe(&hidden, &json!({ "supply_voltage": "x" }), 1)),
            "setup.supply_voltage"
        );
        assert_eq!(
            error_path(OhmsLaw.observe(&hidden, &json!({ "supply_voltage": 13 }), 1)),
            "setup.supply_voltage"
        );
        assert_eq!(
            error_path(OhmsLaw.observe(&hidden, &json!({ "supply_voltage": 1.25 }), 1)),
            "setup.supply_voltage"
        );
        assert_eq!(
            error_path(OhmsLaw.observe(&hidden, &json!([1]), 1)),
            "setup"
        );
        let reading = json!({ "supply_voltage": 1, "voltage": 1, "current": 20 });
        let bad = json!({ "supply_voltage": 1, "voltage": 1, "current": "lots" });
        let result = json!({ "resistance": 47, "resistance_unit": "ohm" });
        let sub = |readings: Vec<Value>, result: Value| submission(readings, result);
        assert_eq!(
            error_path(OhmsLaw.grade(
                &hidden,
                &sub(
                    vec![reading.clone(); 3].into_iter().chain([bad]).collect(),
                    result.clone()
                )
            )),
            "readings.3.current"
        );
        assert_eq!(
            error_path(OhmsLaw.grade(&hidden, &json!({ "result": result }))),
            "readings"
        );
        assert_eq!(
            error_path(OhmsLaw.grade(
                &hidden,
                &sub(vec![reading.clone()], json!({ "resistance_unit": "ohm" }))
            )),
            "result.resistance"
        );
        assert_eq!(
            error_path(OhmsLaw.grade(
                &hidden,
                &sub(
                    vec![reading.clone()],
                    json!({ "resistance": 4, "resistance_unit": 4 })
                )
            )),
            "result.resistance_unit"
        );
        assert_eq!(
            error_path(OhmsLaw.grade(&hidden, &json!({ "readings": [reading] }))),
            "result"
        );
        assert_eq!(
            error_path(OhmsLaw.grade(&json!({}), &json!({}))),
            "hidden.resistance"
        );
    }

    #[test]
    fn a_reading_copied_many_times_counts_once() {
        // One real reading copied eight times: consistent (30), but one distinct reading (enough 0) and one supply
        // value (spread 0); R from it is right (40) with its unit (10): 80, not 100.
        let hidden = json!({ "resistance": 47.0, "internal_resistance": 1.2 });
        let reading = take_readings(&OhmsLaw, &hidden, 3, &setups(&[6.0])).remove(0);
        let resistance =
            reading["voltage"].as_f64().unwrap() / reading["current"].as_f64().unwrap() * 1000.0;
        let grade = OhmsLaw
            .grade(
                &hidden,
                &submission(
                    vec![reading; 8],
                    json!({ "resistance": resistance, "resistance_unit": "ohm" }),
                ),
            )
            .unwrap();
        assert_eq!(marks(&grade), vec![0, 30, 0, 40, 10], "{grade:#?}");
    }

    #[test]
    fn a_score_in_the_submission_is_ignored() {
        let hidden = json!({ "resistance": 47.0, "internal_resistance": 1.2 });
        let mut body = submission(vec![], json!({ "resistance": 1, "resistance_unit": "ohm" }));
        body["score"] = json!(100);
        assert_eq!(OhmsLaw.grade(&hidden, &body).unwrap().score, 0);
    }
}
