//! Job workers: claim the next job, keep its lease alive with heartbeats while running it, and record how it ended.
//! Workers run inside `serve` and in `classbridge worker`; any number of processes may share a PostgreSQL queue.

use std::{sync::Arc, time::Duration};

use classbridge_domain::{JobKind, JobStatus};
use classbridge_store::{
    jobs::{ClaimedJob, JobLease},
    now_millis, Store,
};
use tokio::sync::{watch, Notify};
use tracing::Instrument;

use crate::mirror::{self, MirrorSettings};

#[derive(Debug, Clone, Copy)]
pub struct JobSettings {
    /// How long a claimed job stays a worker's without a heartbeat.
    pub lease: Duration,
    /// How often idle workers look for jobs queued by other processes.
    pub poll_interval: Duration,
    /// Attempts before a job that keeps failing is given up.
    pub max_attempts: i64,
    /// Finished jobs are kept this long.
    pub keep_jobs: Duration,
    /// Stored payloads of finished jobs are kept this long.
    pub keep_payloads: Duration,
    pub mirror: MirrorSettings,
}

impl Default for JobSettings {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(30),
            poll_interval: Duration::from_millis(500),
            max_attempts: 5,
            keep_jobs: Duration::from_secs(30 * 24 * 3600),
            keep_payloads: Duration::from_secs(7 * 24 * 3600),
            mirror: MirrorSettings::default(),
        }
    }
}

/// The queue as this process sees it: a store, settings, and a bell that wakes idle workers at once when this
/// process accepts a job.
#[derive(Clone)]
pub struct JobQueue {
    store: Store,
    settings: JobSettings,
    bell: Arc<Notify>,
    process: String,
}

impl JobQueue {
    pub fn new(store: Store, settings: JobSettings) -> Self {
        Self {
            store,
            settings,
            bell: Arc::new(Notify::new()),
            process: format!("{}-{}", std::process::id(), ulid::Ulid::new()),
        }
    }

    /// Wakes idle workers: a job was just accepted.
    pub fn wake(&self) {
        self.bell.notify_waiters();
    }

    /// Runs `count` workers until `shutdown` turns true; a job being run then gives its lease back.
    pub async fn run_workers(&self, count: usize, shutdown: watch::Receiver<bool>) {
        let workers: Vec<_> = (0..count)
            .map(|index| {
                let queue = self.clone();
                let shutdown = shutdown.clone();
                tokio::spawn(async move { queue.worker_loop(index, shutdown).await })
            })
            .collect();
        for worker in workers {
            let _ = worker.await;
        }
    }

    async fn worker_loop(&self, index: usize, mut shutdown: watch::Receiver<bool>) {
        let owner = format!("{}-w{index}", self.process);
        let mut last_purge = 0;
        while !*shutdown.borrow() {
            if index == 0 && now_millis() - last_purge > 3_600_000 {
                last_purge = now_millis();
                self.purge().await;
            }
            match self
                .store
                .claim_next_job(&owner, self.settings.lease.as_millis() as i64)
                .await
            {
                Ok(Some(claimed)) => self.run(claimed, &mut shutdown).await,
                Ok(None) => {
                    tokio::select! {
                        _ = self.bell.notified() => {}
                        _ = tokio::time::sleep(self.settings.poll_interval) => {}
                        _ = shutdown.changed() => {}
                    }
                }
                Err(error) => {
                    tracing::warn!(error = %error, "could not claim a job; retrying");
                    tokio::select! {
                        _ = tokio::time::sleep(self.settings.poll_interval * 4) => {}
                        _ = shutdown.changed() => {}
                    }
                }
            }
        }
    }

    async fn purge(&self) {
        let now = now_millis();
        let result = self
            .store
            .purge_jobs(
                now - self.settings.keep_payloads.as_millis() as i64,
                now - self.settings.keep_jobs.as_millis() as i64,
                now - 24 * 3600 * 1000,
            )
            .await;
        if let Err(error) = result {
            tracing::warn!(error = %error, "could not purge old jobs");
        }
    }

    /// Runs the claimed job inside its `job` span. The span is attached to the future (`instrument`), not entered
    /// across its awaits: a guard held over an await is left entered on whatever runs next on the thread.
    async fn run(&self, claimed: ClaimedJob, shutdown: &mut watch::Receiver<bool>) {
        let span = tracing::info_span!(
            "job",
            job_id = %claimed.job.id,
            kind = %claimed.job.kind,
            attempt = claimed.job.attempts
        );
        self.run_claimed(claimed, shutdown).instrument(span).await;
    }

    async fn run_claimed(&self, claimed: ClaimedJob, shutdown: &mut watch::Receiver<bool>) {
        let ClaimedJob { job, lease } = claimed;
        tracing::info!(items_done = job.items_done, "job started");
        let (still_ours_tx, still_ours) = watch::channel(true);
        let heartbeat = {
            let store = self.store.clone();
            let held: JobLease = lease.clone();
            let lease = self.settings.lease;
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(lease / 3).await;
                    match store.heartbeat_job(&held, lease.as_millis() as i64).await {
                        Ok(true) => {}
                        Ok(false) => {
                            let _ = still_ours_tx.send(false);
                            return;
                        }
                        Err(error) => {
                            tracing::warn!(error = %error, "heartbeat failed; will retry")
                        }
                    }
                }
            })
        };
        let work = async {
            match &job.kind {
                JobKind::Branches | JobKind::Simple => {
                    mirror::run_mirror_job(
                        &self.store,
                        &job,
                        &lease,
                        self.settings.mirror,
                        still_ours,
                    )
                    .await
                }
                JobKind::Other(other) => Ok(Some(mirror::MirrorJobEnd {
                    status: JobStatus::Failed,
                    counts: Default::default(),
                    errors: vec![mirror::JobError::of_job(format!(
                        "This server has no worker for `{other}` jobs."
                    ))],
                })),
            }
        };
        let outcome = tokio::select! {
            outcome = work => Some(outcome),
            _ = shutdown.changed() => None,
        };
        heartbeat.abort();
        match outcome {
            None => {
                tracing::info!("shutting down: giving the job back");
                if let Err(error) = self.store.release_job(&lease).await {
                    tracing::warn!(error = %error, "could not release the job; its lease will expire");
                }
            }
            Some(Ok(None)) => {
                tracing::warn!("lease lost to another worker; stopped without recording more")
            }
            Some(Ok(Some(end))) => {
                let finished = self
                    .store
                    .finish_job(
                        &lease,
                        end.status,
                        &end.counts.to_json(),
                        &serde_json::to_value(&end.errors).unwrap_or_default(),
                    )
                    .await;
                match finished {
                    Ok(true) => tracing::info!(status = %end.status, "job finished"),
                    Ok(false) => {
                        tracing::warn!("lease lost before the job could be recorded as finished")
                    }
                    Err(error) => tracing::error!(error = %error, "could not record the job's end"),
                }
            }
            Some(Err(error)) => {
                tracing::error!(error = %error, "job attempt failed");
                if job.attempts >= self.settings.max_attempts {
                    let errors = serde_json::to_value([mirror::JobError::of_job(format!(
                        "Gave up after {} attempts: {error}",
                        job.attempts
                    ))])
                    .unwrap_or_default();
                    let counts = mirror::MirrorCounts::from_stored(&job.counts).to_json();
                    let _ = self
                        .store
                        .finish_job(&lease, JobStatus::Failed, &counts, &errors)
                        .await;
                } else {
                    let _ = self.store.release_job(&lease).await;
                }
            }
        }
    }
}
