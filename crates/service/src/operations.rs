//! The operations endpoints' use cases: whether the database is ready, and the shared queues' gauges (read from the
//! database at scrape time, so that every node reports the same jobs and push queues).

use crate::{Service, StoreError};

/// A SID's push queue: pending count, oldest pending, delivered count, last error.
pub use classbridge_store::outbox::PushQueueState;

/// The database answers and every migration is applied: its kind (`sqlite` or `postgres`), else why not.
pub async fn readiness(service: &Service) -> Result<String, StoreError> {
    let store = service.store();
    store.check_ready().await?;
    Ok(format!("{:?}", store.kind()).to_lowercase())
}

/// What `/metrics` reports from the database; each part read on its own, so one failing leaves the others.
pub struct QueueGauges {
    /// Jobs by status.
    pub jobs_by_status: Result<Vec<(String, i64)>, StoreError>,
    /// The ClassIn push queues per SID.
    pub push_queues: Result<Vec<PushQueueState>, StoreError>,
    /// How long the oldest queued job has waited, in milliseconds.
    pub queue_lag_ms: Result<i64, StoreError>,
}

/// Reads the job and push-queue gauges.
pub async fn queue_gauges(service: &Service) -> QueueGauges {
    let store = service.store();
    QueueGauges {
        jobs_by_status: store.count_jobs_by_status().await,
        push_queues: store.push_queue_states().await,
        queue_lag_ms: store.queue_lag_ms().await,
    }
}
