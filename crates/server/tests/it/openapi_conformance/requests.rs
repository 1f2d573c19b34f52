//! The documented request schemas against the server's validation.

use reqwest::Method;
use serde_json::{json, Value};

use super::mirrored_classroom;
use crate::{
    both_databases,
    conformance::{check_answer, document},
    harness::{Backend, TestApp},
};

both_databases!(request_schemas_accept_what_validation_accepts);

/// The documented request schemas say what the server's validation says: for each JSON body below, the schema
/// refuses it exactly when the server answers 422 (or 400). Other answers (201, 200, 202, 404 for an unknown
/// person) mean validation accepted it.
async fn request_schemas_accept_what_validation_accepts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc = document(&app.client, &app.address).await;
    let alpha = app.tenant("alpha").await;
    mirrored_classroom(&alpha).await;
    let long = "x".repeat(256);
    let person = |uuid: &str| json!({"uuid": uuid, "name": "P"});
    let branch =
        |classes: Value| json!({"branches": [{"id": 3, "name": "South", "classes": classes}]});
    let cases: Vec<(&str, &str, Value)> = vec![
        (
            "/users",
            "/users",
            json!({"name": "A1", "username": "a1", "email": "a1@example.org"}),
        ),
        (
            "/users",
            "/users",
            json!({"name": " A2 ", "username": "a2", "email": "A2@Example.org", "password": "12345678", "role": [2, "student"]}),
        ),
        (
            "/users",
            "/users",
            json!({"name": "A3", "username": "a3", "email": "a3@example.org", "role": "teacher", "groups": [], "student_of": null}),
        ),
        (
            "/users",
            "/users",
            json!({"name": " ", "username": "a4", "email": "a4@example.org"}),
        ),
        (
            "/users",
            "/users",
            json!({"name": "A5", "username": "a 5", "email": "a5@example.org"}),
        ),
        (
            "/users",
            "/users",
            json!({"name": "A6", "username": "a6", "email": "not-an-email"}),
        ),
        (
            "/users",
            "/users",
            json!({"name": "A7", "username": "a7", "email": "a7@example.org", "password": "short"}),
        ),
        (
            "/users",
            "/users",
            json!({"name": "A8", "username": "a8", "email": "a8@example.org", "role": [9]}),
        ),
        (
            "/users",
            "/users",
            json!({"name": "A9", "username": "a9", "email": "a9@example.org", "groups": [0]}),
        ),
        (
            "/users",
            "/users",
            json!({"name": long, "username": "a10", "email": "a10@example.org"}),
        ),
        (
            "/users",
            "/users",
            json!({"username": "a11", "email": "a11@example.org"}),
        ),
        (
            "/users",
            "/users",
            json!({"name": "A\u{7}12", "username": "a12", "email": "a12@example.org"}),
        ),
        (
            "/users",
            "/users",
            json!({"name": "A13", "username": "a13", "email": "a13@example.org", "teacher_of": "1"}),
        ),
        (
            "/students/transfer",
            "/students/transfer",
            json!({"data": [{"id": 1, "name": "T", "username": "t1"}]}),
        ),
        (
            "/students/transfer",
            "/students/transfer",
            json!({"data": [{"id": "abc", "name": "T", "username": "t2", "role": "Student"}]}),
        ),
        (
            "/students/transfer",
            "/students/transfer",
            json!({"data": []}),
        ),
        (
            "/students/transfer",
            "/students/transfer",
            json!({"data": [{"id": true, "name": "T", "username": "t3"}]}),
        ),
        (
            "/students/transfer",
            "/students/transfer",
            json!({"data": [{"id": "y".repeat(65), "name": "T", "username": "t4"}]}),
        ),
        (
            "/students/transfer",
            "/students/transfer",
            json!({"data": [{"id": 5, "name": "T", "username": "t5", "role": "pilot"}]}),
        ),
        (
            "/api/v2/mirror-data/sso-token",
            "/api/v2/mirror-data/sso-token",
            json!({"uuid": "s1", "type": "mobile", "lang": "ar"}),
        ),
        (
            "/api/v2/mirror-data/sso-token",
            "/api/v2/mirror-data/sso-token",
            json!({"uuid": "nobody"}),
        ),
        (
            "/api/v2/mirror-data/sso-token",
            "/api/v2/mirror-data/sso-token",
            json!({"uuid": "s1", "type": "fax"}),
        ),
        (
            "/api/v2/mirror-data/sso-token",
            "/api/v2/mirror-data/sso-token",
            json!({"uuid": "s1", "lang": "fr"}),
        ),
        (
            "/api/v2/mirror-data/sso-token",
            "/api/v2/mirror-data/sso-token",
            json!({"uuid": ""}),
        ),
        ("/sso-token", "/sso-token", json!({"user_id": "s1"})),
        (
            "/sso-token",
            "/sso-token",
            json!({"jusoor_id": 999999, "lang": "en"}),
        ),
        (
            "/sso-token",
            "/sso-token",
            json!({"user_id": "s1", "jusoor_id": 1}),
        ),
        ("/sso-token", "/sso-token", json!({"type": "website"})),
        (
            "/api/v2/mirror-data/simple",
            "/api/v2/mirror-data/simple",
            json!({"classrooms": {"name": "R1", "students": [person("r1")], "teachers": []}}),
        ),
        (
            "/api/v2/mirror-data/simple",
            "/api/v2/mirror-data/simple",
            json!({"classrooms": [{"name": "R2", "students": [], "teachers": [person("r2")]}], "force": false}),
        ),
        (
            "/api/v2/mirror-data/simple",
            "/api/v2/mirror-data/simple",
            json!({"classrooms": []}),
        ),
        (
            "/api/v2/mirror-data/simple",
            "/api/v2/mirror-data/simple",
            json!({"classrooms": [{"name": "R3", "students": [person("a b")], "teachers": []}]}),
        ),
        (
            "/api/v2/mirror-data/simple",
            "/api/v2/mirror-data/simple",
            json!({"classrooms": [{"name": "R4", "students": []}]}),
        ),
        (
            "/api/v2/mirror-data/simple",
            "/api/v2/mirror-data/simple",
            json!({"classrooms": {"name": "R5", "students": [], "teachers": []}, "force": "maybe"}),
        ),
        (
            "/api/v2/mirror-data/branches",
            "/api/v2/mirror-data/branches",
            branch(
                json!([{"id": 1, "name": "G", "sections": [{"name": "A", "subjects": [{"id": 2, "name": "Art", "teachers": [person("st1")]}], "students": [person("ss1")]}]}]),
            ),
        ),
        (
            "/api/v2/mirror-data/branches",
            "/api/v2/mirror-data/branches",
            branch(json!([{"id": 1, "name": "G"}])),
        ),
        (
            "/api/v2/mirror-data/branches",
            "/api/v2/mirror-data/branches",
            branch(
                json!([{"id": 1, "name": "G", "sections": [{"name": "A", "subjects": [], "students": [person(&"u".repeat(65))]}]}]),
            ),
        ),
        (
            "/api/v2/mirror-data/branches",
            "/api/v2/mirror-data/branches",
            json!({"branches": [{"id": 1.5, "name": "B", "classes": []}]}),
        ),
        (
            "/api/v2/mirror-data/branches",
            "/api/v2/mirror-data/branches",
            json!({}),
        ),
        (
            "/groups",
            "/groups",
            json!({"name": "G1", "description": ""}),
        ),
        (
            "/groups",
            "/groups",
            json!({"name": "G2", "description": "d".repeat(1001)}),
        ),
        (
            "/groups",
            "/groups",
            json!({"name": "G3", "description": null}),
        ),
        ("/classrooms", "/classrooms", json!({"name": "C1"})),
        ("/classrooms", "/classrooms", json!({"name": ""})),
    ];
    let mut disagreements = Vec::new();
    for (template, path, body) in &cases {
        let valid =
            crate::conformance::request_errors(&doc, "POST", template, "application/json", body)
                .is_empty();
        let (status, answer) =
            check_answer(&doc, "POST", template, alpha.post_json(path, body)).await;
        let refused = matches!(status, 400 | 422);
        if valid == refused {
            disagreements.push(format!(
                "POST {path} {body}: schema says {}, the server answered {status} {answer}",
                if valid { "valid" } else { "invalid" }
            ));
        }
    }
    let exchange = "/api/v2/sso/exchange";
    for body in [
        json!({"token": "unknown"}),
        json!({"token": ""}),
        json!({"token": "t".repeat(129)}),
        json!({}),
    ] {
        let valid =
            crate::conformance::request_errors(&doc, "POST", exchange, "application/json", &body)
                .is_empty();
        let (status, answer) = check_answer(
            &doc,
            "POST",
            exchange,
            app.anonymous(Method::POST, exchange).json(&body),
        )
        .await;
        if valid == matches!(status, 400 | 422) {
            disagreements.push(format!(
                "POST {exchange} {body}: valid {valid}, answered {status} {answer}"
            ));
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}
