//! Mode B booking through the partner API: seats, repeats, overlaps, who may book, the lock 20 minutes before the
//! start (with the server's clock moved), and 1,000 racing requests for 12 seats on two server processes.

use futures::future::join_all;
use reqwest::Method;
use serde_json::{json, Value};

use super::{
    errno,
    readback::{lesson_at, partner, scheduled_course},
    school,
};
use crate::{
    both_databases,
    harness::{send, Backend, TestApp, TestTenant},
    mirror::mirror,
};

both_databases!(
    students_book_and_cancel_seats,
    bookings_are_checked,
    one_student_cannot_hold_overlapping_lessons,
    bookings_close_when_the_lesson_locks,
    a_thousand_racing_requests_for_twelve_seats_give_twelve_bookings,
);

async fn book(partner: &TestTenant, lesson: i64, body: Value) -> (u16, Value) {
    send(partner.post_json(&format!("/api/v2/lessons/{lesson}/bookings"), &body)).await
}

async fn cancel(partner: &TestTenant, lesson: i64, uid: i64) -> (u16, String) {
    let response = partner
        .request(
            Method::DELETE,
            &format!("/api/v2/lessons/{lesson}/bookings/{uid}"),
        )
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn booked_uids(partner: &TestTenant, lesson: i64) -> Vec<i64> {
    let (status, body) = send(partner.get(&format!("/api/v2/lessons/{lesson}"))).await;
    assert_eq!(status, 200, "{body}");
    body["bookings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["uid"].as_i64().unwrap())
        .collect()
}

async fn students_book_and_cancel_seats(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let partner = partner(&app, "alpha").await;
    let (teacher, _, _, course) = scheduled_course(&school).await;
    let lina = school.register("13800000011", "Lina", 1).await;
    let yusuf = school.register("13800000012", "Yusuf", 1).await;
    let maya = school.register("13800000013", "Maya", 1).await;
    let lesson = lesson_at(
        &school,
        course,
        teacher,
        "Lab hour",
        3600,
        60,
        json!({"bookable": 1, "seatNum": 2}),
    )
    .await;

    let (status, booked) = book(&partner, lesson, json!({"uid": lina})).await;
    assert_eq!(status, 201, "{booked}");
    assert_eq!(booked["lesson_id"], lesson);
    assert_eq!(booked["uid"], lina);
    assert_eq!(booked["name"], "Lina");
    assert_eq!(
        booked["seats"],
        json!({"total": 2, "booked": 1, "available": 1})
    );
    let (status, again) = book(&partner, lesson, json!({"uid": lina})).await;
    assert_eq!(status, 200, "booking again changes nothing: {again}");
    assert_eq!(again["booked_at"], booked["booked_at"]);
    // A form body books as JSON does.
    let response = partner
        .request(Method::POST, &format!("/api/v2/lessons/{lesson}/bookings"))
        .form(&[("uid", yusuf.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    let (status, full) = book(&partner, lesson, json!({"uid": maya})).await;
    assert_eq!(
        (status, full),
        (409, json!({"message": "This lesson is full."}))
    );
    assert_eq!(booked_uids(&partner, lesson).await, vec![lina, yusuf]);

    // Booking made them students of the course.
    let (_, course_body) = send(partner.get(&format!("/api/v2/courses/{course}"))).await;
    let in_course: Vec<i64> = course_body["students"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["uid"].as_i64().unwrap())
        .collect();
    assert!(
        in_course.contains(&lina) && in_course.contains(&yusuf),
        "{course_body}"
    );
    let (_, read) = send(partner.get(&format!("/api/v2/lessons/{lesson}"))).await;
    assert_eq!(read["students_from"], "bookings");
    assert_eq!(
        (&read["booked"], &read["seats_left"]),
        (&json!(2), &json!(0))
    );

    assert_eq!(cancel(&partner, lesson, lina).await.0, 204);
    let (status, text) = cancel(&partner, lesson, lina).await;
    assert_eq!(status, 404, "{text}");
    assert!(text.contains("has not booked"), "{text}");
    assert_eq!(book(&partner, lesson, json!({"uid": maya})).await.0, 201);
    assert_eq!(booked_uids(&partner, lesson).await, vec![yusuf, maya]);

    // The seats cannot drop below the seats booked.
    let answer = school
        .call(
            "modifyClassSeatNum",
            json!({"courseId": course, "classId": lesson, "seatNum": 1}),
        )
        .await;
    assert_eq!(errno(&answer), 349, "{answer}");
    school
        .ok(
            "modifyClassSeatNum",
            json!({"courseId": course, "classId": lesson, "seatNum": 3}),
        )
        .await;
    assert_eq!(book(&partner, lesson, json!({"uid": lina})).await.0, 201);

    // A student taken out of the course loses the seats they booked in it.
    school
        .ok(
            "delCourseStudent",
            json!({"courseId": course, "studentUid": maya}),
        )
        .await;
    assert_eq!(booked_uids(&partner, lesson).await, vec![yusuf, lina]);
}

async fn bookings_are_checked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let partner = partner(&app, "alpha").await;
    let (teacher, assistant, students, course) = scheduled_course(&school).await;
    let bookable = lesson_at(
        &school,
        course,
        teacher,
        "Lab",
        3600,
        60,
        json!({"bookable": 1}),
    )
    .await;
    let plain = lesson_at(&school, course, teacher, "Lecture", 7200, 60, json!({})).await;

    for (body, message) in [
        (json!({}), "The uid field is required."),
        (json!({"uid": "seven"}), "The uid must be an integer."),
        (json!({"uid": [1]}), "The uid must be an integer."),
        (
            json!({"uid": 999_999}),
            "No user with this uid in this school.",
        ),
        (
            json!({"uid": assistant}),
            "This user is not a student of the school.",
        ),
    ] {
        let (status, answer) = book(&partner, bookable, body.clone()).await;
        assert_eq!(status, 422, "{body} → {answer}");
        assert_eq!(answer["errors"]["uid"][0], message, "{body} → {answer}");
    }
    let (status, answer) = book(&partner, plain, json!({"uid": students[0]})).await;
    assert_eq!(
        (status, answer),
        (
            409,
            json!({"message": "This lesson is not open for booking."})
        )
    );
    for path in [
        "/api/v2/lessons/999999/bookings",
        "/api/v2/lessons/x/bookings",
    ] {
        let (status, _) = send(partner.post_json(path, &json!({"uid": students[0]}))).await;
        assert_eq!(status, 404, "{path}");
    }
    let (status, _) = send(
        partner
            .request(
                Method::POST,
                &format!("/api/v2/lessons/{bookable}/bookings"),
            )
            .header("content-type", "application/json")
            .body("{\"uid\": "),
    )
    .await;
    assert_eq!(status, 400, "a truncated body");

    school
        .ok(
            "delCourseClass",
            json!({"courseId": course, "classId": bookable}),
        )
        .await;
    let (status, answer) = book(&partner, bookable, json!({"uid": students[0]})).await;
    assert_eq!(
        (status, answer),
        (409, json!({"message": "This lesson was deleted."}))
    );
}

async fn one_student_cannot_hold_overlapping_lessons(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let partner = partner(&app, "alpha").await;
    let (teacher, assistant, students, course) = scheduled_course(&school).await;
    let bookable = json!({"bookable": 1});
    let nine = lesson_at(&school, course, teacher, "Nine", 3600, 60, bookable.clone()).await;
    let half_past = lesson_at(
        &school,
        course,
        assistant,
        "Half past",
        5400,
        60,
        bookable.clone(),
    )
    .await;
    let after = lesson_at(
        &school,
        course,
        teacher,
        "After",
        7200,
        60,
        bookable.clone(),
    )
    .await;

    assert_eq!(
        book(&partner, nine, json!({"uid": students[0]})).await.0,
        201
    );
    let (status, answer) = book(&partner, half_past, json!({"uid": students[0]})).await;
    assert_eq!(status, 409, "{answer}");
    assert_eq!(
        answer["message"],
        "This student already has a lesson at that time."
    );
    assert_eq!(answer["conflicting_lesson"]["id"], nine);
    assert_eq!(answer["conflicting_lesson"]["name"], "Nine");
    assert_eq!(
        book(&partner, after, json!({"uid": students[0]})).await.0,
        201,
        "a lesson beginning as another ends does not overlap it"
    );
    assert_eq!(
        book(&partner, half_past, json!({"uid": students[1]}))
            .await
            .0,
        201
    );
    assert_eq!(cancel(&partner, nine, students[0]).await.0, 204);
    let (status, answer) = book(&partner, half_past, json!({"uid": students[0]})).await;
    assert_eq!(status, 409, "still overlaps the lesson after: {answer}");
    assert_eq!(answer["conflicting_lesson"]["id"], after);
}

async fn bookings_close_when_the_lesson_locks(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let partner = partner(&app, "alpha").await;
    let (teacher, _, students, course) = scheduled_course(&school).await;
    let lesson = lesson_at(
        &school,
        course,
        teacher,
        "Lab",
        3600,
        60,
        json!({"bookable": 1}),
    )
    .await;
    assert_eq!(
        book(&partner, lesson, json!({"uid": students[0]})).await.0,
        201
    );

    app.clock.advance(3600 - 20 * 60 + 5);
    let (status, answer) = book(&partner, lesson, json!({"uid": students[1]})).await;
    assert_eq!(
        (status, answer),
        (
            409,
            json!({"message": "Booking has closed: the lesson starts within 20 minutes."})
        )
    );
    let (status, text) = cancel(&partner, lesson, students[0]).await;
    assert_eq!(status, 409);
    assert!(text.contains("can no longer be cancelled"), "{text}");
    let (_, read) = send(partner.get(&format!("/api/v2/lessons/{lesson}"))).await;
    assert_eq!(read["status"], "locked");

    app.clock.advance(20 * 60 + 3600);
    let (status, answer) = book(&partner, lesson, json!({"uid": students[1]})).await;
    assert_eq!(
        (status, answer),
        (409, json!({"message": "The lesson has ended."}))
    );
    let (_, read) = send(partner.get(&format!("/api/v2/lessons/{lesson}"))).await;
    assert_eq!(read["status"], "ended");
    assert_eq!(booked_uids(&partner, lesson).await, vec![students[0]]);
}

/// A mirrored school of `count` students (each a student of the school through their section).
fn students_payload(count: usize) -> Value {
    let students: Vec<Value> = (0..count)
        .map(|i| json!({"uuid": format!("s{i}"), "name": format!("Student {i}")}))
        .collect();
    json!({"branches": [{"id": 1, "name": "North", "classes": [{"id": 1, "name": "Grade 7", "sections": [
        {"name": "A", "subjects": [], "students": students}]}]}]})
}

async fn a_thousand_racing_requests_for_twelve_seats_give_twelve_bookings(backend: Backend) {
    const REQUESTS: usize = 1000;
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let partner = partner(&app, "alpha").await;
    let job = mirror(&partner, &students_payload(REQUESTS)).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    let (status, users) = send(partner.get("/users?per_page=1000")).await;
    assert_eq!(status, 200);
    let uids: Vec<i64> = users["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    assert_eq!(uids.len(), REQUESTS);
    let teacher = school.register("13800000001", "Karim", 2).await;
    let course = school.course("Open lab").await;
    let lesson = lesson_at(
        &school,
        course,
        teacher,
        "Open lab",
        3600,
        60,
        json!({"bookable": 1, "seatNum": 12}),
    )
    .await;

    // Half the requests go to a second server process on the same database.
    let (mut second, second_base) = app.second_server().await;
    let client = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(256)
        .timeout(std::time::Duration::from_secs(120))
        .build()
        .unwrap();
    let requests = uids.iter().enumerate().map(|(i, uid)| {
        let base = if i % 2 == 0 {
            app.address.clone()
        } else {
            second_base.clone()
        };
        let request = client
            .post(format!("{base}/api/v2/lessons/{lesson}/bookings"))
            .header("token", &partner.token)
            .header("referer", crate::harness::REFERER)
            .json(&json!({"uid": uid}));
        async move {
            let response = request.send().await.expect("an answer");
            let status = response.status().as_u16();
            let body: Value = response.json().await.expect("a JSON answer");
            (status, body)
        }
    });
    let answers = join_all(requests).await;
    let _ = second.kill();
    let _ = second.wait();

    let booked = answers.iter().filter(|(status, _)| *status == 201).count();
    let full = answers
        .iter()
        .filter(|(status, body)| *status == 409 && body["message"] == "This lesson is full.")
        .count();
    let others: Vec<_> = answers
        .iter()
        .filter(|(status, body)| {
            *status != 201 && !(*status == 409 && body["message"] == "This lesson is full.")
        })
        .take(3)
        .collect();
    assert_eq!((booked, full), (12, 988), "other answers: {others:?}");
    let holders = booked_uids(&partner, lesson).await;
    assert_eq!(holders.len(), 12);
    let (_, read) = send(partner.get(&format!("/api/v2/lessons/{lesson}"))).await;
    assert_eq!(
        (&read["booked"], &read["seats_left"]),
        (&json!(12), &json!(0))
    );
}
