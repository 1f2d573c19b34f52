//! The push outbox's delivery rate: a school's receiving URL is set (`classin-credential push-url`), a receiver on
//! 127.0.0.1 refuses every push (HTTP 503) while lessons are created through the ClassIn-compatible API (each one
//! writes an `eeoClassInfoChange` to the outbox in its own transaction), then it acknowledges as ClassIn documents
//! (`{"error_info": {"errno": 1}}`), the registration test that comes first included. The rate is the messages acknowledged, in order, from the first acknowledgement
//! to the last; the receiver checks that every message came once and in the order they were written.

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use anyhow::{bail, Context, Result};
use serde_json::Value;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

use crate::{
    classin::{unix_now, ClassIn},
    server::Server,
};

/// Lessons created, and so messages delivered.
const MESSAGES: usize = 1_000;
/// A run that has not delivered everything by then fails.
const DELIVERED_WITHIN: Duration = Duration::from_secs(600);

pub struct PushesResult {
    pub messages: usize,
    pub seconds: f64,
}

/// What the receiver saw.
#[derive(Default)]
struct Received {
    /// `ClassID` of each acknowledged message, in the order they came.
    acknowledged: Vec<i64>,
    first_at: Option<Instant>,
    last_at: Option<Instant>,
    /// ClassIn's registration tests acknowledged (one, sent before anything else).
    registration_tests: usize,
}

struct Receiver {
    url: String,
    accepting: Arc<AtomicBool>,
    received: Arc<Mutex<Received>>,
}

impl Receiver {
    async fn start() -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}/classin-pushes", listener.local_addr()?);
        let accepting = Arc::new(AtomicBool::new(false));
        let received = Arc::new(Mutex::new(Received::default()));
        let (flag, log) = (accepting.clone(), received.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, flag.clone(), log.clone()));
            }
        });
        Ok(Self {
            url,
            accepting,
            received,
        })
    }
}

/// One keep-alive connection of the server's push delivery: each request read whole, answered at once.
async fn serve(mut stream: TcpStream, accepting: Arc<AtomicBool>, received: Arc<Mutex<Received>>) {
    let mut buffer = Vec::with_capacity(8192);
    loop {
        let Some((head_end, length)) = read_head(&mut stream, &mut buffer).await else {
            return;
        };
        while buffer.len() < head_end + length {
            let mut chunk = [0_u8; 8192];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(read) => buffer.extend_from_slice(&chunk[..read]),
            }
        }
        let body: Value =
            serde_json::from_slice(&buffer[head_end..head_end + length]).unwrap_or(Value::Null);
        buffer.drain(..head_end + length);
        let acknowledge = accepting.load(Ordering::Relaxed);
        if acknowledge {
            let mut log = received.lock().expect("the receiver's log");
            if body["Cmd"] == "Test" {
                // ClassIn's registration test, sent first when the URL is set: acknowledged, not counted.
                log.registration_tests += 1;
            } else {
                let now = Instant::now();
                log.first_at.get_or_insert(now);
                log.last_at = Some(now);
                log.acknowledged
                    .push(body["ClassID"].as_i64().unwrap_or(-1));
            }
        }
        let answer = if acknowledge {
            let reply = r#"{"error_info":{"errno":1,"error":"ok"}}"#;
            format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{reply}",
                reply.len()
            )
        } else {
            "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n".to_owned()
        };
        if stream.write_all(answer.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// Reads until the end of a request's head; answers where its body starts and its Content-Length.
async fn read_head(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<(usize, usize)> {
    loop {
        if let Some(at) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..at]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse().ok())
                .unwrap_or(0);
            return Some((at + 4, length));
        }
        let mut chunk = [0_u8; 8192];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(read) => buffer.extend_from_slice(&chunk[..read]),
        }
    }
}

pub async fn run(server: &mut Server) -> Result<PushesResult> {
    let receiver = Receiver::start().await?;
    server.cli(&[
        "classin-credential",
        "push-url",
        &server.classin_sid,
        &receiver.url,
    ])?;
    let school = ClassIn::new(reqwest::Client::new(), server);
    let teacher = school.register("13700000000", "Push Teacher", 2).await?;
    let course = school
        .call(
            "addCourse",
            &[
                ("courseName", "Push course".into()),
                ("mainTeacherUid", teacher.to_string()),
            ],
        )
        .await?
        .as_i64()
        .context("no course id")?;
    let first_start = unix_now() + 86_400;
    let mut lessons = Vec::with_capacity(MESSAGES);
    for n in 0..MESSAGES {
        let begin = first_start + n as i64 * 7_200;
        let lesson = school
            .call(
                "addCourseClass",
                &[
                    ("courseId", course.to_string()),
                    ("className", format!("Pushed lesson {n}")),
                    ("beginTime", begin.to_string()),
                    ("endTime", (begin + 3_600).to_string()),
                    ("teacherUid", teacher.to_string()),
                ],
            )
            .await?
            .as_i64()
            .context("no lesson id")?;
        lessons.push(lesson);
    }
    receiver.accepting.store(true, Ordering::Relaxed);
    let started = Instant::now();
    loop {
        server.ensure_running()?;
        if receiver
            .received
            .lock()
            .expect("the receiver's log")
            .acknowledged
            .len()
            >= MESSAGES
        {
            break;
        }
        if started.elapsed() > DELIVERED_WITHIN {
            bail!(
                "the outbox did not deliver {MESSAGES} messages within {DELIVERED_WITHIN:?}\n{}\n{}",
                server.cli(&["classin-credential", "pushes"]).unwrap_or_default(),
                server.log_tail()
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let log = receiver.received.lock().expect("the receiver's log");
    if log.acknowledged != lessons {
        bail!(
            "the messages did not come once each in the order written: {} received, first {:?}",
            log.acknowledged.len(),
            &log.acknowledged[..log.acknowledged.len().min(5)]
        );
    }
    if log.registration_tests != 1 {
        bail!(
            "the registration test was acknowledged {} times, not once",
            log.registration_tests
        );
    }
    let (Some(first), Some(last)) = (log.first_at, log.last_at) else {
        bail!("nothing was acknowledged");
    };
    Ok(PushesResult {
        messages: MESSAGES,
        seconds: last.duration_since(first).as_secs_f64().max(f64::EPSILON),
    })
}

pub fn print(database: &str, result: &PushesResult) {
    println!(
        "\npush outbox on {database}: {} eeoClassInfoChange messages of one school, held back by the receiver and then \
         acknowledged, each once and in order",
        result.messages
    );
    println!(
        "delivered and marked delivered (first to last acknowledgement)  {:>8.0} messages per second",
        (result.messages - 1) as f64 / result.seconds
    );
}
