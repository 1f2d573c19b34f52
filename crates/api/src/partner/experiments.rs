//! `/api/v2/experiments` (partner API §4): the catalogue of the virtual labs, from the labs crate, paged in its
//! stable order.

use axum::{extract::Path, Json};
use classbridge_service::Page;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    error::{ApiError, ApiResult},
    extract::{PageBody, Paging, Partner},
    openapi::{ErrorBody, ValidationErrorBody},
};

/// The school subject an experiment belongs to.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExperimentSubjectArea {
    Physics,
    Chemistry,
    Biology,
}

/// One experiment of the catalogue, in English and Arabic.
#[derive(Debug, Serialize, ToSchema)]
pub struct Experiment {
    /// Stable kebab-case id, e.g. `ohms-law`: the `experiment_id` of a learning path.
    #[schema(example = "ohms-law")]
    pub id: &'static str,
    pub name_en: &'static str,
    pub name_ar: &'static str,
    pub description_en: &'static str,
    pub description_ar: &'static str,
    pub subject_area: ExperimentSubjectArea,
    /// School grades the experiment is written for, e.g. `9-10`.
    #[schema(example = "9-10")]
    pub grade_band: &'static str,
    /// The learning objectives, in English.
    pub objectives_en: &'static [&'static str],
    /// The same objectives, in Arabic.
    pub objectives_ar: &'static [&'static str],
    /// Whether the experiment runs in the browser as a virtual lab (students can attempt it).
    pub runs_in_browser: bool,
}

impl From<&'static classbridge_labs::Experiment> for Experiment {
    fn from(experiment: &'static classbridge_labs::Experiment) -> Self {
        Self {
            id: experiment.id,
            name_en: experiment.name_en,
            name_ar: experiment.name_ar,
            description_en: experiment.description_en,
            description_ar: experiment.description_ar,
            subject_area: match experiment.subject_area {
                classbridge_labs::SubjectArea::Physics => ExperimentSubjectArea::Physics,
                classbridge_labs::SubjectArea::Chemistry => ExperimentSubjectArea::Chemistry,
                classbridge_labs::SubjectArea::Biology => ExperimentSubjectArea::Biology,
            },
            grade_band: experiment.grade_band,
            objectives_en: experiment.objectives_en,
            objectives_ar: experiment.objectives_ar,
            runs_in_browser: experiment.runs_in_browser,
        }
    }
}

/// Every experiment of the catalogue (names and descriptions in English and Arabic, subject area, grade band,
/// objectives, whether it runs in the browser), paged in the catalogue's stable order.
#[utoipa::path(get, path = "/api/v2/experiments", tag = "labs", operation_id = "list_experiments",
    security(("token" = [])),
    params(Paging),
    responses(
        (status = 200, description = "A page of the catalogue", body = PageBody<Vec<Experiment>>),
        (status = 422, description = "`page` or `per_page` out of range (or a query value with a NUL)", body = ValidationErrorBody)))]
pub async fn list_experiments(
    _partner: Partner,
    paging: Paging,
) -> ApiResult<Json<PageBody<Vec<Experiment>>>> {
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
    let data = page.items.iter().map(|e| Experiment::from(*e)).collect();
    Ok(Json(paging.body(&page, data)))
}

/// One experiment by its stable id.
#[utoipa::path(get, path = "/api/v2/experiments/{id}", tag = "labs", operation_id = "get_experiment",
    security(("token" = [])),
    params(("id" = String, Path, description = "The experiment's stable id, e.g. `ohms-law` (surrounding white space is ignored)")),
    responses(
        (status = 200, description = "The experiment", body = Experiment),
        (status = 404, description = "No experiment in the catalogue has this id", body = ErrorBody)))]
pub async fn get_experiment(
    _partner: Partner,
    Path(id): Path<String>,
) -> ApiResult<Json<Experiment>> {
    classbridge_labs::experiment(id.trim())
        .map(|experiment| Json(Experiment::from(experiment)))
        .ok_or_else(|| ApiError::not_found("No experiment with this id."))
}
