//! The scheduling API's lessons: scheduling them (idempotently, with their live URL), the time rules, locking,
//! seats, who may join, sign-in links to a lesson, and that no school reaches another's data.

use serde_json::{json, Value};

use super::{errno, item_errnos, now, school, School};
use crate::{
    both_databases,
    harness::{Backend, TestApp},
};

both_databases!(
    lessons_answer_their_id_and_live_url_once_per_unique_identity,
    lesson_times_follow_the_rules,
    lessons_are_edited_and_deleted_until_they_lock,
    seats_and_assistants_are_checked,
    lessons_are_scheduled_in_batches_with_one_result_each,
    lesson_student_lists_decide_who_may_join,
    login_links_open_the_lesson_for_its_people_only,
    no_school_sees_or_changes_another_schools_courses_lessons_or_people,
);

/// A school with a teacher, a student of the school and a course: `(teacher, student, course)`.
async fn scheduled(school: &School) -> (i64, i64, i64) {
    let teacher = school.register("13800000001", "Karim", 2).await;
    let student = school.register("13800000002", "Sara", 1).await;
    (teacher, student, school.course("Physics").await)
}

fn lesson(course: i64, teacher: i64, begin: i64, end: i64) -> Value {
    json!({"courseId": course, "className": "Optics", "beginTime": begin, "endTime": end, "teacherUid": teacher})
}

async fn lessons_answer_their_id_and_live_url_once_per_unique_identity(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let (teacher, _, course) = scheduled(&school).await;
    let begin = now() + 3600;
    let mut params = lesson(course, teacher, begin, begin + 3600);
    params["courseUniqueIdentity"] = json!("sis-lesson-1");
    params["bookable"] = json!(1);
    params["record"] = json!(1);
    params["classIntroduce"] = json!("Lenses and mirrors");
    let answer = school.call("addCourseClass", params.clone()).await;
    assert_eq!(errno(&answer), 1, "{answer}");
    let id = answer["data"].as_i64().expect("the lesson id");
    assert_eq!(
        answer["more_data"]["live_url"],
        format!("{}/lessons/{id}", app.address)
    );
    let again = school.call("addCourseClass", params.clone()).await;
    assert_eq!(errno(&again), 398, "{again}");
    assert_eq!(
        again["data"], id,
        "the repeat answers the first lesson: {again}"
    );
    assert_eq!(again["more_data"], answer["more_data"], "and its more_data");
    params["courseUniqueIdentity"] = json!("sis-lesson-2");
    assert_ne!(school.ok("addCourseClass", params.clone()).await, id);
    for (key, value) in [("bookable", json!(2)), ("className", json!(""))] {
        let mut bad = params.clone();
        bad[key] = value;
        bad["courseUniqueIdentity"] = json!("sis-lesson-3");
        assert_eq!(
            errno(&school.call("addCourseClass", bad).await),
            100,
            "{key}"
        );
    }
    let unknown_course = lesson(999_999, teacher, begin, begin + 3600);
    assert_eq!(
        errno(&school.call("addCourseClass", unknown_course).await),
        144
    );
}

async fn lesson_times_follow_the_rules(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let (teacher, _, course) = scheduled(&school).await;
    let soon = now() + 30;
    let later = now() + 3600;
    let too_far = now() + 3 * 366 * 86_400;
    for (begin, end, expected) in [
        (soon, soon + 3600, 120),
        (later, later, 119),
        (later, later - 600, 119),
        (later, later + 14 * 60, 165),
        (later, later + 24 * 3600 + 60, 165),
        (too_far, too_far + 3600, 268),
        (later, later + 15 * 60, 1),
        (later, later + 24 * 3600, 1),
    ] {
        let answer = school
            .call("addCourseClass", lesson(course, teacher, begin, end))
            .await;
        assert_eq!(errno(&answer), expected, "{begin}–{end} → {answer}");
    }
    let id = school.lesson(course, teacher, 7200).await;
    let moved =
        json!({"courseId": course, "classId": id, "beginTime": soon, "endTime": soon + 3600});
    assert_eq!(errno(&school.call("editCourseClass", moved).await), 120);
    let shortened = json!({"courseId": course, "classId": id, "endTime": now() + 7200 + 60});
    assert_eq!(
        errno(&school.call("editCourseClass", shortened).await),
        165,
        "checked against the kept begin"
    );
}

async fn lessons_are_edited_and_deleted_until_they_lock(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let (teacher, _, course) = scheduled(&school).await;
    let other_teacher = school.register("13800000003", "Dana", 2).await;
    let open = school.lesson(course, teacher, 7200).await;
    let edit = json!({"courseId": course, "classId": open, "className": "Optics II", "teacherUid": other_teacher,
                      "beginTime": now() + 10_800, "endTime": now() + 14_400});
    assert_eq!(errno(&school.call("editCourseClass", edit).await), 1);
    let unknown = json!({"courseId": course, "classId": 999_999, "className": "X"});
    assert_eq!(errno(&school.call("editCourseClass", unknown).await), 143);
    let delete = json!({"courseId": course, "classId": open});
    assert_eq!(
        errno(&school.call("delCourseClass", delete.clone()).await),
        1
    );
    assert_eq!(
        errno(&school.call("delCourseClass", delete.clone()).await),
        212
    );
    let edit_deleted = json!({"courseId": course, "classId": open, "className": "Back"});
    assert_eq!(
        errno(&school.call("editCourseClass", edit_deleted).await),
        212
    );

    // Five minutes ahead is within the 20-minute lock.
    let locked = school.lesson(course, teacher, 300).await;
    let edit = json!({"courseId": course, "classId": locked, "className": "Too late"});
    assert_eq!(errno(&school.call("editCourseClass", edit).await), 350);
    let seats = json!({"courseId": course, "classId": locked, "seatNum": 3});
    assert_eq!(
        errno(&school.call("modifyClassSeatNum", seats).await),
        348,
        "seats are locked within the 20 minutes"
    );
    let teacher_change =
        json!({"courseId": course, "classId": locked, "teacherUid": other_teacher});
    assert_eq!(
        errno(&school.call("editCourseClass", teacher_change).await),
        1,
        "the teacher may change within the 20 minutes"
    );
    let delete = json!({"courseId": course, "classId": locked});
    assert_eq!(
        errno(&school.call("delCourseClass", delete).await),
        1,
        "a lesson may be deleted within the 20 minutes"
    );
}

async fn seats_and_assistants_are_checked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let (teacher, student, course) = scheduled(&school).await;
    let assistant = school.register("13800000003", "Dana", 2).await;
    let begin = now() + 3600;
    let with = |key: &str, value: Value| {
        let mut params = lesson(course, teacher, begin, begin + 3600);
        params[key] = value;
        params
    };
    for (params, expected) in [
        (with("seatNum", json!(13)), 259),
        (with("seatNum", json!(-1)), 121_601_007),
        (with("assistantUid", json!(student)), 318),
        (with("assistantUids", json!("not json")), 155),
        (with("assistantUids", json!([assistant, student])), 318),
        (with("assistantUids", json!([assistant, assistant])), 21_316),
        (with("assistantUid", json!(teacher)), 322),
        (with("seatNum", json!(0)), 1),
        (with("assistantUids", json!([assistant])), 1),
    ] {
        let answer = school.call("addCourseClass", params.clone()).await;
        assert_eq!(errno(&answer), expected, "{params} → {answer}");
    }
    let id = school.lesson(course, teacher, 3600).await;
    for (seats, expected) in [(json!(12), 1), (json!(13), 259), (json!("many"), 100)] {
        let answer = school
            .call(
                "modifyClassSeatNum",
                json!({"courseId": course, "classId": id, "seatNum": seats}),
            )
            .await;
        assert_eq!(errno(&answer), expected, "{seats}");
    }
    let missing = json!({"courseId": course, "classId": id});
    assert_eq!(
        errno(&school.call("modifyClassSeatNum", missing).await),
        100
    );
}

async fn lessons_are_scheduled_in_batches_with_one_result_each(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let (teacher, student, course) = scheduled(&school).await;
    let begin = now() + 3600;
    let item = |begin: i64, teacher: i64, column: &str| {
        json!({"className": "Optics", "beginTime": begin, "endTime": begin + 3600, "teacherUid": teacher,
               "customColumn": column})
    };
    let answer = school
        .call(
            "addCourseClassMultiple",
            json!({"courseId": course, "classJson": [
                item(begin, teacher, "first"), item(now() + 10, teacher, "soon"), item(begin, student, "student"),
                item(begin + 7200, teacher, "last")]}),
        )
        .await;
    assert_eq!(item_errnos(&answer), [1, 120, 136, 1], "{answer}");
    let items = answer["data"].as_array().unwrap();
    let first = items[0]["data"].as_i64().unwrap();
    assert_eq!(items[0]["customColumn"], "first");
    assert_eq!(
        items[0]["more_data"]["live_url"],
        format!("{}/lessons/{first}", app.address)
    );
    assert_eq!(items[1]["customColumn"], "soon");
    assert!(items[1].get("data").is_none());
    for (class_json, expected) in [
        (json!("[{"), 155),
        (json!("[]"), 155),
        (
            Value::from(
                (0..51)
                    .map(|i| item(begin + i * 7200, teacher, "x"))
                    .collect::<Vec<_>>(),
            ),
            1,
        ),
    ] {
        let answer = school
            .call(
                "addCourseClassMultiple",
                json!({"courseId": course, "classJson": class_json}),
            )
            .await;
        assert_eq!(errno(&answer), expected, "{answer}");
    }
    let unknown = json!({"courseId": 999_999, "classJson": [item(begin, teacher, "x")]});
    assert_eq!(
        errno(&school.call("addCourseClassMultiple", unknown).await),
        144
    );
}

async fn lesson_student_lists_decide_who_may_join(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let (teacher, sara, course) = scheduled(&school).await;
    let omar = school.register("13800000003", "Omar", 1).await;
    let lina = school.register("13800000004", "Lina", 1).await;
    for uid in [sara, omar] {
        school
            .ok(
                "addCourseStudent",
                json!({"courseId": course, "studentUid": uid}),
            )
            .await;
    }
    let id = school.lesson(course, teacher, 3600).await;
    let link = |uid: i64| json!({"uid": uid, "courseId": course, "classId": id});
    assert_eq!(
        errno(&school.call("getLoginLinked", link(omar)).await),
        1,
        "every course student by default"
    );
    let answer = school
        .call(
            "addClassStudentMultiple",
            json!({"courseId": course, "classId": id, "identity": 1, "studentJson": [
                {"uid": sara, "name": "Sara", "customColumn": 1}, {"uid": lina}, {"uid": teacher}, {"uid": sara}]}),
        )
        .await;
    // Lina is not in the course: she joins this lesson only (a transfer-in student).
    assert_eq!(item_errnos(&answer), [1, 1, 129, 166], "{answer}");
    assert_eq!(answer["data"][0]["customColumn"], "1", "echoed as a text");
    assert_eq!(errno(&school.call("getLoginLinked", link(sara)).await), 1);
    assert_eq!(
        errno(&school.call("getLoginLinked", link(omar)).await),
        150,
        "not on the lesson's list"
    );
    let answer = school
        .call(
            "delClassStudentMultiple",
            json!({"courseId": course, "classId": id, "studentUidJson": [sara, omar]}),
        )
        .await;
    assert_eq!(item_errnos(&answer), [1, 167], "{answer}");
    assert_eq!(
        errno(&school.call("getLoginLinked", link(sara)).await),
        150,
        "an emptied list admits nobody"
    );
    let bad = json!({"courseId": course, "classId": id, "studentJson": "[1,"});
    assert_eq!(
        errno(&school.call("addClassStudentMultiple", bad).await),
        155
    );
    let too_many = json!({"courseId": course, "classId": id,
                          "studentUidJson": (0..101).collect::<Vec<i64>>()});
    assert_eq!(
        errno(&school.call("delClassStudentMultiple", too_many).await),
        450
    );
}

async fn login_links_open_the_lesson_for_its_people_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let (teacher, sara, course) = scheduled(&school).await;
    let assistant = school.register("13800000003", "Dana", 2).await;
    let omar = school.register("13800000004", "Omar", 1).await;
    school
        .ok(
            "addCourseStudent",
            json!({"courseId": course, "studentUid": sara}),
        )
        .await;
    let begin = now() + 3600;
    let mut params = lesson(course, teacher, begin, begin + 3600);
    params["assistantUid"] = json!(assistant);
    let id = school.ok("addCourseClass", params).await.as_i64().unwrap();
    let link = |uid: i64, extra: Value| {
        let mut params = json!({"uid": uid, "courseId": course, "classId": id, "deviceType": 1});
        params
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        params
    };
    for uid in [teacher, assistant, sara] {
        let url = school.ok("getLoginLinked", link(uid, json!({}))).await;
        assert!(
            url.as_str()
                .unwrap()
                .starts_with(&format!("{}/sso/", app.address)),
            "{url}"
        );
    }
    let url = school
        .ok(
            "getLoginLinked",
            link(sara, json!({"lifeTime": 600, "deviceType": 3})),
        )
        .await;
    let browser = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let opened = browser.get(url.as_str().unwrap()).send().await.unwrap();
    assert_eq!(opened.status().as_u16(), 303);
    // A lesson link signs the person in on the lesson's page.
    assert_eq!(
        opened.headers()["location"],
        format!("/lessons/{id}?lang=en")
    );
    let again = browser.get(url.as_str().unwrap()).send().await.unwrap();
    assert_eq!(
        again.status().as_u16(),
        303,
        "usable more than once within its lifeTime"
    );

    assert_eq!(
        errno(&school.call("getLoginLinked", link(omar, json!({}))).await),
        150
    );
    assert_eq!(
        errno(
            &school
                .call("getLoginLinked", link(999_999, json!({})))
                .await
        ),
        150
    );
    assert_eq!(
        errno(
            &school
                .call("getLoginLinked", link(sara, json!({"deviceType": 4})))
                .await
        ),
        100
    );
    assert_eq!(
        errno(
            &school
                .call("getLoginLinked", link(sara, json!({"lifeTime": 0})))
                .await
        ),
        100
    );
    let wrong_course =
        json!({"uid": sara, "courseId": school.course("Other").await, "classId": id});
    assert_eq!(
        errno(&school.call("getLoginLinked", wrong_course).await),
        142
    );
    school
        .ok("delCourseClass", json!({"courseId": course, "classId": id}))
        .await;
    assert_eq!(
        errno(&school.call("getLoginLinked", link(sara, json!({}))).await),
        212
    );
}

async fn no_school_sees_or_changes_another_schools_courses_lessons_or_people(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = school(&app, "alpha").await;
    let beta = school(&app, "beta").await;
    let (teacher, student, course) = scheduled(&alpha).await;
    alpha
        .ok(
            "addCourseStudent",
            json!({"courseId": course, "studentUid": student}),
        )
        .await;
    let id = alpha.lesson(course, teacher, 3600).await;
    let beta_teacher = beta.register("13900000001", "Beta Teacher", 2).await;
    let beta_course = beta.course("Beta Physics").await;
    let begin = now() + 7200;
    let cases = [
        (
            "editCourse",
            json!({"courseId": course, "courseName": "Stolen"}),
            144,
        ),
        ("endCourse", json!({"courseId": course}), 144),
        (
            "addCourseStudent",
            json!({"courseId": course, "studentUid": student}),
            144,
        ),
        (
            "addCourseStudent",
            json!({"courseId": beta_course, "studentUid": student}),
            228,
        ),
        (
            "delCourseStudent",
            json!({"courseId": course, "studentUid": student}),
            144,
        ),
        (
            "addCourseClass",
            lesson(course, beta_teacher, begin, begin + 3600),
            144,
        ),
        (
            "addCourseClass",
            lesson(beta_course, teacher, begin, begin + 3600),
            136,
        ),
        (
            "editCourseClass",
            json!({"courseId": course, "classId": id, "className": "Stolen"}),
            144,
        ),
        (
            "editCourseClass",
            json!({"courseId": beta_course, "classId": id, "className": "Stolen"}),
            143,
        ),
        (
            "delCourseClass",
            json!({"courseId": course, "classId": id}),
            144,
        ),
        (
            "modifyClassSeatNum",
            json!({"courseId": course, "classId": id, "seatNum": 1}),
            144,
        ),
        (
            "getLoginLinked",
            json!({"uid": student, "courseId": course, "classId": id}),
            144,
        ),
        (
            "getLoginLinked",
            json!({"uid": beta_teacher, "courseId": course, "classId": id}),
            144,
        ),
        (
            "editTeacher",
            json!({"teacherUid": teacher, "teacherName": "Stolen"}),
            219,
        ),
        ("stopUsingTeacher", json!({"teacherUid": teacher}), 136),
        (
            "editSchoolStudent",
            json!({"studentUid": student, "studentName": "Stolen"}),
            228,
        ),
        (
            "addTeacher",
            json!({"teacherAccount": "13800000001", "teacherName": "Stolen"}),
            113,
        ),
        (
            "addSchoolStudent",
            json!({"studentAccount": "13800000002", "studentName": "Stolen"}),
            113,
        ),
    ];
    for (action, params, expected) in cases {
        let answer = beta.call(action, params.clone()).await;
        assert_eq!(errno(&answer), expected, "{action} {params} → {answer}");
        assert!(
            answer.get("data").is_none(),
            "nothing of alpha's is shown: {answer}"
        );
    }
    // Alpha's lesson is untouched.
    let edit = json!({"courseId": course, "classId": id, "className": "Still alpha's"});
    assert_eq!(errno(&alpha.call("editCourseClass", edit).await), 1);
}
