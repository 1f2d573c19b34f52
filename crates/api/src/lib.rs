//! classbridge's HTTP layer: the axum router with the partner API, the operations endpoints, and what wraps every
//! request (request ids, logs, metrics, error shapes). Adapters only: the rules live in the service crate.

pub mod classin;
pub mod classin_v2;
pub mod error;
pub mod extract;
pub mod method_override;
pub mod observe;
pub mod openapi;
pub mod ops;
pub mod partner;
pub mod protect;
pub mod refusals;
pub mod retry;
mod route_table;
pub mod state;
pub mod time;
pub mod web;

use axum::{
    extract::{DefaultBodyLimit, Request},
    middleware, Router,
};
use tower_http::catch_panic::CatchPanicLayer;
use utoipa_axum::{router::OpenApiRouter, routes};

pub use error::{ApiError, ApiResult};
pub use state::{ApiSettings, AppState};

/// Every route of the server, wrapped in what every request gets.
pub fn router(state: AppState) -> Router {
    // Install the recorder before the first request is counted.
    ops::prometheus();
    let (routes, _document) = routes().split_for_parts();
    let routed = routes
        .route_layer(middleware::from_fn(observe::note_route))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        // Bodies are read by our own extractors, each with its own limit and a JSON 413.
        .layer(DefaultBodyLimit::disable())
        .layer(CatchPanicLayer::custom(observe::panic_response))
        .with_state(state.clone());
    // `_method` has to change the method before routing, so it wraps the routed service; `protect` (hosts, HSTS,
    // caching) wraps it, and `observe` wraps all.
    let overridden = tower::ServiceBuilder::new()
        .layer(middleware::from_fn(observe::observe))
        .layer(middleware::from_fn(retry::retry_transient_failures))
        .layer(middleware::from_fn(refusals::refuse_unstorable_text))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            protect::protect,
        ))
        .layer(middleware::from_fn_with_state(
            state,
            method_override::method_override,
        ))
        .service(routed);
    Router::new().fallback_service(overridden)
}

/// Every route the server answers, with the OpenAPI operations of the documented ones: the partner API, ClassIn v1
/// and v2, the pages and the operations endpoints. One declaration for both, so that a documented operation cannot
/// lack its route (and `tests/it/openapi.rs` checks the other way round).
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(partner::routes())
        .merge(classin::routes().into())
        .merge(classin_v2::routes().into())
        .merge(web::routes())
        .routes(routes!(ops::healthz))
        .routes(routes!(ops::readyz))
        .routes(routes!(ops::metrics_text))
        .routes(routes!(ops::openapi_json))
        .routes(routes!(ops::docs_page))
}

/// `(method, path template)` of every route of the server, read from the router itself (so that a test of every
/// route cannot miss one): `ANY` for a path served on every method (ClassIn's), a `GET` route's implied `HEAD` left
/// out. Sorted by path, then method.
pub fn route_table() -> Vec<(String, String)> {
    route_table::of(&format!("{:?}", routes().split_for_parts().0))
}

async fn not_found() -> ApiError {
    ApiError::not_found("No such route. The API reference is at /docs.")
}

async fn method_not_allowed(request: Request) -> ApiError {
    ApiError::MethodNotAllowed(request.method().to_string())
}
