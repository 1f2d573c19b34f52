//! Lesson pages end to end: a getLoginLinked link opens the lesson's page; the join window (teachers 20 minutes
//! before, students 10, closed 20 after the end) decides entry, with the server's clock moved; entering opens the
//! tenant's video room and records attendance; students book and cancel from their pages; admins see the calendar.

use reqwest::header;
use serde_json::{json, Value};

use super::{
    readback::{lesson_at, partner, scheduled_course},
    school, School,
};
use crate::{
    both_databases,
    harness::{send, Backend, TestApp, TestTenant},
    mirror::mirror,
};

both_databases!(
    lesson_links_open_the_lesson_page_and_the_join_window_decides_entry,
    students_book_and_cancel_from_their_pages,
);

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A signed-in browser: its session cookie, on `base`.
pub(super) struct Visitor {
    base: String,
    cookie: String,
    client: reqwest::Client,
}

impl Visitor {
    /// Opens a sign-in link; answers the visitor and where the link led.
    pub(super) async fn open(base: &str, link: &str) -> (Self, String) {
        let client = browser();
        let response = client.get(link).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 303, "{link}");
        let location = response.headers()[header::LOCATION]
            .to_str()
            .unwrap()
            .to_owned();
        let cookie = response.headers()[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let visitor = Self {
            base: base.to_owned(),
            cookie,
            client,
        };
        (visitor, location)
    }

    pub(super) async fn get(&self, path: &str) -> (u16, String) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header(header::COOKIE, &self.cookie)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// Posts a form with the page's CSRF token (or `csrf` when given); answers status, Location and body.
    pub(super) async fn post(
        &self,
        path: &str,
        csrf: Option<&str>,
    ) -> (u16, Option<String>, String) {
        let token = match csrf {
            Some(token) => token.to_owned(),
            // A lesson link's session opens only its lesson's page: take the token from there.
            None => {
                let lesson_page = match path.strip_prefix("/lessons/") {
                    Some(rest) => {
                        self.get(&format!(
                            "/lessons/{}",
                            rest.split('/').next().unwrap_or("")
                        ))
                        .await
                        .1
                    }
                    None => String::new(),
                };
                if lesson_page.contains("name=\"csrf\"") {
                    csrf_of(&lesson_page)
                } else {
                    csrf_of(&self.get("/home").await.1)
                }
            }
        };
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header(header::COOKIE, &self.cookie)
            .form(&[("csrf", token)])
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_owned());
        (status, location, response.text().await.unwrap())
    }
}

fn csrf_of(page: &str) -> String {
    let start = page
        .find("name=\"csrf\" value=\"")
        .unwrap_or_else(|| panic!("a form: {page}"))
        + 19;
    page[start..].split('"').next().unwrap().to_owned()
}

pub(super) async fn login_link(school: &School, uid: i64, course: i64, lesson: i64) -> String {
    school
        .ok(
            "getLoginLinked",
            json!({"uid": uid, "courseId": course, "classId": lesson}),
        )
        .await
        .as_str()
        .unwrap()
        .to_owned()
}

async fn lesson_links_open_the_lesson_page_and_the_join_window_decides_entry(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let partner = partner(&app, "alpha").await;
    classbridge_service::admin::set_tenant_video_room(
        &app.store,
        "alpha",
        Some("https://meet.example.org/{tenant}-{lesson_id}"),
    )
    .await
    .unwrap();
    let (teacher, _, students, course) = scheduled_course(&school).await;
    let lesson = lesson_at(&school, course, teacher, "Optics", 3600, 60, json!({})).await;

    let (teacher_page, location) = Visitor::open(
        &app.address,
        &login_link(&school, teacher, course, lesson).await,
    )
    .await;
    assert_eq!(location, format!("/lessons/{lesson}?lang=en"));
    let (sara, _) = Visitor::open(
        &app.address,
        &login_link(&school, students[0], course, lesson).await,
    )
    .await;
    let (status, page) = teacher_page.get(&location).await;
    assert_eq!(status, 200, "{page}");
    for expected in [
        "Optics",
        "Physics 5A",
        "Karim Haddad",
        "Sara Saleh",
        "Omar (auditing)",
        "Entry opens at",
    ] {
        assert!(page.contains(expected), "{expected} missing from {page}");
    }
    assert!(!page.contains("class=\"enter\""), "not yet: {page}");
    let enter = format!("/lessons/{lesson}/enter");
    let (status, _, body) = teacher_page.post(&enter, None).await;
    assert_eq!(status, 409, "{body}");
    let (status, _, _) = teacher_page.post(&enter, Some("forged")).await;
    assert_eq!(status, 403, "the form token is checked");

    // 19 minutes before the start: the teacher may enter, students not yet.
    app.clock.advance(3600 - 19 * 60);
    let (_, page) = teacher_page.get(&format!("/lessons/{lesson}")).await;
    assert!(page.contains("class=\"enter\""), "{page}");
    let (status, _, body) = teacher_page.post(&enter, None).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains(&format!("href=\"https://meet.example.org/alpha-{lesson}\"")),
        "{body}"
    );
    let (_, page) = sara.get(&format!("/lessons/{lesson}")).await;
    assert!(
        page.contains("Entry opens at") && !page.contains("class=\"enter\""),
        "{page}"
    );
    assert_eq!(sara.post(&enter, None).await.0, 409);
    // A lesson link's session opens that lesson's page and "Enter", and nothing else.
    let (status, home) = sara.get("/home").await;
    assert_eq!(status, 403, "{home}");
    assert!(
        home.contains("This sign-in opens one lesson only"),
        "{home}"
    );

    // 9 minutes before: students too; twice counts two entries.
    app.clock.advance(10 * 60);
    assert_eq!(sara.post(&enter, None).await.0, 200);
    assert_eq!(sara.post(&enter, None).await.0, 200);
    let (_, read) = send(partner.get(&format!("/api/v2/lessons/{lesson}"))).await;
    let attendance: Vec<(i64, String, i64)> = read["attendance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["uid"].as_i64().unwrap(),
                a["role"].as_str().unwrap().to_owned(),
                a["entries"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        attendance,
        vec![
            (teacher, "teacher".into(), 1),
            (students[0], "student".into(), 2)
        ]
    );
    let (_, page) = teacher_page.get(&format!("/lessons/{lesson}")).await;
    assert!(
        page.contains("id=\"attendance\"") && page.contains("attendance-row"),
        "{page}"
    );
    let (_, page) = sara.get(&format!("/lessons/{lesson}")).await;
    assert!(
        !page.contains("id=\"attendance\""),
        "students do not see attendance"
    );

    // 21 minutes after the end: closed.
    app.clock.advance(9 * 60 + 3600 + 21 * 60);
    let (_, page) = sara.get(&format!("/lessons/{lesson}")).await;
    assert!(page.contains("This lesson has ended."), "{page}");
    assert_eq!(sara.post(&enter, None).await.0, 409);

    // A person who is not in the lesson does not see it; without a session nobody does.
    let mirrored = json!({"branches": [{"id": 1, "name": "North", "classes": [{"id": 1, "name": "Grade 7",
        "sections": [{"name": "A", "subjects": [], "students": [{"uuid": "s9", "name": "Hadi"}]}]}]}]});
    assert_eq!(mirror(&partner, &mirrored).await["status"], "succeeded");
    let (hadi, _) = Visitor::open(&app.address, &sso_link(&partner, "s9").await).await;
    let (status, page) = hadi.get(&format!("/lessons/{lesson}")).await;
    assert_eq!(status, 404, "{page}");
    assert_eq!(hadi.post(&enter, None).await.0, 404);
    let response = browser()
        .get(format!("{}/lessons/{lesson}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
}

async fn sso_link(partner: &TestTenant, uuid: &str) -> String {
    let (status, answer) =
        send(partner.post_json("/api/v2/mirror-data/sso-token", &json!({"uuid": uuid}))).await;
    assert_eq!(status, 200, "{answer}");
    answer["url"].as_str().unwrap().to_owned()
}

async fn students_book_and_cancel_from_their_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let partner = partner(&app, "alpha").await;
    let roster = json!({"branches": [{"id": 1, "name": "North", "classes": [{"id": 1, "name": "Grade 7",
        "sections": [{"name": "A", "subjects": [],
                      "students": [{"uuid": "s1", "name": "Sara"}, {"uuid": "s2", "name": "Omar"}]}]}]}]});
    assert_eq!(mirror(&partner, &roster).await["status"], "succeeded");
    let teacher = school.register("13800000001", "Karim", 2).await;
    let course = school.course("Open lab").await;
    let lab = lesson_at(
        &school,
        course,
        teacher,
        "Open lab hour",
        7200,
        60,
        json!({"bookable": 1, "seatNum": 1}),
    )
    .await;
    let other = lesson_at(
        &school,
        course,
        teacher,
        "Microscopes",
        2 * 86_400,
        60,
        json!({"bookable": 1, "seatNum": 5}),
    )
    .await;

    let (sara, _) = Visitor::open(&app.address, &sso_link(&partner, "s1").await).await;
    let (omar, _) = Visitor::open(&app.address, &sso_link(&partner, "s2").await).await;
    let (status, home) = sara.get("/home").await;
    assert_eq!(status, 200);
    assert!(home.contains("id=\"open-for-booking\""), "{home}");
    assert!(
        home.contains("Open lab hour") && home.contains("Microscopes"),
        "{home}"
    );

    let (status, location, _) = sara.post(&format!("/lessons/{lab}/book"), None).await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some(format!("/lessons/{lab}").as_str()))
    );
    let (_, page) = sara.get(&format!("/lessons/{lab}")).await;
    assert!(
        page.contains("You have booked a seat.") && page.contains("Cancel my booking"),
        "{page}"
    );
    let (_, home) = sara.get("/home").await;
    let my_lessons = &home
        [home.find("id=\"my-lessons\"").unwrap()..home.find("id=\"open-for-booking\"").unwrap()];
    assert!(my_lessons.contains("Open lab hour"), "{home}");
    let open = &home[home.find("id=\"open-for-booking\"").unwrap()..];
    assert!(
        !open.contains("Open lab hour") && open.contains("Microscopes"),
        "{home}"
    );

    // The one seat is taken: Omar no longer sees the lesson as bookable, and booking it anyway says it is full.
    let (_, home) = omar.get("/home").await;
    assert!(!home.contains("Open lab hour"), "{home}");
    let (status, _, page) = omar.post(&format!("/lessons/{lab}/book"), None).await;
    assert_eq!(status, 409);
    assert!(page.contains("This lesson is full."), "{page}");

    let (status, location, _) = sara.post(&format!("/lessons/{lab}/cancel"), None).await;
    assert_eq!((status, location), (303, Some(format!("/lessons/{lab}"))));
    let (status, _, _) = omar.post(&format!("/lessons/{lab}/book"), None).await;
    assert_eq!(status, 303);
    let (_, read) = send(partner.get(&format!("/api/v2/lessons/{lab}"))).await;
    let holders: Vec<&Value> = read["bookings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| &b["name"])
        .collect();
    assert_eq!(holders, vec![&json!("Omar")]);
    let _ = other;

    // The school's admins see the lessons in the dashboard's calendar.
    let (status, _) = send(partner.post_json(
        "/students/transfer",
        &json!({"data": [{"name": "Head Teacher", "username": "head", "id": "ADM-1", "role": "admin"}]}),
    ))
    .await;
    assert_eq!(status, 200);
    let (status, answer) =
        send(partner.post_json("/sso-token", &json!({"user_id": "ADM-1"}))).await;
    assert_eq!(status, 200, "{answer}");
    let (admin, _) = Visitor::open(&app.address, answer["url"].as_str().unwrap()).await;
    let (status, dashboard) = admin.get("/dashboard").await;
    assert_eq!(status, 200, "{dashboard}");
    let calendar = &dashboard[dashboard
        .find("id=\"lessons-calendar\"")
        .expect("a calendar")..];
    assert!(
        calendar.contains("Open lab hour") && calendar.contains("Microscopes"),
        "{dashboard}"
    );
    let (status, _) = admin.get(&format!("/lessons/{lab}")).await;
    assert_eq!(status, 200, "admins open any lesson of the school");
}
