//! Issue 18 over HTTP: subjects and supervisors, learning paths with experiment tokens, the catalogue, attempts at the
//! labs graded by the server, and the pages of students, teachers and supervisors.

mod attempts;
mod browser;
mod learning_paths;
mod subjects;

use reqwest::header;
use serde_json::{json, Value};

use crate::{
    harness::{send, TestApp, TestTenant},
    mirror::mirror,
    sso::{browser, csrf_of, page, sign_in},
};

/// North School, Grade 9: section A (students s1, s2) and B (s3) have Physics with Mr Karim (t1); A also has
/// Chemistry with Ms Dana (t2).
pub fn school_of_labs() -> Value {
    json!({"branches": [{"id": 1, "name": "North School", "classes": [{"id": 9, "name": "Grade 9", "sections": [
        {"name": "A", "subjects": [{"id": 1, "name": "Physics", "teachers": [{"uuid": "t1", "name": "Mr Karim"}]},
                                   {"id": 2, "name": "Chemistry", "teachers": [{"uuid": "t2", "name": "Ms Dana"}]}],
         "students": [{"uuid": "s1", "name": "Sara Haddad"}, {"uuid": "s2", "name": "Omar Aziz"}]},
        {"name": "B", "subjects": [{"id": 1, "name": "Physics", "teachers": [{"uuid": "t1", "name": "Mr Karim"}]}],
         "students": [{"uuid": "s3", "name": "Lina Saleh"}]}]}]}]})
}

/// Mirrors [`school_of_labs`] into the tenant and waits for it.
pub async fn setup_school(tenant: &TestTenant) {
    let job = mirror(tenant, &school_of_labs()).await;
    assert_eq!(job["status"], "succeeded", "{job}");
}

/// A learning path for Mr Karim (t1) on Ohm's law with `extra` fields merged in; returns its experiment token.
pub async fn create_path(tenant: &TestTenant, subject_uuid: &str, extra: Value) -> String {
    let mut body = json!({
        "subject_name": "Electricity", "subject_uuid": subject_uuid, "experiment_id": "ohms-law",
        "experiment_name": "Ohm's law", "max_attempts": 2,
        "teacher_uuid": ["t1"], "teacher_name": ["Mr Karim"],
    });
    for (key, value) in extra.as_object().cloned().unwrap_or_default() {
        body[key] = value;
    }
    let (status, answer) = send(tenant.post_json(PATHS, &body)).await;
    assert_eq!(status, 201, "{body} → {answer}");
    assert_eq!(answer["subject_uuid"], subject_uuid);
    answer["experiment_token"].as_str().unwrap().to_owned()
}

pub const PATHS: &str = "/api/v2/learning-path/teacher/experiment";

/// A signed-in student or teacher: their session cookie and form token.
pub struct Person {
    pub session: String,
    pub csrf: String,
}

pub async fn person(app: &TestApp, tenant: &TestTenant, uuid: &str) -> Person {
    let session = sign_in(app, tenant, uuid).await;
    let (status, home) = page(app, "/home", &session).await;
    assert_eq!(status, 200);
    Person {
        session,
        csrf: csrf_of(&home),
    }
}

/// The `data-path` id of the first experiment on a home page.
pub fn first_path_id(home: &str) -> i64 {
    let start = home
        .find("data-path=\"")
        .expect("an experiment on the page")
        + 11;
    home[start..].split('"').next().unwrap().parse().unwrap()
}

/// `POST /labs/paths/{id}/start`: the status and, on success, the attempt id from the redirect.
pub async fn start(app: &TestApp, who: &Person, path_id: i64) -> (u16, Option<i64>, String) {
    let response = browser()
        .post(app.url(&format!("/labs/paths/{path_id}/start")))
        .header(header::COOKIE, format!("cb_session={}", who.session))
        .form(&[("csrf", who.csrf.as_str())])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let attempt = response
        .headers()
        .get(header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .and_then(|l| l.strip_prefix("/labs/attempts/"))
        .and_then(|id| id.parse().ok());
    (status, attempt, response.text().await.unwrap())
}

/// A JSON call of the lab page (`observe` or `submit`) with the CSRF header.
pub async fn lab_call(
    app: &TestApp,
    who: &Person,
    attempt: i64,
    action: &str,
    body: &Value,
) -> (u16, Value) {
    send(
        browser()
            .post(app.url(&format!("/labs/attempts/{attempt}/{action}")))
            .header(header::COOKIE, format!("cb_session={}", who.session))
            .header("x-csrf-token", &who.csrf)
            .json(body),
    )
    .await
}

/// Takes a careful student's Ohm's-law readings and submits them with the right resistance; returns the answer.
pub async fn careful_ohms_law(app: &TestApp, who: &Person, attempt: i64) -> (u16, Value) {
    let seed = app
        .count_in_database(&format!(
            "SELECT seed FROM lab_attempts WHERE id = {attempt}"
        ))
        .await;
    let (_, careful) = classbridge_labs::careful_submission("ohms-law", seed as u64).unwrap();
    let mut readings = Vec::new();
    for volts in [1.5, 3.0, 4.5, 6.0, 7.5, 9.0, 10.5, 12.0] {
        let (status, answer) = lab_call(
            app,
            who,
            attempt,
            "observe",
            &json!({"setup": {"supply_voltage": volts}}),
        )
        .await;
        assert_eq!(status, 200, "{answer}");
        readings.push(answer["reading"].clone());
    }
    // The server's instruments read what the lab's own careful student reads: same seed, same noise.
    assert_eq!(Value::Array(readings), careful["readings"]);
    lab_call(app, who, attempt, "submit", &careful).await
}
