//! Retrying a request whose database work failed under it. A connection that failed (killed by the database's
//! operator, reset by the network): requests that may be repeated (GET, HEAD, OPTIONS, PUT, DELETE) with a body small
//! enough to keep are served again (up to twice), on a fresh connection, so that the client never sees the failure.
//! A deadlock's victim (the database undid its whole transaction) is served again up to twice, a POST too.

use axum::{
    body::Body,
    extract::Request,
    http::{header, Method},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::error::TransientFailureMarker;

/// Largest body kept for a retry.
const KEPT_BODY_BYTES: u64 = 1024 * 1024;

pub async fn retry_transient_failures(request: Request, next: Next) -> Response {
    let repeatable = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE
    );
    // A POST is repeated only when the database undid all of it (a deadlock's victim).
    let post = *request.method() == Method::POST;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    let chunked = request.headers().contains_key(header::TRANSFER_ENCODING);
    let large = declared.is_some_and(|length| length > KEPT_BODY_BYTES);
    if !(repeatable || post) || chunked || large || (post && declared.is_none()) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, KEPT_BODY_BYTES as usize).await {
        Ok(bytes) => bytes,
        Err(error) => return crate::error::ApiError::unreadable_body(error).into_response(),
    };
    let first = Request::from_parts(parts.clone(), Body::from(bytes.clone()));
    let mut response = next.clone().run(first).await;
    // Up to twice: two writers may meet again, and an operator ending every backend in turn may end the fresh
    // connection too (a request slowed by a loaded machine can span two such rounds).
    for attempt in 0..2_u64 {
        let again = match response.extensions().get::<TransientFailureMarker>() {
            Some(marker) if marker.rolled_back => true,
            Some(_) => repeatable,
            None => false,
        };
        if !again {
            break;
        }
        tracing::warn!("a database failure undid the request; serving it again");
        // A moment for the database to finish what failed (an operator ends every backend in turn).
        tokio::time::sleep(std::time::Duration::from_millis(25 * (attempt + 1))).await;
        let retry = Request::from_parts(parts.clone(), Body::from(bytes.clone()));
        response = next.clone().run(retry).await;
    }
    response
}
