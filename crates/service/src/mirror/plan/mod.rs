//! The mirror's decisions for one branch, made without the database: from what is stored for the branch, what the
//! payload wants and the options, the writes that make the one into the other (a [`BranchPlan`]), or the refusal of
//! a payload that would remove too many memberships ([`NeedsForce`]). `super::write` carries a plan out;
//! `super::apply` reads what a plan needs, plans, and has the plan written.
//!
//! What is stored is read in up to three steps, each only when the one before cannot decide:
//! 1. the branch's fingerprint ([`judge_fingerprint`]): a payload applied before, with nothing written to the
//!    tenant's roster since, is done with here ([`BranchPlan::Unchanged`]);
//! 2. with the same structure as last applied, the people whose names may have changed ([`plan_renames`]);
//! 3. everything of the branch, and the tenant's people the payload names ([`plan_difference`]).
//!
//! Rows the plan creates have no id yet: the plan points at them by their place in its own list of creations
//! ([`SectionRef::New`] and the like), and the writer learns their ids as it inserts them.

mod difference;
mod links;
mod shortcuts;

#[cfg(test)]
mod tests;

use classbridge_domain::{BranchId, ClassId, SectionId, SubjectId, UserId};
use classbridge_store::roster::{
    BranchRow, ClassRow, MembershipRow, PersonRow, SectionRow, SectionSubjectRow, SubjectRow,
    TeachingRow,
};

use super::{counts::MirrorCounts, fingerprint::PayloadFingerprint};

pub use difference::plan_difference;
pub use shortcuts::{
    judge_fingerprint, people_to_read, plan_renames, unchanged_counts, FingerprintVerdict,
};

/// How much of the branch a payload speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyScope {
    /// The branches mirror: the payload is the whole branch; what it does not name is removed.
    WholeBranch,
    /// The simple mirror: only the sections (classrooms) it names are managed; the rest stay as they are.
    NamedSectionsOnly,
}

/// How a branch's removals are guarded.
#[derive(Debug, Clone, Copy)]
pub struct RemovalGuard {
    pub force: bool,
    /// Largest share of a branch's student memberships one mirror may remove without `force`.
    pub max_removal_ratio: f64,
}

/// What a plan is made with besides what is stored and the payload.
#[derive(Debug, Clone, Copy)]
pub struct PlanOptions {
    pub scope: ApplyScope,
    pub guard: RemovalGuard,
}

/// The refusal of a payload that would remove more than the guard allows: nothing of the branch is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeedsForce {
    /// Student memberships the payload would remove.
    pub would_remove: usize,
    /// Student memberships the payload speaks for now.
    pub current: usize,
}

/// Everything stored for a branch that [`plan_difference`] compares with the payload.
#[derive(Debug, Clone, Default)]
pub struct StoredRoster {
    /// The branch, if it exists yet; without it every other list is empty but `people`.
    pub branch: Option<BranchRow>,
    pub classes: Vec<ClassRow>,
    pub sections: Vec<SectionRow>,
    pub subjects: Vec<SubjectRow>,
    pub section_subjects: Vec<SectionSubjectRow>,
    pub memberships: Vec<MembershipRow>,
    pub teaching: Vec<TeachingRow>,
    /// The tenant's people (active or not, in this branch or elsewhere) with a uuid the payload names.
    pub people: Vec<PersonRow>,
}

/// What to write for one branch, and the counts it adds to the job's.
#[derive(Debug)]
pub enum BranchPlan<'a> {
    /// The branch already is what the payload says: nothing to write.
    Unchanged { counts: MirrorCounts },
    /// Only people's names differ from the payload last applied.
    Renames(RenamePlan<'a>),
    /// The whole difference between what is stored and the payload.
    Difference(Box<DifferencePlan<'a>>),
}

/// A stored row (branch, class, section, subject or person, by the type of its id) to be given the payload's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rename<'a, Id> {
    pub id: Id,
    pub name: &'a str,
}

/// People to rename in a branch whose structure is as last applied.
#[derive(Debug)]
pub struct RenamePlan<'a> {
    pub renames: Vec<Rename<'a, UserId>>,
    pub counts: MirrorCounts,
    /// The payload, remembered as the branch's fingerprint after the renames.
    pub payload: &'a PayloadFingerprint,
    /// The roster version the fingerprint was compared at. The fingerprint keeps it unless a renamed person is also
    /// in another branch, whose fingerprint the rename makes stale: the writer bumps the version then.
    pub version_read: i64,
}

/// How a branch remembers the payload after a [`DifferencePlan`] is written (the simple mirror remembers nothing).
#[derive(Debug, Clone, Copy)]
pub struct Remember<'a> {
    pub payload: &'a PayloadFingerprint,
    /// The roster version the branch was compared at, when its fingerprint had one; without, the writer reads it.
    /// Either is kept unless the writes change people that other branches may have ([`DifferencePlan::reaches_beyond_branch`]
    /// or anyone deactivated): the writer bumps the version then.
    pub version_read: Option<i64>,
}

/// The writes that make a branch what the payload says, in the order the writer does them.
#[derive(Debug)]
pub struct DifferencePlan<'a> {
    pub branch: BranchWrite<'a>,
    /// Removing a class removes its sections (and their memberships) with it.
    pub classes: RowChanges<'a, ClassId, NewClass<'a>>,
    /// Removing a section removes its memberships with it.
    pub sections: RowChanges<'a, SectionId, NewSection<'a>>,
    pub subjects: RowChanges<'a, SubjectId, NewSubject<'a>>,
    pub section_subjects: LinkChanges<SectionSubjectRow, NewSectionSubject>,
    pub people: PeopleChanges<'a>,
    /// Removals here are those in sections that stay; the others go with their section.
    pub students: LinkChanges<StudentMembership, NewStudentMembership>,
    /// Removals here are those in sections and subjects that stay; the others go with them.
    pub teaching: LinkChanges<TeachingAssignment, NewTeachingAssignment>,
    /// People who had a membership or teaching assignment here and are not in the payload: those of them left with
    /// none anywhere in the tenant after the writes are deactivated (and their sessions ended). Ascending ids.
    pub deactivate_if_left_without_membership: Vec<UserId>,
    /// What the writes add to the job's counts, but the deactivations (known once written) and the student
    /// memberships not added because their person was deleted meanwhile (the writer takes those off).
    pub counts: MirrorCounts,
    pub remember: Option<Remember<'a>>,
}

impl DifferencePlan<'_> {
    /// Whether the plan changes people (renames, reactivations), whom other branches may share: their fingerprints
    /// then no longer hold, and the writer bumps the tenant's roster version.
    pub fn reaches_beyond_branch(&self) -> bool {
        !self.people.renames.is_empty() || !self.people.reactivations.is_empty()
    }

    /// Whether the plan writes nothing at all (the branch, its rows and its people are as the payload says).
    pub fn writes_nothing(&self) -> bool {
        matches!(self.branch, BranchWrite::Keep { .. })
            && self.classes.is_empty()
            && self.sections.is_empty()
            && self.subjects.is_empty()
            && self.section_subjects.is_empty()
            && self.people.renames.is_empty()
            && self.people.reactivations.is_empty()
            && self.people.creations.is_empty()
            && self.students.is_empty()
            && self.teaching.is_empty()
            && self.deactivate_if_left_without_membership.is_empty()
    }
}

/// The branch row itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BranchWrite<'a> {
    Keep { id: BranchId },
    Rename(Rename<'a, BranchId>),
    Create { partner_id: i64, name: &'a str },
}

/// Renames, removals (stored ids) and creations of classes, sections or subjects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowChanges<'a, Id, New> {
    pub renames: Vec<Rename<'a, Id>>,
    pub removals: Vec<Id>,
    /// In the order the writer inserts them; refs to new rows are places in this list.
    pub creations: Vec<New>,
}

impl<Id, New> Default for RowChanges<'_, Id, New> {
    fn default() -> Self {
        Self {
            renames: Vec::new(),
            removals: Vec::new(),
            creations: Vec::new(),
        }
    }
}

impl<Id, New> RowChanges<'_, Id, New> {
    pub fn is_empty(&self) -> bool {
        self.renames.is_empty() && self.removals.is_empty() && self.creations.is_empty()
    }
}

/// Stored links to remove and links to add (between stored or new rows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkChanges<Stored, New> {
    pub removals: Vec<Stored>,
    pub additions: Vec<New>,
}

impl<Stored, New> Default for LinkChanges<Stored, New> {
    fn default() -> Self {
        Self {
            removals: Vec::new(),
            additions: Vec::new(),
        }
    }
}

impl<Stored, New> LinkChanges<Stored, New> {
    pub fn is_empty(&self) -> bool {
        self.removals.is_empty() && self.additions.is_empty()
    }
}

/// People's changes: renames and reactivations of stored people, and creations (ascending uuids).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeopleChanges<'a> {
    pub renames: Vec<Rename<'a, UserId>>,
    pub reactivations: Vec<UserId>,
    pub creations: Vec<NewPerson<'a>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewClass<'a> {
    pub partner_id: i64,
    pub name: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSection<'a> {
    pub class: ClassRef,
    pub name: &'a str,
    /// See [`section_name_key`].
    pub name_key: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewSubject<'a> {
    pub partner_id: i64,
    pub name: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewPerson<'a> {
    pub uuid: &'a str,
    pub name: &'a str,
}

/// A stored student membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StudentMembership {
    pub section_id: SectionId,
    pub user_id: UserId,
}

/// A stored teaching assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TeachingAssignment {
    pub section_id: SectionId,
    pub subject_id: SubjectId,
    pub user_id: UserId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NewSectionSubject {
    pub section: SectionRef,
    pub subject: SubjectRef,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NewStudentMembership {
    pub section: SectionRef,
    pub person: PersonRef,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NewTeachingAssignment {
    pub section: SectionRef,
    pub subject: SubjectRef,
    pub person: PersonRef,
}

/// A class the plan's writes point at: stored (its id) or created by the plan (its place in the creations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClassRef {
    Stored(ClassId),
    New(usize),
}

/// A section: stored (its id) or created by the plan (its place in the creations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SectionRef {
    Stored(SectionId),
    New(usize),
}

/// A subject: stored (its id) or created by the plan (its place in the creations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubjectRef {
    Stored(SubjectId),
    New(usize),
}

/// A person: stored (their id) or created by the plan (their place in the creations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PersonRef {
    Stored(UserId),
    New(usize),
}

/// Section names are unique within a class ignoring case and surrounding space.
pub fn section_name_key(name: &str) -> String {
    name.trim().to_lowercase()
}
