//! The whole comparison of a branch: every class, section, subject, person and membership stored against the
//! payload, and the writes that make the one into the other. This file plans the branch and its rows (classes,
//! sections, subjects) and puts the steps together; `links.rs` plans people and what links them to the rows.

use std::collections::{hash_map::Entry, HashMap, HashSet};

use classbridge_domain::{mirror::MirrorBranch, ClassId, SectionId, SubjectId};

use super::{
    links::{self, Wanted},
    section_name_key, ApplyScope, BranchWrite, ClassRef, DifferencePlan, NeedsForce, NewClass,
    NewSection, NewSubject, PlanOptions, Remember, Rename, RowChanges, SectionRef, StoredRoster,
    SubjectRef,
};
use crate::mirror::counts::{MirrorCounts, RowCounts};

/// A section's key inside its branch: its class's partner id and its folded name ([`section_name_key`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct SectionKey {
    pub class_partner_id: i64,
    pub name_key: String,
}

impl SectionKey {
    pub fn of(class_partner_id: i64, section_name: &str) -> Self {
        Self {
            class_partner_id,
            name_key: section_name_key(section_name),
        }
    }
}

/// The classes compared: their changes, and every class the plan's sections may point at, by partner id.
struct ClassesCompared<'a> {
    changes: RowChanges<'a, ClassId, NewClass<'a>>,
    refs: HashMap<i64, ClassRef>,
    /// The partner ids the payload names.
    named: HashSet<i64>,
}

/// The sections compared.
pub(super) struct SectionsCompared<'a> {
    pub changes: RowChanges<'a, SectionId, NewSection<'a>>,
    /// Every section that stays or is created, by key.
    pub refs: HashMap<SectionKey, SectionRef>,
    /// Stored sections the payload names: the only ones whose memberships it speaks for when unnamed ones are kept.
    pub named: HashSet<SectionId>,
    /// Stored sections that stay (named, or kept unnamed): memberships in the others go with their section.
    pub live: HashSet<SectionId>,
}

/// The subjects compared.
pub(super) struct SubjectsCompared<'a> {
    pub changes: RowChanges<'a, SubjectId, NewSubject<'a>>,
    /// Every subject that stays or is created, by partner id.
    pub refs: HashMap<i64, SubjectRef>,
    /// Stored subjects that stay.
    pub live: HashSet<SubjectId>,
}

/// Plans the writes that make the stored branch what `branch` says, or refuses a payload that would remove more
/// student memberships than `options.guard` allows. `branch` is a validated payload (no duplicate class ids, section
/// names within a class, subject ids within a section, nor one uuid with two names). `remember` is how the branch
/// remembers the payload afterwards (see [`Remember`]; `None` for the simple mirror).
///
/// With [`ApplyScope::NamedSectionsOnly`], classes, sections and subjects the payload does not name are kept as
/// stored, and the memberships of sections it does not name are neither compared nor counted.
pub fn plan_difference<'a>(
    stored: &'a StoredRoster,
    branch: &'a MirrorBranch,
    options: PlanOptions,
    remember: Option<Remember<'a>>,
) -> Result<DifferencePlan<'a>, NeedsForce> {
    let keep_unnamed = options.scope == ApplyScope::NamedSectionsOnly;
    let mut counts = MirrorCounts::default();
    let classes = compare_classes(stored, branch, keep_unnamed, &mut counts.classes);
    let sections = compare_sections(stored, branch, keep_unnamed, &classes, &mut counts.sections);
    let subjects = compare_subjects(stored, branch, keep_unnamed, &mut counts.subjects);
    let wanted = Wanted::of(branch, &sections.refs, &subjects.refs);
    let compared = links::Compared::of(stored, &sections, keep_unnamed);
    let students = links::removed_students(&compared, &wanted, &sections);
    guard_removals(options, students.len(), compared.memberships.len())?;
    let branch_write = plan_branch_row(stored, branch, &mut counts.branches);
    let section_subjects =
        links::plan_section_subjects(stored, &compared, &wanted, &sections, &subjects);
    let people = links::plan_people(stored, &wanted, &mut counts.users);
    let students = links::plan_students(
        &compared,
        &wanted,
        &people,
        students,
        &sections,
        &mut counts.memberships,
    );
    let teaching = links::plan_teaching(
        &compared,
        &wanted,
        &people,
        &sections,
        &subjects,
        &mut counts.memberships,
    );
    let lost = links::lost_people(&compared, &people);
    Ok(DifferencePlan {
        branch: branch_write,
        classes: classes.changes,
        sections: sections.changes,
        subjects: subjects.changes,
        section_subjects,
        people: people.changes,
        students,
        teaching,
        deactivate_if_left_without_membership: lost,
        counts,
        remember,
    })
}

/// Refuses removing more than the guard allows of the `current` student memberships the payload speaks for (none
/// yet: nothing to weigh a removal against).
fn guard_removals(
    options: PlanOptions,
    would_remove: usize,
    current: usize,
) -> Result<(), NeedsForce> {
    if options.guard.force || current == 0 {
        return Ok(());
    }
    let ratio = would_remove as f64 / current as f64;
    if ratio > options.guard.max_removal_ratio {
        return Err(NeedsForce {
            would_remove,
            current,
        });
    }
    Ok(())
}

/// The branch row: created, renamed, or kept.
fn plan_branch_row<'a>(
    stored: &StoredRoster,
    branch: &'a MirrorBranch,
    counts: &mut RowCounts,
) -> BranchWrite<'a> {
    match &stored.branch {
        Some(row) if row.name == branch.name => {
            counts.unchanged += 1;
            BranchWrite::Keep { id: row.id }
        }
        Some(row) => {
            counts.updated += 1;
            BranchWrite::Rename(Rename {
                id: row.id,
                name: &branch.name,
            })
        }
        None => {
            counts.created += 1;
            BranchWrite::Create {
                partner_id: branch.id,
                name: &branch.name,
            }
        }
    }
}

/// Classes, by partner id: a stored class the payload names is kept (and renamed to match); one it does not is
/// removed, unless unnamed ones are kept. Those the payload names that are not stored are created, in its order.
fn compare_classes<'a>(
    stored: &StoredRoster,
    branch: &'a MirrorBranch,
    keep_unnamed: bool,
    counts: &mut RowCounts,
) -> ClassesCompared<'a> {
    let wanted: HashMap<i64, &str> = branch
        .classes
        .iter()
        .map(|class| (class.id, class.name.as_str()))
        .collect();
    let mut changes = RowChanges::default();
    let mut refs = HashMap::new();
    for class in &stored.classes {
        match wanted.get(&class.partner_id) {
            Some(name) => rename_if_changed(&mut changes, counts, class.id, &class.name, name),
            None if keep_unnamed => counts.unchanged += 1,
            None => {
                changes.removals.push(class.id);
                continue;
            }
        }
        refs.insert(class.partner_id, ClassRef::Stored(class.id));
    }
    for class in &branch.classes {
        if let Entry::Vacant(entry) = refs.entry(class.id) {
            entry.insert(ClassRef::New(changes.creations.len()));
            changes.creations.push(NewClass {
                partner_id: class.id,
                name: &class.name,
            });
        }
    }
    counts.removed += changes.removals.len() as u64;
    counts.created += changes.creations.len() as u64;
    ClassesCompared {
        changes,
        refs,
        named: wanted.into_keys().collect(),
    }
}

/// Sections, by key: kept (and renamed to match) when the payload names them or unnamed ones are kept; removed
/// otherwise, but those of removed classes go with their class. Those the payload names that are not stored are
/// created, in its order.
fn compare_sections<'a>(
    stored: &StoredRoster,
    branch: &'a MirrorBranch,
    keep_unnamed: bool,
    classes: &ClassesCompared,
    counts: &mut RowCounts,
) -> SectionsCompared<'a> {
    let class_partner_of: HashMap<ClassId, i64> = stored
        .classes
        .iter()
        .map(|class| (class.id, class.partner_id))
        .collect();
    let wanted: HashMap<SectionKey, &str> = branch
        .classes
        .iter()
        .flat_map(|class| {
            class.sections.iter().map(|section| {
                (
                    SectionKey::of(class.id, &section.name),
                    section.name.as_str(),
                )
            })
        })
        .collect();
    let mut compared = SectionsCompared {
        changes: RowChanges::default(),
        refs: HashMap::new(),
        named: HashSet::new(),
        live: HashSet::new(),
    };
    for section in &stored.sections {
        let key = class_partner_of
            .get(&section.class_id)
            .map(|class_partner_id| SectionKey {
                class_partner_id: *class_partner_id,
                name_key: section.name_key.clone(),
            });
        let wanted_name = key.as_ref().and_then(|key| wanted.get(key));
        match (key, wanted_name) {
            (Some(key), Some(name)) => {
                compared.named.insert(section.id);
                rename_if_changed(
                    &mut compared.changes,
                    counts,
                    section.id,
                    &section.name,
                    name,
                );
                compared.live.insert(section.id);
                compared.refs.insert(key, SectionRef::Stored(section.id));
            }
            (Some(key), None) if keep_unnamed => {
                counts.unchanged += 1;
                compared.live.insert(section.id);
                compared.refs.insert(key, SectionRef::Stored(section.id));
            }
            (Some(key), None) if !classes.named.contains(&key.class_partner_id) => {
                counts.removed += 1;
            }
            // Unnamed in a class that stays, or of a class not in the branch.
            _ => compared.changes.removals.push(section.id),
        }
    }
    counts.removed += compared.changes.removals.len() as u64;
    for class in &branch.classes {
        for section in &class.sections {
            if let Entry::Vacant(entry) =
                compared.refs.entry(SectionKey::of(class.id, &section.name))
            {
                let name_key = entry.key().name_key.clone();
                entry.insert(SectionRef::New(compared.changes.creations.len()));
                compared.changes.creations.push(NewSection {
                    class: classes.refs[&class.id],
                    name: &section.name,
                    name_key,
                });
            }
        }
    }
    counts.created += compared.changes.creations.len() as u64;
    compared
}

/// Subjects, by partner id (the first name the payload gives a subject is its name): kept (and renamed to match)
/// when named or when unnamed ones are kept, removed otherwise. New ones are created by ascending partner id.
fn compare_subjects<'a>(
    stored: &StoredRoster,
    branch: &'a MirrorBranch,
    keep_unnamed: bool,
    counts: &mut RowCounts,
) -> SubjectsCompared<'a> {
    let mut wanted: HashMap<i64, &str> = HashMap::new();
    for section in branch.classes.iter().flat_map(|class| &class.sections) {
        for subject in &section.subjects {
            wanted.entry(subject.id).or_insert(&subject.name);
        }
    }
    let mut compared = SubjectsCompared {
        changes: RowChanges::default(),
        refs: HashMap::new(),
        live: HashSet::new(),
    };
    for subject in &stored.subjects {
        match wanted.get(&subject.partner_id) {
            Some(name) => rename_if_changed(
                &mut compared.changes,
                counts,
                subject.id,
                &subject.name,
                name,
            ),
            None if keep_unnamed => counts.unchanged += 1,
            None => {
                compared.changes.removals.push(subject.id);
                continue;
            }
        }
        compared.live.insert(subject.id);
        compared
            .refs
            .insert(subject.partner_id, SubjectRef::Stored(subject.id));
    }
    counts.removed += compared.changes.removals.len() as u64;
    let mut creations: Vec<NewSubject> = wanted
        .iter()
        .filter(|(partner_id, _)| !compared.refs.contains_key(partner_id))
        .map(|(partner_id, name)| NewSubject {
            partner_id: *partner_id,
            name,
        })
        .collect();
    creations.sort_unstable_by_key(|subject| subject.partner_id);
    for (place, subject) in creations.iter().enumerate() {
        compared
            .refs
            .insert(subject.partner_id, SubjectRef::New(place));
    }
    counts.created += creations.len() as u64;
    compared.changes.creations = creations;
    compared
}

/// Keeps a stored row's name, or plans its rename to the payload's.
fn rename_if_changed<'a, Id, New>(
    changes: &mut RowChanges<'a, Id, New>,
    counts: &mut RowCounts,
    id: Id,
    stored: &str,
    wanted: &'a str,
) {
    if stored == wanted {
        counts.unchanged += 1;
    } else {
        changes.renames.push(Rename { id, name: wanted });
        counts.updated += 1;
    }
}
