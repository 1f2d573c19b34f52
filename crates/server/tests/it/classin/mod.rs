//! The ClassIn-compatible scheduling API end to end: the transport (envelope, methods, bodies, safeKey, repeat
//! guard) here, the actions by area in the submodules, each body on SQLite and on PostgreSQL. Calls are sent as
//! multipart/form-data, as the official PHP SDK sends every call, unless a test says otherwise.

mod booking;
mod contract;
mod courses;
mod errnos;
mod errnos_fixture;
mod errnos_lessons;
mod errnos_people;
mod lessons;
mod outline_page;
mod pages;
mod push_framing;
mod push_receiver;
mod pushes;
pub mod readback;
mod users;
mod v1_activities;
mod v1_rules;
mod v2;

use md5::{Digest, Md5};
use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    both_databases,
    harness::{Backend, TestApp},
};

both_databases!(
    every_answer_is_http_200_with_the_envelope_and_only_post_is_served,
    wrong_stale_or_missing_safe_keys_are_errno_102,
    url_encoded_bodies_and_the_action_as_a_body_field_are_accepted,
    the_same_request_within_five_seconds_is_refused_for_guarded_actions,
);

pub const PATH: &str = "/partner/api/course.api.php";

/// A school's ClassIn credential on a running server, with ways to call the scheduling API as it.
pub struct School {
    pub sid: i64,
    pub secret: String,
    base: String,
    client: reqwest::Client,
    /// The server's clock (tests move it), for v2's signed time stamps.
    pub clock: classbridge_api::state::Clock,
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

pub fn safe_key(secret: &str, time_stamp: i64) -> String {
    hex::encode(Md5::digest(format!("{secret}{time_stamp}")))
}

/// A tenant (made when missing) and a ClassIn credential for it, with the server's own master key.
pub async fn school(app: &TestApp, slug: &str) -> School {
    if app.store.find_tenant_by_slug(slug).await.unwrap().is_none() {
        classbridge_service::admin::create_tenant(&app.store, slug, &format!("School {slug}"))
            .await
            .unwrap();
    }
    let key = classbridge_service::MasterKey::load_or_create(&app.data_dir).unwrap();
    let (credential, secret) = classbridge_service::admin::create_classin_credential(
        &app.store,
        &key,
        slug,
        &format!("{slug} ClassIn"),
        None,
    )
    .await
    .unwrap();
    School {
        sid: credential.sid,
        secret,
        base: app.address.clone(),
        client: app.client.clone(),
        clock: app.clock.clone(),
    }
}

/// A parameter's text on the wire: strings as they are, arrays and objects as JSON text (ClassIn's JSON-in-form).
fn wire_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

impl School {
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// The authentication fields for now (the server's clock, which tests may move).
    pub fn auth(&self) -> Vec<(String, String)> {
        let stamp = self.clock.now_seconds();
        vec![
            ("SID".into(), self.sid.to_string()),
            ("timeStamp".into(), stamp.to_string()),
            ("safeKey".into(), safe_key(&self.secret, stamp)),
        ]
    }

    /// Sends `fields` as multipart (or as a url-encoded form) to `?{query}`; answers the HTTP status and the body.
    pub async fn send_fields(
        &self,
        method: Method,
        query: &str,
        fields: Vec<(String, String)>,
        multipart: bool,
    ) -> (u16, Value) {
        let mut request = self
            .client
            .request(method, format!("{}{PATH}{query}", self.base));
        if multipart {
            let mut form = reqwest::multipart::Form::new();
            for (name, value) in fields {
                form = form.text(name, value);
            }
            request = request.multipart(form);
        } else {
            request = request.form(&fields);
        }
        let response = request.send().await.expect("an answer");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("status {status}, not JSON: {text}"));
        (status, body)
    }

    /// Calls an action (multipart, authenticated now); answers the whole envelope, which must come with HTTP 200.
    pub async fn call(&self, action: &str, params: Value) -> Value {
        let mut fields = self.auth();
        for (name, value) in params.as_object().expect("params as a JSON object") {
            fields.push((name.clone(), wire_text(value)));
        }
        let (status, body) = self
            .send_fields(Method::POST, &format!("?action={action}"), fields, true)
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// Calls an action that must succeed; answers its `data`.
    pub async fn ok(&self, action: &str, params: Value) -> Value {
        let answer = self.call(action, params.clone()).await;
        assert_eq!(errno(&answer), 1, "{action} {params} → {answer}");
        answer.get("data").cloned().unwrap_or(Value::Null)
    }

    /// Registers a person with a school identity (1 student, 2 teacher); answers the UID.
    pub async fn register(&self, telephone: &str, nickname: &str, identity: i64) -> i64 {
        let data = self
            .ok(
                "register",
                json!({"telephone": telephone, "nickname": nickname, "md5pass": "e10adc3949ba59abbe56e057f20f883e",
                       "addToSchoolMember": identity}),
            )
            .await;
        data.as_i64().expect("a UID")
    }

    pub async fn course(&self, name: &str) -> i64 {
        self.ok("addCourse", json!({"courseName": name}))
            .await
            .as_i64()
            .expect("a course id")
    }

    /// A one-hour lesson of the course beginning `lead` seconds from now; answers its id.
    pub async fn lesson(&self, course_id: i64, teacher_uid: i64, lead: i64) -> i64 {
        let begin = now() + lead;
        self.ok(
            "addCourseClass",
            json!({"courseId": course_id, "className": "Optics", "beginTime": begin, "endTime": begin + 3600,
                   "teacherUid": teacher_uid}),
        )
        .await
        .as_i64()
        .expect("a lesson id")
    }
}

pub fn errno(answer: &Value) -> i64 {
    answer["error_info"]["errno"]
        .as_i64()
        .unwrap_or_else(|| panic!("no numeric errno in {answer}"))
}

/// The errnos of a batch answer's items, in order.
pub fn item_errnos(answer: &Value) -> Vec<i64> {
    answer["data"]
        .as_array()
        .unwrap_or_else(|| panic!("no items in {answer}"))
        .iter()
        .map(|item| item["errno"].as_i64().unwrap())
        .collect()
}

async fn every_answer_is_http_200_with_the_envelope_and_only_post_is_served(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let (status, answer) = school
        .send_fields(Method::GET, "?action=addCourse", Vec::new(), false)
        .await;
    assert_eq!((status, errno(&answer)), (200, 100), "{answer}");
    assert!(answer["error_info"]["error"]
        .as_str()
        .unwrap()
        .contains("POST"));

    let answer = school
        .call("addCourse", json!({"courseName": "Physics"}))
        .await;
    assert_eq!(errno(&answer), 1);
    assert!(answer["data"].is_i64(), "ids are JSON numbers: {answer}");
    assert!(answer["error_info"]["errno"].is_i64());

    let answer = school.call("noSuchAction", json!({})).await;
    assert_eq!(errno(&answer), 100, "{answer}");
    let (status, answer) = school
        .send_fields(Method::POST, "", school.auth(), true)
        .await;
    assert_eq!((status, errno(&answer)), (200, 100), "no action: {answer}");
    let answer = school.call("addCourse", json!({"courseName": ""})).await;
    assert_eq!(
        errno(&answer),
        100,
        "a required parameter missing: {answer}"
    );
    assert!(answer.get("data").is_none(), "{answer}");
}

async fn wrong_stale_or_missing_safe_keys_are_errno_102(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let course = json!({"courseName": "Physics"});
    let with = |sid: String, stamp: Option<i64>, key: Option<String>| {
        let mut fields = vec![
            ("SID".to_owned(), sid),
            ("courseName".to_owned(), "Physics".to_owned()),
        ];
        if let Some(stamp) = stamp {
            fields.push(("timeStamp".into(), stamp.to_string()));
        }
        if let Some(key) = key {
            fields.push(("safeKey".into(), key));
        }
        fields
    };
    let sid = school.sid.to_string();
    let stale = now() - 21 * 60;
    let future = now() + 21 * 60;
    let cases = [
        (
            "wrong safeKey",
            with(
                sid.clone(),
                Some(now()),
                Some(safe_key("not the secret", now())),
            ),
        ),
        (
            "stale timeStamp",
            with(
                sid.clone(),
                Some(stale),
                Some(safe_key(&school.secret, stale)),
            ),
        ),
        (
            "future timeStamp",
            with(
                sid.clone(),
                Some(future),
                Some(safe_key(&school.secret, future)),
            ),
        ),
        ("missing safeKey", with(sid.clone(), Some(now()), None)),
        (
            "missing timeStamp",
            with(sid.clone(), None, Some(safe_key(&school.secret, now()))),
        ),
        (
            "unknown SID",
            with(
                "999".into(),
                Some(now()),
                Some(safe_key(&school.secret, now())),
            ),
        ),
        (
            "missing SID",
            with(
                String::new(),
                Some(now()),
                Some(safe_key(&school.secret, now())),
            ),
        ),
    ];
    for (case, fields) in cases {
        let (status, answer) = school
            .send_fields(Method::POST, "?action=addCourse", fields, true)
            .await;
        assert_eq!((status, errno(&answer)), (200, 102), "{case}: {answer}");
        assert!(answer.get("data").is_none(), "{case}: {answer}");
    }
    let recent = now() - 19 * 60;
    let fields = with(
        sid.clone(),
        Some(recent),
        Some(safe_key(&school.secret, recent).to_uppercase()),
    );
    let (_, answer) = school
        .send_fields(Method::POST, "?action=addCourse", fields, true)
        .await;
    assert_eq!(
        errno(&answer),
        1,
        "19 minutes old, upper-case hex: {answer}"
    );

    classbridge_service::admin::revoke_classin_credential(&app.store, school.sid)
        .await
        .unwrap();
    assert_eq!(
        errno(&school.call("addCourse", course).await),
        102,
        "revoked"
    );
}

async fn url_encoded_bodies_and_the_action_as_a_body_field_are_accepted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let last_used = || async {
        let credentials = app.store.list_classin_credentials(None).await.unwrap();
        credentials[0].last_used_at
    };
    assert_eq!(last_used().await, None);
    let mut fields = school.auth();
    fields.push(("action".into(), "addCourse".into()));
    fields.push(("courseName".into(), "Chemistry".into()));
    let (status, answer) = school.send_fields(Method::POST, "", fields, false).await;
    assert_eq!((status, errno(&answer)), (200, 1), "{answer}");
    assert!(last_used().await.is_some(), "a SID's use is noted");
    let mut fields = school.auth();
    fields.push((
        "userJson".into(),
        r#"[{"telephone": "13800000001", "password": "secret1"}]"#.into(),
    ));
    let (_, answer) = school
        .send_fields(Method::POST, "?action=registerMultiple", fields, false)
        .await;
    assert_eq!(item_errnos(&answer), [1], "{answer}");
}

async fn the_same_request_within_five_seconds_is_refused_for_guarded_actions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let params = json!({"telephone": "13800000002", "password": "secret1", "addToSchoolMember": 1});
    // A new timeStamp and safeKey do not make it another request. The two go out together, so the second arrives
    // inside the window however slowly this machine hashes the first one's password.
    let (first, again) = tokio::join!(
        school.call("register", params.clone()),
        school.call("register", params.clone())
    );
    let mut errnos = [errno(&first), errno(&again)];
    errnos.sort_unstable();
    assert_eq!(errnos, [1, 101_003_002], "{first} {again}");
    let registered = if errno(&first) == 1 { &first } else { &again };
    let other = school
        .call(
            "register",
            json!({"telephone": "13800000002", "password": "secret2"}),
        )
        .await;
    assert_eq!(
        errno(&other),
        135,
        "other parameters are another request: {other}"
    );
    assert_eq!(other["data"], registered["data"]);
    // Actions outside the guard may repeat.
    for _ in 0..2 {
        assert_eq!(
            errno(
                &school
                    .call("addCourse", json!({"courseName": "Same"}))
                    .await
            ),
            1
        );
    }
    tokio::time::sleep(std::time::Duration::from_millis(5_100)).await;
    assert_eq!(
        errno(&school.call("register", params).await),
        135,
        "after five seconds"
    );
}
