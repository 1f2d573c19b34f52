//! Tests of the mirror module: validation rules with their exact paths (here), the stream (`stream.rs`), and a
//! lazily generated payload (`generated.rs`).

mod generated;
mod stream;

use serde_json::{json, Value};

use super::*;
use crate::form::php_form_to_json;

fn p(uuid: &str, name: &str) -> Value {
    json!({"uuid": uuid, "name": name})
}

/// Two branches; subject 100 has another name in the second branch (allowed: subjects belong to a branch), `s1`
/// studies in both, `t1` teaches in two sections.
fn payload() -> Value {
    json!({"other": {"ignored": [1, "x", null]}, "force": true, "branches": [
        {"id": 10, "name": " North School ", "classes": [
            {"id": 1, "name": "Grade 1", "sections": [
                {"name": "A", "subjects": [{"id": 100, "name": "Math", "teachers": [p("t1", "Tariq")]}],
                 "students": [p("s1", "Sara"), p(" s2 ", "Omar")]},
                {"name": "B", "subjects": [{"id": 100, "name": "Math", "teachers": [p("t1", "Tariq")]},
                                           {"id": 101, "name": "Science", "teachers": []}],
                 "students": [p("s3", "Lina")]}]},
            {"id": 2, "name": "Grade 2", "sections": []}]},
        {"id": 11, "name": "South School", "classes": [
            {"id": 1, "name": "Grade 1", "sections": [
                {"name": "A", "subjects": [{"id": 100, "name": "Mathematics", "teachers": [p("t2", "Huda")]}],
                 "students": [p("s1", "Sara")]}]}]}]})
}

fn person(uuid: &str, name: &str) -> MirrorPerson {
    MirrorPerson {
        uuid: uuid.into(),
        name: name.into(),
    }
}

fn subject(id: i64, name: &str, teachers: Vec<MirrorPerson>) -> MirrorSubject {
    MirrorSubject {
        id,
        name: name.into(),
        teachers,
    }
}

fn section(name: &str, subjects: Vec<MirrorSubject>, students: Vec<MirrorPerson>) -> MirrorSection {
    MirrorSection {
        name: name.into(),
        subjects,
        students,
    }
}

fn class(id: i64, name: &str, sections: Vec<MirrorSection>) -> MirrorClass {
    MirrorClass {
        id,
        name: name.into(),
        sections,
    }
}

/// Each item's index and whether it came back typed, then the verdict.
type Run = (
    Vec<(Option<usize>, bool)>,
    Result<MirrorSummary, ValidationErrors>,
);

/// Streams `body` through a validator, keeping what each item gave.
fn run(body: &[u8], kind: MirrorKind, allow_student_teacher: bool) -> Run {
    let mut validator = MirrorValidator::new(kind, BodyFormat::Json, allow_student_teacher);
    let mut items = Vec::new();
    let top = stream_items(body, kind, |index, value| {
        let valid = match kind {
            MirrorKind::Branches => validator.branch(index.unwrap(), &value).is_some(),
            MirrorKind::Simple => validator.classroom(index, &value).is_some(),
        };
        items.push((index, valid));
        Ok::<(), Infallible>(())
    })
    .unwrap();
    (items, validator.finish(&top))
}

fn errors(body: &Value) -> ValidationErrors {
    errors_with(body, MirrorKind::Branches, false)
}

fn errors_with(body: &Value, kind: MirrorKind, allow_student_teacher: bool) -> ValidationErrors {
    let bytes = serde_json::to_vec(body).unwrap();
    run(&bytes, kind, allow_student_teacher).1.unwrap_err()
}

fn only(errors: &ValidationErrors, path: &str, message: &str) {
    assert_eq!(
        errors.messages(path),
        Some(&[message.to_owned()][..]),
        "{}",
        errors.to_json()
    );
    assert_eq!(errors.len(), 1, "{}", errors.to_json());
}

fn edit(body: &mut Value, pointer: &str, key: &str, value: Option<Value>) {
    let object = body.pointer_mut(pointer).unwrap().as_object_mut().unwrap();
    match value {
        Some(value) => object.insert(key.to_owned(), value),
        None => object.remove(key),
    };
}

fn edited(pointer: &str, key: &str, value: Value) -> Value {
    let mut body = payload();
    edit(&mut body, pointer, key, Some(value));
    body
}

const SECTION: &str = "/branches/0/classes/0/sections/0";

#[test]
fn a_valid_payload_streams_and_yields_typed_branches_equal_to_the_input() {
    let bytes = serde_json::to_vec(&payload()).unwrap();
    let mut validator = MirrorValidator::new(MirrorKind::Branches, BodyFormat::Json, false);
    let mut branches = Vec::new();
    let top = stream_items(bytes.as_slice(), MirrorKind::Branches, |index, value| {
        branches.push(validator.branch(index.unwrap(), &value).unwrap());
        Ok::<(), Infallible>(())
    })
    .unwrap();
    let math = |name: &str, who: MirrorPerson| subject(100, name, vec![who]);
    let north = MirrorBranch {
        id: 10,
        name: "North School".into(),
        classes: vec![
            class(
                1,
                "Grade 1",
                vec![
                    section(
                        "A",
                        vec![math("Math", person("t1", "Tariq"))],
                        vec![person("s1", "Sara"), person("s2", "Omar")],
                    ),
                    section(
                        "B",
                        vec![
                            math("Math", person("t1", "Tariq")),
                            subject(101, "Science", vec![]),
                        ],
                        vec![person("s3", "Lina")],
                    ),
                ],
            ),
            class(2, "Grade 2", vec![]),
        ],
    };
    let south = MirrorBranch {
        id: 11,
        name: "South School".into(),
        classes: vec![class(
            1,
            "Grade 1",
            vec![section(
                "A",
                vec![math("Mathematics", person("t2", "Huda"))],
                vec![person("s1", "Sara")],
            )],
        )],
    };
    assert_eq!(branches, [north, south]);
    let summary = validator.finish(&top).unwrap();
    assert_eq!(
        summary,
        MirrorSummary {
            items: 2,
            people: 5,
            student_memberships: 4,
            teaching_assignments: 3,
            force: true,
        }
    );
    let again = validate_mirror(
        bytes.as_slice(),
        MirrorKind::Branches,
        BodyFormat::Json,
        false,
    );
    assert_eq!(again.unwrap(), summary);
}

#[test]
fn each_missing_required_field_is_reported_at_its_exact_path() {
    let cases = [
        ("/branches/0", "id"),
        ("/branches/0", "name"),
        ("/branches/1", "classes"),
        ("/branches/0/classes/1", "id"),
        ("/branches/0/classes/0", "name"),
        ("/branches/0/classes/1", "sections"),
        (SECTION, "name"),
        (SECTION, "subjects"),
        (SECTION, "students"),
        ("/branches/0/classes/0/sections/1/subjects/1", "id"),
        ("/branches/0/classes/0/sections/1/subjects/1", "name"),
        ("/branches/0/classes/0/sections/1/subjects/1", "teachers"),
        (
            "/branches/0/classes/0/sections/0/subjects/0/teachers/0",
            "uuid",
        ),
        (
            "/branches/0/classes/0/sections/0/subjects/0/teachers/0",
            "name",
        ),
        ("/branches/1/classes/0/sections/0/students/0", "uuid"),
        ("/branches/0/classes/0/sections/0/students/1", "name"),
    ];
    for (pointer, key) in cases {
        let mut body = payload();
        edit(&mut body, pointer, key, None);
        let path = format!("{}.{key}", pointer[1..].replace('/', "."));
        only(
            &errors(&body),
            &path,
            &format!("The {path} field is required."),
        );
        edit(&mut body, pointer, key, Some(Value::Null));
        only(
            &errors(&body),
            &path,
            &format!("The {path} field is required."),
        );
    }
}

#[test]
fn wrong_types_are_reported_at_their_paths() {
    let errors_of = |pointer: &str, key: &str, value: Value| errors(&edited(pointer, key, value));
    only(
        &errors_of("/branches/0", "id", json!("ten")),
        "branches.0.id",
        "The branches.0.id must be an integer.",
    );
    only(
        &errors_of("/branches/0", "id", json!(1.5)),
        "branches.0.id",
        "The branches.0.id must be an integer.",
    );
    let path = "branches.0.classes";
    only(
        &errors_of("/branches/0", "classes", json!({"id": 1})),
        path,
        &format!("The {path} must be an array."),
    );
    let path = "branches.0.classes.0.sections.0.students";
    only(
        &errors_of(SECTION, "students", json!({})),
        path,
        &format!("The {path} must be an array."),
    );
    let path = "branches.0.classes.0.name";
    only(
        &errors_of("/branches/0/classes/0", "name", json!(["a"])),
        path,
        &format!("The {path} must be a string."),
    );
    let path = "branches.0.classes.0.sections.0.students.0.uuid";
    only(
        &errors_of(&format!("{SECTION}/students/0"), "uuid", json!(true)),
        path,
        &format!("The {path} must be a string."),
    );
    let mut body = payload();
    body["branches"][1] = json!("school");
    only(
        &errors(&body),
        "branches.1",
        "The branches.1 field must be an object.",
    );
}

#[test]
fn empty_and_over_long_names_are_refused() {
    let path = "branches.0.name";
    only(
        &errors(&edited("/branches/0", "name", json!("   "))),
        path,
        &format!("The {path} field must not be empty."),
    );
    let long = "x".repeat(256);
    let message = format!("The {path} may not be greater than 255 characters.");
    only(
        &errors(&edited("/branches/0", "name", json!(long))),
        path,
        &message,
    );
    let ok = "é".repeat(255);
    assert!(run(
        &serde_json::to_vec(&edited("/branches/0", "name", json!(ok))).unwrap(),
        MirrorKind::Branches,
        false
    )
    .1
    .is_ok());
}

#[test]
fn uuids_are_short_and_printable() {
    let pointer = format!("{SECTION}/students/0");
    let path = "branches.0.classes.0.sections.0.students.0.uuid";
    let long = "u".repeat(65);
    let message = format!("The {path} may not be greater than 64 characters.");
    only(
        &errors(&edited(&pointer, "uuid", json!(long))),
        path,
        &message,
    );
    for bad in ["a b", "a\u{7}b", "a\u{a0}b"] {
        let message = format!("The {path} must not contain spaces or control characters.");
        only(
            &errors(&edited(&pointer, "uuid", json!(bad))),
            path,
            &message,
        );
    }
    only(
        &errors(&edited(&pointer, "uuid", json!(" "))),
        path,
        &format!("The {path} field must not be empty."),
    );
}

#[test]
fn duplicate_sibling_ids_and_section_names_name_the_first() {
    let mut body = payload();
    body["branches"][1]["id"] = json!(10);
    only(
        &errors(&body),
        "branches.1.id",
        "The branches.1.id has already been used by branches.0.",
    );
    let mut body = payload();
    body["branches"][0]["classes"][1]["id"] = json!(1);
    let message = "The branches.0.classes.1.id has already been used by branches.0.classes.0.";
    only(&errors(&body), "branches.0.classes.1.id", message);
    let mut body = payload();
    body["branches"][0]["classes"][0]["sections"][1]["name"] = json!(" a ");
    let path = "branches.0.classes.0.sections.1.name";
    only(
        &errors(&body),
        path,
        &format!("The {path} has already been used by branches.0.classes.0.sections.0."),
    );
    let mut body = payload();
    body["branches"][0]["classes"][0]["sections"][1]["subjects"][1]["id"] = json!(100);
    let path = "branches.0.classes.0.sections.1.subjects.1.id";
    let message =
        format!("The {path} has already been used by branches.0.classes.0.sections.1.subjects.0.");
    only(&errors(&body), path, &message);
}

#[test]
fn a_uuid_twice_in_one_list_is_a_duplicate() {
    let mut body = payload();
    body["branches"][0]["classes"][0]["sections"][0]["students"][1] = p("s1", "Sara");
    let path = "branches.0.classes.0.sections.0.students.1.uuid";
    only(
        &errors(&body),
        path,
        &format!("The {path} has already been used by branches.0.classes.0.sections.0.students.0."),
    );
    let mut body = payload();
    let teachers = &mut body["branches"][0]["classes"][0]["sections"][1]["subjects"][0]["teachers"];
    teachers.as_array_mut().unwrap().push(p("t1", "Tariq"));
    let path = "branches.0.classes.0.sections.1.subjects.0.teachers.1.uuid";
    let message = format!("The {path} has already been used by branches.0.classes.0.sections.1.subjects.0.teachers.0.");
    only(&errors(&body), path, &message);
}

#[test]
fn one_uuid_with_two_names_across_branches_is_refused_at_the_later_name() {
    let mut body = payload();
    body["branches"][1]["classes"][0]["sections"][0]["students"][0]["name"] = json!("Sarah");
    let path = "branches.1.classes.0.sections.0.students.0.name";
    let message = format!(
        "The {path} does not match the name given for the same uuid at branches.0.classes.0.sections.0.students.0.name."
    );
    only(&errors(&body), path, &message);
}

#[test]
fn one_subject_id_with_two_names_in_a_branch_is_refused_at_the_later_name() {
    let mut body = payload();
    body["branches"][0]["classes"][0]["sections"][1]["subjects"][0]["name"] = json!("Maths");
    let path = "branches.0.classes.0.sections.1.subjects.0.name";
    let message = format!(
        "The {path} does not match the name given for the same subject id at branches.0.classes.0.sections.0.subjects.0.name."
    );
    only(&errors(&body), path, &message);
}

#[test]
fn a_student_who_also_teaches_is_refused_unless_the_tenant_allows_it() {
    let mut body = payload();
    body["branches"][1]["classes"][0]["sections"][0]["subjects"][0]["teachers"][0] =
        p("s3", "Lina");
    let path = "branches.1.classes.0.sections.0.subjects.0.teachers.0.uuid";
    let message = format!(
        "The {path} is already a student at branches.0.classes.0.sections.1.students.0 and cannot also be a teacher."
    );
    only(&errors(&body), path, &message);
    let bytes = serde_json::to_vec(&body).unwrap();
    let summary = run(&bytes, MirrorKind::Branches, true).1.unwrap();
    assert_eq!((summary.people, summary.teaching_assignments), (4, 3));
}

#[test]
fn the_top_level_needs_a_non_empty_items_array_and_a_boolean_force() {
    let check = |body: Value, path: &str, message: &str| only(&errors(&body), path, message);
    check(
        json!({"force": true}),
        "branches",
        "The branches field is required.",
    );
    check(
        json!({"branches": null}),
        "branches",
        "The branches field is required.",
    );
    check(
        json!({"branches": []}),
        "branches",
        "The branches must have at least 1 item.",
    );
    check(
        json!({"branches": {"0": {}}}),
        "branches",
        "The branches must be an array.",
    );
    check(
        json!({"branches": 3}),
        "branches",
        "The branches must be an array.",
    );
    check(
        edited("", "force", json!("yes")),
        "force",
        "The force field must be true or false.",
    );
    check(
        edited("", "force", json!([true])),
        "force",
        "The force field must be true or false.",
    );
    check(
        edited("", "force", json!("t".repeat(100))),
        "force",
        "The force field must be true or false.",
    );
    let bytes = serde_json::to_vec(&edited("", "force", json!(0))).unwrap();
    assert!(!run(&bytes, MirrorKind::Branches, false).1.unwrap().force);
}

#[test]
fn form_bodies_give_integers_as_text_and_validate_the_same() {
    let prefix = "branches[0][classes][0][sections][0]";
    let pairs = [
        ("branches[0][id]".to_owned(), "7"),
        ("branches[0][name]".into(), "North"),
        ("branches[0][classes][0][id]".into(), " 1 "),
        ("branches[0][classes][0][name]".into(), "G1"),
        (format!("{prefix}[name]"), "A"),
        (format!("{prefix}[subjects][0][id]"), "3"),
        (format!("{prefix}[subjects][0][name]"), "Math"),
        (format!("{prefix}[subjects][0][teachers][0][uuid]"), "t1"),
        (format!("{prefix}[subjects][0][teachers][0][name]"), "Tariq"),
        (format!("{prefix}[students]"), ""),
        ("force".into(), "1"),
    ];
    let body = php_form_to_json(pairs).unwrap();
    for format in [BodyFormat::Form, BodyFormat::Json] {
        let mut validator = MirrorValidator::new(MirrorKind::Branches, format, false);
        let mut branches = Vec::new();
        let top = stream_value(body.clone(), MirrorKind::Branches, |index, value| {
            branches.push(validator.branch(index.unwrap(), &value));
            Ok::<(), Infallible>(())
        })
        .unwrap();
        // Texts for integers and "1" for true are read alike in both formats (Laravel's leniency); only an empty
        // text for an empty list is the form's own.
        let result = validator.finish(&top);
        if format == BodyFormat::Json {
            let errors = result.unwrap_err();
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert_eq!(
                errors
                    .messages("branches.0.classes.0.sections.0.students")
                    .unwrap(),
                ["The branches.0.classes.0.sections.0.students must be an array."]
            );
            continue;
        }
        assert!(result.unwrap().force);
        let branch = branches[0].clone().unwrap();
        assert_eq!((branch.id, branch.classes[0].id), (7, 1));
        let section = &branch.classes[0].sections[0];
        assert_eq!(
            section.subjects[0],
            subject(3, "Math", vec![person("t1", "Tariq")])
        );
        assert!(section.students.is_empty());
    }
}

#[test]
fn a_simple_payload_is_one_classroom_or_an_array_of_them() {
    let room = |name: &str, students: Vec<Value>, teachers: Vec<Value>| json!({"name": name, "students": students, "teachers": teachers});
    let single =
        json!({"classrooms": room("Room 1", vec![p("s1", "Sara")], vec![p("t1", "Tariq")])});
    let bytes = serde_json::to_vec(&single).unwrap();
    let (items, summary) = run(&bytes, MirrorKind::Simple, false);
    assert_eq!(items, [(None, true)]);
    assert_eq!(
        summary.unwrap(),
        MirrorSummary {
            items: 1,
            people: 2,
            student_memberships: 1,
            teaching_assignments: 1,
            force: false
        }
    );
    let mut nameless = single.clone();
    edit(&mut nameless, "/classrooms", "name", None);
    only(
        &errors_with(&nameless, MirrorKind::Simple, false),
        "classrooms.name",
        "The classrooms.name field is required.",
    );

    let rooms = json!({"classrooms": [
        room("Room 1", vec![p("s1", "Sara")], vec![]),
        room("room 1 ", vec![], vec![]),
        room("Room 2", vec![p("s2", "Omar")], vec![p("s1", "Sara")]),
    ]});
    let errors = errors_with(&rooms, MirrorKind::Simple, false);
    let message = "The classrooms.1.name has already been used by classrooms.0.";
    assert_eq!(errors.messages("classrooms.1.name").unwrap(), [message]);
    let message = "The classrooms.2.teachers.0.uuid is already a student at classrooms.0.students.0 and cannot also be a teacher.";
    assert_eq!(
        errors.messages("classrooms.2.teachers.0.uuid").unwrap(),
        [message]
    );
    assert_eq!(errors.len(), 2);
    let empty = json!({"classrooms": []});
    only(
        &errors_with(&empty, MirrorKind::Simple, false),
        "classrooms",
        "The classrooms must have at least 1 item.",
    );
}

#[test]
fn errors_stop_at_1000_and_the_stream_can_stop_there() {
    let body = json!({"branches": vec![json!({}); 1500]});
    let bytes = serde_json::to_vec(&body).unwrap();
    let mut validator = MirrorValidator::new(MirrorKind::Branches, BodyFormat::Json, false);
    let mut fed = 0;
    let result = stream_items(bytes.as_slice(), MirrorKind::Branches, |index, value| {
        fed += 1;
        validator.branch(index.unwrap(), &value);
        if validator.is_full() {
            Err(())
        } else {
            Ok(())
        }
    });
    assert!(matches!(result, Err(StreamError::Callback(()))));
    assert_eq!(fed, 334, "three errors per empty branch");
    match validate_mirror(
        bytes.as_slice(),
        MirrorKind::Branches,
        BodyFormat::Json,
        false,
    ) {
        Err(MirrorRejection::Invalid(errors)) => assert_eq!(errors.len(), 1000),
        other => panic!("{other:?}"),
    }
}
