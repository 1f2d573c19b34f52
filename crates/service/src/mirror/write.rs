//! Carrying out a branch plan in the caller's transaction: the writes the plan lists, in its order, learning the ids
//! of the rows it creates as they are inserted. The writer decides nothing about the branch; what it checks is what
//! only the database knows at write time: whether a person found when the plan was made still exists when joined to
//! a section (on PostgreSQL; see [`roster::hold_for_memberships`]), who is left with no membership anywhere, and
//! whether renamed people are also in other branches (their fingerprints then no longer hold).

use std::collections::{HashMap, HashSet};

use classbridge_domain::{ClassId, MembershipSource, SectionId, SubjectId, UserId};
use classbridge_store::{
    roster::{self, HierarchyId},
    RosterWrite, StoreResult, TenantTx,
};

use super::{
    counts::MirrorCounts,
    fingerprint::PayloadFingerprint,
    plan::{
        BranchPlan, BranchWrite, ClassRef, DifferencePlan, PersonRef, Rename, RenamePlan,
        SectionRef, SubjectRef,
    },
};

/// Writes `plan` for the write's tenant's branch `partner_id`, adding what it did to `counts`.
pub async fn write_plan(
    tx: &mut RosterWrite,
    partner_id: i64,
    plan: &BranchPlan<'_>,
    counts: &mut MirrorCounts,
) -> StoreResult<()> {
    match plan {
        BranchPlan::Unchanged { counts: unchanged } => {
            counts.add(unchanged);
            Ok(())
        }
        BranchPlan::Renames(renames) => {
            write_renames(tx, partner_id, renames).await?;
            counts.add(&renames.counts);
            Ok(())
        }
        BranchPlan::Difference(difference) => {
            write_difference(tx, partner_id, difference, counts).await
        }
    }
}

async fn write_renames(
    tx: &mut RosterWrite,
    partner_id: i64,
    plan: &RenamePlan<'_>,
) -> StoreResult<()> {
    roster::rename_people(tx, &rename_pairs(&plan.renames)).await?;
    let renamed: Vec<UserId> = plan.renames.iter().map(|rename| rename.id).collect();
    // Renaming people of this branch alone changes no other branch: the others' fingerprints still hold.
    let version = if roster::people_in_other_branches(tx, partner_id, &renamed).await? {
        tx.bump_version().await?
    } else {
        plan.version_read
    };
    remember_payload(tx, partner_id, plan.payload, version).await
}

/// The ids of the rows a plan creates, learnt as they are inserted, by their place in the plan's creations.
#[derive(Debug, Default)]
struct CreatedIds {
    classes: Vec<ClassId>,
    sections: Vec<SectionId>,
    subjects: Vec<SubjectId>,
    people: Vec<UserId>,
}

impl CreatedIds {
    fn class(&self, class: ClassRef) -> ClassId {
        match class {
            ClassRef::Stored(id) => id,
            ClassRef::New(place) => self.classes[place],
        }
    }

    fn section(&self, section: SectionRef) -> SectionId {
        match section {
            SectionRef::Stored(id) => id,
            SectionRef::New(place) => self.sections[place],
        }
    }

    fn subject(&self, subject: SubjectRef) -> SubjectId {
        match subject {
            SubjectRef::Stored(id) => id,
            SubjectRef::New(place) => self.subjects[place],
        }
    }

    fn person(&self, person: PersonRef) -> UserId {
        match person {
            PersonRef::Stored(id) => id,
            PersonRef::New(place) => self.people[place],
        }
    }
}

async fn write_difference(
    tx: &mut RosterWrite,
    partner_id: i64,
    plan: &DifferencePlan<'_>,
    counts: &mut MirrorCounts,
) -> StoreResult<()> {
    let mut created = CreatedIds::default();
    counts.add(&plan.counts);

    let branch_id = match plan.branch {
        BranchWrite::Keep { id } => id,
        BranchWrite::Rename(Rename { id, name }) => {
            roster::rename(tx, id, name).await?;
            id
        }
        BranchWrite::Create { partner_id, name } => {
            roster::insert_branch(tx, partner_id, name).await?
        }
    };

    // Classes, then sections, then subjects: rename, remove, create.
    rename_rows(tx, &plan.classes.renames).await?;
    roster::delete_by_ids(tx, &plan.classes.removals).await?;
    let rows: Vec<(i64, &str)> = plan
        .classes
        .creations
        .iter()
        .map(|class| (class.partner_id, class.name))
        .collect();
    let ids: HashMap<i64, ClassId> = roster::insert_named(tx, branch_id, &rows)
        .await?
        .into_iter()
        .map(|created| (created.partner_id, created.id))
        .collect();
    created.classes = plan
        .classes
        .creations
        .iter()
        .map(|class| ids[&class.partner_id])
        .collect();

    rename_rows(tx, &plan.sections.renames).await?;
    roster::delete_by_ids(tx, &plan.sections.removals).await?;
    let rows: Vec<(ClassId, &str, &str)> = plan
        .sections
        .creations
        .iter()
        .map(|section| {
            (
                created.class(section.class),
                section.name,
                section.name_key.as_str(),
            )
        })
        .collect();
    let ids: HashMap<(ClassId, String), SectionId> = roster::insert_sections(tx, branch_id, &rows)
        .await?
        .into_iter()
        .map(|created| ((created.class_id, created.name_key), created.id))
        .collect();
    created.sections = rows
        .iter()
        .map(|(class_id, _, name_key)| ids[&(*class_id, (*name_key).to_owned())])
        .collect();

    rename_rows(tx, &plan.subjects.renames).await?;
    roster::delete_by_ids(tx, &plan.subjects.removals).await?;
    let rows: Vec<(i64, &str)> = plan
        .subjects
        .creations
        .iter()
        .map(|subject| (subject.partner_id, subject.name))
        .collect();
    let ids: HashMap<i64, SubjectId> = roster::insert_named(tx, branch_id, &rows)
        .await?
        .into_iter()
        .map(|created| (created.partner_id, created.id))
        .collect();
    created.subjects = plan
        .subjects
        .creations
        .iter()
        .map(|subject| ids[&subject.partner_id])
        .collect();

    // Which subjects each section has.
    let stale: Vec<(SectionId, SubjectId)> = plan
        .section_subjects
        .removals
        .iter()
        .map(|pair| (pair.section_id, pair.subject_id))
        .collect();
    roster::delete_section_subjects(tx, &stale).await?;
    let added: Vec<(SectionId, SubjectId)> = plan
        .section_subjects
        .additions
        .iter()
        .map(|pair| (created.section(pair.section), created.subject(pair.subject)))
        .collect();
    roster::insert_section_subjects(tx, &added).await?;

    // People: rename, reactivate, create.
    roster::rename_people(tx, &rename_pairs(&plan.people.renames)).await?;
    roster::set_people_active(tx, &plan.people.reactivations, true).await?;
    let rows: Vec<(&str, &str)> = plan
        .people
        .creations
        .iter()
        .map(|person| (person.uuid, person.name))
        .collect();
    let ids: HashMap<String, UserId> = roster::insert_people(tx, &rows)
        .await?
        .into_iter()
        .map(|created| (created.uuid, created.id))
        .collect();
    created.people = plan
        .people
        .creations
        .iter()
        .map(|person| ids[person.uuid])
        .collect();

    // Student memberships.
    let stale: Vec<(SectionId, UserId)> = plan
        .students
        .removals
        .iter()
        .map(|m| (m.section_id, m.user_id))
        .collect();
    roster::delete_student_memberships(tx, branch_id, &stale).await?;
    // People found (not made) by the plan who join a section are held until this transaction ends, as a foreign key
    // would hold them; one deleted through the API since it was found is not joined. A cold mirror holds no one.
    let joining: Vec<UserId> = plan
        .students
        .additions
        .iter()
        .filter_map(|m| match m.person {
            PersonRef::Stored(id) => Some(id),
            PersonRef::New(_) => None,
        })
        .collect::<HashSet<UserId>>()
        .into_iter()
        .collect();
    let (held, _) = roster::hold_for_memberships(tx, &joining, &[]).await?;
    let added: Vec<(SectionId, UserId)> = plan
        .students
        .additions
        .iter()
        .filter(|m| match m.person {
            PersonRef::Stored(id) => held.contains(&id),
            PersonRef::New(_) => true,
        })
        .map(|m| (created.section(m.section), created.person(m.person)))
        .collect();
    roster::insert_student_memberships(tx, branch_id, &added, MembershipSource::Mirror).await?;
    counts.memberships.added -= (plan.students.additions.len() - added.len()) as u64;

    // Teaching assignments.
    let stale: Vec<(SectionId, SubjectId, UserId)> = plan
        .teaching
        .removals
        .iter()
        .map(|t| (t.section_id, t.subject_id, t.user_id))
        .collect();
    roster::delete_teaching(tx, branch_id, &stale).await?;
    let added: Vec<(SectionId, SubjectId, UserId)> = plan
        .teaching
        .additions
        .iter()
        .map(|t| {
            (
                created.section(t.section),
                created.subject(t.subject),
                created.person(t.person),
            )
        })
        .collect();
    roster::insert_teaching(tx, branch_id, &added, MembershipSource::Mirror).await?;

    // Whoever is left with no membership anywhere is deactivated.
    let lonely =
        roster::people_without_memberships(tx, &plan.deactivate_if_left_without_membership).await?;
    counts.users.deactivated += lonely.len() as u64;
    roster::set_people_active(tx, &lonely, false).await?;
    classbridge_store::sso::end_sessions_of(tx, &lonely).await?;

    // People shared with other branches changed: their fingerprints no longer hold.
    let reaches_beyond = plan.reaches_beyond_branch() || !lonely.is_empty();
    match plan.remember {
        Some(remember) => {
            let version = match remember.version_read {
                Some(version) if !reaches_beyond => version,
                _ if reaches_beyond => tx.bump_version().await?,
                _ => roster::roster_version(tx).await?,
            };
            remember_payload(tx, partner_id, remember.payload, version).await
        }
        None if reaches_beyond => tx.bump_version().await.map(|_| ()),
        None => Ok(()),
    }
}

async fn rename_rows<Id: HierarchyId>(
    tx: &mut TenantTx,
    renames: &[Rename<'_, Id>],
) -> StoreResult<()> {
    for rename in renames {
        roster::rename(tx, rename.id, rename.name).await?;
    }
    Ok(())
}

fn rename_pairs<'a>(renames: &[Rename<'a, UserId>]) -> Vec<(UserId, &'a str)> {
    renames
        .iter()
        .map(|rename| (rename.id, rename.name))
        .collect()
}

/// Records that branch `partner_id` is now what `payload` says, as of roster `version`.
async fn remember_payload(
    tx: &mut TenantTx,
    partner_id: i64,
    payload: &PayloadFingerprint,
    version: i64,
) -> StoreResult<()> {
    let fingerprint = format!("{}.{}", payload.structure, payload.full);
    roster::set_branch_fingerprint(
        tx,
        partner_id,
        &fingerprint,
        &payload.names_record(),
        version,
    )
    .await
}
