//! Races: concurrent writes of the same key end in a defined answer (the existing row, 409 or 422), never 500.

use std::{
    collections::BTreeSet,
    time::{Duration, Instant},
};

use reqwest::Method;
use serde_json::json;

use crate::{
    both_databases,
    harness::{send, Backend, TestApp},
};

both_databases!(concurrent_transfers_of_one_new_id_answer_its_row_without_stalling_the_node,);

async fn concurrent_transfers_of_one_new_id_answer_its_row_without_stalling_the_node(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let (alpha, beta) = app.two_tenants().await;
    let (_, other) = send(beta.post_json(
        "/users",
        &json!({"name": "Other", "username": "other", "email": "other@example.org"}),
    ))
    .await;
    let other_id = other["id"].as_i64().unwrap();
    for round in 0..4 {
        let body = json!({"data": [{"name": "Ali", "username": format!("ali{round}"), "id": format!("L-{round}")}]});
        let mut requests = Vec::new();
        for _ in 0..30 {
            let request = alpha.post_json("/students/transfer", &body);
            requests.push(tokio::spawn(async move { send(request).await }));
        }
        // Another tenant's read meanwhile is served within a bound.
        let started = Instant::now();
        let (status, _) = send(beta.get(&format!("/users/{other_id}"))).await;
        assert_eq!(status, 200);
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        let mut ids = BTreeSet::new();
        for request in requests {
            let (status, answer) = request.await.unwrap();
            assert_eq!(status, 200, "round {round}: {answer}");
            ids.insert(answer["data"][0]["id"].as_i64().unwrap());
        }
        assert_eq!(ids.len(), 1, "one person, answered to every retry");
        let (status, _) =
            send(alpha.request(Method::GET, &format!("/users/{}", ids.first().unwrap()))).await;
        assert_eq!(status, 200);
    }
}
