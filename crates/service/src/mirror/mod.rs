//! Mirror data: a partner's whole truth for the branches it names, applied by a job one branch at a time, each in
//! its own transaction that also records the job's progress, so a job taken over after a crash resumes where the
//! last commit left it and ends in the same state.

pub mod accept;
pub mod apply;
pub mod counts;
mod fingerprint;
pub mod payload;
pub mod plan;
mod write;

use classbridge_domain::{
    input::BodyFormat,
    mirror::{
        stream_items, MirrorBranch, MirrorClass, MirrorKind, MirrorSection, MirrorSubject,
        MirrorValidator,
    },
    JobKind, JobStatus,
};
use classbridge_store::{
    jobs::{Job, JobLease},
    RosterWrite, Store, StoreError,
};
use serde::{Deserialize, Serialize};

pub use apply::{apply_branch, section_name_key, ApplyScope, BranchOutcome, RemovalGuard};
pub use counts::{JobError, MirrorCounts};

/// The kind of a job made by a `branches` mirror.
pub const KIND_BRANCHES: JobKind = JobKind::Branches;
/// The kind of a job made by a `simple` mirror.
pub const KIND_SIMPLE: JobKind = JobKind::Simple;

pub use classbridge_store::classrooms::DEFAULT_BRANCH_PARTNER_ID;
use classbridge_store::classrooms::DEFAULT_CLASS_PARTNER_ID as SIMPLE_CLASS_PARTNER_ID;
const SIMPLE_SUBJECT_PARTNER_ID: i64 = 0;

/// What the job row keeps besides the payload.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MirrorJobOptions {
    pub force: bool,
    /// The payload was a form body, turned into JSON whose numbers are still text.
    #[serde(default)]
    pub form: bool,
}

/// How a mirror job ended.
#[derive(Debug, Clone)]
pub struct MirrorJobEnd {
    pub status: JobStatus,
    pub counts: MirrorCounts,
    pub errors: Vec<JobError>,
}

/// Settings that shape every mirror.
#[derive(Debug, Clone, Copy)]
pub struct MirrorSettings {
    pub max_removal_ratio: f64,
    pub allow_student_teacher: bool,
}

impl Default for MirrorSettings {
    fn default() -> Self {
        Self {
            max_removal_ratio: 0.2,
            allow_student_teacher: false,
        }
    }
}

/// The simple mirror's classrooms as one branch: the default branch, one class, one section per classroom, and one
/// general subject its teachers teach.
pub fn classrooms_as_branch(
    classrooms: Vec<classbridge_domain::mirror::MirrorClassroom>,
) -> MirrorBranch {
    let sections = classrooms
        .into_iter()
        .map(|classroom| MirrorSection {
            name: classroom.name,
            subjects: vec![MirrorSubject {
                id: SIMPLE_SUBJECT_PARTNER_ID,
                name: "General".into(),
                teachers: classroom.teachers,
            }],
            students: classroom.students,
        })
        .collect();
    MirrorBranch {
        id: DEFAULT_BRANCH_PARTNER_ID,
        name: "Default branch".into(),
        classes: vec![MirrorClass {
            id: SIMPLE_CLASS_PARTNER_ID,
            name: "Classrooms".into(),
            sections,
        }],
    }
}

/// After this many rows written (and again each time that doubles), a mirror refreshes the planner's statistics.
const ANALYSE_FIRST_ROWS: u64 = 20_000;

fn rows_written(counts: &MirrorCounts) -> u64 {
    counts.users.created
        + counts.memberships.added
        + counts.memberships.removed
        + counts.sections.created
}

/// Runs a claimed mirror job to its end. `still_ours` turns false when the lease was lost; the job then stops
/// without recording anything more (the new holder redoes the unfinished branches).
pub async fn run_mirror_job(
    store: &Store,
    job: &Job,
    lease: &JobLease,
    settings: MirrorSettings,
    still_ours: tokio::sync::watch::Receiver<bool>,
) -> Result<Option<MirrorJobEnd>, StoreError> {
    let options: MirrorJobOptions = serde_json::from_str(&job.options).unwrap_or_default();
    let tenant_id = lease.tenant_id();
    let kind = if job.kind == KIND_SIMPLE {
        MirrorKind::Simple
    } else {
        MirrorKind::Branches
    };
    let format = if options.form {
        BodyFormat::Form
    } else {
        BodyFormat::Json
    };
    let already_done = job.items_done.max(0) as usize;
    let mut counts = MirrorCounts::from_stored(&job.counts);
    let guard = RemovalGuard {
        force: options.force,
        max_removal_ratio: settings.max_removal_ratio,
    };

    let (sender, mut receiver) = tokio::sync::mpsc::channel::<(usize, MirrorBranch)>(2);
    let reader = payload::PayloadReader::new(
        store.clone(),
        lease.clone(),
        tokio::runtime::Handle::current(),
    );
    let parser = tokio::task::spawn_blocking(move || {
        let mut validator = MirrorValidator::new(kind, format, settings.allow_student_teacher);
        let mut classrooms = Vec::new();
        let streamed = stream_items(reader, kind, |index, value| {
            let position = index.unwrap_or(0);
            match kind {
                MirrorKind::Branches => {
                    if position < already_done {
                        return Ok(());
                    }
                    match validator.branch(position, &value) {
                        Some(branch) => sender
                            .blocking_send((position, branch))
                            .map_err(|_| "the applier stopped"),
                        None => Err("a stored payload item no longer validates"),
                    }
                }
                MirrorKind::Simple => {
                    classrooms.extend(validator.classroom(index, &value));
                    Ok(())
                }
            }
        });
        if matches!(kind, MirrorKind::Simple) && streamed.is_ok() && already_done == 0 {
            let _ = sender.blocking_send((0, classrooms_as_branch(classrooms)));
        }
        streamed.map(|_| ()).map_err(|error| error.to_string())
    });

    let mut errors = Vec::new();
    let mut status = JobStatus::Succeeded;
    // The planner looks at the tables again whenever the rows this job wrote have doubled.
    let mut analyse_at = ANALYSE_FIRST_ROWS;
    while let Some((position, branch)) = receiver.recv().await {
        if !*still_ours.borrow() {
            return Ok(None);
        }
        // The writer bumps the roster version itself, only when the branch's change reaches beyond it.
        let mut tx = RosterWrite::begin_without_version_bump(store, tenant_id).await?;
        let scope = match kind {
            MirrorKind::Branches => ApplyScope::WholeBranch,
            MirrorKind::Simple => ApplyScope::NamedSectionsOnly,
        };
        match apply_branch(&mut tx, &branch, scope, guard, &mut counts).await? {
            BranchOutcome::Applied => {
                match store
                    .record_job_progress(&mut tx, lease, position as i64 + 1, &counts.to_json())
                    .await
                {
                    Err(StoreError::LeaseLost) => return Ok(None),
                    other => other?,
                }
                tx.commit().await?;
                let written = rows_written(&counts);
                if written >= analyse_at {
                    analyse_at = written.saturating_mul(2);
                    classbridge_store::roster::refresh_statistics(store).await?;
                }
            }
            BranchOutcome::NeedsForce {
                would_remove,
                current,
            } => {
                drop(tx);
                let path = match kind {
                    MirrorKind::Branches => format!("branches.{position}"),
                    MirrorKind::Simple => "classrooms".to_owned(),
                };
                errors.push(JobError {
                    path,
                    message: format!(
                        "Applying this would remove {would_remove} of the branch's {current} student memberships \
                         ({:.0} %), more than the {:.0} % allowed; nothing in this branch or after it was changed. \
                         Send the mirror again with force=true to apply it.",
                        100.0 * would_remove as f64 / current as f64,
                        100.0 * guard.max_removal_ratio
                    ),
                    would_remove: Some(would_remove as u64),
                    memberships: Some(current as u64),
                });
                status = JobStatus::NeedsForce;
                break;
            }
        }
    }
    drop(receiver);
    match parser.await {
        Ok(Ok(())) => {}
        Ok(Err(_)) if status == JobStatus::NeedsForce => {}
        Ok(Err(message)) => {
            errors.push(JobError::of_job(format!(
                "The stored payload could not be read: {message}"
            )));
            status = JobStatus::Failed;
        }
        Err(join_error) => {
            errors.push(JobError::of_job(format!(
                "The payload reader failed: {join_error}"
            )));
            status = JobStatus::Failed;
        }
    }
    Ok(Some(MirrorJobEnd {
        status,
        counts,
        errors,
    }))
}
