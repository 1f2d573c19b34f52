//! Slow clients: half-sent headers and bodies are cut off after their deadlines while other clients are served, and
//! idle connections cannot exhaust the open-file limit.

use std::time::{Duration, Instant};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::{
    both_databases,
    harness::{Backend, TestApp, REFERER},
};

both_databases!(
    half_sent_requests_are_cut_off_while_a_normal_client_is_served,
    a_body_that_stops_arriving_is_answered_408_in_the_envelope,
    connections_past_the_cap_wait_for_a_slot_instead_of_failing,
);

fn host_of(app: &TestApp) -> String {
    app.address.trim_start_matches("http://").to_owned()
}

/// Reads until the server closes the connection (or `within` passes); returns what it sent and whether it closed.
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> (String, bool) {
    let mut received = Vec::new();
    let mut buffer = [0_u8; 4096];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&received).into(), true),
            Ok(Ok(read)) => received.extend_from_slice(&buffer[..read]),
            Err(_) => return (String::from_utf8_lossy(&received).into(), false),
        }
    }
}

async fn half_sent_requests_are_cut_off_while_a_normal_client_is_served(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| {
        config.header_read_timeout_seconds = 1;
    })
    .await;
    let host = host_of(&app);
    // More idle sockets than the usual open-file limit of 1,024.
    let mut idle = Vec::new();
    for _ in 0..1100 {
        let mut stream = TcpStream::connect(&host).await.unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .unwrap();
        idle.push(stream);
    }
    let started = Instant::now();
    let ready = app
        .anonymous(reqwest::Method::GET, "/readyz")
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "served beside 1,100 half-sent requests: {:?}",
        started.elapsed()
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut closed = 0;
    for stream in &mut idle {
        if read_until_closed(stream, Duration::from_secs(3)).await.1 {
            closed += 1;
        }
    }
    assert_eq!(closed, 1100, "every half-sent request is cut off");
}

async fn a_body_that_stops_arriving_is_answered_408_in_the_envelope(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| {
        config.body_read_timeout_seconds = 1;
    })
    .await;
    let alpha = app.tenant("alpha").await;
    let mut stream = TcpStream::connect(host_of(&app)).await.unwrap();
    let head = format!(
        "POST /users HTTP/1.1\r\nHost: x\r\ntoken: {}\r\nreferer: {REFERER}/\r\naccept: application/json\r\n\
         content-type: application/json\r\ncontent-length: 100\r\n\r\n{{\"name\": ",
        alpha.token
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let (answer, closed) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.contains("{\"message\":"),
        "in the partner envelope: {answer}"
    );
    assert!(closed, "the connection is closed");
    assert!(started.elapsed() < Duration::from_secs(3));
}

async fn connections_past_the_cap_wait_for_a_slot_instead_of_failing(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| {
        config.header_read_timeout_seconds = 1;
        config.max_client_connections = 20;
    })
    .await;
    let host = host_of(&app);
    let mut idle = Vec::new();
    for _ in 0..20 {
        idle.push(TcpStream::connect(&host).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let started = Instant::now();
    let ready = client
        .get(app.url("/readyz"))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let waited = started.elapsed();
    assert!(
        waited > Duration::from_millis(500),
        "the twenty-first connection waited for a slot: {waited:?}"
    );
    assert!(waited < Duration::from_secs(4), "{waited:?}");
}
