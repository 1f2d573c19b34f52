//! Attempts at the virtual labs, with every rule on the server: the window of a learning path, `max_attempts`, the
//! expiry of an attempt left open, the seed and hidden values chosen here (never sent), readings with deterministic
//! noise stored in order, and grading by the lab's own rubric (a score sent by the browser is never read).

use classbridge_domain::{Scope, TenantId, UnixMillis, UserId};
use classbridge_labs::{Grade, Lab, LabError};
use classbridge_store::{
    lab_attempts::{NewAttempt, StartRefusal},
    StoreError,
};

/// An attempt, a reading taken in it, a learning path and one of its people (read models of the labs' use cases).
pub use classbridge_store::{
    lab_attempts::{AttemptRow, ReadingRow},
    learning_paths::{LearningPathRow, PathPerson},
};
use rand::RngCore;
use serde_json::{json, Value};

/// How long an attempt stays open after it starts (and never past the path's `end_at`).
pub const ATTEMPT_SECONDS: i64 = 2 * 60 * 60;
/// Most readings one attempt may take.
pub const MAX_READINGS: i64 = 200;

/// Why an attempt could not start, take a reading or be submitted.
#[derive(Debug, thiserror::Error)]
pub enum LabRefusal {
    #[error("This experiment opens at {0}.")]
    NotOpenYet(UnixMillis),
    #[error("This experiment closed at {0}.")]
    Closed(UnixMillis),
    #[error("You have used all your attempts at this experiment.")]
    NoAttemptsLeft,
    #[error("This attempt is already submitted.")]
    AlreadySubmitted,
    #[error("This attempt expired at {0}.")]
    Expired(UnixMillis),
    #[error("This attempt has taken the most readings allowed ({MAX_READINGS}).")]
    TooManyReadings,
    #[error("This experiment does not run in the browser.")]
    NotAvailable,
    /// The lab refused the input: a dot path into the request body and a message.
    #[error("{path}: {message}")]
    Input { path: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<LabError> for LabRefusal {
    fn from(error: LabError) -> Self {
        match error {
            LabError::Input { path, message } => Self::Input { path, message },
        }
    }
}

pub type LabResult<T> = Result<T, LabRefusal>;

/// Where an attempt stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptStatus {
    Open,
    Submitted,
    Expired,
}

impl AttemptStatus {
    pub fn of(attempt: &AttemptRow, now: UnixMillis) -> Self {
        if attempt.submitted_at.is_some() {
            Self::Submitted
        } else if now >= attempt.expires_at {
            Self::Expired
        } else {
            Self::Open
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Submitted => "submitted",
            Self::Expired => "expired",
        }
    }
}

/// The lab of a path's experiment, when it runs in the browser.
pub fn lab_of(path: &LearningPathRow) -> Option<&'static dyn Lab> {
    classbridge_labs::lab(&path.experiment_id)
}

/// The window refusal at `now`, if any.
pub fn window_refusal(path: &LearningPathRow, now: UnixMillis) -> Option<LabRefusal> {
    match (path.start_at, path.end_at) {
        (Some(start), _) if now < start => Some(LabRefusal::NotOpenYet(start)),
        (_, Some(end)) if now >= end => Some(LabRefusal::Closed(end)),
        _ => None,
    }
}

/// Attempts left to a student who has made these.
pub fn attempts_left(path: &LearningPathRow, attempts: &[AttemptRow]) -> i64 {
    (path.max_attempts - attempts.len() as i64).max(0)
}

/// The best score among submitted attempts.
pub fn best_score(attempts: &[AttemptRow]) -> Option<i64> {
    attempts.iter().filter_map(|a| a.score).max()
}

/// Starts (or resumes, when one is open) the student's attempt: inside the window, within `max_attempts`, with a
/// seed chosen here and the lab's hidden values from it.
pub async fn start_attempt(
    service: &crate::Service,
    tenant_id: TenantId,
    path: &LearningPathRow,
    user_id: UserId,
    now: UnixMillis,
) -> LabResult<AttemptRow> {
    let store = service.store();
    let lab = lab_of(path).ok_or(LabRefusal::NotAvailable)?;
    if let Some(refusal) = window_refusal(path, now) {
        return Err(refusal);
    }
    let expires_at = path
        .end_at
        .map_or(now.plus_millis(ATTEMPT_SECONDS * 1000), |end| {
            end.min(now.plus_millis(ATTEMPT_SECONDS * 1000))
        });
    for _ in 0..3 {
        let seed = rand::rngs::OsRng.next_u64();
        let new = NewAttempt {
            learning_path_id: path.id,
            user_id,
            seed: seed as i64,
            hidden: lab.hidden(seed).to_string(),
            started_at: now,
            expires_at,
        };
        match store
            .start_attempt(tenant_id, &new, path.max_attempts)
            .await
        {
            Ok(Ok(attempt)) => return Ok(attempt),
            Ok(Err(StartRefusal::NoAttemptsLeft)) => return Err(LabRefusal::NoAttemptsLeft),
            // Another start of the same student took this number first: look again.
            Err(StoreError::Conflict { .. }) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(LabRefusal::NoAttemptsLeft)
}

/// The refusal for an attempt that can no longer change.
fn closed_refusal(attempt: &AttemptRow, now: UnixMillis) -> Option<LabRefusal> {
    match AttemptStatus::of(attempt, now) {
        AttemptStatus::Open => None,
        AttemptStatus::Submitted => Some(LabRefusal::AlreadySubmitted),
        AttemptStatus::Expired => Some(LabRefusal::Expired(attempt.expires_at)),
    }
}

fn hidden_of(attempt: &AttemptRow) -> Value {
    serde_json::from_str(&attempt.hidden).unwrap_or(Value::Null)
}

/// Takes one reading for the student's set-up; returns its index and the reading. The noise comes from the
/// attempt's seed and the reading's index, so the same set-up at the same index reads the same.
pub async fn observe(
    service: &crate::Service,
    path: &LearningPathRow,
    attempt: &AttemptRow,
    setup: &Value,
    now: UnixMillis,
) -> LabResult<(i64, Value)> {
    let store = service.store();
    let lab = lab_of(path).ok_or(LabRefusal::NotAvailable)?;
    if let Some(refusal) = closed_refusal(attempt, now) {
        return Err(refusal);
    }
    let hidden = hidden_of(attempt);
    for _ in 0..5 {
        let index = store.reading_count(attempt.tenant_id, attempt.id).await?;
        if index >= MAX_READINGS {
            return Err(LabRefusal::TooManyReadings);
        }
        let noise = classbridge_labs::noise_seed(attempt.seed as u64, index as u32);
        let reading = lab.observe(&hidden, setup, noise)?;
        match store
            .add_reading(
                attempt.tenant_id,
                attempt.id,
                index,
                &setup.to_string(),
                &reading.to_string(),
                now,
            )
            .await
        {
            Ok(true) => return Ok((index, reading)),
            Ok(false) => return Err(LabRefusal::AlreadySubmitted),
            Err(StoreError::Conflict { .. }) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(LabRefusal::Store(StoreError::Batch(
        "readings kept colliding".into(),
    )))
}

/// Grades a submission by the lab's rubric and records it. Only `readings` and `result` are read from the body; a
/// `score` (or anything else) the browser sends is dropped before grading and never stored.
pub async fn submit(
    service: &crate::Service,
    path: &LearningPathRow,
    attempt: &AttemptRow,
    body: &Value,
    now: UnixMillis,
) -> LabResult<(AttemptRow, Grade)> {
    let store = service.store();
    let lab = lab_of(path).ok_or(LabRefusal::NotAvailable)?;
    if let Some(refusal) = closed_refusal(attempt, now) {
        return Err(refusal);
    }
    let submission = json!({
        "readings": body.get("readings").cloned().unwrap_or(Value::Null),
        "result": body.get("result").cloned().unwrap_or(Value::Null),
    });
    let grade = lab.grade(&hidden_of(attempt), &submission)?;
    let rubric = serde_json::to_string(&grade.lines).unwrap_or_else(|_| "[]".into());
    match store
        .submit_attempt(
            attempt.tenant_id,
            attempt.id,
            &submission.to_string(),
            i64::from(grade.score),
            &rubric,
            now,
        )
        .await
    {
        Ok(row) => Ok((row, grade)),
        Err(StoreError::NotFound) => Err(LabRefusal::AlreadySubmitted),
        Err(error) => Err(error.into()),
    }
}

/// One student's line of a path's grade book.
#[derive(Debug, Clone)]
pub struct StudentAttempts {
    pub student: PathPerson,
    pub attempts: Vec<AttemptRow>,
}

/// Every student a path is for, and every other student who attempted it, by name, with their attempts.
pub async fn grade_book(
    service: &crate::Service,
    tenant_id: TenantId,
    path: &LearningPathRow,
) -> Result<Vec<StudentAttempts>, StoreError> {
    let store = service.store();
    let mut students = store.students_of_path(tenant_id, path.id).await?;
    let attempts = store.attempts_at(tenant_id, &[path.id], None).await?;
    for attempt in &attempts {
        if !students.iter().any(|s| s.user_id == attempt.user_id) {
            if let Some(user) = store
                .find_user(Scope::tenant_wide(tenant_id), attempt.user_id)
                .await?
            {
                students.push(PathPerson {
                    learning_path_id: path.id,
                    user_id: user.id,
                    uuid: user.uuid,
                    name: user.name,
                });
            }
        }
    }
    students.sort_by(|a, b| a.name.cmp(&b.name).then(a.user_id.cmp(&b.user_id)));
    Ok(students
        .into_iter()
        .map(|student| {
            let mine = attempts
                .iter()
                .filter(|a| a.user_id == student.user_id)
                .cloned()
                .collect();
            StudentAttempts {
                student,
                attempts: mine,
            }
        })
        .collect())
}
