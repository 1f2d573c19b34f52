//! The people of a branch comparison and what links them to its rows: which subjects each section has, student
//! memberships, teaching assignments, and who may be left without any.

use std::collections::{HashMap, HashSet};

use classbridge_domain::mirror::MirrorBranch;
use classbridge_domain::{MembershipSource, SectionId, UserId};
use classbridge_store::roster::{MembershipRow, SectionSubjectRow, TeachingRow};

use super::{
    difference::{SectionKey, SectionsCompared, SubjectsCompared},
    LinkChanges, NewPerson, NewSectionSubject, NewStudentMembership, NewTeachingAssignment,
    PeopleChanges, PersonRef, Rename, SectionRef, StoredRoster, StudentMembership, SubjectRef,
    TeachingAssignment,
};
use crate::mirror::counts::{MembershipCounts, PeopleCounts};

/// A student the payload puts in a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct WantedStudent<'a> {
    section: SectionRef,
    uuid: &'a str,
}

/// A teacher the payload assigns to a subject in a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct WantedTeaching<'a> {
    section: SectionRef,
    subject: SubjectRef,
    uuid: &'a str,
}

/// What the payload wants of each section (its subjects, students and teachers), between the rows that stay or are
/// created, each once and in payload order; and each person's name by uuid.
pub(super) struct Wanted<'a> {
    section_subjects: Vec<NewSectionSubject>,
    students: Vec<WantedStudent<'a>>,
    student_set: HashSet<WantedStudent<'a>>,
    teaching: Vec<WantedTeaching<'a>>,
    people: HashMap<&'a str, &'a str>,
}

impl<'a> Wanted<'a> {
    pub fn of(
        branch: &'a MirrorBranch,
        sections: &HashMap<SectionKey, SectionRef>,
        subjects: &HashMap<i64, SubjectRef>,
    ) -> Self {
        let mut wanted = Self {
            section_subjects: Vec::new(),
            students: Vec::new(),
            student_set: HashSet::new(),
            teaching: Vec::new(),
            people: HashMap::new(),
        };
        let mut section_subject_set = HashSet::new();
        let mut teaching_set = HashSet::new();
        for class in &branch.classes {
            for section in &class.sections {
                let section_ref = sections[&SectionKey::of(class.id, &section.name)];
                for subject in &section.subjects {
                    let pair = NewSectionSubject {
                        section: section_ref,
                        subject: subjects[&subject.id],
                    };
                    if section_subject_set.insert(pair) {
                        wanted.section_subjects.push(pair);
                    }
                    for teacher in &subject.teachers {
                        wanted.people.insert(&teacher.uuid, &teacher.name);
                        let teaching = WantedTeaching {
                            section: section_ref,
                            subject: pair.subject,
                            uuid: &teacher.uuid,
                        };
                        if teaching_set.insert(teaching) {
                            wanted.teaching.push(teaching);
                        }
                    }
                }
                for student in &section.students {
                    wanted.people.insert(&student.uuid, &student.name);
                    let membership = WantedStudent {
                        section: section_ref,
                        uuid: &student.uuid,
                    };
                    if wanted.student_set.insert(membership) {
                        wanted.students.push(membership);
                    }
                }
            }
        }
        wanted
    }
}

/// The stored links the payload speaks for: all of the branch's, or (when unnamed sections are kept) those of the
/// sections it names.
pub(super) struct Compared<'s> {
    pub memberships: Vec<&'s MembershipRow>,
    teaching: Vec<&'s TeachingRow>,
    section_subjects: HashSet<SectionSubjectRow>,
}

impl<'s> Compared<'s> {
    pub fn of(stored: &'s StoredRoster, sections: &SectionsCompared, keep_unnamed: bool) -> Self {
        let speaks_for =
            |section_id: SectionId| !keep_unnamed || sections.named.contains(&section_id);
        Self {
            memberships: stored
                .memberships
                .iter()
                .filter(|m| speaks_for(m.section_id))
                .collect(),
            teaching: stored
                .teaching
                .iter()
                .filter(|t| speaks_for(t.section_id))
                .collect(),
            section_subjects: stored
                .section_subjects
                .iter()
                .filter(|pair| speaks_for(pair.section_id))
                .copied()
                .collect(),
        }
    }
}

/// Every compared student membership the payload no longer names: mirror-made ones, and hand-made ones whose section
/// goes (hand-made ones in a section that stays are kept).
pub(super) fn removed_students(
    compared: &Compared,
    wanted: &Wanted,
    sections: &SectionsCompared,
) -> Vec<StudentMembership> {
    compared
        .memberships
        .iter()
        .filter(|m| {
            let named = m.uuid.as_deref().is_some_and(|uuid| {
                wanted.student_set.contains(&WantedStudent {
                    section: SectionRef::Stored(m.section_id),
                    uuid,
                })
            });
            !named
                && (m.source == MembershipSource::Mirror || !sections.live.contains(&m.section_id))
        })
        .map(|m| StudentMembership {
            section_id: m.section_id,
            user_id: m.user_id,
        })
        .collect()
}

/// Which subjects each section has: pairs of a section and a subject that both stay but are no longer named go;
/// pairs of removed ones go with them.
pub(super) fn plan_section_subjects(
    stored: &StoredRoster,
    compared: &Compared,
    wanted: &Wanted,
    sections: &SectionsCompared,
    subjects: &SubjectsCompared,
) -> LinkChanges<SectionSubjectRow, NewSectionSubject> {
    let stored_pair = |pair: &NewSectionSubject| match (pair.section, pair.subject) {
        (SectionRef::Stored(section_id), SubjectRef::Stored(subject_id)) => {
            Some(SectionSubjectRow {
                section_id,
                subject_id,
            })
        }
        _ => None,
    };
    let wanted_stored: HashSet<SectionSubjectRow> = wanted
        .section_subjects
        .iter()
        .filter_map(stored_pair)
        .collect();
    LinkChanges {
        removals: stored
            .section_subjects
            .iter()
            .filter(|pair| compared.section_subjects.contains(pair))
            .filter(|pair| {
                sections.live.contains(&pair.section_id) && subjects.live.contains(&pair.subject_id)
            })
            .filter(|pair| !wanted_stored.contains(pair))
            .copied()
            .collect(),
        additions: wanted
            .section_subjects
            .iter()
            .filter(|pair| {
                stored_pair(pair).is_none_or(|stored| !compared.section_subjects.contains(&stored))
            })
            .copied()
            .collect(),
    }
}

/// People compared by uuid.
pub(super) struct PeopleCompared<'a> {
    pub changes: PeopleChanges<'a>,
    refs: HashMap<&'a str, PersonRef>,
    /// Stored people the payload names.
    found: HashSet<UserId>,
}

/// People, by uuid: a stored one is renamed to the payload's name, and reactivated if inactive; one not stored is
/// created (by ascending uuid).
pub(super) fn plan_people<'a>(
    stored: &StoredRoster,
    wanted: &Wanted<'a>,
    counts: &mut PeopleCounts,
) -> PeopleCompared<'a> {
    let mut compared = PeopleCompared {
        changes: PeopleChanges::default(),
        refs: HashMap::with_capacity(wanted.people.len()),
        found: HashSet::new(),
    };
    for person in &stored.people {
        let Some((uuid, name)) = person
            .uuid
            .as_deref()
            .and_then(|uuid| wanted.people.get_key_value(uuid))
        else {
            continue;
        };
        if person.name != *name {
            compared.changes.renames.push(Rename {
                id: person.id,
                name,
            });
        } else if person.active {
            counts.unchanged += 1;
        }
        if !person.active {
            compared.changes.reactivations.push(person.id);
        }
        compared.refs.insert(uuid, PersonRef::Stored(person.id));
        compared.found.insert(person.id);
    }
    counts.updated += compared.changes.renames.len() as u64;
    counts.reactivated += compared.changes.reactivations.len() as u64;
    let mut creations: Vec<NewPerson> = wanted
        .people
        .iter()
        .filter(|(uuid, _)| !compared.refs.contains_key(**uuid))
        .map(|(uuid, name)| NewPerson { uuid, name })
        .collect();
    creations.sort_unstable_by_key(|person| person.uuid);
    for (place, person) in creations.iter().enumerate() {
        compared.refs.insert(person.uuid, PersonRef::New(place));
    }
    counts.created += creations.len() as u64;
    compared.changes.creations = creations;
    compared
}

/// Student memberships become what the payload says: `removed` (see [`removed_students`]) go, except those of
/// removed sections, which go with them; the payload's that are not stored are added.
pub(super) fn plan_students(
    compared: &Compared,
    wanted: &Wanted,
    people: &PeopleCompared,
    removed: Vec<StudentMembership>,
    sections: &SectionsCompared,
    counts: &mut MembershipCounts,
) -> LinkChanges<StudentMembership, NewStudentMembership> {
    let current: HashSet<StudentMembership> = compared
        .memberships
        .iter()
        .map(|m| StudentMembership {
            section_id: m.section_id,
            user_id: m.user_id,
        })
        .collect();
    let additions: Vec<NewStudentMembership> = wanted
        .students
        .iter()
        .map(|wanted| NewStudentMembership {
            section: wanted.section,
            person: people.refs[wanted.uuid],
        })
        .filter(|new| match (new.section, new.person) {
            (SectionRef::Stored(section_id), PersonRef::Stored(user_id)) => {
                !current.contains(&StudentMembership {
                    section_id,
                    user_id,
                })
            }
            _ => true,
        })
        .collect();
    counts.added += additions.len() as u64;
    counts.removed += removed.len() as u64;
    LinkChanges {
        removals: removed
            .into_iter()
            .filter(|m| sections.live.contains(&m.section_id))
            .collect(),
        additions,
    }
}

/// Teaching assignments: mirror-made ones the payload no longer names go (those of removed sections or subjects go
/// with them); hand-made ones stay while their section and subject do. The payload's that are not stored are added.
pub(super) fn plan_teaching(
    compared: &Compared,
    wanted: &Wanted,
    people: &PeopleCompared,
    sections: &SectionsCompared,
    subjects: &SubjectsCompared,
    counts: &mut MembershipCounts,
) -> LinkChanges<TeachingAssignment, NewTeachingAssignment> {
    let stored_assignment =
        |new: &NewTeachingAssignment| match (new.section, new.subject, new.person) {
            (
                SectionRef::Stored(section_id),
                SubjectRef::Stored(subject_id),
                PersonRef::Stored(user_id),
            ) => Some(TeachingAssignment {
                section_id,
                subject_id,
                user_id,
            }),
            _ => None,
        };
    let wanted_assignments: Vec<NewTeachingAssignment> = wanted
        .teaching
        .iter()
        .map(|wanted| NewTeachingAssignment {
            section: wanted.section,
            subject: wanted.subject,
            person: people.refs[wanted.uuid],
        })
        .collect();
    let wanted_stored: HashSet<TeachingAssignment> = wanted_assignments
        .iter()
        .filter_map(stored_assignment)
        .collect();
    let current: HashSet<TeachingAssignment> = compared
        .teaching
        .iter()
        .map(|t| TeachingAssignment {
            section_id: t.section_id,
            subject_id: t.subject_id,
            user_id: t.user_id,
        })
        .collect();
    let mut changes = LinkChanges::default();
    for row in &compared.teaching {
        let assignment = TeachingAssignment {
            section_id: row.section_id,
            subject_id: row.subject_id,
            user_id: row.user_id,
        };
        if wanted_stored.contains(&assignment) {
            continue;
        }
        let mirror_made = row.source == MembershipSource::Mirror;
        let live =
            sections.live.contains(&row.section_id) && subjects.live.contains(&row.subject_id);
        if mirror_made && live {
            changes.removals.push(assignment);
        }
        if mirror_made || !live {
            counts.removed += 1;
        }
    }
    changes.additions = wanted_assignments
        .into_iter()
        .filter(|new| stored_assignment(new).is_none_or(|stored| !current.contains(&stored)))
        .collect();
    counts.added += changes.additions.len() as u64;
    changes
}

/// Whoever had a compared membership or assignment here and is not in the payload (ascending ids): they may be left
/// with none anywhere.
pub(super) fn lost_people(compared: &Compared, people: &PeopleCompared) -> Vec<UserId> {
    let mut lost: Vec<UserId> = compared
        .memberships
        .iter()
        .map(|m| m.user_id)
        .chain(compared.teaching.iter().map(|t| t.user_id))
        .filter(|id| !people.found.contains(id))
        .collect::<HashSet<UserId>>()
        .into_iter()
        .collect();
    lost.sort_unstable();
    lost
}
