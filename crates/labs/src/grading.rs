//! What every lab shares: reading set-ups and submissions with dot paths for what is wrong, instrument noise from a
//! seed, and the standard rubric (enough readings, readings consistent with the apparatus, spread of set-ups, the
//! result within tolerance, its unit) with its lines in English and Arabic.

use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use crate::spec::{text, Bench, Text};
use crate::{Grade, LabError, RubricLine};

/// The most readings a submission may carry.
pub(crate) const MAX_READINGS: usize = 200;

/// A number from JSON: a number, or a string holding one (browser inputs send strings); finite only.
pub(crate) fn number(value: Option<&Value>, path: &str) -> Result<f64, LabError> {
    let parsed = match value {
        None | Some(Value::Null) => return Err(LabError::input(path, "is required")),
        Some(Value::Number(number)) => number.as_f64(),
        Some(Value::String(text)) => text.trim().parse::<f64>().ok(),
        Some(_) => None,
    };
    match parsed {
        Some(number) if number.is_finite() => Ok(number),
        _ => Err(LabError::input(path, "must be a number")),
    }
}

/// A hidden parameter the server stored; a missing one means the stored attempt is not this lab's.
pub(crate) fn hidden_number(hidden: &Value, name: &str) -> Result<f64, LabError> {
    number(hidden.get(name), &format!("hidden.{name}"))
}

/// The student's set-up for one reading, checked against the bench's controls.
pub(crate) fn setup(bench: &Bench, setup: &Value) -> Result<HashMap<&'static str, f64>, LabError> {
    if !setup.is_object() {
        return Err(LabError::input("setup", "must be an object"));
    }
    let mut values = HashMap::new();
    for control in bench.controls {
        let path = format!("setup.{}", control.name);
        let value = number(setup.get(control.name), &path)?;
        if !control.accepts(value) {
            let (min, max) = control.bounds();
            return Err(LabError::input(
                path,
                format!(
                    "must be a value of the control, between {} and {} {}",
                    show(min),
                    show(max),
                    control.unit
                ),
            ));
        }
        values.insert(control.name, value);
    }
    Ok(values)
}

/// One recorded reading of a submission: the set-up and what the instruments showed.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub values: HashMap<&'static str, f64>,
}

impl Row {
    pub fn get(&self, name: &str) -> f64 {
        self.values.get(name).copied().unwrap_or(f64::NAN)
    }

    /// The row's values in name order, to recognise a row copied several times.
    fn key(&self) -> Vec<(&'static str, u64)> {
        let mut key: Vec<(&'static str, u64)> = self
            .values
            .iter()
            .map(|(name, value)| (*name, value.to_bits()))
            .collect();
        key.sort_unstable();
        key
    }
}

/// A submitted result: its value converted to the lab's unit when the unit is one of it, and whether it was.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub value: f64,
    pub unit_label: String,
    pub unit_right: bool,
}

/// Reads {"readings": [...], "result": {...}} for a bench.
pub(crate) fn submission(
    bench: &Bench,
    submission: &Value,
) -> Result<(Vec<Row>, Vec<Answer>), LabError> {
    let readings = match submission.get("readings") {
        Some(Value::Array(readings)) => readings,
        None | Some(Value::Null) => return Err(LabError::input("readings", "is required")),
        Some(_) => return Err(LabError::input("readings", "must be a list")),
    };
    if readings.len() > MAX_READINGS {
        return Err(LabError::input(
            "readings",
            format!("at most {MAX_READINGS} readings"),
        ));
    }
    let mut rows = Vec::with_capacity(readings.len());
    for (index, reading) in readings.iter().enumerate() {
        if !reading.is_object() {
            return Err(LabError::input(
                format!("readings.{index}"),
                "must be an object",
            ));
        }
        let mut values = HashMap::new();
        let names = bench
            .controls
            .iter()
            .map(|c| c.name)
            .chain(bench.measured.iter().map(|m| m.name));
        for name in names {
            values.insert(
                name,
                number(reading.get(name), &format!("readings.{index}.{name}"))?,
            );
        }
        rows.push(Row { values });
    }
    let result = match submission.get("result") {
        Some(result @ Value::Object(_)) => result,
        None | Some(Value::Null) => return Err(LabError::input("result", "is required")),
        Some(_) => return Err(LabError::input("result", "must be an object")),
    };
    let mut answers = Vec::new();
    for field in bench.results {
        let value = number(result.get(field.name), &format!("result.{}", field.name))?;
        let unit_path = format!("result.{}_unit", field.name);
        let unit = match result.get(format!("{}_unit", field.name)) {
            None | Some(Value::Null) => "",
            Some(Value::String(unit)) => unit.trim(),
            Some(_) => return Err(LabError::input(unit_path, "must be a unit name")),
        };
        let choice = field.units.iter().find(|choice| choice.value == unit);
        let factor = choice.and_then(|choice| choice.factor);
        answers.push(Answer {
            value: value * factor.unwrap_or(1.0),
            unit_label: choice
                .map(|choice| choice.label.to_string())
                .unwrap_or_else(|| unit.to_string()),
            unit_right: factor.is_some(),
        });
    }
    Ok((rows, answers))
}

/// Instrument noise from a reading's seed.
pub(crate) struct Noise(ChaCha8Rng);

impl Noise {
    pub fn new(seed: u64) -> Self {
        Noise(ChaCha8Rng::seed_from_u64(seed))
    }

    /// A standard normal deviate (Box–Muller).
    pub fn gaussian(&mut self) -> f64 {
        let u1: f64 = 1.0 - self.0.gen::<f64>();
        let u2: f64 = self.0.gen::<f64>();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    pub fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.0.gen::<f64>()
    }

    /// A Poisson count of mean `mean` (counting bubbles): Knuth's method below 30, normal above.
    pub fn poisson(&mut self, mean: f64) -> f64 {
        if mean <= 0.0 {
            return 0.0;
        }
        if mean > 30.0 {
            return (mean + mean.sqrt() * self.gaussian()).round().max(0.0);
        }
        let limit = (-mean).exp();
        let mut product = 1.0;
        let mut count = -1.0;
        while product > limit {
            product *= self.0.gen::<f64>();
            count += 1.0;
        }
        count
    }
}

/// The attempt's hidden values are drawn from this generator.
pub(crate) fn hidden_rng(seed: u64) -> Noise {
    Noise::new(seed ^ 0x6869_6464_656e)
}

/// Rounds to an instrument's resolution (and clears the float noise of the rounding).
pub(crate) fn round_to(value: f64, resolution: f64) -> f64 {
    let steps = (value / resolution).round();
    let decimals = (-resolution.log10()).ceil().max(0.0) as i32;
    let scale = 10f64.powi(decimals);
    (steps * resolution * scale).round() / scale
}

/// A number for a comment: three significant figures, no trailing noise.
pub(crate) fn show(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return format!("{value}");
    }
    let magnitude = value.abs().log10().floor() as i32;
    let decimals = (2 - magnitude).clamp(0, 6) as usize;
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A number with its unit, when it has one.
fn with_unit(value: f64, unit: &str) -> String {
    if unit.is_empty() {
        show(value)
    } else {
        format!("{} {unit}", show(value))
    }
}

/// How far a result may be from the attempt's value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Tolerance {
    /// A fraction of the value (0.03 = 3 %).
    Relative(f64),
    /// In the result's unit.
    Absolute(f64),
}

impl Tolerance {
    fn error(&self, answer: f64, truth: f64) -> f64 {
        match self {
            Tolerance::Relative(_) => (answer - truth).abs() / truth.abs(),
            Tolerance::Absolute(_) => (answer - truth).abs(),
        }
    }
    fn limit(&self) -> f64 {
        match self {
            Tolerance::Relative(limit) | Tolerance::Absolute(limit) => *limit,
        }
    }
    fn describe(&self, amount: f64, unit: &str) -> String {
        match self {
            Tolerance::Relative(_) => format!("{} %", show(amount * 100.0)),
            Tolerance::Absolute(_) => with_unit(amount, unit),
        }
    }
}

/// The result a lab asks for and how it is marked.
pub(crate) struct Expected {
    pub symbol: Text,
    pub truth: f64,
    pub unit: &'static str,
    /// Within it, full marks; within twice it, half.
    pub tolerance: Tolerance,
}

/// The outcome of a lab-specific criterion (the spread of set-ups): marks out of the line's worth and why.
pub(crate) struct Outcome {
    pub earned: u8,
    pub comment_en: String,
    pub comment_ar: String,
}

/// The standard rubric's marks: enough readings 10, consistent readings 30, spread 10, result 40, unit 10.
pub(crate) const ENOUGH: u8 = 10;
pub(crate) const CONSISTENT: u8 = 30;
pub(crate) const SPREAD: u8 = 10;
pub(crate) const RESULT: u8 = 40;
pub(crate) const UNIT: u8 = 10;

/// Grades a submission by the standard rubric. Only readings consistent with the apparatus count towards "enough"
/// and "spread": invented numbers earn nothing anywhere.
pub(crate) fn standard(
    rows: &[Row],
    answer: &Answer,
    min_readings: usize,
    consistent: impl Fn(&Row) -> bool,
    spread: impl Fn(&[&Row]) -> Outcome,
    expected: &Expected,
) -> Grade {
    let mut lines = Vec::new();
    let good: Vec<&Row> = rows.iter().filter(|row| consistent(row)).collect();
    let bad: Vec<String> = rows
        .iter()
        .enumerate()
        .filter(|(_, row)| !consistent(row))
        .map(|(index, _)| (index + 1).to_string())
        .collect();

    // Enough readings: consistent ones, a row copied several times counting once.
    let count = good.len();
    let mut keys: Vec<Vec<(&str, u64)>> = good.iter().map(|row| row.key()).collect();
    keys.sort();
    keys.dedup();
    let distinct = keys.len();
    let earned = if distinct >= min_readings {
        ENOUGH
    } else if distinct * 2 >= min_readings {
        ENOUGH / 2
    } else {
        0
    };
    lines.push(line(
        text("Enough readings", "عدد كافٍ من القراءات"),
        earned,
        ENOUGH,
        format!(
            "{distinct} usable readings (consistent, copies counted once); a careful experiment takes at least {min_readings} (half the marks from {}).",
            min_readings.div_ceil(2)
        ),
        format!(
            "{distinct} قراءة صالحة (متسقة، والمكرر يُحسب مرة واحدة)؛ التجربة المتقنة تأخذ {min_readings} قراءات على الأقل (نصف الدرجة من {}).",
            min_readings.div_ceil(2)
        ),
    ));

    // Readings consistent with the instruments.
    let earned = if rows.is_empty() {
        0
    } else {
        (usize::from(CONSISTENT) * count / rows.len()) as u8
    };
    let (comment_en, comment_ar) = if rows.is_empty() {
        (
            "No readings were recorded.".to_string(),
            "لم تُسجَّل أي قراءة.".to_string(),
        )
    } else if bad.is_empty() {
        (
            format!(
                "All {} readings agree with the instruments within their resolution and noise.",
                rows.len()
            ),
            format!(
                "جميع القراءات ({}) تتفق مع الأجهزة ضمن دقتها وتذبذبها.",
                rows.len()
            ),
        )
    } else {
        (
            format!(
                "{count} of {} readings agree with the instruments; reading {} does not match what the instruments show for its set-up.",
                rows.len(),
                bad.join(", ")
            ),
            format!(
                "{count} من {} قراءات تتفق مع الأجهزة؛ القراءة {} لا تطابق ما تُظهره الأجهزة لإعدادها.",
                rows.len(),
                bad.join("، ")
            ),
        )
    };
    lines.push(line(
        text(
            "Readings consistent with the apparatus",
            "القراءات متسقة مع الأجهزة",
        ),
        earned,
        CONSISTENT,
        comment_en,
        comment_ar,
    ));

    // Spread of set-ups.
    let outcome = spread(&good);
    lines.push(line(
        text("Spread of set-ups", "تنوّع الإعدادات"),
        outcome.earned.min(SPREAD),
        SPREAD,
        outcome.comment_en,
        outcome.comment_ar,
    ));

    // The result.
    let error = expected.tolerance.error(answer.value, expected.truth);
    let limit = expected.tolerance.limit();
    let symbol = expected.symbol;
    let unit = expected.unit;
    let given = format!("{} = {}", symbol.en, with_unit(answer.value, unit));
    let given_ar = format!("{} = {}", symbol.ar, with_unit(answer.value, unit));
    let truth = with_unit(expected.truth, unit);
    let off = expected.tolerance.describe(error, unit);
    let full = expected.tolerance.describe(limit, unit);
    let half = expected.tolerance.describe(2.0 * limit, unit);
    let result_earned = if error <= limit {
        RESULT
    } else if error <= 2.0 * limit {
        RESULT / 2
    } else {
        0
    };
    let (comment_en, comment_ar) = match result_earned {
        RESULT => (
            format!("Your {given} is {off} from the apparatus's value {truth}: within {full}, full marks."),
            format!("نتيجتك {given_ar} تبعد {off} عن قيمة الجهاز {truth}: ضمن {full}، الدرجة كاملة."),
        ),
        0 => (
            format!("Your {given} is {off} from the apparatus's value {truth}: more than {half}, no marks."),
            format!("نتيجتك {given_ar} تبعد {off} عن قيمة الجهاز {truth}: أكثر من {half}، لا درجة."),
        ),
        _ => (
            format!("Your {given} is {off} from the apparatus's value {truth}: within {half} but not {full}, half the marks."),
            format!("نتيجتك {given_ar} تبعد {off} عن قيمة الجهاز {truth}: ضمن {half} لا ضمن {full}، نصف الدرجة."),
        ),
    };
    lines.push(line(
        text("Result within tolerance", "النتيجة ضمن حد التسامح"),
        result_earned,
        RESULT,
        comment_en,
        comment_ar,
    ));

    // The unit.
    let (earned, comment_en, comment_ar) = if !answer.unit_right {
        let shown = if answer.unit_label.is_empty() {
            "none".to_string()
        } else {
            answer.unit_label.clone()
        };
        let shown_ar = if answer.unit_label.is_empty() {
            "لا شيء".to_string()
        } else {
            answer.unit_label.clone()
        };
        (
            0,
            if unit.is_empty() {
                format!(
                    "The unit given ({shown}) does not fit {}: it is a ratio without a unit.",
                    symbol.en
                )
            } else {
                format!(
                    "The unit given ({shown}) is not a unit of {}; the result is in {unit}.",
                    symbol.en
                )
            },
            if unit.is_empty() {
                format!(
                    "الوحدة المعطاة ({shown_ar}) لا تناسب {}: فهي نسبة بلا وحدة.",
                    symbol.ar
                )
            } else {
                format!(
                    "الوحدة المعطاة ({shown_ar}) ليست وحدة لـ {}؛ النتيجة بوحدة {unit}.",
                    symbol.ar
                )
            },
        )
    } else if result_earned == 0 {
        (
            0,
            format!(
                "The unit {} is right, but a unit earns marks only with a value within tolerance.",
                answer.unit_label
            ),
            format!(
                "الوحدة {} صحيحة، لكن الوحدة لا تُحتسب إلا مع قيمة ضمن حد التسامح.",
                answer.unit_label
            ),
        )
    } else {
        (
            UNIT,
            format!("The unit {} is a unit of {}.", answer.unit_label, symbol.en),
            format!("الوحدة {} وحدة صحيحة لـ {}.", answer.unit_label, symbol.ar),
        )
    };
    lines.push(line(
        text("Unit of the result", "وحدة النتيجة"),
        earned,
        UNIT,
        comment_en,
        comment_ar,
    ));

    finish(lines)
}

/// The spread criterion most labs use: the consistent readings cover at least `min_distinct` different values of a
/// control, spanning at least `min_fraction` of its range.
pub(crate) fn spread_of(
    rows: &[&Row],
    name: &'static str,
    label: Text,
    range: (f64, f64),
    min_distinct: usize,
    min_fraction: f64,
) -> Outcome {
    let mut values: Vec<f64> = rows.iter().map(|row| row.get(name)).collect();
    values.sort_by(f64::total_cmp);
    values.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    let span = match (values.first(), values.last()) {
        (Some(low), Some(high)) => (high - low) / (range.1 - range.0),
        _ => 0.0,
    };
    let distinct = values.len();
    let wide = span + 1e-9 >= min_fraction;
    let earned = match (distinct >= min_distinct, wide) {
        (true, true) => SPREAD,
        (true, false) | (false, true) if distinct >= 2 => SPREAD / 2,
        _ => 0,
    };
    let percent = show(span * 100.0);
    let needed = show(min_fraction * 100.0);
    Outcome {
        earned,
        comment_en: format!(
            "{distinct} different values of {} spanning {percent} % of its range; full marks from {min_distinct} values spanning {needed} %.",
            label.en.to_lowercase()
        ),
        comment_ar: format!(
            "{distinct} قيم مختلفة لـ{} تغطي {percent} % من مداها؛ الدرجة كاملة من {min_distinct} قيم تغطي {needed} %.",
            label.ar
        ),
    }
}

pub(crate) fn line(
    criterion: Text,
    earned: u8,
    possible: u8,
    comment_en: String,
    comment_ar: String,
) -> RubricLine {
    RubricLine {
        criterion_en: criterion.en.to_string(),
        criterion_ar: criterion.ar.to_string(),
        earned: earned.min(possible),
        possible,
        comment_en,
        comment_ar,
    }
}

pub(crate) fn finish(lines: Vec<RubricLine>) -> Grade {
    let total: u32 = lines.iter().map(|line| u32::from(line.earned)).sum();
    let possible: u32 = lines.iter().map(|line| u32::from(line.possible)).sum();
    let score = (total * 100).checked_div(possible).unwrap_or(0).min(100) as u8;
    Grade { score, lines }
}

/// Whether a recorded value agrees with the expected one within `sigmas` standard deviations of noise plus the
/// instrument's resolution (a careful student copies the instrument; a reading far off was not read from it).
pub(crate) fn agrees(recorded: f64, expected: f64, sigma: f64, resolution: f64) -> bool {
    (recorded - expected).abs() <= 4.0 * sigma + resolution
}
