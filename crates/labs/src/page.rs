//! The lab page: a complete HTML document with the bench's controls, instruments, readings table, result form and
//! grade, in English or Arabic (right to left). No inline script or style: the configuration travels in a JSON data
//! block that `lab.js` reads, so the page runs under `script-src 'self'; style-src 'self'`.

use std::fmt::Write;

use serde_json::{json, Value};

use crate::spec::{text, Bench, ControlKind, Text};
use crate::{labs, Grade, Lab};

/// What the server knows of the attempt when it renders the page.
pub struct PageConfig<'a> {
    /// "en" | "ar" (ar => `<html dir="rtl">`).
    pub lang: &'a str,
    /// Sent back by the JS as header `x-csrf-token`.
    pub csrf_token: &'a str,
    /// POST {"setup": {...}} -> 200 {"index": n, "reading": {...}}.
    pub observe_url: &'a str,
    /// POST {"readings": [...], "result": {...}} -> 200 {"score", "lines", "attempts_left"}.
    pub submit_url: &'a str,
    /// The student's home.
    pub back_url: &'a str,
    pub attempt_id: i64,
    /// RFC 3339.
    pub expires_at: &'a str,
    pub attempts_left: u32,
    pub apparatus: &'a Value,
    /// Observations already taken in this attempt (page reload).
    pub readings: &'a [Value],
    /// Some => the attempt is submitted: show score and rubric, read-only.
    pub grade: Option<&'a Grade>,
    /// "/labs/assets/".
    pub asset_base: &'a str,
}

const BACK: Text = text("Back to my labs", "العودة إلى مختبراتي");
const ATTEMPT: Text = text("Attempt", "المحاولة");
const ATTEMPTS_LEFT: Text = text("Attempts left", "المحاولات المتبقية");
const ENDS: Text = text("Ends", "تنتهي");
const TIME_LEFT: Text = text("Time left", "الوقت المتبقي");
const WHAT_TO_DO: Text = text("What to do", "المطلوب");
const OBJECTIVES: Text = text("Learning objectives", "أهداف التعلم");
const APPARATUS: Text = text("Apparatus", "الأجهزة");
const SET_UP: Text = text("Set up", "الإعداد");
const SLIDER: Text = text("slider", "منزلق");
const TAKE_READING: Text = text("Take a reading", "خذ قراءة");
const INSTRUMENTS: Text = text("Instruments", "أجهزة القياس");
const RANGE: Text = text("range", "المدى");
const RESOLUTION: Text = text("resolution", "الدقة");
const READINGS: Text = text("Readings", "القراءات");
const READINGS_CAPTION: Text = text(
    "Your readings: correct a value you copied wrongly, or remove a reading.",
    "قراءاتك: صحِّح قيمة نسختها خطأً أو احذف قراءة.",
);
const ACTIONS: Text = text("Actions", "إجراءات");
const GRAPH: Text = text("Graph of your readings", "منحنى قراءاتك");
const RESULT: Text = text("Result", "النتيجة");
const UNIT: Text = text("Unit", "الوحدة");
const CHOOSE_UNIT: Text = text("Choose a unit", "اختر وحدة");
const SUBMIT: Text = text("Submit for grading", "أرسل للتقييم");
const GRADE: Text = text("Grade", "التقييم");
const SCORE: Text = text("Score", "الدرجة");

/// Renders the lab page for an attempt.
pub fn page_html(lab: &dyn Lab, config: &PageConfig) -> String {
    let lang = if config.lang == "ar" { "ar" } else { "en" };
    let experiment = lab.experiment();
    let bench = labs::find(experiment.id).map(|entry| entry.bench);
    let t = |text: Text| escape(text.get(lang));
    let (name, description, objectives) = if lang == "ar" {
        (
            experiment.name_ar,
            experiment.description_ar,
            experiment.objectives_ar,
        )
    } else {
        (
            experiment.name_en,
            experiment.description_en,
            experiment.objectives_en,
        )
    };
    let base = config.asset_base;
    let submitted = config.grade.is_some();
    let mut html = String::with_capacity(16 * 1024);
    let dir = if lang == "ar" { "rtl" } else { "ltr" };
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title} · classbridge</title>\n\
         <link rel=\"stylesheet\" href=\"{css}\">\n\
         <script type=\"application/json\" id=\"lab-config\">{config_json}</script>\n\
         <script src=\"{runtime}\" defer></script>\n<script src=\"{script}\" defer></script>\n</head>\n<body>\n",
        title = escape(name),
        css = escape(&format!("{base}lab.css")),
        config_json = config_json(experiment.id, lang, bench, config),
        runtime = escape(&format!("{base}lab.js")),
        script = escape(&format!("{base}{}.js", experiment.id)),
    );
    let _ = write!(
        html,
        "<main id=\"lab-root\" class=\"lab\" data-lab=\"{id}\" data-state=\"{state}\">\n<header class=\"lab-header\">\n\
         <a class=\"back\" href=\"{back}\">{back_label}</a>\n<h1>{title}</h1>\n<p class=\"lab-meta\">\
         <span>{attempt} #{attempt_id}</span> <span>{left_label}: <strong id=\"attempts-left\">{left}</strong></span> \
         <span>{ends}: <time id=\"expires-at\" datetime=\"{expires}\">{expires}</time></span> \
         <span>{time_left}: <strong id=\"time-left\">–</strong></span></p>\n</header>\n\
         <div id=\"lab-status\" class=\"status\" role=\"status\" aria-live=\"polite\"></div>\n",
        id = escape(experiment.id),
        state = if submitted { "submitted" } else { "open" },
        back = escape(config.back_url),
        back_label = t(BACK),
        title = escape(name),
        attempt = t(ATTEMPT),
        attempt_id = config.attempt_id,
        left_label = t(ATTEMPTS_LEFT),
        left = config.attempts_left,
        ends = t(ENDS),
        expires = escape(config.expires_at),
        time_left = t(TIME_LEFT),
    );
    let _ = write!(
        html,
        "<section class=\"intro\">\n<p>{}</p>\n",
        escape(description)
    );
    if let Some(bench) = bench {
        let _ = write!(
            html,
            "<h2>{}</h2>\n<p id=\"instructions\">{}</p>\n",
            t(WHAT_TO_DO),
            t(bench.instructions)
        );
    }
    let _ = write!(html, "<details><summary>{}</summary><ul>", t(OBJECTIVES));
    for objective in objectives {
        let _ = write!(html, "<li>{}</li>", escape(objective));
    }
    html.push_str("</ul></details>\n</section>\n");
    if let Some(bench) = bench {
        bench_html(&mut html, bench, lang, config, submitted);
    }
    grade_html(&mut html, lang, config.grade);
    html.push_str("</main>\n</body>\n</html>\n");
    html
}

fn bench_html(html: &mut String, bench: &Bench, lang: &str, config: &PageConfig, submitted: bool) {
    let t = |text: Text| escape(text.get(lang));
    let disabled = if submitted { " disabled" } else { "" };
    let _ = write!(
        html,
        "<div class=\"workbench\">\n<section class=\"bench\" aria-labelledby=\"bench-title\">\n\
         <h2 id=\"bench-title\">{}</h2>\n<div id=\"lab-scene\" class=\"scene\" aria-hidden=\"true\"></div>\n",
        t(APPARATUS)
    );
    known_html(html, lang, config.apparatus);
    let _ = write!(html, "<form id=\"setup\" class=\"setup\" novalidate>\n<fieldset{disabled}>\n<legend>{}</legend>\n", t(SET_UP));
    for control in bench.controls {
        let id = format!("setup-{}", control.name);
        let label = escape(control.label.get(lang));
        let labelled = with_unit(&label, control.unit);
        let unit = escape(control.unit);
        match control.kind {
            ControlKind::Range {
                min,
                max,
                step,
                default,
            } => {
                let _ = write!(
                    html,
                    "<div class=\"control\">\n<label for=\"{id}\">{labelled}</label>\n\
                     <input type=\"number\" id=\"{id}\" name=\"{name}\" min=\"{min}\" max=\"{max}\" step=\"{step}\" value=\"{default}\" inputmode=\"decimal\" required>\n\
                     <input type=\"range\" id=\"{id}-slider\" min=\"{min}\" max=\"{max}\" step=\"{step}\" value=\"{default}\" aria-label=\"{label} ({slider})\">\n</div>\n",
                    name = control.name,
                    slider = t(SLIDER),
                );
            }
            ControlKind::Choice { values, default } => {
                let _ = write!(html, "<div class=\"control\">\n<label for=\"{id}\">{labelled}</label>\n<select id=\"{id}\" name=\"{}\">", control.name);
                for value in values {
                    let selected = if (value - default).abs() < 1e-9 {
                        " selected"
                    } else {
                        ""
                    };
                    let _ = write!(
                        html,
                        "<option value=\"{value}\"{selected}>{value} {unit}</option>"
                    );
                }
                html.push_str("</select>\n</div>\n");
            }
        }
    }
    let _ = write!(
        html,
        "<button type=\"submit\" id=\"take-reading\" class=\"primary\">{}</button>\n</fieldset>\n</form>\n\
         <div id=\"instrument\" class=\"instruments\" aria-live=\"polite\" aria-label=\"{}\">\n",
        t(TAKE_READING),
        t(INSTRUMENTS)
    );
    for measured in bench.measured {
        let _ = writeln!(
            html,
            "<div class=\"meter\"><span class=\"meter-label\">{}</span> <output id=\"meter-{}\" class=\"meter-value\">–</output> <span class=\"meter-unit\">{}</span></div>",
            escape(measured.label.get(lang)),
            measured.name,
            escape(measured.unit)
        );
    }
    html.push_str("</div>\n</section>\n");

    // The readings table (rows are filled by lab.js from the configuration and from each new reading).
    let _ = write!(
        html,
        "<section class=\"record\" aria-labelledby=\"readings-title\">\n<h2 id=\"readings-title\">{}</h2>\n\
         <div class=\"table-wrap\"><table id=\"readings\">\n<caption>{}</caption>\n<thead><tr><th scope=\"col\">#</th>",
        t(READINGS),
        t(READINGS_CAPTION)
    );
    for control in bench.controls {
        let _ = write!(
            html,
            "<th scope=\"col\" data-name=\"{}\">{}</th>",
            control.name,
            with_unit(&escape(control.label.get(lang)), control.unit)
        );
    }
    for measured in bench.measured {
        let _ = write!(
            html,
            "<th scope=\"col\" data-name=\"{}\">{}</th>",
            measured.name,
            with_unit(&escape(measured.label.get(lang)), measured.unit)
        );
    }
    let _ = write!(
        html,
        "<th scope=\"col\">{}</th></tr></thead>\n<tbody></tbody>\n</table></div>\n\
         <canvas id=\"plot\" width=\"560\" height=\"320\" role=\"img\" aria-label=\"{}\"></canvas>\n",
        t(ACTIONS),
        t(GRAPH)
    );
    let _ = write!(html, "<form id=\"result-form\" class=\"result\" novalidate>\n<fieldset{disabled}>\n<legend>{}</legend>\n", t(RESULT));
    for field in bench.results {
        let _ = write!(
            html,
            "<div class=\"control\">\n<label for=\"result-{name}\">{label}</label>\n\
             <input type=\"text\" id=\"result-{name}\" name=\"{name}\" inputmode=\"decimal\" autocomplete=\"off\" required>\n\
             <label for=\"result-{name}_unit\">{unit}</label>\n<select id=\"result-{name}_unit\" name=\"{name}_unit\">\
             <option value=\"\">{choose}</option>",
            name = field.name,
            label = escape(field.label.get(lang)),
            unit = t(UNIT),
            choose = t(CHOOSE_UNIT),
        );
        for unit in field.units {
            let _ = write!(
                html,
                "<option value=\"{}\">{}</option>",
                escape(unit.value),
                escape(unit.label)
            );
        }
        html.push_str("</select>\n</div>\n");
    }
    let _ = write!(
        html,
        "<button type=\"submit\" id=\"submit\" class=\"primary\">{}</button>\n</fieldset>\n</form>\n</section>\n</div>\n",
        t(SUBMIT)
    );
}

/// The apparatus's instruments (range, resolution) and known quantities.
fn known_html(html: &mut String, lang: &str, apparatus: &Value) {
    let label = |item: &Value| {
        let key = if lang == "ar" { "label_ar" } else { "label_en" };
        escape(item.get(key).and_then(Value::as_str).unwrap_or_default())
    };
    let number = |item: &Value, key: &str| {
        item.get(key)
            .map(|value| escape(&value.to_string()))
            .unwrap_or_default()
    };
    let unit = |item: &Value| escape(item.get("unit").and_then(Value::as_str).unwrap_or_default());
    html.push_str("<dl id=\"apparatus\" class=\"known\">\n");
    for item in apparatus
        .get("instruments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let _ = writeln!(
            html,
            "<dt>{}</dt><dd>{} {} {u}, {} {} {u}</dd>",
            label(item),
            escape(RANGE.get(lang)),
            number(item, "range"),
            escape(RESOLUTION.get(lang)),
            number(item, "resolution"),
            u = unit(item),
        );
    }
    for item in apparatus
        .get("known")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let _ = writeln!(
            html,
            "<dt>{}</dt><dd>{} {}</dd>",
            label(item),
            number(item, "value"),
            unit(item)
        );
    }
    html.push_str("</dl>\n");
}

fn grade_html(html: &mut String, lang: &str, grade: Option<&Grade>) {
    let t = |text: Text| escape(text.get(lang));
    let hidden = if grade.is_some() { "" } else { " hidden" };
    let _ = write!(html, "<section id=\"grade\" class=\"grade\" aria-labelledby=\"grade-title\"{hidden}>\n<h2 id=\"grade-title\">{}</h2>\n", t(GRADE));
    let score = grade
        .map(|grade| format!("{} / 100", grade.score))
        .unwrap_or_default();
    let _ = write!(html, "<p class=\"score-line\">{}: <strong id=\"score\">{score}</strong></p>\n<ol id=\"rubric\">\n", t(SCORE));
    for line in grade
        .map(|grade| grade.lines.as_slice())
        .unwrap_or_default()
    {
        let (criterion, comment) = if lang == "ar" {
            (&line.criterion_ar, &line.comment_ar)
        } else {
            (&line.criterion_en, &line.comment_en)
        };
        let _ = writeln!(
            html,
            "<li><span class=\"criterion\">{}</span> <span class=\"marks\">{} / {}</span><p class=\"comment\">{}</p></li>",
            escape(criterion),
            line.earned,
            line.possible,
            escape(comment)
        );
    }
    html.push_str("</ol>\n</section>\n");
}

/// The configuration `lab.js` reads: the attempt, the bench, and the readings already taken. `<` is escaped so
/// that no text in it can close the data block.
fn config_json(id: &str, lang: &str, bench: Option<&Bench>, config: &PageConfig) -> String {
    let bench = bench.map(|bench| {
        json!({
            "controls": bench.controls.iter().map(|control| json!({
                "name": control.name, "label": control.label.get(lang), "unit": control.unit,
            })).collect::<Vec<_>>(),
            "measured": bench.measured.iter().map(|measured| json!({
                "name": measured.name, "label": measured.label.get(lang), "unit": measured.unit,
                "resolution": measured.resolution,
            })).collect::<Vec<_>>(),
            "results": bench.results.iter().map(|field| field.name).collect::<Vec<_>>(),
            "plot": [bench.plot.0, bench.plot.1],
        })
    });
    let value = json!({
        "lab": id,
        "lang": lang,
        "csrf_token": config.csrf_token,
        "observe_url": config.observe_url,
        "submit_url": config.submit_url,
        "back_url": config.back_url,
        "attempt_id": config.attempt_id,
        "expires_at": config.expires_at,
        "attempts_left": config.attempts_left,
        "apparatus": config.apparatus,
        "readings": config.readings,
        "grade": config.grade,
        "bench": bench,
    });
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// An escaped label with its unit in brackets, when it has one.
fn with_unit(label: &str, unit: &str) -> String {
    if unit.is_empty() {
        label.to_string()
    } else {
        format!("{label} ({})", escape(unit))
    }
}

/// Escapes text for HTML content and double-quoted attributes.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(lang: &str, grade: Option<&Grade>) -> String {
        let lab = crate::lab("ohms-law").unwrap();
        let hidden = lab.hidden(3);
        let apparatus = lab.apparatus(&hidden);
        let readings = [json!({ "supply_voltage": 1.5, "voltage": 1.47, "current": 31.2 })];
        page_html(
            lab,
            &PageConfig {
                lang,
                csrf_token: "tok\"</script><b>",
                observe_url: "/labs/attempts/5/observe",
                submit_url: "/labs/attempts/5/submit",
                back_url: "/student",
                attempt_id: 5,
                expires_at: "2026-12-03T06:00:00Z",
                attempts_left: 2,
                apparatus: &apparatus,
                readings: &readings,
                grade,
                asset_base: "/labs/assets/",
            },
        )
    }

    #[test]
    fn the_page_has_the_hooks_and_no_inline_code() {
        let html = render("en", None);
        for hook in [
            "id=\"lab-root\"",
            "id=\"setup-supply_voltage\"",
            "id=\"take-reading\"",
            "id=\"readings\"",
            "id=\"result-resistance\"",
            "id=\"result-resistance_unit\"",
            "id=\"submit\"",
            "id=\"score\"",
            "id=\"rubric\"",
            "src=\"/labs/assets/lab.js\"",
            "src=\"/labs/assets/ohms-law.js\"",
            "href=\"/labs/assets/lab.css\"",
            "<html lang=\"en\" dir=\"ltr\">",
        ] {
            assert!(html.contains(hook), "{hook} missing");
        }
        assert!(!html.contains("style="));
        let handler = html.split(" on").skip(1).any(|rest| {
            let name: String = rest.chars().take_while(char::is_ascii_lowercase).collect();
            !name.is_empty() && rest[name.len()..].starts_with('=')
        });
        assert!(!handler, "no inline event handler");
        assert_eq!(html.matches("<script").count(), 3);
        assert!(
            !html.contains("</script><b>"),
            "the configuration cannot close its block"
        );
        let start = html.find("id=\"lab-config\">").unwrap() + "id=\"lab-config\">".len();
        let end = start + html[start..].find("</script>").unwrap();
        let config: Value = serde_json::from_str(&html[start..end]).unwrap();
        assert_eq!(config["csrf_token"], "tok\"</script><b>");
        assert_eq!(config["readings"][0]["current"], 31.2);
        assert_eq!(config["bench"]["plot"], json!(["current", "voltage"]));
    }

    #[test]
    fn arabic_is_right_to_left_and_a_submitted_attempt_shows_its_grade() {
        let lab = crate::lab("ohms-law").unwrap();
        let grade = lab
            .grade(
                &lab.hidden(3),
                &json!({ "readings": [], "result": { "resistance": 1 } }),
            )
            .unwrap();
        let html = render("ar", Some(&grade));
        assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"));
        assert!(html.contains("قانون أوم"));
        assert!(html.contains("data-state=\"submitted\""));
        assert!(html.contains("<strong id=\"score\">0 / 100</strong>"));
        assert_eq!(
            html.matches("<li><span class=\"criterion\">").count(),
            grade.lines.len()
        );
        assert!(html.contains(&grade.lines[0].comment_ar));
        assert!(html.contains("<fieldset disabled>"));
    }
}
