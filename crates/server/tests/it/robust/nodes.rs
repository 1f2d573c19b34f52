//! Across connections and nodes: requests survive a killed database connection, the rate limit holds for the whole
//! deployment, and upload spool files orphaned by a killed process are swept.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;

use super::execute_in_database;
use crate::{
    both_databases,
    harness::{send, Backend, TestApp},
};

both_databases!(
    killed_database_connections_are_invisible_to_clients,
    a_credentials_limit_holds_across_two_nodes,
    orphaned_spool_files_are_swept_and_live_ones_kept,
);

async fn killed_database_connections_are_invisible_to_clients(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let (_, user) = send(alpha.post_json(
        "/users",
        &json!({"name": "Sam", "username": "sam", "email": "sam@example.org"}),
    ))
    .await;
    let user = user["id"].as_i64().unwrap();
    let until = Instant::now() + Duration::from_secs(3);
    let mut clients = Vec::new();
    for client in 0..4 {
        let alpha = alpha.clone();
        clients.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            let mut round = 0;
            while Instant::now() < until {
                round += 1;
                let kind = (client + round) % 3;
                let request = match kind {
                    0 => alpha.get(&format!("/users/{user}")),
                    1 => alpha.get("/users?per_page=5"),
                    _ => alpha
                        .request(Method::PUT, &format!("/users/{user}"))
                        .json(&json!({"name": format!("Sam {round}")})),
                };
                let response = request.send().await.unwrap();
                answers.push((response.status().as_u16(), kind));
            }
            answers
        }));
    }
    // Every connection of the server to its database is killed, again and again (PostgreSQL only; SQLite's
    // connections are files of this process).
    let mut kills = 0;
    if app.database_url.is_some() {
        while Instant::now() < until {
            execute_in_database(
                &app,
                "",
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
            )
            .await;
            kills += 1;
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
    let mut served = 0;
    for client in clients {
        for (status, kind) in client.await.unwrap() {
            assert!(
                status < 500,
                "{status} (request kind {kind}) after {kills} rounds of kills"
            );
            served += 1;
        }
    }
    assert!(served > 20, "{served} requests");
}

async fn a_credentials_limit_holds_across_two_nodes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app
        .tenant_with("alpha", |request| request.rate_limit_per_minute = Some(30))
        .await;
    let (mut second, second_base) = app.second_server().await;
    // All calls inside one minute window.
    let into_minute = classbridge_store::now_millis().rem_euclid(60_000);
    if into_minute > 45_000 {
        tokio::time::sleep(Duration::from_millis((60_500 - into_minute) as u64)).await;
    }
    let mut accepted = 0;
    let mut limited = 0;
    for call in 0..60 {
        let base = if call % 2 == 0 {
            app.address.clone()
        } else {
            second_base.clone()
        };
        let response = app
            .client
            .get(format!("{base}/api/v2/me"))
            .header("token", &alpha.token)
            .header("referer", crate::harness::REFERER)
            .header("accept", "application/json")
            .send()
            .await
            .unwrap();
        match response.status().as_u16() {
            200 => accepted += 1,
            429 => {
                assert!(response.headers().contains_key("retry-after"));
                limited += 1;
            }
            other => panic!("{other}"),
        }
    }
    let _ = second.kill();
    let _ = second.wait();
    if app.database_url.is_some() {
        assert_eq!(
            (accepted, limited),
            (30, 30),
            "30 per minute for the deployment, not per node"
        );
    } else {
        // SQLite: one machine, each process with its own bucket (the single writer is not spent on counting).
        assert_eq!((accepted, limited), (60, 0));
    }
}

async fn orphaned_spool_files_are_swept_and_live_ones_kept(backend: Backend) {
    let mut orphan = None;
    let mut live = None;
    let app = TestApp::spawn_with(backend, |config| {
        config.spool_orphan_seconds = 600;
        let spool = config.data_dir.join("spool");
        std::fs::create_dir_all(&spool).unwrap();
        let old = spool.join(".tmpKILLED");
        let file = std::fs::File::create(&old).unwrap();
        file.set_modified(std::time::SystemTime::now() - Duration::from_secs(3600))
            .unwrap();
        let young = spool.join(".tmpLIVE");
        std::fs::File::create(&young).unwrap();
        orphan = Some(old);
        live = Some(young);
    })
    .await;
    let (orphan, live) = (orphan.unwrap(), live.unwrap());
    for _ in 0..40 {
        if !orphan.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        !orphan.exists(),
        "the killed upload's file is removed at start"
    );
    assert!(live.exists(), "a file still being written stays");
    drop(app);
}
