//! Operations endpoints: liveness, readiness, Prometheus metrics, the OpenAPI document and its reference page.

use std::sync::OnceLock;

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{Html, IntoResponse, Response},
    Json,
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{openapi, state::AppState};

static PROMETHEUS: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process-wide Prometheus recorder (installed once; every server in the process shares it).
pub fn prometheus() -> &'static PrometheusHandle {
    PROMETHEUS.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("http_request_duration_seconds".into()),
                &[
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                    10.0,
                ],
            )
            .expect("the bucket list is not empty");
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // Another recorder may already be installed by an embedding program; then ours only renders its own.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// `/healthz`: the process answers.
#[derive(Serialize, ToSchema)]
pub struct HealthBody {
    #[schema(value_type = String, example = "ok")]
    pub status: &'static str,
}

/// `/readyz` when ready.
#[derive(Serialize, ToSchema)]
pub struct ReadyBody {
    #[schema(value_type = String, example = "ready")]
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    #[schema(example = "sqlite")]
    pub database: String,
}

/// `/readyz` when not ready.
#[derive(Serialize, ToSchema)]
pub struct NotReadyBody {
    #[schema(value_type = String, example = "unavailable")]
    pub status: &'static str,
    /// What failed.
    pub message: String,
}

/// Alive: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations", operation_id = "healthz",
    responses((status = 200, description = "The process is alive", body = HealthBody)))]
pub async fn healthz() -> Json<HealthBody> {
    Json(HealthBody { status: "ok" })
}

/// Ready: the database answers and every migration is applied.
#[utoipa::path(get, path = "/readyz", tag = "operations", operation_id = "readyz", responses(
    (status = 200, description = "Ready to serve", body = ReadyBody),
    (status = 503, description = "The database is unreachable or not migrated", body = NotReadyBody)))]
pub async fn readyz(State(state): State<AppState>) -> Response {
    match classbridge_service::operations::readiness(&state.service).await {
        Ok(database) => Json(ReadyBody {
            status: "ready",
            database,
        })
        .into_response(),
        Err(error) => {
            tracing::warn!(error = %error, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(NotReadyBody {
                    status: "unavailable",
                    message: error.to_string(),
                }),
            )
                .into_response()
        }
    }
}

/// Prometheus text format: requests by route and status with latency histograms, jobs by state, queue lag, the
/// ClassIn push queues.
#[utoipa::path(get, path = "/metrics", tag = "operations", operation_id = "metrics",
    responses((status = 200, description = "The metrics in Prometheus' text format (version 0.0.4)",
        content_type = "text/plain", body = String)))]
pub async fn metrics_text(State(state): State<AppState>) -> Response {
    // Job gauges are read from the database at scrape time, so every node reports the shared queue.
    let gauges = classbridge_service::operations::queue_gauges(&state.service).await;
    match gauges.jobs_by_status {
        Ok(counts) => {
            for status in ["queued", "running", "succeeded", "failed", "needs_force"] {
                let count = counts
                    .iter()
                    .find(|(s, _)| s == status)
                    .map_or(0, |(_, n)| *n);
                metrics::gauge!("classbridge_jobs", "status" => status).set(count as f64);
            }
        }
        Err(error) => tracing::warn!(error = %error, "could not count jobs for the metrics"),
    }
    // The push queues per SID, read from the database so that every node reports them.
    match gauges.push_queues {
        Ok(states) => {
            let now = state.clock.now_millis();
            for queue in states {
                let sid = queue.sid.to_string();
                metrics::gauge!("classbridge_classin_push_pending", "sid" => sid.clone())
                    .set(queue.pending as f64);
                let age = queue
                    .oldest_pending_at
                    .map_or(0, |at| (now - at.millis()).max(0));
                metrics::gauge!("classbridge_classin_push_oldest_pending_age_seconds", "sid" => sid.clone())
                    .set(age as f64 / 1000.0);
                metrics::gauge!("classbridge_classin_push_delivered", "sid" => sid.clone())
                    .set(queue.delivered as f64);
                metrics::gauge!("classbridge_classin_push_last_error_timestamp_seconds", "sid" => sid)
                    .set(queue.last_error_at.map_or(0, |at| at.millis()) as f64 / 1000.0);
            }
        }
        Err(error) => {
            tracing::warn!(error = %error, "could not read the push queues for the metrics")
        }
    }
    if let Ok(lag) = gauges.queue_lag_ms {
        metrics::gauge!("classbridge_job_queue_lag_seconds").set(lag as f64 / 1000.0);
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        prometheus().render(),
    )
        .into_response()
}

/// This document (OpenAPI 3.1).
#[utoipa::path(get, path = "/openapi.json", tag = "operations", operation_id = "openapi_document",
    responses((status = 200, description = "The OpenAPI document of every operation", body = Object)))]
pub async fn openapi_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        openapi::document_json(),
    )
        .into_response()
}

/// What `/docs` may load: its own inline styles and script, nothing from elsewhere (it works offline).
const DOCS_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; \
     script-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The API reference: this document as a searchable page that loads nothing from elsewhere.
#[utoipa::path(get, path = "/docs", tag = "operations", operation_id = "docs_page",
    responses((status = 200, description = "The reference page", content_type = "text/html", body = String)))]
pub async fn docs_page() -> Response {
    static PAGE: OnceLock<String> = OnceLock::new();
    let page = PAGE.get_or_init(|| {
        let document = serde_json::from_str(openapi::document_json()).unwrap_or_default();
        openapi::docs_page::render(&document)
    });
    (
        [(
            header::CONTENT_SECURITY_POLICY,
            DOCS_CONTENT_SECURITY_POLICY,
        )],
        Html(page.as_str()),
    )
        .into_response()
}
