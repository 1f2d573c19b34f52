//! The labs that run in the browser: each module holds one lab's model (the science, with units), its bench and
//! its rubric. This module is their register.

use crate::spec::Bench;
use crate::{Experiment, Lab};

mod acid_base_titration;
mod density_displacement;
mod hookes_law;
mod ohms_law;
mod osmosis_potato;
mod photosynthesis_light;
mod rate_temperature;
mod simple_pendulum;
mod snells_law;

#[cfg(test)]
pub(crate) mod testing;

/// A lab with the bench its page and grader share.
pub(crate) struct Entry {
    pub lab: &'static dyn Lab,
    pub bench: &'static Bench,
    /// A careful student's set-ups (the README's sequence) and result for an attempt's hidden values.
    pub careful: fn(&serde_json::Value) -> (Vec<serde_json::Value>, serde_json::Value),
}

static ENTRIES: &[Entry] = &[
    Entry {
        lab: &ohms_law::OhmsLaw,
        bench: &ohms_law::BENCH,
        careful: ohms_law::careful,
    },
    Entry {
        lab: &simple_pendulum::SimplePendulum,
        bench: &simple_pendulum::BENCH,
        careful: simple_pendulum::careful,
    },
    Entry {
        lab: &hookes_law::HookesLaw,
        bench: &hookes_law::BENCH,
        careful: hookes_law::careful,
    },
    Entry {
        lab: &snells_law::SnellsLaw,
        bench: &snells_law::BENCH,
        careful: snells_law::careful,
    },
    Entry {
        lab: &acid_base_titration::AcidBaseTitration,
        bench: &acid_base_titration::BENCH,
        careful: acid_base_titration::careful,
    },
    Entry {
        lab: &rate_temperature::RateTemperature,
        bench: &rate_temperature::BENCH,
        careful: rate_temperature::careful,
    },
    Entry {
        lab: &photosynthesis_light::PhotosynthesisLight,
        bench: &photosynthesis_light::BENCH,
        careful: photosynthesis_light::careful,
    },
    Entry {
        lab: &density_displacement::DensityDisplacement,
        bench: &density_displacement::BENCH,
        careful: density_displacement::careful,
    },
    Entry {
        lab: &osmosis_potato::OsmosisPotato,
        bench: &osmosis_potato::BENCH,
        careful: osmosis_potato::careful,
    },
];

pub(crate) fn find(id: &str) -> Option<&'static Entry> {
    ENTRIES.iter().find(|entry| entry.lab.experiment().id == id)
}

/// The catalogue entry of a lab (every lab is in the catalogue; a test checks it).
pub(crate) fn experiment_of(id: &str) -> &'static Experiment {
    match crate::catalogue::experiment(id) {
        Some(experiment) => experiment,
        None => panic!("lab {id} is not in the catalogue"),
    }
}

/// The apparatus a student sees: every instrument with its range and resolution, and the known quantities.
/// `ranges` gives each measured quantity's full scale, in the bench's order.
pub(crate) fn apparatus(
    bench: &Bench,
    ranges: &[f64],
    known: Vec<serde_json::Value>,
) -> serde_json::Value {
    let instruments: Vec<serde_json::Value> = bench
        .measured
        .iter()
        .zip(ranges)
        .map(|(measured, range)| {
            serde_json::json!({
                "name": measured.name,
                "label_en": measured.label.en,
                "label_ar": measured.label.ar,
                "unit": measured.unit,
                "range": range,
                "resolution": measured.resolution,
            })
        })
        .collect();
    serde_json::json!({ "instruments": instruments, "known": known })
}

/// A known quantity of the apparatus (shown to the student).
pub(crate) fn known(
    name: &str,
    label_en: &str,
    label_ar: &str,
    value: f64,
    unit: &str,
) -> serde_json::Value {
    serde_json::json!({ "name": name, "label_en": label_en, "label_ar": label_ar, "value": value, "unit": unit })
}
