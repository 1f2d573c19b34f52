//! The scheduling API's courses: creating them (idempotently), their fields' rules, changing and ending them, and
//! their students.

use serde_json::{json, Value};

use super::{errno, item_errnos, now, school};
use crate::{
    both_databases,
    harness::{Backend, TestApp},
};

both_databases!(
    courses_are_created_once_per_unique_identity,
    course_fields_are_checked,
    ended_courses_take_no_new_lessons_or_students,
    course_students_must_be_students_of_the_school_and_are_added_once,
    course_students_are_added_and_removed_in_batches,
);

async fn courses_are_created_once_per_unique_identity(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let params = json!({"courseName": "Physics", "courseUniqueIdentity": "sis-course-17"});
    let first = school.ok("addCourse", params.clone()).await;
    assert!(first.is_i64());
    let again = school.call("addCourse", params).await;
    assert_eq!(errno(&again), 398, "{again}");
    assert_eq!(again["data"], first, "the repeat answers the first id");
    let other = school
        .ok(
            "addCourse",
            json!({"courseName": "Physics", "courseUniqueIdentity": "sis-course-18"}),
        )
        .await;
    assert_ne!(other, first);
    let plain = school.course("Physics").await;
    assert_ne!(
        Value::from(plain),
        first,
        "without an identity every call creates one"
    );
    // Another school's identical identity is its own course.
    let beta = super::school(&app, "beta").await;
    let theirs = beta
        .ok(
            "addCourse",
            json!({"courseName": "Physics", "courseUniqueIdentity": "sis-course-17"}),
        )
        .await;
    assert_ne!(theirs, first);
    let long = json!({"courseName": "Physics", "courseUniqueIdentity": "x".repeat(33)});
    assert_eq!(errno(&school.call("addCourse", long).await), 100);
}

async fn course_fields_are_checked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let teacher = school.register("13800000001", "Karim", 2).await;
    let student = school.register("13800000002", "Sara", 1).await;
    let day = 86_400;
    let cases = [
        (json!({}), 100),
        // Over their limits, names and introductions are cut, as the page says.
        (json!({"courseName": "x".repeat(91)}), 1),
        (
            json!({"courseName": "Physics", "courseIntroduce": "x".repeat(401)}),
            1,
        ),
        (
            json!({"courseName": "Physics", "expiryTime": now() + day - 60}),
            151,
        ),
        (
            json!({"courseName": "Physics", "expiryTime": now() + 6 * 365 * day}),
            154,
        ),
        (json!({"courseName": "Physics", "expiryTime": "soon"}), 100),
        (
            json!({"courseName": "Physics", "mainTeacherUid": student}),
            334,
        ),
        (
            json!({"courseName": "Physics", "mainTeacherUid": teacher, "expiryTime": now() + 30 * day,
                "courseIntroduce": "Light and sound"}),
            1,
        ),
        (json!({"courseName": "x".repeat(90), "expiryTime": 0}), 1),
    ];
    for (params, expected) in cases {
        let answer = school.call("addCourse", params.clone()).await;
        assert_eq!(errno(&answer), expected, "{params} → {answer}");
    }
    let course = school.course("Physics").await;
    for (params, expected) in [
        (
            json!({"courseId": course, "courseName": "Physics II", "expiryTime": now() + 2 * day}),
            1,
        ),
        (json!({"courseId": course, "expiryTime": now() + 60}), 151),
        (json!({"courseId": course, "mainTeacherUid": teacher}), 1),
        (json!({"courseId": course, "mainTeacherUid": student}), 334),
        (json!({"courseId": 999_999, "courseName": "Nope"}), 144),
        (json!({"courseName": "No id"}), 100),
    ] {
        let answer = school.call("editCourse", params.clone()).await;
        assert_eq!(errno(&answer), expected, "{params} → {answer}");
    }
}

async fn ended_courses_take_no_new_lessons_or_students(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let teacher = school.register("13800000001", "Karim", 2).await;
    let student = school.register("13800000002", "Sara", 1).await;
    let course = school.course("Physics").await;
    assert_eq!(
        errno(&school.call("endCourse", json!({"courseId": course})).await),
        1
    );
    assert_eq!(
        errno(&school.call("endCourse", json!({"courseId": course})).await),
        153
    );
    assert_eq!(
        errno(&school.call("endCourse", json!({"courseId": 999_999})).await),
        144
    );
    let begin = now() + 3600;
    let lesson = json!({"courseId": course, "className": "Optics", "beginTime": begin, "endTime": begin + 3600,
                        "teacherUid": teacher});
    assert_eq!(errno(&school.call("addCourseClass", lesson).await), 153);
    let classes = json!({"courseId": course, "classJson": [{"className": "Optics", "beginTime": begin,
                         "endTime": begin + 3600, "teacherUid": teacher}]});
    assert_eq!(
        errno(&school.call("addCourseClassMultiple", classes).await),
        153
    );
    let add = json!({"courseId": course, "studentUid": student});
    assert_eq!(errno(&school.call("addCourseStudent", add).await), 153);
    let add = json!({"courseId": course, "studentJson": [{"uid": student}]});
    assert_eq!(
        errno(&school.call("addCourseStudentMultiple", add).await),
        153
    );
    assert_eq!(
        errno(
            &school
                .call("editCourse", json!({"courseId": course, "courseName": "X"}))
                .await
        ),
        153
    );
}

async fn course_students_must_be_students_of_the_school_and_are_added_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let teacher = school.register("13800000001", "Karim", 2).await;
    let student = school.register("13800000002", "Sara", 1).await;
    let outsider = school
        .ok(
            "register",
            json!({"telephone": "13800000003", "password": "secret12"}),
        )
        .await;
    let course = school.course("Physics").await;
    let add = |uid: Value, identity: i64| json!({"courseId": course, "studentUid": uid, "identity": identity});
    assert_eq!(
        errno(&school.call("addCourseStudent", add(outsider, 1)).await),
        228
    );
    assert_eq!(
        errno(
            &school
                .call("addCourseStudent", add(teacher.into(), 1))
                .await
        ),
        129
    );
    assert_eq!(
        errno(
            &school
                .call("addCourseStudent", add(student.into(), 3))
                .await
        ),
        100
    );
    assert_eq!(
        errno(
            &school
                .call("addCourseStudent", add(student.into(), 1))
                .await
        ),
        1
    );
    assert_eq!(
        errno(
            &school
                .call("addCourseStudent", add(student.into(), 2))
                .await
        ),
        163
    );
    let missing = json!({"courseId": 999_999, "studentUid": student});
    assert_eq!(errno(&school.call("addCourseStudent", missing).await), 144);

    let remove = json!({"courseId": course, "studentUid": student});
    assert_eq!(
        errno(&school.call("delCourseStudent", remove.clone()).await),
        1
    );
    assert_eq!(errno(&school.call("delCourseStudent", remove).await), 162);
    let auditor = json!({"courseId": course, "studentUid": student, "identity": 2, "studentName": "Sara (audit)"});
    assert_eq!(
        errno(&school.call("addCourseStudent", auditor).await),
        1,
        "back as an auditor"
    );
}

async fn course_students_are_added_and_removed_in_batches(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let sara = school.register("13800000001", "Sara", 1).await;
    let omar = school.register("13800000002", "Omar", 1).await;
    let teacher = school.register("13800000003", "Karim", 2).await;
    let course = school.course("Physics").await;
    let answer = school
        .call(
            "addCourseStudentMultiple",
            json!({"courseId": course, "identity": 1, "studentJson": [
                {"uid": sara, "name": "Sara", "customColumn": "a"},
                {"uid": teacher, "name": "Karim", "customColumn": "b"},
                {"uid": omar, "customColumn": "c"},
                {"uid": sara, "customColumn": "d"},
                {"name": "no uid"},
            ]}),
        )
        .await;
    assert_eq!(item_errnos(&answer), [1, 129, 1, 133, 100], "{answer}");
    let columns: Vec<Value> = answer["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["customColumn"].clone())
        .collect();
    assert_eq!(
        columns,
        [json!("a"), json!("b"), json!("c"), json!("d"), Value::Null]
    );

    for (student_json, expected) in [
        (json!("not json"), 155),
        (json!([]), 155),
        (
            Value::from((0..101).map(|uid| json!({"uid": uid})).collect::<Vec<_>>()),
            450,
        ),
    ] {
        let answer = school
            .call(
                "addCourseStudentMultiple",
                json!({"courseId": course, "studentJson": student_json}),
            )
            .await;
        assert_eq!(errno(&answer), expected, "{answer}");
    }

    let answer = school
        .call(
            "delCourseStudentMultiple",
            json!({"courseId": course, "studentUidJson": [omar, teacher, sara]}),
        )
        .await;
    assert_eq!(item_errnos(&answer), [1, 162, 1], "{answer}");
    let answer = school
        .call(
            "delCourseStudentMultiple",
            json!({"courseId": course, "studentUidJson": "{}"}),
        )
        .await;
    assert_eq!(errno(&answer), 155);
}
