//! `/groups`: the tenant's own groups, through JSON and PHP-style form bodies, paged, and never across tenants.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    both_databases,
    harness::{send, Backend, TestApp},
};

both_databases!(
    groups_are_created_read_updated_and_deleted,
    group_fields_are_validated_with_their_paths,
    form_bodies_equal_their_json_twins,
    group_lists_page_with_meta_and_links,
    no_tenant_sees_or_changes_another_tenants_groups,
);

async fn groups_are_created_read_updated_and_deleted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let (status, created) = send(alpha.post_json(
        "/groups",
        &json!({"name": " Chess club ", "description": "Thursdays"}),
    ))
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["name"], "Chess club", "names are trimmed");
    assert_eq!(created["description"], "Thursdays");
    let id = created["id"].as_i64().unwrap();
    assert!(created["created_at"].as_str().unwrap().ends_with('Z'));

    let (status, read) = send(alpha.get(&format!("/groups/{id}"))).await;
    assert_eq!((status, &read), (200, &created));

    let (status, updated) = send(
        alpha
            .request(Method::PUT, &format!("/groups/{id}"))
            .json(&json!({"name": "Chess"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (updated["name"].as_str(), updated["description"].as_str()),
        (Some("Chess"), Some("Thursdays"))
    );
    let (_, patched) = send(
        alpha
            .request(Method::PATCH, &format!("/groups/{id}"))
            .json(&json!({"description": null})),
    )
    .await;
    assert_eq!(
        (patched["name"].as_str(), &patched["description"]),
        (Some("Chess"), &Value::Null)
    );

    let (status, deleted) = send(alpha.request(Method::DELETE, &format!("/groups/{id}"))).await;
    assert_eq!(
        (status, deleted),
        (200, json!({"message": "Group deleted."}))
    );
    let (status, body) = send(alpha.get(&format!("/groups/{id}"))).await;
    assert_eq!(
        (status, body),
        (404, json!({"message": "No group with this id."}))
    );
    assert_eq!(
        send(alpha.request(Method::DELETE, &format!("/groups/{id}")))
            .await
            .0,
        404
    );
    assert_eq!(send(alpha.get("/groups/not-a-number")).await.0, 404);
}

async fn group_fields_are_validated_with_their_paths(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let cases = [
        (json!({}), "name", "The name field is required."),
        (json!({"name": null}), "name", "The name field is required."),
        (
            json!({"name": "   "}),
            "name",
            "The name field must not be empty.",
        ),
        (json!({"name": false}), "name", "The name must be a string."),
        (json!({"name": ["a"]}), "name", "The name must be a string."),
        (
            json!({"name": "x".repeat(256)}),
            "name",
            "The name may not be greater than 255 characters.",
        ),
        (
            json!({"name": "ok", "description": "d".repeat(1001)}),
            "description",
            "The description may not be greater than 1000 characters.",
        ),
    ];
    for (body, path, message) in cases {
        let (status, answer) = send(alpha.post_json("/groups", &body)).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(answer["message"], "The given data was invalid.");
        assert_eq!(
            answer["errors"][path],
            json!([message]),
            "{body} → {answer}"
        );
    }
    assert_eq!(
        send(alpha.post_json("/groups", &json!({"name": "Robotics"})))
            .await
            .0,
        201
    );
    let (status, answer) = send(alpha.post_json("/groups", &json!({"name": "Robotics"}))).await;
    assert_eq!(
        (status, &answer["errors"]["name"]),
        (422, &json!(["The name has already been taken."]))
    );
    let (_, second) = send(alpha.post_json("/groups", &json!({"name": "Drama"}))).await;
    let (status, answer) = send(
        alpha
            .request(Method::PUT, &format!("/groups/{}", second["id"]))
            .json(&json!({"name": "Robotics"})),
    )
    .await;
    assert_eq!(
        (status, &answer["errors"]["name"]),
        (422, &json!(["The name has already been taken."]))
    );
}

async fn form_bodies_equal_their_json_twins(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let (status, from_form) = send(
        alpha
            .request(Method::POST, "/groups")
            .form(&[("name", "Debate"), ("description", "Mondays")]),
    )
    .await;
    assert_eq!(status, 201, "{from_form}");
    let multipart = reqwest::multipart::Form::new()
        .text("name", "Theatre")
        .text("description", "Mondays");
    let (status, from_multipart) =
        send(alpha.request(Method::POST, "/groups").multipart(multipart)).await;
    assert_eq!(status, 201, "{from_multipart}");
    let (_, from_json) = send(alpha.post_json(
        "/groups",
        &json!({"name": "Music", "description": "Mondays"}),
    ))
    .await;
    for created in [&from_form, &from_multipart] {
        assert_eq!(created["description"], from_json["description"]);
        assert_eq!(
            created.as_object().unwrap().keys().collect::<Vec<_>>(),
            from_json.as_object().unwrap().keys().collect::<Vec<_>>()
        );
    }
    let (status, answer) = send(alpha.request(Method::POST, "/groups").form(&[("name", "")])).await;
    assert_eq!(
        (status, &answer["errors"]["name"]),
        (422, &json!(["The name field must not be empty."]))
    );
}

async fn group_lists_page_with_meta_and_links(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    for index in 0..5 {
        send(alpha.post_json("/groups", &json!({"name": format!("Group {index}")}))).await;
    }
    let (status, first) = send(alpha.get("/groups?per_page=2")).await;
    assert_eq!(status, 200);
    assert_eq!(first["meta"], json!({"page": 1, "per_page": 2, "total": 5}));
    assert_eq!(
        first["links"],
        json!({"next": "/groups?page=2&per_page=2", "prev": null})
    );
    let names: Vec<_> = first["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].clone())
        .collect();
    assert_eq!(names, [json!("Group 0"), json!("Group 1")]);
    let (_, last) = send(alpha.get("/groups?page=3&per_page=2")).await;
    assert_eq!(last["data"].as_array().unwrap().len(), 1);
    assert_eq!(
        last["links"],
        json!({"next": null, "prev": "/groups?page=2&per_page=2"})
    );
    let (_, beyond) = send(alpha.get("/groups?page=9")).await;
    assert_eq!(beyond["data"], json!([]));
    for bad in [
        "page=0",
        "page=x",
        "per_page=0",
        "per_page=1001",
        "per_page=-1",
    ] {
        let (status, answer) = send(alpha.get(&format!("/groups?{bad}"))).await;
        assert_eq!(status, 422, "{bad}");
        let key = bad.split('=').next().unwrap();
        assert!(answer["errors"][key].is_array(), "{bad}: {answer}");
    }
}

async fn no_tenant_sees_or_changes_another_tenants_groups(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (alpha, beta) = app.two_tenants().await;
    let (_, alpha_group) = send(alpha.post_json("/groups", &json!({"name": "Shared name"}))).await;
    let id = alpha_group["id"].as_i64().unwrap();
    assert_eq!(
        send(beta.post_json("/groups", &json!({"name": "Shared name"})))
            .await
            .0,
        201,
        "names are per tenant"
    );

    let (_, beta_list) = send(beta.get("/groups")).await;
    assert_eq!(beta_list["meta"]["total"], 1);
    assert!(beta_list["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|g| g["id"] != alpha_group["id"]));
    assert_eq!(send(beta.get(&format!("/groups/{id}"))).await.0, 404);
    assert_eq!(
        send(
            beta.request(Method::PUT, &format!("/groups/{id}"))
                .json(&json!({"name": "Taken over"}))
        )
        .await
        .0,
        404
    );
    assert_eq!(
        send(beta.request(Method::DELETE, &format!("/groups/{id}")))
            .await
            .0,
        404
    );
    let (status, still) = send(alpha.get(&format!("/groups/{id}"))).await;
    assert_eq!((status, still["name"].as_str()), (200, Some("Shared name")));
}
