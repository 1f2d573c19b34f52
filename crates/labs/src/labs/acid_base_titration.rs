//! Acid-base titration: 25.00 cm³ of hydrochloric acid of unknown concentration titrated with 0.100 mol/dm³
//! sodium hydroxide, followed with a pH meter.
//!
//! Model (25 °C): HCl + NaOH → NaCl + H₂O, both strong, so after adding V_b of base to V_a of acid the excess of
//! hydrogen ions is x = (c_a·V_a − c_b·V_b) / (V_a + V_b) (mol/dm³, volumes in dm³). Water's equilibrium
//! [H⁺][OH⁻] = K_w = 1.0 × 10⁻¹⁴ and the charge balance give [H⁺] = (x + √(x² + 4K_w)) / 2 when x ≥ 0 and
//! [OH⁻] = (−x + √(x² + 4K_w)) / 2 when x < 0; pH = −log₁₀[H⁺]. The acid's concentration c_a is hidden, between
//! 0.050 and 0.180 mol/dm³, so that the equivalence point V_eq = c_a·V_a / c_b lies between 12.50 and 45.00 cm³ of
//! the 50 cm³ burette. The pH meter shows 0.01 with σ = 0.02. The student locates V_eq at the steepest rise of the
//! pH curve and finds c_a = c_b·V_eq / V_a.

use serde_json::{json, Value};

use super::{apparatus, experiment_of, known};
use crate::grading::{self, agrees, round_to, show, Expected, Noise, Outcome, Tolerance, SPREAD};
use crate::spec::{text, Bench, Control, ControlKind, Measured, ResultField, UnitChoice};
use crate::{Experiment, Grade, Lab, LabError};

pub(crate) struct AcidBaseTitration;

/// The acid pipetted into the flask, cm³.
const ACID_VOLUME: f64 = 25.0;
/// The concentration of the sodium hydroxide in the burette, mol/dm³.
const BASE_CONCENTRATION: f64 = 0.100;
/// The ionic product of water at 25 °C, mol²/dm⁶.
const KW: f64 = 1.0e-14;
/// The pH meter's noise.
const PH_SIGMA: f64 = 0.02;

const BASE_ADDED: Control = Control {
    name: "base_volume",
    label: text(
        "Sodium hydroxide added (burette)",
        "هيدروكسيد الصوديوم المضاف (السحاحة)",
    ),
    unit: "cm³",
    kind: ControlKind::Range {
        min: 0.0,
        max: 50.0,
        step: 0.05,
        default: 0.0,
    },
};
const PH: Measured = Measured {
    name: "ph",
    label: text("pH meter", "مقياس الرقم الهيدروجيني"),
    unit: "pH",
    resolution: 0.01,
};

pub(crate) static BENCH: Bench = Bench {
    controls: &[BASE_ADDED],
    measured: &[PH],
    results: &[ResultField {
        name: "concentration",
        label: text("Concentration of the acid", "تركيز الحمض"),
        units: &[
            UnitChoice { value: "mol_per_dm3", label: "mol/dm³", factor: Some(1.0) },
            UnitChoice { value: "mol_per_l", label: "mol/L", factor: Some(1.0) },
            UnitChoice { value: "mmol_per_dm3", label: "mmol/dm³", factor: Some(0.001) },
            UnitChoice { value: "g_per_dm3", label: "g/dm³", factor: None },
            UnitChoice { value: "mol", label: "mol", factor: None },
            UnitChoice { value: "cm3", label: "cm³", factor: None },
        ],
    }],
    instructions: text(
        "Run sodium hydroxide from the burette into the acid and read the pH meter after each addition: first every 5 cm³ to find where the pH jumps, then in small steps (0.1 cm³) across the jump. The end point is the middle of the steepest rise. Give the acid's concentration c = 0.100 × V_end / 25.00 with its unit.",
        "أضِف هيدروكسيد الصوديوم من السحاحة إلى الحمض واقرأ مقياس الرقم الهيدروجيني بعد كل إضافة: أولًا كل 5 cm³ لتجد موضع القفزة، ثم بخطوات صغيرة (0.1 cm³) عبر القفزة. نقطة النهاية منتصف الارتفاع الأشد. أعطِ تركيز الحمض c = 0.100 × V_end / 25.00 مع وحدته.",
    ),
    plot: ("base_volume", "ph"),
};

/// The pH in the flask after `base_volume` cm³ of base, for an acid of `acid_concentration` mol/dm³.
fn ph(acid_concentration: f64, base_volume: f64) -> f64 {
    let hydrogen_moles =
        acid_concentration * ACID_VOLUME / 1000.0 - BASE_CONCENTRATION * base_volume / 1000.0;
    let excess = hydrogen_moles / ((ACID_VOLUME + base_volume) / 1000.0);
    let root = (excess * excess + 4.0 * KW).sqrt();
    if excess >= 0.0 {
        -((excess + root) / 2.0).log10()
    } else {
        let hydroxide = (-excess + root) / 2.0;
        14.0 + hydroxide.log10()
    }
}

fn concentration(hidden: &Value) -> Result<f64, LabError> {
    grading::hidden_number(hidden, "concentration")
}

/// The end point in cm³.
fn end_point(acid_concentration: f64) -> f64 {
    acid_concentration * ACID_VOLUME / BASE_CONCENTRATION
}

impl Lab for AcidBaseTitration {
    fn experiment(&self) -> &'static Experiment {
        experiment_of("acid-base-titration")
    }

    fn hidden(&self, seed: u64) -> Value {
        let mut rng = grading::hidden_rng(seed);
        json!({ "concentration": round_to(rng.uniform(0.050, 0.180), 0.001) })
    }

    fn apparatus(&self, _hidden: &Value) -> Value {
        apparatus(
            &BENCH,
            &[14.0],
            vec![
                known(
                    "acid_volume",
                    "Acid in the flask (pipette)",
                    "الحمض في الدورق (الماصة)",
                    ACID_VOLUME,
                    "cm³",
                ),
                known(
                    "base_concentration",
                    "Sodium hydroxide",
                    "هيدروكسيد الصوديوم",
                    BASE_CONCENTRATION,
                    "mol/dm³",
                ),
                known("burette", "Burette", "السحاحة", 50.0, "cm³"),
            ],
        )
    }

    fn observe(&self, hidden: &Value, setup: &Value, noise_seed: u64) -> Result<Value, LabError> {
        let acid = concentration(hidden)?;
        let setup = grading::setup(&BENCH, setup)?;
        let reading = ph(acid, setup["base_volume"]) + PH_SIGMA * Noise::new(noise_seed).gaussian();
        Ok(
            json!({ "base_volume": setup["base_volume"], "ph": round_to(reading.clamp(0.0, 14.0), PH.resolution) }),
        )
    }

    fn grade(&self, hidden: &Value, submission: &Value) -> Result<Grade, LabError> {
        let acid = concentration(hidden)?;
        let (rows, answers) = grading::submission(&BENCH, submission)?;
        let consistent = |row: &grading::Row| {
            let volume = row.get("base_volume");
            (0.0..=50.0).contains(&volume)
                && agrees(row.get("ph"), ph(acid, volume), PH_SIGMA, PH.resolution)
        };
        let spread = |rows: &[&grading::Row]| bracketing(rows, end_point(acid));
        let expected = Expected {
            symbol: text("c", "c"),
            truth: acid,
            unit: "mol/dm³",
            tolerance: Tolerance::Relative(0.02),
        };
        Ok(grading::standard(
            &rows,
            &answers[0],
            10,
            consistent,
            spread,
            &expected,
        ))
    }
}

/// The titration's spread: readings on both sides of the end point (pH below 5 and above 9) earn half; with at
/// least two readings within 1 cm³ of it (across the jump), all.
fn bracketing(rows: &[&grading::Row], end_point: f64) -> Outcome {
    let below = rows.iter().any(|row| row.get("ph") < 5.0);
    let above = rows.iter().any(|row| row.get("ph") > 9.0);
    let near = rows
        .iter()
        .filter(|row| (row.get("base_volume") - end_point).abs() <= 1.0)
        .count();
    let earned = match (below && above, near >= 2) {
        (true, true) => SPREAD,
        (true, false) => SPREAD / 2,
        _ => 0,
    };
    let sides = if below && above {
        "on both sides of the end point"
    } else {
        "not on both sides of the end point"
    };
    let sides_ar = if below && above {
        "على جانبي نقطة النهاية"
    } else {
        "ليست على جانبي نقطة النهاية"
    };
    Outcome {
        earned,
        comment_en: format!(
            "Readings {sides} (pH below 5 and above 9), {near} within 1 cm³ of it (end point at {} cm³); full marks with both sides and at least 2 across the jump.",
            show(end_point)
        ),
        comment_ar: format!(
            "القراءات {sides_ar} (رقم هيدروجيني أقل من 5 وأكبر من 9)، و{near} منها ضمن 1 cm³ منها (نقطة النهاية عند {} cm³)؛ الدرجة كاملة بالجانبين وقراءتين على الأقل عبر القفزة.",
            show(end_point)
        ),
    }
}

/// The README's careful student: every 5 cm³ from 0 to 45 cm³, then 0.1 cm³ steps across the jump (here from the
/// hidden end point; in the browser from the two 5 cm³ readings between which the pH passes 7).
pub(crate) fn careful(hidden: &Value) -> (Vec<Value>, Value) {
    let acid = hidden
        .get("concentration")
        .and_then(Value::as_f64)
        .unwrap_or_default();
    let end = end_point(acid);
    let mut volumes: Vec<f64> = (0..10).map(|step| 5.0 * f64::from(step)).collect();
    volumes.extend(
        [-0.2, -0.1, 0.1, 0.2]
            .iter()
            .map(|offset| round_to(end + offset, 0.05)),
    );
    let setups = volumes
        .iter()
        .map(|volume| json!({ "base_volume": volume }))
        .collect();
    (
        setups,
        json!({ "concentration": acid, "concentration_unit": "mol_per_dm3" }),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::labs::testing::{assert_explained, error_path, marks, submission, take_readings};

    /// The end point as the middle of the steepest rise between consecutive readings.
    fn end_from(readings: &[Value]) -> f64 {
        let mut points: Vec<(f64, f64)> = readings
            .iter()
            .map(|r| {
                (
                    r["base_volume"].as_f64().unwrap(),
                    r["ph"].as_f64().unwrap(),
                )
            })
            .collect();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        let steepest = points
            .windows(2)
            .max_by(|a, b| {
                ((a[1].1 - a[0].1) / (a[1].0 - a[0].0))
                    .total_cmp(&((b[1].1 - b[0].1) / (b[1].0 - b[0].0)))
            })
            .unwrap();
        (steepest[0].0 + steepest[1].0) / 2.0
    }

    #[test]
    fn the_ph_curve_is_a_strong_acid_with_a_strong_base() {
        // Hand-computed for 0.100 mol/dm³ acid: start pH 1.00; after 20 cm³ excess 0.0005 mol in 45 cm³ → 0.01111
        // mol/dm³, pH 1.954; at 25 cm³ pH 7.00; after 30 cm³ 0.0005 mol OH⁻ in 55 cm³ → pOH 2.041, pH 11.959.
        assert!((ph(0.1, 0.0) - 1.0).abs() < 1e-6);
        assert!((ph(0.1, 20.0) - 1.954).abs() < 1e-3);
        assert!((ph(0.1, 25.0) - 7.0).abs() < 1e-6);
        assert!((ph(0.1, 30.0) - 11.959).abs() < 1e-3);
    }

    #[test]
    fn a_careful_student_scores_100() {
        for seed in [1, 2, 3] {
            let hidden = AcidBaseTitration.hidden(seed);
            let readings = take_readings(&AcidBaseTitration, &hidden, seed, &careful(&hidden).0);
            let concentration = BASE_CONCENTRATION * end_from(&readings) / ACID_VOLUME;
            let grade = AcidBaseTitration
                .grade(&hidden, &submission(readings, json!({ "concentration": concentration * 1000.0, "concentration_unit": "mmol_per_dm3" })))
                .unwrap();
            assert_explained(&grade);
            assert_eq!(grade.score, 100, "{grade:#?}");
        }
    }

    #[test]
    fn a_careless_student_loses_the_marks_the_rubric_says() {
        // Only the 5 cm³ grid (10 readings: enough 10, consistent 30, both sides but none across the jump: 5), the
        // end point as the middle of the 5 cm³ interval of the jump: 0.120 mol/dm³ acid ends at 30.00 cm³, the jump
        // is between 25 and 30 → 27.5 cm³ → 0.110 mol/dm³, 8 % off → 0, unit 0: 45.
        let hidden = json!({ "concentration": 0.120 });
        let setups: Vec<Value> = (0..10)
            .map(|step| json!({ "base_volume": 5 * step }))
            .collect();
        let readings = take_readings(&AcidBaseTitration, &hidden, 3, &setups);
        let concentration = BASE_CONCENTRATION * end_from(&readings) / ACID_VOLUME;
        assert!(
            (concentration - 0.110).abs() < 1e-9 || (concentration - 0.130).abs() < 1e-9,
            "{concentration}"
        );
        let grade = AcidBaseTitration
            .grade(
                &hidden,
                &submission(
                    readings,
                    json!({ "concentration": concentration, "concentration_unit": "mol_per_dm3" }),
                ),
            )
            .unwrap();
        assert_explained(&grade);
        assert_eq!(marks(&grade), vec![10, 30, 5, 0, 0], "{grade:#?}");
    }

    #[test]
    fn nonsense_scores_0_with_its_reasons() {
        let hidden = json!({ "concentration": 0.120 });
        let readings: Vec<Value> = (0..12)
            .map(|step| json!({ "base_volume": 4 * step, "ph": 7 }))
            .collect();
        let grade = AcidBaseTitration
            .grade(
                &hidden,
                &submission(
                    readings,
                    json!({ "concentration": 25, "concentration_unit": "cm3" }),
                ),
            )
            .unwrap();
        assert_explained(&grade);
        assert_eq!(grade.score, 0, "{grade:#?}");
    }

    #[test]
    fn the_readmes_adaptive_sequence_scores_100() {
        // The browser test cannot know the end point: 5 cm³ steps, then 0.5 cm³ steps in the interval where the pH
        // passes 7, then 0.1 cm³ steps in the half cm³ where it does.
        for seed in [11, 12, 13, 14] {
            let hidden = AcidBaseTitration.hidden(seed);
            let mut readings = Vec::new();
            let take = |volumes: Vec<f64>, readings: &mut Vec<Value>| {
                for volume in volumes {
                    let index = readings.len() as u32;
                    let setup = json!({ "base_volume": round_to(volume, 0.05) });
                    readings.push(
                        AcidBaseTitration
                            .observe(&hidden, &setup, crate::noise_seed(seed, index))
                            .unwrap(),
                    );
                }
            };
            let crossing = |readings: &[Value], step: f64| {
                let mut points: Vec<(f64, f64)> = readings
                    .iter()
                    .map(|r| {
                        (
                            r["base_volume"].as_f64().unwrap(),
                            r["ph"].as_f64().unwrap(),
                        )
                    })
                    .collect();
                points.sort_by(|a, b| a.0.total_cmp(&b.0));
                points
                    .windows(2)
                    .find(|pair| {
                        pair[0].1 < 7.0 && pair[1].1 >= 7.0 && pair[1].0 - pair[0].0 >= step - 1e-9
                    })
                    .map(|pair| pair[0].0)
                    .unwrap()
            };
            take(
                (0..10).map(|step| 5.0 * f64::from(step)).collect(),
                &mut readings,
            );
            let start = crossing(&readings, 5.0);
            take(
                (1..10).map(|step| start + 0.5 * f64::from(step)).collect(),
                &mut readings,
            );
            let start = crossing(&readings, 0.5);
            take(
                (1..5).map(|step| start + 0.1 * f64::from(step)).collect(),
                &mut readings,
            );
            let concentration = BASE_CONCENTRATION * end_from(&readings) / ACID_VOLUME;
            let grade = AcidBaseTitration
                .grade(&hidden, &submission(readings, json!({ "concentration": concentration, "concentration_unit": "mol_per_dm3" })))
                .unwrap();
            assert_eq!(grade.score, 100, "{grade:#?}");
        }
    }

    #[test]
    fn bad_inputs_are_refused_with_their_path() {
        let hidden = AcidBaseTitration.hidden(1);
        assert_eq!(
            error_path(AcidBaseTitration.observe(&hidden, &json!({ "base_volume": 12.33 }), 1)),
            "setup.base_volume"
        );
        assert_eq!(
            error_path(AcidBaseTitration.observe(&hidden, &json!({ "base_volume": 60 }), 1)),
            "setup.base_volume"
        );
        assert!(AcidBaseTitration
            .observe(&hidden, &json!({ "base_volume": 12.35 }), 1)
            .is_ok());
        let body =
            json!({ "readings": [{ "base_volume": 1 }], "result": { "concentration": 0.1 } });
        assert_eq!(
            error_path(AcidBaseTitration.grade(&hidden, &body)),
            "readings.0.ph"
        );
    }
}
