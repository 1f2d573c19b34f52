//! Pushes that frame the others: ClassIn's registration test, sent first when a receiving URL is set and blocking
//! the queue until acknowledged, the course changes (`eeoCourseInfoChange`) with the fields that changed, and labels
//! set on a course or lesson (`labelInfos`).

use std::time::Duration;

use serde_json::{json, Value};

use super::{
    push_receiver::{push_receiver, verify, Mode, Receiver},
    pushes::{classroom, spawn},
    readback::scheduled_course,
    school,
};
use crate::{both_databases, harness::Backend};

both_databases!(
    a_receiving_url_is_sent_the_registration_test_before_anything_else,
    v1_course_changes_are_pushed_with_the_fields_that_changed,
    labels_set_on_a_course_or_lesson_are_pushed,
);

/// Setting a receiving URL sends ClassIn's registration test (`datasub.md` §3) first: signed like every message, and
/// nothing else reaches the receiver until it has acknowledged the test.
async fn a_receiving_url_is_sent_the_registration_test_before_anything_else(backend: Backend) {
    let app = spawn(backend, true).await;
    let school = school(&app, "alpha").await;
    let receiver = Receiver::start(Mode::Acknowledge(usize::MAX)).await;
    receiver.acknowledge_registration_tests(false);
    let (teacher, _, _, course) = scheduled_course(&school).await;
    receiver.subscribe(&app, &school).await;
    let lesson = classroom(&school, course, teacher, "After the test", 7200).await;
    for _ in 0..100 {
        if receiver.registration_tests().0.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (tests, acknowledged) = receiver.registration_tests();
    assert!(
        tests.len() >= 2,
        "the refused test is sent again: {tests:?}"
    );
    assert_eq!(acknowledged, 0);
    assert!(
        receiver.attempts().is_empty(),
        "nothing else before the test is acknowledged: {:?}",
        receiver.attempts()
    );
    let test = &tests[0];
    assert_eq!(
        (&test["SID"], &test["Cmd"], &test["Msg"]),
        (&json!(school.sid), &json!("Test"), &json!("Register test.")),
        "{test}"
    );
    verify(test, &school.secret);

    receiver.acknowledge_registration_tests(true);
    let delivered = receiver
        .wait_for("the lesson after the test", |messages| {
            messages.iter().any(|m| m["ClassID"] == lesson)
        })
        .await;
    assert_eq!(delivered[0]["Cmd"], "eeoClassInfoChange", "{delivered:?}");
    assert_eq!(
        receiver.registration_tests().1,
        1,
        "acknowledged once, not sent again"
    );
}

/// `eeoCourseInfoChange`: a course added carries every field; an edit only `courseId` and what changed; ending the
/// course says it finished.
async fn v1_course_changes_are_pushed_with_the_fields_that_changed(backend: Backend) {
    let app = spawn(backend, true).await;
    let school = school(&app, "alpha").await;
    let teacher = school.register("13800000051", "Karim Haddad", 2).await;
    let receiver = push_receiver(&app, &school, Mode::Acknowledge(usize::MAX)).await;
    let course = school
        .ok(
            "addCourse",
            json!({"courseName": "Physics 5A", "mainTeacherUid": teacher}),
        )
        .await
        .as_i64()
        .unwrap();
    school
        .ok(
            "editCourse",
            json!({"courseId": course, "courseName": "Physics 5B"}),
        )
        .await;
    school.ok("endCourse", json!({"courseId": course})).await;
    let messages = receiver
        .wait_for("three course messages", |messages| {
            messages
                .iter()
                .filter(|m| m["Cmd"] == "eeoCourseInfoChange")
                .count()
                >= 3
        })
        .await;
    let course_messages: Vec<&Value> = messages
        .iter()
        .filter(|m| m["Cmd"] == "eeoCourseInfoChange")
        .collect();
    for message in &course_messages {
        verify(message, &school.secret);
        assert_eq!(message["CourseID"], course, "{message}");
        assert_eq!(message["opSource"], 6, "v1: {message}");
    }
    let added = course_messages[0];
    assert_eq!(added["opType"], 1, "{added}");
    assert_eq!(
        (
            &added["opData"]["courseName"],
            &added["opData"]["courseStatus"],
            &added["opData"]["expiryTime"],
            &added["opData"]["mainTeacherInfo"]["teacherUid"],
            &added["opData"]["mainTeacherInfo"]["teacherName"],
        ),
        (
            &json!("Physics 5A"),
            &json!(1),
            &json!(0),
            &json!(teacher),
            &json!("Karim Haddad")
        ),
        "{added}"
    );
    let renamed = course_messages[1];
    assert_eq!(renamed["opType"], 3);
    assert_eq!(
        renamed["opData"],
        json!({"courseId": course, "courseName": "Physics 5B"}),
        "only the fields that changed: {renamed}"
    );
    let ended = course_messages[2];
    assert_eq!(
        ended["opData"],
        json!({"courseId": course, "courseStatus": 3}),
        "{ended}"
    );
}

/// `addCourseLabels` and `addClassLabels` push the course's or lesson's `labelInfos` as they are now.
async fn labels_set_on_a_course_or_lesson_are_pushed(backend: Backend) {
    let app = spawn(backend, true).await;
    let school = school(&app, "alpha").await;
    let (teacher, _, _, course) = scheduled_course(&school).await;
    let lesson = classroom(&school, course, teacher, "Optics", 7200).await;
    let label: i64 = school
        .ok("addSchoolLabel", json!({"labelName": "Science"}))
        .await["labelId"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let receiver = push_receiver(&app, &school, Mode::Acknowledge(usize::MAX)).await;
    school
        .ok(
            "addCourseLabels",
            json!({"courseList": [{"courseId": course, "labelIds": [label]}]}),
        )
        .await;
    school
        .ok(
            "addClassLabels",
            json!({"courseId": course, "classList": [{"classId": lesson, "classLabelId": [label]}]}),
        )
        .await;
    let messages = receiver
        .wait_for("two label messages", |messages| messages.len() >= 2)
        .await;
    let science = json!([{"labelName": "Science", "labelId": label}]);
    assert_eq!(
        (
            &messages[0]["Cmd"],
            &messages[0]["opType"],
            &messages[0]["opData"]
        ),
        (
            &json!("eeoCourseInfoChange"),
            &json!(3),
            &json!({"courseId": course, "labelInfos": science})
        ),
        "{}",
        messages[0]
    );
    assert_eq!(
        (
            &messages[1]["Cmd"],
            &messages[1]["ClassID"],
            &messages[1]["opData"]
        ),
        (
            &json!("eeoClassInfoChange"),
            &json!(lesson),
            &json!({"courseId": course, "classId": lesson, "labelInfos": science})
        ),
        "{}",
        messages[1]
    );
    for message in &messages {
        verify(message, &school.secret);
    }
}
