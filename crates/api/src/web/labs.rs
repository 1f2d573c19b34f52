//! The lab itself in the browser: starting an attempt (a form on the student's home), the lab page
//! `/labs/attempts/{id}` (the labs crate's own document under a strict CSP: scripts and styles from this server only,
//! nothing inline), its JSON calls `observe` and `submit` (header `x-csrf-token`), and the lab assets.

use axum::{
    body::Body,
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Form, Json,
};
use classbridge_domain::{AttemptId, LearningPathId, UnixMillis};
use classbridge_service::{
    labs::{self, AttemptRow, AttemptStatus, LabRefusal, LearningPathRow},
    pages::labs as reads,
};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use utoipa::ToSchema;

use super::{
    i18n::Lang,
    labs_pages::{self, tr},
    message_page,
    sso::{csrf_ok, forbidden, CsrfForm},
    WebSession,
};
use crate::{
    error::ApiError, extract::read_limited_body, openapi::ErrorBody,
    partner::learning_paths::LabRubricLine, state::AppState, time::rfc3339,
};

/// The lab page's policy: nothing but this server's own scripts, styles and calls; no inline code at all.
pub const LAB_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Now, by the server's clock.
pub fn server_now(state: &AppState) -> UnixMillis {
    UnixMillis::new(state.clock.now_millis())
}

fn with_csp(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(LAB_CSP),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn page_refusal(lang: Lang, refusal: &LabRefusal) -> Response {
    let (status, heading) = refusal_status(refusal);
    let text = refusal_text(lang, refusal);
    let heading = tr(lang, heading.0, heading.1);
    (status, message_page(lang, status, (heading, &text))).into_response()
}

/// The status of a refusal, and its heading in both languages.
fn refusal_status(refusal: &LabRefusal) -> (StatusCode, (&'static str, &'static str)) {
    match refusal {
        LabRefusal::NotOpenYet(_) | LabRefusal::Closed(_) => {
            (StatusCode::FORBIDDEN, ("Not open now", "غير متاح الآن"))
        }
        LabRefusal::NoAttemptsLeft | LabRefusal::AlreadySubmitted | LabRefusal::TooManyReadings => {
            (
                StatusCode::CONFLICT,
                ("Not possible any more", "لم يعد ذلك ممكنًا"),
            )
        }
        LabRefusal::Expired(_) => (StatusCode::GONE, ("Attempt expired", "انتهت المحاولة")),
        LabRefusal::NotAvailable => (StatusCode::NOT_FOUND, ("Not available", "غير متاح")),
        LabRefusal::Input { .. } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            ("Check your input", "تحقق من المدخلات"),
        ),
        LabRefusal::Store(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            ("Server error", "خطأ في الخادم"),
        ),
    }
}

/// What a refusal says to the student, in their language.
pub fn refusal_text(lang: Lang, refusal: &LabRefusal) -> String {
    let when = |at: UnixMillis| crate::time::page_time(at.millis());
    match (lang, refusal) {
        (Lang::En, LabRefusal::NotOpenYet(at)) => {
            format!("This experiment opens at {} (UTC).", when(*at))
        }
        (Lang::Ar, LabRefusal::NotOpenYet(at)) => {
            format!("تُفتح هذه التجربة في {} (UTC).", when(*at))
        }
        (Lang::En, LabRefusal::Closed(at)) => {
            format!("This experiment closed at {} (UTC).", when(*at))
        }
        (Lang::Ar, LabRefusal::Closed(at)) => format!("أُغلقت هذه التجربة في {} (UTC).", when(*at)),
        (Lang::En, LabRefusal::NoAttemptsLeft) => {
            "You have used all your attempts at this experiment.".into()
        }
        (Lang::Ar, LabRefusal::NoAttemptsLeft) => "استخدمت كل محاولاتك في هذه التجربة.".into(),
        (Lang::En, LabRefusal::AlreadySubmitted) => {
            "This attempt is already submitted; its score is final.".into()
        }
        (Lang::Ar, LabRefusal::AlreadySubmitted) => {
            "سُلّمت هذه المحاولة من قبل، ودرجتها نهائية.".into()
        }
        (Lang::En, LabRefusal::Expired(at)) => format!(
            "This attempt expired at {} (UTC) without being submitted.",
            when(*at)
        ),
        (Lang::Ar, LabRefusal::Expired(at)) => {
            format!("انتهت هذه المحاولة في {} (UTC) دون تسليم.", when(*at))
        }
        (Lang::En, LabRefusal::TooManyReadings) => {
            "This attempt has taken the most readings allowed.".into()
        }
        (Lang::Ar, LabRefusal::TooManyReadings) => {
            "بلغت هذه المحاولة الحد الأقصى من القراءات.".into()
        }
        (Lang::En, LabRefusal::NotAvailable) => {
            "This experiment does not run in the browser.".into()
        }
        (Lang::Ar, LabRefusal::NotAvailable) => "هذه التجربة لا تعمل في المتصفح.".into(),
        (_, LabRefusal::Input { path, message }) => format!("{path}: {message}"),
        (Lang::En, LabRefusal::Store(_)) => "Something went wrong on the server.".into(),
        (Lang::Ar, LabRefusal::Store(_)) => "حدث خطأ في الخادم.".into(),
    }
}

/// Why the lab refused a call (`invalid`: the body, with `errors`).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LabRefusalReason {
    NotOpenYet,
    Closed,
    NoAttemptsLeft,
    AlreadySubmitted,
    Expired,
    TooManyReadings,
    NotAvailable,
    Invalid,
}

/// A refusal of the lab page's JSON calls: the message in the student's language and, when the lab refused, why.
#[derive(Debug, Serialize, ToSchema)]
pub struct LabRefusalBody {
    #[schema(example = "You have used all your attempts at this experiment.")]
    pub message: String,
    /// Absent for a refusal that is not the lab's (a missing or wrong `x-csrf-token`, no such attempt).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub reason: Option<LabRefusalReason>,
    /// For `invalid`: the dot path into the request body (`setup.supply_voltage`, `readings.3.current`) → messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub errors: Option<BTreeMap<String, Vec<String>>>,
}

/// A refusal of a JSON call: its status with `{"message", "reason"}` (and `errors` with the path for input).
fn json_refusal(lang: Lang, refusal: LabRefusal) -> Response {
    if let LabRefusal::Store(error) = refusal {
        return ApiError::from(error).into_response();
    }
    let (status, _) = refusal_status(&refusal);
    let reason = match &refusal {
        LabRefusal::NotOpenYet(_) => LabRefusalReason::NotOpenYet,
        LabRefusal::Closed(_) => LabRefusalReason::Closed,
        LabRefusal::NoAttemptsLeft => LabRefusalReason::NoAttemptsLeft,
        LabRefusal::AlreadySubmitted => LabRefusalReason::AlreadySubmitted,
        LabRefusal::Expired(_) => LabRefusalReason::Expired,
        LabRefusal::TooManyReadings => LabRefusalReason::TooManyReadings,
        LabRefusal::NotAvailable => LabRefusalReason::NotAvailable,
        LabRefusal::Input { .. } | LabRefusal::Store(_) => LabRefusalReason::Invalid,
    };
    let body = match &refusal {
        LabRefusal::Input { path, message } => LabRefusalBody {
            message: "The given data was invalid.".into(),
            reason: Some(reason),
            errors: Some(BTreeMap::from([(path.clone(), vec![message.clone()])])),
        },
        _ => LabRefusalBody {
            message: refusal_text(lang, &refusal),
            reason: Some(reason),
            errors: None,
        },
    };
    (status, Json(body)).into_response()
}

fn not_found(lang: Lang) -> Response {
    let words = (
        tr(lang, "Not found", "غير موجود"),
        tr(
            lang,
            "There is no such experiment or attempt for you.",
            "لا توجد تجربة أو محاولة كهذه لك.",
        ),
    );
    (
        StatusCode::NOT_FOUND,
        message_page(lang, StatusCode::NOT_FOUND, words),
    )
        .into_response()
}

/// `POST /labs/paths/{path_id}/start` (form with `csrf`): starts or resumes the student's attempt and goes to it.
pub async fn start(
    State(state): State<AppState>,
    session: WebSession,
    Path(path_id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !csrf_ok(&session, &form) {
        return forbidden(&session);
    }
    let lang = session.lang();
    let tenant = session.row.tenant_id;
    let user = session.row.user_id;
    let Ok(path_id) = path_id.parse::<i64>().map(LearningPathId::new) else {
        return not_found(lang);
    };
    let now = server_now(&state);
    match reads::start_assigned_attempt(&state.service, tenant, user, path_id, now).await {
        Ok(Some(Ok(attempt))) => {
            Redirect::to(&format!("/labs/attempts/{}", attempt.id)).into_response()
        }
        Ok(Some(Err(refusal))) => page_refusal(lang, &refusal),
        Ok(None) => not_found(lang),
        Err(error) => ApiError::from(error).into_response(),
    }
}

/// An attempt of the signed-in person's tenant, with its path (whose it is, the caller checks).
async fn tenant_attempt(
    state: &AppState,
    session: &WebSession,
    attempt_id: &str,
) -> Result<Option<(AttemptRow, LearningPathRow)>, ApiError> {
    let tenant = session.row.tenant_id;
    let Ok(id) = attempt_id.parse::<i64>().map(AttemptId::new) else {
        return Ok(None);
    };
    Ok(reads::tenant_attempt(&state.service, tenant, id).await?)
}

/// `GET /labs/attempts/{id}`: the student's own attempt as the lab page (read-only with score and rubric once
/// submitted); for the path's teachers, its supervisors and admins, the review page of readings and rubric.
pub async fn attempt_page(
    State(state): State<AppState>,
    session: WebSession,
    Path(attempt_id): Path<String>,
) -> Response {
    let lang = session.lang();
    let (attempt, path) = match tenant_attempt(&state, &session, &attempt_id).await {
        Ok(Some(found)) => found,
        Ok(None) => return not_found(lang),
        Err(error) => return error.into_response(),
    };
    if attempt.user_id != session.row.user_id {
        return match labs_pages::review_page(&state, &session, &attempt, &path).await {
            Ok(Some(page)) => page.into_response(),
            Ok(None) => not_found(lang),
            Err(error) => error.into_response(),
        };
    }
    let Some(lab) = labs::lab_of(&path) else {
        return not_found(lang);
    };
    let render = async {
        let tenant = session.row.tenant_id;
        let readings: Vec<Value> = reads::readings(&state.service, tenant, attempt.id)
            .await?
            .iter()
            .map(|r| {
                json!({"index": r.position,
                       "setup": serde_json::from_str::<Value>(&r.setup).unwrap_or(Value::Null),
                       "reading": serde_json::from_str::<Value>(&r.reading).unwrap_or(Value::Null)})
            })
            .collect();
        let left = reads::attempts_left(&state.service, tenant, &path, attempt.user_id).await?;
        Ok::<_, ApiError>((readings, left))
    };
    let (readings, attempts_left) = match render.await {
        Ok(found) => found,
        Err(error) => return error.into_response(),
    };
    let hidden: Value = serde_json::from_str(&attempt.hidden).unwrap_or(Value::Null);
    let apparatus = lab.apparatus(&hidden);
    let grade = stored_grade(&attempt);
    let expires_at = rfc3339(attempt.expires_at.millis());
    let observe_url = format!("/labs/attempts/{}/observe", attempt.id);
    let submit_url = format!("/labs/attempts/{}/submit", attempt.id);
    let config = classbridge_labs::PageConfig {
        lang: lang.code(),
        csrf_token: &session.row.csrf_token,
        observe_url: &observe_url,
        submit_url: &submit_url,
        back_url: "/home",
        attempt_id: attempt.id.get(),
        expires_at: &expires_at,
        attempts_left: u32::try_from(attempts_left).unwrap_or(0),
        apparatus: &apparatus,
        readings: &readings,
        grade: grade.as_ref(),
        asset_base: "/labs/assets/",
    };
    let html = classbridge_labs::page_html(lab, &config);
    with_csp(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response())
}

/// The grade of a submitted attempt, as stored.
fn stored_grade(attempt: &AttemptRow) -> Option<classbridge_labs::Grade> {
    let score = attempt.score?;
    let stored: Vec<Value> = attempt
        .rubric
        .as_deref()
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_default();
    let text = |line: &Value, key: &str| line[key].as_str().unwrap_or_default().to_owned();
    let mark = |line: &Value, key: &str| u8::try_from(line[key].as_u64().unwrap_or(0)).unwrap_or(0);
    let lines = stored
        .iter()
        .map(|line| classbridge_labs::RubricLine {
            criterion_en: text(line, "criterion_en"),
            criterion_ar: text(line, "criterion_ar"),
            earned: mark(line, "earned"),
            possible: mark(line, "possible"),
            comment_en: text(line, "comment_en"),
            comment_ar: text(line, "comment_ar"),
        })
        .collect();
    Some(classbridge_labs::Grade {
        score: u8::try_from(score).unwrap_or(0),
        lines,
    })
}

/// The JSON calls' checks: the CSRF header and the attempt being the student's own; then the body, read within
/// the server's body limit (413 past it) and parsed as a JSON object.
async fn json_call(
    state: &AppState,
    session: &WebSession,
    headers: &HeaderMap,
    attempt_id: &str,
    body: Body,
) -> Result<(AttemptRow, LearningPathRow, Value), Response> {
    let token = headers
        .get("x-csrf-token")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    if !classbridge_service::tokens::constant_time_equal(&session.row.csrf_token, token) {
        return Err(ApiError::Forbidden(
            "The x-csrf-token header is missing or wrong; reload the page.".into(),
        )
        .into_response());
    }
    let found = tenant_attempt(state, session, attempt_id)
        .await
        .map_err(IntoResponse::into_response)?;
    let Some((attempt, path)) = found.filter(|(a, _)| a.user_id == session.row.user_id) else {
        return Err(ApiError::not_found("No such attempt of yours.").into_response());
    };
    let body = read_limited_body(headers, body, state.settings.body_limit_bytes)
        .await
        .map_err(IntoResponse::into_response)?;
    let value: Value = serde_json::from_slice(&body).map_err(|error| {
        ApiError::BadRequest(format!("The request body is not valid JSON: {error}."))
            .into_response()
    })?;
    if !value.is_object() {
        return Err(
            ApiError::BadRequest("The request body must be a JSON object.".into()).into_response(),
        );
    }
    Ok((attempt, path, value))
}

/// The body of `observe`: the apparatus as the student set it up.
#[derive(Debug, ToSchema)]
pub struct LabObservation {
    /// Each control of the lab's apparatus by name with its value (`{"supply_voltage": 6}` for Ohm's law): within
    /// the control's range and on its step, or among its choices. A number, or its text.
    #[schema(value_type = HashMap<String, f64>)]
    pub setup: Value,
}

/// One reading of the simulated instruments, kept with the attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct LabReading {
    /// The reading's place among the attempt's readings, from 0.
    #[schema(minimum = 0)]
    pub index: i64,
    /// The set-up's values and what the instruments showed, by name, each rounded to its instrument's
    /// resolution (`{"supply_voltage": 6, "voltage": 5.93, "current": 0.127}`).
    #[schema(value_type = HashMap<String, f64>)]
    pub reading: Value,
}

/// The body of `submit`: the student's table of readings and the result asked for. Anything else (a `score`
/// above all) is ignored: the server grades.
#[derive(Debug, ToSchema)]
pub struct LabSubmission {
    /// The recorded readings, each with every control and measured quantity of the lab by name (numbers, or
    /// their text).
    #[schema(value_type = Vec<HashMap<String, f64>>, max_items = 200)]
    pub readings: Value,
    /// Each result the lab asks for by name with its number, and its unit as `<name>_unit`
    /// (`{"resistance": 47.2, "resistance_unit": "ohm"}`).
    #[schema(value_type = Object)]
    pub result: Value,
}

/// A graded submission.
#[derive(Debug, Serialize, ToSchema)]
pub struct LabGrade {
    /// 0–100, by the lab's rubric.
    #[schema(minimum = 0, maximum = 100)]
    pub score: u8,
    /// What earned and what lost marks.
    pub lines: Vec<LabRubricLine>,
    /// Attempts the student has left at this learning path.
    #[schema(minimum = 0)]
    pub attempts_left: i64,
}

/// Takes one reading of the simulated instruments for the student's set-up (the lab page's call; at most 200
/// readings an attempt).
#[utoipa::path(post, path = "/labs/attempts/{attempt_id}/observe", tag = "labs", operation_id = "observe_lab",
    security(("session" = []), ("session_bearer" = [])),
    params(("attempt_id" = i64, Path, description = "The student's own attempt"),
           ("x-csrf-token" = String, Header, description = "The session's form token (the lab page carries it)")),
    request_body(content((LabObservation = "application/json"))),
    responses(
        (status = 200, description = "The reading", body = LabReading),
        (status = 400, description = "The body is not a JSON object", body = ErrorBody),
        (status = 401, description = "Not signed in: an HTML page", content_type = "text/html", body = String),
        (status = 403, description = "The `x-csrf-token` header is missing or wrong (JSON, no `reason`); or, as an HTML page, a session opened by a lesson link (it opens that lesson only)",
            content((LabRefusalBody = "application/json"), (String = "text/html"))),
        (status = 404, description = "No such attempt of the student's, or the experiment does not run in the browser (`not_available`)", body = LabRefusalBody),
        (status = 409, description = "Already submitted (`already_submitted`) or the most readings taken (`too_many_readings`)", body = LabRefusalBody),
        (status = 410, description = "The attempt expired (`expired`)", body = LabRefusalBody),
        (status = 422, description = "The set-up is refused (`invalid`, with `errors` at `setup.<control>`)", body = LabRefusalBody)))]
pub async fn observe(
    State(state): State<AppState>,
    session: WebSession,
    headers: HeaderMap,
    Path(attempt_id): Path<String>,
    body: Body,
) -> Response {
    let (attempt, path, body) = match json_call(&state, &session, &headers, &attempt_id, body).await
    {
        Ok(found) => found,
        Err(response) => return response,
    };
    let setup = body.get("setup").cloned().unwrap_or(Value::Null);
    let now = server_now(&state);
    match labs::observe(&state.service, &path, &attempt, &setup, now).await {
        Ok((index, reading)) => Json(LabReading { index, reading }).into_response(),
        Err(refusal) => json_refusal(session.lang(), refusal),
    }
}

/// Submits the student's readings and result, graded here by the lab's rubric; anything else in the body (a
/// `score` above all) is ignored.
#[utoipa::path(post, path = "/labs/attempts/{attempt_id}/submit", tag = "labs", operation_id = "submit_lab",
    security(("session" = []), ("session_bearer" = [])),
    params(("attempt_id" = i64, Path, description = "The student's own attempt"),
           ("x-csrf-token" = String, Header, description = "The session's form token (the lab page carries it)")),
    request_body(content((LabSubmission = "application/json"))),
    responses(
        (status = 200, description = "The grade", body = LabGrade),
        (status = 400, description = "The body is not a JSON object", body = ErrorBody),
        (status = 401, description = "Not signed in: an HTML page", content_type = "text/html", body = String),
        (status = 403, description = "The `x-csrf-token` header is missing or wrong (JSON, no `reason`); or, as an HTML page, a session opened by a lesson link (it opens that lesson only)",
            content((LabRefusalBody = "application/json"), (String = "text/html"))),
        (status = 404, description = "No such attempt of the student's, or the experiment does not run in the browser (`not_available`)", body = LabRefusalBody),
        (status = 409, description = "Already submitted (`already_submitted`)", body = LabRefusalBody),
        (status = 410, description = "The attempt expired (`expired`)", body = LabRefusalBody),
        (status = 422, description = "The readings or the result are refused (`invalid`, with `errors` at `readings.<i>.<name>` or `result.<name>`)", body = LabRefusalBody)))]
pub async fn submit(
    State(state): State<AppState>,
    session: WebSession,
    headers: HeaderMap,
    Path(attempt_id): Path<String>,
    body: Body,
) -> Response {
    let (attempt, path, body) = match json_call(&state, &session, &headers, &attempt_id, body).await
    {
        Ok(found) => found,
        Err(response) => return response,
    };
    let now = server_now(&state);
    match labs::submit(&state.service, &path, &attempt, &body, now).await {
        Ok((_, grade)) => {
            let tenant = session.row.tenant_id;
            let attempts_left =
                match reads::attempts_left(&state.service, tenant, &path, attempt.user_id).await {
                    Ok(left) => left,
                    Err(error) => return ApiError::from(error).into_response(),
                };
            Json(LabGrade {
                score: grade.score,
                lines: grade.lines.iter().map(LabRubricLine::from).collect(),
                attempts_left,
            })
            .into_response()
        }
        Err(refusal) => json_refusal(session.lang(), refusal),
    }
}

/// `GET /labs/assets/{name}`: the labs' scripts and styles, cached for a day, under the same strict policy.
pub async fn asset(Path(name): Path<String>) -> Response {
    match classbridge_labs::asset(&name) {
        Some((bytes, content_type)) => {
            let mut response = (
                [
                    (header::CONTENT_TYPE, content_type),
                    (header::CACHE_CONTROL, "public, max-age=86400"),
                ],
                bytes,
            )
                .into_response();
            response.headers_mut().insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(LAB_CSP),
            );
            response
        }
        None => (StatusCode::NOT_FOUND, "No such asset.").into_response(),
    }
}

/// The status word of an attempt for the pages.
pub fn status_word(lang: Lang, status: AttemptStatus) -> &'static str {
    match status {
        AttemptStatus::Open => tr(lang, "open", "مفتوحة"),
        AttemptStatus::Submitted => tr(lang, "submitted", "مسلَّمة"),
        AttemptStatus::Expired => tr(lang, "expired", "منتهية"),
    }
}
