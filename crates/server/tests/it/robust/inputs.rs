//! Bad input: the same malformed requests sent to each database get the same 4xx answer in their API's envelope,
//! never a 5xx (NUL characters, text that is not UTF-8, framework rejections, bodies over their limits).

use std::time::{Duration, Instant};

use reqwest::{header, Method};
use serde_json::{json, Value};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::{
    both_databases,
    harness::{Backend, TestApp, REFERER},
};

both_databases!(
    malformed_partner_requests_get_the_same_4xx_in_the_json_envelope,
    classin_refusals_keep_http_200_and_error_info,
    a_form_mirror_declared_past_its_limit_is_refused_before_its_body,
    a_web_form_sent_json_is_refused_in_the_json_envelope,
);

/// `(method, path, JSON body or none, expected status, the error key expected under "errors")`.
type Case = (
    Method,
    &'static str,
    Option<Value>,
    u16,
    Option<&'static str>,
);

fn cases() -> Vec<Case> {
    vec![
        (
            Method::POST,
            "/sso-token",
            Some(json!({"user_id": "a\u{0}b"})),
            422,
            Some("user_id"),
        ),
        (
            Method::POST,
            "/api/v2/mirror-data/sso-token",
            Some(json!({"uuid": "a\u{0}"})),
            422,
            Some("uuid"),
        ),
        (Method::GET, "/api/v2/mirror-data/jobs/%00", None, 404, None),
        (
            Method::PUT,
            "/api/v2/mirror-data/users/%00",
            Some(json!({"name": "X"})),
            404,
            None,
        ),
        (
            Method::DELETE,
            "/api/v2/mirror-data/users/%00",
            None,
            404,
            None,
        ),
        (
            Method::PUT,
            "/api/v2/mirror-data/users/s1",
            Some(json!({"name": "X\u{0}"})),
            422,
            Some("name"),
        ),
        (Method::GET, "/users/%ff", None, 404, None),
        (Method::GET, "/users/%00", None, 404, None),
        (Method::GET, "/groups/%ff", None, 404, None),
        (Method::DELETE, "/classrooms/%ff", None, 404, None),
        (Method::GET, "/api/v2/lessons/%ff", None, 404, None),
        (Method::GET, "/api/v2/mirror-data/jobs/%ff", None, 404, None),
        (Method::GET, "/users/%ff/roles", None, 404, None),
        (Method::GET, "/users?page=%00", None, 422, Some("page")),
        (Method::GET, "/users?search=%ff", None, 422, Some("search")),
        (
            Method::POST,
            "/users",
            Some(json!({"name": "N\u{0}", "username": "n", "email": "n@example.org"})),
            422,
            Some("name"),
        ),
        (
            Method::POST,
            "/groups",
            Some(json!({"name": "G", "description": "a\u{0}b"})),
            422,
            Some("description"),
        ),
        (
            Method::POST,
            "/students/transfer",
            Some(json!({"data": [{"name": "A", "username": "a", "id": "x\u{0}"}]})),
            422,
            Some("data.0.id"),
        ),
        (
            Method::POST,
            "/groups",
            Some(json!({"na\u{0}me": "G"})),
            422,
            Some("name"),
        ),
    ]
}

async fn malformed_partner_requests_get_the_same_4xx_in_the_json_envelope(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let mut failures = Vec::new();
    for (method, path, body, expected, key) in cases() {
        let mut request = alpha.request(method.clone(), path);
        if let Some(body) = &body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let json_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|value| value.to_str().unwrap().starts_with("application/json"));
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        let key_found = key.is_none_or(|key| answer["errors"].get(key).is_some());
        if status != expected || !json_type || !answer["message"].is_string() || !key_found {
            failures.push(format!("{method} {path}: {status} {answer}"));
        }
    }
    // A web form sent JSON without a session: the web's own page, never the framework's plain text.
    let response = app
        .anonymous(Method::POST, "/lang")
        .json(&json!({"lang": "ar"}))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let content_type = response.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned();
    if !(400..500).contains(&status) || content_type.starts_with("text/plain") {
        failures.push(format!("POST /lang with JSON: {status} {content_type}"));
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

async fn classin_refusals_keep_http_200_and_error_info(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let url = app.url("/partner/api/course.api.php?action=register");
    let oversize = "x".repeat(2 * 1024 * 1024);
    let bodies = [
        format!("SID=1&timeStamp=1&safeKey=k&nickname={oversize}"),
        "SID=1&timeStamp=1&safeKey=k&nickname=a%00b".to_owned(),
    ];
    for body in bodies {
        let response = app
            .client
            .post(&url)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let answer: Value = response.json().await.unwrap();
        assert!(
            answer["error_info"]["errno"].as_i64().unwrap() > 1,
            "{answer}"
        );
    }
}

async fn a_form_mirror_declared_past_its_limit_is_refused_before_its_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let mut stream = TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .unwrap();
    let head = format!(
        "POST /api/v2/mirror-data/branches HTTP/1.1\r\nHost: x\r\ntoken: {}\r\nreferer: {REFERER}/\r\n\
         accept: application/json\r\ncontent-type: application/x-www-form-urlencoded\r\n\
         content-length: {}\r\n\r\nbranches",
        alpha.token,
        100 * 1024 * 1024
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let mut buffer = vec![0_u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer))
        .await
        .expect("answered without waiting for the body")
        .unwrap();
    let answer = String::from_utf8_lossy(&buffer[..read]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("{\"message\":"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

async fn a_web_form_sent_json_is_refused_in_the_json_envelope(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let school = json!({"branches": [{"id": 1, "name": "North", "classes": [{"id": 10, "name": "Grade 5",
        "sections": [{"name": "A", "subjects": [{"id": 1, "name": "Physics",
            "teachers": [{"uuid": "t1", "name": "Mr Karim"}]}],
            "students": [{"uuid": "s1", "name": "Sara Haddad"}]}]}]}]});
    crate::mirror::mirror(&alpha, &school).await;
    let session = crate::sso::sign_in(&app, &alpha, "s1").await;
    let response = crate::sso::browser()
        .post(app.url("/lang"))
        .header(header::COOKIE, format!("cb_session={session}"))
        .json(&json!({"lang": "ar"}))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let content_type = response.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned();
    let text = response.text().await.unwrap();
    assert_eq!(status, 415, "{text}");
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}: {text}"
    );
    let answer: Value = serde_json::from_str(&text).unwrap();
    assert!(
        answer["message"].as_str().unwrap().contains("Content-Type"),
        "{answer}"
    );
}
