//! In a real browser (headless Chromium driven through chromedriver): a student opens a sign-in link, sees their
//! classes, switches to Arabic and sees a right-to-left page, signs out; screenshots of the student and teacher homes
//! go to `target/test-output/`. Skipped (saying so) where Chromium is not installed, unless
//! `CLASSBRIDGE_TEST_REQUIRE_BROWSER=1` (CI), which installs it.

use std::{path::PathBuf, process::Stdio, time::Duration};

use fantoccini::{ClientBuilder, Locator};
use serde_json::{json, Value};

use crate::{
    both_databases,
    harness::{send, Backend, TestApp},
    mirror::mirror,
};

both_databases!(a_student_and_a_teacher_use_their_pages_in_a_real_browser);

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub fn output_dir() -> PathBuf {
    let dir = std::env::var_os("CLASSBRIDGE_TEST_OUTPUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/test-output")
        });
    std::fs::create_dir_all(&dir).expect("the test output folder");
    dir
}

pub struct Driver(std::process::Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub async fn browser() -> Option<(fantoccini::Client, Driver, tempfile::TempDir)> {
    if !std::path::Path::new(CHROMEDRIVER).exists() || !std::path::Path::new(CHROMIUM).exists() {
        assert!(
            std::env::var("CLASSBRIDGE_TEST_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "CLASSBRIDGE_TEST_REQUIRE_BROWSER=1 but {CHROMIUM} or {CHROMEDRIVER} is missing"
        );
        eprintln!("SKIPPED in a browser: install Debian's chromium and chromium-driver to run it");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let driver = Driver(
        std::process::Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let profile = tempfile::tempdir().unwrap();
    let capabilities: serde_json::Map<String, Value> = serde_json::from_value(json!({
        "goog:chromeOptions": {"binary": CHROMIUM, "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--window-size=1100,900", format!("--user-data-dir={}", profile.path().display())]}
    }))
    .unwrap();
    for _ in 0..100 {
        let connected =
            ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await;
        if let Ok(client) = connected {
            return Some((client, driver, profile));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("could not start a Chromium session through chromedriver");
}

pub async fn link(app: &TestApp, tenant: &crate::harness::TestTenant, uuid: &str) -> String {
    let (status, answer) =
        send(tenant.post_json("/api/v2/mirror-data/sso-token", &json!({"uuid": uuid}))).await;
    assert_eq!(status, 200, "{answer}");
    let _ = app;
    answer["url"].as_str().unwrap().to_owned()
}

/// The text of the element `css` names, waiting while the page is still being replaced (a busy machine can hand
/// out an element of the page being left, which is stale by the time its text is asked for).
pub async fn text_of(client: &fantoccini::Client, css: &str) -> String {
    let mut last_error = None;
    for _ in 0..50 {
        match client.find(Locator::Css(css)).await {
            Ok(element) => match element.text().await {
                Ok(text) => return text,
                Err(error) => last_error = Some(error),
            },
            Err(error) => last_error = Some(error),
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{css} on the page: {last_error:?}")
}

/// Waits (up to 5 s) until the element `css` names shows `expected`: after a click, the browser may still show the
/// page it is leaving. Panics with what it showed last.
pub async fn text_showing(client: &fantoccini::Client, css: &str, expected: &str) -> String {
    let mut last = String::new();
    for _ in 0..50 {
        last = text_of(client, css).await;
        if last.contains(expected) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never showed {expected:?}; it showed {last:?}")
}

async fn a_student_and_a_teacher_use_their_pages_in_a_real_browser(backend: Backend) {
    let Some((client, _driver, _profile)) = browser().await else {
        return;
    };
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let school = json!({"branches": [{"id": 1, "name": "North School", "classes": [{"id": 10, "name": "Grade 5", "sections": [
        {"name": "A", "subjects": [{"id": 1, "name": "Physics", "teachers": [{"uuid": "t1", "name": "Mr Karim"}]}],
         "students": [{"uuid": "s1", "name": "Sara Haddad"}, {"uuid": "s2", "name": "Omar Aziz"}]}]}]}]});
    mirror(&alpha, &school).await;

    client.goto(&link(&app, &alpha, "s1").await).await.unwrap();
    assert!(client
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with("/home"));
    let classes = text_of(&client, "#my-classes").await;
    assert!(
        classes.contains("North School") && classes.contains("Grade 5"),
        "{classes}"
    );
    assert!(text_of(&client, "#my-subjects").await.contains("Mr Karim"));
    assert!(text_of(&client, "#signed-in").await.contains("Sara Haddad"));
    let dir = output_dir();
    let suffix = match app.database_url {
        Some(_) => "postgres",
        None => "sqlite",
    };
    std::fs::write(
        dir.join(format!("student-home-{suffix}.png")),
        client.screenshot().await.unwrap(),
    )
    .unwrap();

    client
        .find(Locator::Css("#switch-language"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The Arabic page is shown (the click navigates; the old page may still be there for a moment), right to left.
    text_showing(&client, "#my-classes", "صفوفي").await;
    let direction = client
        .execute("return document.documentElement.dir", vec![])
        .await
        .unwrap();
    assert_eq!(direction, json!("rtl"));
    std::fs::write(
        dir.join(format!("student-home-arabic-{suffix}.png")),
        client.screenshot().await.unwrap(),
    )
    .unwrap();

    client
        .find(Locator::Css("#sign-out"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // Signed out, in the language chosen.
    text_showing(&client, "h1", "تم تسجيل خروجك").await;
    client.goto(&app.url("/home")).await.unwrap();
    text_showing(&client, "h1", "You are not signed in").await;

    client.goto(&link(&app, &alpha, "t1").await).await.unwrap();
    let sections = text_of(&client, "#my-sections").await;
    assert!(
        sections.contains("Sara Haddad")
            && sections.contains("Omar Aziz")
            && sections.contains("Physics"),
        "{sections}"
    );
    std::fs::write(
        dir.join(format!("teacher-home-{suffix}.png")),
        client.screenshot().await.unwrap(),
    )
    .unwrap();
    client.close().await.unwrap();
}
