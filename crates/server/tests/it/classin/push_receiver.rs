//! The school's side of pushes for the tests: a receiver on 127.0.0.1:0 that records every attempt and answers as
//! its [`Mode`] says (acknowledging ClassIn's registration test unless told not to), subscribed as a school's
//! receiving URL ([`push_receiver`]), and the SafeKey check a school runs on each message ([`verify`]).

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use axum::{extract::State, routing::post, Json, Router};
use md5::{Digest, Md5};
use serde_json::{json, Value};

use super::School;
use crate::harness::TestApp;

/// How the receiver answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `{"error_info": {"errno": 1, …}}`, for at most this many more messages (then HTTP 500).
    Acknowledge(usize),
    ServerError,
    /// JSON, but errno as text: not ClassIn's acknowledgement.
    WrongAnswer,
    /// Answers only after the server's timeout.
    Hang,
}

#[derive(Default)]
struct Seen {
    /// Every attempt, in arrival order.
    attempts: Vec<Value>,
    /// The messages acknowledged, in order.
    acknowledged: Vec<Value>,
    /// ClassIn's registration tests (`Cmd` `Test`), every attempt, and how many were acknowledged.
    registration_tests: Vec<Value>,
    registration_tests_acknowledged: usize,
}

#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    seen: Arc<Mutex<Seen>>,
    mode: Arc<Mutex<Mode>>,
    acknowledge_tests: Arc<AtomicBool>,
}

async fn receive(
    State(receiver): State<Receiver>,
    Json(message): Json<Value>,
) -> (axum::http::StatusCode, String) {
    // A school's receiver acknowledges the registration test whatever it does with the rest (datasub.md §8),
    // unless a test asks it not to; tests are kept apart from the other messages.
    if message["Cmd"] == "Test" {
        let acknowledge = receiver.acknowledge_tests.load(Ordering::Relaxed);
        let mut seen = receiver.seen.lock().unwrap();
        seen.registration_tests.push(message);
        return if acknowledge {
            seen.registration_tests_acknowledged += 1;
            (
                axum::http::StatusCode::OK,
                json!({"error_info": {"errno": 1, "error": "程序正常执行"}}).to_string(),
            )
        } else {
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "not yet".into(),
            )
        };
    }
    let mode = *receiver.mode.lock().unwrap();
    receiver.seen.lock().unwrap().attempts.push(message.clone());
    match mode {
        Mode::Acknowledge(left) if left > 0 => {
            *receiver.mode.lock().unwrap() = Mode::Acknowledge(left - 1);
            receiver.seen.lock().unwrap().acknowledged.push(message);
            (
                axum::http::StatusCode::OK,
                json!({"error_info": {"errno": 1, "error": "程序正常执行"}}).to_string(),
            )
        }
        Mode::Acknowledge(_) | Mode::ServerError => {
            (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "oops".into())
        }
        Mode::WrongAnswer => (
            axum::http::StatusCode::OK,
            json!({"error_info": {"errno": "1", "error": "ok"}}).to_string(),
        ),
        Mode::Hang => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            (axum::http::StatusCode::OK, "late".into())
        }
    }
}

impl Receiver {
    pub async fn start(mode: Mode) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let receiver = Self {
            url: format!("http://{}/classin/push", listener.local_addr().unwrap()),
            seen: Arc::default(),
            mode: Arc::new(Mutex::new(mode)),
            acknowledge_tests: Arc::new(AtomicBool::new(true)),
        };
        let app = Router::new()
            .route("/classin/push", post(receive))
            .with_state(receiver.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        receiver
    }

    /// Makes this receiver the school's receiving URL, as the school's admin does; the registration test follows.
    pub async fn subscribe(&self, app: &TestApp, school: &School) {
        classbridge_service::pushes::set_push_url(
            &classbridge_service::Service::new(app.store.clone()),
            school.sid,
            Some(&self.url),
        )
        .await
        .unwrap();
    }

    pub fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    /// Whether the registration test is acknowledged (it is unless a test says otherwise).
    pub fn acknowledge_registration_tests(&self, acknowledge: bool) {
        self.acknowledge_tests.store(acknowledge, Ordering::Relaxed);
    }

    /// The registration tests received (every attempt) and how many were acknowledged.
    pub fn registration_tests(&self) -> (Vec<Value>, usize) {
        let seen = self.seen.lock().unwrap();
        (
            seen.registration_tests.clone(),
            seen.registration_tests_acknowledged,
        )
    }

    pub fn attempts(&self) -> Vec<Value> {
        self.seen.lock().unwrap().attempts.clone()
    }

    pub fn acknowledged(&self) -> Vec<Value> {
        self.seen.lock().unwrap().acknowledged.clone()
    }

    /// Waits (up to 20 s) until `done` holds for the acknowledged messages.
    pub async fn wait_for(&self, what: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        for _ in 0..200 {
            let acknowledged = self.acknowledged();
            if done(&acknowledged) {
                return acknowledged;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "{what}: acknowledged {:?}, attempts {:?}",
            self.acknowledged(),
            self.attempts()
        );
    }
}

/// A receiver answering as `mode` says, already the school's receiving URL.
pub async fn push_receiver(app: &TestApp, school: &School, mode: Mode) -> Receiver {
    let receiver = Receiver::start(mode).await;
    receiver.subscribe(app, school).await;
    receiver
}

/// A school verifies a message: `SafeKey` = md5(SECRET + TimeStamp).
pub fn verify(message: &Value, secret: &str) {
    let stamp = message["TimeStamp"].as_i64().expect("a TimeStamp");
    let expected = hex::encode(Md5::digest(format!("{secret}{stamp}")));
    assert_eq!(message["SafeKey"], expected, "{message}");
}
