//! What every request and answer gets beyond tenancy: a request in absolute form whose URI names another host than
//! its `Host` header is refused (421), `Strict-Transport-Security` is sent when the public address is https, and
//! every answer that does not choose its own caching is `Cache-Control: no-store` (pages and API answers carry a
//! person's data; a shared school computer must not show them again after sign-out).

use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;

use crate::state::AppState;

/// One year, with subdomains: every tenant lives on a subdomain of the base domain.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The host part of an authority or `Host` value, lower-cased, without a port or a trailing dot.
pub fn host_name(authority: &str) -> String {
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = if authority.starts_with('[') {
        authority.split_once(']').map_or(authority, |(ip, _)| ip)
    } else {
        authority.split(':').next().unwrap_or("")
    };
    host.trim_start_matches('[')
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

/// Whether a request's absolute-form URI (if any) names the host its `Host` header names.
fn same_host(request: &Request) -> bool {
    let Some(authority) = request.uri().authority() else {
        return true;
    };
    let Some(host) = request
        .headers()
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
    else {
        return false;
    };
    host_name(authority.as_str()) == host_name(host)
}

pub async fn protect(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = if same_host(&request) {
        next.run(request).await
    } else {
        (
            StatusCode::MISDIRECTED_REQUEST,
            Json(json!({"message": "The request's URI names another host than its Host header."})),
        )
            .into_response()
    };
    let headers = response.headers_mut();
    if state.settings.public_url.starts_with("https://") {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_drop_ports_case_and_credentials() {
        assert_eq!(host_name("Alpha.Example.org:8080"), "alpha.example.org");
        assert_eq!(host_name("user@beta.example.org."), "beta.example.org");
        assert_eq!(host_name("[::1]:80"), "::1");
        assert_eq!(host_name("127.0.0.1"), "127.0.0.1");
    }
}
