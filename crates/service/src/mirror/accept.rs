//! Accepting a mirror request, after its body was spooled and checked: the answer remembered for an
//! `Idempotency-Key`, and the queued job with its payload (in chunks) and the key's answer, in one transaction.

use std::io::{Read, Seek, SeekFrom};

use classbridge_domain::{mirror::MirrorKind, Scope, TenantId};
use classbridge_store::jobs::{NewJob, PAYLOAD_CHUNK_BYTES};

use super::{MirrorJobOptions, KIND_BRANCHES, KIND_SIMPLE};
use crate::{Service, StoreError};

/// A mirror job, as its status endpoints answer it.
pub use classbridge_store::jobs::Job;

/// Answers are remembered for an `Idempotency-Key` this long.
const IDEMPOTENCY_WINDOW_MS: i64 = 24 * 3600 * 1000;

/// Creates the spool folder, readable by this user only, if it is missing.
pub fn create_spool_dir(path: &std::path::Path) -> std::io::Result<()> {
    classbridge_store::create_private_dir(path)
}

/// What an `Idempotency-Key` was answered with before.
pub enum EarlierAnswer {
    /// Not used within the window.
    None,
    /// Used with the same body: this answer again (status, JSON text).
    Same { status: i64, body: String },
    /// Used with another body.
    DifferentBody,
}

/// The earlier answer to the tenant's `key` for a body with this hash.
pub async fn earlier_answer(
    service: &Service,
    tenant_id: TenantId,
    key: &str,
    body_sha256: &str,
) -> Result<EarlierAnswer, StoreError> {
    let found = service
        .store()
        .find_idempotent_answer(tenant_id, key, IDEMPOTENCY_WINDOW_MS)
        .await?;
    Ok(match found {
        None => EarlierAnswer::None,
        Some(answer) if answer.request_sha256 != body_sha256 => EarlierAnswer::DifferentBody,
        Some(answer) => EarlierAnswer::Same {
            status: answer.response_status,
            body: answer.response_body,
        },
    })
}

/// A checked mirror body to queue.
pub struct MirrorToQueue<'a> {
    pub job_id: &'a str,
    pub kind: MirrorKind,
    pub force: bool,
    /// The body was a form, stored as the JSON it stands for.
    pub form: bool,
    pub items: usize,
    pub stored_bytes: u64,
    /// The hash of the body as it arrived.
    pub body_sha256: &'a str,
    /// The request's `Idempotency-Key` and the answer (202, JSON text) to remember for it.
    pub idempotency: Option<(&'a str, &'a str)>,
}

/// Why a mirror was not queued.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// Another request with the same `Idempotency-Key` is being accepted.
    #[error("a request with this Idempotency-Key is being accepted")]
    KeyBeingAccepted,
    #[error("reading the spooled payload: {0}")]
    Payload(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Stores the job, the payload read from `payload` (from its start) and the key's answer in one transaction.
pub async fn queue_mirror_job(
    service: &Service,
    scope: Scope,
    mirror: &MirrorToQueue<'_>,
    mut payload: std::fs::File,
) -> Result<(), QueueError> {
    let store = service.store();
    let new_job = NewJob {
        id: classbridge_domain::JobId::new(mirror.job_id.to_owned()),
        kind: match mirror.kind {
            MirrorKind::Branches => KIND_BRANCHES,
            MirrorKind::Simple => KIND_SIMPLE,
        },
        options: serde_json::to_value(MirrorJobOptions {
            force: mirror.force,
            form: mirror.form,
        })
        .unwrap_or_default(),
        payload_bytes: mirror.stored_bytes as i64,
        payload_sha256: mirror.body_sha256.to_owned(),
        items_total: mirror.items as i64,
    };
    let mut tx = store.begin_for(scope.tenant_id()).await?;
    let idempotency = mirror
        .idempotency
        .map(|(key, answer)| (key, mirror.body_sha256, 202_i64, answer));
    let inserted = match store
        .insert_job(&mut tx, scope, &new_job, idempotency)
        .await
    {
        Err(StoreError::Conflict { .. }) => return Err(QueueError::KeyBeingAccepted),
        other => other?,
    };
    payload.seek(SeekFrom::Start(0))?;
    let mut sequence = 0;
    let mut chunk = vec![0u8; PAYLOAD_CHUNK_BYTES];
    loop {
        let filled = read_full(&mut payload, &mut chunk)?;
        if filled == 0 {
            break;
        }
        store
            .insert_payload_chunk(&mut tx, &inserted, sequence, &chunk[..filled])
            .await?;
        sequence += 1;
    }
    tx.commit().await?;
    Ok(())
}

fn read_full(file: &mut std::fs::File, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..])? {
            0 => break,
            count => filled += count,
        }
    }
    Ok(filled)
}

/// The job with this id in `scope`.
pub async fn find_job(
    service: &Service,
    scope: Scope,
    job_id: &str,
) -> Result<Option<Job>, StoreError> {
    service.store().find_job(scope, job_id).await
}

/// A page of the jobs `scope` sees, newest first (only those in `status` when given).
pub async fn list_jobs(
    service: &Service,
    scope: Scope,
    status: Option<classbridge_domain::JobStatus>,
    page: crate::PageRequest,
) -> Result<crate::Page<Job>, StoreError> {
    service.store().list_jobs(scope, status, page).await
}
