//! The counts a mirror job reports, in the shape partners read in its status.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowCounts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub removed: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeopleCounts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub deactivated: u64,
    pub reactivated: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipCounts {
    pub added: u64,
    pub removed: u64,
}

/// Everything one mirror job changed (or found unchanged), summed over its branches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
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
