//! The users API end to end: every endpoint of the seed, its bad input, PHP-style forms, relations, transfers, and
//! how hand-made memberships live beside mirrored ones.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    both_databases,
    harness::{send, Backend, TestApp, TestTenant},
    mirror::mirror,
};

both_databases!(
    users_are_created_with_roles_groups_and_classrooms,
    user_fields_are_validated_with_their_paths,
    user_forms_equal_their_json_twins,
    updates_replace_relations_by_put_patch_and_form_post,
    deleting_a_user_removes_their_memberships,
    transfers_upsert_by_the_partners_id_all_or_nothing,
    user_lists_page_and_embed_without_mixing_routes,
    hand_made_memberships_live_beside_mirrored_ones,
    classrooms_are_sections_and_hand_made_ones_are_editable,
    no_tenant_reads_or_changes_another_tenants_users,
);

/// A mirrored branch with section A (students s1, s2) and B; returns the section ids by name.
async fn mirrored_sections(tenant: &TestTenant) -> Vec<(String, i64)> {
    let school = json!({"branches": [{"id": 1, "name": "North", "classes": [{"id": 10, "name": "Grade 5", "sections": [
        {"name": "A", "subjects": [{"id": 1, "name": "Math", "teachers": [{"uuid": "t1", "name": "Teacher"}]}],
         "students": [{"uuid": "s1", "name": "Sara"}, {"uuid": "s2", "name": "Omar"}]},
        {"name": "B", "subjects": [], "students": [{"uuid": "s3", "name": "Lina"}]}]}]}]});
    assert_eq!(mirror(tenant, &school).await["status"], "succeeded");
    let (status, classrooms) = send(tenant.get("/classrooms")).await;
    assert_eq!(status, 200, "{classrooms}");
    classrooms["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["id"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn id_of(sections: &[(String, i64)], name: &str) -> i64 {
    sections.iter().find(|(n, _)| n == name).unwrap().1
}

async fn create(tenant: &TestTenant, body: Value) -> Value {
    let (status, user) = send(tenant.post_json("/users", &body)).await;
    assert_eq!(status, 201, "{body} → {user}");
    user
}

async fn users_are_created_with_roles_groups_and_classrooms(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let sections = mirrored_sections(&alpha).await;
    let (_, group) = send(alpha.post_json("/groups", &json!({"name": "Robotics"}))).await;
    let user = create(&alpha, json!({
        "name": "Huda Nasser", "username": "huda.n", "email": "Huda@Example.org", "password": "correct horse",
        "role": [2, "supervisor"], "groups": [group["id"]], "student_of": [id_of(&sections, "B")], "teacher_of": [id_of(&sections, "A")],
    })).await;
    assert_eq!(user["name"], "Huda Nasser");
    assert_eq!(
        user["email"], "huda@example.org",
        "e-mails are kept lower-case"
    );
    assert_eq!(user["uuid"], Value::Null);
    assert_eq!(user["active"], true);
    assert!(user.get("password").is_none() && !user.to_string().contains("correct horse"));
    assert_eq!(
        user["roles"],
        json!([{"id": 2, "name": "teacher"}, {"id": 3, "name": "student"}, {"id": 4, "name": "supervisor"}])
    );
    let id = user["id"].as_i64().unwrap();

    let (status, plain) = send(alpha.get(&format!("/users/{id}"))).await;
    assert_eq!(status, 200);
    assert!(
        plain.get("roles").is_none(),
        "GET /users/{{id}} embeds nothing"
    );
    let (_, with_groups) = send(alpha.get(&format!("/users/{id}/groups"))).await;
    assert_eq!(
        with_groups["groups"],
        json!([{"id": group["id"], "name": "Robotics"}])
    );
    let (_, with_classrooms) = send(alpha.get(&format!("/users/{id}/classrooms"))).await;
    let rooms = with_classrooms["classrooms"].as_array().unwrap();
    assert_eq!(rooms.len(), 2, "{with_classrooms}");
    assert!(rooms.iter().any(|c| c["section"] == "A"
        && c["role"] == "teacher"
        && c["class"] == "Grade 5"
        && c["branch"] == "North"
        && c["branch_id"] == 1));
    assert!(rooms
        .iter()
        .any(|c| c["section"] == "B" && c["role"] == "student"));
    let (_, with_roles) = send(alpha.get(&format!("/users/{id}/roles"))).await;
    assert_eq!(with_roles["roles"].as_array().unwrap().len(), 3);
    assert_eq!(
        send(alpha.get(&format!("/users/{id}/friends"))).await.0,
        404
    );
    let stored_hash: Option<String> = app.password_hash_of(id).await;
    assert!(
        stored_hash.unwrap().starts_with("$argon2id$"),
        "passwords are stored as Argon2id hashes"
    );
}

async fn user_fields_are_validated_with_their_paths(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (alpha, beta) = app.two_tenants().await;
    let (_, foreign_group) = send(beta.post_json("/groups", &json!({"name": "Theirs"}))).await;
    let good = json!({"name": "Sara", "username": "sara", "email": "sara@example.org"});
    create(&alpha, good.clone()).await;
    let with = |changes: Value| {
        let mut body = good.clone();
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
            with(json!({"name": null, "username": "x1", "email": "x1@example.org"})),
            "name",
            "The name field is required.",
        ),
        (
            with(json!({"username": null})),
            "username",
            "The username field is required.",
        ),
        (
            with(json!({"email": null, "username": "x2"})),
            "email",
            "The email field is required.",
        ),
        (
            with(json!({"username": "x3", "email": "not-an-email"})),
            "email",
            "The email must be a valid email address.",
        ),
        (
            with(json!({"username": "x4", "email": "a@b"})),
            "email",
            "The email must be a valid email address.",
        ),
        (
            with(json!({"username": "x5", "email": "x5@example.org", "password": "short"})),
            "password",
            "The password must be at least 8 characters.",
        ),
        (
            with(json!({"username": "SARA", "email": "x6@example.org"})),
            "username",
            "The username has already been taken.",
        ),
        (
            with(json!({"username": "x7", "email": "SARA@example.org"})),
            "email",
            "The email has already been taken.",
        ),
        (
            with(json!({"username": "two words", "email": "x8@example.org"})),
            "username",
            "The username must not contain spaces.",
        ),
        (
            with(json!({"username": "x9", "email": "x9@example.org", "name": true})),
            "name",
            "The name must be a string.",
        ),
    ];
    for (body, path, message) in cases {
        let (status, answer) = send(alpha.post_json("/users", &body)).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(
            answer["errors"][path],
            json!([message]),
            "{body} → {answer}"
        );
    }
    let (status, answer) = send(alpha.post_json("/users", &with(json!({"username": "y", "email": "y@example.org",
        "role": [1, 9, "wizard"], "groups": [foreign_group["id"], "x"], "student_of": [999999], "teacher_of": {"a": 1}})))).await;
    assert_eq!(status, 422);
    let errors = answer["errors"].as_object().unwrap();
    for path in [
        "role.1",
        "role.2",
        "groups.0",
        "groups.1",
        "student_of.0",
        "teacher_of",
    ] {
        assert!(errors.contains_key(path), "{path}: {answer}");
    }
    assert!(!errors.contains_key("role.0"));
    let (_, list) = send(alpha.get("/users")).await;
    assert_eq!(list["meta"]["total"], 1, "nothing invalid was stored");
}

async fn user_forms_equal_their_json_twins(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let sections = mirrored_sections(&alpha).await;
    let a = id_of(&sections, "A").to_string();
    let (status, from_form) = send(alpha.request(Method::POST, "/users").form(&[
        ("name", "Form User"),
        ("username", "form.user"),
        ("email", "form@example.org"),
        ("role[]", "2"),
        ("role[]", "student"),
        ("student_of[0]", a.as_str()),
    ]))
    .await;
    assert_eq!(status, 201, "{from_form}");
    let multipart = reqwest::multipart::Form::new()
        .text("name", "Multi User")
        .text("username", "multi.user")
        .text("email", "multi@example.org")
        .text("role[]", "2")
        .text("role[]", "student")
        .text("student_of[0]", a.clone());
    let (status, from_multipart) =
        send(alpha.request(Method::POST, "/users").multipart(multipart)).await;
    assert_eq!(status, 201, "{from_multipart}");
    let from_json = create(
        &alpha,
        json!({"name": "Json User", "username": "json.user", "email": "json@example.org",
        "role": [2, "student"], "student_of": [a.parse::<i64>().unwrap()]}),
    )
    .await;
    for user in [&from_form, &from_multipart] {
        assert_eq!(user["roles"], from_json["roles"]);
        let (_, rooms) = send(alpha.get(&format!("/users/{}/classrooms", user["id"]))).await;
        let (_, twin) = send(alpha.get(&format!("/users/{}/classrooms", from_json["id"]))).await;
        assert_eq!(rooms["classrooms"], twin["classrooms"]);
    }
    let (status, answer) = send(alpha.request(Method::POST, "/users").form(&[
        ("name", "X"),
        ("username", "x"),
        ("email", "x@example.org"),
        ("student_of[0]", "abc"),
    ]))
    .await;
    assert_eq!(status, 422);
    assert!(answer["errors"]["student_of.0"].is_array(), "{answer}");
}

async fn updates_replace_relations_by_put_patch_and_form_post(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let sections = mirrored_sections(&alpha).await;
    let (_, g1) = send(alpha.post_json("/groups", &json!({"name": "One"}))).await;
    let (_, g2) = send(alpha.post_json("/groups", &json!({"name": "Two"}))).await;
    let user = create(&alpha, json!({"name": "Sam", "username": "sam", "email": "sam@example.org", "role": [3], "groups": [g1["id"]],
        "student_of": [id_of(&sections, "A")]})).await;
    let id = user["id"].as_i64().unwrap();
    let path = format!("/users/{id}");

    let (status, updated) = send(
        alpha
            .request(Method::PUT, &path)
            .json(&json!({"name": "Samuel", "role": "teacher", "groups": [g2["id"]]})),
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["name"], "Samuel");
    assert_eq!(
        updated["username"], "sam",
        "fields left out keep their value"
    );
    let (_, groups) = send(alpha.get(&format!("{path}/groups"))).await;
    assert_eq!(
        groups["groups"],
        json!([{"id": g2["id"], "name": "Two"}]),
        "relations given replace the old ones"
    );

    let (status, patched) = send(
        alpha
            .request(Method::PATCH, &path)
            .json(&json!({"student_of": [id_of(&sections, "B")], "groups": []})),
    )
    .await;
    assert_eq!(status, 200, "{patched}");
    let (_, rooms) = send(alpha.get(&format!("{path}/classrooms"))).await;
    assert_eq!(
        rooms["classrooms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["section"].clone())
            .collect::<Vec<_>>(),
        [json!("B")]
    );
    assert_eq!(
        send(alpha.get(&format!("{path}/groups"))).await.1["groups"],
        json!([])
    );

    let (status, posted) = send(
        alpha
            .request(Method::POST, &path)
            .form(&[("email", "samuel@example.org")]),
    )
    .await;
    assert_eq!(
        (status, posted["email"].as_str()),
        (200, Some("samuel@example.org")),
        "a form POST updates"
    );
    let (status, posted) = send(
        alpha
            .request(Method::POST, &path)
            .form(&[("_method", "PUT"), ("username", "samuel")]),
    )
    .await;
    assert_eq!((status, posted["username"].as_str()), (200, Some("samuel")));
    let multipart = reqwest::multipart::Form::new()
        .text("_method", "PATCH")
        .text("name", "Sam M.");
    let (status, posted) = send(alpha.request(Method::POST, &path).multipart(multipart)).await;
    assert_eq!((status, posted["name"].as_str()), (200, Some("Sam M.")));
    let (status, invalid) = send(
        alpha
            .request(Method::PUT, &path)
            .json(&json!({"email": "bad", "password": "1234"})),
    )
    .await;
    assert_eq!(status, 422);
    assert!(invalid["errors"]["email"].is_array() && invalid["errors"]["password"].is_array());
    assert_eq!(
        send(
            alpha
                .request(Method::PUT, "/users/999999")
                .json(&json!({"name": "X"}))
        )
        .await
        .0,
        404
    );
    let (status, deleted) = send(
        alpha
            .request(Method::POST, &path)
            .form(&[("_method", "DELETE")]),
    )
    .await;
    assert_eq!(
        (status, deleted),
        (200, json!({"message": "User deleted."})),
        "_method=DELETE deletes"
    );
    assert_eq!(send(alpha.get(&path)).await.0, 404);
}

async fn deleting_a_user_removes_their_memberships(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let sections = mirrored_sections(&alpha).await;
    let b = id_of(&sections, "B");
    let user = create(
        &alpha,
        json!({"name": "Temp", "username": "temp", "email": "temp@example.org", "student_of": [b]}),
    )
    .await;
    assert_eq!(
        send(alpha.get(&format!("/classrooms/{b}"))).await.1["students"],
        2
    );
    let (status, _) = send(alpha.request(Method::DELETE, &format!("/users/{}", user["id"]))).await;
    assert_eq!(status, 200);
    assert_eq!(
        send(alpha.get(&format!("/classrooms/{b}"))).await.1["students"],
        1
    );
    assert_eq!(
        send(alpha.request(Method::DELETE, &format!("/users/{}", user["id"])))
            .await
            .0,
        404
    );
}

async fn transfers_upsert_by_the_partners_id_all_or_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let data = json!({"data": [{"name": "Ali", "username": "ali", "id": 1043}, {"name": "Mona", "username": "mona", "id": "A-7", "role": "teacher"}]});
    let (status, first) = send(alpha.post_json("/students/transfer", &data)).await;
    assert_eq!(status, 200, "{first}");
    let statuses: Vec<_> = first["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].clone())
        .collect();
    assert_eq!(statuses, [json!("created"), json!("created")]);
    assert_eq!(first["data"][0]["lms_id"], "1043");
    assert_eq!(first["data"][1]["lms_id"], "A-7");
    let (_, again) = send(alpha.post_json("/students/transfer", &data)).await;
    assert!(
        again["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "unchanged"),
        "{again}"
    );
    assert_eq!(
        again["data"][0]["id"], first["data"][0]["id"],
        "the same users"
    );
    let (_, changed) = send(alpha.post_json(
        "/students/transfer",
        &json!({"data": [{"name": "Ali Omar", "username": "ali", "id": 1043}]}),
    ))
    .await;
    assert_eq!(changed["data"][0]["status"], "updated");
    let (_, roles) = send(alpha.get(&format!("/users/{}/roles", first["data"][1]["id"]))).await;
    assert_eq!(roles["roles"], json!([{"id": 2, "name": "teacher"}]));
    let (_, roles) = send(alpha.get(&format!("/users/{}/roles", first["data"][0]["id"]))).await;
    assert_eq!(
        roles["roles"],
        json!([{"id": 3, "name": "student"}]),
        "a transferred user without a role is a student"
    );

    let (_, lms) = send(alpha.get("/lms-user/all")).await;
    assert_eq!(lms["meta"]["total"], 2);
    assert_eq!(
        lms["data"][0],
        json!({"id": first["data"][0]["id"], "lms_id": "1043", "name": "Ali Omar", "username": "ali"})
    );

    create(
        &alpha,
        json!({"name": "Other", "username": "taken", "email": "other@example.org"}),
    )
    .await;
    let invalid = json!({"data": [
        {"name": "New One", "username": "new1", "id": 5},
        {"name": "", "username": "x", "id": 6},
        {"name": "Dup", "username": "dup", "id": 5},
        {"name": "Clash", "username": "TAKEN", "id": 7},
        {"name": "Bad role", "username": "br", "id": 8, "role": "wizard"},
        {"name": "No id", "username": "noid"},
        "not an object"]});
    let (status, answer) = send(alpha.post_json("/students/transfer", &invalid)).await;
    assert_eq!(status, 422, "{answer}");
    let errors = answer["errors"].as_object().unwrap();
    for path in [
        "data.1.name",
        "data.2.id",
        "data.4.role",
        "data.5.id",
        "data.6",
    ] {
        assert!(errors.contains_key(path), "{path}: {answer}");
    }
    let (status, answer) = send(alpha.post_json(
        "/students/transfer",
        &json!({"data": [{"name": "Clash", "username": "TAKEN", "id": 7}]}),
    ))
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        answer["errors"]["data.0.username"],
        json!(["The data.0.username has already been taken."])
    );
    assert_eq!(
        send(alpha.get("/lms-user/all")).await.1["meta"]["total"],
        2,
        "nothing of an invalid transfer was written"
    );
    for bad in [
        json!({}),
        json!({"data": []}),
        json!({"data": {"name": "x"}}),
    ] {
        assert_eq!(
            send(alpha.post_json("/students/transfer", &bad)).await.0,
            422,
            "{bad}"
        );
    }
    let form = [
        ("data[0][name]", "Form Ali"),
        ("data[0][username]", "formali"),
        ("data[0][id]", "9001"),
        ("data[0][role]", "student"),
    ];
    let (status, answer) = send(
        alpha
            .request(Method::POST, "/students/transfer")
            .form(&form),
    )
    .await;
    assert_eq!(
        (status, answer["data"][0]["status"].as_str()),
        (200, Some("created")),
        "{answer}"
    );
}

async fn user_lists_page_and_embed_without_mixing_routes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    for index in 0..5 {
        create(&alpha, json!({"name": format!("User {index}"), "username": format!("u{index}"), "email": format!("u{index}@example.org"), "role": [3]})).await;
    }
    let (_, page) = send(alpha.get("/users?per_page=2&page=2")).await;
    assert_eq!(page["meta"], json!({"page": 2, "per_page": 2, "total": 5}));
    assert_eq!(page["data"][0]["username"], "u2", "ordered by id");
    assert_eq!(
        page["links"],
        json!({"next": "/users?page=3&per_page=2", "prev": "/users?page=1&per_page=2"})
    );
    for (path, key) in [
        ("/users/roles", "roles"),
        ("/users/groups", "groups"),
        ("/users/classrooms", "classrooms"),
    ] {
        let (status, list) = send(alpha.get(path)).await;
        assert_eq!(status, 200, "{path} is a list, not a user id: {list}");
        assert_eq!(list["meta"]["total"], 5);
        assert!(
            list["data"]
                .as_array()
                .unwrap()
                .iter()
                .all(|u| u[key].is_array()),
            "{path}"
        );
    }
    assert_eq!(
        send(alpha.get("/users/roles")).await.1["data"][0]["roles"],
        json!([{"id": 3, "name": "student"}])
    );
    assert_eq!(send(alpha.get("/users?per_page=1001")).await.0, 422);
}

async fn hand_made_memberships_live_beside_mirrored_ones(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let sections = mirrored_sections(&alpha).await;
    let a = id_of(&sections, "A");
    let user = create(&alpha, json!({"name": "Guest", "username": "guest", "email": "guest@example.org", "student_of": [a]})).await;
    // The next mirror of the branch does not name the guest: a hand-made membership stays.
    let again = mirrored_sections(&alpha).await;
    assert_eq!(id_of(&again, "A"), a);
    assert_eq!(
        send(alpha.get(&format!("/classrooms/{a}"))).await.1["students"],
        3
    );
    let (_, rooms) = send(alpha.get(&format!("/users/{}/classrooms", user["id"]))).await;
    assert_eq!(rooms["classrooms"][0]["id"], a);
    // A mirror that drops section A removes it, and every membership in it goes with it.
    let without_a = json!({"branches": [{"id": 1, "name": "North", "classes": [{"id": 10, "name": "Grade 5", "sections": [
        {"name": "B", "subjects": [], "students": [{"uuid": "s3", "name": "Lina"}]}]}]}], "force": true});
    assert_eq!(mirror(&alpha, &without_a).await["status"], "succeeded");
    let (_, rooms) = send(alpha.get(&format!("/users/{}/classrooms", user["id"]))).await;
    assert_eq!(rooms["classrooms"], json!([]));
}

async fn classrooms_are_sections_and_hand_made_ones_are_editable(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let sections = mirrored_sections(&alpha).await;
    let (status, made) = send(alpha.post_json("/classrooms", &json!({"name": "Chess club"}))).await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(
        (made["managed_by"].as_str(), made["branch_id"].clone()),
        (Some("api"), Value::Null)
    );
    let id = made["id"].as_i64().unwrap();
    assert_eq!(
        send(alpha.post_json("/classrooms", &json!({"name": "chess CLUB"})))
            .await
            .0,
        422,
        "names are unique ignoring case"
    );
    let (status, renamed) = send(
        alpha
            .request(Method::PUT, &format!("/classrooms/{id}"))
            .json(&json!({"name": "Chess"})),
    )
    .await;
    assert_eq!((status, renamed["name"].as_str()), (200, Some("Chess")));
    let mirrored = id_of(&sections, "A");
    let (status, refused) = send(
        alpha
            .request(Method::PUT, &format!("/classrooms/{mirrored}"))
            .json(&json!({"name": "Z"})),
    )
    .await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(
        send(alpha.request(Method::DELETE, &format!("/classrooms/{mirrored}")))
            .await
            .0,
        409
    );
    let (_, list) = send(alpha.get("/classrooms")).await;
    assert_eq!(list["meta"]["total"], 3);
    assert_eq!(
        send(alpha.request(Method::DELETE, &format!("/classrooms/{id}")))
            .await
            .0,
        200
    );
    assert_eq!(send(alpha.get(&format!("/classrooms/{id}"))).await.0, 404);
}

async fn no_tenant_reads_or_changes_another_tenants_users(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (alpha, beta) = app.two_tenants().await;
    let sections = mirrored_sections(&alpha).await;
    let user = create(
        &alpha,
        json!({"name": "Private", "username": "private", "email": "private@example.org"}),
    )
    .await;
    let id = user["id"].as_i64().unwrap();
    for path in [
        format!("/users/{id}"),
        format!("/users/{id}/roles"),
        format!("/users/{id}/groups"),
        format!("/users/{id}/classrooms"),
    ] {
        assert_eq!(send(beta.get(&path)).await.0, 404, "{path}");
    }
    assert_eq!(
        send(
            beta.request(Method::PUT, &format!("/users/{id}"))
                .json(&json!({"name": "Hijacked"}))
        )
        .await
        .0,
        404
    );
    assert_eq!(
        send(beta.request(Method::DELETE, &format!("/users/{id}")))
            .await
            .0,
        404
    );
    assert_eq!(send(beta.get("/users")).await.1["meta"]["total"], 0);
    assert_eq!(send(beta.get("/classrooms")).await.1["meta"]["total"], 0);
    assert_eq!(
        send(beta.get(&format!("/classrooms/{}", id_of(&sections, "A"))))
            .await
            .0,
        404
    );
    let (status, answer) = send(beta.post_json(
        "/users",
        &json!({"name": "B", "username": "private", "email": "private@example.org",
        "student_of": [id_of(&sections, "A")]}),
    ))
    .await;
    assert_eq!(
        status, 422,
        "another tenant's classroom is not a classroom here"
    );
    assert!(
        answer["errors"]["student_of.0"].is_array() && answer["errors"].get("username").is_none(),
        "usernames are per tenant: {answer}"
    );
    assert_eq!(
        send(alpha.get(&format!("/users/{id}"))).await.1["name"],
        "Private"
    );
}
