//! A lesson made through v1 is a classroom activity of its course (as ClassIn made every v1 lesson one in 6.0): it
//! shows in the course's no-topic unit with its activity id, v1 edits and deletions show in the outline, and v2
//! actions reach it by its activity id.

use serde_json::{json, Value};

use super::{
    readback::{lesson_at, partner, scheduled_course},
    school,
};
use crate::{
    both_databases,
    harness::{send, Backend, TestApp, TestTenant},
};

both_databases!(v1_lessons_are_classroom_activities_of_the_no_topic_unit);

async fn outline(partner: &TestTenant, course: i64) -> Value {
    let (status, outline) = send(partner.get(&format!("/api/v2/courses/{course}/outline"))).await;
    assert_eq!(status, 200, "{outline}");
    outline
}

async fn v1_lessons_are_classroom_activities_of_the_no_topic_unit(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let partner = partner(&app, "alpha").await;
    let (teacher, _, _, course) = scheduled_course(&school).await;
    let optics = lesson_at(&school, course, teacher, "Optics", 3600, 60, json!({})).await;
    let waves = lesson_at(&school, course, teacher, "Waves", 7200, 60, json!({})).await;

    let read = outline(&partner, course).await;
    let unit = &read["units"][0];
    assert_eq!(unit["no_topic"], true, "{read}");
    let activities = unit["activities"].as_array().unwrap();
    assert_eq!(activities.len(), 2, "{read}");
    assert_eq!(
        (
            &activities[0]["type"],
            &activities[0]["class_id"],
            &activities[0]["name"]
        ),
        (&json!("classroom"), &json!(optics), &json!("Optics")),
        "{read}"
    );
    assert_eq!(activities[0]["teacher_uid"], teacher);
    assert_eq!(activities[1]["class_id"], waves);
    let optics_activity = activities[0]["activity_id"].as_i64().unwrap();

    // A v1 edit shows in the outline.
    let renamed = school
        .call(
            "editCourseClass",
            json!({"courseId": course, "classId": optics, "className": "Optics and light"}),
        )
        .await;
    assert_eq!(renamed["error_info"]["errno"], 1, "{renamed}");
    let read = outline(&partner, course).await;
    assert_eq!(
        read["units"][0]["activities"][0]["name"], "Optics and light",
        "{read}"
    );

    // v2 reaches the lesson by its activity id.
    school
        .v2_ok(
            "/lms/activity/updateClass",
            json!({"courseId": course, "activityId": optics_activity, "name": "Optics III"}),
        )
        .await;
    let (status, lesson) = send(partner.get(&format!("/api/v2/lessons/{optics}"))).await;
    assert_eq!(status, 200, "{lesson}");
    assert_eq!(lesson["name"], "Optics III", "{lesson}");

    // A v1 deletion takes the classroom out of the outline.
    let deleted = school
        .call(
            "delCourseClass",
            json!({"courseId": course, "classId": waves}),
        )
        .await;
    assert_eq!(deleted["error_info"]["errno"], 1, "{deleted}");
    let read = outline(&partner, course).await;
    let remaining: Vec<&Value> = read["units"][0]["activities"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(remaining.len(), 1, "{read}");
    assert_eq!(remaining[0]["class_id"], optics);
}
