//! The partner API (Jusoor-compatible): every route a partner backend calls with its `token`.

pub mod groups;
pub mod me;

use axum::{routing::get, Router};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/me", get(me::get_me))
        .route(
            "/groups",
            get(groups::list_groups).post(groups::create_group),
        )
        .route(
            "/groups/{group_id}",
            get(groups::get_group)
                .put(groups::update_group)
                .patch(groups::update_group)
                .delete(groups::delete_group),
        )
}

/// Ids in paths are classbridge's integers; anything else names no resource (404, not a parse error).
pub fn parse_id(text: &str, what: &str) -> Result<i64, crate::error::ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| crate::error::ApiError::not_found(format!("No {what} with this id.")))
}
