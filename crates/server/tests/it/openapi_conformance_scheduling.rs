//! The server answers what `/openapi.json` says for the scheduling reads, Mode B bookings and the course outline:
//! courses and lessons with labels, comments, bookings and attendance, each booking refusal (full, overlapping,
//! closed, unknown student, bad body, bad ids), each answer validated against the schema the document gives for its
//! status with every object closed to the fields it documents (see `conformance.rs`).

use reqwest::{header, Method};
use serde_json::{json, Value};

use crate::{
    both_databases,
    classin::{
        readback::{lesson_at, partner, scheduled_course},
        school, School,
    },
    conformance::{check_answer, document},
    harness::{Backend, TestApp},
    openapi_conformance_more::multipart_of,
};

both_databases!(
    courses_and_lessons_answer_as_documented,
    bookings_answer_as_documented,
    the_outline_answers_as_documented,
);

/// A school label on the course and on the lesson, and the teacher's comment on a student of the lesson.
async fn label_and_comment(school: &School, course: i64, lesson: i64, student: i64) {
    let label: i64 = school
        .ok("addSchoolLabel", json!({"labelName": "Science"}))
        .await["labelId"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    school
        .call(
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
    school
        .call(
            "updateClassStudentComment",
            json!({"classId": lesson, "commentJson": [{"studentUid": student, "starNum": 4, "comment": "Careful"}]}),
        )
        .await;
}

async fn courses_and_lessons_answer_as_documented(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc = document(&app.client, &app.address).await;
    let school = school(&app, "alpha").await;
    let partner = partner(&app, "alpha").await;
    let (teacher, assistant, students, course) = scheduled_course(&school).await;
    let lesson = lesson_at(
        &school,
        course,
        teacher,
        "Optics",
        7200,
        60,
        json!({"assistantUid": assistant, "seatNum": 8, "classIntroduce": "Lenses"}),
    )
    .await;
    let bookable = lesson_at(
        &school,
        course,
        assistant,
        "Lab hour",
        86_400,
        60,
        json!({"bookable": 1, "seatNum": 4}),
    )
    .await;
    label_and_comment(&school, course, lesson, students[0]).await;
    // Someone entered the lesson's room (as the lesson page's "Enter" records it).
    let tenant = app
        .store
        .find_tenant_by_slug("alpha")
        .await
        .unwrap()
        .unwrap();
    let mut tx = app.store.begin_for(tenant.id).await.unwrap();
    classbridge_store::classin::bookings::record_entry(
        &mut tx,
        classbridge_domain::LessonId::new(lesson),
        classbridge_domain::UserId::new(students[0]),
        classbridge_domain::LessonRole::Student,
        classbridge_domain::UnixMillis::new(app.clock.now_millis()),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let (status, _) = check_answer(
        &doc,
        "POST",
        "/api/v2/lessons/{lesson_id}/bookings",
        partner.post_json(
            &format!("/api/v2/lessons/{bookable}/bookings"),
            &json!({"uid": students[0]}),
        ),
    )
    .await;
    assert_eq!(status, 201);

    let (status, list) = check_answer(
        &doc,
        "GET",
        "/api/v2/courses",
        partner.get("/api/v2/courses"),
    )
    .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["data"][0]["labels"][0]["name"], "Science", "{list}");
    assert_eq!(list["data"][0]["status"], "active");
    let (status, _) = check_answer(
        &doc,
        "GET",
        "/api/v2/courses",
        partner.get("/api/v2/courses?per_page=abc"),
    )
    .await;
    assert_eq!(status, 422);
    let one = "/api/v2/courses/{course_id}";
    let (status, read) = check_answer(
        &doc,
        "GET",
        one,
        partner.get(&format!("/api/v2/courses/{course}")),
    )
    .await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["students"][1]["identity"], "auditor", "{read}");
    assert_eq!(read["main_teacher"]["uid"], teacher);
    for bad in ["999999", "x"] {
        let (status, _) = check_answer(
            &doc,
            "GET",
            one,
            partner.get(&format!("/api/v2/courses/{bad}")),
        )
        .await;
        assert_eq!(status, 404, "{bad}");
    }

    let (status, list) = check_answer(
        &doc,
        "GET",
        "/api/v2/lessons",
        partner.get("/api/v2/lessons"),
    )
    .await;
    assert_eq!((status, &list["meta"]["total"]), (200, &json!(2)), "{list}");
    assert_eq!(list["data"][1]["seats_left"], 3, "{list}");
    assert_eq!(list["data"][0]["seats_left"], Value::Null, "{list}");
    let (status, list) = check_answer(
        &doc,
        "GET",
        "/api/v2/lessons",
        partner.get(&format!(
            "/api/v2/lessons?course_id={course}&teacher_uid={teacher}&from=2020-01-01&to=2099-01-01%2000:00:00"
        )),
    )
    .await;
    assert_eq!((status, &list["meta"]["total"]), (200, &json!(1)), "{list}");
    for (query, wrong) in [
        ("from=yesterday", "from"),
        ("course_id=0", "course_id"),
        ("teacher_uid=t1", "teacher_uid"),
        ("from=2026-01-02&to=2026-01-01", "to"),
        ("page=0", "page"),
    ] {
        let (status, answer) = check_answer(
            &doc,
            "GET",
            "/api/v2/lessons",
            partner.get(&format!("/api/v2/lessons?{query}")),
        )
        .await;
        assert_eq!(status, 422, "{query}: {answer}");
        assert!(answer["errors"][wrong].is_array(), "{query}: {answer}");
    }
    let one = "/api/v2/lessons/{lesson_id}";
    let (status, read) = check_answer(
        &doc,
        "GET",
        one,
        partner.get(&format!("/api/v2/lessons/{lesson}")),
    )
    .await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["comments"][0]["stars"], 4, "{read}");
    assert_eq!(read["attendance"][0]["entries"], 1, "{read}");
    assert_eq!(read["assistants"][0]["uid"], assistant, "{read}");
    assert_eq!(read["students_from"], "course");
    let (status, read) = check_answer(
        &doc,
        "GET",
        one,
        partner.get(&format!("/api/v2/lessons/{bookable}")),
    )
    .await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["bookings"][0]["uid"], students[0], "{read}");
    assert_eq!(read["students_from"], "bookings");
    for bad in ["999999", "-3", "lesson"] {
        let (status, _) = check_answer(
            &doc,
            "GET",
            one,
            partner.get(&format!("/api/v2/lessons/{bad}")),
        )
        .await;
        assert_eq!(status, 404, "{bad}");
    }
}

async fn bookings_answer_as_documented(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc = document(&app.client, &app.address).await;
    let school = school(&app, "alpha").await;
    let partner = partner(&app, "alpha").await;
    let (teacher, assistant, students, course) = scheduled_course(&school).await;
    let lina = school.register("13800000011", "Lina", 1).await;
    let bookable = json!({"bookable": 1, "seatNum": 2});
    let nine = lesson_at(&school, course, teacher, "Nine", 3600, 60, bookable.clone()).await;
    let half_past = lesson_at(&school, course, assistant, "Half past", 5400, 60, bookable).await;
    let plain = lesson_at(&school, course, teacher, "Lecture", 86_400, 60, json!({})).await;
    let path = "/api/v2/lessons/{lesson_id}/bookings";
    let url = |lesson: i64| format!("/api/v2/lessons/{lesson}/bookings");

    // Booked by JSON, again (200), by form and by multipart.
    let (status, booked) = check_answer(
        &doc,
        "POST",
        path,
        partner.post_json(&url(nine), &json!({"uid": students[0]})),
    )
    .await;
    assert_eq!(status, 201, "{booked}");
    assert_eq!(
        booked["seats"],
        json!({"total": 2, "booked": 1, "available": 1})
    );
    let (status, _) = check_answer(
        &doc,
        "POST",
        path,
        partner.post_json(&url(nine), &json!({"uid": students[0].to_string()})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = check_answer(
        &doc,
        "POST",
        path,
        partner
            .request(Method::POST, &url(nine))
            .form(&[("uid", students[1].to_string())]),
    )
    .await;
    assert_eq!(status, 201);
    let (status, answer) = check_answer(
        &doc,
        "POST",
        path,
        partner
            .request(Method::POST, &url(nine))
            .multipart(multipart_of(&[("uid", &lina.to_string())])),
    )
    .await;
    assert_eq!(
        (status, &answer["message"]),
        (409, &json!("This lesson is full."))
    );
    assert!(answer.get("conflicting_lesson").is_none(), "{answer}");
    let (status, answer) = check_answer(
        &doc,
        "POST",
        path,
        partner.post_json(&url(half_past), &json!({"uid": students[0]})),
    )
    .await;
    assert_eq!(status, 409, "{answer}");
    assert_eq!(answer["conflicting_lesson"]["id"], nine, "{answer}");
    let (status, _) = check_answer(
        &doc,
        "POST",
        path,
        partner.post_json(&url(plain), &json!({"uid": lina})),
    )
    .await;
    assert_eq!(status, 409, "not bookable");

    // The ways a partner goes wrong.
    for body in [
        json!({}),
        json!({"uid": "Lina"}),
        json!({"uid": 1.5}),
        json!({"uid": 999_999}),
        json!({"uid": teacher}),
    ] {
        let (status, answer) = check_answer(
            &doc,
            "POST",
            path,
            partner.post_json(&url(half_past), &body),
        )
        .await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert!(answer["errors"]["uid"].is_array(), "{answer}");
    }
    for text in ["{\"uid\": ", "[]"] {
        let (status, _) = check_answer(
            &doc,
            "POST",
            path,
            partner
                .request(Method::POST, &url(half_past))
                .header(header::CONTENT_TYPE, "application/json")
                .body(text),
        )
        .await;
        assert_eq!(status, 400, "{text}");
    }
    let (status, _) = check_answer(
        &doc,
        "POST",
        path,
        partner
            .request(Method::POST, &url(half_past))
            .header(header::CONTENT_TYPE, "text/csv")
            .body("uid\n1"),
    )
    .await;
    assert_eq!(status, 415);
    for lesson in ["999999", "0", "nine"] {
        let (status, _) = check_answer(
            &doc,
            "POST",
            path,
            partner.post_json(
                &format!("/api/v2/lessons/{lesson}/bookings"),
                &json!({"uid": lina}),
            ),
        )
        .await;
        assert_eq!(status, 404, "{lesson}");
    }

    // Cancelling: 204, 404 for no booking or bad ids, 409 once the lesson locks.
    let cancel = "/api/v2/lessons/{lesson_id}/bookings/{uid}";
    let delete = |lesson: &str, uid: &str| {
        partner.request(
            Method::DELETE,
            &format!("/api/v2/lessons/{lesson}/bookings/{uid}"),
        )
    };
    let (status, body) = check_answer(
        &doc,
        "DELETE",
        cancel,
        delete(&nine.to_string(), &students[1].to_string()),
    )
    .await;
    assert_eq!((status, body), (204, Value::Null));
    for (lesson, uid) in [
        (nine.to_string(), students[1].to_string()),
        (nine.to_string(), "sara".to_owned()),
        ("999999".to_owned(), lina.to_string()),
    ] {
        let (status, _) = check_answer(&doc, "DELETE", cancel, delete(&lesson, &uid)).await;
        assert_eq!(status, 404, "{lesson}/{uid}");
    }
    app.clock.advance(3600 - 20 * 60 + 5);
    let (status, answer) = check_answer(
        &doc,
        "DELETE",
        cancel,
        delete(&nine.to_string(), &students[0].to_string()),
    )
    .await;
    assert_eq!(status, 409, "{answer}");
    let (status, _) = check_answer(
        &doc,
        "POST",
        path,
        partner.post_json(&url(nine), &json!({"uid": lina})),
    )
    .await;
    assert_eq!(status, 409, "closed");
}

async fn the_outline_answers_as_documented(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc = document(&app.client, &app.address).await;
    let school = school(&app, "alpha").await;
    let partner = partner(&app, "alpha").await;
    let (teacher, _, students, course) = scheduled_course(&school).await;
    let week = school.unit(course, "Week 1", 2).await;
    let begin = school.clock.now_seconds() + 7200;
    school
        .v2_ok(
            "/lms/activity/createClass",
            json!({"courseId": course, "unitId": week, "name": "Optics", "teacherUid": teacher,
                   "startTime": begin, "endTime": begin + 3600}),
        )
        .await;
    // A draft unit, which students do not see.
    school.unit(course, "Week 2", 0).await;

    let path = "/api/v2/courses/{course_id}/outline";
    let (status, outline) = check_answer(
        &doc,
        "GET",
        path,
        partner.get(&format!("/api/v2/courses/{course}/outline")),
    )
    .await;
    assert_eq!(status, 200, "{outline}");
    let activity = outline["units"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|unit| unit["activities"].as_array().unwrap())
        .find(|activity| activity["name"] == "Optics")
        .cloned()
        .unwrap_or_else(|| panic!("{outline}"));
    assert_eq!(activity["type"], "classroom", "{outline}");
    assert!(activity["class_id"].is_i64(), "{outline}");
    let (status, as_student) = check_answer(
        &doc,
        "GET",
        path,
        partner.get(&format!(
            "/api/v2/courses/{course}/outline?uid={}",
            students[0]
        )),
    )
    .await;
    assert_eq!(status, 200, "{as_student}");
    assert!(
        as_student["units"].as_array().unwrap().len() < outline["units"].as_array().unwrap().len(),
        "the draft unit is hidden from students: {as_student}"
    );
    for query in [
        "/api/v2/courses/999999/outline".to_owned(),
        "/api/v2/courses/x/outline".to_owned(),
        format!("/api/v2/courses/{course}/outline?uid=abc"),
        format!("/api/v2/courses/{course}/outline?uid=999999"),
    ] {
        let (status, _) = check_answer(&doc, "GET", path, partner.get(&query)).await;
        assert_eq!(status, 404, "{query}");
    }
}
