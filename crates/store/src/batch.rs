//! Group commit for sign-in links: links asked for at the same moment are written in one transaction, so issuing
//! them is not bounded by one commit per link (SQLite has a single writer; PostgreSQL flushes its log per commit).
//! Under light load a batch is one link and nothing waits.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use crate::{now_millis, Backend, StoreError, StoreResult};

/// Most links written by one transaction.
const MAX_BATCH: usize = 256;

/// A link waiting to be written.
pub(crate) struct PendingLink {
    pub token_sha256: String,
    pub tenant_id: i64,
    pub user_id: i64,
    pub link_type: String,
    pub lang: String,
    pub target: String,
    pub expires_at: i64,
    pub written: oneshot::Sender<StoreResult<()>>,
}

pub(crate) type LinkSender = mpsc::Sender<PendingLink>;

/// Starts the writer task on the current runtime.
pub(crate) fn start_link_writer(backend: Arc<Backend>) -> LinkSender {
    let (sender, receiver) = mpsc::channel(4 * MAX_BATCH);
    tokio::spawn(write_links(backend, receiver));
    sender
}

async fn write_links(backend: Arc<Backend>, mut receiver: mpsc::Receiver<PendingLink>) {
    while let Some(first) = receiver.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(link) => batch.push(link),
                Err(_) => break,
            }
        }
        let outcome = insert(&backend, &batch).await;
        for link in batch {
            let answer = match &outcome {
                Ok(()) => Ok(()),
                Err(error) => Err(StoreError::Batch(error.to_string())),
            };
            let _ = link.written.send(answer);
        }
    }
}

async fn insert(backend: &Backend, batch: &[PendingLink]) -> StoreResult<()> {
    let now = now_millis();
    macro_rules! write_batch {
        ($pool:expr, $tx:ident, $db:ty) => {{
            let mut $tx = $pool;
            let mut query = sqlx::QueryBuilder::<$db>::new(
                "INSERT INTO sso_links (token_sha256, tenant_id, user_id, link_type, lang, target, created_at, expires_at) ",
            );
            query.push_values(batch, |mut row, link| {
                row.push_bind(&link.token_sha256)
                    .push_bind(link.tenant_id)
                    .push_bind(link.user_id)
                    .push_bind(&link.link_type)
                    .push_bind(&link.lang)
                    .push_bind(&link.target)
                    .push_bind(now)
                    .push_bind(link.expires_at);
            });
            query.build().execute(&mut *$tx).await?;
            $tx.commit().await?;
        }};
    }
    match backend {
        Backend::Sqlite { writer, .. } => write_batch!(
            writer.begin_with("BEGIN IMMEDIATE").await?,
            tx,
            sqlx::Sqlite
        ),
        Backend::Postgres(pool) => write_batch!(pool.begin().await?, tx, sqlx::Postgres),
    }
    Ok(())
}
