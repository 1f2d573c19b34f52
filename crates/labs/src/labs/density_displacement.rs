//! Density by displacement: five irregular pieces of one unknown material, a top-pan balance and a 100 cm³
//! measuring cylinder.
//!
//! Model: each piece k has its own volume V_k (cm³, hidden, 5 to 30 cm³) and the mass m_k = ρ·V_k (g), ρ the
//! material's density (g/cm³, hidden: one of aluminium 2.70, granite 2.75, titanium 4.51, zinc 7.14, iron 7.87,
//! brass 8.50, copper 8.96, lead 11.34). The student pours water into the cylinder, reads the level at the bottom
//! of the meniscus, lowers the piece in on a thread and reads the level again: the water displaced is the piece's
//! volume. The balance reads 0.01 g with σ = 0.005 g; the cylinder is graduated every 1 cm³ and read to the half
//! graduation, 0.5 cm³, with a meniscus error σ = 0.2 cm³. ρ is the slope of mass against displaced volume (and
//! names the material).

use serde_json::{json, Value};

use super::{apparatus, experiment_of, known};
use crate::grading::{self, agrees, round_to, spread_of, Expected, Noise, Tolerance};
use crate::spec::{text, Bench, Control, ControlKind, Measured, ResultField, UnitChoice};
use crate::{Experiment, Grade, Lab, LabError};

pub(crate) struct DensityDisplacement;

/// Densities of the materials the pieces may be made of, g/cm³.
const MATERIALS: [f64; 8] = [2.70, 2.75, 4.51, 7.14, 7.87, 8.50, 8.96, 11.34];
/// How many pieces there are.
const PIECES: usize = 5;
const BALANCE_SIGMA: f64 = 0.005;
const MENISCUS_SIGMA: f64 = 0.2;

const PIECE: Control = Control {
    name: "piece",
    label: text("Piece", "القطعة"),
    unit: "",
    kind: ControlKind::Choice {
        values: &[1.0, 2.0, 3.0, 4.0, 5.0],
        default: 1.0,
    },
};
const WATER: Control = Control {
    name: "water",
    label: text("Water poured into the cylinder", "الماء المسكوب في المخبار"),
    unit: "cm³",
    kind: ControlKind::Range {
        min: 30.0,
        max: 60.0,
        step: 5.0,
        default: 50.0,
    },
};
const MASS: Measured = Measured {
    name: "mass",
    label: text("Balance", "الميزان"),
    unit: "g",
    resolution: 0.01,
};
const BEFORE: Measured = Measured {
    name: "level_before",
    label: text("Level before", "المستوى قبل"),
    unit: "cm³",
    resolution: 0.5,
};
const AFTER: Measured = Measured {
    name: "level_after",
    label: text("Level with the piece", "المستوى مع القطعة"),
    unit: "cm³",
    resolution: 0.5,
};

pub(crate) static BENCH: Bench = Bench {
    controls: &[PIECE, WATER],
    measured: &[MASS, BEFORE, AFTER],
    results: &[ResultField {
        name: "density",
        label: text("Density of the material ρ", "كثافة المادة ρ"),
        units: &[
            UnitChoice { value: "g_per_cm3", label: "g/cm³", factor: Some(1.0) },
            UnitChoice { value: "kg_per_m3", label: "kg/m³", factor: Some(0.001) },
            UnitChoice { value: "g_per_ml", label: "g/mL", factor: Some(1.0) },
            UnitChoice { value: "gram", label: "g", factor: None },
            UnitChoice { value: "cm3", label: "cm³", factor: None },
            UnitChoice { value: "kg_per_m2", label: "kg/m²", factor: None },
        ],
    }],
    instructions: text(
        "Choose a piece and the water to pour, then take a reading: the balance gives the piece's mass and the cylinder the level before and after the piece is lowered in. Measure all five pieces, some twice. The volume is the rise in level. Plot mass against volume and give the density ρ from the slope, with its unit.",
        "اختر قطعة وكمية الماء التي تسكبها، ثم خذ قراءة: يعطي الميزان كتلة القطعة ويعطي المخبار المستوى قبل إنزال القطعة وبعده. قِس القطع الخمس كلها، وبعضها مرتين. الحجم هو ارتفاع المستوى. ارسم الكتلة مقابل الحجم وأعطِ الكثافة ρ من الميل مع وحدتها.",
    ),
    plot: ("level_after-level_before", "mass"),
};

struct Pieces {
    /// g/cm³.
    density: f64,
    /// cm³, piece 1 first.
    volumes: Vec<f64>,
}

impl Pieces {
    fn from(hidden: &Value) -> Result<Self, LabError> {
        let density = grading::hidden_number(hidden, "density")?;
        let volumes = (0..PIECES)
            .map(|index| {
                grading::number(
                    hidden.get("volumes").and_then(|v| v.get(index)),
                    &format!("hidden.volumes.{index}"),
                )
            })
            .collect::<Result<Vec<f64>, LabError>>()?;
        Ok(Pieces { density, volumes })
    }

    /// The volume of piece `piece` (1 to 5), when there is such a piece.
    fn volume(&self, piece: f64) -> Option<f64> {
        let index = piece.round();
        if (piece - index).abs() > 1e-9 || !(1.0..=PIECES as f64).contains(&index) {
            return None;
        }
        self.volumes.get(index as usize - 1).copied()
    }
}

impl Lab for DensityDisplacement {
    fn experiment(&self) -> &'static Experiment {
        experiment_of("density-displacement")
    }

    fn hidden(&self, seed: u64) -> Value {
        let mut rng = grading::hidden_rng(seed);
        let material =
            ((rng.uniform(0.0, 1.0) * MATERIALS.len() as f64) as usize).min(MATERIALS.len() - 1);
        let volumes: Vec<f64> = (0..PIECES)
            .map(|_| round_to(rng.uniform(5.0, 30.0), 0.01))
            .collect();
        json!({ "density": MATERIALS[material], "volumes": volumes })
    }

    fn apparatus(&self, _hidden: &Value) -> Value {
        apparatus(
            &BENCH,
            &[600.0, 100.0, 100.0],
            vec![known(
                "cylinder",
                "Measuring cylinder",
                "المخبار المدرج",
                100.0,
                "cm³",
            )],
        )
    }

    fn observe(&self, hidden: &Value, setup: &Value, noise_seed: u64) -> Result<Value, LabError> {
        let pieces = Pieces::from(hidden)?;
        let setup = grading::setup(&BENCH, setup)?;
        let (piece, water) = (setup["piece"], setup["water"]);
        let volume = pieces
            .volume(piece)
            .ok_or_else(|| LabError::input("setup.piece", "there is no such piece"))?;
        let mut noise = Noise::new(noise_seed);
        Ok(json!({
            "piece": piece,
            "water": water,
            "mass": round_to(pieces.density * volume + BALANCE_SIGMA * noise.gaussian(), MASS.resolution),
            "level_before": round_to(water + MENISCUS_SIGMA * noise.gaussian(), BEFORE.resolution),
            "level_after": round_to(water + volume + MENISCUS_SIGMA * noise.gaussian(), AFTER.resolution),
        }))
    }

    fn grade(&self, hidden: &Value, submission: &Value) -> Result<Grade, LabError> {
        let pieces = Pieces::from(hidden)?;
        let (rows, answers) = grading::submission(&BENCH, submission)?;
        let consistent = |row: &grading::Row| {
            let Some(volume) = pieces.volume(row.get("piece")) else {
                return false;
            };
            let water = row.get("water");
            agrees(
                row.get("mass"),
                pieces.density * volume,
                BALANCE_SIGMA,
                MASS.resolution,
            ) && agrees(
                row.get("level_before"),
                water,
                MENISCUS_SIGMA,
                BEFORE.resolution,
            ) && agrees(
                row.get("level_after"),
                water + volume,
                MENISCUS_SIGMA,
                AFTER.resolution,
            )
        };
        let spread = |rows: &[&grading::Row]| {
            spread_of(rows, PIECE.name, PIECE.label, PIECE.bounds(), 4, 0.5)
        };
        let expected = Expected {
            symbol: text("ρ", "ρ"),
            truth: pieces.density,
            unit: "g/cm³",
            tolerance: Tolerance::Relative(0.04),
        };
        Ok(grading::standard(
            &rows,
            &answers[0],
            5,
            consistent,
            spread,
            &expected,
        ))
    }
}

/// The README's careful student: pieces 1 to 5 in 50 cm³ of water, then pieces 1 to 3 again in 40 cm³; ρ as the
/// slope through the origin of mass against (level_after − level_before).
pub(crate) fn careful(hidden: &Value) -> (Vec<Value>, Value) {
    let mut setups: Vec<Value> = (1..=5)
        .map(|piece| json!({ "piece": piece, "water": 50 }))
        .collect();
    setups.extend((1..=3).map(|piece| json!({ "piece": piece, "water": 40 })));
    let density = hidden
        .get("density")
        .and_then(Value::as_f64)
        .unwrap_or_default();
    (
        setups,
        json!({ "density": density, "density_unit": "g_per_cm3" }),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::labs::testing::{assert_explained, error_path, marks, submission, take_readings};

    fn density_from(readings: &[Value]) -> f64 {
        let (sxy, sxx) = readings.iter().fold((0.0, 0.0), |(sxy, sxx), r| {
            let volume = r["level_after"].as_f64().unwrap() - r["level_before"].as_f64().unwrap();
            (
                sxy + volume * r["mass"].as_f64().unwrap(),
                sxx + volume * volume,
            )
        });
        sxy / sxx
    }

    const HIDDEN: &str = r#"{ "density": 7.87, "volumes": [12.0, 20.5, 8.25, 27.0, 15.5] }"#;

    #[test]
    fn mass_is_density_times_the_volume_displaced() {
        // Hand-computed: iron 7.87 g/cm³, piece 2 of 20.5 cm³ → 161.34 g; 50 cm³ of water rises to 70.5 cm³.
        let hidden: Value = serde_json::from_str(HIDDEN).unwrap();
        let reading = DensityDisplacement
            .observe(&hidden, &json!({ "piece": 2, "water": 50 }), 6)
            .unwrap();
        assert!(
            (reading["mass"].as_f64().unwrap() - 161.34).abs() <= 0.03,
            "{reading}"
        );
        assert!(
            (reading["level_after"].as_f64().unwrap() - 70.5).abs() <= 1.0,
            "{reading}"
        );
        assert!(
            (reading["level_before"].as_f64().unwrap() - 50.0).abs() <= 1.0,
            "{reading}"
        );
        assert!(
            DensityDisplacement.hidden(4)["volumes"]
                .as_array()
                .unwrap()
                .len()
                == PIECES
        );
    }

    #[test]
    fn a_careful_student_scores_100() {
        for seed in [1, 2, 3] {
            let hidden = DensityDisplacement.hidden(seed);
            let readings = take_readings(&DensityDisplacement, &hidden, seed, &careful(&hidden).0);
            let density = density_from(&readings);
            let grade = DensityDisplacement
                .grade(
                    &hidden,
                    &submission(
                        readings,
                        json!({ "density": density * 1000.0, "density_unit": "kg_per_m3" }),
                    ),
                )
                .unwrap();
            assert_explained(&grade);
            assert_eq!(grade.score, 100, "{grade:#?}");
        }
    }

    #[test]
    fn a_careless_student_loses_the_marks_the_rubric_says() {
        // Two pieces (enough: 2 of 5, under half → 0; spread: 2 pieces of the 4 needed, spanning 25 % of the 50 %
        // needed → 0) and the level with the piece taken as its volume (not the rise): ρ far too small → 0, unit 0:
        // only the consistent readings' 30.
        let hidden: Value = serde_json::from_str(HIDDEN).unwrap();
        let setups = vec![
            json!({ "piece": 1, "water": 50 }),
            json!({ "piece": 2, "water": 50 }),
        ];
        let readings = take_readings(&DensityDisplacement, &hidden, 2, &setups);
        let density =
            readings[0]["mass"].as_f64().unwrap() / readings[0]["level_after"].as_f64().unwrap();
        let grade = DensityDisplacement
            .grade(
                &hidden,
                &submission(
                    readings,
                    json!({ "density": density, "density_unit": "g_per_cm3" }),
                ),
            )
            .unwrap();
        assert_explained(&grade);
        assert_eq!(marks(&grade), vec![0, 30, 0, 0, 0], "{grade:#?}");
    }

    #[test]
    fn nonsense_scores_0_with_its_reasons() {
        let hidden: Value = serde_json::from_str(HIDDEN).unwrap();
        let readings: Vec<Value> = (1..=5)
            .map(|piece| json!({ "piece": piece, "water": 50, "mass": 1, "level_before": 50, "level_after": 49 }))
            .collect();
        let grade = DensityDisplacement
            .grade(
                &hidden,
                &submission(readings, json!({ "density": 1, "density_unit": "gram" })),
            )
            .unwrap();
        assert_explained(&grade);
        assert_eq!(grade.score, 0, "{grade:#?}");
    }

    #[test]
    fn bad_inputs_are_refused_with_their_path() {
        let hidden = DensityDisplacement.hidden(1);
        assert_eq!(
            error_path(DensityDisplacement.observe(
                &hidden,
                &json!({ "piece": 6, "water": 50 }),
                1
            )),
            "setup.piece"
        );
        assert_eq!(
            error_path(DensityDisplacement.observe(
                &hidden,
                &json!({ "piece": 1, "water": 70 }),
                1
            )),
            "setup.water"
        );
        let body = json!({ "readings": [{ "piece": 1, "water": 50, "mass": 3, "level_before": 50 }], "result": {} });
        assert_eq!(
            error_path(DensityDisplacement.grade(&hidden, &body)),
            "readings.0.level_after"
        );
        assert_eq!(
            error_path(DensityDisplacement.grade(&json!({ "density": 2.7 }), &body)),
            "hidden.volumes.0"
        );
    }
}
