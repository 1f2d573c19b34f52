//! One retry of a request whose database connection failed under it (killed by the database's operator, reset by
//! the network): requests that may be repeated (GET, HEAD, OPTIONS, PUT, DELETE) with a body small enough to keep
//! are served again once, on a fresh connection, so that the client never sees the failure.

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
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    let chunked = request.headers().contains_key(header::TRANSFER_ENCODING);
    if !repeatable || chunked || declared.is_some_and(|length| length > KEPT_BODY_BYTES) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, KEPT_BODY_BYTES as usize).await {
        Ok(bytes) => bytes,
        Err(error) => return crate::error::ApiError::unreadable_body(error).into_response(),
    };
    let first = Request::from_parts(parts.clone(), Body::from(bytes.clone()));
    let response = next.clone().run(first).await;
    if response
        .extensions()
        .get::<TransientFailureMarker>()
        .is_none()
    {
        return response;
    }
    tracing::warn!("a database connection failed under the request; serving it again once");
    // A moment for the database to finish what killed the connection (an operator ends every backend in turn).
    tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}
