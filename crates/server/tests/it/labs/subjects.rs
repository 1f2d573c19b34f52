//! Subjects and supervisors (partner API §3) over HTTP, the supervisor's home page, and the lenient reading of
//! numbers and texts that partner-api.md's Conventions ask for.

use reqwest::Method;
use serde_json::{json, Value};

use super::{school_of_labs, setup_school};
use crate::{
    both_databases,
    harness::{send, Backend, TestApp},
    mirror::mirror,
    sso::{page, sign_in},
};

both_databases!(
    subjects_are_listed_with_branch_sections_and_teachers,
    supervisors_are_upserted_with_exactly_their_subjects,
    supervisor_input_is_validated_with_paths,
    the_supervisor_home_shows_their_subjects_sections_and_teachers,
    numbers_and_texts_are_read_leniently_everywhere,
);

async fn subjects_are_listed_with_branch_sections_and_teachers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (alpha, beta) = app.two_tenants().await;
    setup_school(&alpha).await;
    let (status, list) = send(alpha.get("/api/v2/subjects?per_page=1")).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["meta"]["total"], 2);
    assert!(list["links"]["next"].as_str().unwrap().contains("page=2"));
    let physics = &list["data"][0];
    assert_eq!(physics["name"], "Physics");
    assert_eq!(physics["partner_id"], 1);
    assert_eq!(physics["branch"]["partner_id"], 1);
    assert_eq!(physics["branch"]["name"], "North School");
    let sections: Vec<&str> = physics["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(sections, ["A", "B"]);
    assert_eq!(physics["sections"][0]["class"]["name"], "Grade 9");
    assert_eq!(physics["sections"][0]["teachers"][0]["uuid"], "t1");
    assert_eq!(physics["teachers"].as_array().unwrap().len(), 1);
    let id = physics["id"].as_i64().unwrap();
    let (status, one) = send(alpha.get(&format!("/api/v2/subjects/{id}"))).await;
    assert_eq!(status, 200);
    assert_eq!(one, *physics);
    // Another tenant neither lists nor reads it.
    let (status, other) = send(beta.get("/api/v2/subjects")).await;
    assert_eq!(status, 200);
    assert_eq!(other["meta"]["total"], 0);
    let (status, _) = send(beta.get(&format!("/api/v2/subjects/{id}"))).await;
    assert_eq!(status, 404);
    let (status, _) = send(alpha.get("/api/v2/subjects/abc")).await;
    assert_eq!(status, 404);
}

async fn supervisors_are_upserted_with_exactly_their_subjects(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (alpha, beta) = app.two_tenants().await;
    setup_school(&alpha).await;
    let body = json!({"supervisors": [
        {"name": "Dr Huda", "uuid": "sup1", "subject_ids": [1, 2]},
        {"name": "Mr Adel", "uuid": "sup2", "subject_ids": [2]}]});
    let (status, answer) = send(alpha.post_json("/api/v2/subjects/supervisors", &body)).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["data"][0]["status"], "created");
    assert_eq!(answer["data"][0]["subjects"].as_array().unwrap().len(), 2);
    // The same in a PHP-style form: renames, and sets exactly one subject.
    let form = [
        ("supervisors[0][name]", "Dr Huda Salem"),
        ("supervisors[0][uuid]", "sup1"),
        ("supervisors[0][subject_ids][]", "2"),
    ];
    let (status, answer) = send(
        alpha
            .request(Method::POST, "/api/v2/subjects/supervisors")
            .form(&form),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["data"][0]["status"], "updated");
    assert_eq!(answer["data"][0]["name"], "Dr Huda Salem");
    let names: Vec<&str> = answer["data"][0]["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Chemistry"]);
    let (status, list) = send(alpha.get("/api/v2/subjects/supervisors")).await;
    assert_eq!(status, 200);
    assert_eq!(list["meta"]["total"], 2);
    assert_eq!(list["data"][1]["uuid"], "sup2");
    let (status, one) = send(alpha.get("/api/v2/subjects/supervisors/sup1")).await;
    assert_eq!(status, 200);
    assert_eq!(one["subjects"][0]["partner_id"], 2);
    assert!(one.get("status").is_none());
    // A supervisor is a user with the supervisor role.
    let (status, user) = send(alpha.get(&format!("/users/{}/roles", one["id"]))).await;
    assert_eq!(status, 200, "{user}");
    assert_eq!(user["roles"], json!([{"id": 4, "name": "supervisor"}]));
    // Another tenant sees none of it, and a teacher is not a supervisor.
    let (status, _) = send(beta.get("/api/v2/subjects/supervisors/sup1")).await;
    assert_eq!(status, 404);
    let (_, list) = send(beta.get("/api/v2/subjects/supervisors")).await;
    assert_eq!(list["meta"]["total"], 0);
    let (status, _) = send(alpha.get("/api/v2/subjects/supervisors/t1")).await;
    assert_eq!(status, 404);
}

async fn supervisor_input_is_validated_with_paths(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    setup_school(&alpha).await;
    let cases: Vec<(Value, &str, &str)> =
        vec![
        (json!({}), "supervisors", "The supervisors field is required."),
        (json!({"supervisors": []}), "supervisors", "The supervisors must have at least 1 item."),
        (
            json!({"supervisors": [{"uuid": "x", "subject_ids": [1]}]}),
            "supervisors.0.name",
            "The supervisors.0.name field is required.",
        ),
        (
            json!({"supervisors": [{"name": "X", "uuid": "a b", "subject_ids": [1]}]}),
            "supervisors.0.uuid",
            "The supervisors.0.uuid must not contain spaces or control characters.",
        ),
        (
            json!({"supervisors": [{"name": "X", "uuid": "x", "subject_ids": [1, 99]}]}),
            "supervisors.0.subject_ids.1",
            "The selected supervisors.0.subject_ids.1 is invalid: no mirrored subject has this id.",
        ),
        (
            json!({"supervisors": [{"name": "X", "uuid": "x", "subject_ids": ["one"]}]}),
            "supervisors.0.subject_ids.0",
            "The supervisors.0.subject_ids.0 must be an integer.",
        ),
        (
            json!({"supervisors": [{"name": "X", "uuid": "x", "subject_ids": []},
                                   {"name": "Y", "uuid": "x", "subject_ids": []}]}),
            "supervisors.1.uuid",
            "The supervisors.1.uuid has already been used by supervisors.0.",
        ),
    ];
    for (body, path, message) in cases {
        let (status, answer) = send(alpha.post_json("/api/v2/subjects/supervisors", &body)).await;
        assert_eq!(status, 422, "{body} → {answer}");
        assert_eq!(
            answer["errors"][path],
            json!([message]),
            "{body} → {answer}"
        );
    }
    // Nothing was written by the refused requests.
    let (_, list) = send(alpha.get("/api/v2/subjects/supervisors")).await;
    assert_eq!(list["meta"]["total"], 0);
    // A credential of one branch may not make supervisors (they see across branches).
    let scoped = app
        .tenant_with("alpha", |request| request.branch_id = Some(1))
        .await;
    let body = json!({"supervisors": [{"name": "X", "uuid": "x", "subject_ids": [1]}]});
    let (status, _) = send(scoped.post_json("/api/v2/subjects/supervisors", &body)).await;
    assert_eq!(status, 403);
}

async fn the_supervisor_home_shows_their_subjects_sections_and_teachers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    setup_school(&alpha).await;
    let body = json!({"supervisors": [{"name": "Dr Huda", "uuid": "sup1", "subject_ids": ["1"]}]});
    let (status, answer) = send(alpha.post_json("/api/v2/subjects/supervisors", &body)).await;
    assert_eq!(status, 200, "{answer}");
    let session = sign_in(&app, &alpha, "sup1").await;
    let (status, home) = page(&app, "/home", &session).await;
    assert_eq!(status, 200);
    assert!(home.contains("id=\"supervision\""), "{home}");
    assert!(home.contains("Physics"), "{home}");
    assert!(
        !home.contains("Chemistry"),
        "only the supervised subject: {home}"
    );
    assert_eq!(home.matches("class=\"supervised-section\"").count(), 2);
    assert!(home.contains("Mr Karim"));
    // Read-only: no form but the header's language switch and sign-out.
    assert_eq!(home.matches("<form").count(), 2, "{home}");
}

async fn numbers_and_texts_are_read_leniently_everywhere(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    // A mirror with ids as texts and a uuid and a name as numbers.
    let mut payload = school_of_labs();
    payload["branches"][0]["id"] = json!("1");
    payload["branches"][0]["classes"][0]["id"] = json!("9");
    payload["branches"][0]["classes"][0]["sections"][0]["students"][0] =
        json!({"uuid": 5551, "name": 777});
    let job = mirror(&alpha, &payload).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(app.person_active("alpha", "5551").await, Some(true));
    // The users API: a number for a text, a text for an integer.
    let (status, group) = send(alpha.post_json("/groups", &json!({"name": 2026}))).await;
    assert_eq!(status, 201, "{group}");
    assert_eq!(group["name"], "2026");
    let body = json!({"name": "Numbers", "username": "n1", "email": "n1@example.org",
                      "role": ["3"], "groups": [group["id"].to_string()], "password": 12345678});
    let (status, user) = send(alpha.post_json("/users", &body)).await;
    assert_eq!(status, 201, "{user}");
    // What is not a number is still refused with its path.
    let body =
        json!({"name": "Bad", "username": "n2", "email": "n2@example.org", "groups": ["seven"]});
    let (status, answer) = send(alpha.post_json("/users", &body)).await;
    assert_eq!(status, 422, "{answer}");
    assert!(answer["errors"]["groups.0"].is_array(), "{answer}");
    let mut payload = school_of_labs();
    payload["branches"][0]["id"] = json!("one");
    let (status, answer) = send(alpha.post_json("/api/v2/mirror-data/branches", &payload)).await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(
        answer["errors"]["branches.0.id"],
        json!(["The branches.0.id must be an integer."])
    );
}
