//! Refusals before and after routing, so that every refusal is in its API's envelope and both databases see the
//! same text: a path that decodes to no valid UTF-8 text or to a NUL character names nothing (404), a query value with
//! a NUL (which PostgreSQL cannot store and SQLite can) is refused with 422 and its name, and the framework's own
//! plain-text rejections (a body the extractor cannot read, a wrong content type) are answered in the JSON envelope.

use axum::{
    body::Body,
    extract::Request,
    http::{header, HeaderValue},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::error::ApiError;

/// Largest plain-text rejection body rewritten; the framework's are a line or two.
const REJECTION_BYTES: usize = 64 * 1024;

/// The `%XX` escapes of `text` decoded (`+` kept as is: paths do not use it for a space).
fn percent_decoded(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte == b'%' && index + 2 < bytes.len() {
            let high = (bytes[index + 1] as char).to_digit(16);
            let low = (bytes[index + 2] as char).to_digit(16);
            if let (Some(high), Some(low)) = (high, low) {
                decoded.push((high * 16 + low) as u8);
                index += 3;
                continue;
            }
        }
        decoded.push(byte);
        index += 1;
    }
    decoded
}

/// Text a database stores alike on SQLite and PostgreSQL: valid UTF-8 without NUL.
fn storable(bytes: &[u8]) -> bool {
    !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok()
}

/// The first query parameter whose name or value is not storable text, by its (lossy) name.
fn unstorable_query_parameter(query: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = percent_decoded(&name.replace('+', " "));
        let value = percent_decoded(&value.replace('+', " "));
        (!storable(&name) || !storable(&value))
            .then(|| String::from_utf8_lossy(&name).replace('\0', "\u{fffd}"))
    })
}

/// Refuses paths and query strings no database could look up alike, before any handler sees them.
pub async fn refuse_unstorable_text(request: Request, next: Next) -> Response {
    if !storable(&percent_decoded(request.uri().path())) {
        return ApiError::not_found("No such resource: the path is not valid text.")
            .into_response();
    }
    if let Some(name) = request.uri().query().and_then(unstorable_query_parameter) {
        return ApiError::validation(
            name.clone(),
            format!("The {name} must be valid UTF-8 text without NUL characters."),
        )
        .into_response();
    }
    let response = next.run(request).await;
    envelope_plain_rejection(response).await
}

/// A client error answered in plain text (an extractor's rejection) becomes `{"message": …}` with its status.
async fn envelope_plain_rejection(response: Response) -> Response {
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/plain"));
    if !plain || !response.status().is_client_error() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = match axum::body::to_bytes(body, REJECTION_BYTES).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).trim().to_owned(),
        Err(_) => String::new(),
    };
    let message = if text.is_empty() {
        parts
            .status
            .canonical_reason()
            .unwrap_or("Bad request")
            .to_owned()
    } else {
        text
    };
    let body = serde_json::json!({ "message": message }).to_string();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_decode_and_unstorable_text_is_found() {
        assert_eq!(percent_decoded("/a%20b%zz%4"), b"/a b%zz%4");
        assert!(!storable(&percent_decoded("/users/%ff")));
        assert!(!storable(&percent_decoded("/jobs/%00")));
        assert!(storable(&percent_decoded("/users/%D8%B9")));
        assert_eq!(
            unstorable_query_parameter("page=1&search=a%00b"),
            Some("search".into())
        );
        assert_eq!(unstorable_query_parameter("page=1&search=ab"), None);
    }
}
