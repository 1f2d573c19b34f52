//! The rules issue 16 brought ClassIn v1 to, one test each, and the decisions of `classin-api.md`: endCourse and
//! lessons in session, lesson identities unique across the school and freed by delCourseClass, truncation where the
//! pages say so, numbers as JSON numbers, the documented answer shapes, the edit window's permitted changes,
//! reusable lesson links that open one lesson only, and labels, comments and course teachers in the read-back and on
//! the lesson page.

use serde_json::{json, Value};

use super::{
    errno,
    pages::{login_link, Visitor},
    readback::{partner, scheduled_course},
    school, School,
};
use crate::{
    both_databases,
    harness::{send, Backend, TestApp},
};

both_databases!(
    end_course_waits_for_lessons_in_session_and_deletes_those_not_started,
    lesson_identities_are_unique_across_the_school_and_freed_by_deletion,
    names_and_introductions_are_cut_and_numbers_may_be_json_numbers,
    answers_carry_the_documented_fields,
    the_edit_window_permits_teachers_students_and_deletion_inside_the_twenty_minutes,
    lesson_links_work_until_their_life_time_and_open_one_lesson_only,
    labels_comments_and_course_teachers_show_in_read_back_and_pages,
    a_teacher_may_be_stopped_once_their_lessons_are_over,
);

async fn lesson(
    school: &School,
    course: i64,
    teacher: i64,
    lead: i64,
    minutes: i64,
    extra: Value,
) -> Value {
    let begin = school.clock.now_seconds() + lead;
    let mut params = json!({"courseId": course, "className": "Optics", "beginTime": begin,
                            "endTime": begin + minutes * 60, "teacherUid": teacher});
    params
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    school.call("addCourseClass", params).await
}

async fn end_course_waits_for_lessons_in_session_and_deletes_those_not_started(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let partner = partner(&app, "alpha").await;
    let (teacher, _, _, course) = scheduled_course(&school).await;
    let soon = lesson(&school, course, teacher, 120, 30, json!({})).await["data"].clone();
    let later = lesson(&school, course, teacher, 86_400, 60, json!({})).await["data"].clone();
    app.clock.advance(5 * 60);
    let answer = school.call("endCourse", json!({"courseId": course})).await;
    assert_eq!(errno(&answer), 394, "a lesson is in session: {answer}");
    app.clock.advance(30 * 60);
    assert_eq!(
        errno(&school.call("endCourse", json!({"courseId": course})).await),
        1
    );
    let (_, read) = send(partner.get(&format!("/api/v2/lessons/{later}"))).await;
    assert!(
        read["deleted_at"].is_string(),
        "the lesson not started is deleted: {read}"
    );
    let (_, read) = send(partner.get(&format!("/api/v2/lessons/{soon}"))).await;
    assert!(
        read["deleted_at"].is_null(),
        "the lesson held stays: {read}"
    );
    let (_, course_read) = send(partner.get(&format!("/api/v2/courses/{course}"))).await;
    assert_eq!(course_read["lesson_count"], 1, "{course_read}");
}

async fn lesson_identities_are_unique_across_the_school_and_freed_by_deletion(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let partner = partner(&app, "alpha").await;
    let (teacher, _, _, course) = scheduled_course(&school).await;
    let other = school.course("Chemistry").await;
    let first = lesson(
        &school,
        course,
        teacher,
        7200,
        60,
        json!({"courseUniqueIdentity": "sis-7"}),
    )
    .await;
    assert_eq!(errno(&first), 1);
    let repeat = lesson(
        &school,
        other,
        teacher,
        9000,
        60,
        json!({"courseUniqueIdentity": "sis-7"}),
    )
    .await;
    assert_eq!(
        errno(&repeat),
        398,
        "another course of the school: {repeat}"
    );
    assert_eq!(repeat["data"], first["data"]);
    assert_eq!(repeat["more_data"], first["more_data"]);
    let id = first["data"].as_i64().unwrap();
    school
        .ok("delCourseClass", json!({"courseId": course, "classId": id}))
        .await;
    let (_, read) = send(partner.get(&format!("/api/v2/lessons/{id}"))).await;
    assert!(
        read["unique_identity"].is_null(),
        "the identity is freed: {read}"
    );
    let again = lesson(
        &school,
        other,
        teacher,
        9000,
        60,
        json!({"courseUniqueIdentity": "sis-7"}),
    )
    .await;
    assert_eq!(errno(&again), 1, "{again}");
    assert_ne!(
        again["data"], first["data"],
        "a new lesson, not the deleted one"
    );
    // Another school's identical identity is its own.
    let beta = school_beta(&app).await;
    let (beta_teacher, _, _, beta_course) = scheduled_course(&beta).await;
    let theirs = lesson(
        &beta,
        beta_course,
        beta_teacher,
        7200,
        60,
        json!({"courseUniqueIdentity": "sis-7"}),
    )
    .await;
    assert_eq!(errno(&theirs), 1, "{theirs}");
}

async fn school_beta(app: &TestApp) -> School {
    school(app, "beta").await
}

async fn names_and_introductions_are_cut_and_numbers_may_be_json_numbers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let partner = partner(&app, "alpha").await;
    // ClassIn's own registerMultiple example sends the password as a JSON number.
    let answer = school
        .call(
            "registerMultiple",
            json!({"userJson": [{"telephone": 13_800_000_009_i64, "password": 123_456, "nickname": "n".repeat(30),
                                 "addToSchoolMember": 2}]}),
        )
        .await;
    assert_eq!(answer["data"][0]["errno"], 1, "{answer}");
    let teacher = answer["data"][0]["data"].as_i64().unwrap();
    let (_, user) = send(partner.get(&format!("/users/{teacher}"))).await;
    assert_eq!(user["name"], "n".repeat(24), "{user}");
    let course = school
        .ok(
            "addCourse",
            json!({"courseName": "c".repeat(100), "courseIntroduce": "i".repeat(500)}),
        )
        .await;
    let (_, read) = send(partner.get(&format!("/api/v2/courses/{course}"))).await;
    assert_eq!(read["name"], "c".repeat(90));
    assert_eq!(read["introduction"], "i".repeat(400));
    school
        .ok(
            "editCourse",
            json!({"courseId": course, "courseName": "e".repeat(60)}),
        )
        .await;
    let (_, read) = send(partner.get(&format!("/api/v2/courses/{course}"))).await;
    assert_eq!(read["name"], "e".repeat(40), "editCourse's page says 40");
    let created = lesson(
        &school,
        course.as_i64().unwrap(),
        teacher,
        7200,
        60,
        json!({"className": "l".repeat(100), "classIntroduce": "x".repeat(1100), "seatNum": "3"}),
    )
    .await;
    let id = created["data"].as_i64().unwrap();
    let (_, read) = send(partner.get(&format!("/api/v2/lessons/{id}"))).await;
    assert_eq!(read["name"], "l".repeat(90));
    assert_eq!(read["introduction"], "x".repeat(1000));
    assert_eq!(read["seat_num"], 3, "{read}");
}

async fn answers_carry_the_documented_fields(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let (teacher, _, _, course) = scheduled_course(&school).await;
    let answer = school
        .call(
            "registerMultiple",
            json!({"userJson": [{"telephone": "13900000001", "password": "secret12", "customColumn": "a"}]}),
        )
        .await;
    assert_eq!(answer["data"][0]["telephone"], "13900000001", "{answer}");
    assert_eq!(answer["data"][0]["customColumn"], "a");
    let begin = school.clock.now_seconds() + 7200;
    let answer = school
        .call(
            "addCourseClassMultiple",
            json!({"courseId": course, "classJson": [{"className": "b".repeat(60), "beginTime": begin,
                   "endTime": begin + 3600, "teacherUid": teacher, "customColumn": "x"}]}),
        )
        .await;
    let item = &answer["data"][0];
    assert_eq!(item["className"], "b".repeat(50), "{answer}");
    let id = item["data"].as_i64().unwrap();
    let more = json!({"live_url": format!("{}/lessons/{id}", app.address), "live_info": {"RTMP": "", "HLS": "", "FLV": ""}});
    assert_eq!(item["more_data"], more);
    let edited = school
        .call(
            "editCourseClass",
            json!({"courseId": course, "classId": id, "className": "Optics"}),
        )
        .await;
    assert_eq!(errno(&edited), 1);
    assert!(edited.get("data").is_none(), "{edited}");
    assert_eq!(edited["more_data"], more);
    let created = lesson(&school, course, teacher, 7200, 60, json!({})).await;
    assert_eq!(created["more_data"]["live_info"]["HLS"], "", "{created}");
}

async fn the_edit_window_permits_teachers_students_and_deletion_inside_the_twenty_minutes(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let (teacher, assistant, students, course) = scheduled_course(&school).await;
    let extra = school.register("13800000009", "Lina", 1).await;
    let id = lesson(&school, course, teacher, 30 * 60, 60, json!({})).await["data"]
        .as_i64()
        .unwrap();
    app.clock.advance(15 * 60);
    let class = |extra: Value| {
        let mut params = json!({"courseId": course, "classId": id});
        params
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        params
    };
    // Within the 20 minutes: teacher and assistants yes, the name no.
    assert_eq!(
        errno(
            &school
                .call("editCourseClass", class(json!({"assistantUid": assistant})))
                .await
        ),
        1
    );
    assert_eq!(
        errno(
            &school
                .call("editCourseClass", class(json!({"className": "X"})))
                .await
        ),
        350
    );
    // In session: the teacher may change; students may still be named and removed.
    app.clock.advance(10 * 60);
    assert_eq!(
        errno(
            &school
                .call(
                    "editCourseClass",
                    class(json!({"teacherUid": assistant, "assistantUids": []}))
                )
                .await
        ),
        1
    );
    let add = class(json!({"identity": 1, "studentJson": [{"uid": extra}]}));
    assert_eq!(
        school.call("addClassStudentMultiple", add).await["data"][0]["errno"],
        1
    );
    let remove = class(json!({"identity": 1, "studentUidJson": [extra]}));
    assert_eq!(
        school.call("delClassStudentMultiple", remove).await["data"][0]["errno"],
        1
    );
    // Course students may be removed at any time.
    let drop = json!({"courseId": course, "identity": 1, "studentUid": students[0]});
    assert_eq!(errno(&school.call("delCourseStudent", drop).await), 1);
    // Ended: delEndCourseClass deletes it; delCourseClass does not.
    app.clock.advance(2 * 3600);
    assert_eq!(
        errno(&school.call("delCourseClass", class(json!({}))).await),
        145
    );
    assert_eq!(
        errno(&school.call("delEndCourseClass", class(json!({}))).await),
        1
    );
    assert_eq!(
        errno(&school.call("delEndCourseClass", class(json!({}))).await),
        212
    );
}

async fn lesson_links_work_until_their_life_time_and_open_one_lesson_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let (teacher, _, students, course) = scheduled_course(&school).await;
    let id = lesson(&school, course, teacher, 7200, 60, json!({})).await["data"]
        .as_i64()
        .unwrap();
    let other = lesson(&school, course, teacher, 9000, 60, json!({})).await["data"]
        .as_i64()
        .unwrap();
    let link = school
        .ok(
            "getLoginLinked",
            json!({"uid": students[0], "courseId": course, "classId": id, "lifeTime": 600}),
        )
        .await;
    let link = link.as_str().unwrap().to_owned();
    assert!(
        link.starts_with(&app.address),
        "a link to the server: {link}"
    );
    let (sara, location) = Visitor::open(&app.address, &link).await;
    assert_eq!(location, format!("/lessons/{id}?lang=en"));
    let (again, _) = Visitor::open(&app.address, &link).await;
    assert_eq!(
        again.get(&format!("/lessons/{id}")).await.0,
        200,
        "used twice"
    );
    assert_eq!(
        sara.get(&format!("/lessons/{other}")).await.0,
        403,
        "another lesson"
    );
    assert_eq!(sara.get("/home").await.0, 403, "the home page");
    // Past its life the link is refused (links keep real time).
    let short = school
        .ok(
            "getLoginLinked",
            json!({"uid": students[0], "courseId": course, "classId": id, "lifeTime": 1}),
        )
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let expired = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(short.as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(expired.status().as_u16(), 410);
    // Without lifeTime the link lives a day.
    let default = login_link(&school, students[0], course, id).await;
    let token = default.rsplit('/').next().unwrap();
    let stored = app
        .store
        .find_sso_link(&classbridge_service::sso::session_hash(token))
        .await
        .unwrap()
        .expect("the link");
    let expires_in = (stored.expires_at.millis() - classbridge_store::now_millis()) / 1000;
    assert!((86_390..=86_400).contains(&expires_in), "{expires_in}");
}

async fn labels_comments_and_course_teachers_show_in_read_back_and_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let partner = partner(&app, "alpha").await;
    let (teacher, assistant, students, course) = scheduled_course(&school).await;
    let id = lesson(&school, course, teacher, 7200, 60, json!({})).await["data"]
        .as_i64()
        .unwrap();
    let label: i64 = school
        .ok("addSchoolLabel", json!({"labelName": "Science"}))
        .await["labelId"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let course_labels = school
        .call(
            "addCourseLabels",
            json!({"courseList": [{"courseId": course, "labelIds": [label], "customColumn": "c"}]}),
        )
        .await;
    assert_eq!(
        course_labels["data"][0]["courseId"], course,
        "{course_labels}"
    );
    assert_eq!(course_labels["data"][0]["errno"], 1);
    school
        .ok(
            "addClassLabels",
            json!({"courseId": course, "classList": [{"classId": id, "classLabelId": [label]}]}),
        )
        .await;
    school
        .ok(
            "updateSchoolLabel",
            json!({"labelId": label, "labelName": "Sciences"}),
        )
        .await;
    let comment = school
        .call(
            "updateClassStudentComment",
            json!({"classId": id, "commentJson": [{"studentUid": students[0], "starNum": 4, "comment": "Careful work",
                                                   "customColumn": "s"}]}),
        )
        .await;
    assert_eq!(
        comment["data"][0]["studentUid"],
        students[0].to_string(),
        "{comment}"
    );
    assert_eq!(comment["data"][0]["errno"], 1);
    let teachers = school
        .call(
            "modifyCourseTeacher",
            json!({"courseId": course, "teacherUid": assistant}),
        )
        .await;
    assert_eq!(
        teachers["data"],
        json!([{"classId": id, "errno": 1, "error": "Success"}]),
        "{teachers}"
    );

    let (_, read) = send(partner.get(&format!("/api/v2/courses/{course}"))).await;
    assert_eq!(
        read["labels"],
        json!([{"id": label, "name": "Sciences"}]),
        "{read}"
    );
    let teacher_uids: Vec<i64> = read["teachers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["uid"].as_i64().unwrap())
        .collect();
    assert!(
        teacher_uids.contains(&assistant) && teacher_uids.contains(&teacher),
        "{read}"
    );
    let (_, list) = send(partner.get("/api/v2/courses")).await;
    assert_eq!(list["data"][0]["labels"][0]["name"], "Sciences", "{list}");
    let (_, read) = send(partner.get(&format!("/api/v2/lessons/{id}"))).await;
    assert_eq!(
        read["labels"],
        json!([{"id": label, "name": "Sciences"}]),
        "{read}"
    );
    assert_eq!(read["teacher"]["uid"], assistant, "{read}");
    assert_eq!(read["comments"][0]["stars"], 4);
    assert_eq!(read["comments"][0]["comment"], "Careful work");
    let (_, list) = send(partner.get(&format!("/api/v2/lessons?course_id={course}"))).await;
    assert_eq!(list["data"][0]["labels"][0]["name"], "Sciences", "{list}");

    // The lesson page: labels for everyone in it, comments for its teacher only.
    let (teacher_page, _) = Visitor::open(
        &app.address,
        &login_link(&school, assistant, course, id).await,
    )
    .await;
    let (_, page) = teacher_page.get(&format!("/lessons/{id}")).await;
    assert!(
        page.contains("id=\"lesson-labels\"") && page.contains("Sciences"),
        "{page}"
    );
    assert!(
        page.contains("id=\"comments\"") && page.contains("Careful work"),
        "{page}"
    );
    let (student_page, _) = Visitor::open(
        &app.address,
        &login_link(&school, students[0], course, id).await,
    )
    .await;
    let (_, page) = student_page.get(&format!("/lessons/{id}")).await;
    assert!(
        page.contains("Sciences") && !page.contains("Careful work"),
        "{page}"
    );

    // Deleting the label takes it off; removing the old teacher from the course works once they teach nothing.
    school
        .ok("deleteSchoolLabel", json!({"labelId": label}))
        .await;
    let (_, read) = send(partner.get(&format!("/api/v2/lessons/{id}"))).await;
    assert_eq!(read["labels"], json!([]));
    school
        .ok(
            "removeCourseTeacher",
            json!({"courseId": course, "teacherUid": teacher}),
        )
        .await;
    let (_, read) = send(partner.get(&format!("/api/v2/courses/{course}"))).await;
    assert!(
        !read["teachers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["uid"] == teacher),
        "{read}"
    );
}

async fn a_teacher_may_be_stopped_once_their_lessons_are_over(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let (teacher, _, _, course) = scheduled_course(&school).await;
    lesson(&school, course, teacher, 120, 30, json!({})).await;
    let stop = json!({"teacherUid": teacher});
    assert_eq!(
        errno(&school.call("stopUsingTeacher", stop.clone()).await),
        317
    );
    app.clock.advance(40 * 60);
    assert_eq!(
        errno(&school.call("stopUsingTeacher", stop).await),
        1,
        "the lesson has ended"
    );
    let again = lesson(&school, course, teacher, 7200, 60, json!({})).await;
    assert_eq!(errno(&again), 387, "{again}");
    // A password can be set for a person of the school.
    let answer = school
        .call(
            "modifyPasswordByTelephone",
            json!({"uid": teacher, "md5pass": "e10adc3949ba59abbe56e057f20f883e"}),
        )
        .await;
    assert_eq!(errno(&answer), 1, "{answer}");
}
