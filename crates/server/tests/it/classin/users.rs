//! The scheduling API's people: registering accounts, school identities, the relationship id that is not a UID,
//! renaming, stopping and restarting teachers.

use serde_json::{json, Value};

use super::{errno, item_errnos, school, School};
use crate::{
    both_databases,
    harness::{send, Backend, TestApp},
};

both_databases!(
    register_answers_a_uid_that_the_partner_api_lists_with_its_role,
    registering_a_registered_account_answers_its_uid_and_adds_the_identity,
    registrations_are_checked,
    register_multiple_answers_each_item_in_order_with_its_custom_column,
    add_teacher_answers_a_relationship_id_that_is_refused_where_a_uid_is_expected,
    school_students_are_added_and_renamed,
    stopped_teachers_cannot_be_given_lessons_until_restarted,
);

const MD5PASS: &str = "e10adc3949ba59abbe56e057f20f883e";

async fn register_answers_a_uid_that_the_partner_api_lists_with_its_role(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let partner = app.tenant("alpha").await;
    let teacher = school
        .ok(
            "register",
            json!({"telephone": "13800000001", "nickname": "Ms Dana", "password": "secret12", "addToSchoolMember": 2}),
        )
        .await;
    let teacher = teacher.as_i64().expect("the UID is a number");
    let student = school
        .ok(
            "register",
            json!({"email": "Sara@Example.org", "nickname": "Sara", "md5pass": MD5PASS, "addToSchoolMember": 1}),
        )
        .await
        .as_i64()
        .unwrap();
    let nobody = school
        .ok(
            "register",
            json!({"telephone": "0044-7700900123", "password": "secret12"}),
        )
        .await
        .as_i64()
        .unwrap();
    assert!(teacher != student && student != nobody);
    let (status, user) = send(partner.get(&format!("/users/{teacher}/roles"))).await;
    assert_eq!(status, 200, "{user}");
    assert_eq!(user["name"], "Ms Dana");
    assert_eq!(user["roles"], json!([{"id": 2, "name": "teacher"}]));
    let (_, user) = send(partner.get(&format!("/users/{student}/roles"))).await;
    assert_eq!(
        (user["name"].clone(), user["email"].clone()),
        (json!("Sara"), json!("sara@example.org"))
    );
    assert_eq!(user["roles"], json!([{"id": 3, "name": "student"}]));
    let (_, user) = send(partner.get(&format!("/users/{nobody}/roles"))).await;
    assert_eq!(user["roles"], json!([]));
    let (_, list) = send(partner.get("/users")).await;
    assert_eq!(list["meta"]["total"], 3, "{list}");
    assert!(app
        .password_hash_of(teacher)
        .await
        .unwrap()
        .starts_with("$argon2id$"));
}

async fn registering_a_registered_account_answers_its_uid_and_adds_the_identity(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let partner = app.tenant("alpha").await;
    let uid = school
        .ok(
            "register",
            json!({"telephone": "13800000001", "nickname": "Karim", "password": "secret12"}),
        )
        .await;
    let hash = app.password_hash_of(uid.as_i64().unwrap()).await;
    let again = school
        .call(
            "register",
            json!({"telephone": "13800000001", "nickname": "Someone Else", "password": "other123", "addToSchoolMember": 2}),
        )
        .await;
    assert_eq!(
        (errno(&again), again["data"].clone()),
        (135, uid.clone()),
        "{again}"
    );
    let (_, user) = send(partner.get(&format!("/users/{uid}/roles"))).await;
    assert_eq!(user["name"], "Karim", "the nickname is not reset");
    assert_eq!(
        user["roles"],
        json!([{"id": 2, "name": "teacher"}]),
        "the identity is added"
    );
    assert_eq!(
        app.password_hash_of(uid.as_i64().unwrap()).await,
        hash,
        "the password is not reset"
    );

    let by_email = school
        .ok(
            "register",
            json!({"email": "huda@example.org", "password": "secret12"}),
        )
        .await;
    let again = school
        .call(
            "register",
            json!({"email": "HUDA@example.org", "md5pass": MD5PASS, "addToSchoolMember": 1}),
        )
        .await;
    assert_eq!(
        (errno(&again), again["data"].clone()),
        (461, by_email.clone()),
        "{again}"
    );
    let (_, user) = send(partner.get(&format!("/users/{by_email}/roles"))).await;
    assert_eq!(user["roles"], json!([{"id": 3, "name": "student"}]));

    // A person of another school with the same telephone is another person.
    let beta = super::school(&app, "beta").await;
    let other = beta
        .ok(
            "register",
            json!({"telephone": "13800000001", "password": "secret12"}),
        )
        .await;
    assert_ne!(other, uid);
}

async fn registrations_are_checked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let cases = [
        (
            json!({"telephone": "1380000000", "password": "secret12"}),
            134,
        ),
        (
            json!({"telephone": "+44-7700900123", "password": "secret12"}),
            134,
        ),
        (
            json!({"telephone": "13800000001", "password": "12345"}),
            137,
        ),
        (
            json!({"telephone": "13800000001", "password": "123456789012345678901"}),
            137,
        ),
        (json!({"telephone": "13800000001"}), 137),
        (
            json!({"telephone": "13800000001", "md5pass": "not-md5"}),
            100,
        ),
        (json!({"password": "secret12"}), 100),
        (
            json!({"email": "not an email", "password": "secret12"}),
            100,
        ),
    ];
    for (params, expected) in cases {
        let answer = school.call("register", params.clone()).await;
        assert_eq!(errno(&answer), expected, "{params} → {answer}");
    }
    let (_, list) = send(app.tenant("alpha").await.get("/users")).await;
    assert_eq!(list["meta"]["total"], 0, "nothing was created");
}

async fn register_multiple_answers_each_item_in_order_with_its_custom_column(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let existing = school.register("13800000009", "Existing", 1).await;
    let answer = school
        .call(
            "registerMultiple",
            json!({"userJson": [
                {"telephone": "13800000001", "nickname": "One", "password": "secret12", "addToSchoolMember": 1, "customColumn": "row-1"},
                {"telephone": "123", "password": "secret12", "customColumn": {"row": 2}},
                {"telephone": "13800000009", "password": "secret12", "customColumn": "row-3"},
                {"email": "four@example.org", "md5pass": MD5PASS},
            ]}),
        )
        .await;
    assert_eq!(errno(&answer), 1, "{answer}");
    assert_eq!(item_errnos(&answer), [1, 134, 135, 1]);
    let items = answer["data"].as_array().unwrap();
    assert!(items[0]["data"].is_i64());
    assert_eq!(items[0]["customColumn"], "row-1");
    assert_eq!(
        items[1]["customColumn"], r#"{"row":2}"#,
        "a customColumn is echoed as a text (ClassIn's type)"
    );
    assert_eq!(
        (items[2]["data"].as_i64(), items[2]["customColumn"].clone()),
        (Some(existing), json!("row-3"))
    );
    assert!(items[3].get("customColumn").is_none());

    for (user_json, expected) in [
        (json!("[{\"telephone\": "), 155),
        (json!("{\"telephone\": \"13800000001\"}"), 155),
        (json!([]), 155),
        (Value::from((0..11).map(|i| json!({"telephone": format!("139000000{i:02}"), "password": "secret12"})).collect::<Vec<_>>()), 450),
    ] {
        let answer = school.call("registerMultiple", json!({"userJson": user_json})).await;
        assert_eq!(errno(&answer), expected, "{answer}");
    }
    assert_eq!(
        errno(&school.call("registerMultiple", json!({})).await),
        100
    );
}

async fn add_teacher_answers_a_relationship_id_that_is_refused_where_a_uid_is_expected(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let uid = school
        .ok(
            "register",
            json!({"telephone": "13800000001", "password": "secret12"}),
        )
        .await
        .as_i64()
        .unwrap();
    let relationship = school
        .ok(
            "addTeacher",
            json!({"teacherAccount": "13800000001", "teacherName": "Mr Karim"}),
        )
        .await
        .as_i64()
        .expect("a relationship id");
    assert_ne!(relationship, uid, "the relationship id is not the UID");
    let again = school
        .call(
            "addTeacher",
            json!({"teacherAccount": "13800000001", "teacherName": "Mr K."}),
        )
        .await;
    assert_eq!(
        (errno(&again), again["data"].as_i64()),
        (133, Some(relationship)),
        "{again}"
    );
    for (params, expected) in [
        (
            json!({"teacherAccount": "13800000002", "teacherName": "Nobody"}),
            113,
        ),
        (
            json!({"teacherAccount": "nobody@example.org", "teacherName": "Nobody"}),
            113,
        ),
        (
            json!({"teacherAccount": "12", "teacherName": "Nobody"}),
            122,
        ),
        (json!({"teacherAccount": "13800000001"}), 100),
    ] {
        let answer = school.call("addTeacher", params.clone()).await;
        assert_eq!(errno(&answer), expected, "{params} → {answer}");
    }

    // Scheduling with the relationship id fails; with the UID it works.
    let course = school.course("Physics").await;
    let begin = super::now() + 3600;
    let lesson = |teacher: i64| json!({"courseId": course, "className": "Optics", "beginTime": begin, "endTime": begin + 3600, "teacherUid": teacher});
    assert_eq!(
        errno(&school.call("addCourseClass", lesson(relationship)).await),
        136
    );
    assert_eq!(
        errno(
            &school
                .call(
                    "editTeacher",
                    json!({"teacherUid": relationship, "teacherName": "X"})
                )
                .await
        ),
        219
    );
    assert_eq!(
        errno(
            &school
                .call(
                    "addCourseStudent",
                    json!({"courseId": course, "studentUid": relationship})
                )
                .await
        ),
        228
    );
    let lesson_id = school.ok("addCourseClass", lesson(uid)).await;
    let link = school
        .call(
            "getLoginLinked",
            json!({"uid": relationship, "courseId": course, "classId": lesson_id}),
        )
        .await;
    assert_eq!(errno(&link), 150, "{link}");
}

async fn school_students_are_added_and_renamed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let partner = app.tenant("alpha").await;
    let uid = school
        .ok(
            "register",
            json!({"email": "sara@example.org", "nickname": "Sara", "password": "secret12"}),
        )
        .await;
    for (params, expected) in [
        (json!({"studentAccount": "sara@example.org"}), 100),
        (
            json!({"studentAccount": "omar@example.org", "studentName": "Omar"}),
            113,
        ),
    ] {
        assert_eq!(
            errno(&school.call("addSchoolStudent", params.clone()).await),
            expected,
            "{params}"
        );
    }
    let added = school
        .call(
            "addSchoolStudent",
            json!({"studentAccount": "SARA@example.org", "studentName": "Sara H."}),
        )
        .await;
    assert_eq!(errno(&added), 1, "{added}");
    assert!(added.get("data").is_none(), "no data: {added}");
    let (_, user) = send(partner.get(&format!("/users/{uid}/roles"))).await;
    assert_eq!(user["roles"], json!([{"id": 3, "name": "student"}]));
    let again = school
        .call(
            "addSchoolStudent",
            json!({"studentAccount": "sara@example.org", "studentName": "Sara H"}),
        )
        .await;
    assert_eq!(errno(&again), 133);

    assert_eq!(
        errno(
            &school
                .call(
                    "editSchoolStudent",
                    json!({"studentUid": uid, "studentName": "Sara Haddad"})
                )
                .await
        ),
        1
    );
    assert_eq!(
        errno(
            &school
                .call(
                    "editSchoolStudent",
                    json!({"studentUid": uid, "studentName": ""})
                )
                .await
        ),
        100
    );
    assert_eq!(
        errno(
            &school
                .call(
                    "editSchoolStudent",
                    json!({"studentUid": 999_999, "studentName": "X"})
                )
                .await
        ),
        228
    );
    let teacher = school.register("13800000001", "Karim", 2).await;
    assert_eq!(
        errno(
            &school
                .call(
                    "editSchoolStudent",
                    json!({"studentUid": teacher, "studentName": "X"})
                )
                .await
        ),
        228
    );
    assert_eq!(
        errno(
            &school
                .call(
                    "editTeacher",
                    json!({"teacherUid": teacher, "teacherName": "Mr Karim"})
                )
                .await
        ),
        1
    );
    assert_eq!(
        errno(
            &school
                .call(
                    "editTeacher",
                    json!({"teacherUid": uid, "teacherName": "X"})
                )
                .await
        ),
        219
    );
    assert_eq!(
        errno(
            &school
                .call(
                    "editTeacher",
                    json!({"teacherUid": "abc", "teacherName": "X"})
                )
                .await
        ),
        100
    );
}

async fn stopped_teachers_cannot_be_given_lessons_until_restarted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school: School = school(&app, "alpha").await;
    let teacher = school.register("13800000001", "Karim", 2).await;
    let student = school.register("13800000002", "Sara", 1).await;
    let course = school.course("Physics").await;
    let other = school.register("13800000003", "Dana", 2).await;
    let before = school.lesson(course, teacher, 7200).await;
    let stop = json!({"teacherUid": teacher});
    assert_eq!(
        errno(&school.call("stopUsingTeacher", stop.clone()).await),
        317,
        "the teacher still has a lesson that has not ended"
    );
    school
        .ok(
            "editCourseClass",
            json!({"courseId": course, "classId": before, "teacherUid": other}),
        )
        .await;
    assert_eq!(
        errno(&school.call("stopUsingTeacher", stop.clone()).await),
        1
    );
    assert_eq!(
        errno(&school.call("stopUsingTeacher", stop).await),
        1,
        "already stopped"
    );
    assert_eq!(
        errno(
            &school
                .call("stopUsingTeacher", json!({"teacherUid": student}))
                .await
        ),
        136
    );
    let begin = super::now() + 3600;
    let lesson = json!({"courseId": course, "className": "Optics", "beginTime": begin, "endTime": begin + 3600, "teacherUid": teacher});
    assert_eq!(
        errno(&school.call("addCourseClass", lesson.clone()).await),
        387,
        "a stopped teacher"
    );
    assert_eq!(
        errno(
            &school
                .call(
                    "editCourseClass",
                    json!({"courseId": course, "classId": before, "teacherUid": teacher})
                )
                .await
        ),
        387
    );
    assert_eq!(
        errno(
            &school
                .call("restartUsingTeacher", json!({"teacherUid": teacher}))
                .await
        ),
        1
    );
    assert_eq!(
        errno(
            &school
                .call("restartUsingTeacher", json!({"teacherUid": teacher}))
                .await
        ),
        1,
        "already teaching"
    );
    assert_eq!(
        errno(
            &school
                .call("restartUsingTeacher", json!({"teacherUid": student}))
                .await
        ),
        136
    );
    assert_eq!(errno(&school.call("addCourseClass", lesson).await), 1);
}
