//! Pushes to the school's server against a real receiver on 127.0.0.1:0, as a school would run one: the
//! end-of-lesson messages after a lesson with attendance, their SafeKey verified; a receiver that fails (HTTP 500,
//! a wrong answer, no answer in time) gets the same message again and the queue waits for it; a server killed
//! with messages pending delivers them after a restart, once each. The queue's state is read from the CLI and
//! `/metrics`.

use std::time::Duration;

use serde_json::{json, Value};

use super::{
    pages::{login_link, Visitor},
    push_receiver::{push_receiver, verify, Mode, Receiver},
    readback::scheduled_course,
    school, School,
};
use crate::{
    both_databases,
    harness::{send, Backend, TestApp},
};

both_databases!(
    the_end_of_lesson_messages_carry_attendance_and_verify_as_a_school_would,
    a_failing_receiver_gets_the_same_message_again_and_the_queue_waits,
    a_killed_server_delivers_pending_messages_after_restart_once_each,
    v1_lesson_and_membership_changes_are_pushed_with_seats_counting_the_teacher,
);

/// A server with fast retries (1 s) and a 1-second timeout.
pub(super) async fn spawn(backend: Backend, deliver: bool) -> TestApp {
    TestApp::spawn_with(backend, |config| {
        config.classin_pushes = deliver;
        config.classin_push_retry_seconds = 1;
        config.classin_push_timeout_seconds = 1;
        config.classin_push_poll_millis = 100;
    })
    .await
}

/// `classbridge …` against the app's database; its standard output.
fn cli(app: &TestApp, args: &[&str]) -> String {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_classbridge"));
    command
        .arg("--data-dir")
        .arg(&app.data_dir)
        .args(args)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn");
    if let Some(url) = &app.database_url {
        command.env("DATABASE_URL", url);
    }
    let output = command.output().expect("the CLI runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn commands(messages: &[Value]) -> Vec<String> {
    messages
        .iter()
        .map(|m| m["Cmd"].as_str().unwrap().to_owned())
        .collect()
}

/// A classroom `lead` seconds from now lasting an hour; its lesson id.
pub(super) async fn classroom(
    school: &School,
    course: i64,
    teacher: i64,
    name: &str,
    lead: i64,
) -> i64 {
    let begin = school.clock.now_seconds() + lead;
    school
        .v2_ok(
            "/lms/activity/createClass",
            json!({"courseId": course, "name": name, "teacherUid": teacher, "startTime": begin,
                   "endTime": begin + 3600, "seatNum": 4}),
        )
        .await["classId"]
        .as_i64()
        .unwrap()
}

async fn the_end_of_lesson_messages_carry_attendance_and_verify_as_a_school_would(
    backend: Backend,
) {
    let app = spawn(backend, true).await;
    let school = school(&app, "alpha").await;
    let receiver = Receiver::start(Mode::Acknowledge(usize::MAX)).await;
    let (teacher, _, students, course) = scheduled_course(&school).await;
    let out = cli(
        &app,
        &[
            "classin-credential",
            "push-url",
            &school.sid.to_string(),
            &receiver.url,
        ],
    );
    assert!(out.contains(&receiver.url), "{out}");
    let lesson = classroom(&school, course, teacher, "Optics", 3600).await;
    let added = receiver
        .wait_for("the lesson's creation", |m| !m.is_empty())
        .await;
    assert_eq!(added[0]["Cmd"], "eeoClassInfoChange");
    assert_eq!(added[0]["opType"], 1);
    assert_eq!(added[0]["ClassID"], lesson);
    assert_eq!(
        added[0]["opData"]["seatNum"], 4,
        "seatNum counts the teacher: {}",
        added[0]
    );
    assert_eq!(added[0]["SID"], school.sid);
    verify(&added[0], &school.secret);

    // The teacher enters 15 minutes before, Sara 5 minutes after the start; Omar never.
    let (teacher_page, _) = Visitor::open(
        &app.address,
        &login_link(&school, teacher, course, lesson).await,
    )
    .await;
    let (sara, _) = Visitor::open(
        &app.address,
        &login_link(&school, students[0], course, lesson).await,
    )
    .await;
    let enter = format!("/lessons/{lesson}/enter");
    app.clock.advance(3600 - 15 * 60);
    assert_eq!(teacher_page.post(&enter, None).await.0, 200);
    app.clock.advance(20 * 60);
    let sara_in = app.clock.now_seconds();
    assert_eq!(sara.post(&enter, None).await.0, 200);
    // Nothing until the lesson closes (its end plus 20 minutes).
    app.clock.advance(3600 - 5 * 60 + 19 * 60);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(commands(&receiver.acknowledged()), ["eeoClassInfoChange"]);
    app.clock.advance(2 * 60);
    let all = receiver
        .wait_for("the end-of-lesson messages", |m| m.len() >= 3)
        .await;
    assert_eq!(commands(&all), ["eeoClassInfoChange", "End", "Attendance"]);
    for message in &all {
        verify(message, &school.secret);
    }
    let (end, attendance) = (&all[1], &all[2]);
    let start = added[0]["opData"]["beginTime"].as_i64().unwrap();
    assert_eq!(
        (&end["ClassID"], &end["CourseID"]),
        (&json!(lesson), &json!(course))
    );
    assert_eq!(end["StartTime"], start);
    assert_eq!(end["CloseTime"], start + 3600 + 20 * 60);
    let inout = &end["Data"]["inoutEnd"];
    assert_eq!(inout[teacher.to_string()]["Identity"], 3, "{end}");
    assert_eq!(
        inout[teacher.to_string()]["Total"],
        3600,
        "from the start to the end: {end}"
    );
    assert_eq!(inout[students[0].to_string()]["Identity"], 1);
    assert_eq!(
        inout[students[0].to_string()]["Details"][0]["Time"],
        sara_in
    );
    assert_eq!(
        inout[students[0].to_string()]["Total"],
        start + 3600 - sara_in
    );
    assert!(
        inout.get(students[1].to_string()).is_none(),
        "Omar never entered: {end}"
    );
    // The school applies ClassIn's early-dismissal rule: min(RealCloseTime, CloseTime).
    let effective = end["RealCloseTime"]
        .as_i64()
        .unwrap()
        .min(end["CloseTime"].as_i64().unwrap());
    assert_eq!(effective, start + 3600);

    assert_eq!(attendance["ClassStudentNum"], 2, "{attendance}");
    assert_eq!(attendance["AttendanceStudentNum"], 1);
    assert_eq!(attendance["AttendanceFlag"], 1);
    assert!(attendance["ActivityID"].as_i64().unwrap() > 0);
    let row = |uid: i64| {
        attendance["Data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|row| row["Uid"] == uid)
            .cloned()
            .unwrap_or_else(|| panic!("{uid} missing from {attendance}"))
    };
    assert_eq!(row(students[0])["FirstInTime"], sara_in);
    assert_eq!(row(students[0])["AttendanceTime"], start + 3600 - sara_in);
    assert_eq!(row(students[1])["AttendanceTime"], 0, "absent");
    assert!(row(students[1]).get("FirstInDevice").is_none());
    assert_eq!(row(teacher)["Identity"], 3);
    let ids: std::collections::HashSet<_> = all.iter().map(|m| m["_id"].clone()).collect();
    assert_eq!(ids.len(), all.len(), "each message has its own _id");
    // Nothing more, and nothing twice.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(receiver.attempts().len(), 3);
}

async fn a_failing_receiver_gets_the_same_message_again_and_the_queue_waits(backend: Backend) {
    let app = spawn(backend, true).await;
    let school = school(&app, "alpha").await;
    let (teacher, _, _, course) = scheduled_course(&school).await;
    let receiver = push_receiver(&app, &school, Mode::ServerError).await;
    let mut lessons = Vec::new();
    for name in ["One", "Two", "Three"] {
        lessons.push(classroom(&school, course, teacher, name, 7200).await);
    }
    let attempts_of_first = |receiver: &Receiver| {
        receiver
            .attempts()
            .iter()
            .all(|m| m["ClassID"] == lessons[0])
    };
    for (mode, what) in [
        (Mode::ServerError, "HTTP 500"),
        (Mode::WrongAnswer, "errno"),
        (Mode::Hang, "timeout"),
    ] {
        receiver.set(mode);
        let before = receiver.attempts().len();
        for _ in 0..100 {
            if receiver.attempts().len() >= before + 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            receiver.attempts().len() >= before + 2,
            "{mode:?} retried: {:?}",
            receiver.attempts()
        );
        assert!(
            attempts_of_first(&receiver),
            "only the first message until it is acknowledged"
        );
        let state: Value =
            serde_json::from_str(&cli(&app, &["classin-credential", "pushes", "--json"])).unwrap();
        assert_eq!(state[0]["pending"], 3, "{state}");
        assert!(state[0]["oldest_pending_at"].is_string(), "{state}");
        let error = state[0]["last_error"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(!error.is_empty(), "{what}: {state}");
    }
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let line = format!(
        "classbridge_classin_push_pending{{sid=\"{}\"}} 3",
        school.sid
    );
    assert!(metrics.contains(&line), "{line} in {metrics}");
    // The school's admins see the same in the dashboard.
    let partner = super::readback::partner(&app, "alpha").await;
    let (status, _) = send(partner.post_json(
        "/students/transfer",
        &json!({"data": [{"name": "Head Teacher", "username": "head", "id": "ADM-1", "role": "admin"}]}),
    ))
    .await;
    assert_eq!(status, 200);
    let (_, answer) = send(partner.post_json("/sso-token", &json!({"user_id": "ADM-1"}))).await;
    let (admin, _) = Visitor::open(&app.address, answer["url"].as_str().unwrap()).await;
    let (status, dashboard) = admin.get("/dashboard").await;
    assert_eq!(status, 200, "{dashboard}");
    let section = &dashboard[dashboard
        .find("id=\"classin-pushes\"")
        .expect("the pushes section")..];
    assert!(
        section.contains(&school.sid.to_string())
            && section.contains(&receiver.url)
            && section.contains("<td>3</td>"),
        "{section}"
    );
    assert!(section.contains("timeout"), "the last error: {section}");

    receiver.set(Mode::Acknowledge(usize::MAX));
    let delivered = receiver
        .wait_for("all three after the failures", |m| m.len() >= 3)
        .await;
    let classes: Vec<_> = delivered
        .iter()
        .map(|m| m["ClassID"].as_i64().unwrap())
        .collect();
    assert_eq!(classes, lessons, "in order");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        receiver.acknowledged().len(),
        3,
        "nothing twice once acknowledged"
    );
    let state: Value =
        serde_json::from_str(&cli(&app, &["classin-credential", "pushes", "--json"])).unwrap();
    assert_eq!(
        (&state[0]["pending"], &state[0]["delivered"]),
        (&json!(0), &json!(4)),
        "the registration test and the three lessons: {state}"
    );
}

/// `classbridge serve` on the app's database in its own process, delivering pushes fast.
async fn serve_process(app: &TestApp) -> std::process::Child {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_classbridge"));
    command
        .arg("--data-dir")
        .arg(&app.data_dir)
        .args([
            "serve",
            "--workers",
            "0",
            "--bind",
            &format!("127.0.0.1:{port}"),
        ])
        .env_remove("DATABASE_URL")
        .env("CLASSBRIDGE_CLASSIN_PUSH_RETRY_SECONDS", "1")
        .env("CLASSBRIDGE_CLASSIN_PUSH_TIMEOUT_SECONDS", "1")
        .env("CLASSBRIDGE_CLASSIN_PUSH_POLL_MILLIS", "100")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit());
    if let Some(url) = &app.database_url {
        command.env("DATABASE_URL", url);
    }
    let mut child = command.spawn().expect("the server starts");
    for _ in 0..200 {
        if let Ok(response) = app
            .client
            .get(format!("http://127.0.0.1:{port}/readyz"))
            .send()
            .await
        {
            if response.status().is_success() {
                return child;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server process did not become ready");
}

async fn a_killed_server_delivers_pending_messages_after_restart_once_each(backend: Backend) {
    // This process writes the messages but delivers none; a separate server process delivers.
    let app = spawn(backend, false).await;
    let school = school(&app, "alpha").await;
    let (teacher, _, _, course) = scheduled_course(&school).await;
    let receiver = push_receiver(&app, &school, Mode::Acknowledge(1)).await;
    let mut lessons = Vec::new();
    for name in ["One", "Two", "Three", "Four"] {
        lessons.push(classroom(&school, course, teacher, name, 7200).await);
    }
    let mut first = serve_process(&app).await;
    // The first is acknowledged, the second fails (and is retried) when the process is killed.
    receiver
        .wait_for("the first message", |m| m.len() == 1)
        .await;
    for _ in 0..100 {
        if receiver.attempts().len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    first.kill().unwrap();
    first.wait().unwrap();
    assert_eq!(receiver.acknowledged().len(), 1);
    receiver.set(Mode::Acknowledge(usize::MAX));
    let mut second = serve_process(&app).await;
    let delivered = receiver
        .wait_for("every message after the restart", |m| m.len() >= 4)
        .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    second.kill().unwrap();
    second.wait().unwrap();
    let classes: Vec<_> = receiver
        .acknowledged()
        .iter()
        .map(|m| m["ClassID"].as_i64().unwrap())
        .collect();
    assert_eq!(classes, lessons, "each once, in order: {delivered:?}");
}

async fn v1_lesson_and_membership_changes_are_pushed_with_seats_counting_the_teacher(
    backend: Backend,
) {
    let app = spawn(backend, true).await;
    let school = school(&app, "alpha").await;
    let (teacher, _, students, course) = scheduled_course(&school).await;
    let unsubscribed = school.lesson(course, teacher, 7200).await;
    let receiver = push_receiver(&app, &school, Mode::Acknowledge(usize::MAX)).await;
    let lesson = super::readback::lesson_at(
        &school,
        course,
        teacher,
        "Waves",
        7200,
        60,
        json!({"seatNum": 3}),
    )
    .await;
    school
        .ok(
            "editCourseClass",
            json!({"courseId": course, "classId": lesson, "className": "Waves II"}),
        )
        .await;
    school
        .ok(
            "delCourseStudent",
            json!({"courseId": course, "studentUid": students[1]}),
        )
        .await;
    school
        .ok(
            "delCourseClass",
            json!({"courseId": course, "classId": lesson}),
        )
        .await;
    let all = receiver.wait_for("four messages", |m| m.len() >= 4).await;
    assert_eq!(
        commands(&all),
        [
            "eeoClassInfoChange",
            "eeoClassInfoChange",
            "eeoCourseStudentChange",
            "eeoClassInfoChange"
        ]
    );
    assert_eq!(
        (&all[0]["opType"], &all[0]["opSource"]),
        (&json!(1), &json!(6)),
        "{}",
        all[0]
    );
    assert_eq!(
        all[0]["opData"]["seatNum"], 4,
        "v1's 3 students and the teacher: {}",
        all[0]
    );
    assert_eq!(all[1]["opType"], 3, "{}", all[1]);
    assert_eq!(
        all[1]["opData"],
        json!({"courseId": course, "classId": lesson, "className": "Waves II"}),
        "a change carries only the fields that changed: {}",
        all[1]
    );
    let remaining: Vec<_> = all[2]["opData"]["studentInfos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["studentUid"].as_i64().unwrap())
        .collect();
    assert_eq!(remaining, [students[0]], "{}", all[2]);
    assert_eq!(
        (&all[3]["opType"], &all[3]["opData"]),
        (
            &json!(3),
            &json!({"courseId": course, "classId": lesson, "classStatus": 4})
        ),
        "class messages say a deletion with opType 3 and classStatus 4: {}",
        all[3]
    );
    assert!(
        all.iter().all(|m| m["ClassID"] != unsubscribed),
        "nothing from before the subscription"
    );
    for message in &all {
        verify(message, &school.secret);
    }
}
