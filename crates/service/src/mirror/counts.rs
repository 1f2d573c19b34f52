//! The counts a mirror job reports and the errors it records, in the shape partners read in its status (these types
//! are the schemas of that answer in the OpenAPI document).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Rows of one kind (branches, classes, sections, subjects) the job wrote or found unchanged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RowCounts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub removed: u64,
}

/// People the job created, renamed, found unchanged, deactivated (in no class any more) or reactivated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PeopleCounts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub deactivated: u64,
    pub reactivated: u64,
}

/// Student memberships and teaching assignments added and removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MembershipCounts {
    pub added: u64,
    pub removed: u64,
}

/// Everything one mirror job changed (or found unchanged), summed over its branches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MirrorCounts {
    pub branches: RowCounts,
    pub classes: RowCounts,
    pub sections: RowCounts,
    pub subjects: RowCounts,
    pub users: PeopleCounts,
    pub memberships: MembershipCounts,
}

impl RowCounts {
    pub fn add(&mut self, other: &Self) {
        self.created += other.created;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.removed += other.removed;
    }
}

impl PeopleCounts {
    pub fn add(&mut self, other: &Self) {
        self.created += other.created;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.deactivated += other.deactivated;
        self.reactivated += other.reactivated;
    }
}

impl MembershipCounts {
    pub fn add(&mut self, other: &Self) {
        self.added += other.added;
        self.removed += other.removed;
    }
}

impl MirrorCounts {
    /// Adds `other` (one branch's counts) to these.
    pub fn add(&mut self, other: &Self) {
        self.branches.add(&other.branches);
        self.classes.add(&other.classes);
        self.sections.add(&other.sections);
        self.subjects.add(&other.subjects);
        self.users.add(&other.users);
        self.memberships.add(&other.memberships);
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// Reads counts stored by an earlier attempt (absent or unreadable: zeros).
    pub fn from_stored(text: &str) -> Self {
        serde_json::from_str(text).unwrap_or_default()
    }
}

/// Why a job stopped or failed: where in the payload (dot path; empty for the whole job) and what happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JobError {
    /// Dot path into the payload (`branches.2`), or empty for the whole job.
    pub path: String,
    pub message: String,
    /// `needs_force`: the student memberships applying the branch would remove.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub would_remove: Option<u64>,
    /// `needs_force`: the branch's student memberships now.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub memberships: Option<u64>,
}

impl JobError {
    /// An error of the whole job.
    pub fn of_job(message: impl Into<String>) -> Self {
        Self {
            path: String::new(),
            message: message.into(),
            would_remove: None,
            memberships: None,
        }
    }
}
