//! The course outline page `/courses/{id}`: a course's units and activities as its teacher sees them (drafts marked)
//! and as its student does (published only, classrooms linked to their lesson pages); a person outside the course,
//! and a course of another school, find nothing; the lesson page links to its course's outline.

use serde_json::json;

use super::{
    now,
    pages::{login_link, Visitor},
    readback::{lesson_at, scheduled_course},
    school,
};
use crate::{
    both_databases,
    harness::{Backend, TestApp},
};

both_databases!(the_outline_page_shows_each_person_their_view_of_the_course);

async fn the_outline_page_shows_each_person_their_view_of_the_course(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let (teacher, _, students, course) = scheduled_course(&school).await;
    let unit = school.unit(course, "Week 1 \u{202e}optics", 2).await;
    let begin = now() + 7200;
    let classroom = school
        .v2_ok(
            "/lms/activity/createClass",
            json!({"courseId": course, "unitId": unit, "name": "Mirrors and lenses", "teacherUid": teacher,
                   "startTime": begin, "endTime": begin + 3600}),
        )
        .await;
    let _ = school
        .v2(
            "/lms/activity/release",
            json!({"courseId": course, "activityIds": [classroom["activityId"]]}),
        )
        .await;
    school
        .v2_ok(
            "/lms/activity/createActivityNoClass",
            json!({"courseId": course, "unitId": unit, "activityType": 2, "name": "Homework draft",
                   "teacherUid": teacher, "startTime": now() + 3600, "endTime": now() + 86_400}),
        )
        .await;
    let lesson = lesson_at(&school, course, teacher, "Optics", 3600, 60, json!({})).await;

    // The teacher: everything, the draft marked as one.
    let (teacher_page, _) = Visitor::open(
        &app.address,
        &login_link(&school, teacher, course, lesson).await,
    )
    .await;
    let (status, lesson_page) = teacher_page.get(&format!("/lessons/{lesson}")).await;
    assert_eq!(status, 200, "{lesson_page}");
    assert!(
        lesson_page.contains(&format!("href=\"/courses/{course}\"")),
        "the lesson page links to its course: {lesson_page}"
    );
    let (status, page) = teacher_page.get(&format!("/courses/{course}")).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Physics 5A"), "{page}");
    assert!(page.contains("Mirrors and lenses"), "{page}");
    assert!(page.contains("Homework draft"), "{page}");
    assert!(page.contains("class=\"draft\""), "{page}");
    assert!(
        page.contains(&format!("href=\"/lessons/{}\"", classroom["classId"])),
        "a classroom links to its lesson page: {page}"
    );
    assert!(
        page.contains("<bdi>Week 1 \u{202e}optics</bdi>"),
        "names are isolated for bidirectional text: {page}"
    );

    // A student of the course: the published classroom, not the draft.
    let (student_page, _) = Visitor::open(
        &app.address,
        &login_link(&school, students[0], course, lesson).await,
    )
    .await;
    let (status, page) = student_page.get(&format!("/courses/{course}")).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        !page.contains("Homework draft"),
        "a draft is hidden: {page}"
    );
    assert!(!page.contains("class=\"draft\""), "{page}");
    let (_, arabic) = student_page
        .get(&format!("/courses/{course}?lang=ar"))
        .await;
    assert!(
        arabic.contains("مخطط الدورة") || arabic.contains("Course outline"),
        "{arabic}"
    );

    // Someone outside the course (a student of another course), an unknown course and junk ids: nothing to see.
    let outsider = school.register("13800000099", "Outsider", 1).await;
    let chemistry = school.course("Chemistry").await;
    school
        .ok(
            "addCourseStudent",
            json!({"courseId": chemistry, "studentUid": outsider, "identity": 1}),
        )
        .await;
    let acids = lesson_at(&school, chemistry, teacher, "Acids", 3600, 60, json!({})).await;
    let (outsider_page, _) = Visitor::open(
        &app.address,
        &login_link(&school, outsider, chemistry, acids).await,
    )
    .await;
    let (status, page) = outsider_page.get(&format!("/courses/{course}")).await;
    assert_eq!(status, 404, "{page}");
    assert!(!page.contains("Mirrors and lenses"), "{page}");
    let (status, _) = outsider_page.get(&format!("/courses/{chemistry}")).await;
    assert_eq!(status, 200, "their own course opens");
    for path in [
        format!("/courses/{}", course + 1000),
        "/courses/abc".to_owned(),
        "/courses/0".to_owned(),
    ] {
        let (status, page) = student_page.get(&path).await;
        assert_eq!(status, 404, "{path}: {page}");
    }

    // Another school's course with the same id space: not found for this school's people.
    let beta = super::school(&app, "beta").await;
    let beta_teacher = beta.register("13900000001", "Beta teacher", 2).await;
    let beta_course = beta
        .ok(
            "addCourse",
            json!({"courseName": "Beta secret course", "mainTeacherUid": beta_teacher}),
        )
        .await
        .as_i64()
        .unwrap();
    let (status, page) = teacher_page.get(&format!("/courses/{beta_course}")).await;
    assert_eq!(status, 404, "{page}");
    assert!(!page.contains("Beta secret course"));
}
