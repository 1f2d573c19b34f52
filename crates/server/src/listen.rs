//! The server's own accept loop: HTTP/1.1 connections with a deadline for each request's header, a cap on open
//! client connections below the process's open-file limit (raised to its hard limit where allowed), and a graceful
//! stop. Bodies get their own idle deadline in the router (see `app.rs`).

use std::{sync::Arc, time::Duration};

use hyper::server::conn::http1;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
    service::TowerToHyperService,
};
use tokio::{
    net::TcpListener,
    sync::{watch, Semaphore},
};

/// How client connections are held.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// A request's header (and an idle keep-alive connection's next one) must arrive within this.
    pub header_read_timeout: Duration,
    /// Most client connections open at once; more wait in the listen backlog until one closes.
    pub max_connections: usize,
}

/// Files the process keeps for itself beside client connections: database connections, spool files, logs.
const RESERVED_FILES: u64 = 256;

/// Raises the soft open-file limit to the hard one (where the operating system allows) and returns the cap on
/// client connections: `wanted`, lowered to fit under the limit with room for the process's own files.
pub fn connection_cap(wanted: usize) -> usize {
    #[cfg(unix)]
    {
        use rustix::process::{getrlimit, setrlimit, Resource};
        let mut limit = getrlimit(Resource::Nofile);
        if let Some(hard) = limit.maximum {
            if limit.current.is_some_and(|soft| soft < hard) {
                limit.current = Some(hard);
                if let Err(error) = setrlimit(Resource::Nofile, limit) {
                    tracing::warn!(%error, "could not raise the open-file limit");
                }
            }
        }
        let soft = getrlimit(Resource::Nofile).current;
        match soft {
            Some(soft) => {
                let room = soft.saturating_sub(RESERVED_FILES).max(16);
                let cap = wanted.min(usize::try_from(room).unwrap_or(usize::MAX));
                if cap < wanted {
                    tracing::warn!(
                        wanted,
                        cap,
                        open_file_limit = soft,
                        "client connections capped below the open-file limit"
                    );
                }
                cap
            }
            None => wanted,
        }
    }
    #[cfg(not(unix))]
    {
        wanted
    }
}

/// Accepts and serves connections until `stopping` turns true, then lets the open ones finish their requests.
pub async fn serve(
    listener: TcpListener,
    router: axum::Router,
    limits: ConnectionLimits,
    mut stopping: watch::Receiver<bool>,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = stopped(&mut stopping) => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of file descriptors or a connection reset before accept: wait a moment, go on.
                    tracing::warn!(%error, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = stopped(&mut stopping) => break,
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read_timeout)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// Completes once `stopping` turns true (or its sender is gone).
async fn stopped(stopping: &mut watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stop| *stop).await.map(|_| ());
}
