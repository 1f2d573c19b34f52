//! What a school expects beyond tenancy, end to end: the default branch out of partners' reach, sessions bound to
//! their tenant's host, absolute-form requests naming another host refused, junk and disabled-tenant links changing
//! nothing, HSTS and `no-store`, names isolated for bidirectional rendering, and private data files.

use reqwest::header;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::{
    both_databases,
    harness::{send, Backend, TestApp, TestTenant},
    mirror::{mirror, person},
};

both_databases!(
    the_default_branch_is_not_a_partners,
    sessions_are_honoured_only_on_their_tenants_host,
    absolute_form_requests_naming_another_host_are_refused,
    a_junk_link_leaves_the_signed_in_person_signed_in,
    links_of_a_disabled_tenant_are_gone_and_set_no_cookie,
    hsts_under_https_and_no_store_on_every_page,
    names_are_isolated_for_bidirectional_rendering,
    data_files_are_private_to_the_server,
);

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// One branch, one class, one section: teacher t1, students s1 and s2 (whose name is given).
fn school(student_name: &str) -> Value {
    json!({"branches": [{"id": 1, "name": "North", "classes": [{"id": 10, "name": "Grade 5", "sections": [
        {"name": "A", "subjects": [{"id": 1, "name": "Physics", "teachers": [person("t1", "Mr Karim")]}],
         "students": [person("s1", "Sara"), person("s2", student_name)]}]}]}]})
}

async fn link(tenant: &TestTenant, uuid: &str) -> String {
    let (status, answer) =
        send(tenant.post_json("/api/v2/mirror-data/sso-token", &json!({"uuid": uuid}))).await;
    assert_eq!(status, 200, "{answer}");
    answer["url"].as_str().unwrap().to_owned()
}

/// The path of a link (its host is the tenant's, which the tests reach through the server's address).
fn path_of(url: &str) -> &str {
    &url[url.find("/sso/").unwrap()..]
}

/// Opens a path with an optional cookie and Host; returns the response.
async fn get(
    app: &TestApp,
    path: &str,
    session: Option<&str>,
    host: Option<&str>,
) -> reqwest::Response {
    let mut request = browser().get(app.url(path));
    if let Some(session) = session {
        request = request.header(header::COOKIE, format!("cb_session={session}"));
    }
    if let Some(host) = host {
        request = request.header(header::HOST, host);
    }
    request.send().await.unwrap()
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    let cookie = response.headers().get(header::SET_COOKIE)?.to_str().ok()?;
    Some(
        cookie
            .split(';')
            .next()?
            .trim_start_matches("cb_session=")
            .to_owned(),
    )
}

async fn sign_in(app: &TestApp, tenant: &TestTenant, uuid: &str, host: Option<&str>) -> String {
    let response = get(app, path_of(&link(tenant, uuid).await), None, host).await;
    assert_eq!(response.status().as_u16(), 303);
    session_cookie(&response).expect("a session cookie")
}

async fn the_default_branch_is_not_a_partners(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let simple = json!({"classrooms": [{"name": "Robotics", "students": [person("s1", "Sara")], "teachers": []}]});
    let (status, accepted) = send(alpha.post_json("/api/v2/mirror-data/simple", &simple)).await;
    assert_eq!(status, 202, "{accepted}");
    crate::mirror::wait_for_job(&alpha, accepted["job_id"].as_str().unwrap()).await;
    let (status, tree) = send(alpha.get("/api/v2/branches")).await;
    assert_eq!(status, 200);
    assert_eq!(tree["data"], json!([]), "{tree}");
    assert_eq!(tree["meta"]["total"], 0, "{tree}");
    // Its internal id is refused in a mirror, with the path, and nothing is queued.
    let taken = json!({"branches": [
        {"id": 1, "name": "North", "classes": []},
        {"id": i64::MIN, "name": "Take over", "classes": []}]});
    let (status, refused) = send(alpha.post_json("/api/v2/mirror-data/branches", &taken)).await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused["errors"]["branches.1.id"].is_array(), "{refused}");
    let (_, jobs) = send(alpha.get("/api/v2/mirror-data/jobs")).await;
    assert_eq!(jobs["data"].as_array().unwrap().len(), 1, "{jobs}");
    let (status, classrooms) = send(alpha.get("/classrooms")).await;
    assert_eq!(status, 200);
    assert_eq!(classrooms["data"][0]["name"], "Robotics");
    assert_eq!(classrooms["data"][0]["branch_id"], Value::Null);
}

async fn sessions_are_honoured_only_on_their_tenants_host(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| {
        config.base_domain = Some("classbridge.test".into())
    })
    .await;
    let (alpha, beta) = app.two_tenants().await;
    mirror(&alpha, &school("Omar")).await;
    mirror(&beta, &school("Omar")).await;
    let session = sign_in(&app, &alpha, "s1", Some("alpha.classbridge.test")).await;
    let home = |host: &'static str| {
        let session = session.clone();
        let app = &app;
        async move { get(app, "/home", Some(&session), Some(host)).await }
    };
    let own = home("alpha.classbridge.test").await;
    assert_eq!(own.status().as_u16(), 200);
    assert!(own.text().await.unwrap().contains("Sara"));
    let other = home("beta.classbridge.test").await;
    assert_eq!(
        other.status().as_u16(),
        401,
        "alpha's cookie on beta's host"
    );
    let text = other.text().await.unwrap();
    assert!(
        !text.contains("Sara") && !text.contains("School alpha"),
        "{text}"
    );
    // The session itself was not ended by the refusal.
    assert_eq!(home("alpha.classbridge.test").await.status().as_u16(), 200);
    let _ = beta;
}

/// Sends raw HTTP/1.1 (reqwest cannot send a request in absolute form); returns the status line's code.
async fn raw_status(app: &TestApp, request: String) -> u16 {
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
        let read = stream.read(&mut buffer).await.unwrap();
        if read == 0 {
            break;
        }
        answer.extend_from_slice(&buffer[..read]);
    }
    let text = String::from_utf8_lossy(&answer);
    text.split(' ').nth(1).unwrap().parse().unwrap()
}

async fn absolute_form_requests_naming_another_host_are_refused(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| {
        config.base_domain = Some("classbridge.test".into())
    })
    .await;
    let (alpha, _beta) = app.two_tenants().await;
    let request = |uri: &str, host: &str| {
        format!(
            "GET {uri} HTTP/1.1\r\nHost: {host}\r\ntoken: {}\r\nreferer: https://sis.example.org/\r\n\
             accept: application/json\r\nConnection: close\r\n\r\n",
            alpha.token
        )
    };
    assert_eq!(
        raw_status(
            &app,
            request(
                "http://beta.classbridge.test/api/v2/me",
                "alpha.classbridge.test"
            )
        )
        .await,
        421,
        "a URI naming beta on alpha's Host"
    );
    assert_eq!(
        raw_status(
            &app,
            request(
                "http://alpha.classbridge.test/api/v2/me",
                "beta.classbridge.test"
            )
        )
        .await,
        421,
        "a URI naming alpha on beta's Host"
    );
    assert_eq!(
        raw_status(
            &app,
            request(
                "http://alpha.classbridge.test/api/v2/me",
                "alpha.classbridge.test"
            )
        )
        .await,
        200,
        "the absolute form naming its own host is served"
    );
    assert_eq!(
        raw_status(&app, request("/api/v2/me", "beta.classbridge.test")).await,
        401,
        "alpha's token on beta's host"
    );
}

async fn a_junk_link_leaves_the_signed_in_person_signed_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    mirror(&alpha, &school("Omar")).await;
    let session = sign_in(&app, &alpha, "s1", None).await;
    for junk in [
        "/sso/junk",
        "/sso/0000000000000000000000000000000000000000000",
    ] {
        let response = get(&app, junk, Some(&session), None).await;
        assert_eq!(response.status().as_u16(), 404, "{junk}");
        assert!(session_cookie(&response).is_none(), "{junk} sets no cookie");
    }
    // A used link changes nothing either.
    let url = link(&alpha, "s2").await;
    let other = get(&app, path_of(&url), None, None).await;
    assert_eq!(other.status().as_u16(), 303);
    let used = get(&app, path_of(&url), Some(&session), None).await;
    assert_eq!(used.status().as_u16(), 410);
    let home = get(&app, "/home", Some(&session), None).await;
    assert_eq!(home.status().as_u16(), 200, "still signed in");
    assert!(home.text().await.unwrap().contains("Sara"));
    // A valid link replaces the session.
    let fresh = get(
        &app,
        path_of(&link(&alpha, "s2").await),
        Some(&session),
        None,
    )
    .await;
    assert_eq!(fresh.status().as_u16(), 303);
    assert_eq!(
        get(&app, "/home", Some(&session), None)
            .await
            .status()
            .as_u16(),
        401
    );
}

async fn links_of_a_disabled_tenant_are_gone_and_set_no_cookie(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    mirror(&alpha, &school("Omar")).await;
    let web = link(&alpha, "s1").await;
    let (status, mobile) = send(alpha.post_json(
        "/api/v2/mirror-data/sso-token",
        &json!({"uuid": "s2", "type": "mobile"}),
    ))
    .await;
    assert_eq!(status, 200);
    let mobile_token = mobile["url"]
        .as_str()
        .unwrap()
        .rsplit("token=")
        .next()
        .unwrap()
        .to_owned();
    classbridge_service::admin::set_tenant_disabled(&app.store, "alpha", true)
        .await
        .unwrap();
    let response = get(&app, path_of(&web), None, None).await;
    assert_eq!(response.status().as_u16(), 410);
    assert!(session_cookie(&response).is_none());
    let (status, _) = send(
        app.anonymous(reqwest::Method::POST, "/api/v2/sso/exchange")
            .json(&json!({"token": mobile_token})),
    )
    .await;
    assert_eq!(status, 410);
    // Enabled again, the link was not spent by the refusal, and the tenant's people sign in again.
    classbridge_service::admin::set_tenant_disabled(&app.store, "alpha", false)
        .await
        .unwrap();
    assert_eq!(
        get(&app, path_of(&web), None, None).await.status().as_u16(),
        303
    );
}

async fn hsts_under_https_and_no_store_on_every_page(backend: Backend) {
    let plain = TestApp::spawn(backend.clone()).await;
    let answer = get(&plain, "/healthz", None, None).await;
    assert!(answer
        .headers()
        .get(header::STRICT_TRANSPORT_SECURITY)
        .is_none());
    let app = TestApp::spawn_with(backend, |config| {
        config.public_url = Some("https://classbridge.example.org".into())
    })
    .await;
    let alpha = app.tenant("alpha").await;
    mirror(&alpha, &school("Omar")).await;
    let answer = get(&app, "/healthz", None, None).await;
    let hsts = answer
        .headers()
        .get(header::STRICT_TRANSPORT_SECURITY)
        .unwrap();
    assert!(hsts.to_str().unwrap().starts_with("max-age="), "{hsts:?}");
    let session = sign_in(&app, &alpha, "s1", None).await;
    for (path, session, status) in [
        ("/home", Some(session.as_str()), 200),
        ("/home", None, 401),
        ("/lessons/999999", Some(session.as_str()), 404),
        ("/dashboard", Some(session.as_str()), 403),
        ("/dashboard", None, 401),
        ("/lessons/1", None, 401),
    ] {
        let response = get(&app, path, session, None).await;
        assert_eq!(response.status().as_u16(), status, "{path}");
        assert_eq!(
            response.headers().get(header::CACHE_CONTROL).unwrap(),
            "no-store",
            "{path} {status}"
        );
    }
    let (status, _) = send(alpha.get("/users")).await;
    assert_eq!(status, 200);
    let response = alpha.get("/users").send().await.unwrap();
    assert_eq!(
        response.headers().get(header::CACHE_CONTROL).unwrap(),
        "no-store"
    );
}

async fn names_are_isolated_for_bidirectional_rendering(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let reversed = "\u{202E}ramO anaD";
    mirror(&alpha, &school(reversed)).await;
    let teacher = sign_in(&app, &alpha, "t1", None).await;
    let page = get(&app, "/home", Some(&teacher), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("<bdi>{reversed}</bdi>")),
        "the student's name is isolated on the teacher's page: {page}"
    );
    assert!(
        !page
            .replace(&format!("<bdi>{reversed}</bdi>"), "")
            .contains('\u{202E}'),
        "no override outside an isolate: {page}"
    );
    let student = sign_in(&app, &alpha, "s2", None).await;
    let page = get(&app, "/home", Some(&student), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("<bdi>{reversed}</bdi>")),
        "the signed-in name in the header: {page}"
    );
    // The school dashboard isolates what partners named too.
    send(alpha.post_json(
        "/students/transfer",
        &json!({"data": [
        {"name": "Head \u{202E}", "username": "head", "id": "ADM-1", "role": "admin"}]}),
    ))
    .await;
    let (_, answer) = send(alpha.post_json("/sso-token", &json!({"user_id": "ADM-1"}))).await;
    let response = get(&app, path_of(answer["url"].as_str().unwrap()), None, None).await;
    let admin = session_cookie(&response).unwrap();
    let dashboard = get(&app, "/dashboard", Some(&admin), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        dashboard.contains("<bdi>Head \u{202E}</bdi>"),
        "{dashboard}"
    );
    assert!(dashboard.contains("<bdi>North</bdi>"), "{dashboard}");
}

async fn data_files_are_private_to_the_server(backend: Backend) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if !matches!(backend, Backend::Sqlite) {
            return; // PostgreSQL keeps no data file of ours.
        }
        let parent = tempfile::tempdir().unwrap();
        let data_dir = parent.path().join("fresh").join("data");
        let mut config = crate::harness::test_config(&data_dir, None);
        config.workers = 0;
        let application = classbridge::Application::build(config).await.unwrap();
        let mode =
            |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data_dir), 0o700, "the data folder");
        assert_eq!(
            mode(&data_dir.join("classbridge.db")),
            0o600,
            "the database file"
        );
        for entry in std::fs::read_dir(&data_dir).unwrap() {
            let path = entry.unwrap().path();
            let expected = if path.is_dir() { 0o700 } else { 0o600 };
            assert_eq!(mode(&path), expected, "{}", path.display());
        }
        drop(application);
    }
    #[cfg(not(unix))]
    let _ = backend;
}
