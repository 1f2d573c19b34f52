//! `POST` with `_method=PUT|PATCH|DELETE` in a form body acts as that method (PHP frameworks send updates this
//! way). Runs before routing, on form bodies within the ordinary body limit; mirror uploads are left alone.

use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, Method},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::{extract::form_body_to_json, extract::read_limited_body, state::AppState};

pub async fn method_override(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| {
            value
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|essence| {
            essence == "application/x-www-form-urlencoded" || essence == "multipart/form-data"
        });
    if request.method() != Method::POST
        || !is_form
        || request.uri().path().starts_with("/api/v2/mirror-data/")
        // ClassIn calls have no `_method`, and refuse an oversized body in their own envelope.
        || request.uri().path().starts_with("/partner/api/")
    {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let bytes = match read_limited_body(&parts.headers, body, state.settings.body_limit_bytes).await
    {
        Ok(bytes) => bytes,
        Err(error) => return error.into_response(),
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_owned();
    // A body that does not parse is left for the handler to refuse with its own clear answer.
    if let Ok(fields) = form_body_to_json(&content_type, bytes.clone()).await {
        match fields
            .get("_method")
            .and_then(|value| value.as_str())
            .map(str::to_ascii_uppercase)
            .as_deref()
        {
            Some("PUT") => parts.method = Method::PUT,
            Some("PATCH") => parts.method = Method::PATCH,
            Some("DELETE") => parts.method = Method::DELETE,
            _ => {}
        }
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}
