//! Reads built for load: deep pages of the users lists (started from remembered checkpoints) give every user once,
//! in id order, with the right totals, after this process's writes at once and after another process's within
//! seconds; and concurrent point reads (gathered into shared queries on PostgreSQL) never cross tenants.

use std::time::{Duration, Instant};

use futures::future::join_all;
use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    both_databases,
    harness::{send, Backend, TestApp, TestTenant, REFERER},
};

both_databases!(
    deep_pages_give_every_user_once_in_order_with_the_total,
    pages_follow_writes_here_at_once_and_elsewhere_within_seconds,
    concurrent_reads_of_two_tenants_never_cross,
);

/// Transfers `count` users (with the partner's ids `P0`, `P1`…) in one request.
async fn transfer(tenant: &TestTenant, from: usize, count: usize) {
    let data: Vec<Value> = (from..from + count)
        .map(|index| json!({"name": format!("Pupil {index}"), "username": format!("pupil{index}"), "id": format!("P{index}")}))
        .collect();
    let (status, answer) =
        send(tenant.post_json("/students/transfer", &json!({"data": data}))).await;
    assert_eq!(status, 200, "{answer}");
}

/// Every page of `path` at `per_page`, checking each page's meta; returns the ids in the order served.
async fn walk(tenant: &TestTenant, path: &str, per_page: usize, total: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    let pages = total.div_ceil(per_page);
    for page in 1..=pages + 1 {
        let (status, answer) =
            send(tenant.get(&format!("{path}?page={page}&per_page={per_page}"))).await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["meta"]["total"], total, "page {page} of {path}");
        let data = answer["data"].as_array().unwrap();
        let expected = if page <= pages {
            per_page.min(total - (page - 1) * per_page)
        } else {
            0
        };
        assert_eq!(data.len(), expected, "page {page} of {path} at {per_page}");
        assert_eq!(
            answer["links"]["next"].is_null(),
            page >= pages,
            "page {page}"
        );
        ids.extend(data.iter().map(|user| user["id"].as_i64().unwrap()));
    }
    ids
}

async fn deep_pages_give_every_user_once_in_order_with_the_total(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (alpha, beta) = app.two_tenants().await;
    for index in 0..3 {
        let (status, user) = send(alpha.post_json("/users", &json!({"name": format!("Hand {index}"), "username": format!("hand{index}"), "email": format!("hand{index}@example.org")}))).await;
        assert_eq!(status, 201, "{user}");
    }
    transfer(&alpha, 0, 330).await;
    transfer(&beta, 0, 120).await;

    // Several checkpoints deep, at page sizes that fall on them and between them.
    let all = walk(&alpha, "/users", 100, 333).await;
    let mut sorted = all.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(all, sorted, "every user once, in id order");
    for per_page in [37, 1, 1000] {
        assert_eq!(
            walk(&alpha, "/users", per_page, 333).await,
            all,
            "at {per_page} per page"
        );
    }
    // Transferred users only: the hand-made ones are not among them.
    let transferred = walk(&alpha, "/lms-user/all", 100, 330).await;
    assert_eq!(transferred, all[3..].to_vec());
    // The other tenant's list is its own.
    let theirs = walk(&beta, "/users", 50, 120).await;
    assert!(theirs.iter().all(|id| !all.contains(id)));
}

async fn pages_follow_writes_here_at_once_and_elsewhere_within_seconds(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    transfer(&alpha, 0, 250).await;
    let before = walk(&alpha, "/users", 100, 250).await;

    // A write through this server shows on the next page read.
    let removed = before[120];
    let (status, _) = send(alpha.request(Method::DELETE, &format!("/users/{removed}"))).await;
    assert_eq!(status, 200);
    let after = walk(&alpha, "/users", 100, 249).await;
    let expected: Vec<i64> = before.iter().copied().filter(|id| *id != removed).collect();
    assert_eq!(after, expected);
    transfer(&alpha, 250, 51).await;
    assert_eq!(walk(&alpha, "/users", 100, 300).await.len(), 300);

    // A write through another process shows here within seconds while pages are read steadily…
    let (mut second, second_base) = app.second_server().await;
    let transfer_elsewhere = |from: usize, count: usize| {
        let data: Vec<Value> = (from..from + count)
            .map(|index| json!({"name": format!("Pupil {index}"), "username": format!("pupil{index}"), "id": format!("P{index}")}))
            .collect();
        reqwest::Client::new()
            .post(format!("{second_base}/students/transfer"))
            .header("token", &alpha.token)
            .header("referer", REFERER)
            .json(&json!({"data": data}))
            .send()
    };
    assert_eq!(
        transfer_elsewhere(301, 10).await.unwrap().status().as_u16(),
        200
    );
    let started = Instant::now();
    loop {
        let (_, page) = send(alpha.get("/users?page=4&per_page=100")).await;
        if page["meta"]["total"] == 310 && page["data"].as_array().unwrap().len() == 10 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(12),
            "another process's write is not shown after 12 s: {page}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(walk(&alpha, "/users", 100, 310).await.len(), 310);

    // …and on the first read after ten seconds without reads.
    assert_eq!(
        transfer_elsewhere(311, 5).await.unwrap().status().as_u16(),
        200
    );
    let _ = second.kill();
    let _ = second.wait();
    tokio::time::sleep(Duration::from_millis(10_500)).await;
    let (_, page) = send(alpha.get("/users?page=4&per_page=100")).await;
    assert_eq!(page["meta"]["total"], 315, "{page}");
    assert_eq!(page["data"].as_array().unwrap().len(), 15);

    // A removal and an addition elsewhere that leave the number of users as it was show too: the list's summary
    // (count, sum and largest id) that decides whether remembered checkpoints still hold sees them.
    let current = walk(&alpha, "/users", 100, 315).await;
    let (mut third, third_base) = app.second_server().await;
    let client = reqwest::Client::new();
    let removed = client
        .delete(format!("{third_base}/users/{}", current[0]))
        .header("token", &alpha.token)
        .header("referer", REFERER)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status().as_u16(), 200);
    let added = client
        .post(format!("{third_base}/students/transfer"))
        .header("token", &alpha.token)
        .header("referer", REFERER)
        .json(&json!({"data": [{"name": "Pupil 400", "username": "pupil400", "id": "P400"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status().as_u16(), 200);
    let _ = third.kill();
    let _ = third.wait();
    let started = Instant::now();
    loop {
        let (_, first) = send(alpha.get("/users?page=1&per_page=100")).await;
        let (_, last) = send(alpha.get("/users?page=4&per_page=100")).await;
        assert_eq!(first["meta"]["total"], 315, "{first}");
        if first["data"][0]["id"] == current[1] && last["data"][14]["name"] == "Pupil 400" {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(12),
            "a removal and an addition elsewhere are not shown after 12 s: page 1 starts at {}, page 4 holds {}",
            first["data"][0]["id"],
            last["data"].as_array().unwrap().len()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let mut expected = current[1..].to_vec();
    let after = walk(&alpha, "/users", 100, 315).await;
    expected.push(*after.last().unwrap());
    assert_eq!(after, expected);
}

async fn concurrent_reads_of_two_tenants_never_cross(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (alpha, beta) = app.two_tenants().await;
    transfer(&alpha, 0, 40).await;
    transfer(&beta, 100, 40).await;
    let alpha_ids = walk(&alpha, "/users", 100, 40).await;
    let beta_ids = walk(&beta, "/users", 100, 40).await;
    // Each tenant asks for its own users and the other's, all at once, many times over.
    let reads = (0..400).map(|index| {
        let (tenant, own, other) = if index % 2 == 0 {
            (&alpha, &alpha_ids, &beta_ids)
        } else {
            (&beta, &beta_ids, &alpha_ids)
        };
        let asks_own = index % 4 < 2;
        let id = if asks_own {
            own[index % 40]
        } else {
            other[index % 40]
        };
        async move {
            let (status, user) = send(tenant.get(&format!("/users/{id}"))).await;
            (asks_own, id, status, user)
        }
    });
    for (asks_own, id, status, user) in join_all(reads).await {
        if asks_own {
            assert_eq!((status, user["id"].as_i64()), (200, Some(id)), "{user}");
        } else {
            assert_eq!(status, 404, "another tenant's user {id} was served: {user}");
        }
    }
}
