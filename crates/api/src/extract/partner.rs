//! The `Partner` extractor: a partner call that passed authentication, the referer and accept checks and the rate
//! limit. Handlers get the tenant only from here, so every query they make is scoped to it.

use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts, HeaderMap},
};
use classbridge_domain::{Scope, TenantId};
use classbridge_service::{
    auth::{PartnerClaims, PartnerCredential, Tenant},
    rate_limit::RateDecision,
};

use crate::{error::ApiError, state::AppState};

/// An authenticated partner call.
#[derive(Debug, Clone)]
pub struct Partner {
    pub tenant: Tenant,
    pub credential: PartnerCredential,
    /// Requests per minute that apply to this credential; 0 for none.
    pub rate_limit_per_minute: u64,
}

impl Partner {
    pub fn tenant_id(&self) -> TenantId {
        self.tenant.id
    }

    /// What this call may touch: the tenant, or the credential's branch of it. Every read and write of people,
    /// classrooms, groups, courses, lessons, bookings, jobs and sign-in links takes it.
    pub fn scope(&self) -> Scope {
        Scope::new(self.tenant.id, self.credential.scope)
    }
}

impl FromRequestParts<AppState> for Partner {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let headers = &parts.headers;
        let claims = PartnerClaims {
            token: token_of(headers),
            referer: headers
                .get(header::REFERER)
                .and_then(|value| value.to_str().ok()),
            host: headers
                .get(header::HOST)
                .and_then(|value| value.to_str().ok()),
        };
        let authenticated = state.authenticator.authenticate(claims).await?;
        if !accepts_json(headers) {
            return Err(ApiError::NotAcceptable);
        }
        let rate_limit_per_minute = authenticated
            .credential
            .rate_limit_per_minute
            .map_or(state.settings.default_rate_limit_per_minute, |limit| {
                limit.max(0) as u64
            });
        if let RateDecision::Limited { retry_after } = state
            .rate_limiter
            .check_deployment(
                &state.service,
                authenticated.credential.id,
                rate_limit_per_minute,
            )
            .await
        {
            return Err(ApiError::RateLimited {
                retry_after_seconds: retry_after.as_secs_f64().ceil().max(1.0) as u64,
            });
        }
        tracing::Span::current().record("tenant", authenticated.tenant.slug.as_str());
        Ok(Self {
            tenant: authenticated.tenant,
            credential: authenticated.credential,
            rate_limit_per_minute,
        })
    }
}

/// The `token` header, or `Authorization: Bearer …`.
fn token_of(headers: &HeaderMap) -> Option<&str> {
    if let Some(token) = headers.get("token").and_then(|value| value.to_str().ok()) {
        return Some(token);
    }
    let authorization = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = authorization.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// A missing `accept` reads as JSON; one that lists no JSON-compatible range (with q > 0) does not.
pub fn accepts_json(headers: &HeaderMap) -> bool {
    let values: Vec<&str> = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect();
    if values.is_empty() {
        return true;
    }
    values
        .iter()
        .flat_map(|value| value.split(','))
        .any(|range| {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let refused = parts.any(|parameter| {
                let parameter = parameter.trim().replace(' ', "");
                parameter == "q=0"
                    || parameter.starts_with("q=0.0") && parameter.trim_end_matches('0') == "q=0."
            });
            !refused
                && (media.is_empty()
                    || media == "*/*"
                    || media == "application/*"
                    || media == "application/json"
                    || media.ends_with("+json"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn accept_ranges_that_include_json_pass() {
        assert!(accepts_json(&HeaderMap::new()));
        for value in [
            "application/json",
            "*/*",
            "text/html, application/json;q=0.5",
            "application/*",
            "application/problem+json",
        ] {
            assert!(accepts_json(&with_accept(value)), "{value}");
        }
    }

    #[test]
    fn accept_ranges_without_json_are_refused() {
        for value in [
            "text/html",
            "text/html, application/xhtml+xml",
            "application/json;q=0",
            "image/png",
        ] {
            assert!(!accepts_json(&with_accept(value)), "{value}");
        }
    }

    #[test]
    fn bearer_tokens_are_read_as_tokens() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        assert_eq!(token_of(&headers), Some("abc"));
        headers.insert("token", HeaderValue::from_static("xyz"));
        assert_eq!(token_of(&headers), Some("xyz"));
    }
}
