//! Opening a sign-in link, the app's token exchange, signing out and switching language.

use axum::{
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Form, Json,
};
use classbridge_service::sso::{self, Consumed, LinkType};
use serde::Deserialize;

use super::{i18n::Lang, lang_of_request, message_page, session_id_of, WebSession, SESSION_COOKIE};
use crate::{error::ApiError, state::AppState};

/// The tenant a Host names, when tenants live at `{slug}.{base_domain}`.
pub fn host_slug(headers: &HeaderMap, base_domain: Option<&str>) -> Option<String> {
    let base = base_domain?.trim_matches('.').to_ascii_lowercase();
    let host = headers
        .get(header::HOST)?
        .to_str()
        .ok()?
        .to_ascii_lowercase();
    let host = host.split(':').next().unwrap_or("");
    host.strip_suffix(&base)?
        .strip_suffix('.')
        .map(str::to_owned)
}

fn session_cookie(state: &AppState, value: &str, max_age: Option<i64>) -> HeaderValue {
    let secure = if state.settings.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let age = max_age
        .map(|seconds| format!("; Max-Age={seconds}"))
        .unwrap_or_default();
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax{secure}{age}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("cb_session=; Path=/; Max-Age=0"))
}

/// `GET /sso/{token}`: signs the link's person in (ending any other session this browser held) and sends them home.
pub async fn open_link(
    State(state): State<AppState>,
    Path(token): Path<String>,
    request: axum::extract::Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let lang = lang_of_request(&parts);
    let slug = host_slug(&parts.headers, state.settings.base_domain.as_deref());
    let consumed = sso::consume(
        &state.service,
        &token,
        slug.as_deref(),
        Some(LinkType::Website),
        "web",
    )
    .await;
    // A valid link signs its person in and ends the browser's previous session (a shared school computer must
    // never show the previous pupil's page); any other link changes nothing.
    if let (Ok(Consumed::SignedIn { .. }), Some(previous)) = (&consumed, session_id_of(&parts)) {
        if let Err(error) = sso::end_session(&state.service, &sso::session_hash(&previous)).await {
            return ApiError::from(error).into_response();
        }
    }
    match consumed {
        Ok(Consumed::SignedIn {
            session,
            lang,
            target,
            ..
        }) => {
            // Targets are ours, never a free-form URL: a lesson link (`lesson:{id}`, from ClassIn's
            // getLoginLinked) opens that lesson's page, every other link the home page.
            let page = target
                .strip_prefix("lesson:")
                .and_then(|id| id.parse::<i64>().ok())
                .map_or_else(|| "/home".to_owned(), |id| format!("/lessons/{id}"));
            let location = format!(
                "{page}?lang={}",
                Lang::parse(&lang).unwrap_or(Lang::En).code()
            );
            let mut response = Redirect::to(&location).into_response();
            *response.status_mut() = StatusCode::SEE_OTHER;
            response
                .headers_mut()
                .insert(header::SET_COOKIE, session_cookie(&state, &session, None));
            response
        }
        Ok(outcome) => link_problem(lang, &outcome).into_response(),
        Err(error) => ApiError::from(error).into_response(),
    }
}

fn link_problem(lang: Lang, outcome: &Consumed) -> (StatusCode, axum::response::Html<String>) {
    let (status, en, ar) = match outcome {
        Consumed::Used => (
            StatusCode::GONE,
            (
                "This sign-in link has already been used",
                "Each link works once. Ask your school's system for a new link.",
            ),
            (
                "تم استخدام رابط الدخول هذا من قبل",
                "كل رابط يعمل مرة واحدة. اطلب رابطًا جديدًا من نظام مدرستك.",
            ),
        ),
        Consumed::Expired => (
            StatusCode::GONE,
            (
                "This sign-in link has expired",
                "Links work for a few minutes. Ask your school's system for a new link.",
            ),
            (
                "انتهت صلاحية رابط الدخول هذا",
                "تعمل الروابط لدقائق قليلة. اطلب رابطًا جديدًا من نظام مدرستك.",
            ),
        ),
        Consumed::TenantDisabled => (
            StatusCode::GONE,
            (
                "This school's sign-in is switched off",
                "Your school's access to classbridge has been disabled. Ask your school.",
            ),
            (
                "تم إيقاف الدخول لهذه المدرسة",
                "تم تعطيل وصول مدرستك إلى classbridge. اسأل مدرستك.",
            ),
        ),
        Consumed::Inactive => (
            StatusCode::FORBIDDEN,
            (
                "This account is not active",
                "Your school has not enrolled you in any class right now.",
            ),
            ("هذا الحساب غير مفعّل", "لم تسجّلك مدرستك في أي صف حاليًا."),
        ),
        Consumed::Unknown | Consumed::SignedIn { .. } => (
            StatusCode::NOT_FOUND,
            (
                "This sign-in link is not valid",
                "Check that you opened the whole link, or ask your school's system for a new one.",
            ),
            (
                "رابط الدخول هذا غير صالح",
                "تأكد من فتح الرابط كاملًا، أو اطلب رابطًا جديدًا من نظام مدرستك.",
            ),
        ),
    };
    let words = match lang {
        Lang::En => en,
        Lang::Ar => ar,
    };
    (status, message_page(lang, status, words))
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    lang: String,
}

pub(super) fn csrf_ok(session: &WebSession, form: &CsrfForm) -> bool {
    classbridge_service::tokens::constant_time_equal(&session.row.csrf_token, &form.csrf)
}

pub(super) fn forbidden(session: &WebSession) -> Response {
    let lang = session.lang();
    let words = match lang {
        Lang::En => (
            "This form has expired",
            "Go back, reload the page and try again.",
        ),
        Lang::Ar => (
            "انتهت صلاحية هذا النموذج",
            "ارجع وأعد تحميل الصفحة ثم حاول مرة أخرى.",
        ),
    };
    (
        StatusCode::FORBIDDEN,
        message_page(lang, StatusCode::FORBIDDEN, words),
    )
        .into_response()
}

/// `POST /logout`: ends the session and clears the cookie.
pub async fn sign_out(
    State(state): State<AppState>,
    session: WebSession,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !csrf_ok(&session, &form) {
        return forbidden(&session);
    }
    if let Err(error) = sso::end_session(&state.service, &session.hash).await {
        return ApiError::from(error).into_response();
    }
    let lang = session.lang();
    let words = match lang {
        Lang::En => (
            "You are signed out",
            "To come back, open a new sign-in link from your school's system.",
        ),
        Lang::Ar => (
            "تم تسجيل خروجك",
            "للعودة، افتح رابط دخول جديدًا من نظام مدرستك.",
        ),
    };
    let mut response = (StatusCode::OK, message_page(lang, StatusCode::OK, words)).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, "", Some(0)));
    response
}

/// `POST /lang`: the session's language, then home again.
pub async fn switch_language(
    State(state): State<AppState>,
    session: WebSession,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !csrf_ok(&session, &form) {
        return forbidden(&session);
    }
    let lang = Lang::parse(&form.lang).unwrap_or(session.lang());
    if let Err(error) = sso::set_session_lang(
        &state.service,
        session.row.tenant_id,
        &session.hash,
        lang.code(),
    )
    .await
    {
        return ApiError::from(error).into_response();
    }
    let mut response = Redirect::to("/home").into_response();
    *response.status_mut() = StatusCode::SEE_OTHER;
    response
}

/// The body of `POST /api/v2/sso/exchange`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ExchangeBody {
    /// The `token` of a `mobile` sign-in link (`{scheme}://sso?token=…`).
    #[schema(
        min_length = 1,
        max_length = 128,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F]([^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F])?\s*$"
    )]
    token: String,
}

/// A session for the app, traded for a mobile link's token.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SessionExchange {
    /// Send it as `Authorization: Bearer <session_token>`.
    pub session_token: String,
    #[schema(value_type = String, example = "Bearer")]
    pub token_type: &'static str,
    pub user: SessionUser,
    /// The language the link was made for (`en` or `ar`).
    #[schema(example = "en")]
    pub lang: String,
}

/// Who the session signs in.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SessionUser {
    /// classbridge's id of the user.
    pub id: i64,
}

fn gone(message: &str) -> Response {
    (
        StatusCode::GONE,
        Json(crate::openapi::ErrorBody {
            message: message.to_owned(),
        }),
    )
        .into_response()
}

/// `POST /api/v2/sso/exchange`: the app trades a mobile link's token for a bearer session token (once).
#[utoipa::path(post, path = "/api/v2/sso/exchange", tag = "sso", operation_id = "exchange_sso_token",
    request_body(description = "JSON, or the same field as a form.",
        content((ExchangeBody = "application/json"), (ExchangeBody = "application/x-www-form-urlencoded"),
                (ExchangeBody = "multipart/form-data"))),
    responses((status = 200, description = "The session", body = SessionExchange),
              (status = 400, description = "The body is not valid JSON, or not an object, or a malformed form", body = crate::openapi::ErrorBody),
              (status = 403, description = "The person was deactivated after the link was made", body = crate::openapi::ErrorBody),
              (status = 404, description = "No such mobile link (on this tenant's host)", body = crate::openapi::ErrorBody),
              (status = 410, description = "The link was already used or has expired, or the school's sign-in is disabled", body = crate::openapi::ErrorBody),
              (status = 415, description = "A body in another format", body = crate::openapi::ErrorBody),
              (status = 422, description = "Missing or bad `token`", body = crate::openapi::ValidationErrorBody)))]
pub async fn exchange(
    State(state): State<AppState>,
    headers: HeaderMap,
    input: crate::extract::PartnerInput,
) -> Response {
    let slug = host_slug(&headers, state.settings.base_domain.as_deref());
    let mut errors = classbridge_domain::ValidationErrors::new();
    let token = classbridge_domain::input::FieldReader::new(&mut errors, input.format)
        .required_text(
            &input.fields,
            "",
            "token",
            classbridge_domain::input::TextRules::max(128),
        );
    let Some(token) = token else {
        return ApiError::Validation(errors).into_response();
    };
    let token = token.as_str();
    match sso::consume(
        &state.service,
        token,
        slug.as_deref(),
        Some(LinkType::Mobile),
        "mobile",
    )
    .await
    {
        Ok(Consumed::SignedIn {
            session,
            user_id,
            lang,
            ..
        }) => Json(SessionExchange {
            session_token: session,
            token_type: "Bearer",
            user: SessionUser { id: user_id.get() },
            lang,
        })
        .into_response(),
        Ok(Consumed::Used) => gone("This sign-in link has already been used."),
        Ok(Consumed::Expired) => gone("This sign-in link has expired."),
        Ok(Consumed::TenantDisabled) => gone("This school's sign-in is disabled."),
        Ok(Consumed::Inactive) => {
            ApiError::Forbidden("This user is deactivated.".into()).into_response()
        }
        Ok(_) => ApiError::not_found("No such sign-in link.").into_response(),
        Err(error) => ApiError::from(error).into_response(),
    }
}
