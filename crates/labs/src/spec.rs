//! The description of a lab's bench that both the page and the grader read: the set-up controls, the quantities
//! the instruments show, the results asked for with their units, and how many readings over what spread a careful
//! student takes.

/// A text in both languages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Text {
    pub en: &'static str,
    pub ar: &'static str,
}

pub(crate) const fn text(en: &'static str, ar: &'static str) -> Text {
    Text { en, ar }
}

impl Text {
    pub fn get(&self, lang: &str) -> &'static str {
        if lang == "ar" {
            self.ar
        } else {
            self.en
        }
    }
}

/// How the student sets a control.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ControlKind {
    /// A slider with a number box beside it.
    Range {
        min: f64,
        max: f64,
        step: f64,
        default: f64,
    },
    /// A choice among fixed values (the labels are the values with the unit).
    Choice {
        values: &'static [f64],
        default: f64,
    },
}

/// One control of the apparatus; its value is sent as `setup.<name>` and recorded in each reading.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Control {
    pub name: &'static str,
    pub label: Text,
    pub unit: &'static str,
    pub kind: ControlKind,
}

impl Control {
    pub fn bounds(&self) -> (f64, f64) {
        match self.kind {
            ControlKind::Range { min, max, .. } => (min, max),
            ControlKind::Choice { values, .. } => (
                values.iter().copied().fold(f64::INFINITY, f64::min),
                values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            ),
        }
    }

    /// Whether a set-up value is one the control can take (within range and on its step or among its choices).
    pub fn accepts(&self, value: f64) -> bool {
        match self.kind {
            ControlKind::Range { min, max, step, .. } => {
                let steps = (value - min) / step;
                value >= min - 1e-9 && value <= max + 1e-9 && (steps - steps.round()).abs() < 1e-6
            }
            ControlKind::Choice { values, .. } => {
                values.iter().any(|choice| (choice - value).abs() < 1e-9)
            }
        }
    }
}

/// One quantity an instrument shows; recorded as `readings.<i>.<name>`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Measured {
    pub name: &'static str,
    pub label: Text,
    pub unit: &'static str,
    /// The instrument's resolution (the reading is rounded to it).
    pub resolution: f64,
}

/// A unit the student may choose for a result; `factor` converts a value in it to the lab's unit, `None` when it
/// is not a unit of that quantity at all.
#[derive(Debug, Clone, Copy)]
pub(crate) struct UnitChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub factor: Option<f64>,
}

/// A result the student submits as `result.<name>` with its unit `result.<name>_unit`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ResultField {
    pub name: &'static str,
    pub label: Text,
    pub units: &'static [UnitChoice],
}

/// The bench of one lab.
#[derive(Debug)]
pub(crate) struct Bench {
    pub controls: &'static [Control],
    pub measured: &'static [Measured],
    pub results: &'static [ResultField],
    /// What to do, shown above the apparatus.
    pub instructions: Text,
    /// The graph the page draws of the readings: (x, y), each a name among the controls and measured quantities
    /// or the difference of two, "a-b".
    pub plot: (&'static str, &'static str),
}
