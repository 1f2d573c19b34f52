//! `GET /dashboard`: the school dashboard for people with the admin role — the mirrored tree with its counts, the
//! recent mirror jobs, the lessons of the next two weeks, and the tenant's API credentials (names, origins, last
//! use; never tokens), and the ClassIn pushes per SID (`pushes`: where they go, what waits, the last error).

use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use classbridge_service::pages::dashboard::{school_dashboard, SchoolDashboard};
use maud::html;

use super::{bdi, i18n::Key, layout, lessons, message_page, WebSession};
use crate::{error::ApiError, state::AppState, time::rfc3339};

pub async fn dashboard(State(state): State<AppState>, session: WebSession) -> Response {
    match render(&state, &session).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn render(state: &AppState, session: &WebSession) -> Result<Response, ApiError> {
    let lang = session.lang();
    let user = session.row.user_id;
    let tenant = session.row.tenant_id;
    let now_ms = state.clock.now_seconds() * 1000;
    let Some(SchoolDashboard {
        branches,
        sections,
        jobs,
        credentials,
        push_sids: sids,
        push_queues: push_states,
        lessons,
    }) = school_dashboard(&state.service, tenant, user, now_ms).await?
    else {
        let words = (lang.t(Key::SchoolDashboard), lang.t(Key::AdminsOnly));
        return Ok((
            StatusCode::FORBIDDEN,
            message_page(lang, StatusCode::FORBIDDEN, words),
        )
            .into_response());
    };
    let changes = |counts: &str| -> String {
        let counts: serde_json::Value = serde_json::from_str(counts).unwrap_or_default();
        let number = |group: &str, key: &str| counts[group][key].as_u64().unwrap_or(0);
        format!(
            "+{} / −{} · {} · {}",
            number("memberships", "added"),
            number("memberships", "removed"),
            number("users", "created") + number("users", "updated"),
            number("users", "deactivated")
        )
    };
    let body = html! {
        h1 { (lang.t(Key::SchoolDashboard)) }
        section id="branches" {
            h2 { (lang.t(Key::Branches)) }
            @if branches.items.is_empty() { p class="muted" { (lang.t(Key::Nothing)) } }
            @for branch in &branches.items {
                h3 { (bdi(&branch.name)) }
                table {
                    thead { tr { th scope="col" { (lang.t(Key::Class)) } th scope="col" { (lang.t(Key::Section)) } th scope="col" { (lang.t(Key::Students)) } th scope="col" { (lang.t(Key::Teachers)) } } }
                    tbody {
                        @for row in sections.iter().filter(|s| s.branch_id == branch.id) {
                            tr { td { (bdi(&row.class_name)) } td { (bdi(row.section_name.as_deref().unwrap_or("—"))) } td { (row.students) } td { (row.teachers) } }
                        }
                    }
                }
            }
        }
        section id="jobs" {
            h2 { (lang.t(Key::MirrorJobs)) }
            @if jobs.items.is_empty() { p class="muted" { (lang.t(Key::Nothing)) } } @else {
                table {
                    thead { tr { th scope="col" { (lang.t(Key::Accepted)) } th scope="col" { (lang.t(Key::Status)) } th scope="col" { (lang.t(Key::Changes)) } } }
                    tbody { @for job in &jobs.items { tr { td { (rfc3339(job.accepted_at.millis())) } td { (job.status.as_str()) } td { (changes(&job.counts)) } } } }
                }
            }
        }
        (lessons::calendar(lang, &lessons.items))
        (super::pushes::section(lang, &sids, &push_states, &session.row.csrf_token))
        section id="credentials" {
            h2 { (lang.t(Key::Credentials)) }
            table {
                thead { tr { th scope="col" { (lang.t(Key::Name)) } th scope="col" { (lang.t(Key::Referer)) } th scope="col" { (lang.t(Key::LastUsed)) } } }
                tbody {
                    @for credential in &credentials {
                        tr {
                            td { (bdi(&credential.name)) @if credential.revoked_at.is_some() { " (" (lang.t(Key::Revoked)) ")" } }
                            td { (credential.referer_origin) }
                            td { (credential.last_used_at.map(rfc3339).unwrap_or_else(|| lang.t(Key::Never).to_owned())) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout(session, lang.t(Key::SchoolDashboard), body).into_response())
}
