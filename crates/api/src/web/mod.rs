//! The pages people land on: server-rendered HTML, no script, English and Arabic. A session comes from the
//! `cb_session` cookie (or, for the app, `Authorization: Bearer`), and every page starts from the signed-in person.

pub mod courses;
pub mod dashboard;
pub mod home;
pub mod i18n;
pub mod labs;
pub mod labs_pages;
pub mod lessons;
pub mod pushes;
pub mod sso;
pub mod supervision;

use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts, StatusCode},
    response::{Html, IntoResponse, Response},
    routing::{get, post},
};
use classbridge_service::sso::SessionRow;
use maud::{html, Markup, DOCTYPE};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::state::AppState;
use i18n::{Key, Lang};

pub const SESSION_COOKIE: &str = "cb_session";

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/sso/{token}", get(sso::open_link))
        .route("/home", get(home::home))
        .route("/dashboard", get(dashboard::dashboard))
        .route("/dashboard/classin-pushes", post(pushes::set_push_url))
        .route("/courses/{course_id}", get(courses::outline_page))
        .route("/lessons/{lesson_id}", get(lessons::lesson_page))
        .route("/lessons/{lesson_id}/enter", post(lessons::enter))
        .route("/lessons/{lesson_id}/book", post(lessons::book))
        .route("/lessons/{lesson_id}/cancel", post(lessons::cancel))
        .route("/labs/paths/{path_id}/start", post(labs::start))
        .route("/labs/attempts/{attempt_id}", get(labs::attempt_page))
        .routes(routes!(labs::observe))
        .routes(routes!(labs::submit))
        .route("/labs/assets/{name}", get(labs::asset))
        .route("/logout", post(sso::sign_out))
        .route("/lang", post(sso::switch_language))
        .routes(routes!(sso::exchange))
}

/// A signed-in person, with the hash of their session id (what the store knows it by).
pub struct WebSession {
    pub row: SessionRow,
    pub hash: String,
}

impl WebSession {
    pub fn lang(&self) -> Lang {
        Lang::parse(&self.row.lang).unwrap_or(Lang::En)
    }
}

/// The session id a request carries, from the cookie or a bearer token.
pub fn session_id_of(parts: &Parts) -> Option<String> {
    let from_cookie = parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned());
    from_cookie.or_else(|| {
        let authorization = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
        let (scheme, token) = authorization.trim().split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_owned())
    })
}

/// Not signed in: a page that says so and what to do.
pub struct SignedOut(pub Lang);

impl IntoResponse for SignedOut {
    fn into_response(self) -> Response {
        let body = message_page(
            self.0,
            StatusCode::UNAUTHORIZED,
            match self.0 {
                Lang::En => (
                    "You are not signed in",
                    "Open the sign-in link your school's system gives you.",
                ),
                Lang::Ar => (
                    "لم تسجّل الدخول",
                    "افتح رابط الدخول الذي يعطيك إياه نظام مدرستك.",
                ),
            },
        );
        (StatusCode::UNAUTHORIZED, body).into_response()
    }
}

/// Whether a session of the lesson `lesson` (its id as text) may open `path`: the lesson's page and "Enter",
/// signing out and the language switch, and the outline page of the lesson's course, which its page links to.
async fn lesson_session_allows(
    state: &AppState,
    tenant_id: classbridge_domain::TenantId,
    lesson: &str,
    path: &str,
) -> Result<bool, Response> {
    let page = format!("/lessons/{lesson}");
    if path == page || path == format!("{page}/enter") || path == "/logout" || path == "/lang" {
        return Ok(true);
    }
    let (Some(course), Ok(lesson_id)) = (path.strip_prefix("/courses/"), lesson.parse::<i64>())
    else {
        return Ok(false);
    };
    let summary = classbridge_service::pages::lessons::find_lesson(
        &state.service,
        tenant_id,
        classbridge_domain::LessonId::new(lesson_id),
    )
    .await
    .map_err(|error| crate::error::ApiError::from(error).into_response())?;
    Ok(summary.is_some_and(|summary| course == summary.lesson.course_id.to_string()))
}

/// A lesson-link session asking for another page: 403, or 404 for another course's outline (no such course for
/// this session, as for anyone outside it).
struct LessonOnly(Lang, StatusCode);

impl IntoResponse for LessonOnly {
    fn into_response(self) -> Response {
        let (title, text) = match self.0 {
            Lang::En => (
                "This sign-in opens one lesson only",
                "You signed in with a lesson link; it opens that lesson's page. Open your school's sign-in link for the rest.",
            ),
            Lang::Ar => (
                "هذا الدخول يفتح درسًا واحدًا فقط",
                "دخلت برابط درس، وهو يفتح صفحة ذلك الدرس فقط. افتح رابط الدخول من مدرستك لبقية الصفحات.",
            ),
        };
        let body = message_page(self.0, self.1, (title, text));
        (self.1, body).into_response()
    }
}

impl FromRequestParts<AppState> for WebSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let lang = lang_of_request(parts);
        let Some(session) = session_id_of(parts) else {
            return Err(SignedOut(lang).into_response());
        };
        let hash = classbridge_service::sso::session_hash(&session);
        match classbridge_service::sso::find_session(&state.service, &hash).await {
            // A session belongs to its tenant's host: on a host that names another tenant it is no session.
            Ok(Some(row))
                if sso::host_slug(&parts.headers, state.settings.base_domain.as_deref())
                    .is_some_and(|slug| slug != row.tenant_slug) =>
            {
                Err(SignedOut(lang).into_response())
            }
            // A session opened by a lesson link (getLoginLinked) opens that lesson's page and its "Enter", and
            // nothing else (signing out, the language switch and its course's outline aside).
            Ok(Some(row)) => match row.kind.strip_prefix("lesson:") {
                Some(lesson)
                    if !lesson_session_allows(state, row.tenant_id, lesson, parts.uri.path())
                        .await? =>
                {
                    let status = if parts.uri.path().starts_with("/courses/") {
                        StatusCode::NOT_FOUND
                    } else {
                        StatusCode::FORBIDDEN
                    };
                    Err(LessonOnly(lang, status).into_response())
                }
                _ => Ok(Self { row, hash }),
            },
            Ok(None) => Err(SignedOut(lang).into_response()),
            Err(error) => Err(crate::error::ApiError::from(error).into_response()),
        }
    }
}

/// The language a request asks for before anyone is signed in: `?lang=`, else `Accept-Language`, else English.
pub fn lang_of_request(parts: &Parts) -> Lang {
    let from_query = parts.uri.query().and_then(|query| {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == "lang")
            .and_then(|(_, value)| Lang::parse(&value))
    });
    from_query
        .or_else(|| {
            let accept = parts.headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
            accept
                .split(',')
                .find_map(|range| Lang::parse(range.split(['-', ';']).next().unwrap_or("")))
        })
        .unwrap_or(Lang::En)
}

const STYLE: &str = "body{font-family:system-ui,'Noto Sans Arabic',sans-serif;margin:0;color:#1b1b1b;background:#f7f7f5;line-height:1.5}\
header{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;justify-content:space-between;padding:.75rem 1rem;background:#17476b;color:#fff}\
header form{display:inline}header button{font:inherit;padding:.35rem .8rem;border-radius:4px;border:1px solid #fff;background:transparent;color:#fff;cursor:pointer}\
main{max-width:60rem;margin:0 auto;padding:1rem}section{background:#fff;border-radius:6px;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 2px #0002}\
table{border-collapse:collapse;width:100%}th,td{text-align:start;padding:.4rem;border-bottom:1px solid #ddd}\
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:0}.muted{color:#555}ul{padding-inline-start:1.25rem}";

/// The frame of every signed-in page: who is signed in, the language switch, sign-out.
pub fn layout(session: &WebSession, title: &str, body: Markup) -> Html<String> {
    let lang = session.lang();
    let page = html! {
        (DOCTYPE)
        html lang=(lang.code()) dir=(lang.dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (session.row.tenant_name) }
                style { (maud::PreEscaped(STYLE)) }
            }
            body {
                header {
                    strong { (bdi(&session.row.tenant_name)) }
                    span id="signed-in" { (lang.t(Key::SignedInAs)) " " strong { (bdi(&session.row.user_name)) } }
                    span {
                        form method="post" action="/lang" {
                            input type="hidden" name="csrf" value=(session.row.csrf_token);
                            input type="hidden" name="lang" value=(lang.other().code());
                            button type="submit" id="switch-language" lang=(lang.other().code()) aria-label=(lang.t(Key::SwitchLanguage)) { (lang.other().own_name()) }
                        }
                        " "
                        form method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(session.row.csrf_token);
                            button type="submit" id="sign-out" { (lang.t(Key::SignOut)) }
                        }
                    }
                }
                main { (body) }
            }
        }
    };
    Html(page.into_string())
}

/// Text a person or a partner wrote (a name, a title), isolated for bidirectional rendering: a right-to-left
/// override inside it cannot reorder what follows it on the page.
pub fn bdi(text: &str) -> Markup {
    html! { bdi { (text) } }
}

/// A page with one message (signed out, a used or expired link…), in the language asked for.
pub fn message_page(lang: Lang, status: StatusCode, (heading, text): (&str, &str)) -> Html<String> {
    let page = html! {
        (DOCTYPE)
        html lang=(lang.code()) dir=(lang.dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (heading) }
                style { (maud::PreEscaped(STYLE)) }
            }
            body { main { section { h1 dir="auto" { (heading) } p { (text) } p class="muted" { "HTTP " (status.as_u16()) } } } }
        }
    };
    Html(page.into_string())
}
