//! Learning paths over HTTP (partner API §4): create, PATCH, grades and DELETE with the experiment token, both body
//! forms, every refusal with its path, and the catalogue.

use reqwest::Method;
use serde_json::{json, Value};

use super::{careful_ohms_law, create_path, first_path_id, person, setup_school, start, PATHS};
use crate::{
    both_databases,
    harness::{send, Backend, TestApp, TestTenant},
    sso::page,
};

both_databases!(
    the_catalogue_lists_every_experiment,
    a_learning_path_is_created_patched_graded_and_deleted,
    the_experiment_token_guards_its_path,
    learning_path_input_is_refused_with_paths,
    form_bodies_make_the_same_learning_path,
);

fn grades_url(subject_uuid: &str) -> String {
    format!("/api/v2/learning-path/teacher/{subject_uuid}/grades")
}

fn path_url(subject_uuid: &str) -> String {
    format!("/api/v2/learning-path/teacher/{subject_uuid}")
}

async fn grades(tenant: &TestTenant, subject_uuid: &str, token: Option<&str>) -> (u16, Value) {
    let mut request = tenant.get(&grades_url(subject_uuid));
    if let Some(token) = token {
        request = request.header("experiment-token", token);
    }
    send(request).await
}

async fn the_catalogue_lists_every_experiment(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let (status, list) = send(alpha.get("/api/v2/experiments?per_page=5")).await;
    assert_eq!(status, 200, "{list}");
    let total = list["meta"]["total"].as_i64().unwrap();
    assert!(total >= 12, "{list}");
    assert_eq!(total as usize, classbridge_labs::catalogue().len());
    assert_eq!(list["data"].as_array().unwrap().len(), 5);
    assert!(list["links"]["next"].is_string());
    let (_, all) = send(alpha.get("/api/v2/experiments?per_page=100")).await;
    let in_browser = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["runs_in_browser"] == true)
        .count();
    assert!(in_browser >= 6, "{all}");
    let (status, ohm) = send(alpha.get("/api/v2/experiments/ohms-law")).await;
    assert_eq!(status, 200);
    assert_eq!(ohm["subject_area"], "physics");
    assert!(ohm["name_ar"].as_str().is_some_and(|n| !n.is_empty()));
    let (status, _) = send(alpha.get("/api/v2/experiments/perpetual-motion")).await;
    assert_eq!(status, 404);
    let (status, _) = send(app.anonymous(Method::GET, "/api/v2/experiments")).await;
    assert_eq!(status, 401);
}

async fn a_learning_path_is_created_patched_graded_and_deleted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    setup_school(&alpha).await;
    let token = create_path(&alpha, "lp-1", json!({"description": "Find R."})).await;
    // The same subject_uuid again is a conflict.
    let body = json!({"subject_name": "x", "subject_uuid": "lp-1", "experiment_id": "ohms-law",
                      "experiment_name": "x", "max_attempts": 1, "teacher_uuid": ["t1"], "teacher_name": ["x"]});
    let (status, _) = send(alpha.post_json(PATHS, &body)).await;
    assert_eq!(status, 409);
    // Grades before any attempt: the three students of Mr Karim's sections, nothing attempted.
    let (status, book) = grades(&alpha, "lp-1", Some(&token)).await;
    assert_eq!(status, 200, "{book}");
    assert_eq!(book["meta"]["total"], 3);
    let names: Vec<&str> = book["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Lina Saleh", "Omar Aziz", "Sara Haddad"]);
    assert_eq!(book["data"][0]["attempts_left"], 2);
    assert_eq!(book["data"][0]["best_score"], Value::Null);
    assert_eq!(book["learning_path"]["description"], "Find R.");
    assert!(book["learning_path"].get("experiment_token").is_none());
    // A student makes an attempt; the grades show it with its rubric.
    let sara = person(&app, &alpha, "s1").await;
    let (_, home) = page(&app, "/home", &sara.session).await;
    let (status, attempt, _) = start(&app, &sara, first_path_id(&home)).await;
    assert_eq!(status, 303);
    let (status, graded) = careful_ohms_law(&app, &sara, attempt.unwrap()).await;
    assert_eq!(status, 200, "{graded}");
    assert_eq!(graded["score"], 100, "{graded}");
    let (_, book) = grades(&alpha, "lp-1", Some(&token)).await;
    let sara_line = &book["data"][2];
    assert_eq!(sara_line["uuid"], "s1");
    assert_eq!(sara_line["best_score"], 100);
    assert_eq!(sara_line["attempts_left"], 1);
    assert!(sara_line["last_attempt_at"].is_string());
    let attempt_line = &sara_line["attempts"][0];
    assert_eq!(attempt_line["status"], "submitted");
    assert_eq!(attempt_line["score"], 100);
    assert!(
        attempt_line["rubric"].as_array().unwrap().len() >= 3,
        "{attempt_line}"
    );
    assert!(attempt_line.get("seed").is_none() && attempt_line.get("hidden").is_none());
    // PATCH: subject_name required; others optional; the experiment cannot change after attempts.
    let patch = |body: Value| {
        alpha
            .request(Method::PATCH, &path_url("lp-1"))
            .header("experiment-token", &token)
            .json(&body)
    };
    let (status, answer) = send(patch(json!({"max_attempts": 3}))).await;
    assert_eq!(status, 422);
    assert_eq!(
        answer["errors"]["subject_name"],
        json!(["The subject_name field is required."])
    );
    let (status, answer) = send(patch(
        json!({"subject_name": "Circuits", "max_attempts": "3", "end_at": null}),
    ))
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["subject_name"], "Circuits");
    assert_eq!(answer["max_attempts"], 3);
    assert_eq!(answer["experiment_id"], "ohms-law");
    let (status, _) = send(patch(
        json!({"subject_name": "Circuits", "experiment_id": "simple-pendulum"}),
    ))
    .await;
    assert_eq!(status, 409);
    let (status, answer) = send(patch(
        json!({"subject_name": "Circuits", "subject_uuid": "other"}),
    ))
    .await;
    assert_eq!(status, 422);
    assert!(answer["errors"]["subject_uuid"].is_array());
    let (_, book) = grades(&alpha, "lp-1", Some(&token)).await;
    assert_eq!(book["data"][2]["attempts_left"], 2);
    // DELETE, then the path and its token are gone.
    let (status, answer) = send(
        alpha
            .request(Method::DELETE, &path_url("lp-1"))
            .header("experiment-token", &token),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let (status, _) = grades(&alpha, "lp-1", Some(&token)).await;
    assert_eq!(status, 404);
    let (_, home) = page(&app, "/home", &sara.session).await;
    assert!(
        !home.contains("data-path=\""),
        "the path left the student's home"
    );
    // The subject_uuid is free again, and the old token does not open the new path.
    let new_token = create_path(&alpha, "lp-1", json!({})).await;
    assert_ne!(new_token, token);
    let (status, _) = grades(&alpha, "lp-1", Some(&token)).await;
    assert_eq!(status, 403);
    let (status, book) = grades(&alpha, "lp-1", Some(&new_token)).await;
    assert_eq!(status, 200);
    assert_eq!(book["data"][2]["attempts"], json!([]));
}

async fn the_experiment_token_guards_its_path(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (alpha, beta) = app.two_tenants().await;
    setup_school(&alpha).await;
    setup_school(&beta).await;
    let token = create_path(&alpha, "lp-1", json!({})).await;
    let beta_token = create_path(&beta, "lp-1", json!({})).await;
    let (status, answer) = grades(&alpha, "lp-1", None).await;
    assert_eq!(status, 403, "missing: {answer}");
    assert!(answer["message"]
        .as_str()
        .unwrap()
        .contains("experiment-token"));
    let (status, _) = grades(&alpha, "lp-1", Some("cbx_wrong")).await;
    assert_eq!(status, 403, "wrong");
    let (status, _) = grades(&alpha, "lp-1", Some(&token[..token.len() - 1])).await;
    assert_eq!(status, 403, "a prefix");
    // Another tenant's token for a path of the same subject_uuid opens nothing here, nor its own path from here.
    let (status, _) = grades(&alpha, "lp-1", Some(&beta_token)).await;
    assert_eq!(status, 403, "another tenant's token");
    let (status, _) = grades(&beta, "lp-2", Some(&token)).await;
    assert_eq!(status, 404);
    for method in [Method::DELETE, Method::PATCH] {
        let (status, _) = send(
            alpha
                .request(method.clone(), &path_url("lp-1"))
                .header("experiment-token", &beta_token)
                .json(&json!({"subject_name": "x"})),
        )
        .await;
        assert_eq!(status, 403, "{method}");
    }
    // The partner token is required too: the experiment token alone is not a credential.
    let (status, _) = send(
        app.anonymous(Method::GET, &grades_url("lp-1"))
            .header("experiment-token", &token),
    )
    .await;
    assert_eq!(status, 401);
    // Each tenant's path is intact.
    assert_eq!(grades(&alpha, "lp-1", Some(&token)).await.0, 200);
    assert_eq!(grades(&beta, "lp-1", Some(&beta_token)).await.0, 200);
    // A credential scoped to another branch sees no path of this one.
    let scoped = app
        .tenant_with("alpha", |request| request.branch_id = Some(2))
        .await;
    assert_eq!(grades(&scoped, "lp-1", Some(&token)).await.0, 404);
}

async fn learning_path_input_is_refused_with_paths(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    setup_school(&alpha).await;
    let valid = json!({"subject_name": "E", "subject_uuid": "lp-x", "experiment_id": "ohms-law",
                       "experiment_name": "Ohm", "max_attempts": 1, "teacher_uuid": ["t1"], "teacher_name": ["Mr Karim"]});
    let with = |changes: Value| {
        let mut body = valid.clone();
        for (key, value) in changes.as_object().unwrap() {
            if value.is_null() {
                body.as_object_mut().unwrap().remove(key);
            } else {
                body[key] = value.clone();
            }
        }
        body
    };
    let cases = [
        (
            with(json!({"experiment_id": "perpetual-motion"})),
            "experiment_id",
        ),
        (with(json!({"max_attempts": 0})), "max_attempts"),
        (with(json!({"max_attempts": "two"})), "max_attempts"),
        (
            with(json!({"start_at": "2030-01-02 10:00:00", "end_at": "2030-01-01 10:00:00"})),
            "end_at",
        ),
        (with(json!({"start_at": "tomorrow"})), "start_at"),
        (
            with(json!({"teacher_uuid": ["t1", "nobody"], "teacher_name": ["Mr Karim", "No One"]})),
            "teacher_uuid.1",
        ),
        (
            with(json!({"teacher_uuid": ["s1"], "teacher_name": ["Sara"]})),
            "teacher_uuid.0",
        ),
        (
            with(json!({"teacher_uuid": ["t1", "t2"], "teacher_name": ["Mr Karim"]})),
            "teacher_name.1",
        ),
        (with(json!({"teacher_uuid": []})), "teacher_uuid"),
        (with(json!({"subject_uuid": null})), "subject_uuid"),
        (with(json!({"subject_name": null})), "subject_name"),
        (with(json!({"experiment_name": null})), "experiment_name"),
    ];
    for (body, path) in cases {
        let (status, answer) = send(alpha.post_json(PATHS, &body)).await;
        assert_eq!(status, 422, "{body} → {answer}");
        assert!(answer["errors"][path].is_array(), "{path}: {answer}");
    }
    let (status, _) = send(
        alpha
            .get(&grades_url("lp-x"))
            .header("experiment-token", "x"),
    )
    .await;
    assert_eq!(status, 404, "nothing was created");
    // Numbers as text and text as numbers are fine.
    let (status, answer) = send(alpha.post_json(
        PATHS,
        &with(json!({"max_attempts": "3", "subject_uuid": 4242})),
    ))
    .await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["subject_uuid"], "4242");
}

async fn form_bodies_make_the_same_learning_path(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    setup_school(&alpha).await;
    let form = [
        ("subject_name", "Electricity"),
        ("subject_uuid", "lp-form"),
        ("experiment_id", "ohms-law"),
        ("experiment_name", "Ohm's law"),
        ("max_attempts", "2"),
        ("teacher_uuid[0]", "t1"),
        ("teacher_name[0]", "Mr Karim"),
        ("teacher_uuid[1]", "t2"),
        ("teacher_name[1]", "Ms Dana"),
        ("start_at", "2020-01-01 08:00:00"),
        ("end_at", "2099-01-01 08:00:00"),
    ];
    let (status, answer) = send(alpha.request(Method::POST, PATHS).form(&form)).await;
    assert_eq!(status, 201, "{answer}");
    let token = answer["experiment_token"].as_str().unwrap().to_owned();
    // Both teachers' sections: A (s1, s2) and B (s3).
    let (_, book) = grades(&alpha, "lp-form", Some(&token)).await;
    assert_eq!(book["meta"]["total"], 3);
    let teachers: Vec<&str> = book["learning_path"]["teachers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["uuid"].as_str().unwrap())
        .collect();
    assert_eq!(teachers, ["t1", "t2"]);
    assert_eq!(
        book["learning_path"]["start_at"],
        "2020-01-01T08:00:00.000Z"
    );
    // PATCH as a form through _method, replacing the teachers.
    let form = [
        ("_method", "PATCH"),
        ("subject_name", "Electricity 2"),
        ("teacher_uuid[0]", "t2"),
        ("teacher_name[0]", "Ms Dana"),
    ];
    let (status, answer) = send(
        alpha
            .request(Method::POST, &path_url("lp-form"))
            .header("experiment-token", &token)
            .form(&form),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["teachers"][0]["uuid"], "t2");
    let (_, book) = grades(&alpha, "lp-form", Some(&token)).await;
    assert_eq!(book["meta"]["total"], 2, "only Ms Dana's section A");
}
