//! The dashboard's ClassIn pushes: per SID of the school, where its pushes go, how many wait, the oldest waiting,
//! how many were delivered and the last error; and `POST /dashboard/classin-pushes` to set (or clear) a SID's
//! receiving URL (admins only, with the page's form token).

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Form,
};
use classbridge_service::{
    operations::PushQueueState,
    pushes::school_settings::{set_school_push_url, PushUrlRefusal},
};
use maud::{html, Markup};
use serde::Deserialize;

use super::{bdi, i18n::Lang, message_page, sso::forbidden, WebSession};
use crate::{state::AppState, time::rfc3339};

/// The section: one row per SID of the tenant (those without a receiving URL too, to set one).
pub fn section(lang: Lang, sids: &[i64], states: &[PushQueueState], csrf: &str) -> Markup {
    let (title, url_word, pending, oldest, delivered, last_error, save) = match lang {
        Lang::En => (
            "ClassIn pushes",
            "Receiving URL",
            "Pending",
            "Oldest pending",
            "Delivered",
            "Last error",
            "Save",
        ),
        Lang::Ar => (
            "رسائل ClassIn المرسلة",
            "عنوان الاستقبال",
            "بانتظار الإرسال",
            "أقدم رسالة منتظرة",
            "تم تسليمها",
            "آخر خطأ",
            "حفظ",
        ),
    };
    html! {
        section id="classin-pushes" {
            h2 { (title) }
            table {
                thead { tr { th scope="col" { "SID" } th scope="col" { (url_word) } th scope="col" { (pending) }
                             th scope="col" { (oldest) } th scope="col" { (delivered) } th scope="col" { (last_error) } } }
                tbody {
                    @for sid in sids {
                        @let state = states.iter().find(|state| state.sid == *sid);
                        tr {
                            td { (sid) }
                            td {
                                form method="post" action="/dashboard/classin-pushes" {
                                    input type="hidden" name="csrf" value=(csrf);
                                    input type="hidden" name="sid" value=(sid);
                                    input type="url" name="url" value=(state.and_then(|s| s.push_url.clone()).unwrap_or_default())
                                        placeholder="http://…" aria-label=(url_word);
                                    button type="submit" { (save) }
                                }
                            }
                            td { (state.map_or(0, |s| s.pending)) }
                            td { (state.and_then(|s| s.oldest_pending_at).map(rfc3339).unwrap_or_else(|| "—".into())) }
                            td { (state.map_or(0, |s| s.delivered)) }
                            td { (bdi(state.and_then(|s| s.last_error.as_deref()).unwrap_or("—"))) }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct PushUrlForm {
    #[serde(default)]
    csrf: String,
    sid: i64,
    #[serde(default)]
    url: String,
}

/// `POST /dashboard/classin-pushes`: sets the SID's receiving URL (empty: stop pushing), back to the dashboard.
pub async fn set_push_url(
    State(state): State<AppState>,
    session: WebSession,
    Form(form): Form<PushUrlForm>,
) -> Response {
    if !classbridge_service::tokens::constant_time_equal(&session.row.csrf_token, &form.csrf) {
        return forbidden(&session);
    }
    let lang = session.lang();
    let refused = |text: &str| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            message_page(
                lang,
                StatusCode::UNPROCESSABLE_ENTITY,
                ("ClassIn pushes", text),
            ),
        )
            .into_response()
    };
    let url = form.url.trim();
    let url = (!url.is_empty()).then_some(url);
    let tenant = session.row.tenant_id;
    let user = session.row.user_id;
    match set_school_push_url(&state.service, tenant, user, form.sid, url).await {
        Ok(()) => (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, "/dashboard#classin-pushes")],
        )
            .into_response(),
        Err(PushUrlRefusal::NotAnAdmin) => forbidden(&session),
        Err(error) => refused(&error.to_string()),
    }
}
