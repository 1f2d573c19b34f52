//! The server answers what `/openapi.json` says, for subjects and supervisors, the experiments, learning paths and
//! their grades, and the lab page's JSON calls: real calls to each operation, successes and the ways partners go
//! wrong (bad JSON, a missing field, a wrong type, a bad id, a value one past a documented limit), each answer
//! validated against the schema the document gives for its status, with every object closed to the fields it
//! documents (see `conformance.rs`). Scheduling is in `openapi_conformance_scheduling.rs`.

use reqwest::{header, multipart, Method, RequestBuilder};
use serde_json::{json, Value};

use crate::{
    both_databases,
    conformance::{check_answer, document},
    harness::{Backend, TestApp, TestTenant},
    labs::{careful_ohms_law, create_path, first_path_id, person, setup_school, start, PATHS},
    sso::{browser, page},
};

both_databases!(
    subjects_and_supervisors_answer_as_documented,
    supervisor_writes_that_go_wrong_answer_as_documented,
    learning_paths_answer_as_documented,
    learning_path_writes_that_go_wrong_answer_as_documented,
    lab_calls_answer_as_documented,
);

/// A multipart body of text fields.
pub fn multipart_of(fields: &[(&str, &str)]) -> multipart::Form {
    fields
        .iter()
        .fold(multipart::Form::new(), |form, (key, value)| {
            form.text(key.to_string(), value.to_string())
        })
}

/// A JSON body sent as raw text (to send what is not JSON with the JSON type).
fn raw_json(request: RequestBuilder, text: &str) -> RequestBuilder {
    request
        .header(header::CONTENT_TYPE, "application/json")
        .body(text.to_owned())
}

async fn subjects_and_supervisors_answer_as_documented(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc = document(&app.client, &app.address).await;
    let alpha = app.tenant("alpha").await;
    setup_school(&alpha).await;

    let (status, list) = check_answer(
        &doc,
        "GET",
        "/api/v2/subjects",
        alpha.get("/api/v2/subjects?per_page=1"),
    )
    .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["meta"]["total"], 2, "{list}");
    assert!(list["links"]["next"].is_string());
    let subject = list["data"][0]["id"].as_i64().unwrap();
    assert_eq!(list["data"][0]["sections"][0]["class"]["partner_id"], 9);
    for (query, wrong) in [("per_page=0", "per_page"), ("page=x", "page")] {
        let (status, answer) = check_answer(
            &doc,
            "GET",
            "/api/v2/subjects",
            alpha.get(&format!("/api/v2/subjects?{query}")),
        )
        .await;
        assert_eq!(status, 422, "{answer}");
        assert!(answer["errors"][wrong].is_array(), "{answer}");
    }
    let one = "/api/v2/subjects/{subject_id}";
    let (status, found) = check_answer(
        &doc,
        "GET",
        one,
        alpha.get(&format!("/api/v2/subjects/{subject}")),
    )
    .await;
    assert_eq!(
        (status, &found["name"]),
        (200, &json!("Physics")),
        "{found}"
    );
    assert_eq!(found["teachers"][0]["uuid"], "t1");
    for bad in ["999999", "abc", "0", "-1"] {
        let (status, _) = check_answer(
            &doc,
            "GET",
            one,
            alpha.get(&format!("/api/v2/subjects/{bad}")),
        )
        .await;
        assert_eq!(status, 404, "{bad}");
    }

    // Supervisors: written by JSON, by form and by multipart, then read back.
    let supervisors = "/api/v2/subjects/supervisors";
    let (status, written) = check_answer(
        &doc,
        "POST",
        supervisors,
        alpha.post_json(
            supervisors,
            &json!({"supervisors": [{"name": "Huda Nasser", "uuid": "sup-1", "subject_ids": [1, "2"]}]}),
        ),
    )
    .await;
    assert_eq!(status, 200, "{written}");
    assert_eq!(written["data"][0]["status"], "created");
    assert_eq!(written["data"][0]["subjects"].as_array().unwrap().len(), 2);
    let (status, written) = check_answer(
        &doc,
        "POST",
        supervisors,
        alpha.request(Method::POST, supervisors).form(&[
            ("supervisors[0][name]", "Huda N."),
            ("supervisors[0][uuid]", "sup-1"),
            ("supervisors[0][subject_ids][]", "1"),
        ]),
    )
    .await;
    assert_eq!(status, 200, "{written}");
    assert_eq!(written["data"][0]["status"], "updated");
    assert_eq!(written["data"][0]["name"], "Huda N.");
    let (status, written) = check_answer(
        &doc,
        "POST",
        supervisors,
        alpha
            .request(Method::POST, supervisors)
            .multipart(multipart_of(&[
                ("supervisors[0][name]", "Rami Khoury"),
                ("supervisors[0][uuid]", "sup-2"),
                ("supervisors[0][subject_ids]", ""),
            ])),
    )
    .await;
    assert_eq!(status, 200, "{written}");
    assert_eq!(written["data"][0]["subjects"], json!([]));
    // The documented limits are the enforced ones: 255 characters of name and 64 of uuid pass.
    let (status, written) = check_answer(
        &doc,
        "POST",
        supervisors,
        alpha.post_json(
            supervisors,
            &json!({"supervisors": [{"name": "n".repeat(255), "uuid": "u".repeat(64), "subject_ids": []}]}),
        ),
    )
    .await;
    assert_eq!(status, 200, "{written}");

    let (status, list) = check_answer(&doc, "GET", supervisors, alpha.get(supervisors)).await;
    assert_eq!((status, &list["meta"]["total"]), (200, &json!(3)), "{list}");
    let (status, _) = check_answer(
        &doc,
        "GET",
        supervisors,
        alpha.get(&format!("{supervisors}?per_page=1001")),
    )
    .await;
    assert_eq!(status, 422);
    let one = "/api/v2/subjects/supervisors/{uuid}";
    let (status, found) =
        check_answer(&doc, "GET", one, alpha.get(&format!("{supervisors}/sup-1"))).await;
    assert_eq!((status, &found["uuid"]), (200, &json!("sup-1")), "{found}");
    let (status, _) = check_answer(
        &doc,
        "GET",
        one,
        alpha.get(&format!("{supervisors}/nobody")),
    )
    .await;
    assert_eq!(status, 404);

    // Experiments, the catalogue.
    let (status, list) = check_answer(
        &doc,
        "GET",
        "/api/v2/experiments",
        alpha.get("/api/v2/experiments?per_page=100"),
    )
    .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(
        list["data"].as_array().unwrap().len(),
        classbridge_labs::catalogue().len()
    );
    let (status, _) = check_answer(
        &doc,
        "GET",
        "/api/v2/experiments",
        alpha.get("/api/v2/experiments?page=0"),
    )
    .await;
    assert_eq!(status, 422);
    let one = "/api/v2/experiments/{id}";
    let (status, ohm) =
        check_answer(&doc, "GET", one, alpha.get("/api/v2/experiments/ohms-law")).await;
    assert_eq!((status, &ohm["subject_area"]), (200, &json!("physics")));
    let (status, _) = check_answer(
        &doc,
        "GET",
        one,
        alpha.get("/api/v2/experiments/perpetual-motion"),
    )
    .await;
    assert_eq!(status, 404);
}

async fn supervisor_writes_that_go_wrong_answer_as_documented(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc = document(&app.client, &app.address).await;
    let alpha = app.tenant("alpha").await;
    setup_school(&alpha).await;
    let path = "/api/v2/subjects/supervisors";
    let post = || alpha.request(Method::POST, path);
    let item = |extra: Value| {
        let mut item = json!({"name": "Huda", "uuid": "sup-1", "subject_ids": [1]});
        for (key, value) in extra.as_object().unwrap() {
            item[key] = value.clone();
        }
        json!({"supervisors": [item]})
    };

    for text in ["{\"supervisors\": [", "[1, 2]", "\"text\""] {
        let (status, answer) = check_answer(&doc, "POST", path, raw_json(post(), text)).await;
        assert_eq!(status, 400, "{text}: {answer}");
    }
    let (status, _) = check_answer(
        &doc,
        "POST",
        path,
        post()
            .header(header::CONTENT_TYPE, "text/plain")
            .body("supervisors"),
    )
    .await;
    assert_eq!(status, 415);
    let cases = [
        (json!({}), "supervisors"),
        (json!({"supervisors": []}), "supervisors"),
        (json!({"supervisors": "Huda"}), "supervisors"),
        (json!({"supervisors": [7]}), "supervisors.0"),
        (item(json!({"name": null})), "supervisors.0.name"),
        (item(json!({"name": "n".repeat(256)})), "supervisors.0.name"),
        (item(json!({"name": "  "})), "supervisors.0.name"),
        (item(json!({"uuid": "u".repeat(65)})), "supervisors.0.uuid"),
        (item(json!({"uuid": "two words"})), "supervisors.0.uuid"),
        (item(json!({"uuid": true})), "supervisors.0.uuid"),
        (
            item(json!({"subject_ids": "1"})),
            "supervisors.0.subject_ids",
        ),
        (
            item(json!({"subject_ids": ["one"]})),
            "supervisors.0.subject_ids.0",
        ),
        (
            item(json!({"subject_ids": [404]})),
            "supervisors.0.subject_ids.0",
        ),
    ];
    for (body, wrong) in cases {
        let (status, answer) = check_answer(&doc, "POST", path, alpha.post_json(path, &body)).await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert!(answer["errors"][wrong].is_array(), "{body}: {answer}");
    }
    // A branch-scoped credential may not write supervisors.
    let branch = app
        .tenant_with("alpha", |request| request.branch_id = Some(1))
        .await;
    let (status, answer) =
        check_answer(&doc, "POST", path, branch.post_json(path, &item(json!({})))).await;
    assert_eq!(status, 403, "{answer}");
}

/// A PATCH, DELETE or grades call with the path's token (or none).
fn with_token(request: RequestBuilder, token: Option<&str>) -> RequestBuilder {
    match token {
        Some(token) => request.header("experiment-token", token),
        None => request,
    }
}

const ONE_PATH: &str = "/api/v2/learning-path/teacher/{subject_uuid}";
const GRADES: &str = "/api/v2/learning-path/teacher/{subject_uuid}/grades";

async fn learning_paths_answer_as_documented(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc = document(&app.client, &app.address).await;
    let alpha = app.tenant("alpha").await;
    setup_school(&alpha).await;

    // Created by JSON (every field), by form and by multipart.
    let (status, created) = check_answer(
        &doc,
        "POST",
        PATHS,
        alpha.post_json(
            PATHS,
            &json!({"subject_name": "Electricity", "subject_uuid": "lp-1", "experiment_id": "ohms-law",
                    "experiment_name": "Ohm's law", "max_attempts": 100, "teacher_uuid": ["t1"],
                    "teacher_name": ["Mr Karim"], "description": "Find R.",
                    "start_at": "2020-01-01 00:00:00", "end_at": "2099-12-31T23:59:59Z"}),
        ),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let token = created["experiment_token"].as_str().unwrap().to_owned();
    // A student's submitted attempt (the only path on their home yet), so that the grades carry attempts and rubric lines.
    let sara = person(&app, &alpha, "s1").await;
    let (_, home) = page(&app, "/home", &sara.session).await;
    let (status, attempt, _) = start(&app, &sara, first_path_id(&home)).await;
    assert_eq!(status, 303);
    let (status, graded) = careful_ohms_law(&app, &sara, attempt.unwrap()).await;
    assert_eq!(status, 200, "{graded}");

    let (status, created) = check_answer(
        &doc,
        "POST",
        PATHS,
        alpha.request(Method::POST, PATHS).form(&[
            ("subject_name", "Springs"),
            ("subject_uuid", "lp-form"),
            ("experiment_id", "hookes-law"),
            ("experiment_name", "Hooke's law"),
            ("max_attempts", "1"),
            ("teacher_uuid[0]", "t1"),
            ("teacher_name[0]", "Mr Karim"),
        ]),
    )
    .await;
    assert_eq!((status, &created["subject_uuid"]), (201, &json!("lp-form")));
    let (status, _) = check_answer(
        &doc,
        "POST",
        PATHS,
        alpha.request(Method::POST, PATHS).multipart(multipart_of(&[
            ("subject_name", "Pendulum"),
            ("subject_uuid", "lp-multipart"),
            ("experiment_id", "simple-pendulum"),
            ("experiment_name", "The pendulum"),
            ("max_attempts", "2"),
            ("teacher_uuid[]", "t2"),
            ("teacher_name[]", "Ms Dana"),
        ])),
    )
    .await;
    assert_eq!(status, 201);

    let grades = |query: &str, token: Option<&str>| {
        with_token(
            alpha.get(&format!("/api/v2/learning-path/teacher/lp-1/grades{query}")),
            token,
        )
    };
    let (status, book) = check_answer(&doc, "GET", GRADES, grades("", Some(&token))).await;
    assert_eq!(status, 200, "{book}");
    let sara_line = book["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|line| line["uuid"] == "s1")
        .unwrap();
    assert_eq!(sara_line["attempts"][0]["status"], "submitted");
    assert!(!sara_line["attempts"][0]["rubric"]
        .as_array()
        .unwrap()
        .is_empty());
    let (status, _) = check_answer(&doc, "GET", GRADES, grades("?per_page=0", Some(&token))).await;
    assert_eq!(status, 422);
    let (status, _) = check_answer(&doc, "GET", GRADES, grades("", None)).await;
    assert_eq!(status, 403);
    let (status, _) = check_answer(&doc, "GET", GRADES, grades("", Some("cbx_wrong"))).await;
    assert_eq!(status, 403);
    let (status, _) = check_answer(
        &doc,
        "GET",
        GRADES,
        with_token(
            alpha.get("/api/v2/learning-path/teacher/nothing/grades"),
            Some(&token),
        ),
    )
    .await;
    assert_eq!(status, 404);

    // PATCH: the answer is the path; 409 for another experiment once attempted; the token guards it.
    let patch = |uuid: &str, token: Option<&str>| {
        with_token(
            alpha.request(
                Method::PATCH,
                &format!("/api/v2/learning-path/teacher/{uuid}"),
            ),
            token,
        )
    };
    let (status, changed) = check_answer(
        &doc,
        "PATCH",
        ONE_PATH,
        patch("lp-1", Some(&token)).json(
            &json!({"subject_name": "Circuits", "description": null, "end_at": null,
                          "teacher_uuid": ["t1", "t2"], "teacher_name": ["Mr Karim", "Ms Dana"]}),
        ),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["teachers"].as_array().unwrap().len(), 2);
    assert_eq!(changed["description"], Value::Null);
    let (status, changed) = check_answer(
        &doc,
        "PATCH",
        ONE_PATH,
        patch("lp-1", Some(&token)).form(&[("subject_name", "Circuits"), ("max_attempts", "3")]),
    )
    .await;
    assert_eq!(
        (status, &changed["max_attempts"]),
        (200, &json!(3)),
        "{changed}"
    );
    let (status, answer) = check_answer(
        &doc,
        "PATCH",
        ONE_PATH,
        patch("lp-1", Some(&token))
            .json(&json!({"subject_name": "Circuits", "experiment_id": "simple-pendulum"})),
    )
    .await;
    assert_eq!(status, 409, "{answer}");
    let (status, _) = check_answer(
        &doc,
        "PATCH",
        ONE_PATH,
        patch("lp-1", None).json(&json!({"subject_name": "x"})),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = check_answer(
        &doc,
        "PATCH",
        ONE_PATH,
        patch("nothing", Some(&token)).json(&json!({"subject_name": "x"})),
    )
    .await;
    assert_eq!(status, 404);

    // DELETE.
    let delete = |token: Option<&str>| {
        with_token(
            alpha.request(Method::DELETE, "/api/v2/learning-path/teacher/lp-1"),
            token,
        )
    };
    let (status, _) = check_answer(&doc, "DELETE", ONE_PATH, delete(Some("cbx_wrong"))).await;
    assert_eq!(status, 403);
    let (status, answer) = check_answer(&doc, "DELETE", ONE_PATH, delete(Some(&token))).await;
    assert_eq!(
        (status, &answer["message"]),
        (200, &json!("Learning path deleted."))
    );
    let (status, _) = check_answer(&doc, "DELETE", ONE_PATH, delete(Some(&token))).await;
    assert_eq!(status, 404);
}

async fn learning_path_writes_that_go_wrong_answer_as_documented(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc = document(&app.client, &app.address).await;
    let alpha = app.tenant("alpha").await;
    setup_school(&alpha).await;
    let valid = json!({"subject_name": "Electricity", "subject_uuid": "lp-1", "experiment_id": "ohms-law",
                       "experiment_name": "Ohm's law", "max_attempts": 2, "teacher_uuid": ["t1"],
                       "teacher_name": ["Mr Karim"]});
    let with = |changes: Value| {
        let mut body = valid.clone();
        for (key, value) in changes.as_object().unwrap() {
            if value == "<absent>" {
                body.as_object_mut().unwrap().remove(key);
            } else {
                body[key] = value.clone();
            }
        }
        body
    };
    let cases = [
        (with(json!({"subject_name": "<absent>"})), "subject_name"),
        (with(json!({"subject_uuid": "<absent>"})), "subject_uuid"),
        (
            with(json!({"subject_uuid": "u".repeat(65)})),
            "subject_uuid",
        ),
        (
            with(json!({"experiment_id": "perpetual-motion"})),
            "experiment_id",
        ),
        (with(json!({"experiment_name": ["x"]})), "experiment_name"),
        (with(json!({"max_attempts": "two"})), "max_attempts"),
        (with(json!({"max_attempts": 0})), "max_attempts"),
        (with(json!({"max_attempts": 101})), "max_attempts"),
        (with(json!({"teacher_uuid": []})), "teacher_uuid"),
        (with(json!({"teacher_uuid": ["nobody"]})), "teacher_uuid.0"),
        (with(json!({"teacher_name": "<absent>"})), "teacher_name.0"),
        (
            with(json!({"description": "d".repeat(2001)})),
            "description",
        ),
        (with(json!({"start_at": "next week"})), "start_at"),
        (
            with(json!({"start_at": "2026-01-02", "end_at": "2026-01-01"})),
            "end_at",
        ),
    ];
    for (body, wrong) in cases {
        let (status, answer) =
            check_answer(&doc, "POST", PATHS, alpha.post_json(PATHS, &body)).await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert!(answer["errors"][wrong].is_array(), "{body}: {answer}");
    }
    for text in ["{", "[]", "null"] {
        let (status, _) = check_answer(
            &doc,
            "POST",
            PATHS,
            raw_json(alpha.request(Method::POST, PATHS), text),
        )
        .await;
        assert_eq!(status, 400, "{text}");
    }
    let (status, _) = check_answer(
        &doc,
        "POST",
        PATHS,
        alpha
            .request(Method::POST, PATHS)
            .header(header::CONTENT_TYPE, "application/xml")
            .body("<path/>"),
    )
    .await;
    assert_eq!(status, 415);
    // The limits documented pass: 2,000 characters of description, 100 attempts.
    let (status, created) = check_answer(
        &doc,
        "POST",
        PATHS,
        alpha.post_json(
            PATHS,
            &with(json!({"description": "d".repeat(2000), "max_attempts": 100})),
        ),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let token = created["experiment_token"].as_str().unwrap().to_owned();
    let (status, _) = check_answer(&doc, "POST", PATHS, alpha.post_json(PATHS, &valid)).await;
    assert_eq!(status, 409);

    let patch = |body: Value| {
        alpha
            .request(Method::PATCH, "/api/v2/learning-path/teacher/lp-1")
            .header("experiment-token", &token)
            .json(&body)
    };
    for (body, wrong) in [
        (json!({"max_attempts": 3}), "subject_name"),
        (
            json!({"subject_name": "x", "subject_uuid": "lp-2"}),
            "subject_uuid",
        ),
        (
            json!({"subject_name": "x", "max_attempts": null}),
            "max_attempts",
        ),
        (
            json!({"subject_name": "x", "experiment_id": 7}),
            "experiment_id",
        ),
    ] {
        let (status, answer) = check_answer(&doc, "PATCH", ONE_PATH, patch(body.clone())).await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert!(answer["errors"][wrong].is_array(), "{body}: {answer}");
    }
    let (status, _) = check_answer(
        &doc,
        "PATCH",
        ONE_PATH,
        raw_json(
            alpha
                .request(Method::PATCH, "/api/v2/learning-path/teacher/lp-1")
                .header("experiment-token", &token),
            "{\"subject_name\":",
        ),
    )
    .await;
    assert_eq!(status, 400);
}

async fn lab_calls_answer_as_documented(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc = document(&app.client, &app.address).await;
    let alpha: TestTenant = app.tenant("alpha").await;
    setup_school(&alpha).await;
    create_path(&alpha, "lp-1", json!({})).await;
    let sara = person(&app, &alpha, "s1").await;
    let (_, home) = page(&app, "/home", &sara.session).await;
    let (_, attempt, _) = start(&app, &sara, first_path_id(&home)).await;
    let attempt = attempt.unwrap();
    let observe = "/labs/attempts/{attempt_id}/observe";
    let submit = "/labs/attempts/{attempt_id}/submit";
    let call = |action: &str, attempt: i64, csrf: Option<&str>| {
        let mut request = browser()
            .post(app.url(&format!("/labs/attempts/{attempt}/{action}")))
            .header(header::COOKIE, format!("cb_session={}", sara.session));
        if let Some(csrf) = csrf {
            request = request.header("x-csrf-token", csrf);
        }
        request
    };
    let csrf = Some(sara.csrf.as_str());

    let (status, reading) = check_answer(
        &doc,
        "POST",
        observe,
        call("observe", attempt, csrf).json(&json!({"setup": {"supply_voltage": 6}})),
    )
    .await;
    assert_eq!((status, &reading["index"]), (200, &json!(0)), "{reading}");
    let mut readings = vec![reading["reading"].clone()];
    // The app's bearer session is the same session.
    let (status, reading) = check_answer(
        &doc,
        "POST",
        observe,
        browser()
            .post(app.url(&format!("/labs/attempts/{attempt}/observe")))
            .bearer_auth(&sara.session)
            .header("x-csrf-token", &sara.csrf)
            .json(&json!({"setup": {"supply_voltage": "7.5"}})),
    )
    .await;
    assert_eq!(status, 200, "{reading}");
    readings.push(reading["reading"].clone());
    for (body, wrong) in [
        (json!({}), "setup"),
        (
            json!({"setup": {"supply_voltage": 1000}}),
            "setup.supply_voltage",
        ),
        (
            json!({"setup": {"supply_voltage": "many"}}),
            "setup.supply_voltage",
        ),
    ] {
        let (status, answer) = check_answer(
            &doc,
            "POST",
            observe,
            call("observe", attempt, csrf).json(&body),
        )
        .await;
        assert_eq!(
            (status, &answer["reason"]),
            (422, &json!("invalid")),
            "{body}: {answer}"
        );
        assert!(answer["errors"][wrong].is_array(), "{answer}");
    }
    let (status, _) = check_answer(
        &doc,
        "POST",
        observe,
        call("observe", attempt, csrf).body("{\"setup\":"),
    )
    .await;
    assert_eq!(status, 400);
    let (status, answer) = check_answer(
        &doc,
        "POST",
        observe,
        call("observe", attempt, Some("wrong")).json(&json!({"setup": {}})),
    )
    .await;
    assert_eq!(status, 403, "{answer}");
    let (status, _) = check_answer(
        &doc,
        "POST",
        observe,
        call("observe", attempt + 1000, csrf).json(&json!({"setup": {}})),
    )
    .await;
    assert_eq!(status, 404);
    let (status, page) = check_answer(
        &doc,
        "POST",
        observe,
        browser()
            .post(app.url(&format!("/labs/attempts/{attempt}/observe")))
            .json(&json!({"setup": {}})),
    )
    .await;
    assert_eq!(status, 401, "{page}");
    // A body past the server's limit is refused before it is all read.
    let big = format!("{{\"setup\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let (status, _) = check_answer(
        &doc,
        "POST",
        observe,
        raw_json(call("observe", attempt, csrf), &big),
    )
    .await;
    assert_eq!(status, 413);

    for (body, wrong) in [
        (json!({"result": {}}), "readings"),
        (
            json!({"readings": [{"supply_voltage": 6}], "result": {}}),
            "readings.0.voltage",
        ),
        (json!({"readings": [], "result": 47}), "result"),
    ] {
        let (status, answer) = check_answer(
            &doc,
            "POST",
            submit,
            call("submit", attempt, csrf).json(&body),
        )
        .await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert!(answer["errors"][wrong].is_array(), "{answer}");
    }
    // The readings taken, with the result a careful student finds (the attempt's own resistance).
    let seed = app
        .count_in_database(&format!(
            "SELECT seed FROM lab_attempts WHERE id = {attempt}"
        ))
        .await;
    let (_, careful) = classbridge_labs::careful_submission("ohms-law", seed as u64).unwrap();
    let (status, graded) = check_answer(
        &doc,
        "POST",
        submit,
        call("submit", attempt, csrf)
            .json(&json!({"readings": readings, "result": careful["result"], "score": 100})),
    )
    .await;
    assert_eq!(status, 200, "{graded}");
    assert!(!graded["lines"].as_array().unwrap().is_empty(), "{graded}");
    let (status, answer) = check_answer(
        &doc,
        "POST",
        submit,
        call("submit", attempt, csrf).json(&json!({"readings": [], "result": {}})),
    )
    .await;
    assert_eq!(
        (status, &answer["reason"]),
        (409, &json!("already_submitted"))
    );
    let (status, answer) = check_answer(
        &doc,
        "POST",
        observe,
        call("observe", attempt, csrf).json(&json!({"setup": {"supply_voltage": 6}})),
    )
    .await;
    assert_eq!(
        (status, &answer["reason"]),
        (409, &json!("already_submitted"))
    );

    // A second attempt left open past its time expires: 410.
    let (_, second, _) = start(&app, &sara, first_path_id(&home)).await;
    let second = second.unwrap();
    app.clock.advance(2 * 60 * 60 + 1);
    let (status, answer) = check_answer(
        &doc,
        "POST",
        submit,
        call("submit", second, csrf).json(&json!({"readings": [], "result": {}})),
    )
    .await;
    assert_eq!(
        (status, &answer["reason"]),
        (410, &json!("expired")),
        "{answer}"
    );
}
