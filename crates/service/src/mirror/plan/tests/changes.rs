//! Plans of a whole branch comparison: a new branch, an unchanged one, moves, renames, and what is added or removed.

use classbridge_domain::{BranchId, ClassId, SectionId, SubjectId, UserId};

use super::{
    add_person, branch, class, describe, forced, lines, north, person_id, plan, refusal, section,
    section_id, stored_as_applied, subject, whole_branch,
};
use crate::mirror::{
    counts::MirrorCounts,
    plan::{
        unchanged_counts, BranchWrite, ClassRef, NeedsForce, PersonRef, SectionRef, StoredRoster,
        SubjectRef,
    },
};

#[test]
fn a_new_branch_creates_everything_it_names() {
    let stored = StoredRoster::default();
    let payload = north();
    let plan = plan(&stored, &payload, whole_branch());
    assert_eq!(
        describe(&plan, &stored),
        lines(&[
            "create branch 7 North",
            "create class 10 Grade 5",
            "create section Grade 5/A",
            "create section Grade 5/B",
            "create subject 1 Math",
            "create subject 2 Art",
            "add subject Math to Grade 5/A",
            "add subject Math to Grade 5/B",
            "add subject Art to Grade 5/B",
            "create person s1 S1",
            "create person s2 S2",
            "create person s3 S3",
            "create person s4 S4",
            "create person s5 S5",
            "create person t1 T1",
            "create person t2 T2",
            "create person t3 T3",
            "add student s1 to Grade 5/A",
            "add student s2 to Grade 5/A",
            "add student s3 to Grade 5/A",
            "add student s4 to Grade 5/B",
            "add student s5 to Grade 5/B",
            "add teacher t1 of Math to Grade 5/A",
            "add teacher t2 of Math to Grade 5/B",
            "add teacher t3 of Art to Grade 5/B",
        ])
    );
    // New rows are pointed at by their place among the creations, which the writer inserts in this order.
    assert_eq!(plan.sections.creations[1].class, ClassRef::New(0));
    let uuids: Vec<&str> = plan.people.creations.iter().map(|p| p.uuid).collect();
    assert_eq!(uuids, ["s1", "s2", "s3", "s4", "s5", "t1", "t2", "t3"]);
    let subject_ids: Vec<i64> = plan
        .subjects
        .creations
        .iter()
        .map(|s| s.partner_id)
        .collect();
    assert_eq!(subject_ids, [1, 2], "ascending partner ids");
    assert_eq!(plan.students.additions[3].section, SectionRef::New(1));
    assert_eq!(plan.students.additions[3].person, PersonRef::New(3));
    assert_eq!(plan.teaching.additions[2].subject, SubjectRef::New(1));

    let mut expected = MirrorCounts::default();
    expected.branches.created = 1;
    expected.classes.created = 1;
    expected.sections.created = 2;
    expected.subjects.created = 2;
    expected.users.created = 8;
    expected.memberships.added = 8;
    assert_eq!(plan.counts, expected);
    assert!(!plan.reaches_beyond_branch());
}

#[test]
fn a_new_branch_finds_people_known_elsewhere_renames_and_reactivates_them() {
    let mut stored = StoredRoster::default();
    add_person(&mut stored, UserId::new(50), "s1", "S1", true);
    add_person(&mut stored, UserId::new(51), "s2", "Old name", true);
    add_person(&mut stored, UserId::new(52), "t1", "T1", false);
    // Someone the payload does not name is not touched.
    add_person(&mut stored, UserId::new(53), "s9", "S9", true);
    let payload = north();
    let plan = plan(&stored, &payload, whole_branch());
    let people: Vec<String> = describe(&plan, &stored)
        .into_iter()
        .filter(|line| !line.starts_with("create ") && !line.contains(" subject "))
        .collect();
    assert_eq!(
        people,
        lines(&[
            "rename s2 to S2",
            "reactivate t1",
            "add student s1 to Grade 5/A",
            "add student s2 to Grade 5/A",
            "add student s3 to Grade 5/A",
            "add student s4 to Grade 5/B",
            "add student s5 to Grade 5/B",
            "add teacher t1 of Math to Grade 5/A",
            "add teacher t2 of Math to Grade 5/B",
            "add teacher t3 of Art to Grade 5/B",
        ])
    );
    assert_eq!(
        plan.students.additions[0].person,
        PersonRef::Stored(UserId::new(50))
    );
    let created: Vec<&str> = plan.people.creations.iter().map(|p| p.uuid).collect();
    assert_eq!(created, ["s3", "s4", "s5", "t2", "t3"]);
    assert_eq!(plan.counts.users.unchanged, 1);
    assert_eq!(plan.counts.users.updated, 1);
    assert_eq!(plan.counts.users.reactivated, 1);
    assert_eq!(plan.counts.users.created, 5);
    assert!(
        plan.reaches_beyond_branch(),
        "s2 and t1 may be in other branches"
    );
}

#[test]
fn an_unchanged_payload_plans_no_write_and_counts_as_the_fingerprint_would() {
    let payload = north();
    let stored = stored_as_applied(&payload);
    let plan = plan(&stored, &payload, whole_branch());
    assert!(plan.writes_nothing(), "{:?}", describe(&plan, &stored));
    assert_eq!(
        plan.branch,
        BranchWrite::Keep {
            id: BranchId::new(1)
        }
    );
    assert_eq!(plan.counts, unchanged_counts(&payload, true));
    assert_eq!(plan.counts.users.unchanged, 8);
    assert_eq!(plan.counts.sections.unchanged, 2);
    assert!(!plan.reaches_beyond_branch());
}

#[test]
fn a_student_moved_between_sections_leaves_one_and_joins_the_other() {
    let stored = stored_as_applied(&north());
    let payload = branch(vec![class(
        10,
        "Grade 5",
        vec![
            section("A", vec![subject(1, "Math", &["t1"])], &["s1", "s2"]),
            section(
                "B",
                vec![subject(1, "Math", &["t2"]), subject(2, "Art", &["t3"])],
                &["s3", "s4", "s5"],
            ),
        ],
    )]);
    // One of five memberships removed: exactly the ratio, which is allowed.
    let plan = plan(&stored, &payload, whole_branch());
    assert_eq!(
        describe(&plan, &stored),
        lines(&[
            "remove student s3 from Grade 5/A",
            "add student s3 to Grade 5/B"
        ])
    );
    assert_eq!(plan.counts.memberships.added, 1);
    assert_eq!(plan.counts.memberships.removed, 1);
    assert_eq!(plan.counts.users.unchanged, 8);
    assert!(plan.deactivate_if_left_without_membership.is_empty());
}

#[test]
fn renames_of_branch_class_section_subject_and_people_rename_only() {
    let stored = stored_as_applied(&north());
    let mut payload = north();
    payload.name = "North School".into();
    let grade = &mut payload.classes[0];
    grade.name = "Fifth grade".into();
    grade.sections[0].name = "a".into();
    grade.sections[0].subjects[0].name = "Mathematics".into();
    grade.sections[1].subjects[0].name = "Mathematics".into();
    grade.sections[0].students[0].name = "Sara".into();
    let plan = plan(&stored, &payload, whole_branch());
    assert_eq!(
        describe(&plan, &stored),
        lines(&[
            "rename branch to North School",
            "rename class Grade 5 to Fifth grade",
            "rename section Grade 5/A to a",
            "rename subject Math to Mathematics",
            "rename s1 to Sara",
        ])
    );
    let counts = plan.counts;
    assert_eq!((counts.branches.updated, counts.classes.updated), (1, 1));
    assert_eq!((counts.sections.updated, counts.sections.unchanged), (1, 1));
    assert_eq!((counts.subjects.updated, counts.subjects.unchanged), (1, 1));
    assert_eq!((counts.users.updated, counts.users.unchanged), (1, 7));
    assert_eq!(counts.memberships, Default::default());
    assert!(plan.reaches_beyond_branch(), "a renamed person");
}

#[test]
fn a_subject_named_twice_takes_its_first_name() {
    let stored = stored_as_applied(&north());
    let mut payload = north();
    payload.classes[0].sections[1].subjects[0].name = "Maths".into();
    let plan = plan(&stored, &payload, whole_branch());
    assert!(plan.writes_nothing(), "{:?}", describe(&plan, &stored));
    payload.classes[0].sections[0].subjects[0].name = "Algebra".into();
    let plan = super::plan(&stored, &payload, whole_branch());
    assert_eq!(
        describe(&plan, &stored),
        lines(&["rename subject Math to Algebra"])
    );
}

#[test]
fn a_section_given_another_name_is_a_new_section() {
    let stored = stored_as_applied(&north());
    let mut payload = north();
    payload.classes[0].sections[0].name = "C".into();
    // Its three students leave with the section: more than the ratio allows.
    assert_eq!(
        refusal(&stored, &payload, whole_branch()),
        NeedsForce {
            would_remove: 3,
            current: 5
        }
    );
    let plan = plan(&stored, &payload, forced());
    assert_eq!(
        describe(&plan, &stored),
        lines(&[
            "remove section Grade 5/A",
            "create section Grade 5/C",
            "add subject Math to Grade 5/C",
            "add student s1 to Grade 5/C",
            "add student s2 to Grade 5/C",
            "add student s3 to Grade 5/C",
            "add teacher t1 of Math to Grade 5/C",
        ])
    );
    assert_eq!(
        plan.sections.creations[0].class,
        ClassRef::Stored(ClassId::new(100))
    );
    assert_eq!(plan.sections.creations[0].name_key, "c");
    // The old section's memberships go with it (no removal of their own), but count as removed.
    assert_eq!(plan.counts.memberships.removed, 4);
    assert_eq!(plan.counts.memberships.added, 4);
    assert_eq!(
        (plan.counts.sections.removed, plan.counts.sections.created),
        (1, 1)
    );
}

#[test]
fn new_sections_go_into_stored_and_new_classes() {
    let stored = stored_as_applied(&north());
    let mut payload = north();
    payload.classes[0]
        .sections
        .push(section("C", vec![subject(2, "Art", &["t3"])], &["s7"]));
    payload.classes.push(class(
        11,
        "Grade 6",
        vec![section("A", vec![subject(1, "Math", &["t1"])], &["s6"])],
    ));
    let plan = plan(&stored, &payload, whole_branch());
    assert_eq!(
        describe(&plan, &stored),
        lines(&[
            "create class 11 Grade 6",
            "create section Grade 5/C",
            "create section Grade 6/A",
            "add subject Art to Grade 5/C",
            "add subject Math to Grade 6/A",
            "create person s6 S6",
            "create person s7 S7",
            "add student s7 to Grade 5/C",
            "add student s6 to Grade 6/A",
            "add teacher t3 of Art to Grade 5/C",
            "add teacher t1 of Math to Grade 6/A",
        ])
    );
    assert_eq!(
        plan.sections.creations[0].class,
        ClassRef::Stored(ClassId::new(100))
    );
    assert_eq!(plan.sections.creations[1].class, ClassRef::New(0));
    assert_eq!(
        plan.teaching.additions[0].subject,
        SubjectRef::Stored(SubjectId::new(301)),
        "Art is stored"
    );
    assert_eq!(plan.counts.classes.created, 1);
    assert_eq!(plan.counts.classes.unchanged, 1);
    assert_eq!(plan.counts.sections.created, 2);
}

#[test]
fn a_subject_moves_between_sections_and_teachers_are_swapped() {
    let stored = stored_as_applied(&north());
    let payload = branch(vec![class(
        10,
        "Grade 5",
        vec![
            section(
                "A",
                vec![subject(1, "Math", &["t2"]), subject(2, "Art", &["t3"])],
                &["s1", "s2", "s3"],
            ),
            section("B", vec![subject(1, "Math", &["t2"])], &["s4", "s5"]),
        ],
    )]);
    let plan = plan(&stored, &payload, whole_branch());
    assert_eq!(
        describe(&plan, &stored),
        lines(&[
            "remove subject Art from Grade 5/B",
            "add subject Art to Grade 5/A",
            "remove teacher t1 of Math from Grade 5/A",
            "remove teacher t3 of Art from Grade 5/B",
            "add teacher t2 of Math to Grade 5/A",
            "add teacher t3 of Art to Grade 5/A",
            "deactivate t1 if left without membership",
        ])
    );
    assert_eq!(plan.counts.memberships.added, 2);
    assert_eq!(plan.counts.memberships.removed, 2);
    assert_eq!(plan.counts.subjects.unchanged, 2);
    assert_eq!(plan.counts.users.unchanged, 7);
}

#[test]
fn a_subject_no_longer_named_is_removed_with_its_teaching() {
    let stored = stored_as_applied(&north());
    let mut payload = north();
    payload.classes[0].sections[1].subjects.pop();
    let plan = plan(&stored, &payload, whole_branch());
    // The subject's pair with section B and t3's assignment go with the subject.
    assert_eq!(
        describe(&plan, &stored),
        lines(&[
            "remove subject Art",
            "deactivate t3 if left without membership"
        ])
    );
    assert_eq!(plan.counts.subjects.removed, 1);
    assert_eq!(plan.counts.memberships.removed, 1);
}

#[test]
fn a_class_no_longer_named_is_removed_with_its_sections_and_memberships() {
    let mut before = north();
    before.classes.push(class(
        11,
        "Grade 6",
        vec![section(
            "A",
            vec![subject(1, "Math", &["t1"])],
            &[
                "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15",
            ],
        )],
    ));
    let stored = stored_as_applied(&before);
    let payload = branch(vec![before.classes[1].clone()]);
    assert_eq!(
        refusal(&stored, &payload, whole_branch()),
        NeedsForce {
            would_remove: 5,
            current: 15
        }
    );
    let plan = plan(&stored, &payload, forced());
    assert_eq!(
        describe(&plan, &stored),
        lines(&[
            "remove class Grade 5",
            "remove subject Art",
            "deactivate s1 if left without membership",
            "deactivate s2 if left without membership",
            "deactivate s3 if left without membership",
            "deactivate s4 if left without membership",
            "deactivate s5 if left without membership",
            "deactivate t2 if left without membership",
            "deactivate t3 if left without membership",
        ])
    );
    let counts = plan.counts;
    assert_eq!((counts.classes.removed, counts.classes.unchanged), (1, 1));
    assert_eq!((counts.sections.removed, counts.sections.unchanged), (2, 1));
    assert_eq!((counts.subjects.removed, counts.subjects.unchanged), (1, 1));
    assert_eq!(counts.memberships.removed, 5 + 3, "students, then teachers");
    assert_eq!(counts.users.unchanged, 11, "t1 and s6 to s15");
    let lost = &plan.deactivate_if_left_without_membership;
    assert!(lost.windows(2).all(|pair| pair[0] < pair[1]), "ascending");
    assert!(!lost.contains(&person_id(&stored, "t1")));
}

#[test]
fn a_section_whose_class_is_not_in_the_branch_is_removed() {
    let mut stored = stored_as_applied(&north());
    stored.sections.push(classbridge_store::roster::SectionRow {
        id: SectionId::new(299),
        class_id: ClassId::new(999),
        name: "Lost".into(),
        name_key: "lost".into(),
    });
    let payload = north();
    let plan = plan(&stored, &payload, whole_branch());
    assert_eq!(
        describe(&plan, &stored),
        lines(&["remove section #999/Lost"])
    );
    assert_eq!(plan.counts.sections.removed, 1);
    assert_eq!(plan.counts.sections.unchanged, 2);
    assert_eq!(section_id(&stored, "Grade 5", "A"), SectionId::new(200));
}

#[test]
fn one_person_who_teaches_and_studies_is_created_once() {
    let stored = StoredRoster::default();
    let payload = branch(vec![class(
        10,
        "Grade 5",
        vec![
            section("A", vec![subject(1, "Math", &["x1"])], &["s1"]),
            section("B", vec![], &["x1"]),
        ],
    )]);
    let plan = plan(&stored, &payload, whole_branch());
    let created: Vec<&str> = plan.people.creations.iter().map(|p| p.uuid).collect();
    assert_eq!(created, ["s1", "x1"]);
    assert_eq!(plan.teaching.additions[0].person, PersonRef::New(1));
    assert_eq!(plan.students.additions[1].person, PersonRef::New(1));
    assert_eq!(plan.counts.users.created, 2);
}
