//! Applying one mirrored branch: compare the payload with what is stored, then write only the difference, in the
//! caller's transaction. A branch is the unit of a mirror: everything in it becomes what the payload says.

use std::collections::{HashMap, HashSet};

use classbridge_domain::{mirror::MirrorBranch, TenantId};
use classbridge_store::{
    roster::{self, RosterTable, SOURCE_MIRROR},
    StoreResult, StoreTx,
};

use super::{
    counts::{MirrorCounts, RowCounts},
    fingerprint::{people_in_order, PayloadFingerprint},
};

/// How a branch's removals are guarded.
#[derive(Debug, Clone, Copy)]
pub struct RemovalGuard {
    pub force: bool,
    /// Largest share of a branch's student memberships one mirror may remove without `force`.
    pub max_removal_ratio: f64,
}

/// How much of the branch a payload speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyScope {
    /// The branches mirror: the payload is the whole branch; what it does not name is removed.
    WholeBranch,
    /// The simple mirror: only the sections (classrooms) it names are managed; the rest stay as they are.
    NamedSectionsOnly,
}

/// What became of one branch.
#[derive(Debug, Clone, PartialEq)]
pub enum BranchOutcome {
    Applied,
    /// Nothing was changed: the payload would remove `would_remove` of the branch's `current` memberships.
    NeedsForce {
        would_remove: usize,
        current: usize,
    },
}

/// The key of a section inside a branch: the class's partner id and the section's folded name.
type SectionKey = (i64, String);

/// Section names are unique within a class ignoring case and surrounding space.
pub fn section_name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Applies `branch` for `tenant_id`, adding what it did to `counts`. A branch whose last applied payload was this
/// very one, with nothing written to the tenant's roster since, is skipped: it already is what the payload says.
pub async fn apply_branch(
    tx: &mut StoreTx,
    tenant_id: TenantId,
    branch: &MirrorBranch,
    scope: ApplyScope,
    guard: RemovalGuard,
    counts: &mut MirrorCounts,
) -> StoreResult<BranchOutcome> {
    if scope == ApplyScope::NamedSectionsOnly {
        // The simple mirror keeps no fingerprint, but what it does to people shared with mirrored branches (renames,
        // deactivations) must make those branches' fingerprints stale.
        let reach_before = changes_beyond_branch(counts);
        let outcome = apply_in_full(tx, tenant_id, branch, scope, guard, counts).await?;
        if changes_beyond_branch(counts) > reach_before {
            roster::bump_roster_version(tx, tenant_id).await?;
        }
        return Ok(outcome);
    }
    let payload = PayloadFingerprint::of(branch);
    let mut version_now = None;
    if let Some((Some(applied), Some(applied_version), current, applied_names)) =
        roster::branch_fingerprint(tx, tenant_id, branch.id).await?
    {
        version_now = Some(current);
        let (applied_structure, applied_full) = applied.split_once('.').unwrap_or(("", ""));
        if applied_version == current && applied_full == payload.full {
            count_unchanged(branch, counts, true);
            return Ok(BranchOutcome::Applied);
        }
        // Only people's names can differ: compare those, and nothing else.
        if applied_version == current && applied_structure == payload.structure {
            let renamed_places = applied_names
                .as_deref()
                .and_then(|record| PayloadFingerprint::names_of(record, applied_full))
                .and_then(|names| payload.renamed_places(names));
            if let Some(renamed) =
                rename_people_only(tx, tenant_id, branch, renamed_places, counts).await?
            {
                // Renaming people of this branch alone changes no other branch: the others' fingerprints still hold.
                let version = if roster::people_in_other_branches(
                    tx, tenant_id, branch.id, &renamed,
                )
                .await?
                {
                    roster::bump_roster_version(tx, tenant_id).await?
                } else {
                    current
                };
                remember_payload(tx, tenant_id, branch.id, &payload, version).await?;
                return Ok(BranchOutcome::Applied);
            }
        }
    }
    let reach_before = changes_beyond_branch(counts);
    let outcome = apply_in_full(tx, tenant_id, branch, scope, guard, counts).await?;
    if outcome == BranchOutcome::Applied {
        let version = match version_now {
            Some(current) if changes_beyond_branch(counts) == reach_before => current,
            _ if changes_beyond_branch(counts) > reach_before => {
                roster::bump_roster_version(tx, tenant_id).await?
            }
            _ => roster::roster_version(tx, tenant_id).await?,
        };
        remember_payload(tx, tenant_id, branch.id, &payload, version).await?;
    }
    Ok(outcome)
}

/// Records that branch `partner_id` is now what `payload` says, as of roster `version`.
async fn remember_payload(
    tx: &mut StoreTx,
    tenant_id: TenantId,
    partner_id: i64,
    payload: &PayloadFingerprint,
    version: i64,
) -> StoreResult<()> {
    let fingerprint = format!("{}.{}", payload.structure, payload.full);
    roster::set_branch_fingerprint(
        tx,
        tenant_id,
        partner_id,
        &fingerprint,
        &payload.names_record(),
        version,
    )
    .await
}

/// For a branch whose structure is as last applied: renames the people whose names changed (returning their ids),
/// and counts the rest unchanged. With `renamed_places` (from the name hashes kept at the last apply) only the people
/// at those places are read; without, everyone in the branch is. `None` (nothing written) when a person read is
/// missing or inactive, which only a full apply can mend.
async fn rename_people_only(
    tx: &mut StoreTx,
    tenant_id: TenantId,
    branch: &MirrorBranch,
    renamed_places: Option<Vec<usize>>,
    counts: &mut MirrorCounts,
) -> StoreResult<Option<Vec<i64>>> {
    let people: HashMap<&str, &str> = people_in_order(branch).collect();
    let uuids: Vec<&str> = match renamed_places {
        Some(places) => {
            let mut places = places.into_iter().peekable();
            let mut uuids = HashSet::new();
            for (place, (uuid, _)) in people_in_order(branch).enumerate() {
                match places.peek() {
                    Some(next) if *next == place => {
                        uuids.insert(uuid);
                        places.next();
                    }
                    Some(_) => {}
                    None => break,
                }
            }
            uuids.into_iter().collect()
        }
        None => people.keys().copied().collect(),
    };
    let stored = roster::find_people_by_uuid(tx, tenant_id, &uuids).await?;
    if stored.len() != uuids.len() || stored.iter().any(|person| !person.active) {
        return Ok(None);
    }
    let mut renames = Vec::new();
    for person in &stored {
        let wanted = person
            .uuid
            .as_deref()
            .and_then(|uuid| people.get(uuid))
            .copied();
        match wanted {
            Some(name) if name != person.name => renames.push((person.id, name)),
            Some(_) => {}
            None => return Ok(None),
        }
    }
    roster::rename_people(tx, &renames).await?;
    let renamed = renames.len() as u64;
    count_unchanged(branch, counts, false);
    counts.users.updated += renamed;
    counts.users.unchanged += people.len() as u64 - renamed;
    Ok(Some(renames.into_iter().map(|(id, _)| id).collect()))
}

/// Changes that reach beyond the branch being applied: people are shared between branches, so renaming,
/// deactivating or reactivating one may make another branch differ from its own last payload. (What else a branch
/// apply writes is the branch's own: its classes, sections, subjects and memberships.)
fn changes_beyond_branch(counts: &MirrorCounts) -> u64 {
    counts.users.updated + counts.users.deactivated + counts.users.reactivated
}

/// What a full apply of an unchanged branch would count.
fn count_unchanged(branch: &MirrorBranch, counts: &mut MirrorCounts, people_too: bool) {
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
}

async fn apply_in_full(
    tx: &mut StoreTx,
    tenant_id: TenantId,
    branch: &MirrorBranch,
    scope: ApplyScope,
    guard: RemovalGuard,
    counts: &mut MirrorCounts,
) -> StoreResult<BranchOutcome> {
    // What the payload wants, by partner keys.
    let mut wanted_classes: HashMap<i64, &str> = HashMap::new();
    let mut wanted_sections: HashMap<SectionKey, &str> = HashMap::new();
    let mut wanted_subjects: HashMap<i64, &str> = HashMap::new();
    let mut wanted_section_subjects: HashSet<(SectionKey, i64)> = HashSet::new();
    let mut wanted_students: HashSet<(SectionKey, &str)> = HashSet::new();
    let mut wanted_teaching: HashSet<(SectionKey, i64, &str)> = HashSet::new();
    let mut people: HashMap<&str, &str> = HashMap::new();
    for class in &branch.classes {
        wanted_classes.insert(class.id, &class.name);
        for section in &class.sections {
            let key: SectionKey = (class.id, section_name_key(&section.name));
            wanted_sections.insert(key.clone(), &section.name);
            for subject in &section.subjects {
                wanted_subjects.entry(subject.id).or_insert(&subject.name);
                wanted_section_subjects.insert((key.clone(), subject.id));
                for teacher in &subject.teachers {
                    people.insert(&teacher.uuid, &teacher.name);
                    wanted_teaching.insert((key.clone(), subject.id, &teacher.uuid));
                }
            }
            for student in &section.students {
                people.insert(&student.uuid, &student.name);
                wanted_students.insert((key.clone(), &student.uuid));
            }
        }
    }

    // What is stored.
    let existing = roster::find_branch(tx, tenant_id, branch.id).await?;
    let (classes, sections, subjects, mut section_subjects, mut memberships, mut teaching) =
        match &existing {
            Some(row) => (
                roster::load_classes(tx, row.id).await?,
                roster::load_sections(tx, row.id).await?,
                roster::load_subjects(tx, row.id).await?,
                roster::load_section_subjects(tx, row.id).await?,
                roster::load_student_memberships(tx, row.id).await?,
                roster::load_teaching(tx, row.id).await?,
            ),
            None => Default::default(),
        };
    let class_partner: HashMap<i64, i64> = classes.iter().map(|c| (c.id, c.partner_id)).collect();
    let section_key_of: HashMap<i64, SectionKey> = sections
        .iter()
        .filter_map(|s| {
            class_partner
                .get(&s.class_id)
                .map(|class| (s.id, (*class, s.name_key.clone())))
        })
        .collect();
    if scope == ApplyScope::NamedSectionsOnly {
        // What the payload does not name is kept as it is stored, and its memberships are left out of the diff.
        for class in &classes {
            wanted_classes
                .entry(class.partner_id)
                .or_insert(&class.name);
        }
        for subject in &subjects {
            wanted_subjects
                .entry(subject.partner_id)
                .or_insert(&subject.name);
        }
        let named: HashSet<i64> = section_key_of
            .iter()
            .filter(|(_, key)| wanted_sections.contains_key(*key))
            .map(|(id, _)| *id)
            .collect();
        for section in &sections {
            if let Some(key) = section_key_of.get(&section.id) {
                wanted_sections.entry(key.clone()).or_insert(&section.name);
            }
        }
        memberships.retain(|m| named.contains(&m.section_id));
        teaching.retain(|t| named.contains(&t.section_id));
        section_subjects.retain(|(section, _)| named.contains(section));
    }

    // Every stored membership the payload no longer names goes (in removed sections too, whatever its source).
    let removed_students: Vec<(i64, i64)> = memberships
        .iter()
        .filter(|m| {
            let named = match (section_key_of.get(&m.section_id), &m.uuid) {
                (Some(key), Some(uuid)) => wanted_students.contains(&(key.clone(), uuid.as_str())),
                _ => false,
            };
            let section_kept = section_key_of
                .get(&m.section_id)
                .is_some_and(|key| wanted_sections.contains_key(key));
            !named && (m.source == SOURCE_MIRROR || !section_kept)
        })
        .map(|m| (m.section_id, m.user_id))
        .collect();
    if !guard.force && !memberships.is_empty() {
        let ratio = removed_students.len() as f64 / memberships.len() as f64;
        if ratio > guard.max_removal_ratio {
            return Ok(BranchOutcome::NeedsForce {
                would_remove: removed_students.len(),
                current: memberships.len(),
            });
        }
    }

    // The branch itself.
    let branch_id = match &existing {
        Some(row) if row.name == branch.name => {
            counts.branches.unchanged += 1;
            row.id
        }
        Some(row) => {
            roster::rename(tx, RosterTable::Branches, row.id, &branch.name).await?;
            counts.branches.updated += 1;
            row.id
        }
        None => {
            counts.branches.created += 1;
            roster::insert_branch(tx, tenant_id, branch.id, &branch.name).await?
        }
    };

    // Classes, then sections, then subjects: create, rename, remove.
    let mut class_ids: HashMap<i64, i64> = HashMap::new();
    let mut removed_class_ids = Vec::new();
    for class in &classes {
        match wanted_classes.get(&class.partner_id) {
            Some(name) => {
                class_ids.insert(class.partner_id, class.id);
                rename_if_changed(
                    tx,
                    RosterTable::Classes,
                    class.id,
                    &class.name,
                    name,
                    &mut counts.classes,
                )
                .await?;
            }
            None => removed_class_ids.push(class.id),
        }
    }
    counts.classes.removed += removed_class_ids.len() as u64;
    roster::delete_by_ids(tx, RosterTable::Classes, &removed_class_ids).await?;
    let new_classes: Vec<(i64, &str)> = branch
        .classes
        .iter()
        .filter(|c| !class_ids.contains_key(&c.id))
        .map(|c| (c.id, c.name.as_str()))
        .collect();
    counts.classes.created += new_classes.len() as u64;
    for (id, partner_id) in
        roster::insert_named(tx, RosterTable::Classes, tenant_id, branch_id, &new_classes).await?
    {
        class_ids.insert(partner_id, id);
    }

    let mut section_ids: HashMap<SectionKey, i64> = HashMap::new();
    let mut removed_section_ids = Vec::new();
    for section in &sections {
        let key = section_key_of.get(&section.id).cloned();
        match key
            .as_ref()
            .and_then(|key| wanted_sections.get(key).map(|name| (key, name)))
        {
            Some((key, name)) => {
                section_ids.insert(key.clone(), section.id);
                rename_if_changed(
                    tx,
                    RosterTable::Sections,
                    section.id,
                    &section.name,
                    name,
                    &mut counts.sections,
                )
                .await?;
            }
            // Sections of removed classes went with their class.
            None if key
                .as_ref()
                .is_some_and(|(class, _)| !wanted_classes.contains_key(class)) =>
            {
                counts.sections.removed += 1;
            }
            None => removed_section_ids.push(section.id),
        }
    }
    counts.sections.removed += removed_section_ids.len() as u64;
    roster::delete_by_ids(tx, RosterTable::Sections, &removed_section_ids).await?;
    let mut new_sections: Vec<(i64, &str, String)> = Vec::new();
    for class in &branch.classes {
        for section in &class.sections {
            let key = (class.id, section_name_key(&section.name));
            if !section_ids.contains_key(&key) {
                new_sections.push((class_ids[&class.id], &section.name, key.1));
            }
        }
    }
    counts.sections.created += new_sections.len() as u64;
    let rows: Vec<(i64, &str, &str)> = new_sections
        .iter()
        .map(|(c, n, k)| (*c, *n, k.as_str()))
        .collect();
    let class_partner_by_id: HashMap<i64, i64> = class_ids
        .iter()
        .map(|(partner, id)| (*id, *partner))
        .collect();
    for (id, class_id, name_key) in roster::insert_sections(tx, tenant_id, branch_id, &rows).await?
    {
        section_ids.insert((class_partner_by_id[&class_id], name_key), id);
    }

    let mut subject_ids: HashMap<i64, i64> = HashMap::new();
    let mut removed_subject_ids = Vec::new();
    for subject in &subjects {
        match wanted_subjects.get(&subject.partner_id) {
            Some(name) => {
                subject_ids.insert(subject.partner_id, subject.id);
                rename_if_changed(
                    tx,
                    RosterTable::Subjects,
                    subject.id,
                    &subject.name,
                    name,
                    &mut counts.subjects,
                )
                .await?;
            }
            None => removed_subject_ids.push(subject.id),
        }
    }
    counts.subjects.removed += removed_subject_ids.len() as u64;
    roster::delete_by_ids(tx, RosterTable::Subjects, &removed_subject_ids).await?;
    let mut new_subjects: Vec<(i64, &str)> = wanted_subjects
        .iter()
        .filter(|(partner_id, _)| !subject_ids.contains_key(partner_id))
        .map(|(partner_id, name)| (*partner_id, *name))
        .collect();
    new_subjects.sort_unstable();
    counts.subjects.created += new_subjects.len() as u64;
    for (id, partner_id) in roster::insert_named(
        tx,
        RosterTable::Subjects,
        tenant_id,
        branch_id,
        &new_subjects,
    )
    .await?
    {
        subject_ids.insert(partner_id, id);
    }

    let live_sections: HashSet<i64> = section_ids.values().copied().collect();
    let live_subjects: HashSet<i64> = subject_ids.values().copied().collect();

    // Which subjects each section has.
    let current_pairs: HashSet<(i64, i64)> = section_subjects.into_iter().collect();
    let wanted_pairs: HashSet<(i64, i64)> = wanted_section_subjects
        .iter()
        .map(|(key, subject)| (section_ids[key], subject_ids[subject]))
        .collect();
    let stale: Vec<(i64, i64)> = current_pairs
        .iter()
        .filter(|(section, subject)| {
            live_sections.contains(section) && live_subjects.contains(subject)
        })
        .filter(|pair| !wanted_pairs.contains(pair))
        .copied()
        .collect();
    roster::delete_section_subjects(tx, &stale).await?;
    let added: Vec<(i64, i64)> = wanted_pairs.difference(&current_pairs).copied().collect();
    roster::insert_section_subjects(tx, &added).await?;

    // People: create, rename, reactivate.
    let uuids: Vec<&str> = people.keys().copied().collect();
    let mut person_ids: HashMap<String, i64> = HashMap::with_capacity(uuids.len());
    let mut renames: Vec<(i64, &str)> = Vec::new();
    let mut reactivate = Vec::new();
    for person in roster::find_people_by_uuid(tx, tenant_id, &uuids).await? {
        let Some(uuid) = person.uuid else { continue };
        let wanted_name = people[uuid.as_str()];
        if person.name != wanted_name {
            renames.push((person.id, wanted_name));
        } else if person.active {
            counts.users.unchanged += 1;
        }
        if !person.active {
            reactivate.push(person.id);
        }
        person_ids.insert(uuid, person.id);
    }
    let found_people: HashSet<i64> = person_ids.values().copied().collect();
    roster::rename_people(tx, &renames).await?;
    counts.users.updated += renames.len() as u64;
    counts.users.reactivated += reactivate.len() as u64;
    roster::set_people_active(tx, &reactivate, true).await?;
    let mut new_people: Vec<(&str, &str)> = people
        .iter()
        .filter(|(uuid, _)| !person_ids.contains_key(**uuid))
        .map(|(uuid, name)| (*uuid, *name))
        .collect();
    new_people.sort_unstable();
    counts.users.created += new_people.len() as u64;
    for (id, uuid) in roster::insert_people(tx, tenant_id, &new_people).await? {
        person_ids.insert(uuid, id);
    }

    // Student memberships and teaching assignments become what the payload says.
    let current_students: HashSet<(i64, i64)> = memberships
        .iter()
        .map(|m| (m.section_id, m.user_id))
        .collect();
    let stale_students: Vec<(i64, i64)> = removed_students
        .iter()
        .filter(|(section, _)| live_sections.contains(section))
        .copied()
        .collect();
    roster::delete_student_memberships(tx, &stale_students).await?;
    let mut new_students: Vec<(i64, i64)> = wanted_students
        .iter()
        .map(|(key, uuid)| (section_ids[key], person_ids[*uuid]))
        .filter(|pair| !current_students.contains(pair))
        .collect();
    // People found (not made) here who join a section are held until this transaction ends, as a foreign key
    // would hold them; one deleted through the API since it was found is not joined. A cold mirror holds no one.
    let joining: Vec<i64> = new_students
        .iter()
        .map(|(_, user)| *user)
        .filter(|user| found_people.contains(user))
        .collect::<HashSet<i64>>()
        .into_iter()
        .collect();
    let (held, _) = roster::hold_for_memberships(tx, &joining, &[]).await?;
    new_students.retain(|(_, user)| !found_people.contains(user) || held.contains(user));
    roster::insert_student_memberships(tx, branch_id, &new_students, SOURCE_MIRROR).await?;
    counts.memberships.added += new_students.len() as u64;
    counts.memberships.removed += removed_students.len() as u64;

    let wanted_teaching_ids: HashSet<(i64, i64, i64)> = wanted_teaching
        .iter()
        .map(|(key, subject, uuid)| (section_ids[key], subject_ids[subject], person_ids[*uuid]))
        .collect();
    let current_teaching: HashSet<(i64, i64, i64)> = teaching
        .iter()
        .map(|t| (t.section_id, t.subject_id, t.user_id))
        .collect();
    let unnamed_teaching = teaching
        .iter()
        .filter(|t| !wanted_teaching_ids.contains(&(t.section_id, t.subject_id, t.user_id)));
    let live = |t: &&roster::TeachingRow| {
        live_sections.contains(&t.section_id) && live_subjects.contains(&t.subject_id)
    };
    // Mirror-made ones that the payload no longer names go; hand-made ones stay while their section and subject do.
    let stale_teaching: Vec<(i64, i64, i64)> = unnamed_teaching
        .clone()
        .filter(|t| t.source == SOURCE_MIRROR && live(t))
        .map(|t| (t.section_id, t.subject_id, t.user_id))
        .collect();
    let teaching_removed = unnamed_teaching
        .filter(|t| t.source == SOURCE_MIRROR || !live(t))
        .count();
    roster::delete_teaching(tx, &stale_teaching).await?;
    let new_teaching: Vec<(i64, i64, i64)> = wanted_teaching_ids
        .difference(&current_teaching)
        .copied()
        .collect();
    roster::insert_teaching(tx, branch_id, &new_teaching, SOURCE_MIRROR).await?;
    counts.memberships.added += new_teaching.len() as u64;
    counts.memberships.removed += teaching_removed as u64;

    // Whoever lost a membership here and has none anywhere is deactivated.
    let kept: HashSet<i64> = person_ids.values().copied().collect();
    let mut lost: Vec<i64> = memberships
        .iter()
        .map(|m| m.user_id)
        .chain(teaching.iter().map(|t| t.user_id))
        .filter(|id| !kept.contains(id))
        .collect::<HashSet<i64>>()
        .into_iter()
        .collect();
    lost.sort_unstable();
    let lonely = roster::people_without_memberships(tx, &lost).await?;
    counts.users.deactivated += lonely.len() as u64;
    roster::set_people_active(tx, &lonely, false).await?;
    classbridge_store::sso::end_sessions_of(tx, &lonely).await?;
    Ok(BranchOutcome::Applied)
}

async fn rename_if_changed(
    tx: &mut StoreTx,
    table: RosterTable,
    id: i64,
    stored: &str,
    wanted: &str,
    counts: &mut RowCounts,
) -> StoreResult<()> {
    if stored == wanted {
        counts.unchanged += 1;
    } else {
        roster::rename(tx, table, id, wanted).await?;
        counts.updated += 1;
    }
    Ok(())
}
