//! Building the server from its configuration, serving until told to stop, and stopping gracefully.

use std::{future::Future, net::SocketAddr, time::Duration};

use anyhow::Context;
use classbridge_api::{ApiSettings, AppState};
use classbridge_service::{jobs::JobQueue, MasterKey};
use classbridge_store::{DatabaseLocation, Store, StoreOptions};
use tokio::net::TcpListener;

use crate::config::Config;

/// Opens the database named by the configuration and applies pending migrations.
pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    let location = match &config.database_url {
        Some(url) => DatabaseLocation::from_url(url)?,
        None => DatabaseLocation::SqliteFile(config.sqlite_path()),
    };
    let options = StoreOptions {
        location: location.clone(),
        max_connections: config.database_max_connections,
        acquire_timeout: Duration::from_millis(config.database_acquire_timeout_ms),
    };
    Store::open(&options)
        .await
        .with_context(|| format!("opening the database {}", location.redacted()))
}

/// The master key: from the configuration, or the data directory's `master.key`.
pub fn master_key(config: &Config) -> anyhow::Result<MasterKey> {
    Ok(match &config.master_key {
        Some(text) => MasterKey::parse(text).context("CLASSBRIDGE_MASTER_KEY")?,
        None => MasterKey::load_or_create(&config.data_dir)?,
    })
}

/// A server bound to its address, not yet serving.
pub struct Application {
    listener: TcpListener,
    state: AppState,
    store: Store,
    config: Config,
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let store = open_store(&config).await?;
        Self::build_with_store(config, store).await
    }

    pub async fn build_with_store(config: Config, store: Store) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&config.bind)
            .await
            .with_context(|| format!("binding {}", config.bind))?;
        let bound = listener.local_addr().context("the bound address")?;
        let settings = ApiSettings {
            body_limit_bytes: config.body_limit_bytes,
            default_rate_limit_per_minute: config.rate_limit_per_minute,
            base_domain: config.base_domain.clone(),
            mirror_body_limit_bytes: config.mirror_body_limit_bytes,
            spool_dir: config.data_dir.join("spool"),
            allow_student_teacher: config.allow_student_teacher,
            public_url: config
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{bound}")),
            sso_link_ttl_seconds: config.sso_link_ttl_seconds,
            app_scheme: config.app_scheme.clone(),
        };
        let jobs = JobQueue::new(store.clone(), config.job_settings());
        let state = AppState::new(
            classbridge_service::Service::new(store.clone()),
            settings,
            jobs,
            master_key(&config)?,
        );
        Ok(Self {
            listener,
            state,
            store,
            config,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound TCP listener has a local address")
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The clock the server's time rules read (tests move it).
    pub fn clock(&self) -> classbridge_api::state::Clock {
        self.state.clock.clone()
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests (up to the grace period) and writes the
    /// counted credential use.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let Self {
            listener,
            state,
            store,
            config,
        } = self;
        let flusher = {
            let (state, store) = (state.clone(), store.clone());
            let every = Duration::from_secs(config.usage_flush_seconds.max(1));
            tokio::spawn(async move {
                let mut ticker = tokio::time::interval(every);
                ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    ticker.tick().await;
                    if let Err(error) = state.usage.flush(&store).await {
                        tracing::warn!(error = %error, "could not record credential use; will retry");
                    }
                }
            })
        };
        let spool_sweeper = {
            let folder = config.data_dir.join("spool");
            // Longer than any pause of a live upload (its body times out first) or its validation.
            let older_than = Duration::from_secs(config.spool_orphan_seconds);
            tokio::spawn(async move {
                let mut ticker = tokio::time::interval(crate::spool::SWEEP_EVERY);
                loop {
                    ticker.tick().await;
                    let folder = folder.clone();
                    let _ = tokio::task::spawn_blocking(move || {
                        crate::spool::sweep(&folder, older_than)
                    })
                    .await;
                }
            })
        };
        let credential_watcher =
            tokio::spawn(state.authenticator.cache().clone().watch(store.clone()));
        let (stopping_tx, stopping_rx) = tokio::sync::watch::channel(false);
        let workers = {
            let queue = state.jobs.clone();
            let count = config.workers;
            let stopping = stopping_rx.clone();
            tokio::spawn(async move { queue.run_workers(count, stopping).await })
        };
        let pushes = config.classin_pushes.then(|| {
            let clock = state.clock.clone();
            let deliverer = classbridge_service::pushes::delivery::Deliverer::new(
                store.clone(),
                state.master_key.clone(),
                config.push_settings(),
                std::sync::Arc::new(move || clock.now_millis()),
            );
            tokio::spawn(deliverer.run(stopping_rx.clone()))
        });
        // A body that stops arriving is cut off (408) instead of holding its connection and task forever.
        let router = classbridge_api::router(state.clone()).layer(
            tower_http::timeout::RequestBodyTimeoutLayer::new(Duration::from_secs(
                config.body_read_timeout_seconds,
            )),
        );
        let limits = crate::listen::ConnectionLimits {
            header_read_timeout: Duration::from_secs(config.header_read_timeout_seconds),
            max_connections: crate::listen::connection_cap(config.max_client_connections),
        };
        tokio::spawn(async move {
            shutdown.await;
            tracing::info!("shutting down: no new connections; finishing requests in flight");
            let _ = stopping_tx.send(true);
        });
        let grace = Duration::from_secs(config.shutdown_grace_seconds);
        let mut stopping = stopping_rx.clone();
        let serving = tokio::spawn(crate::listen::serve(listener, router, limits, stopping_rx));
        tokio::select! {
            result = serving => result.context("the server task")?,
            _ = async {
                let _ = stopping.wait_for(|stopping| *stopping).await;
                tokio::time::sleep(grace).await;
            } => tracing::warn!("requests still in flight after the grace period; stopping anyway"),
        }
        flusher.abort();
        spool_sweeper.abort();
        credential_watcher.abort();
        let _ = tokio::time::timeout(Duration::from_secs(10), workers).await;
        if let Some(pushes) = pushes {
            let _ = tokio::time::timeout(Duration::from_secs(10), pushes).await;
        }
        if let Err(error) = state.usage.flush(&store).await {
            tracing::warn!(error = %error, "could not record credential use at shutdown");
        }
        store.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// `classbridge worker`: job workers only, until Ctrl-C or SIGTERM (a job in progress gives its lease back).
pub async fn run_workers_only(config: Config) -> anyhow::Result<()> {
    let store = open_store(&config).await?;
    let count = config.workers.max(1);
    let queue = JobQueue::new(store.clone(), config.job_settings());
    let (stop, stopping) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing no new jobs");
        let _ = stop.send(true);
    });
    tracing::info!(workers = count, database = ?store.kind(), "job workers running");
    queue.run_workers(count, stopping).await;
    store.close().await;
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
