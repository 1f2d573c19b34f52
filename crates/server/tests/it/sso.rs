//! Single sign-on end to end: links issued by partners, opened in a browser-like client (no redirects followed,
//! cookies by hand), the pages they land on, and every way a link can be wrong.

use std::time::Duration;

use reqwest::{header, Method};
use serde_json::{json, Value};

use crate::{
    both_databases,
    harness::{send, Backend, TestApp, TestTenant},
    mirror::mirror,
};

both_databases!(
    a_link_signs_the_student_in_and_shows_their_classes,
    teachers_see_their_sections_and_students,
    used_expired_and_unknown_links_say_so,
    sso_requests_are_checked,
    links_are_bound_to_their_tenant_host,
    racing_requests_for_one_link_give_one_session,
    sign_out_needs_the_form_token_and_ends_the_session,
    a_new_link_replaces_the_browsers_previous_session,
    mobile_links_are_exchanged_for_bearer_sessions,
    the_language_is_chosen_by_the_link_and_switchable,
    deactivation_ends_sessions,
    admins_see_the_school_dashboard_and_others_do_not,
);

fn school() -> Value {
    json!({"branches": [{"id": 1, "name": "North School", "classes": [{"id": 10, "name": "Grade 5", "sections": [
        {"name": "A", "subjects": [{"id": 1, "name": "Physics", "teachers": [{"uuid": "t1", "name": "Mr Karim"}]},
                                   {"id": 2, "name": "Chemistry", "teachers": [{"uuid": "t2", "name": "Ms Dana"}]}],
         "students": [{"uuid": "s1", "name": "Sara Haddad"}, {"uuid": "s2", "name": "Omar Aziz"}]},
        {"name": "B", "subjects": [{"id": 1, "name": "Physics", "teachers": [{"uuid": "t1", "name": "Mr Karim"}]}],
         "students": [{"uuid": "s3", "name": "Lina Saleh"}]}]}]}]})
}

pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn link(tenant: &TestTenant, body: Value) -> String {
    let (status, answer) = send(tenant.post_json("/api/v2/mirror-data/sso-token", &body)).await;
    assert_eq!(status, 200, "{body} → {answer}");
    answer["url"].as_str().unwrap().to_owned()
}

/// Opens a link; returns the status, the session cookie (if set) and the Location.
async fn open(
    client: &reqwest::Client,
    url: &str,
    cookie: Option<&str>,
) -> (u16, Option<String>, Option<String>, String) {
    let mut request = client.get(url);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, format!("cb_session={cookie}"));
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let set_cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .map(|v| v.to_str().unwrap().to_owned());
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned());
    let body = response.text().await.unwrap();
    (status, set_cookie, location, body)
}

fn session_of(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("cb_session=")
        .to_owned()
}

pub async fn page(app: &TestApp, path: &str, session: &str) -> (u16, String) {
    let response = browser()
        .get(app.url(path))
        .header(header::COOKIE, format!("cb_session={session}"))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Signs a person in through a fresh link; returns their session id.
pub async fn sign_in(app: &TestApp, tenant: &TestTenant, uuid: &str) -> String {
    let url = link(tenant, json!({"uuid": uuid})).await;
    let (status, cookie, _, _) = open(&browser(), &url, None).await;
    assert_eq!(status, 303);
    let _ = app;
    session_of(&cookie.unwrap())
}

pub fn csrf_of(page: &str) -> String {
    let start = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    page[start..].split('"').next().unwrap().to_owned()
}

async fn a_link_signs_the_student_in_and_shows_their_classes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    mirror(&alpha, &school()).await;
    let (status, answer) =
        send(alpha.post_json("/api/v2/mirror-data/sso-token", &json!({"uuid": "s1"}))).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["type"], "website");
    assert_eq!(answer["expires_in"], 300);
    let url = answer["url"].as_str().unwrap();
    assert!(url.starts_with(&format!("{}/sso/", app.address)), "{url}");
    let (status, cookie, location, _) = open(&browser(), url, None).await;
    assert_eq!(status, 303);
    assert_eq!(location.as_deref(), Some("/home?lang=en"));
    let cookie = cookie.unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http here");
    let session = session_of(&cookie);
    let (status, home) = page(&app, "/home", &session).await;
    assert_eq!(status, 200);
    assert!(home.contains("Sara Haddad"), "who is signed in");
    assert!(
        home.contains(
            "<td><bdi>North School</bdi></td><td><bdi>Grade 5</bdi></td><td><bdi>A</bdi></td>"
        ),
        "{home}"
    );
    assert!(
        home.contains("Physics")
            && home.contains("Mr Karim")
            && home.contains("Chemistry")
            && home.contains("Ms Dana")
    );
    assert!(
        !home.contains("Omar Aziz") && !home.contains("Lina Saleh"),
        "no other student's data"
    );
    assert!(!home.contains(">B<"), "not the other section");
    let (status, signed_out) = page(&app, "/home", "not-a-session").await;
    assert_eq!(status, 401);
    assert!(signed_out.contains("You are not signed in"));
}

async fn teachers_see_their_sections_and_students(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    mirror(&alpha, &school()).await;
    let session = sign_in(&app, &alpha, "t1").await;
    let (status, home) = page(&app, "/home", &session).await;
    assert_eq!(status, 200);
    assert!(
        home.contains("<bdi>North School</bdi> › <bdi>Grade 5</bdi> › <bdi>A</bdi>")
            && home.contains("<bdi>North School</bdi> › <bdi>Grade 5</bdi> › <bdi>B</bdi>"),
        "{home}"
    );
    for student in ["Sara Haddad", "Omar Aziz", "Lina Saleh"] {
        assert!(home.contains(student), "{student}");
    }
    let session = sign_in(&app, &alpha, "t2").await;
    let (_, home) = page(&app, "/home", &session).await;
    assert!(
        home.contains("Chemistry") && home.contains("Omar Aziz") && !home.contains("Lina Saleh"),
        "only their section"
    );
}

async fn used_expired_and_unknown_links_say_so(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| config.sso_link_ttl_seconds = 1).await;
    let alpha = app.tenant("alpha").await;
    mirror(&alpha, &school()).await;
    let url = link(&alpha, json!({"uuid": "s1"})).await;
    assert_eq!(open(&browser(), &url, None).await.0, 303);
    let (status, cookie, _, body) = open(&browser(), &url, None).await;
    assert_eq!((status, cookie), (410, None));
    assert!(body.contains("already been used"), "{body}");
    let stale = link(&alpha, json!({"uuid": "s1"})).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, _, _, body) = open(&browser(), &stale, None).await;
    assert_eq!(status, 410);
    assert!(body.contains("expired"), "{body}");
    let (status, _, _, body) = open(&browser(), &app.url("/sso/not-a-real-token"), None).await;
    assert_eq!(status, 404);
    assert!(body.contains("not valid"), "{body}");
    let (status, _, _, body) =
        open(&browser(), &app.url("/sso/not-a-real-token?lang=ar"), None).await;
    assert_eq!(status, 404);
    assert!(
        body.contains("dir=\"rtl\"") && body.contains("غير صالح"),
        "{body}"
    );
}

async fn sso_requests_are_checked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    mirror(&alpha, &school()).await;
    let (status, answer) = send(alpha.post_json(
        "/api/v2/mirror-data/sso-token",
        &json!({"uuid": "never-mirrored"}),
    ))
    .await;
    assert_eq!(
        (status, answer["message"].as_str()),
        (
            404,
            Some("No user with this uuid; mirror the user's data first.")
        )
    );
    for (body, path) in [
        (json!({}), "uuid"),
        (json!({"uuid": "s1", "type": "tablet"}), "type"),
        (json!({"uuid": "s1", "lang": "fr"}), "lang"),
        (json!({"uuid": true}), "uuid"),
    ] {
        let (status, answer) = send(alpha.post_json("/api/v2/mirror-data/sso-token", &body)).await;
        assert_eq!(status, 422, "{body}");
        assert!(answer["errors"][path].is_array(), "{body} → {answer}");
    }
    // Deactivated: s3 leaves every section.
    let mut without = school();
    without["branches"][0]["classes"][0]["sections"][1]["students"] = json!([]);
    without["force"] = json!(true);
    mirror(&alpha, &without).await;
    let (status, answer) =
        send(alpha.post_json("/api/v2/mirror-data/sso-token", &json!({"uuid": "s3"}))).await;
    assert_eq!(status, 403, "{answer}");
    // The older form.
    let (status, answer) = send(alpha.post_json("/sso-token", &json!({"user_id": "s1"}))).await;
    assert_eq!(status, 200, "{answer}");
    let (_, users) = send(alpha.get("/users")).await;
    let sara = users["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["uuid"] == "s1")
        .unwrap()["id"]
        .clone();
    assert_eq!(
        send(alpha.post_json("/sso-token", &json!({"jusoor_id": sara})))
            .await
            .0,
        200
    );
    assert_eq!(
        send(alpha.post_json("/sso-token", &json!({"user_id": "s1", "jusoor_id": sara})))
            .await
            .0,
        422
    );
    assert_eq!(send(alpha.post_json("/sso-token", &json!({}))).await.0, 422);
    // A transferred user, by the partner's id.
    send(alpha.post_json(
        "/students/transfer",
        &json!({"data": [{"name": "Transferred", "username": "tr", "id": "L-9"}]}),
    ))
    .await;
    assert_eq!(
        send(alpha.post_json("/sso-token", &json!({"user_id": "L-9"})))
            .await
            .0,
        200
    );
    let beta = app.tenant("beta").await;
    assert_eq!(
        send(beta.post_json("/api/v2/mirror-data/sso-token", &json!({"uuid": "s1"})))
            .await
            .0,
        404,
        "another tenant's person"
    );
}

async fn links_are_bound_to_their_tenant_host(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| {
        config.base_domain = Some("classbridge.test".into())
    })
    .await;
    let (alpha, beta) = app.two_tenants().await;
    mirror(&alpha, &school()).await;
    let url = link(&alpha, json!({"uuid": "s1"})).await;
    let port = app.address.rsplit(':').next().unwrap();
    assert!(
        url.starts_with(&format!("http://alpha.classbridge.test:{port}/sso/")),
        "{url}"
    );
    let path = &url[url.find("/sso/").unwrap()..];
    let on_host = |host: &str| {
        browser()
            .get(app.url(path))
            .header(header::HOST, host)
            .send()
    };
    assert_eq!(
        on_host("beta.classbridge.test")
            .await
            .unwrap()
            .status()
            .as_u16(),
        404,
        "another tenant's link on this host"
    );
    assert_eq!(
        on_host("alpha.classbridge.test")
            .await
            .unwrap()
            .status()
            .as_u16(),
        303,
        "still good on its own host"
    );
    let _ = beta;
}

async fn racing_requests_for_one_link_give_one_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    mirror(&alpha, &school()).await;
    let (mut second, second_base) = app.second_server().await;
    for _ in 0..3 {
        let url = link(&alpha, json!({"uuid": "s1"})).await;
        let path = url[url.find("/sso/").unwrap()..].to_owned();
        let requests = (0..40).map(|index| {
            let base = if index % 2 == 0 {
                app.address.clone()
            } else {
                second_base.clone()
            };
            let path = path.clone();
            tokio::spawn(async move {
                browser()
                    .get(format!("{base}{path}"))
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        });
        let statuses: Vec<u16> = futures::future::join_all(requests)
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == 303).count(),
            1,
            "{statuses:?}"
        );
        assert_eq!(
            statuses.iter().filter(|s| **s == 410).count(),
            39,
            "{statuses:?}"
        );
    }
    let _ = second.kill();
    let _ = second.wait();
}

async fn sign_out_needs_the_form_token_and_ends_the_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    mirror(&alpha, &school()).await;
    let session = sign_in(&app, &alpha, "s1").await;
    let (_, home) = page(&app, "/home", &session).await;
    let csrf = csrf_of(&home);
    let post = |form: Vec<(&'static str, String)>| {
        browser()
            .post(app.url("/logout"))
            .header(header::COOKIE, format!("cb_session={session}"))
            .form(&form)
            .send()
    };
    assert_eq!(
        post(vec![("csrf", "forged".into())])
            .await
            .unwrap()
            .status()
            .as_u16(),
        403
    );
    assert_eq!(
        page(&app, "/home", &session).await.0,
        200,
        "a forged form changes nothing"
    );
    let response = post(vec![("csrf", csrf)]).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    assert_eq!(page(&app, "/home", &session).await.0, 401);
}

async fn a_new_link_replaces_the_browsers_previous_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    mirror(&alpha, &school()).await;
    let first = sign_in(&app, &alpha, "s1").await;
    let url = link(&alpha, json!({"uuid": "s2"})).await;
    let (status, cookie, _, _) = open(&browser(), &url, Some(&first)).await;
    assert_eq!(status, 303);
    let second = session_of(&cookie.unwrap());
    assert_eq!(
        page(&app, "/home", &first).await.0,
        401,
        "the previous pupil's session is over"
    );
    assert!(page(&app, "/home", &second).await.1.contains("Omar Aziz"));
}

async fn mobile_links_are_exchanged_for_bearer_sessions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    mirror(&alpha, &school()).await;
    let (_, answer) = send(alpha.post_json(
        "/api/v2/mirror-data/sso-token",
        &json!({"uuid": "s1", "type": "mobile"}),
    ))
    .await;
    let url = answer["url"].as_str().unwrap();
    assert!(url.starts_with("classbridge://sso?token="), "{url}");
    assert_eq!(answer["type"], "mobile");
    let token = url.split("token=").nth(1).unwrap();
    let (status, exchanged) = send(
        app.anonymous(Method::POST, "/api/v2/sso/exchange")
            .json(&json!({"token": token})),
    )
    .await;
    assert_eq!(status, 200, "{exchanged}");
    assert_eq!(exchanged["token_type"], "Bearer");
    let bearer = exchanged["session_token"].as_str().unwrap();
    let home = browser()
        .get(app.url("/home"))
        .bearer_auth(bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(home.status().as_u16(), 200);
    assert!(home.text().await.unwrap().contains("Sara Haddad"));
    assert_eq!(
        send(
            app.anonymous(Method::POST, "/api/v2/sso/exchange")
                .json(&json!({"token": token}))
        )
        .await
        .0,
        410
    );
    assert_eq!(
        send(
            app.anonymous(Method::POST, "/api/v2/sso/exchange")
                .json(&json!({"token": "nope"}))
        )
        .await
        .0,
        404
    );
    assert_eq!(
        send(
            app.anonymous(Method::POST, "/api/v2/sso/exchange")
                .json(&json!({}))
        )
        .await
        .0,
        422
    );
    let website = link(&alpha, json!({"uuid": "s1"})).await;
    let web_token = website.rsplit('/').next().unwrap();
    assert_eq!(
        send(
            app.anonymous(Method::POST, "/api/v2/sso/exchange")
                .json(&json!({"token": web_token}))
        )
        .await
        .0,
        404,
        "website links are for browsers"
    );
}

async fn the_language_is_chosen_by_the_link_and_switchable(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    mirror(&alpha, &school()).await;
    let url = link(&alpha, json!({"uuid": "s1", "lang": "ar"})).await;
    let (_, cookie, location, _) = open(&browser(), &url, None).await;
    assert_eq!(location.as_deref(), Some("/home?lang=ar"));
    let session = session_of(&cookie.unwrap());
    let (_, home) = page(&app, "/home", &session).await;
    assert!(
        home.contains("<html lang=\"ar\" dir=\"rtl\">") && home.contains("صفوفي"),
        "{home}"
    );
    let csrf = csrf_of(&home);
    let switched = browser()
        .post(app.url("/lang"))
        .header(header::COOKIE, format!("cb_session={session}"))
        .form(&[("csrf", csrf.as_str()), ("lang", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(switched.status().as_u16(), 303);
    let (_, home) = page(&app, "/home", &session).await;
    assert!(home.contains("<html lang=\"en\" dir=\"ltr\">") && home.contains("My classes"));
}

async fn deactivation_ends_sessions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    mirror(&alpha, &school()).await;
    let session = sign_in(&app, &alpha, "s3").await;
    assert_eq!(page(&app, "/home", &session).await.0, 200);
    let mut without = school();
    without["branches"][0]["classes"][0]["sections"][1]["students"] = json!([]);
    without["force"] = json!(true);
    mirror(&alpha, &without).await;
    assert_eq!(
        page(&app, "/home", &session).await.0,
        401,
        "a deactivated person is signed out"
    );
    let deleted = sign_in(&app, &alpha, "s2").await;
    send(alpha.request(Method::DELETE, "/api/v2/mirror-data/users/s2")).await;
    assert_eq!(
        page(&app, "/home", &deleted).await.0,
        401,
        "a deleted person is signed out"
    );
}

async fn admins_see_the_school_dashboard_and_others_do_not(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    mirror(&alpha, &school()).await;
    send(alpha.post_json("/students/transfer", &json!({"data": [{"name": "Head Teacher", "username": "head", "id": "ADM-1", "role": "admin"}]}))).await;
    let (status, answer) = send(alpha.post_json("/sso-token", &json!({"user_id": "ADM-1"}))).await;
    assert_eq!(status, 200, "{answer}");
    let (_, cookie, _, _) = open(&browser(), answer["url"].as_str().unwrap(), None).await;
    let admin = session_of(&cookie.unwrap());
    let (_, home) = page(&app, "/home", &admin).await;
    assert!(home.contains("href=\"/dashboard\""), "{home}");
    let (status, dashboard) = page(&app, "/dashboard", &admin).await;
    assert_eq!(status, 200, "{dashboard}");
    for expected in [
        "North School",
        "Grade 5",
        "succeeded",
        "alpha SIS",
        "https://sis.example.org",
    ] {
        assert!(dashboard.contains(expected), "{expected}: {dashboard}");
    }
    assert!(!dashboard.contains(&alpha.token), "tokens are never shown");
    let student = sign_in(&app, &alpha, "s1").await;
    let (status, refused) = page(&app, "/dashboard", &student).await;
    assert_eq!(status, 403);
    assert!(refused.contains("administrators"));
}
