//! What happens around every request: a request id (from `x-request-id` when sane, else new), a tracing span that
//! every log line of the request carries, one summary line, Prometheus metrics by route, security headers, and the
//! body of any 500 reduced to the request id. Logs name the route template, never the raw URI: SSO links carry
//! their token in the path.

use std::{
    sync::{Arc, OnceLock},
    time::Instant,
};

use axum::{
    body::Body,
    extract::{MatchedPath, Request},
    http::{header, HeaderName, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;
use tracing::{field::Empty, Instrument};

use crate::error::InternalErrorMarker;

pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The route template the router matched, handed from the inner layer to the outer one.
#[derive(Clone, Default)]
struct RouteSlot(Arc<OnceLock<String>>);

/// The request id of the current request, for handlers that show it.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

fn request_id_of(request: &Request) -> String {
    request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|value| {
            (1..=64).contains(&value.len())
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map_or_else(|| ulid::Ulid::new().to_string(), str::to_owned)
}

/// The outer layer: wraps routing, so it sees 404s and 405s too.
pub async fn observe(mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = request_id_of(&request);
    let method = request.method().clone();
    let slot = RouteSlot::default();
    request.extensions_mut().insert(slot.clone());
    request
        .extensions_mut()
        .insert(RequestId(request_id.clone()));
    let span = tracing::info_span!("request", request_id = %request_id, method = %method, route = Empty, tenant = Empty);
    let mut response = next.run(request).instrument(span.clone()).await;

    let status = response.status();
    if status == StatusCode::INTERNAL_SERVER_ERROR {
        if response.extensions().get::<InternalErrorMarker>().is_none() {
            span.in_scope(|| tracing::error!("request failed without an error value (a panic?)"));
        }
        let headers = response.headers().clone();
        response = (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"message": "Server error.", "request_id": request_id})),
        )
            .into_response();
        for name in [header::RETRY_AFTER] {
            if let Some(value) = headers.get(&name) {
                response.headers_mut().insert(name, value.clone());
            }
        }
    }
    let route = slot.0.get().map_or("unmatched", String::as_str).to_owned();
    let elapsed = started.elapsed();
    let labels = [
        ("route", route.clone()),
        ("method", method.to_string()),
        ("status", status.as_u16().to_string()),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels[..2])
        .record(elapsed.as_secs_f64());
    span.in_scope(|| {
        tracing::info!(
            status = status.as_u16(),
            latency_ms = elapsed.as_secs_f64() * 1000.0,
            "request finished"
        );
    });

    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        headers.insert(REQUEST_ID.clone(), value);
    }
    set_security_headers(headers);
    response
}

/// The inner layer (a route layer): notes the matched route template for the outer one and for the span.
pub async fn note_route(request: Request, next: Next) -> Response {
    if let Some(path) = request.extensions().get::<MatchedPath>() {
        let path = path.as_str().to_owned();
        tracing::Span::current().record("route", path.as_str());
        if let Some(slot) = request.extensions().get::<RouteSlot>() {
            let _ = slot.0.set(path);
        }
    }
    next.run(request).await
}

fn set_security_headers(headers: &mut axum::http::HeaderMap) {
    let fixed: [(&str, &str); 5] = [
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        ("x-frame-options", "DENY"),
        (
            "content-security-policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; \
             form-action 'self'; base-uri 'none'",
        ),
        ("cross-origin-opener-policy", "same-origin"),
    ];
    for (name, value) in fixed {
        headers
            .entry(HeaderName::from_static(name))
            .or_insert(HeaderValue::from_static(value));
    }
}

/// Turns a panic into a 500 that `observe` then answers with the request id.
pub fn panic_response(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}
