//! `/api/v2/experiments` (partner API §4): the catalogue of the virtual labs, from the labs crate, paged in its
//! stable order.

use axum::{extract::Path, Json};
use classbridge_store::Page;
use serde_json::Value;

use crate::{
    error::{ApiError, ApiResult},
    extract::{Paging, Partner},
};

fn experiment_json(experiment: &classbridge_labs::Experiment) -> Value {
    serde_json::to_value(experiment).unwrap_or_default()
}

/// `GET /api/v2/experiments`: every experiment (id, names and descriptions in English and Arabic, subject area,
/// grade band, objectives, whether it runs in the browser), paged.
pub async fn list_experiments(_partner: Partner, paging: Paging) -> ApiResult<Json<Value>> {
    let catalogue = classbridge_labs::catalogue();
    let page = Page {
        total: catalogue.len() as i64,
        items: catalogue
            .iter()
            .skip(usize::try_from(paging.request.offset()).unwrap_or(usize::MAX))
            .take(paging.request.per_page as usize)
            .collect::<Vec<_>>(),
        request: paging.request,
    };
    let data = page.items.iter().map(|e| experiment_json(e)).collect();
    Ok(Json(paging.render(&page, data)))
}

/// `GET /api/v2/experiments/{id}`: one experiment by its stable id.
pub async fn get_experiment(_partner: Partner, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    classbridge_labs::experiment(id.trim())
        .map(|experiment| Json(experiment_json(experiment)))
        .ok_or_else(|| ApiError::not_found("No experiment with this id."))
}
