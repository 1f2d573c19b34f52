//! Group commit for sign-in links: links asked for at the same moment are written in one transaction, so issuing
//! them is not bounded by one commit per link (SQLite has a single writer; PostgreSQL flushes its log per commit).
//! Under light load a batch is one link and nothing waits.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use classbridge_domain::{TenantId, UnixMillis, UserId};

use crate::{Backend, StoreError, StoreResult};

/// Most links written by one transaction.
const MAX_BATCH: usize = 256;

/// A link waiting to be written.
pub(crate) struct PendingLink {
    pub token_sha256: String,
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub link_type: String,
    pub lang: String,
    pub target: String,
    pub expires_at: UnixMillis,
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
        match insert(&backend, &batch).await {
            Ok(()) => {
                for link in batch {
                    let _ = link.written.send(Ok(()));
                }
            }
            // One member's failure (a link for someone deleted meanwhile) must not fail the others: each is
            // written again on its own, and only those that fail alone are answered with an error.
            Err(_) if batch.len() > 1 => {
                for link in batch {
                    let outcome = insert(&backend, std::slice::from_ref(&link)).await;
                    let _ = link.written.send(outcome.map_err(alone));
                }
            }
            Err(error) => {
                if let Some(link) = batch.pop() {
                    let _ = link.written.send(Err(alone(error)));
                }
            }
        }
    }
}

/// A link's own failure, as its caller should see it: busy stays busy, a vanished user is not found.
fn alone(error: StoreError) -> StoreError {
    match error {
        StoreError::Busy | StoreError::NotFound => error,
        StoreError::Database(sqlx::Error::Database(database_error))
            if database_error.is_foreign_key_violation() =>
        {
            StoreError::NotFound
        }
        other => StoreError::Batch(other.to_string()),
    }
}

async fn insert(backend: &Backend, batch: &[PendingLink]) -> StoreResult<()> {
    let now = UnixMillis::now();
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
