//! The ground every endpoint stands on: authentication, the referer and Host checks, content negotiation, body
//! handling, rate limits, error shapes and the operations endpoints.

use classbridge_service::admin;
use reqwest::Method;
use serde_json::json;

use crate::{
    both_databases,
    harness::{send, Backend, TestApp, REFERER},
};

both_databases!(
    me_describes_the_calling_credential,
    tokens_are_read_from_the_token_header_or_bearer,
    missing_unknown_and_revoked_tokens_are_refused,
    rotation_replaces_the_token_at_once,
    the_referer_must_carry_the_registered_origin,
    a_host_naming_another_tenant_is_refused,
    a_disabled_tenant_is_refused,
    accept_must_allow_json,
    malformed_bodies_get_clear_answers,
    oversized_bodies_are_refused_with_413,
    bursts_over_the_rate_limit_get_429_with_retry_after,
    unknown_routes_and_methods_answer_json,
    operations_endpoints_answer,
    a_server_error_shows_only_the_request_id,
    credential_use_is_counted,
);

async fn me_describes_the_calling_credential(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (alpha, beta) = app.two_tenants().await;
    let scoped = app
        .tenant_with("alpha", |request| {
            request.branch_id = Some(12);
            request.rate_limit_per_minute = Some(30);
            request.name = "branch 12 only".into();
        })
        .await;

    let (status, me) = send(alpha.get("/api/v2/me")).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["tenant"]["slug"], "alpha");
    assert_eq!(me["tenant"]["name"], "School alpha");
    assert_eq!(me["credential"]["id"], alpha.credential_id);
    assert_eq!(me["credential"]["referer"], REFERER);
    assert_eq!(me["scope"], json!({"type": "tenant", "branch_id": null}));
    assert_eq!(me["rate_limit"]["requests_per_minute"], 1200);
    assert!(
        me.to_string().find(&alpha.token).is_none(),
        "the token is never shown again"
    );

    let (_, me) = send(beta.get("/api/v2/me")).await;
    assert_eq!(me["tenant"]["slug"], "beta");

    let (status, me) = send(scoped.get("/api/v2/me")).await;
    assert_eq!(status, 200);
    assert_eq!(me["scope"], json!({"type": "branch", "branch_id": 12}));
    assert_eq!(me["credential"]["name"], "branch 12 only");
    assert_eq!(me["rate_limit"]["requests_per_minute"], 30);
    assert_eq!(me["rate_limit"]["remaining"], 29);
}

async fn tokens_are_read_from_the_token_header_or_bearer(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let (status, _) = send(
        app.anonymous(Method::GET, "/api/v2/me")
            .header("authorization", format!("Bearer {}", alpha.token))
            .header("referer", REFERER),
    )
    .await;
    assert_eq!(status, 200);
}

async fn missing_unknown_and_revoked_tokens_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let unauthenticated = json!({"message": "Unauthenticated."});

    let (status, body) = send(
        app.anonymous(Method::GET, "/api/v2/me")
            .header("referer", REFERER),
    )
    .await;
    assert_eq!((status, body), (401, unauthenticated.clone()));

    let (status, body) = send(
        app.anonymous(Method::GET, "/api/v2/me")
            .header("token", "cbp_not-a-token-we-issued")
            .header("referer", REFERER),
    )
    .await;
    assert_eq!((status, body), (401, unauthenticated.clone()));

    // Two server processes on one database, both having just accepted (and cached) the token; the operator
    // revokes it from a third process: once the command returns, neither server accepts it.
    let (mut second, second_base) = app.second_server().await;
    let on_second = |path: &str| {
        app.client
            .get(format!("{second_base}{path}"))
            .header("token", &alpha.token)
            .header("referer", REFERER)
    };
    for _ in 0..3 {
        assert_eq!(send(alpha.get("/api/v2/me")).await.0, 200);
        assert_eq!(send(on_second("/api/v2/me")).await.0, 200);
    }
    let mut revoke = std::process::Command::new(env!("CARGO_BIN_EXE_classbridge"));
    revoke
        .arg("--data-dir")
        .arg(&app.data_dir)
        .args(["credential", "revoke", &alpha.credential_id.to_string()])
        .env_remove("DATABASE_URL");
    if let Some(url) = &app.database_url {
        revoke.env("DATABASE_URL", url);
    }
    assert!(revoke.status().unwrap().success());
    let first = send(alpha.get("/api/v2/me")).await;
    let other = send(on_second("/api/v2/me")).await;
    let _ = second.kill();
    let _ = second.wait();
    assert_eq!(
        (first, other),
        ((401, unauthenticated.clone()), (401, unauthenticated)),
        "revocation holds from the next request on, on every node"
    );
}

async fn rotation_replaces_the_token_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut alpha = app.tenant("alpha").await;
    let (_, new_token) = admin::rotate_partner_credential(&app.store, alpha.credential_id)
        .await
        .unwrap();
    assert_eq!(
        send(alpha.get("/api/v2/me")).await.0,
        401,
        "the old token is refused"
    );
    alpha.token = new_token;
    let (status, me) = send(alpha.get("/api/v2/me")).await;
    assert_eq!(status, 200);
    assert_eq!(
        me["credential"]["id"], alpha.credential_id,
        "rotation keeps the credential"
    );
}

async fn the_referer_must_carry_the_registered_origin(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let with_referer = |referer: Option<&str>| {
        let request = app
            .anonymous(Method::GET, "/api/v2/me")
            .header("token", &alpha.token)
            .header("accept", "application/json");
        match referer {
            Some(referer) => request.header("referer", referer),
            None => request,
        }
    };
    for accepted in [
        REFERER,
        "https://sis.example.org/",
        "https://sis.example.org/deep/path?x=1",
        "https://sis.example.org:443/a",
    ] {
        assert_eq!(
            send(with_referer(Some(accepted))).await.0,
            200,
            "{accepted}"
        );
    }
    for refused in [
        Some("https://evil.example.org/"),
        Some("http://sis.example.org/"),
        Some("https://sis.example.org:8443/"),
        Some("https://sis.example.org.evil.example/"),
        Some("not a url"),
        None,
    ] {
        let (status, body) = send(with_referer(refused)).await;
        assert_eq!(status, 403, "{refused:?}");
        assert_eq!(
            body["message"],
            "The referer header must carry the origin registered for this token."
        );
    }
}

async fn a_host_naming_another_tenant_is_refused(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| {
        config.base_domain = Some("classbridge.test".into())
    })
    .await;
    let (alpha, _beta) = app.two_tenants().await;
    let with_host = |host: &str| alpha.get("/api/v2/me").header("host", host);
    assert_eq!(send(with_host("alpha.classbridge.test")).await.0, 200);
    assert_eq!(send(with_host("ALPHA.classbridge.test:8080")).await.0, 200);
    assert_eq!(
        send(with_host("127.0.0.1")).await.0,
        200,
        "a host outside the base domain leaves the token to decide"
    );
    let (status, body) = send(with_host("beta.classbridge.test")).await;
    assert_eq!(
        (status, body),
        (401, json!({"message": "Unauthenticated."}))
    );
}

async fn a_disabled_tenant_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    admin::set_tenant_disabled(&app.store, "alpha", true)
        .await
        .unwrap();
    let (status, body) = send(alpha.get("/api/v2/me")).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (403, Some("This tenant is disabled."))
    );
    admin::set_tenant_disabled(&app.store, "alpha", false)
        .await
        .unwrap();
    assert_eq!(send(alpha.get("/api/v2/me")).await.0, 200);
}

async fn accept_must_allow_json(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let (status, body) =
        send(alpha.request_with(Method::GET, "/api/v2/me", Some(REFERER), Some("text/html"))).await;
    assert_eq!(status, 406);
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("application/json"));
    let without_accept = app
        .anonymous(Method::GET, "/api/v2/me")
        .header("token", &alpha.token)
        .header("referer", REFERER);
    assert_eq!(
        send(without_accept).await.0,
        200,
        "a missing accept reads as JSON"
    );
    assert_eq!(
        send(alpha.request_with(
            Method::GET,
            "/api/v2/me",
            Some(REFERER),
            Some("text/html, */*;q=0.1")
        ))
        .await
        .0,
        200
    );
}

async fn malformed_bodies_get_clear_answers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let post = |content_type: Option<&str>, body: &'static [u8]| {
        let request = alpha.request(Method::POST, "/groups").body(body);
        match content_type {
            Some(content_type) => request.header("content-type", content_type),
            None => request,
        }
    };
    let (status, body) = send(post(Some("application/json"), b"{\"name\": \"Chess\",")).await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("The request body is not valid JSON"),
        "{body}"
    );

    let (status, body) = send(post(Some("application/json"), b"[1, 2]")).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (400, Some("The request body must be a JSON object."))
    );

    let (status, body) = send(post(Some("text/plain"), b"{\"name\": \"Chess\"}")).await;
    assert_eq!(status, 415);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("application/json"),
        "{body}"
    );

    let (status, body) = send(post(None, b"{\"name\": \"Chess\"}")).await;
    assert_eq!(status, 415, "{body}");

    let (status, body) = send(post(
        Some("application/x-www-form-urlencoded"),
        b"{\"name\": \"Chess\"}",
    ))
    .await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("looks like JSON"),
        "{body}"
    );

    let (status, body) = send(post(Some("application/json"), b"{\"name\": \"\xff\xfe\"}")).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (400, Some("The request body is not valid UTF-8."))
    );

    let (status, body) = send(post(
        Some("application/x-www-form-urlencoded"),
        b"name=a&name[x]=b",
    ))
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["errors"]["name"].is_array(), "{body}");

    let (status, body) = send(post(Some("multipart/form-data"), b"name=a")).await;
    assert_eq!(status, 400, "{body}");

    let (status, _) = send(post(Some("application/json"), b"{\"name\": \"Chess\"}")).await;
    assert_eq!(status, 201, "after all that, a good body is still accepted");
}

async fn oversized_bodies_are_refused_with_413(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let big = json!({"name": "x", "description": "y".repeat(1024 * 1024 + 10)});
    let (status, body) = send(alpha.post_json("/groups", &big)).await;
    assert_eq!(status, 413);
    assert_eq!(
        body["message"],
        "The request body is larger than the 1048576-byte limit of this endpoint."
    );

    // Without a declared length (chunked), the limit holds while reading.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..20).map(|_| Ok(vec![b' '; 64 * 1024])).collect();
    let streamed = reqwest::Body::wrap_stream(futures::stream::iter(chunks));
    let (status, _) = send(
        alpha
            .request(Method::POST, "/groups")
            .header("content-type", "application/json")
            .body(streamed),
    )
    .await;
    assert_eq!(status, 413);
}

async fn bursts_over_the_rate_limit_get_429_with_retry_after(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let limited = app
        .tenant_with("alpha", |request| request.rate_limit_per_minute = Some(5))
        .await;
    let other = app.tenant("beta").await;
    for _ in 0..5 {
        assert_eq!(send(limited.get("/api/v2/me")).await.0, 200);
    }
    let response = limited.get("/api/v2/me").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 429);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=12).contains(&retry_after),
        "one request per 12 s refills: {retry_after}"
    );
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body["message"]
        .as_str()
        .unwrap()
        .starts_with("Too many requests"));
    assert_eq!(
        send(other.get("/api/v2/me")).await.0,
        200,
        "limits are per credential"
    );
}

async fn unknown_routes_and_methods_answer_json(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let (status, body) = send(alpha.get("/api/v2/nothing-here")).await;
    assert_eq!(status, 404);
    assert_eq!(
        body["message"],
        "No such route. The API reference is at /docs."
    );
    let (status, body) = send(alpha.request(Method::DELETE, "/api/v2/me")).await;
    assert_eq!(status, 405);
    assert_eq!(
        body["message"],
        "The DELETE method is not supported for this route."
    );
}

async fn operations_endpoints_answer(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (status, body) = send(app.anonymous(Method::GET, "/healthz")).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    let (status, body) = send(app.anonymous(Method::GET, "/readyz")).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ready")));

    let alpha = app.tenant("alpha").await;
    send(alpha.get("/api/v2/me")).await;
    let metrics = app
        .anonymous(Method::GET, "/metrics")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("http_requests_total{route=\"/api/v2/me\",method=\"GET\",status=\"200\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("http_request_duration_seconds_bucket"),
        "{metrics}"
    );

    let document = app.openapi().await;
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    assert!(document["paths"]["/api/v2/me"]["get"].is_object());
    assert!(document["components"]["securitySchemes"]["token"].is_object());

    let docs = app.anonymous(Method::GET, "/docs").send().await.unwrap();
    assert!(docs.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let page = docs.text().await.unwrap();
    assert!(
        page.contains("<code>/api/v2/me</code>")
            && page.contains("<code>/groups/{group_id}</code>")
    );

    store_closed_means_not_ready(&app).await;
}

async fn store_closed_means_not_ready(app: &TestApp) {
    app.store.close().await;
    let (status, body) = send(app.anonymous(Method::GET, "/readyz")).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (503, Some("unavailable"))
    );
}

async fn a_server_error_shows_only_the_request_id(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    // With its database gone the server cannot authenticate: a fault of ours, not the caller's.
    app.store.close().await;
    let response = alpha
        .get("/api/v2/me")
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 500);
    assert_eq!(response.headers()["x-request-id"], "trace-me-42");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({"message": "Server error.", "request_id": "trace-me-42"})
    );
}

async fn credential_use_is_counted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    for _ in 0..3 {
        send(alpha.get("/api/v2/me")).await;
    }
    send(alpha.request_with(
        Method::GET,
        "/api/v2/me",
        Some("https://evil.example/"),
        None,
    ))
    .await;
    let id = classbridge_domain::CredentialId(alpha.credential_id);
    let mut counted = app.store.find_partner_credential(id).await.unwrap();
    for _ in 0..50 {
        if counted.accepted_count == 3 && counted.refused_count == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        counted = app.store.find_partner_credential(id).await.unwrap();
    }
    assert_eq!((counted.accepted_count, counted.refused_count), (3, 1));
    assert!(counted.last_used_at.is_some());
    let (_, me) = send(alpha.get("/api/v2/me")).await;
    assert!(me["credential"]["last_used_at"].is_string());
}
