//! The one error type of the HTTP layer and the partner-API answer for each: `{"message": …, "errors": {…}}` with
//! the status the Conventions give. A 500 shows only the request id, which the log line carries too.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use classbridge_domain::ValidationErrors;
use classbridge_service::StoreError;
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("Unauthenticated.")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("The {0} method is not supported for this route.")]
    MethodNotAllowed(String),
    #[error("This endpoint answers only application/json; send `accept: application/json`.")]
    NotAcceptable,
    #[error("{0}")]
    Conflict(String),
    #[error("The request body stopped arriving; send it again in one go.")]
    RequestTimeout,
    #[error("The request body is larger than the {0}-byte limit of this endpoint.")]
    PayloadTooLarge(usize),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("The given data was invalid.")]
    Validation(ValidationErrors),
    #[error("Too many requests; retry after {retry_after_seconds} seconds.")]
    RateLimited { retry_after_seconds: u64 },
    /// The database had no connection free in time; the client may retry after the given seconds.
    #[error("The service is busy; retry after {retry_after_seconds} seconds.")]
    Unavailable { retry_after_seconds: u64 },
    #[error("internal error: {0:#}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Marks a response whose body the request-observing middleware replaces with the request id.
#[derive(Debug, Clone, Copy)]
pub struct InternalErrorMarker;

/// Marks a 500 caused by a database connection that failed under the request: repeating it may succeed.
/// `rolled_back`: the database undid the whole transaction (a deadlock), so any request, a `POST` too, may repeat.
#[derive(Debug, Clone, Copy)]
pub struct TransientFailureMarker {
    pub rolled_back: bool,
}

impl ApiError {
    pub fn internal(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Internal(Box::new(error))
    }

    /// 503 with `Retry-After: 1`: the database had no connection free within the acquire timeout.
    pub fn busy() -> Self {
        Self::Unavailable {
            retry_after_seconds: 1,
        }
    }

    /// A request body that could not be read: 408 when it stopped arriving, else 400.
    pub fn unreadable_body(error: axum::Error) -> Self {
        let inner = error.into_inner();
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(inner.as_ref());
        while let Some(error) = source {
            if error.is::<tower_http::timeout::TimeoutError>() {
                return Self::RequestTimeout;
            }
            source = error.source();
        }
        Self::BadRequest(format!("The request body could not be read: {inner}"))
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::NotFound(message.into())
    }

    pub fn validation(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(ValidationErrors::single(path, message))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => Self::NotFound("Not found.".into()),
            StoreError::Busy => Self::busy(),
            // A unique key met a row that a concurrent request wrote first.
            StoreError::Conflict { .. } => Self::Conflict(
                "A concurrent request wrote the same record first; read it, or send this again."
                    .into(),
            ),
            other => Self::internal(other),
        }
    }
}

impl From<classbridge_service::scope::ScopeError> for ApiError {
    fn from(error: classbridge_service::scope::ScopeError) -> Self {
        use classbridge_service::scope::ScopeError;
        match error {
            ScopeError::Forbidden(message) => Self::Forbidden(message),
            ScopeError::Store(error) => error.into(),
        }
    }
}

impl From<classbridge_service::AuthError> for ApiError {
    fn from(error: classbridge_service::AuthError) -> Self {
        use classbridge_service::AuthError;
        match error {
            AuthError::Unauthenticated => Self::Unauthenticated,
            AuthError::RefererMismatch => Self::Forbidden(
                "The referer header must carry the origin registered for this token.".into(),
            ),
            AuthError::TenantDisabled => Self::Forbidden("This tenant is disabled.".into()),
            AuthError::Store(error) => error.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match &self {
            Self::Validation(errors) => {
                json!({"message": self.to_string(), "errors": errors.to_json()})
            }
            Self::Internal(error) => {
                // Logged inside the request's span, so the line carries the request id the body will show.
                tracing::error!(error = %error_chain(error.as_ref()), "request failed");
                json!({"message": "Server error."})
            }
            _ => json!({"message": self.to_string()}),
        };
        let mut response = (status, Json(body)).into_response();
        match self {
            Self::RateLimited {
                retry_after_seconds,
            }
            | Self::Unavailable {
                retry_after_seconds,
            } => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_seconds));
            }
            Self::Internal(error) => {
                response.extensions_mut().insert(InternalErrorMarker);
                if let Some(error) = error
                    .downcast_ref::<StoreError>()
                    .filter(|error| error.is_transient())
                {
                    response.extensions_mut().insert(TransientFailureMarker {
                        rolled_back: error.is_rolled_back_conflict(),
                    });
                }
            }
            // The rest of a refused body is not read: the connection cannot carry another request.
            Self::PayloadTooLarge(_) | Self::RequestTimeout => {
                response
                    .headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            _ => {}
        }
        response
    }
}

/// An error and its sources, `outer: inner: innermost`.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

pub type ApiResult<T> = Result<T, ApiError>;
