//! Faults: a write the database rolled back under the driver, a database that cannot write, a pool with no free
//! connection, a group commit with one doomed member.

use std::time::{Duration, Instant};

use serde_json::json;

use super::{doom_inserts, execute_in_database};
use crate::{
    both_databases,
    harness::{send, Backend, TestApp},
};

both_databases!(
    a_write_rolled_back_by_the_database_leaves_the_writer_usable,
    readiness_fails_while_the_database_cannot_write,
    a_pool_without_a_free_connection_answers_503_with_retry_after,
    one_doomed_sign_in_link_fails_only_itself,
);

async fn a_write_rolled_back_by_the_database_leaves_the_writer_usable(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    doom_inserts(&app, "users", "name", "'Doom'").await;
    let (status, answer) = send(alpha.post_json(
        "/users",
        &json!({"name": "Doom", "username": "doom", "email": "doom@example.org"}),
    ))
    .await;
    assert_eq!(
        status, 500,
        "the injected failure is the server's: {answer}"
    );
    assert_eq!(
        answer["message"], "Server error.",
        "nothing of the cause shows"
    );
    for index in 0..5 {
        let (status, answer) = send(alpha.post_json(
            "/users",
            &json!({"name": format!("After {index}"),
            "username": format!("after{index}"), "email": format!("after{index}@example.org")}),
        ))
        .await;
        assert_eq!(status, 201, "every later write succeeds: {answer}");
    }
    let ready = app
        .anonymous(reqwest::Method::GET, "/readyz")
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
}

async fn readiness_fails_while_the_database_cannot_write(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ready = || async {
        app.anonymous(reqwest::Method::GET, "/readyz")
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(ready().await, 200);
    execute_in_database(
        &app,
        "CREATE TRIGGER full_disk BEFORE UPDATE ON write_probe BEGIN SELECT RAISE(ROLLBACK, 'disk full'); END",
        "CREATE FUNCTION full_disk() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$ LANGUAGE plpgsql; \
         CREATE TRIGGER full_disk BEFORE UPDATE ON write_probe FOR EACH ROW EXECUTE FUNCTION full_disk()",
    )
    .await;
    assert_eq!(
        ready().await,
        503,
        "a database that cannot write is not ready"
    );
    assert_eq!(ready().await, 503);
    execute_in_database(
        &app,
        "DROP TRIGGER full_disk",
        "DROP TRIGGER full_disk ON write_probe",
    )
    .await;
    assert_eq!(ready().await, 200, "ready again once writes succeed");
}

async fn a_pool_without_a_free_connection_answers_503_with_retry_after(backend: Backend) {
    let app = TestApp::spawn_with(backend.clone(), |config| {
        config.database_max_connections = 3;
        config.database_acquire_timeout_ms = 300;
    })
    .await;
    let alpha = app.tenant("alpha").await;
    // A second connection holds the write lock (SQLite) or a lock on `user_groups` (PostgreSQL), so that group
    // creations hold their connections while they wait for it.
    let (lock_tx, lock_rx) = tokio::sync::oneshot::channel::<()>();
    let (locked_tx, locked_rx) = tokio::sync::oneshot::channel::<()>();
    let database_url = app.database_url.clone();
    let sqlite_url = format!("sqlite:{}", app.data_dir.join("classbridge.db").display());
    let holder = tokio::spawn(async move {
        use sqlx::{Connection, Executor};
        match database_url {
            Some(url) => {
                let mut connection = sqlx::PgConnection::connect(&url).await.unwrap();
                connection
                    .execute("BEGIN; LOCK TABLE user_groups IN ACCESS EXCLUSIVE MODE")
                    .await
                    .unwrap();
                let _ = locked_tx.send(());
                let _ = lock_rx.await;
                connection.execute("ROLLBACK").await.unwrap();
            }
            None => {
                let mut connection = sqlx::SqliteConnection::connect(&sqlite_url).await.unwrap();
                connection.execute("BEGIN IMMEDIATE").await.unwrap();
                let _ = locked_tx.send(());
                let _ = lock_rx.await;
                connection.execute("ROLLBACK").await.unwrap();
            }
        }
    });
    locked_rx.await.unwrap();
    let started = Instant::now();
    let mut requests = Vec::new();
    for index in 0..8 {
        let request = alpha.post_json("/groups", &json!({"name": format!("Group {index}")}));
        requests.push(tokio::spawn(async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let retry_after = response.headers().get("retry-after").cloned();
            (
                status,
                retry_after,
                started.elapsed(),
                response.text().await.unwrap(),
            )
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let _ = lock_tx.send(());
    holder.await.unwrap();
    let mut busy = 0;
    for request in requests {
        let (status, retry_after, elapsed, body) = request.await.unwrap();
        assert!(matches!(status, 201 | 503), "{status}: {body}");
        if status == 503 {
            busy += 1;
            assert_eq!(retry_after.unwrap(), "1", "503 says when to retry");
            assert!(
                elapsed < Duration::from_millis(1400),
                "answered before the lock went: {elapsed:?}"
            );
            let body: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert!(body["message"].as_str().unwrap().contains("busy"), "{body}");
        }
    }
    assert!(busy >= 1, "some requests found no free connection");
    let (status, _) = send(alpha.post_json("/groups", &json!({"name": "Later"}))).await;
    assert_eq!(status, 201, "the pool serves again");
}

async fn one_doomed_sign_in_link_fails_only_itself(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (alpha, beta) = app.two_tenants().await;
    let (status, doomed) = send(alpha.post_json(
        "/students/transfer",
        &json!({"data": [{"name": "Doomed", "username": "doomed", "id": "D-1"}]}),
    ))
    .await;
    assert_eq!(status, 200, "{doomed}");
    let doomed_id = doomed["data"][0]["id"].as_i64().unwrap();
    let people: Vec<_> = (0..100)
        .map(|i| json!({"name": format!("Pupil {i}"), "username": format!("p{i}"), "id": format!("B-{i}")}))
        .collect();
    let (status, _) = send(beta.post_json("/students/transfer", &json!({"data": people}))).await;
    assert_eq!(status, 200);
    doom_inserts(&app, "sso_links", "user_id", &doomed_id.to_string()).await;
    for _round in 0..3 {
        let mut requests = Vec::new();
        for i in 0..100 {
            let request = beta.post_json("/sso-token", &json!({"user_id": format!("B-{i}")}));
            requests.push(tokio::spawn(async move { send(request).await }));
            if i == 50 {
                let request = alpha.post_json("/sso-token", &json!({"user_id": "D-1"}));
                requests.push(tokio::spawn(async move { send(request).await }));
            }
        }
        let mut good = 0;
        for request in requests {
            let (status, answer) = request.await.unwrap();
            if answer["url"].is_string() {
                good += 1;
            } else {
                assert_eq!(status, 500, "only the doomed link fails: {answer}");
            }
        }
        assert_eq!(good, 100, "every other tenant's link is written");
    }
}
