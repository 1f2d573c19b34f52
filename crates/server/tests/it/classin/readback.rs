//! Reading scheduling back with the partner credential (section 5): courses with their counts and students,
//! lessons by time, course and teacher, one lesson with its people; bad filters; no tenant reads another's.

use serde_json::{json, Value};

use super::{now, school, School};
use crate::{
    both_databases,
    harness::{send, Backend, TestApp, TestTenant},
};

both_databases!(
    courses_and_lessons_read_back_with_their_people,
    lessons_are_filtered_by_time_course_and_teacher_and_paged,
    bad_filters_and_unknown_ids_are_answered_clearly,
    no_tenant_reads_or_books_another_tenants_lessons,
);

/// `(teacher, assistant, [students], course)` of a school with one course and its two students.
pub async fn scheduled_course(school: &School) -> (i64, i64, Vec<i64>, i64) {
    let teacher = school.register("13800000001", "Karim Haddad", 2).await;
    let assistant = school.register("13800000002", "Dana Aziz", 2).await;
    let sara = school.register("13800000003", "Sara Saleh", 1).await;
    let omar = school.register("13800000004", "Omar Nasser", 1).await;
    let course = school
        .ok(
            "addCourse",
            json!({"courseName": "Physics 5A", "mainTeacherUid": teacher, "courseIntroduce": "Light and sound",
                   "courseUniqueIdentity": "sis-course-1"}),
        )
        .await
        .as_i64()
        .unwrap();
    for (uid, identity) in [(sara, 1), (omar, 2)] {
        let mut params = json!({"courseId": course, "studentUid": uid, "identity": identity});
        if identity == 2 {
            params["studentName"] = json!("Omar (auditing)");
        }
        school.ok("addCourseStudent", params).await;
    }
    (teacher, assistant, vec![sara, omar], course)
}

/// Schedules a lesson `lead` seconds from now lasting `minutes`; extra fields (bookable, seatNum…) from `extra`.
pub async fn lesson_at(
    school: &School,
    course: i64,
    teacher: i64,
    name: &str,
    lead: i64,
    minutes: i64,
    extra: Value,
) -> i64 {
    let begin = now() + lead;
    let mut params = json!({"courseId": course, "className": name, "beginTime": begin,
                            "endTime": begin + minutes * 60, "teacherUid": teacher});
    params
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    school
        .ok("addCourseClass", params)
        .await
        .as_i64()
        .expect("a lesson id")
}

/// The partner credential of the school's tenant, without a rate limit.
pub async fn partner(app: &TestApp, slug: &str) -> TestTenant {
    app.tenant_with(slug, |request| request.rate_limit_per_minute = Some(0))
        .await
}

async fn courses_and_lessons_read_back_with_their_people(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let partner = partner(&app, "alpha").await;
    let (teacher, assistant, students, course) = scheduled_course(&school).await;
    let first = lesson_at(
        &school,
        course,
        teacher,
        "Optics",
        7200,
        60,
        json!({"assistantUid": assistant, "seatNum": 8, "classIntroduce": "Lenses"}),
    )
    .await;
    lesson_at(&school, course, teacher, "Waves", 86_400, 45, json!({})).await;

    let (status, list) = send(partner.get("/api/v2/courses")).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["meta"]["total"], 1);
    let listed = &list["data"][0];
    assert_eq!(listed["id"], course);
    assert_eq!(listed["name"], "Physics 5A");
    assert_eq!(listed["introduction"], "Light and sound");
    assert_eq!(
        listed["main_teacher"],
        json!({"uid": teacher, "name": "Karim Haddad"})
    );
    assert_eq!(listed["unique_identity"], "sis-course-1");
    assert_eq!(listed["status"], "active");
    assert_eq!(listed["expiry_time"], Value::Null);
    assert_eq!(
        (
            &listed["student_count"],
            &listed["auditor_count"],
            &listed["lesson_count"]
        ),
        (&json!(1), &json!(1), &json!(2))
    );

    let (status, one) = send(partner.get(&format!("/api/v2/courses/{course}"))).await;
    assert_eq!(status, 200, "{one}");
    assert_eq!(
        one["students"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (
                s["uid"].as_i64().unwrap(),
                s["name"].as_str().unwrap(),
                s["identity"].as_str().unwrap()
            ))
            .collect::<Vec<_>>(),
        vec![
            (students[0], "Sara Saleh", "student"),
            (students[1], "Omar (auditing)", "auditor")
        ]
    );

    let (status, lesson) = send(partner.get(&format!("/api/v2/lessons/{first}"))).await;
    assert_eq!(status, 200, "{lesson}");
    assert_eq!(lesson["name"], "Optics");
    assert_eq!(lesson["introduction"], "Lenses");
    assert_eq!(
        lesson["course"],
        json!({"id": course, "name": "Physics 5A"})
    );
    assert_eq!(lesson["teacher"]["uid"], teacher);
    assert_eq!(lesson["seat_num"], 8);
    assert_eq!(lesson["bookable"], false);
    assert_eq!(lesson["seats_left"], Value::Null);
    assert_eq!(lesson["status"], "scheduled");
    assert_eq!(
        lesson["page_url"],
        format!("{}/lessons/{first}", app.address)
    );
    assert_eq!(
        lesson["assistants"],
        json!([{"uid": assistant, "name": "Dana Aziz"}])
    );
    assert_eq!(lesson["students_from"], "course");
    assert_eq!(lesson["students"].as_array().unwrap().len(), 2);
    assert_eq!(lesson["bookings"], json!([]));
    assert_eq!(lesson["attendance"], json!([]));
    let begin = lesson["begin_time"].as_str().unwrap();
    assert!(begin.ends_with('Z') && begin.len() == 24, "{begin}");

    // A lesson's own student list replaces the course's.
    school
        .ok(
            "addClassStudentMultiple",
            json!({"courseId": course, "classId": first, "identity": 1, "studentJson": [{"uid": students[0]}]}),
        )
        .await;
    let (_, lesson) = send(partner.get(&format!("/api/v2/lessons/{first}"))).await;
    assert_eq!(lesson["students_from"], "lesson");
    assert_eq!(
        lesson["students"],
        json!([{"uid": students[0], "name": "Sara Saleh", "identity": "student"}])
    );
}

async fn lessons_are_filtered_by_time_course_and_teacher_and_paged(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let partner = partner(&app, "alpha").await;
    let (teacher, other_teacher, _, course) = scheduled_course(&school).await;
    let second_course = school.course("Chemistry").await;
    let soon = lesson_at(&school, course, teacher, "Soon", 3600, 60, json!({})).await;
    let tomorrow = lesson_at(
        &school,
        course,
        other_teacher,
        "Tomorrow",
        86_400,
        60,
        json!({}),
    )
    .await;
    let next_week = lesson_at(
        &school,
        second_course,
        teacher,
        "Next week",
        7 * 86_400,
        60,
        json!({}),
    )
    .await;
    let deleted = lesson_at(
        &school,
        course,
        teacher,
        "Deleted",
        2 * 86_400,
        60,
        json!({}),
    )
    .await;
    school
        .ok(
            "delCourseClass",
            json!({"courseId": course, "classId": deleted}),
        )
        .await;

    let ids = |page: &Value| -> Vec<i64> {
        page["data"]
            .as_array()
            .unwrap_or_else(|| panic!("{page}"))
            .iter()
            .map(|l| l["id"].as_i64().unwrap())
            .collect()
    };
    let get = |query: String| {
        let partner = &partner;
        async move {
            let (status, page) = send(partner.get(&format!("/api/v2/lessons{query}"))).await;
            assert_eq!(status, 200, "{query} → {page}");
            page
        }
    };
    assert_eq!(
        ids(&get(String::new()).await),
        vec![soon, tomorrow, next_week]
    );
    assert_eq!(
        ids(&get(format!("?course_id={course}")).await),
        vec![soon, tomorrow]
    );
    assert_eq!(
        ids(&get(format!("?teacher_uid={teacher}")).await),
        vec![soon, next_week]
    );
    let in_two_days = now() + 2 * 86_400;
    assert_eq!(
        ids(&get(format!("?to={in_two_days}")).await),
        vec![soon, tomorrow]
    );
    assert_eq!(
        ids(&get(format!("?from={in_two_days}")).await),
        vec![next_week]
    );
    let rfc = |seconds: i64| {
        time::OffsetDateTime::from_unix_timestamp(seconds)
            .unwrap()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    let window = format!(
        "?from={}&to={}",
        urlencode(&rfc(now() + 2 * 3600)),
        urlencode(&rfc(now() + 3 * 86_400))
    );
    assert_eq!(ids(&get(window).await), vec![tomorrow]);
    let plain = time::OffsetDateTime::from_unix_timestamp(now() + 2 * 3600).unwrap();
    let plain = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        plain.year(),
        u8::from(plain.month()),
        plain.day(),
        plain.hour(),
        plain.minute(),
        plain.second()
    );
    assert_eq!(
        ids(&get(format!("?from={}&course_id={course}", urlencode(&plain))).await),
        vec![tomorrow]
    );

    let first_page = get("?per_page=2".into()).await;
    assert_eq!(ids(&first_page), vec![soon, tomorrow]);
    assert_eq!(
        first_page["meta"],
        json!({"page": 1, "per_page": 2, "total": 3})
    );
    let next = first_page["links"]["next"].as_str().unwrap().to_owned();
    let (status, second_page) = send(partner.get(&next)).await;
    assert_eq!(status, 200);
    assert_eq!(ids(&second_page), vec![next_week]);
    assert_eq!(second_page["links"]["next"], Value::Null);

    let (status, gone) = send(partner.get(&format!("/api/v2/lessons/{deleted}"))).await;
    assert_eq!(status, 200, "a deleted lesson still reads back, saying so");
    assert_eq!(gone["status"], "deleted");
    assert!(gone["deleted_at"].is_string());
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

async fn bad_filters_and_unknown_ids_are_answered_clearly(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = partner(&app, "alpha").await;
    for (query, path) in [
        ("?from=yesterday", "from"),
        ("?to=2026-13-01", "to"),
        ("?course_id=abc", "course_id"),
        ("?teacher_uid=-3", "teacher_uid"),
        ("?from=2026-01-02&to=2026-01-01", "to"),
        ("?per_page=5000", "per_page"),
    ] {
        let (status, body) = send(partner.get(&format!("/api/v2/lessons{query}"))).await;
        assert_eq!(status, 422, "{query} → {body}");
        assert!(body["errors"][path].is_array(), "{query} → {body}");
    }
    for path in [
        "/api/v2/courses/abc",
        "/api/v2/courses/999999",
        "/api/v2/lessons/0",
        "/api/v2/lessons/999999",
    ] {
        let (status, body) = send(partner.get(path)).await;
        assert_eq!(status, 404, "{path} → {body}");
        assert!(
            body["message"].as_str().unwrap().starts_with("No "),
            "{body}"
        );
    }
    let (status, empty) = send(partner.get("/api/v2/courses")).await;
    assert_eq!((status, &empty["data"]), (200, &json!([])));
}

async fn no_tenant_reads_or_books_another_tenants_lessons(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha_school = school(&app, "alpha").await;
    let (teacher, _, students, course) = scheduled_course(&alpha_school).await;
    let lesson = lesson_at(
        &alpha_school,
        course,
        teacher,
        "Optics",
        3600,
        60,
        json!({"bookable": 1, "seatNum": 4}),
    )
    .await;
    let alpha = partner(&app, "alpha").await;
    let beta = partner(&app, "beta").await;
    let (status, _) = send(alpha.post_json(
        &format!("/api/v2/lessons/{lesson}/bookings"),
        &json!({"uid": students[0]}),
    ))
    .await;
    assert_eq!(status, 201);

    let (status, list) = send(beta.get("/api/v2/courses")).await;
    assert_eq!((status, &list["data"]), (200, &json!([])));
    let (status, list) = send(beta.get("/api/v2/lessons")).await;
    assert_eq!((status, &list["data"]), (200, &json!([])));
    for path in [
        format!("/api/v2/courses/{course}"),
        format!("/api/v2/lessons/{lesson}"),
    ] {
        assert_eq!(send(beta.get(&path)).await.0, 404, "{path}");
    }
    let (status, _) = send(beta.post_json(
        &format!("/api/v2/lessons/{lesson}/bookings"),
        &json!({"uid": students[1]}),
    ))
    .await;
    assert_eq!(status, 404);
    let (status, _) = send(beta.request(
        reqwest::Method::DELETE,
        &format!("/api/v2/lessons/{lesson}/bookings/{}", students[0]),
    ))
    .await;
    assert_eq!(status, 404);
    let (_, still) = send(alpha.get(&format!("/api/v2/lessons/{lesson}"))).await;
    assert_eq!(still["bookings"].as_array().unwrap().len(), 1, "{still}");
}
