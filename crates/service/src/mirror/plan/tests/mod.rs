//! Unit tests of the mirror's plan, case by case and without a database: payloads written out small, what an earlier
//! apply would have stored made from a payload, and plans read back as sorted lines of what they would write.

mod changes;
mod removals;
mod shortcuts;

use std::collections::BTreeMap;

use classbridge_domain::{
    mirror::{MirrorBranch, MirrorClass, MirrorPerson, MirrorSection, MirrorSubject},
    BranchId, ClassId, MembershipSource, SectionId, SubjectId, UserId,
};
use classbridge_store::roster::{
    MembershipRow, NamedRow, PersonRow, SectionRow, SectionSubjectRow, TeachingRow,
};

use super::{
    section_name_key, ApplyScope, BranchWrite, ClassRef, DifferencePlan, NeedsForce, PersonRef,
    PlanOptions, RemovalGuard, SectionRef, StoredRoster, SubjectRef,
};

pub fn person(uuid: &str, name: &str) -> MirrorPerson {
    MirrorPerson {
        uuid: uuid.into(),
        name: name.into(),
    }
}

/// People named by uuid, each called by their uuid in capitals (`s1` is "S1").
pub fn people(uuids: &[&str]) -> Vec<MirrorPerson> {
    uuids
        .iter()
        .map(|uuid| person(uuid, &uuid.to_uppercase()))
        .collect()
}

pub fn subject(id: i64, name: &str, teachers: &[&str]) -> MirrorSubject {
    MirrorSubject {
        id,
        name: name.into(),
        teachers: people(teachers),
    }
}

pub fn section(name: &str, subjects: Vec<MirrorSubject>, students: &[&str]) -> MirrorSection {
    MirrorSection {
        name: name.into(),
        subjects,
        students: people(students),
    }
}

pub fn class(id: i64, name: &str, sections: Vec<MirrorSection>) -> MirrorClass {
    MirrorClass {
        id,
        name: name.into(),
        sections,
    }
}

pub fn branch(classes: Vec<MirrorClass>) -> MirrorBranch {
    MirrorBranch {
        id: 7,
        name: "North".into(),
        classes,
    }
}

/// North school: Grade 5 (class 10) with sections A (Math by t1; s1, s2, s3) and B (Math by t2, Art by t3; s4, s5).
pub fn north() -> MirrorBranch {
    branch(vec![class(
        10,
        "Grade 5",
        vec![
            section("A", vec![subject(1, "Math", &["t1"])], &["s1", "s2", "s3"]),
            section(
                "B",
                vec![subject(1, "Math", &["t2"]), subject(2, "Art", &["t3"])],
                &["s4", "s5"],
            ),
        ],
    )])
}

/// What applying `payload` to an empty tenant would have stored, with made-up ids: the branch 1, classes from 100,
/// sections from 200, subjects from 300 (by partner id) and people from 1000 (by uuid); every membership mirror-made.
pub fn stored_as_applied(payload: &MirrorBranch) -> StoredRoster {
    let mut stored = StoredRoster {
        branch: Some(NamedRow {
            id: BranchId::new(1),
            partner_id: payload.id,
            name: payload.name.clone(),
        }),
        ..StoredRoster::default()
    };
    let mut subjects = BTreeMap::new();
    let mut uuids = BTreeMap::new();
    for section in payload.classes.iter().flat_map(|class| &class.sections) {
        for subject in &section.subjects {
            subjects.entry(subject.id).or_insert(subject.name.clone());
            for teacher in &subject.teachers {
                uuids.insert(teacher.uuid.clone(), teacher.name.clone());
            }
        }
        for student in &section.students {
            uuids.insert(student.uuid.clone(), student.name.clone());
        }
    }
    for (place, (partner_id, name)) in subjects.into_iter().enumerate() {
        stored.subjects.push(NamedRow {
            id: SubjectId::new(300 + place as i64),
            partner_id,
            name,
        });
    }
    for (place, (uuid, name)) in uuids.into_iter().enumerate() {
        stored.people.push(PersonRow {
            id: UserId::new(1000 + place as i64),
            uuid: Some(uuid),
            name,
            active: true,
        });
    }
    for (class_place, class) in payload.classes.iter().enumerate() {
        let class_id = ClassId::new(100 + class_place as i64);
        stored.classes.push(NamedRow {
            id: class_id,
            partner_id: class.id,
            name: class.name.clone(),
        });
        for section in &class.sections {
            let section_id = SectionId::new(200 + stored.sections.len() as i64);
            stored.sections.push(SectionRow {
                id: section_id,
                class_id,
                name: section.name.clone(),
                name_key: section_name_key(&section.name),
            });
            for subject in &section.subjects {
                let subject_id = subject_id(&stored, subject.id);
                stored.section_subjects.push(SectionSubjectRow {
                    section_id,
                    subject_id,
                });
                for teacher in &subject.teachers {
                    stored.teaching.push(TeachingRow {
                        section_id,
                        subject_id,
                        user_id: person_id(&stored, &teacher.uuid),
                        uuid: Some(teacher.uuid.clone()),
                        source: MembershipSource::Mirror,
                    });
                }
            }
            for student in &section.students {
                stored.memberships.push(MembershipRow {
                    section_id,
                    user_id: person_id(&stored, &student.uuid),
                    uuid: Some(student.uuid.clone()),
                    source: MembershipSource::Mirror,
                });
            }
        }
    }
    stored
}

/// A stored person with no membership in the branch (known from elsewhere in the tenant).
pub fn add_person(stored: &mut StoredRoster, id: UserId, uuid: &str, name: &str, active: bool) {
    stored.people.push(PersonRow {
        id,
        uuid: Some(uuid.into()),
        name: name.into(),
        active,
    });
}

/// Adds a hand-made student membership of the person `uuid` to the stored section `class_name/section_name`.
pub fn add_manual_student(
    stored: &mut StoredRoster,
    class_name: &str,
    section_name: &str,
    uuid: &str,
) {
    let section_id = section_id(stored, class_name, section_name);
    stored.memberships.push(MembershipRow {
        section_id,
        user_id: person_id(stored, uuid),
        uuid: Some(uuid.into()),
        source: MembershipSource::Manual,
    });
}

pub fn subject_id(stored: &StoredRoster, partner_id: i64) -> SubjectId {
    stored
        .subjects
        .iter()
        .find(|subject| subject.partner_id == partner_id)
        .map(|subject| subject.id)
        .expect("a stored subject")
}

pub fn person_id(stored: &StoredRoster, uuid: &str) -> UserId {
    stored
        .people
        .iter()
        .find(|person| person.uuid.as_deref() == Some(uuid))
        .map(|person| person.id)
        .expect("a stored person")
}

pub fn section_id(stored: &StoredRoster, class_name: &str, section_name: &str) -> SectionId {
    let class_id = stored
        .classes
        .iter()
        .find(|class| class.name == class_name)
        .map(|class| class.id)
        .expect("a stored class");
    stored
        .sections
        .iter()
        .find(|section| section.class_id == class_id && section.name == section_name)
        .map(|section| section.id)
        .expect("a stored section")
}

pub fn whole_branch() -> PlanOptions {
    PlanOptions {
        scope: ApplyScope::WholeBranch,
        guard: RemovalGuard {
            force: false,
            max_removal_ratio: 0.2,
        },
    }
}

pub fn forced() -> PlanOptions {
    let mut options = whole_branch();
    options.guard.force = true;
    options
}

pub fn named_sections_only() -> PlanOptions {
    PlanOptions {
        scope: ApplyScope::NamedSectionsOnly,
        ..whole_branch()
    }
}

/// Plans `payload` against `stored` (and fails the test on a refusal).
pub fn plan<'a>(
    stored: &'a StoredRoster,
    payload: &'a MirrorBranch,
    options: PlanOptions,
) -> DifferencePlan<'a> {
    super::plan_difference(stored, payload, options, None)
        .unwrap_or_else(|refusal| panic!("refused: {refusal:?}"))
}

pub fn refusal(stored: &StoredRoster, payload: &MirrorBranch, options: PlanOptions) -> NeedsForce {
    match super::plan_difference(stored, payload, options, None) {
        Ok(plan) => panic!("planned: {:?}", describe(&plan, stored)),
        Err(refusal) => refusal,
    }
}

/// Sorted lines of what `plan` writes, rows named as a reader would: stored ones by their stored names, new ones by
/// the payload's (`Grade 5/A` is section A of class Grade 5; people by uuid).
pub fn describe(plan: &DifferencePlan, stored: &StoredRoster) -> Vec<String> {
    let class_name = |class: ClassRef| match class {
        ClassRef::Stored(id) => stored_name(&stored.classes, id),
        ClassRef::New(place) => plan.classes.creations[place].name.to_owned(),
    };
    let stored_section = |id: SectionId| {
        let section = stored
            .sections
            .iter()
            .find(|s| s.id == id)
            .expect("a stored section");
        format!(
            "{}/{}",
            stored_name(&stored.classes, section.class_id),
            section.name
        )
    };
    let section_name = |section: SectionRef| match section {
        SectionRef::Stored(id) => stored_section(id),
        SectionRef::New(place) => {
            let new = &plan.sections.creations[place];
            format!("{}/{}", class_name(new.class), new.name)
        }
    };
    let subject_name = |subject: SubjectRef| match subject {
        SubjectRef::Stored(id) => stored_name(&stored.subjects, id),
        SubjectRef::New(place) => plan.subjects.creations[place].name.to_owned(),
    };
    let stored_person = |id: UserId| {
        stored
            .people
            .iter()
            .find(|person| person.id == id)
            .and_then(|person| person.uuid.clone())
            .unwrap_or_else(|| format!("user {id}"))
    };
    let person_name = |person: PersonRef| match person {
        PersonRef::Stored(id) => stored_person(id),
        PersonRef::New(place) => plan.people.creations[place].uuid.to_owned(),
    };
    let mut lines = Vec::new();
    match plan.branch {
        BranchWrite::Keep { .. } => {}
        BranchWrite::Rename(rename) => lines.push(format!("rename branch to {}", rename.name)),
        BranchWrite::Create { partner_id, name } => {
            lines.push(format!("create branch {partner_id} {name}"))
        }
    }
    for rename in &plan.classes.renames {
        lines.push(format!(
            "rename class {} to {}",
            stored_name(&stored.classes, rename.id),
            rename.name
        ));
    }
    for id in &plan.classes.removals {
        lines.push(format!(
            "remove class {}",
            stored_name(&stored.classes, *id)
        ));
    }
    for new in &plan.classes.creations {
        lines.push(format!("create class {} {}", new.partner_id, new.name));
    }
    for rename in &plan.sections.renames {
        lines.push(format!(
            "rename section {} to {}",
            stored_section(rename.id),
            rename.name
        ));
    }
    for id in &plan.sections.removals {
        lines.push(format!("remove section {}", stored_section(*id)));
    }
    for place in 0..plan.sections.creations.len() {
        lines.push(format!(
            "create section {}",
            section_name(SectionRef::New(place))
        ));
    }
    for rename in &plan.subjects.renames {
        lines.push(format!(
            "rename subject {} to {}",
            stored_name(&stored.subjects, rename.id),
            rename.name
        ));
    }
    for id in &plan.subjects.removals {
        lines.push(format!(
            "remove subject {}",
            stored_name(&stored.subjects, *id)
        ));
    }
    for new in &plan.subjects.creations {
        lines.push(format!("create subject {} {}", new.partner_id, new.name));
    }
    for pair in &plan.section_subjects.removals {
        lines.push(format!(
            "remove subject {} from {}",
            stored_name(&stored.subjects, pair.subject_id),
            stored_section(pair.section_id)
        ));
    }
    for pair in &plan.section_subjects.additions {
        lines.push(format!(
            "add subject {} to {}",
            subject_name(pair.subject),
            section_name(pair.section)
        ));
    }
    for rename in &plan.people.renames {
        lines.push(format!(
            "rename {} to {}",
            stored_person(rename.id),
            rename.name
        ));
    }
    for id in &plan.people.reactivations {
        lines.push(format!("reactivate {}", stored_person(*id)));
    }
    for new in &plan.people.creations {
        lines.push(format!("create person {} {}", new.uuid, new.name));
    }
    for m in &plan.students.removals {
        lines.push(format!(
            "remove student {} from {}",
            stored_person(m.user_id),
            stored_section(m.section_id)
        ));
    }
    for m in &plan.students.additions {
        lines.push(format!(
            "add student {} to {}",
            person_name(m.person),
            section_name(m.section)
        ));
    }
    for t in &plan.teaching.removals {
        lines.push(format!(
            "remove teacher {} of {} from {}",
            stored_person(t.user_id),
            stored_name(&stored.subjects, t.subject_id),
            stored_section(t.section_id)
        ));
    }
    for t in &plan.teaching.additions {
        lines.push(format!(
            "add teacher {} of {} to {}",
            person_name(t.person),
            subject_name(t.subject),
            section_name(t.section)
        ));
    }
    for id in &plan.deactivate_if_left_without_membership {
        lines.push(format!(
            "deactivate {} if left without membership",
            stored_person(*id)
        ));
    }
    lines.sort();
    lines
}

fn stored_name<Id: PartialEq + std::fmt::Display>(rows: &[NamedRow<Id>], id: Id) -> String {
    rows.iter()
        .find(|row| row.id == id)
        .map(|row| row.name.clone())
        .unwrap_or_else(|| format!("#{id}"))
}

/// `expected` sorted, to compare with [`describe`].
pub fn lines(expected: &[&str]) -> Vec<String> {
    let mut lines: Vec<String> = expected.iter().map(|line| (*line).to_owned()).collect();
    lines.sort();
    lines
}
