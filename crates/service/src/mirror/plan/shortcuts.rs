//! The two ways a re-mirror avoids comparing the whole branch: the fingerprint says the payload was applied before
//! and nothing changed since (nothing to write), or that only people's names can differ (rename those).

use std::collections::{HashMap, HashSet};

use classbridge_domain::mirror::MirrorBranch;
use classbridge_store::roster::{BranchFingerprint, PersonRow};

use super::{
    super::{
        counts::MirrorCounts,
        fingerprint::{people_in_order, PayloadFingerprint},
    },
    Rename, RenamePlan,
};

/// What a branch's fingerprint says of a payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FingerprintVerdict {
    /// This very payload was applied last, and nothing was written to the tenant's roster since.
    Unchanged,
    /// Nothing was written since, and the payload has the same structure as the one applied last: only people's
    /// names can differ. `places` are the places (in [`people_in_order`]) whose name hash changed; `None` when the
    /// branch kept no usable name hashes, and everyone's name must be compared.
    NamesOnly {
        version_read: i64,
        places: Option<Vec<usize>>,
    },
    /// Everything must be compared. `version_read` is the tenant's roster version now, when the branch remembers a
    /// payload; `None` for a new branch or one no branches mirror has applied yet.
    Everything { version_read: Option<i64> },
}

/// Compares the branch's fingerprint (`None`: no such branch) with the payload's.
pub fn judge_fingerprint(
    stored: Option<&BranchFingerprint>,
    payload: &PayloadFingerprint,
) -> FingerprintVerdict {
    let Some(BranchFingerprint {
        applied_sha256: Some(applied),
        applied_version: Some(applied_version),
        roster_version,
        applied_names,
    }) = stored
    else {
        return FingerprintVerdict::Everything { version_read: None };
    };
    let (applied_structure, applied_full) = applied.split_once('.').unwrap_or(("", ""));
    if applied_version != roster_version {
        return FingerprintVerdict::Everything {
            version_read: Some(*roster_version),
        };
    }
    if applied_full == payload.full {
        return FingerprintVerdict::Unchanged;
    }
    if applied_structure == payload.structure {
        let places = applied_names
            .as_deref()
            .and_then(|record| PayloadFingerprint::names_of(record, applied_full))
            .and_then(|names| payload.renamed_places(names));
        return FingerprintVerdict::NamesOnly {
            version_read: *roster_version,
            places,
        };
    }
    FingerprintVerdict::Everything {
        version_read: Some(*roster_version),
    }
}

/// The distinct uuids of the people at `places` (ascending places in [`people_in_order`]), or of everyone in the
/// payload: those a comparison reads.
pub fn people_to_read<'a>(branch: &'a MirrorBranch, places: Option<&[usize]>) -> Vec<&'a str> {
    let mut seen = HashSet::new();
    let mut uuids = Vec::new();
    let mut keep = |uuid: &'a str| {
        if seen.insert(uuid) {
            uuids.push(uuid);
        }
    };
    match places {
        Some(places) => {
            let mut places = places.iter().copied().peekable();
            for (place, (uuid, _)) in people_in_order(branch).enumerate() {
                match places.peek() {
                    Some(next) if *next == place => {
                        keep(uuid);
                        places.next();
                    }
                    Some(_) => {}
                    None => break,
                }
            }
        }
        None => people_in_order(branch).for_each(|(uuid, _)| keep(uuid)),
    }
    uuids
}

/// For a branch whose structure is as last applied: renames the people whose names changed. `asked` are the uuids
/// read ([`people_to_read`]) and `stored` the tenant's people found with them. `None` when one asked for is missing
/// or inactive, which only a whole comparison can mend.
pub fn plan_renames<'a>(
    branch: &'a MirrorBranch,
    asked: &[&str],
    stored: &[PersonRow],
    payload: &'a PayloadFingerprint,
    version_read: i64,
) -> Option<RenamePlan<'a>> {
    if stored.len() != asked.len() || stored.iter().any(|person| !person.active) {
        return None;
    }
    let people: HashMap<&str, &str> = people_in_order(branch).collect();
    let mut renames = Vec::new();
    for person in stored {
        let wanted = person.uuid.as_deref().and_then(|uuid| people.get(uuid))?;
        if *wanted != person.name {
            renames.push(Rename {
                id: person.id,
                name: wanted,
            });
        }
    }
    let mut counts = unchanged_counts(branch, false);
    counts.users.updated += renames.len() as u64;
    counts.users.unchanged += (people.len() - renames.len()) as u64;
    Some(RenamePlan {
        renames,
        counts,
        payload,
        version_read,
    })
}

/// What comparing the whole of an unchanged branch would count; its people too when `people_too`.
pub fn unchanged_counts(branch: &MirrorBranch, people_too: bool) -> MirrorCounts {
    let mut counts = MirrorCounts::default();
    counts.branches.unchanged += 1;
    counts.classes.unchanged += branch.classes.len() as u64;
    let mut subjects = HashSet::new();
    let mut people = HashSet::new();
    for class in &branch.classes {
        counts.sections.unchanged += class.sections.len() as u64;
        for section in &class.sections {
            for subject in &section.subjects {
                subjects.insert(subject.id);
                people.extend(subject.teachers.iter().map(|t| t.uuid.as_str()));
            }
            people.extend(section.students.iter().map(|s| s.uuid.as_str()));
        }
    }
    counts.subjects.unchanged += subjects.len() as u64;
    if people_too {
        counts.users.unchanged += people.len() as u64;
    }
    counts
}
