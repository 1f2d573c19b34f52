//! `/api/v2/me`, branches, classrooms, groups and the operations endpoints.

use reqwest::Method;
use serde_json::{json, Value};

use super::mirrored_classroom;
use crate::{
    both_databases,
    conformance::{check_answer, document},
    harness::{Backend, TestApp},
};

both_databases!(the_rest_answers_as_documented);

/// `/api/v2/me`, branches, classrooms, groups and the operations endpoints.
async fn the_rest_answers_as_documented(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc = document(&app.client, &app.address).await;
    let alpha = app.tenant("alpha").await;
    let expect = |answer: (u16, Value), status: u16| {
        assert_eq!(answer.0, status, "{}", answer.1);
        answer.1
    };
    let mirrored = mirrored_classroom(&alpha).await;

    expect(
        check_answer(&doc, "GET", "/api/v2/me", alpha.get("/api/v2/me")).await,
        200,
    );
    let north = app
        .tenant_with("alpha", |request| request.branch_id = Some(1))
        .await;
    expect(
        check_answer(&doc, "GET", "/api/v2/me", north.get("/api/v2/me")).await,
        200,
    );
    let tree = expect(
        check_answer(
            &doc,
            "GET",
            "/api/v2/branches",
            alpha.get("/api/v2/branches"),
        )
        .await,
        200,
    );
    assert_eq!(
        tree["data"][0]["counts"]["student_memberships"], 2,
        "{tree}"
    );
    expect(
        check_answer(
            &doc,
            "GET",
            "/api/v2/branches",
            alpha.get("/api/v2/branches?per_page=x"),
        )
        .await,
        422,
    );

    // Classrooms: made, read, renamed by PUT and PATCH (JSON and form), deleted; a mirrored one is the mirror's.
    let one = "/classrooms/{classroom_id}";
    let made = expect(
        check_answer(
            &doc,
            "POST",
            "/classrooms",
            alpha.post_json("/classrooms", &json!({"name": "Club"})),
        )
        .await,
        201,
    );
    let path = format!("/classrooms/{}", made["id"]);
    expect(
        check_answer(
            &doc,
            "POST",
            "/classrooms",
            alpha
                .request(Method::POST, "/classrooms")
                .form(&[("name", "Club 2")]),
        )
        .await,
        201,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            "/classrooms",
            alpha.post_json("/classrooms", &json!({"name": "club"})),
        )
        .await,
        422,
    );
    expect(
        check_answer(
            &doc,
            "GET",
            "/classrooms",
            alpha.get("/classrooms?per_page=1"),
        )
        .await,
        200,
    );
    expect(check_answer(&doc, "GET", one, alpha.get(&path)).await, 200);
    expect(
        check_answer(
            &doc,
            "PUT",
            one,
            alpha
                .request(Method::PUT, &path)
                .json(&json!({"name": "Chess"})),
        )
        .await,
        200,
    );
    expect(
        check_answer(
            &doc,
            "PATCH",
            one,
            alpha
                .request(Method::PATCH, &path)
                .form(&[("name", "Chess club")]),
        )
        .await,
        200,
    );
    expect(
        check_answer(
            &doc,
            "PATCH",
            one,
            alpha
                .request(Method::PATCH, &path)
                .json(&json!({"name": 7.5, "x": 1})),
        )
        .await,
        200,
    );
    expect(
        check_answer(
            &doc,
            "PATCH",
            one,
            alpha
                .request(Method::PATCH, &path)
                .json(&json!({"name": ["x"]})),
        )
        .await,
        422,
    );
    expect(
        check_answer(
            &doc,
            "PUT",
            one,
            alpha.request(Method::PUT, &path).json(&json!({})),
        )
        .await,
        422,
    );
    expect(
        check_answer(
            &doc,
            "PUT",
            one,
            alpha
                .request(Method::PUT, &path)
                .header("content-type", "application/json")
                .body("{,}"),
        )
        .await,
        400,
    );
    let mirrored_path = format!("/classrooms/{mirrored}");
    expect(
        check_answer(
            &doc,
            "PUT",
            one,
            alpha
                .request(Method::PUT, &mirrored_path)
                .json(&json!({"name": "Mine"})),
        )
        .await,
        409,
    );
    expect(
        check_answer(
            &doc,
            "PATCH",
            one,
            alpha
                .request(Method::PATCH, &mirrored_path)
                .json(&json!({"name": "Mine"})),
        )
        .await,
        409,
    );
    expect(
        check_answer(
            &doc,
            "DELETE",
            one,
            alpha.request(Method::DELETE, &mirrored_path),
        )
        .await,
        409,
    );
    expect(
        check_answer(
            &doc,
            "PATCH",
            one,
            alpha
                .request(Method::PATCH, "/classrooms/999999")
                .json(&json!({"name": "X"})),
        )
        .await,
        404,
    );
    expect(
        check_answer(&doc, "DELETE", one, alpha.request(Method::DELETE, &path)).await,
        200,
    );
    expect(check_answer(&doc, "GET", one, alpha.get(&path)).await, 404);

    // Groups: the same, with descriptions cleared by null.
    let one = "/groups/{group_id}";
    let group = expect(
        check_answer(
            &doc,
            "POST",
            "/groups",
            alpha.post_json(
                "/groups",
                &json!({"name": "Robotics", "description": "Fridays"}),
            ),
        )
        .await,
        201,
    );
    let path = format!("/groups/{}", group["id"]);
    expect(
        check_answer(
            &doc,
            "POST",
            "/groups",
            alpha.post_json("/groups", &json!({"name": "Robotics"})),
        )
        .await,
        422,
    );
    expect(
        check_answer(&doc, "GET", "/groups", alpha.get("/groups")).await,
        200,
    );
    expect(check_answer(&doc, "GET", one, alpha.get(&path)).await, 200);
    expect(
        check_answer(
            &doc,
            "PUT",
            one,
            alpha
                .request(Method::PUT, &path)
                .json(&json!({"description": null})),
        )
        .await,
        200,
    );
    expect(
        check_answer(
            &doc,
            "PATCH",
            one,
            alpha
                .request(Method::PATCH, &path)
                .form(&[("name", "Robots")]),
        )
        .await,
        200,
    );
    expect(
        check_answer(
            &doc,
            "PATCH",
            one,
            alpha
                .request(Method::PATCH, &path)
                .json(&json!({"name": ""})),
        )
        .await,
        422,
    );
    expect(
        check_answer(
            &doc,
            "PUT",
            one,
            alpha
                .request(Method::PUT, &path)
                .header("content-type", "text/csv")
                .body("a,b"),
        )
        .await,
        415,
    );
    expect(
        check_answer(
            &doc,
            "PATCH",
            one,
            alpha
                .request(Method::PATCH, "/groups/0")
                .json(&json!({"name": "X"})),
        )
        .await,
        404,
    );
    expect(
        check_answer(&doc, "DELETE", one, alpha.request(Method::DELETE, &path)).await,
        200,
    );
    expect(
        check_answer(&doc, "DELETE", one, alpha.request(Method::DELETE, &path)).await,
        404,
    );

    // The operations endpoints, with their media types.
    expect(
        check_answer(
            &doc,
            "GET",
            "/healthz",
            app.anonymous(Method::GET, "/healthz"),
        )
        .await,
        200,
    );
    let ready = expect(
        check_answer(
            &doc,
            "GET",
            "/readyz",
            app.anonymous(Method::GET, "/readyz"),
        )
        .await,
        200,
    );
    assert!(
        matches!(ready["database"].as_str(), Some("sqlite" | "postgres")),
        "{ready}"
    );
    expect(
        check_answer(
            &doc,
            "GET",
            "/openapi.json",
            app.anonymous(Method::GET, "/openapi.json"),
        )
        .await,
        200,
    );
    for (path, media_type) in [("/metrics", "text/plain"), ("/docs", "text/html")] {
        let response = app.anonymous(Method::GET, path).send().await.unwrap();
        let served = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(served.starts_with(media_type), "{path}: {served}");
        assert!(
            doc["paths"][path]["get"]["responses"]["200"]["content"]
                .get(media_type)
                .is_some(),
            "{path}"
        );
        let text = response.text().await.unwrap();
        crate::conformance::assert_conforms(&doc, "GET", path, 200, &Value::String(text));
    }
}
