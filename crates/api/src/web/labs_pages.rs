//! The labs on people's pages: a student's assigned experiments (window, attempts left, best score, start or go on),
//! a teacher's learning paths with every student's attempts and best score, the same read-only for supervisors, and
//! the review page of one attempt (its readings and the rubric).

use axum::response::Html;
use classbridge_domain::{TenantId, UnixMillis, UserId};
use classbridge_service::{
    labs::{self, AttemptRow, AttemptStatus, LearningPathRow},
    pages::labs as reads,
};
use maud::{html, Markup};
use serde_json::Value;

use super::{
    i18n::Lang,
    labs::{server_now, status_word},
    layout, WebSession,
};
use crate::{error::ApiError, state::AppState};

/// English or Arabic.
pub fn tr(lang: Lang, en: &'static str, ar: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Ar => ar,
    }
}

/// The experiment's name in the page's language (the catalogue's), else the name the partner gave.
fn experiment_name(lang: Lang, path: &LearningPathRow) -> String {
    match classbridge_labs::experiment(&path.experiment_id) {
        Some(experiment) => tr(lang, experiment.name_en, experiment.name_ar).to_owned(),
        None => path.experiment_name.clone(),
    }
}

fn window(lang: Lang, path: &LearningPathRow) -> Markup {
    html! {
        @match (path.start_at, path.end_at) {
            (None, None) => { (tr(lang, "Always open", "مفتوحة دائمًا")) }
            (Some(start), None) => { (tr(lang, "From", "من")) " " (page_time(start)) }
            (None, Some(end)) => { (tr(lang, "Until", "حتى")) " " (page_time(end)) }
            (Some(start), Some(end)) => { (page_time(start)) " – " (page_time(end)) }
        }
    }
}

/// A stored moment as the pages show it.
fn page_time(at: UnixMillis) -> String {
    crate::time::page_time(at.millis())
}

fn score(value: Option<i64>) -> Markup {
    html! { @match value { Some(score) => { (score) } None => { "—" } } }
}

/// The student's block: each assigned experiment with its window, attempts left, best score and what they can do.
pub async fn student_block(
    state: &AppState,
    tenant: TenantId,
    user: UserId,
    lang: Lang,
    csrf: &str,
) -> Result<Markup, ApiError> {
    let (paths, attempts) = reads::student_paths(&state.service, tenant, user).await?;
    let now = server_now(state);
    Ok(html! {
        section id="my-experiments" {
            h2 { (tr(lang, "My experiments", "تجاربي")) }
            @if paths.is_empty() { p class="muted" { (tr(lang, "No experiment is assigned to you yet.", "لم تُسند إليك أي تجربة بعد.")) } }
            @for path in &paths {
                @let mine: Vec<AttemptRow> = attempts.iter().filter(|a| a.learning_path_id == path.id).cloned().collect();
                @let left = labs::attempts_left(path, &mine);
                @let open = mine.iter().find(|a| AttemptStatus::of(a, now) == AttemptStatus::Open);
                article class="experiment" data-path=(path.id) {
                    h3 { bdi { (experiment_name(lang, path)) } " · " bdi { (path.subject_name) } }
                    @if let Some(description) = &path.description { p { bdi { (description) } } }
                    table {
                        tbody {
                            tr { th scope="row" { (tr(lang, "Open", "مدة الإتاحة")) } td class="window" { (window(lang, path)) } }
                            tr { th scope="row" { (tr(lang, "Attempts left", "المحاولات المتبقية")) } td class="attempts-left" { (left) " / " (path.max_attempts) } }
                            tr { th scope="row" { (tr(lang, "Best score", "أفضل درجة")) } td class="best-score" { (score(labs::best_score(&mine))) } }
                        }
                    }
                    @if labs::lab_of(path).is_none() {
                        p class="muted" { (tr(lang, "This experiment does not run in the browser.", "هذه التجربة لا تعمل في المتصفح.")) }
                    } @else if let Some(attempt) = open {
                        p { a class="continue-attempt" href=(format!("/labs/attempts/{}", attempt.id)) { (tr(lang, "Continue the open attempt", "تابع المحاولة المفتوحة")) } }
                    } @else if let Some(refusal) = labs::window_refusal(path, now) {
                        p class="muted window-closed" { (super::labs::refusal_text(lang, &refusal)) }
                    } @else if left > 0 {
                        form method="post" action=(format!("/labs/paths/{}/start", path.id)) {
                            input type="hidden" name="csrf" value=(csrf);
                            button type="submit" class="start-attempt" { (tr(lang, "Start an attempt", "ابدأ محاولة")) }
                        }
                    } @else {
                        p class="muted" { (tr(lang, "You have used all your attempts at this experiment.", "استخدمت كل محاولاتك في هذه التجربة.")) }
                    }
                    @if !mine.is_empty() {
                        ul class="my-attempts" {
                            @for attempt in &mine {
                                li { a href=(format!("/labs/attempts/{}", attempt.id)) {
                                    (tr(lang, "Attempt", "المحاولة")) " " (attempt.number) ": " (status_word(lang, AttemptStatus::of(attempt, now)))
                                    @if let Some(value) = attempt.score { " · " (value) "/100" }
                                } }
                            }
                        }
                    }
                }
            }
        }
    })
}

/// The learning paths of these teachers, each with every student's attempts and best score (links to the review).
pub async fn paths_of_teachers(
    state: &AppState,
    tenant: TenantId,
    teacher_ids: &[UserId],
    lang: Lang,
) -> Result<Markup, ApiError> {
    let books = reads::grade_books_of_teachers(&state.service, tenant, teacher_ids).await?;
    let now = server_now(state);
    Ok(html! {
        @if books.is_empty() { p class="muted" { (tr(lang, "No learning paths yet.", "لا توجد مسارات تعلّم بعد.")) } }
        @for (path, book) in &books {
            article class="learning-path" data-path=(path.id) {
                h3 { bdi { (experiment_name(lang, path)) } " · " bdi { (path.subject_name) } }
                p class="muted" { (window(lang, path)) " · " (tr(lang, "attempts allowed", "المحاولات المسموحة")) ": " (path.max_attempts) }
                table {
                    thead { tr {
                        th scope="col" { (tr(lang, "Student", "الطالب")) }
                        th scope="col" { (tr(lang, "Attempts", "المحاولات")) }
                        th scope="col" { (tr(lang, "Best score", "أفضل درجة")) }
                    } }
                    tbody {
                        @for line in book {
                            tr class="student-grades" {
                                td { bdi { (line.student.name) } }
                                td {
                                    @if line.attempts.is_empty() { span class="muted" { "—" } }
                                    @for (i, attempt) in line.attempts.iter().enumerate() {
                                        @if i > 0 { ", " }
                                        a class="attempt-link" href=(format!("/labs/attempts/{}", attempt.id)) {
                                            "#" (attempt.number) " " (status_word(lang, AttemptStatus::of(attempt, now)))
                                            @if let Some(value) = attempt.score { " " (value) }
                                        }
                                    }
                                }
                                td class="best-score" { (score(labs::best_score(&line.attempts))) }
                            }
                        }
                    }
                }
            }
        }
    })
}

/// The teacher's block: their learning paths.
pub async fn teacher_block(
    state: &AppState,
    tenant: TenantId,
    user: UserId,
    lang: Lang,
) -> Result<Markup, ApiError> {
    let paths = paths_of_teachers(state, tenant, &[user], lang).await?;
    Ok(html! {
        section id="my-learning-paths" {
            h2 { (tr(lang, "My learning paths", "مسارات التعلّم الخاصة بي")) }
            (paths)
        }
    })
}

/// A JSON object as `name = value` pairs.
fn pairs(value: &Value) -> Markup {
    html! {
        @match value {
            Value::Object(map) => {
                @for (i, (key, item)) in map.iter().enumerate() {
                    @if i > 0 { ", " }
                    span class="pair" { (key) " = " @match item { Value::String(text) => { (text) } other => { (other.to_string()) } } }
                }
            }
            other => { (other.to_string()) }
        }
    }
}

/// The review of one attempt: who, which experiment, status and score, the readings as taken (set-up and reading),
/// what was submitted, and the rubric's lines. `None` when the person may not see it.
pub async fn review_page(
    state: &AppState,
    session: &WebSession,
    attempt: &AttemptRow,
    path: &LearningPathRow,
) -> Result<Option<Html<String>>, ApiError> {
    let tenant = session.row.tenant_id;
    let Some(reads::AttemptReview { student, readings }) =
        reads::review(&state.service, tenant, session.row.user_id, attempt, path).await?
    else {
        return Ok(None);
    };
    let lang = session.lang();
    let now = server_now(state);
    let rubric: Vec<Value> = attempt
        .rubric
        .as_deref()
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_default();
    let submission: Value = attempt
        .submission
        .as_deref()
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or(Value::Null);
    let text = |line: &Value, en: &'static str, ar: &'static str| {
        line[tr(lang, en, ar)]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let title = experiment_name(lang, path);
    let body = html! {
        h1 { bdi { (title) } }
        section id="attempt-review" {
            table { tbody {
                tr { th scope="row" { (tr(lang, "Student", "الطالب")) } td id="review-student" { bdi { (student.as_ref().map_or("—", |s| s.name.as_str())) } } }
                tr { th scope="row" { (tr(lang, "Attempt", "المحاولة")) } td { (attempt.number) " · " (status_word(lang, AttemptStatus::of(attempt, now))) } }
                tr { th scope="row" { (tr(lang, "Started", "البدء")) } td { (page_time(attempt.started_at)) } }
                @if let Some(at) = attempt.submitted_at { tr { th scope="row" { (tr(lang, "Submitted", "التسليم")) } td { (page_time(at)) } } }
                tr { th scope="row" { (tr(lang, "Score", "الدرجة")) } td id="review-score" { (score(attempt.score)) @if attempt.score.is_some() { "/100" } } }
            } }
        }
        section id="review-readings" {
            h2 { (tr(lang, "Readings taken", "القراءات المأخوذة")) }
            @if readings.is_empty() { p class="muted" { "—" } } @else {
                table {
                    thead { tr { th scope="col" { "#" } th scope="col" { (tr(lang, "Set-up", "الإعداد")) } th scope="col" { (tr(lang, "Reading", "القراءة")) } } }
                    tbody { @for reading in &readings {
                        tr class="review-reading" {
                            td { (reading.position + 1) }
                            td { (pairs(&serde_json::from_str(&reading.setup).unwrap_or(Value::Null))) }
                            td { (pairs(&serde_json::from_str(&reading.reading).unwrap_or(Value::Null))) }
                        }
                    } }
                }
            }
            @if let Some(result) = submission.get("result") {
                p { strong { (tr(lang, "Result submitted", "النتيجة المسلَّمة")) ": " } (pairs(result)) }
            }
        }
        section id="review-rubric" {
            h2 { (tr(lang, "Rubric", "معايير التقييم")) }
            @if rubric.is_empty() { p class="muted" { (tr(lang, "Not graded yet.", "لم تُقيَّم بعد.")) } } @else {
                ul { @for line in &rubric {
                    li class="rubric-line" {
                        strong { (text(line, "criterion_en", "criterion_ar")) } " "
                        (line["earned"].as_u64().unwrap_or(0)) "/" (line["possible"].as_u64().unwrap_or(0)) " — "
                        (text(line, "comment_en", "comment_ar"))
                    }
                } }
            }
        }
        p { a href="/home" { (tr(lang, "Back", "رجوع")) } }
    };
    Ok(Some(layout(session, &title, body)))
}
