//! The server answers what `/openapi.json` says: real calls to each operation of the users, mirror, SSO and
//! operations endpoints, each answer (successes and the ways partners go wrong) validated against the schema the
//! document gives for its status (see `conformance.rs`).

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    both_databases,
    conformance::{check_answer, document},
    harness::{Backend, TestApp, TestTenant},
    mirror::{mirror, wait_for_job},
};

both_databases!(
    users_answer_as_documented,
    bad_user_requests_answer_as_documented,
    mirrors_and_jobs_answer_as_documented,
    sign_in_links_answer_as_documented,
    the_rest_answers_as_documented,
    request_schemas_accept_what_validation_accepts,
);

/// A mirrored branch with two sections (students s1, s2; teacher t1); returns the first classroom's id.
async fn mirrored_classroom(tenant: &TestTenant) -> i64 {
    let school = json!({"branches": [{"id": 1, "name": "North", "classes": [{"id": 10, "name": "Grade 5", "sections": [
        {"name": "A", "subjects": [{"id": 1, "name": "Math", "teachers": [{"uuid": "t1", "name": "Teacher"}]}],
         "students": [{"uuid": "s1", "name": "Sara"}, {"uuid": "s2", "name": "Omar"}]},
        {"name": "B", "subjects": [], "students": []}]}]}]});
    assert_eq!(mirror(tenant, &school).await["status"], "succeeded");
    let (_, classrooms) = crate::harness::send(tenant.get("/classrooms")).await;
    classrooms["data"][0]["id"].as_i64().unwrap()
}

fn form_part(fields: &[(&str, &str)]) -> reqwest::multipart::Form {
    fields
        .iter()
        .fold(reqwest::multipart::Form::new(), |form, (key, value)| {
            form.text(key.to_string(), value.to_string())
        })
}

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

/// A branch whose one section has the students named.
fn branch_with(students: &[&str]) -> Value {
    let students: Vec<Value> = students
        .iter()
        .map(|uuid| json!({"uuid": uuid, "name": format!("Student {uuid}")}))
        .collect();
    json!({"branches": [{"id": 7, "name": "East", "classes": [{"id": 1, "name": "Grade 1", "sections": [
        {"name": "A", "subjects": [{"id": 3, "name": "Science", "teachers": [{"uuid": "t7", "name": "Teacher"}]}], "students": students}]}]}]})
}

async fn mirrors_and_jobs_answer_as_documented(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc = document(&app.client, &app.address).await;
    let alpha = app.tenant("alpha").await;
    let expect = |answer: (u16, Value), status: u16| {
        assert_eq!(answer.0, status, "{}", answer.1);
        answer.1
    };
    let branches = "/api/v2/mirror-data/branches";
    let simple = "/api/v2/mirror-data/simple";
    let job = "/api/v2/mirror-data/jobs/{job_id}";

    // Accepted by JSON and by form; the job read while it runs and once it is done.
    let accepted = expect(
        check_answer(
            &doc,
            "POST",
            branches,
            alpha.post_json(branches, &branch_with(&["a", "b", "c", "d", "e"])),
        )
        .await,
        202,
    );
    let job_id = accepted["job_id"].as_str().unwrap().to_owned();
    expect(
        check_answer(
            &doc,
            "GET",
            job,
            alpha.get(&format!("/api/v2/mirror-data/jobs/{job_id}")),
        )
        .await,
        200,
    );
    assert_eq!(wait_for_job(&alpha, &job_id).await["status"], "succeeded");
    let done = expect(
        check_answer(
            &doc,
            "GET",
            job,
            alpha.get(&format!("/api/v2/mirror-data/jobs/{job_id}")),
        )
        .await,
        200,
    );
    assert_eq!(done["counts"]["users"]["created"], 6, "{done}");
    let form = alpha.request(Method::POST, branches).form(&[
        ("branches[0][id]", "8"),
        ("branches[0][name]", "West"),
        ("branches[0][classes][0][id]", "1"),
        ("branches[0][classes][0][name]", "G1"),
        ("branches[0][classes][0][sections][0][name]", "A"),
        ("branches[0][classes][0][sections][0][subjects]", ""),
        (
            "branches[0][classes][0][sections][0][students][0][uuid]",
            "w1",
        ),
        (
            "branches[0][classes][0][sections][0][students][0][name]",
            "West One",
        ),
    ]);
    let accepted = expect(check_answer(&doc, "POST", branches, form).await, 202);
    assert_eq!(
        wait_for_job(&alpha, accepted["job_id"].as_str().unwrap()).await["status"],
        "succeeded"
    );
    // A mirror that would remove most of a section stops with needs_force and says why.
    let accepted = expect(
        check_answer(
            &doc,
            "POST",
            branches,
            alpha.post_json(branches, &branch_with(&["a"])),
        )
        .await,
        202,
    );
    let job_id = accepted["job_id"].as_str().unwrap().to_owned();
    assert_eq!(wait_for_job(&alpha, &job_id).await["status"], "needs_force");
    let stopped = expect(
        check_answer(
            &doc,
            "GET",
            job,
            alpha.get(&format!("/api/v2/mirror-data/jobs/{job_id}")),
        )
        .await,
        200,
    );
    assert_eq!(stopped["errors"][0]["would_remove"], 4, "{stopped}");
    // The simple mirror, a list and one classroom object, by JSON and by multipart form.
    let classroom =
        json!({"name": "Room 1", "students": [{"uuid": "r1", "name": "Rana"}], "teachers": []});
    expect(
        check_answer(
            &doc,
            "POST",
            simple,
            alpha.post_json(simple, &json!({"classrooms": [classroom]})),
        )
        .await,
        202,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            simple,
            alpha.post_json(simple, &json!({"classrooms": classroom, "force": true})),
        )
        .await,
        202,
    );
    let multipart = form_part(&[
        ("classrooms[0][name]", "Room 2"),
        ("classrooms[0][students][0][uuid]", "r2"),
        ("classrooms[0][students][0][name]", "Rami"),
        ("classrooms[0][teachers]", ""),
    ]);
    let accepted = expect(
        check_answer(
            &doc,
            "POST",
            simple,
            alpha.request(Method::POST, simple).multipart(multipart),
        )
        .await,
        202,
    );
    wait_for_job(&alpha, accepted["job_id"].as_str().unwrap()).await;
    // The same Idempotency-Key: the first answer again; with another body, 409.
    let keyed = |body: &Value| {
        alpha
            .post_json(simple, body)
            .header("Idempotency-Key", "k-1")
    };
    let first = expect(
        check_answer(
            &doc,
            "POST",
            simple,
            keyed(&json!({"classrooms": {"name": "K", "students": [], "teachers": []}})),
        )
        .await,
        202,
    );
    let again = expect(
        check_answer(
            &doc,
            "POST",
            simple,
            keyed(&json!({"classrooms": {"name": "K", "students": [], "teachers": []}})),
        )
        .await,
        202,
    );
    assert_eq!(first, again);
    expect(
        check_answer(
            &doc,
            "POST",
            simple,
            keyed(&json!({"classrooms": {"name": "L", "students": [], "teachers": []}})),
        )
        .await,
        409,
    );

    // The jobs list, filtered and paged.
    let list = "/api/v2/mirror-data/jobs";
    let page = expect(
        check_answer(&doc, "GET", list, alpha.get(&format!("{list}?per_page=2"))).await,
        200,
    );
    assert!(page["meta"]["total"].as_i64().unwrap() >= 5, "{page}");
    expect(
        check_answer(
            &doc,
            "GET",
            list,
            alpha.get(&format!("{list}?status=needs_force")),
        )
        .await,
        200,
    );
    expect(
        check_answer(&doc, "GET", list, alpha.get(&format!("{list}?status=lost"))).await,
        422,
    );
    expect(
        check_answer(&doc, "GET", list, alpha.get(&format!("{list}?per_page=0"))).await,
        422,
    );
    expect(
        check_answer(
            &doc,
            "GET",
            job,
            alpha.get("/api/v2/mirror-data/jobs/01NOSUCHJOB"),
        )
        .await,
        404,
    );

    // Ways a mirror goes wrong.
    let raw = |path: &str, body: &str, content_type: &str| {
        alpha
            .request(Method::POST, path)
            .header("content-type", content_type)
            .body(body.to_owned())
    };
    expect(
        check_answer(
            &doc,
            "POST",
            branches,
            raw(branches, "{\"branches\": [", "application/json"),
        )
        .await,
        400,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            branches,
            raw(branches, "[]", "application/json"),
        )
        .await,
        400,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            branches,
            raw(
                branches,
                "branches=1&branches[0]=2",
                "application/x-www-form-urlencoded",
            ),
        )
        .await,
        422,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            branches,
            raw(branches, "<branches/>", "text/xml"),
        )
        .await,
        415,
    );
    let invalid = expect(check_answer(&doc, "POST", branches, alpha.post_json(branches,
        &json!({"branches": [{"id": "x", "name": "", "classes": [{"id": 1, "sections": [{"name": "A", "subjects": [], "students": [{"uuid": "a b"}]}]}]}]}))).await, 422);
    for path in [
        "branches.0.id",
        "branches.0.name",
        "branches.0.classes.0.name",
        "branches.0.classes.0.sections.0.students.0.uuid",
    ] {
        assert!(invalid["errors"][path].is_array(), "{path}: {invalid}");
    }
    expect(
        check_answer(
            &doc,
            "POST",
            branches,
            alpha.post_json(&format!("{branches}?force=maybe"), &branch_with(&["a"])),
        )
        .await,
        422,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            simple,
            alpha.post_json(simple, &json!({"classrooms": []})),
        )
        .await,
        422,
    );

    // Renaming and deleting a mirrored person.
    let person = "/api/v2/mirror-data/users/{uuid}";
    let renamed = expect(
        check_answer(
            &doc,
            "PUT",
            person,
            alpha
                .request(Method::PUT, "/api/v2/mirror-data/users/a")
                .json(&json!({"name": "Alia"})),
        )
        .await,
        200,
    );
    assert_eq!(
        renamed,
        json!({"uuid": "a", "name": "Alia", "active": true})
    );
    expect(
        check_answer(
            &doc,
            "PUT",
            person,
            alpha
                .request(Method::PUT, "/api/v2/mirror-data/users/a")
                .form(&[("name", "")]),
        )
        .await,
        422,
    );
    expect(
        check_answer(
            &doc,
            "PUT",
            person,
            alpha
                .request(Method::PUT, "/api/v2/mirror-data/users/nobody")
                .json(&json!({"name": "X"})),
        )
        .await,
        404,
    );
    expect(
        check_answer(
            &doc,
            "DELETE",
            person,
            alpha.request(Method::DELETE, "/api/v2/mirror-data/users/a"),
        )
        .await,
        200,
    );
    expect(
        check_answer(
            &doc,
            "DELETE",
            person,
            alpha.request(Method::DELETE, "/api/v2/mirror-data/users/a"),
        )
        .await,
        404,
    );
}

async fn sign_in_links_answer_as_documented(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc = document(&app.client, &app.address).await;
    let alpha = app.tenant("alpha").await;
    let expect = |answer: (u16, Value), status: u16| {
        assert_eq!(answer.0, status, "{}", answer.1);
        answer.1
    };
    mirrored_classroom(&alpha).await;
    let (_, user) = crate::harness::send(alpha.post_json(
        "/users",
        &json!({"name": "Huda", "username": "huda", "email": "huda@example.org"}),
    ))
    .await;
    let link = "/api/v2/mirror-data/sso-token";
    let legacy = "/sso-token";

    expect(
        check_answer(
            &doc,
            "POST",
            link,
            alpha.post_json(link, &json!({"uuid": "s1"})),
        )
        .await,
        200,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            link,
            alpha.request(Method::POST, link).form(&[
                ("uuid", "s1"),
                ("type", "website"),
                ("lang", "AR"),
            ]),
        )
        .await,
        200,
    );
    let mobile = expect(
        check_answer(
            &doc,
            "POST",
            link,
            alpha
                .request(Method::POST, link)
                .multipart(form_part(&[("uuid", "t1"), ("type", "mobile")])),
        )
        .await,
        200,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            legacy,
            alpha.post_json(legacy, &json!({"user_id": "s2", "lang": "en"})),
        )
        .await,
        200,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            legacy,
            alpha.post_json(legacy, &json!({"jusoor_id": user["id"], "type": "mobile"})),
        )
        .await,
        200,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            legacy,
            alpha
                .request(Method::POST, legacy)
                .form(&[("jusoor_id", user["id"].to_string())]),
        )
        .await,
        200,
    );

    // Ways a link request goes wrong.
    expect(
        check_answer(
            &doc,
            "POST",
            link,
            alpha.post_json(link, &json!({"uuid": "nobody"})),
        )
        .await,
        404,
    );
    expect(
        check_answer(&doc, "POST", link, alpha.post_json(link, &json!({}))).await,
        422,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            link,
            alpha.post_json(link, &json!({"uuid": ["s1"], "type": "fax", "lang": "fr"})),
        )
        .await,
        422,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            link,
            alpha
                .request(Method::POST, link)
                .header("content-type", "application/json")
                .body("{"),
        )
        .await,
        400,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            link,
            alpha
                .request(Method::POST, link)
                .header("content-type", "text/plain")
                .body("s1"),
        )
        .await,
        415,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            legacy,
            alpha.post_json(legacy, &json!({"user_id": "s1", "jusoor_id": 1})),
        )
        .await,
        422,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            legacy,
            alpha.post_json(legacy, &json!({"type": "mobile"})),
        )
        .await,
        422,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            legacy,
            alpha.post_json(legacy, &json!({"jusoor_id": 999999})),
        )
        .await,
        404,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            legacy,
            alpha.post_json(legacy, &json!({"jusoor_id": "abc"})),
        )
        .await,
        422,
    );

    // The app's exchange: once, then gone; unknown tokens and bad bodies.
    let exchange = "/api/v2/sso/exchange";
    let token = mobile["url"]
        .as_str()
        .unwrap()
        .split("token=")
        .nth(1)
        .unwrap()
        .to_owned();
    let session = expect(
        check_answer(
            &doc,
            "POST",
            exchange,
            app.anonymous(Method::POST, exchange)
                .json(&json!({"token": token})),
        )
        .await,
        200,
    );
    assert_eq!(session["token_type"], "Bearer");
    expect(
        check_answer(
            &doc,
            "POST",
            exchange,
            app.anonymous(Method::POST, exchange)
                .form(&[("token", token.as_str())]),
        )
        .await,
        410,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            exchange,
            app.anonymous(Method::POST, exchange)
                .json(&json!({"token": "unknown"})),
        )
        .await,
        404,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            exchange,
            app.anonymous(Method::POST, exchange)
                .json(&json!({"token": 12.5e300})),
        )
        .await,
        404,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            exchange,
            app.anonymous(Method::POST, exchange).json(&json!({})),
        )
        .await,
        422,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            exchange,
            app.anonymous(Method::POST, exchange)
                .json(&json!({"token": true})),
        )
        .await,
        422,
    );
    expect(
        check_answer(
            &doc,
            "POST",
            exchange,
            app.anonymous(Method::POST, exchange)
                .header("content-type", "application/json")
                .body("nope"),
        )
        .await,
        400,
    );
}

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
