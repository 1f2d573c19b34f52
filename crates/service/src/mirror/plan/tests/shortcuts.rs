//! The fingerprint's verdicts and the names-only plan.

use classbridge_domain::UserId;
use classbridge_store::roster::{BranchFingerprint, PersonRow};

use super::{north, person_id, section, stored_as_applied, subject};
use crate::mirror::{
    fingerprint::PayloadFingerprint,
    plan::{
        judge_fingerprint, people_to_read, plan_renames, unchanged_counts, FingerprintVerdict,
        Rename,
    },
};

/// The fingerprint a branch keeps after `payload` was applied at roster version `applied_version`, read when the
/// tenant's roster version is `roster_version`.
fn kept(
    payload: &PayloadFingerprint,
    applied_version: i64,
    roster_version: i64,
) -> BranchFingerprint {
    BranchFingerprint {
        applied_sha256: Some(format!("{}.{}", payload.structure, payload.full)),
        applied_version: Some(applied_version),
        roster_version,
        applied_names: Some(payload.names_record()),
    }
}

/// North with s2 (at place 2: t1, s1, s2, …) called Sam.
fn north_with_sam() -> classbridge_domain::mirror::MirrorBranch {
    let mut payload = north();
    payload.classes[0].sections[0].students[1].name = "Sam".into();
    payload
}

#[test]
fn a_branch_without_a_remembered_payload_is_compared_whole() {
    let payload = PayloadFingerprint::of(&north());
    assert_eq!(
        judge_fingerprint(None, &payload),
        FingerprintVerdict::Everything { version_read: None }
    );
    let never_applied = BranchFingerprint {
        applied_sha256: None,
        applied_version: None,
        roster_version: 4,
        applied_names: None,
    };
    assert_eq!(
        judge_fingerprint(Some(&never_applied), &payload),
        FingerprintVerdict::Everything { version_read: None }
    );
}

#[test]
fn the_same_payload_with_nothing_written_since_is_unchanged_and_else_compared() {
    let payload = PayloadFingerprint::of(&north());
    assert_eq!(
        judge_fingerprint(Some(&kept(&payload, 4, 4)), &payload),
        FingerprintVerdict::Unchanged
    );
    // Something was written to the roster since (a rename by hand, another branch's deactivation…).
    assert_eq!(
        judge_fingerprint(Some(&kept(&payload, 3, 4)), &payload),
        FingerprintVerdict::Everything {
            version_read: Some(4)
        }
    );
    // Another structure.
    let mut moved = north();
    moved.classes[0].sections[0].name = "C".into();
    assert_eq!(
        judge_fingerprint(Some(&kept(&payload, 4, 4)), &PayloadFingerprint::of(&moved)),
        FingerprintVerdict::Everything {
            version_read: Some(4)
        }
    );
}

#[test]
fn only_names_changed_gives_the_places_whose_name_hash_changed() {
    let before = PayloadFingerprint::of(&north());
    let after = PayloadFingerprint::of(&north_with_sam());
    assert_eq!(
        judge_fingerprint(Some(&kept(&before, 4, 4)), &after),
        FingerprintVerdict::NamesOnly {
            version_read: 4,
            places: Some(vec![2])
        }
    );
    // Without name hashes (kept by an older version), or with another payload's: everyone's name is compared.
    let mut without = kept(&before, 4, 4);
    without.applied_names = None;
    assert_eq!(
        judge_fingerprint(Some(&without), &after),
        FingerprintVerdict::NamesOnly {
            version_read: 4,
            places: None
        }
    );
    let mut foreign = kept(&before, 4, 4);
    foreign.applied_names = Some(after.names_record());
    assert_eq!(
        judge_fingerprint(Some(&foreign), &after),
        FingerprintVerdict::NamesOnly {
            version_read: 4,
            places: None
        }
    );
}

#[test]
fn people_to_read_are_those_at_the_places_once_each() {
    let payload = north();
    assert_eq!(people_to_read(&payload, Some(&[1, 6])), ["s1", "s4"]);
    assert_eq!(
        people_to_read(&payload, None),
        ["t1", "s1", "s2", "s3", "t2", "t3", "s4", "s5"]
    );
    let mut twice = north();
    twice.classes[0]
        .sections
        .push(section("C", vec![subject(1, "Math", &["t1"])], &[]));
    assert_eq!(people_to_read(&twice, Some(&[0, 8])), ["t1"]);
    assert_eq!(people_to_read(&twice, Some(&[])), Vec::<&str>::new());
}

#[test]
fn renamed_people_are_renamed_and_everyone_else_counted_unchanged() {
    let stored = stored_as_applied(&north());
    let payload = north_with_sam();
    let fingerprint = PayloadFingerprint::of(&payload);
    let asked = people_to_read(&payload, Some(&[2]));
    let found: Vec<PersonRow> = stored
        .people
        .iter()
        .filter(|person| person.uuid.as_deref() == Some("s2"))
        .cloned()
        .collect();
    let plan = plan_renames(&payload, &asked, &found, &fingerprint, 9).expect("a plan");
    assert_eq!(
        plan.renames,
        [Rename {
            id: person_id(&stored, "s2"),
            name: "Sam"
        }]
    );
    assert_eq!(plan.version_read, 9);
    assert_eq!(plan.payload, &fingerprint);
    let mut expected = unchanged_counts(&payload, false);
    expected.users.updated = 1;
    expected.users.unchanged = 7;
    assert_eq!(plan.counts, expected);

    // A name hash that changed back and forth (or collided): nothing to rename, all counted unchanged.
    let plan = plan_renames(&payload, &[], &[], &fingerprint, 9).expect("a plan");
    assert!(plan.renames.is_empty());
    assert_eq!(plan.counts, unchanged_counts(&payload, true));
}

#[test]
fn a_missing_inactive_or_unnamed_person_needs_the_whole_comparison() {
    let payload = north_with_sam();
    let fingerprint = PayloadFingerprint::of(&payload);
    let person = |uuid: &str, active: bool| PersonRow {
        id: UserId::new(1),
        uuid: Some(uuid.into()),
        name: "S2".into(),
        active,
    };
    let missing = plan_renames(&payload, &["s2"], &[], &fingerprint, 9);
    assert!(missing.is_none(), "deleted since the last apply");
    let inactive = plan_renames(&payload, &["s2"], &[person("s2", false)], &fingerprint, 9);
    assert!(inactive.is_none());
    let unnamed = plan_renames(&payload, &["s2"], &[person("s9", true)], &fingerprint, 9);
    assert!(unnamed.is_none());
}

#[test]
fn unchanged_counts_count_shared_subjects_and_people_once() {
    let mut payload = north();
    payload.classes[0].sections[1]
        .students
        .push(super::person("t1", "T1"));
    let counts = unchanged_counts(&payload, true);
    assert_eq!(counts.branches.unchanged, 1);
    assert_eq!(counts.classes.unchanged, 1);
    assert_eq!(counts.sections.unchanged, 2);
    assert_eq!(counts.subjects.unchanged, 2, "Math is in both sections");
    assert_eq!(counts.users.unchanged, 8, "t1 teaches and studies");
    assert_eq!(unchanged_counts(&payload, false).users.unchanged, 0);
}
