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

both_databases!(
    concurrent_transfers_of_one_new_id_answer_its_row_without_stalling_the_node,
    concurrent_writes_of_one_key_end_in_a_defined_answer,
);

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

/// One race: twenty copies of a request at once, the answers each may get, and how many must succeed.
struct Race {
    name: &'static str,
    method: Method,
    path: String,
    body: serde_json::Value,
    allowed: &'static [u16],
    successes: std::ops::RangeInclusive<usize>,
}

async fn concurrent_writes_of_one_key_end_in_a_defined_answer(backend: Backend) {
    let _ = tracing_subscriber::fmt().with_env_filter("warn").try_init();
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let (_, person) = send(alpha.post_json(
        "/users",
        &json!({"name": "Sam", "username": "sam", "email": "sam@example.org"}),
    ))
    .await;
    let person = person["id"].as_i64().unwrap();
    let races = vec![
        Race {
            name: "users with one username",
            method: Method::POST,
            path: "/users".into(),
            body: json!({"name": "Twin", "username": "twin", "email": "twin@example.org"}),
            allowed: &[201, 422],
            successes: 1..=1,
        },
        Race {
            name: "groups with one name",
            method: Method::POST,
            path: "/groups".into(),
            body: json!({"name": "Chess"}),
            allowed: &[201, 409, 422],
            successes: 1..=1,
        },
        Race {
            name: "classrooms with one name",
            method: Method::POST,
            path: "/classrooms".into(),
            body: json!({"name": "Room 1"}),
            allowed: &[201, 409, 422],
            successes: 1..=1,
        },
        Race {
            name: "transfers of one new id",
            method: Method::POST,
            path: "/students/transfer".into(),
            body: json!({"data": [{"name": "Ali", "username": "ali", "id": "L-1"}]}),
            allowed: &[200],
            successes: 20..=20,
        },
        Race {
            name: "one user's groups",
            method: Method::PUT,
            path: format!("/users/{person}"),
            body: json!({"groups": []}),
            allowed: &[200],
            successes: 20..=20,
        },
    ];
    for race in races {
        let mut requests = Vec::new();
        for _ in 0..20 {
            let request = alpha
                .request(race.method.clone(), &race.path)
                .json(&race.body);
            requests.push(tokio::spawn(async move { send(request).await }));
        }
        let mut successes = 0;
        for request in requests {
            let (status, answer) = request.await.unwrap();
            assert!(
                race.allowed.contains(&status),
                "{}: {status} {answer}",
                race.name
            );
            if status < 300 {
                successes += 1;
            }
        }
        assert!(
            race.successes.contains(&successes),
            "{}: {successes} succeeded",
            race.name
        );
    }

    // Adding a person to a group while the group is deleted: a 404 or 422, never a 500.
    for round in 0..5 {
        let (_, group) =
            send(alpha.post_json("/groups", &json!({"name": format!("Doomed {round}")}))).await;
        let group = group["id"].as_i64().unwrap();
        let mut requests = Vec::new();
        for index in 0..10 {
            let request = if index == 5 {
                alpha.request(Method::DELETE, &format!("/groups/{group}"))
            } else {
                alpha
                    .request(Method::PUT, &format!("/users/{person}"))
                    .json(&json!({"groups": [group]}))
            };
            requests.push(tokio::spawn(async move { send(request).await }));
        }
        for request in requests {
            let (status, answer) = request.await.unwrap();
            assert!(matches!(status, 200 | 404 | 422), "{status} {answer}");
        }
    }
}
