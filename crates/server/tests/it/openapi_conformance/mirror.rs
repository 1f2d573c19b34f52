//! The mirror operations, their jobs and mirrored people.

use reqwest::Method;
use serde_json::{json, Value};

use super::form_part;
use crate::{
    both_databases,
    conformance::{check_answer, document},
    harness::{Backend, TestApp},
    mirror::wait_for_job,
};

both_databases!(mirrors_and_jobs_answer_as_documented);

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
