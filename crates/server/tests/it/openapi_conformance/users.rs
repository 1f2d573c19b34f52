//! The users operations: create, the lists, one user and its relations, updates, delete, transfer; and the ways
//! partners go wrong with them.

use reqwest::Method;
use serde_json::{json, Value};

use super::{form_part, mirrored_classroom};
use crate::{
    both_databases,
    conformance::{check_answer, document},
    harness::{Backend, TestApp},
};

both_databases!(
    users_answer_as_documented,
    bad_user_requests_answer_as_documented
);

async fn users_answer_as_documented(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc = document(&app.client, &app.address).await;
    let alpha = app.tenant("alpha").await;
    let classroom = mirrored_classroom(&alpha).await;
    let (_, group) =
        crate::harness::send(alpha.post_json("/groups", &json!({"name": "Robotics"}))).await;

    // Create by JSON, by form and by multipart.
    let (status, created) = check_answer(&doc, "POST", "/users", alpha.post_json("/users", &json!({
        "name": "Huda", "username": "huda", "email": "huda@example.org", "password": "correct horse",
        "role": [2, "supervisor"], "groups": [group["id"]], "student_of": [classroom], "teacher_of": [classroom],
    }))).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let (status, _) = check_answer(
        &doc,
        "POST",
        "/users",
        alpha.request(Method::POST, "/users").form(&[
            ("name", "Form"),
            ("username", "form"),
            ("email", "form@example.org"),
            ("role[]", "student"),
            ("student_of[0]", &classroom.to_string()),
        ]),
    )
    .await;
    assert_eq!(status, 201);
    let (status, _) = check_answer(
        &doc,
        "POST",
        "/users",
        alpha.request(Method::POST, "/users").multipart(form_part(&[
            ("name", "Multi"),
            ("username", "multi"),
            ("email", "multi@example.org"),
            ("role", "3"),
        ])),
    )
    .await;
    assert_eq!(status, 201);

    // Lists, each with something in its relation.
    for path in [
        "/users",
        "/users/roles",
        "/users/groups",
        "/users/classrooms",
    ] {
        let (status, page) =
            check_answer(&doc, "GET", path, alpha.get(&format!("{path}?per_page=2"))).await;
        assert_eq!(status, 200, "{page}");
        assert!(page["links"]["next"].is_string(), "{page}");
        let (status, _) = check_answer(
            &doc,
            "GET",
            path,
            alpha.get(&format!("{path}?page=2&per_page=2")),
        )
        .await;
        assert_eq!(status, 200);
    }
    let (status, transferred) = check_answer(&doc, "POST", "/students/transfer", alpha.post_json("/students/transfer",
        &json!({"data": [{"id": 501, "name": "Lina", "username": "lina"}, {"id": "x-9", "name": "Adam", "username": "adam", "role": "teacher"}]}))).await;
    assert_eq!(status, 200, "{transferred}");
    let (status, _) = check_answer(
        &doc,
        "POST",
        "/students/transfer",
        alpha.request(Method::POST, "/students/transfer").form(&[
            ("data[0][id]", "501"),
            ("data[0][name]", "Lina N"),
            ("data[0][username]", "lina"),
        ]),
    )
    .await;
    assert_eq!(status, 200);
    let (status, lms) =
        check_answer(&doc, "GET", "/lms-user/all", alpha.get("/lms-user/all")).await;
    assert_eq!(
        (status, lms["meta"]["total"].as_i64()),
        (200, Some(2)),
        "{lms}"
    );

    // One user, alone and with each relation.
    let (status, _) = check_answer(
        &doc,
        "GET",
        "/users/{user_id}",
        alpha.get(&format!("/users/{id}")),
    )
    .await;
    assert_eq!(status, 200);
    for relation in ["roles", "groups", "classrooms"] {
        let (status, user) = check_answer(
            &doc,
            "GET",
            "/users/{user_id}/{relation}",
            alpha.get(&format!("/users/{id}/{relation}")),
        )
        .await;
        assert_eq!(status, 200);
        assert!(!user[relation].as_array().unwrap().is_empty(), "{user}");
    }

    // Updates by PUT, PATCH and a form POST.
    let path = format!("/users/{id}");
    let (status, _) = check_answer(
        &doc,
        "PUT",
        "/users/{user_id}",
        alpha
            .request(Method::PUT, &path)
            .json(&json!({"name": "Huda N", "groups": []})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = check_answer(
        &doc,
        "PATCH",
        "/users/{user_id}",
        alpha
            .request(Method::PATCH, &path)
            .json(&json!({"email": "h@example.org"})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, updated) = check_answer(
        &doc,
        "POST",
        "/users/{user_id}",
        alpha
            .request(Method::POST, &path)
            .form(&[("name", "Huda Form"), ("role", "")]),
    )
    .await;
    assert_eq!((status, &updated["name"]), (200, &json!("Huda Form")));
    let (status, _) = check_answer(
        &doc,
        "POST",
        "/users/{user_id}",
        alpha
            .request(Method::POST, &path)
            .multipart(form_part(&[("username", "huda.m")])),
    )
    .await;
    assert_eq!(status, 200);

    let (status, deleted) = check_answer(
        &doc,
        "DELETE",
        "/users/{user_id}",
        alpha.request(Method::DELETE, &path),
    )
    .await;
    assert_eq!(
        (status, deleted),
        (200, json!({"message": "User deleted."}))
    );
}

async fn bad_user_requests_answer_as_documented(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc = document(&app.client, &app.address).await;
    let alpha = app.tenant("alpha").await;
    let post = |body: &str, content_type: &str| {
        alpha
            .request(Method::POST, "/users")
            .header("content-type", content_type)
            .body(body.to_owned())
    };
    let expect = |answer: (u16, Value), status: u16| {
        assert_eq!(answer.0, status, "{}", answer.1);
        answer.1
    };

    // Bad JSON, a JSON array, a form key used twice as value and list, a malformed key, another format.
    expect(
        check_answer(
            &doc,
            "POST",
            "/users",
            post("{\"name\": ", "application/json"),
        )
        .await,
        400,
    );
    expect(
        check_answer(&doc, "POST", "/users", post("[1]", "application/json")).await,
        400,
    );
    let conflict = expect(
        check_answer(
            &doc,
            "POST",
            "/users",
            post("role=1&role[x]=2", "application/x-www-form-urlencoded"),
        )
        .await,
        422,
    );
    assert!(conflict["errors"]["role"].is_array(), "{conflict}");
    expect(
        check_answer(
            &doc,
            "POST",
            "/users",
            post("name[=x", "application/x-www-form-urlencoded"),
        )
        .await,
        400,
    );
    expect(
        check_answer(&doc, "POST", "/users", post("<user/>", "application/xml")).await,
        415,
    );
    // Missing fields, wrong types, limits, unknown relations.
    let missing = expect(
        check_answer(
            &doc,
            "POST",
            "/users",
            alpha.post_json("/users", &json!({"name": "Sara"})),
        )
        .await,
        422,
    );
    assert!(
        missing["errors"]["username"].is_array() && missing["errors"]["email"].is_array(),
        "{missing}"
    );
    let wrong = expect(check_answer(&doc, "POST", "/users", alpha.post_json("/users",
        &json!({"name": true, "username": "s", "email": "s@example.org", "groups": "x", "student_of": [0], "role": ["pilot"]}))).await, 422);
    for path in ["name", "groups", "student_of.0", "role.0"] {
        assert!(wrong["errors"][path].is_array(), "{path}: {wrong}");
    }
    let transfer = expect(check_answer(&doc, "POST", "/students/transfer", alpha.post_json("/students/transfer",
        &json!({"data": [{"id": 1, "name": "A"}, {"id": 1, "name": "B", "username": "b c"}]}))).await, 422);
    assert!(
        transfer["errors"]["data.0.username"].is_array()
            && transfer["errors"]["data.1.id"].is_array(),
        "{transfer}"
    );
    expect(
        check_answer(
            &doc,
            "POST",
            "/students/transfer",
            alpha.post_json("/students/transfer", &json!({"data": []})),
        )
        .await,
        422,
    );
    for path in [
        "/users",
        "/users/roles",
        "/users/groups",
        "/users/classrooms",
        "/lms-user/all",
    ] {
        expect(
            check_answer(
                &doc,
                "GET",
                path,
                alpha.get(&format!("{path}?per_page=1001")),
            )
            .await,
            422,
        );
        expect(
            check_answer(&doc, "GET", path, alpha.get(&format!("{path}?page=0"))).await,
            422,
        );
    }
    // Unknown users and relations.
    expect(
        check_answer(&doc, "GET", "/users/{user_id}", alpha.get("/users/999999")).await,
        404,
    );
    expect(
        check_answer(&doc, "GET", "/users/{user_id}", alpha.get("/users/abc")).await,
        404,
    );
    expect(
        check_answer(
            &doc,
            "GET",
            "/users/{user_id}/{relation}",
            alpha.get("/users/999999/roles"),
        )
        .await,
        404,
    );
    expect(
        check_answer(
            &doc,
            "PUT",
            "/users/{user_id}",
            alpha
                .request(Method::PUT, "/users/999999")
                .json(&json!({"name": "X"})),
        )
        .await,
        404,
    );
    expect(
        check_answer(
            &doc,
            "PATCH",
            "/users/{user_id}",
            alpha
                .request(Method::PATCH, "/users/999999")
                .json(&json!({})),
        )
        .await,
        404,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            "/users/{user_id}",
            alpha
                .request(Method::POST, "/users/999999")
                .form(&[("name", "X")]),
        )
        .await,
        404,
    );
    expect(
        check_answer(
            &doc,
            "DELETE",
            "/users/{user_id}",
            alpha.request(Method::DELETE, "/users/999999"),
        )
        .await,
        404,
    );
    let (_, user) = crate::harness::send(alpha.post_json(
        "/users",
        &json!({"name": "Sara", "username": "sara", "email": "sara@example.org"}),
    ))
    .await;
    let path = format!("/users/{}", user["id"]);
    expect(
        check_answer(
            &doc,
            "GET",
            "/users/{user_id}/{relation}",
            alpha.get(&format!("{path}/friends")),
        )
        .await,
        404,
    );
    expect(
        check_answer(
            &doc,
            "PATCH",
            "/users/{user_id}",
            alpha
                .request(Method::PATCH, &path)
                .json(&json!({"email": "nope", "password": "short"})),
        )
        .await,
        422,
    );
    // The answers every partner operation may give: no token, a wrong referer, no JSON accepted.
    expect(
        check_answer(&doc, "GET", "/users", app.anonymous(Method::GET, "/users")).await,
        401,
    );
    expect(
        check_answer(
            &doc,
            "GET",
            "/users",
            alpha.request_with(Method::GET, "/users", Some("https://evil.example"), None),
        )
        .await,
        403,
    );
    expect(
        check_answer(
            &doc,
            "GET",
            "/users",
            alpha.request_with(
                Method::GET,
                "/users",
                Some(crate::harness::REFERER),
                Some("text/html"),
            ),
        )
        .await,
        406,
    );
}
