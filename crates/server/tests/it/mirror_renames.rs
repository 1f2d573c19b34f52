//! Re-mirrors that change only people's names: found by the per-place name hashes a branch keeps, written to those
//! people only, and never leaving another branch's fingerprint trusting a name that changed (also through the
//! simple mirror).

use serde_json::json;

use crate::{
    both_databases,
    harness::{send, Backend, TestApp, TestTenant},
    mirror::{mirror, person, school, wait_for_job},
};

both_databases!(
    a_few_renames_change_only_those_people,
    a_rename_by_the_simple_mirror_is_undone_by_the_branch_payload,
);

/// The name of each person of the tenant, by uuid.
async fn names_by_uuid(tenant: &TestTenant) -> std::collections::BTreeMap<String, String> {
    let (_, users) = send(tenant.get("/users?per_page=1000")).await;
    users["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["uuid"].as_str().unwrap().to_owned(),
                u["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn a_few_renames_change_only_those_people(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    // Branch 2 has people of its own.
    let mut other = school(2);
    for (place, uuid) in [(0, "u1"), (1, "u2")] {
        other["classes"][0]["sections"][0]["students"][place]["uuid"] = json!(uuid);
    }
    other["classes"][0]["sections"][1]["students"][0]["uuid"] = json!("u3");
    for section in 0..2 {
        other["classes"][0]["sections"][section]["subjects"][0]["teachers"][0]["uuid"] =
            json!("u4");
    }
    mirror(&alpha, &json!({"branches": [school(1), other.clone()]})).await;
    let before = names_by_uuid(&alpha).await;

    // A student and a teacher (named in both sections) renamed, nothing else.
    let mut renamed = school(1);
    renamed["classes"][0]["sections"][0]["students"][1]["name"] = json!("Omar B.");
    for section in 0..2 {
        renamed["classes"][0]["sections"][section]["subjects"][0]["teachers"][0]["name"] =
            json!("T. One");
    }
    let job = mirror(&alpha, &json!({"branches": [renamed.clone()]})).await;
    assert_eq!(
        job["counts"]["users"],
        json!({"created": 0, "updated": 2, "unchanged": 2, "deactivated": 0, "reactivated": 0}),
        "{job}"
    );
    let mut expected = before.clone();
    expected.insert("s2".into(), "Omar B.".into());
    expected.insert("t1".into(), "T. One".into());
    assert_eq!(names_by_uuid(&alpha).await, expected);

    // Branch 2 was not touched; both payloads again change nothing.
    let job = mirror(&alpha, &json!({"branches": [renamed, other]})).await;
    assert_eq!(job["counts"]["users"]["updated"], 0, "{job}");
    assert_eq!(job["counts"]["users"]["unchanged"], 8, "{job}");

    // And the first payload again puts the names back.
    let job = mirror(&alpha, &json!({"branches": [school(1)]})).await;
    assert_eq!(job["counts"]["users"]["updated"], 2, "{job}");
    assert_eq!(names_by_uuid(&alpha).await, before);
}

async fn a_rename_by_the_simple_mirror_is_undone_by_the_branch_payload(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    mirror(&alpha, &json!({"branches": [school(1)]})).await;
    // The simple mirror names Sara differently: she is renamed everywhere.
    let simple = json!({"classrooms": [{"name": "Robotics", "students": [person("s1", "Sara S.")], "teachers": []}]});
    let (status, accepted) = send(alpha.post_json("/api/v2/mirror-data/simple", &simple)).await;
    assert_eq!(status, 202, "{accepted}");
    let job = wait_for_job(&alpha, accepted["job_id"].as_str().unwrap()).await;
    assert_eq!(job["counts"]["users"]["updated"], 1, "{job}");
    assert_eq!(names_by_uuid(&alpha).await["s1"], "Sara S.");
    // The branch's own payload, byte for byte as applied before, names her Sara again, and must say so.
    let job = mirror(&alpha, &json!({"branches": [school(1)]})).await;
    assert_eq!(job["counts"]["users"]["updated"], 1, "{job}");
    assert_eq!(names_by_uuid(&alpha).await["s1"], "Sara");
}
