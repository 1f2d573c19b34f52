//! Plans near the deletion-safety ratio, of hand-made memberships the mirror keeps, of people reactivated or left
//! without memberships, and of the simple mirror that manages only the sections it names.

use classbridge_domain::{MembershipSource, UserId};
use classbridge_store::roster::{MembershipRow, TeachingRow};

use super::{
    add_manual_student, add_person, branch, class, describe, forced, lines, named_sections_only,
    north, person_id, plan, refusal, section, section_id, stored_as_applied, subject, subject_id,
    whole_branch,
};
use crate::mirror::plan::{NeedsForce, PlanOptions, RemovalGuard};

/// One section of ten students, `s01` to `s10`, taught Math by t1.
fn ten_students(students: &[&str]) -> classbridge_domain::mirror::MirrorBranch {
    branch(vec![class(
        10,
        "Grade 5",
        vec![section("A", vec![subject(1, "Math", &["t1"])], students)],
    )])
}

const TEN: [&str; 10] = [
    "s01", "s02", "s03", "s04", "s05", "s06", "s07", "s08", "s09", "s10",
];

#[test]
fn removals_up_to_the_ratio_are_allowed_and_one_more_needs_force() {
    let stored = stored_as_applied(&ten_students(&TEN));
    // Just under the ratio (1 of 10), and exactly at it (2 of 10: not more than 20 %).
    for kept in [&TEN[1..], &TEN[2..]] {
        let payload = ten_students(kept);
        let plan = plan(&stored, &payload, whole_branch());
        assert_eq!(plan.students.removals.len(), 10 - kept.len());
        assert_eq!(plan.counts.memberships.removed, (10 - kept.len()) as u64);
    }
    // Just over (3 of 10): refused, with its figures.
    let payload = ten_students(&TEN[3..]);
    assert_eq!(
        refusal(&stored, &payload, whole_branch()),
        NeedsForce {
            would_remove: 3,
            current: 10
        }
    );
    // With force, the same payload is planned.
    let plan = plan(&stored, &payload, forced());
    assert_eq!(
        describe(&plan, &stored),
        lines(&[
            "remove student s01 from Grade 5/A",
            "remove student s02 from Grade 5/A",
            "remove student s03 from Grade 5/A",
            "deactivate s01 if left without membership",
            "deactivate s02 if left without membership",
            "deactivate s03 if left without membership",
        ])
    );
}

#[test]
fn the_ratio_is_the_options_and_a_branch_without_memberships_has_none() {
    let stored = stored_as_applied(&ten_students(&TEN));
    let strict = PlanOptions {
        guard: RemovalGuard {
            force: false,
            max_removal_ratio: 0.0,
        },
        ..whole_branch()
    };
    assert_eq!(
        refusal(&stored, &ten_students(&TEN[1..]), strict),
        NeedsForce {
            would_remove: 1,
            current: 10
        }
    );
    let everyone = ten_students(&TEN);
    let plan = plan(&stored, &everyone, strict);
    assert!(
        plan.writes_nothing(),
        "removing nothing is within any ratio"
    );
    // No memberships yet: nothing to compare a removal with.
    let empty = stored_as_applied(&ten_students(&[]));
    let plan = super::plan(&empty, &everyone, strict);
    assert_eq!(plan.students.additions.len(), 10);
}

#[test]
fn hand_made_memberships_stay_in_sections_that_stay_and_count_in_the_ratio() {
    let mut stored = stored_as_applied(&ten_students(&TEN));
    add_person(&mut stored, UserId::new(60), "h1", "H1", true);
    add_person(&mut stored, UserId::new(61), "h2", "H2", true);
    add_manual_student(&mut stored, "Grade 5", "A", "h1");
    add_manual_student(&mut stored, "Grade 5", "A", "h2");
    // Two mirror-made ones of twelve go; the hand-made ones, which the payload does not name, stay.
    let payload = ten_students(&TEN[2..]);
    let plan = plan(&stored, &payload, whole_branch());
    assert_eq!(
        describe(&plan, &stored),
        lines(&[
            "remove student s01 from Grade 5/A",
            "remove student s02 from Grade 5/A",
            "deactivate h1 if left without membership",
            "deactivate h2 if left without membership",
            "deactivate s01 if left without membership",
            "deactivate s02 if left without membership",
        ])
    );
    assert_eq!(plan.counts.memberships.removed, 2);
    // Three of twelve is over the ratio.
    assert_eq!(
        refusal(&stored, &ten_students(&TEN[3..]), whole_branch()),
        NeedsForce {
            would_remove: 3,
            current: 12
        }
    );
}

#[test]
fn a_hand_made_membership_the_payload_names_is_left_as_it_is() {
    let mut stored = stored_as_applied(&ten_students(&TEN[..9]));
    add_person(&mut stored, UserId::new(60), "s10", "S10", true);
    add_manual_student(&mut stored, "Grade 5", "A", "s10");
    let payload = ten_students(&TEN);
    let plan = plan(&stored, &payload, whole_branch());
    assert!(plan.writes_nothing(), "{:?}", describe(&plan, &stored));
}

#[test]
fn hand_made_memberships_go_with_their_section_and_count_as_removed() {
    let mut stored = stored_as_applied(&north());
    add_person(&mut stored, UserId::new(60), "h1", "H1", true);
    add_manual_student(&mut stored, "Grade 5", "B", "h1");
    // A person made by hand without a uuid, teaching by hand in B, and in A too.
    stored.memberships.push(MembershipRow {
        section_id: section_id(&stored, "Grade 5", "B"),
        user_id: UserId::new(2000),
        uuid: None,
        source: MembershipSource::Manual,
    });
    for section_name in ["A", "B"] {
        stored.teaching.push(TeachingRow {
            section_id: section_id(&stored, "Grade 5", section_name),
            subject_id: subject_id(&stored, 1),
            user_id: person_id(&stored, "h1"),
            uuid: Some("h1".into()),
            source: MembershipSource::Manual,
        });
    }
    let mut payload = north();
    payload.classes[0].sections.pop();
    // B's two mirror-made and two hand-made memberships go with B: four of seven.
    assert_eq!(
        refusal(&stored, &payload, whole_branch()),
        NeedsForce {
            would_remove: 4,
            current: 7
        }
    );
    let plan = plan(&stored, &payload, forced());
    assert_eq!(
        describe(&plan, &stored),
        lines(&[
            "remove section Grade 5/B",
            "remove subject Art",
            "deactivate h1 if left without membership",
            "deactivate s4 if left without membership",
            "deactivate s5 if left without membership",
            "deactivate t2 if left without membership",
            "deactivate t3 if left without membership",
            "deactivate user 2000 if left without membership",
        ])
    );
    // Students 4, teachers: t2's and t3's mirror-made ones in B, h1's hand-made one in B (not the one in A).
    assert_eq!(plan.counts.memberships.removed, 4 + 3);
}

#[test]
fn hand_made_teaching_stays_and_mirror_made_teaching_goes() {
    let mut stored = stored_as_applied(&north());
    add_person(&mut stored, UserId::new(60), "h1", "H1", true);
    stored.teaching.push(TeachingRow {
        section_id: section_id(&stored, "Grade 5", "A"),
        subject_id: subject_id(&stored, 1),
        user_id: UserId::new(60),
        uuid: Some("h1".into()),
        source: MembershipSource::Manual,
    });
    let mut payload = north();
    payload.classes[0].sections[0].subjects[0].teachers.clear();
    let plan = plan(&stored, &payload, whole_branch());
    assert_eq!(
        describe(&plan, &stored),
        lines(&[
            "remove teacher t1 of Math from Grade 5/A",
            "deactivate h1 if left without membership",
            "deactivate t1 if left without membership",
        ])
    );
    assert_eq!(plan.counts.memberships.removed, 1, "only t1's");
}

#[test]
fn a_removed_person_named_again_is_reactivated() {
    let mut stored = stored_as_applied(&ten_students(&TEN[..9]));
    add_person(&mut stored, UserId::new(60), "s10", "S10", false);
    add_person(&mut stored, UserId::new(61), "s11", "Old name", false);
    let payload = ten_students(&[&TEN[..], &["s11"][..]].concat());
    let plan = plan(&stored, &payload, whole_branch());
    assert_eq!(
        describe(&plan, &stored),
        lines(&[
            "reactivate s10",
            "reactivate s11",
            "rename s11 to S11",
            "add student s10 to Grade 5/A",
            "add student s11 to Grade 5/A",
        ])
    );
    let users = plan.counts.users;
    assert_eq!(users.reactivated, 2);
    assert_eq!(users.updated, 1, "s11's name");
    assert_eq!(
        users.unchanged, 10,
        "t1 and s01 to s09: not s10, who was inactive"
    );
    assert!(plan.reaches_beyond_branch());
}

#[test]
fn the_simple_mirror_manages_only_the_sections_it_names() {
    let stored = stored_as_applied(&north());
    let payload = branch(vec![class(
        10,
        "Grade 5",
        vec![section(
            "B",
            vec![subject(1, "Math", &["t2"]), subject(2, "Art", &["t3"])],
            &["s4", "s5", "s6"],
        )],
    )]);
    let plan = plan(&stored, &payload, named_sections_only());
    // Section A is neither removed nor compared; its people are not lost.
    assert_eq!(
        describe(&plan, &stored),
        lines(&["create person s6 S6", "add student s6 to Grade 5/B"])
    );
    assert!(plan.remember.is_none());
    let counts = plan.counts;
    assert_eq!(counts.sections.unchanged, 2);
    assert_eq!(counts.classes.unchanged, 1);
    assert_eq!(counts.subjects.unchanged, 2);
    assert_eq!((counts.users.unchanged, counts.users.created), (4, 1));
}

#[test]
fn the_simple_mirror_keeps_classes_and_subjects_it_does_not_name() {
    let stored = stored_as_applied(&north());
    let payload = branch(vec![class(
        0,
        "Classrooms",
        vec![section(
            "Lab",
            vec![subject(0, "General", &["t1"])],
            &["s1"],
        )],
    )]);
    let plan = plan(&stored, &payload, named_sections_only());
    assert_eq!(
        describe(&plan, &stored),
        lines(&[
            "create class 0 Classrooms",
            "create section Classrooms/Lab",
            "create subject 0 General",
            "add subject General to Classrooms/Lab",
            "add student s1 to Classrooms/Lab",
            "add teacher t1 of General to Classrooms/Lab",
        ])
    );
    let counts = plan.counts;
    assert_eq!((counts.classes.unchanged, counts.classes.created), (1, 1));
    assert_eq!((counts.sections.unchanged, counts.sections.created), (2, 1));
    assert_eq!((counts.subjects.unchanged, counts.subjects.created), (2, 1));
    assert_eq!(counts.memberships.removed, 0);
}

#[test]
fn the_simple_mirror_weighs_removals_against_the_sections_it_names() {
    let stored = stored_as_applied(&north());
    let payload = branch(vec![class(
        10,
        "Grade 5",
        vec![section(
            "B",
            vec![subject(1, "Math", &["t2"]), subject(2, "Art", &["t3"])],
            &["s4"],
        )],
    )]);
    assert_eq!(
        refusal(&stored, &payload, named_sections_only()),
        NeedsForce {
            would_remove: 1,
            current: 2
        }
    );
    let forced_simple = PlanOptions {
        guard: RemovalGuard {
            force: true,
            max_removal_ratio: 0.2,
        },
        ..named_sections_only()
    };
    let plan = plan(&stored, &payload, forced_simple);
    assert_eq!(
        describe(&plan, &stored),
        lines(&[
            "remove student s5 from Grade 5/B",
            "deactivate s5 if left without membership",
        ])
    );
}
