//! Mirror data end to end: accepted over HTTP, applied by the job worker, read back through job status and the
//! branch tree, on both databases.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    both_databases,
    harness::{send, Backend, TestApp, TestTenant},
};

both_databases!(
    a_mirror_creates_the_school_from_nothing,
    renames_moves_and_removals_follow_the_payload,
    removing_too_many_memberships_needs_force,
    people_are_deactivated_and_reactivated,
    one_person_in_two_branches_keeps_one_account,
    mirrors_apply_in_the_order_they_were_accepted,
    the_same_idempotency_key_queues_once,
    an_unchanged_mirror_changes_nothing,
    an_unchanged_payload_still_undoes_changes_made_elsewhere,
    mirrored_people_are_renamed_and_deleted_by_uuid,
    the_simple_mirror_manages_only_the_classrooms_it_names,
    branch_scoped_credentials_mirror_only_their_branch,
    no_tenant_sees_another_tenants_mirror,
    invalid_mirrors_are_refused_with_every_path,
    malformed_and_oversized_mirrors_are_refused,
    form_mirrors_equal_their_json_twins,
);

pub fn person(uuid: &str, name: &str) -> Value {
    json!({"uuid": uuid, "name": name})
}

/// A branch with one class of two sections: A (students s1, s2) and B (s3), math taught by t1 in both.
pub fn school(branch_id: i64) -> Value {
    json!({"id": branch_id, "name": format!("Branch {branch_id}"), "classes": [{
    "id": 10, "name": "Grade 5", "sections": [
        {"name": "A", "subjects": [{"id": 100, "name": "Math", "teachers": [person("t1", "Teacher One")]}],
         "students": [person("s1", "Sara"), person("s2", "Omar")]},
        {"name": "B", "subjects": [{"id": 100, "name": "Math", "teachers": [person("t1", "Teacher One")]}],
         "students": [person("s3", "Lina")]}
    ]}]})
}

/// Posts a mirror and waits for its job to end; returns the job.
pub async fn mirror(tenant: &TestTenant, body: &Value) -> Value {
    let (status, accepted) = send(tenant.post_json("/api/v2/mirror-data/branches", body)).await;
    assert_eq!(status, 202, "{accepted}");
    wait_for_job(tenant, accepted["job_id"].as_str().unwrap()).await
}

pub async fn wait_for_job(tenant: &TestTenant, job_id: &str) -> Value {
    for _ in 0..2400 {
        let (status, job) = send(tenant.get(&format!("/api/v2/mirror-data/jobs/{job_id}"))).await;
        assert_eq!(status, 200, "{job}");
        if !matches!(job["status"].as_str(), Some("queued" | "running")) {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("job {job_id} did not finish in 120 s");
}

async fn tree(tenant: &TestTenant) -> Value {
    let (status, tree) = send(tenant.get("/api/v2/branches")).await;
    assert_eq!(status, 200, "{tree}");
    tree
}

/// `(section name, students)` of the first class of the first branch in the tree.
fn sections(tree: &Value, branch_index: usize) -> Vec<(String, i64)> {
    tree["data"][branch_index]["classes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|class| class["sections"].as_array().unwrap().iter())
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_owned(),
                s["students"].as_i64().unwrap(),
            )
        })
        .collect()
}

async fn a_mirror_creates_the_school_from_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let (status, accepted) = send(alpha.post_json(
        "/api/v2/mirror-data/branches",
        &json!({"branches": [school(1)]}),
    ))
    .await;
    assert_eq!(status, 202);
    assert_eq!(accepted["message"], "Data queued for synchronization.");
    assert_eq!(accepted["status"], "queued");
    let job_id = accepted["job_id"].as_str().unwrap();
    assert_eq!(
        accepted["status_url"],
        format!("/api/v2/mirror-data/jobs/{job_id}")
    );
    let job = wait_for_job(&alpha, job_id).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["kind"], "branches");
    assert_eq!(
        job["progress"],
        json!({"branches_done": 1, "branches_total": 1})
    );
    assert_eq!(
        job["counts"]["branches"],
        json!({"created": 1, "updated": 0, "unchanged": 0, "removed": 0})
    );
    assert_eq!(job["counts"]["classes"]["created"], 1);
    assert_eq!(job["counts"]["sections"]["created"], 2);
    assert_eq!(job["counts"]["subjects"]["created"], 1);
    assert_eq!(job["counts"]["users"]["created"], 4);
    assert_eq!(
        job["counts"]["memberships"],
        json!({"added": 5, "removed": 0})
    );
    assert_eq!(job["errors"], json!([]));
    for key in ["accepted_at", "started_at", "finished_at"] {
        assert!(
            job[key].as_str().is_some_and(|t| t.ends_with('Z')),
            "{key}: {job}"
        );
    }
    let tree = tree(&alpha).await;
    assert_eq!(tree["meta"]["total"], 1);
    assert_eq!(tree["data"][0]["id"], 1);
    assert_eq!(
        tree["data"][0]["counts"],
        json!({"classes": 1, "sections": 2, "student_memberships": 3})
    );
    assert_eq!(
        sections(&tree, 0),
        [("A".to_owned(), 2), ("B".to_owned(), 1)]
    );
    assert_eq!(tree["data"][0]["classes"][0]["sections"][0]["teachers"], 1);
}

async fn renames_moves_and_removals_follow_the_payload(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let mut payload = school(1);
    payload["classes"][0]["sections"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "C", "subjects": [], "students": [person("s4", "Huda")]}));
    payload["classes"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": 11, "name": "Grade 6", "sections": [
        {"name": "A", "subjects": [], "students": [person("s9", "Nour")]}]}));
    for index in 0..20 {
        payload["classes"][0]["sections"][0]["students"]
            .as_array_mut()
            .unwrap()
            .push(person(&format!("x{index}"), "Filler"));
    }
    assert_eq!(
        mirror(&alpha, &json!({"branches": [payload.clone()]})).await["status"],
        "succeeded"
    );

    // Rename the branch and a class, re-case a section (sections are known by name, case aside), move s2 from A
    // to B, drop class 11 (one membership: under the threshold).
    payload["name"] = json!("Renamed branch");
    payload["classes"][0]["name"] = json!("Grade Five");
    payload["classes"][0]["sections"][1]["name"] = json!(" b ");
    let moved = payload["classes"][0]["sections"][0]["students"]
        .as_array_mut()
        .unwrap()
        .remove(1);
    payload["classes"][0]["sections"][1]["students"]
        .as_array_mut()
        .unwrap()
        .push(moved);
    payload["classes"].as_array_mut().unwrap().pop();
    let job = mirror(&alpha, &json!({"branches": [payload.clone()]})).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["counts"]["branches"]["updated"], 1);
    assert_eq!(job["counts"]["classes"]["removed"], 1);
    assert_eq!(job["counts"]["classes"]["updated"], 1);
    assert_eq!(job["counts"]["sections"]["updated"], 1);
    assert_eq!(
        job["counts"]["sections"]["removed"], 1,
        "the section of the removed class"
    );
    assert_eq!(
        job["counts"]["memberships"]["removed"], 2,
        "s2 left A, s9 left with class 11"
    );
    assert_eq!(job["counts"]["memberships"]["added"], 1, "s2 joined B");
    assert_eq!(
        job["counts"]["users"]["deactivated"], 1,
        "s9 is in no section anymore"
    );
    let tree = tree(&alpha).await;
    assert_eq!(tree["data"][0]["name"], "Renamed branch");
    assert_eq!(tree["data"][0]["classes"].as_array().unwrap().len(), 1);
    assert_eq!(
        sections(&tree, 0),
        [
            ("A".to_owned(), 21),
            ("b".to_owned(), 2),
            ("C".to_owned(), 1)
        ]
    );
}

async fn removing_too_many_memberships_needs_force(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    assert_eq!(
        mirror(&alpha, &json!({"branches": [school(1)]})).await["status"],
        "succeeded"
    );
    // Emptying section A removes 2 of 3 student memberships: over 20 %.
    let mut emptied = school(1);
    emptied["classes"][0]["sections"][0]["students"] = json!([]);
    let job = mirror(&alpha, &json!({"branches": [emptied.clone()]})).await;
    assert_eq!(job["status"], "needs_force", "{job}");
    assert_eq!(job["errors"][0]["path"], "branches.0");
    assert_eq!(job["errors"][0]["would_remove"], 2);
    assert!(job["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("force=true"));
    assert_eq!(
        sections(&tree(&alpha).await, 0),
        [("A".to_owned(), 2), ("B".to_owned(), 1)],
        "nothing changed"
    );

    let (status, accepted) = send(alpha.post_json(
        "/api/v2/mirror-data/branches?force=true",
        &json!({"branches": [emptied.clone()]}),
    ))
    .await;
    assert_eq!(status, 202);
    let job = wait_for_job(&alpha, accepted["job_id"].as_str().unwrap()).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["counts"]["memberships"]["removed"], 2);
    assert_eq!(
        sections(&tree(&alpha).await, 0),
        [("A".to_owned(), 0), ("B".to_owned(), 1)]
    );

    // `"force": true` in the body works the same way.
    let job = mirror(&alpha, &json!({"branches": [school(1)]})).await;
    assert_eq!(job["status"], "succeeded");
    let mut emptied_again = school(1);
    emptied_again["classes"][0]["sections"][0]["students"] = json!([]);
    let job = mirror(&alpha, &json!({"branches": [emptied_again], "force": true})).await;
    assert_eq!(job["status"], "succeeded", "{job}");
}

async fn people_are_deactivated_and_reactivated(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    mirror(&alpha, &json!({"branches": [school(1)]})).await;
    let mut without_s3 = school(1);
    without_s3["classes"][0]["sections"][1]["students"] = json!([]);
    let job = mirror(&alpha, &json!({"branches": [without_s3], "force": true})).await;
    assert_eq!(job["counts"]["users"]["deactivated"], 1, "{job}");
    let lina = app.person_active("alpha", "s3").await;
    assert_eq!(lina, Some(false));
    let job = mirror(&alpha, &json!({"branches": [school(1)]})).await;
    assert_eq!(job["counts"]["users"]["reactivated"], 1, "{job}");
    assert_eq!(app.person_active("alpha", "s3").await, Some(true));
}

async fn one_person_in_two_branches_keeps_one_account(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let job = mirror(&alpha, &json!({"branches": [school(1), school(2)]})).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(
        job["counts"]["users"]["created"], 4,
        "s1..s3 and t1 exist once: {job}"
    );
    assert_eq!(job["counts"]["users"]["unchanged"], 4);
    // Leaving branch 2 keeps them active: they still belong to branch 1.
    let mut emptied = school(2);
    emptied["classes"] = json!([]);
    let job = mirror(&alpha, &json!({"branches": [emptied], "force": true})).await;
    assert_eq!(job["counts"]["users"]["deactivated"], 0, "{job}");
    assert_eq!(app.person_active("alpha", "s1").await, Some(true));
}

async fn mirrors_apply_in_the_order_they_were_accepted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let mut ids = Vec::new();
    for name in ["First", "Second", "Third"] {
        let mut payload = school(1);
        payload["name"] = json!(name);
        let (status, accepted) = send(alpha.post_json(
            "/api/v2/mirror-data/branches",
            &json!({"branches": [payload]}),
        ))
        .await;
        assert_eq!(status, 202);
        ids.push(accepted["job_id"].as_str().unwrap().to_owned());
    }
    let mut finished = Vec::new();
    for id in &ids {
        let job = wait_for_job(&alpha, id).await;
        assert_eq!(job["status"], "succeeded");
        finished.push(job["finished_at"].as_str().unwrap().to_owned());
    }
    assert!(
        finished.windows(2).all(|pair| pair[0] <= pair[1]),
        "{finished:?}"
    );
    assert_eq!(
        tree(&alpha).await["data"][0]["name"],
        "Third",
        "the newest payload wins"
    );
    let (_, listed) = send(alpha.get("/api/v2/mirror-data/jobs?per_page=2")).await;
    assert_eq!(listed["meta"]["total"], 3);
    assert_eq!(listed["data"][0]["id"], ids[2].as_str(), "newest first");
    let (_, none) = send(alpha.get("/api/v2/mirror-data/jobs?status=failed")).await;
    assert_eq!(none["meta"]["total"], 0);
    let (status, bad) = send(alpha.get("/api/v2/mirror-data/jobs?status=done")).await;
    assert_eq!((status, bad["errors"]["status"].is_array()), (422, true));
}

async fn the_same_idempotency_key_queues_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let body = json!({"branches": [school(1)]});
    let post = |body: &Value| {
        alpha
            .post_json("/api/v2/mirror-data/branches", body)
            .header("idempotency-key", "sync-2026-11-23")
    };
    let (status, first) = send(post(&body)).await;
    assert_eq!(status, 202);
    let (status, second) = send(post(&body)).await;
    assert_eq!((status, &second), (202, &first), "the first answer again");
    let (_, jobs) = send(alpha.get("/api/v2/mirror-data/jobs")).await;
    assert_eq!(jobs["meta"]["total"], 1, "nothing new queued");
    let (status, conflict) = send(post(&json!({"branches": [school(2)]}))).await;
    assert_eq!(status, 409, "{conflict}");
    let beta = app.tenant("beta").await;
    let (status, other) = send(
        beta.post_json("/api/v2/mirror-data/branches", &body)
            .header("idempotency-key", "sync-2026-11-23"),
    )
    .await;
    assert_eq!(status, 202, "keys are per tenant");
    assert_ne!(other["job_id"], first["job_id"]);
}

async fn an_unchanged_mirror_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    mirror(&alpha, &json!({"branches": [school(1)]})).await;
    let job = mirror(&alpha, &json!({"branches": [school(1)]})).await;
    assert_eq!(job["status"], "succeeded");
    let counts = &job["counts"];
    assert_eq!(
        counts["branches"],
        json!({"created": 0, "updated": 0, "unchanged": 1, "removed": 0})
    );
    assert_eq!(
        counts["sections"],
        json!({"created": 0, "updated": 0, "unchanged": 2, "removed": 0})
    );
    assert_eq!(
        counts["users"],
        json!({"created": 0, "updated": 0, "unchanged": 4, "deactivated": 0, "reactivated": 0})
    );
    assert_eq!(counts["memberships"], json!({"added": 0, "removed": 0}));
}

async fn mirrored_people_are_renamed_and_deleted_by_uuid(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    mirror(&alpha, &json!({"branches": [school(1)]})).await;
    let (status, renamed) = send(
        alpha
            .request(Method::PUT, "/api/v2/mirror-data/users/s1")
            .json(&json!({"name": "Sara H."})),
    )
    .await;
    assert_eq!((status, renamed["name"].as_str()), (200, Some("Sara H.")));
    let (status, invalid) = send(
        alpha
            .request(Method::PUT, "/api/v2/mirror-data/users/s1")
            .json(&json!({"name": ""})),
    )
    .await;
    assert_eq!((status, invalid["errors"]["name"].is_array()), (422, true));
    let (status, missing) = send(
        alpha
            .request(Method::PUT, "/api/v2/mirror-data/users/nobody")
            .json(&json!({"name": "X"})),
    )
    .await;
    assert_eq!(
        (status, missing["message"].as_str()),
        (
            404,
            Some("No user with this uuid; mirror the user's data first.")
        )
    );
    let (status, deleted) =
        send(alpha.request(Method::DELETE, "/api/v2/mirror-data/users/s1")).await;
    assert_eq!(
        (status, deleted),
        (200, json!({"message": "User deleted."}))
    );
    assert_eq!(
        send(alpha.request(Method::DELETE, "/api/v2/mirror-data/users/s1"))
            .await
            .0,
        404
    );
    assert_eq!(
        sections(&tree(&alpha).await, 0)[0],
        ("A".to_owned(), 1),
        "the membership went with the person"
    );
}

async fn the_simple_mirror_manages_only_the_classrooms_it_names(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let body = json!({"classrooms": [
        {"name": "Robotics", "students": [person("s1", "Sara")], "teachers": [person("t1", "Teacher One")]},
        {"name": "Chess", "students": [person("s2", "Omar")], "teachers": []}]});
    let (status, accepted) = send(alpha.post_json("/api/v2/mirror-data/simple", &body)).await;
    assert_eq!(status, 202, "{accepted}");
    let job = wait_for_job(&alpha, accepted["job_id"].as_str().unwrap()).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["kind"], "simple");
    assert_eq!(
        job["progress"],
        json!({"classrooms_done": 2, "classrooms_total": 2})
    );
    // One classroom as a single object: Chess is left as it is.
    let one = json!({"classrooms": {"name": "Robotics", "students": [person("s1", "Sara"), person("s3", "Lina")], "teachers": []}});
    let (_, accepted) = send(alpha.post_json("/api/v2/mirror-data/simple", &one)).await;
    let job = wait_for_job(&alpha, accepted["job_id"].as_str().unwrap()).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    // The default branch is classbridge's: not in the tree, its classrooms read through /classrooms.
    assert_eq!(tree(&alpha).await["data"], json!([]));
    let (_, classrooms) = send(alpha.get("/classrooms")).await;
    let mut names: Vec<(String, i64)> = classrooms["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["students"].as_i64().unwrap(),
            )
        })
        .collect();
    names.sort();
    assert_eq!(names, [("Chess".to_owned(), 1), ("Robotics".to_owned(), 2)]);
}

async fn branch_scoped_credentials_mirror_only_their_branch(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let scoped = app
        .tenant_with("alpha", |request| request.branch_id = Some(1))
        .await;
    assert_eq!(
        mirror(&scoped, &json!({"branches": [school(1)]})).await["status"],
        "succeeded"
    );
    let (status, refused) = send(scoped.post_json(
        "/api/v2/mirror-data/branches",
        &json!({"branches": [school(1), school(2)]}),
    ))
    .await;
    assert_eq!(status, 403, "{refused}");
    assert!(
        refused["message"].as_str().unwrap().contains("branches.1"),
        "{refused}"
    );
    let (status, _) = send(scoped.post_json(
        "/api/v2/mirror-data/simple",
        &json!({"classrooms": {"name": "X", "students": [], "teachers": []}}),
    ))
    .await;
    assert_eq!(status, 403);
    let whole = app.tenant("alpha").await;
    mirror(&whole, &json!({"branches": [school(2)]})).await;
    assert_eq!(
        tree(&scoped).await["meta"]["total"],
        1,
        "a scoped credential sees its branch only"
    );
    assert_eq!(tree(&whole).await["meta"]["total"], 2);
}

async fn no_tenant_sees_another_tenants_mirror(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (alpha, beta) = app.two_tenants().await;
    let job = mirror(&alpha, &json!({"branches": [school(1)]})).await;
    let job_id = job["id"].as_str().unwrap();
    assert_eq!(
        send(beta.get(&format!("/api/v2/mirror-data/jobs/{job_id}")))
            .await
            .0,
        404
    );
    assert_eq!(
        send(beta.get("/api/v2/mirror-data/jobs")).await.1["meta"]["total"],
        0
    );
    assert_eq!(tree(&beta).await["meta"]["total"], 0);
    assert_eq!(
        send(
            beta.request(Method::PUT, "/api/v2/mirror-data/users/s1")
                .json(&json!({"name": "Hijack"}))
        )
        .await
        .0,
        404
    );
    assert_eq!(
        send(beta.request(Method::DELETE, "/api/v2/mirror-data/users/s1"))
            .await
            .0,
        404
    );
    // The same partner ids in another tenant are other rows.
    let job = mirror(&beta, &json!({"branches": [school(1)]})).await;
    assert_eq!(job["counts"]["users"]["created"], 4, "{job}");
    assert_eq!(
        sections(&tree(&alpha).await, 0),
        [("A".to_owned(), 2), ("B".to_owned(), 1)]
    );
}

async fn invalid_mirrors_are_refused_with_every_path(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let refused = |body: Value| {
        let request = alpha.post_json("/api/v2/mirror-data/branches", &body);
        async move {
            let (status, answer) = send(request).await;
            assert_eq!(status, 422, "{body} → {answer}");
            assert_eq!(answer["message"], "The given data was invalid.");
            answer["errors"].clone()
        }
    };
    assert!(refused(json!({})).await["branches"].is_array());
    assert!(refused(json!({"branches": []})).await["branches"].is_array());
    assert!(refused(json!({"branches": {"id": 1}})).await["branches"].is_array());
    for (field, pointer) in [
        ("id", "branches.0.id"),
        ("name", "branches.0.name"),
        ("classes", "branches.0.classes"),
    ] {
        let mut branch = school(1);
        branch.as_object_mut().unwrap().remove(field);
        assert!(
            refused(json!({"branches": [branch]})).await[pointer].is_array(),
            "{field}"
        );
    }
    let mut deep = school(1);
    deep["classes"][0]["sections"][1]["students"][0]
        .as_object_mut()
        .unwrap()
        .remove("uuid");
    deep["classes"][0]["sections"][0]["subjects"][0]["teachers"][0]["name"] = json!("");
    deep["classes"][0]["id"] = json!("ten");
    let errors = refused(json!({"branches": [deep]})).await;
    assert!(
        errors["branches.0.classes.0.sections.1.students.0.uuid"].is_array(),
        "{errors}"
    );
    assert!(
        errors["branches.0.classes.0.sections.0.subjects.0.teachers.0.name"].is_array(),
        "{errors}"
    );
    assert!(errors["branches.0.classes.0.id"].is_array(), "{errors}");
    let mut long = school(1);
    long["name"] = json!("x".repeat(256));
    long["classes"][0]["sections"][0]["students"][0]["uuid"] = json!("u".repeat(65));
    let errors = refused(json!({"branches": [long]})).await;
    assert!(
        errors["branches.0.name"].is_array()
            && errors["branches.0.classes.0.sections.0.students.0.uuid"].is_array(),
        "{errors}"
    );
    let errors = refused(json!({"branches": [school(1), school(1)]})).await;
    assert!(
        errors["branches.1.id"].is_array(),
        "duplicate branch ids: {errors}"
    );
    let mut twin_sections = school(1);
    twin_sections["classes"][0]["sections"][1]["name"] = json!("a");
    assert!(refused(json!({"branches": [twin_sections]})).await
        ["branches.0.classes.0.sections.1.name"]
        .is_array());
    let mut two_names = school(2);
    two_names["classes"][0]["sections"][0]["students"][0]["name"] = json!("Someone else");
    let errors = refused(json!({"branches": [school(1), two_names]})).await;
    assert!(
        errors["branches.1.classes.0.sections.0.students.0.name"].is_array(),
        "{errors}"
    );
    let mut student_teacher = school(1);
    student_teacher["classes"][0]["sections"][1]["students"][0] = person("t1", "Teacher One");
    assert!(!refused(json!({"branches": [student_teacher]}))
        .await
        .as_object()
        .unwrap()
        .is_empty());
    let (_, jobs) = send(alpha.get("/api/v2/mirror-data/jobs")).await;
    assert_eq!(jobs["meta"]["total"], 0, "nothing was queued");
}

async fn malformed_and_oversized_mirrors_are_refused(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| {
        config.mirror_body_limit_bytes = 4 * 1024 * 1024
    })
    .await;
    let alpha = app.tenant("alpha").await;
    let raw = |body: Vec<u8>| {
        alpha
            .request(Method::POST, "/api/v2/mirror-data/branches")
            .header("content-type", "application/json")
            .body(body)
    };
    let (status, answer) = send(raw(b"{\"branches\": [{\"id\": 1, \"name\": \"A\"".to_vec())).await;
    assert_eq!(status, 400, "truncated: {answer}");
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("not valid JSON"),
        "{answer}"
    );
    let (status, _) = send(raw(b"{\"branches\": [], } trailing".to_vec())).await;
    assert_eq!(status, 400);
    let (status, _) = send(raw(
        b"{\"branches\": [{\"id\": 1, \"name\": \"\xff\"}]}".to_vec()
    ))
    .await;
    assert_eq!(status, 400, "non-UTF-8");
    let (status, _) = send(raw(b"[1]".to_vec())).await;
    assert_eq!(status, 400);
    let (status, _) = send(
        alpha
            .request(Method::POST, "/api/v2/mirror-data/branches")
            .header("content-type", "text/csv")
            .body("a,b"),
    )
    .await;
    assert_eq!(status, 415);
    // Over the limit, declared or streamed. The server answers before the body is all sent and closes the
    // connection; on a busy machine the client can see that close before it reads the answer, so a request whose
    // transport fails is sent again (the answer itself must be 413 every time one arrives).
    let oversized = |streamed: bool| {
        let request = alpha
            .request(Method::POST, "/api/v2/mirror-data/branches")
            .header("content-type", "application/json");
        if streamed {
            let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
                (0..80).map(|_| Ok(vec![b' '; 64 * 1024])).collect();
            request.body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        } else {
            request.body(vec![b' '; 5 * 1024 * 1024])
        }
    };
    for streamed in [false, true] {
        let mut answered = None;
        for _ in 0..5 {
            if let Ok(response) = oversized(streamed).send().await {
                answered = Some(response.status().as_u16());
                break;
            }
        }
        assert_eq!(answered, Some(413), "streamed: {streamed}");
    }
    assert_eq!(
        send(alpha.get("/api/v2/mirror-data/jobs")).await.1["meta"]["total"],
        0
    );
}

async fn form_mirrors_equal_their_json_twins(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (alpha, beta) = app.two_tenants().await;
    let form = [
        ("branches[0][id]", "1"),
        ("branches[0][name]", "Branch 1"),
        ("branches[0][classes][0][id]", "10"),
        ("branches[0][classes][0][name]", "Grade 5"),
        ("branches[0][classes][0][sections][0][name]", "A"),
        (
            "branches[0][classes][0][sections][0][subjects][0][id]",
            "100",
        ),
        (
            "branches[0][classes][0][sections][0][subjects][0][name]",
            "Math",
        ),
        (
            "branches[0][classes][0][sections][0][subjects][0][teachers][0][uuid]",
            "t1",
        ),
        (
            "branches[0][classes][0][sections][0][subjects][0][teachers][0][name]",
            "Teacher One",
        ),
        (
            "branches[0][classes][0][sections][0][students][0][uuid]",
            "s1",
        ),
        (
            "branches[0][classes][0][sections][0][students][0][name]",
            "Sara",
        ),
    ];
    let (status, accepted) = send(
        alpha
            .request(Method::POST, "/api/v2/mirror-data/branches")
            .form(&form),
    )
    .await;
    assert_eq!(status, 202, "{accepted}");
    let from_form = wait_for_job(&alpha, accepted["job_id"].as_str().unwrap()).await;
    let twin = json!({"branches": [{"id": 1, "name": "Branch 1", "classes": [{"id": 10, "name": "Grade 5", "sections": [
        {"name": "A", "subjects": [{"id": 100, "name": "Math", "teachers": [person("t1", "Teacher One")]}], "students": [person("s1", "Sara")]}]}]}]});
    let from_json = mirror(&beta, &twin).await;
    assert_eq!(from_form["status"], "succeeded", "{from_form}");
    assert_eq!(from_form["counts"], from_json["counts"]);
    assert_eq!(
        sections(&tree(&alpha).await, 0),
        sections(&tree(&beta).await, 0)
    );
    let (status, answer) = send(
        alpha
            .request(Method::POST, "/api/v2/mirror-data/branches")
            .form(&[("branches[0][id]", "x")]),
    )
    .await;
    assert_eq!(status, 422);
    assert!(answer["errors"]["branches.0.id"].is_array(), "{answer}");
}

async fn an_unchanged_payload_still_undoes_changes_made_elsewhere(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    mirror(&alpha, &json!({"branches": [school(1), school(2)]})).await;
    // A person renamed and another deleted through the API, a branch changed by another mirror: the same payload
    // again must put them back, although it is byte for byte what was applied before.
    send(
        alpha
            .request(Method::PUT, "/api/v2/mirror-data/users/s1")
            .json(&json!({"name": "Renamed elsewhere"})),
    )
    .await;
    send(alpha.request(Method::DELETE, "/api/v2/mirror-data/users/s3")).await;
    let job = mirror(&alpha, &json!({"branches": [school(1), school(2)]})).await;
    assert_eq!(job["counts"]["users"]["updated"], 1, "{job}");
    assert_eq!(job["counts"]["users"]["created"], 1, "{job}");
    let (_, users) = send(alpha.get("/users?per_page=100")).await;
    assert!(users["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["uuid"] == "s1" && u["name"] == "Sara"));
    let mut renamed_in_two = school(2);
    renamed_in_two["classes"][0]["sections"][0]["students"][1]["name"] = json!("Omar A.");
    mirror(&alpha, &json!({"branches": [renamed_in_two]})).await;
    let job = mirror(&alpha, &json!({"branches": [school(1)]})).await;
    assert_eq!(
        job["counts"]["users"]["updated"], 1,
        "branch 1 says Omar again: {job}"
    );
    let again = mirror(&alpha, &json!({"branches": [school(1)]})).await;
    assert_eq!(
        again["counts"]["users"],
        json!({"created": 0, "updated": 0, "unchanged": 4, "deactivated": 0, "reactivated": 0})
    );
}
