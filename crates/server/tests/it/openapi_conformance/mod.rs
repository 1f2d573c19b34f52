//! The server answers what `/openapi.json` says: real calls to each operation of the users, mirror, SSO, me,
//! branches, classrooms, groups and operations endpoints, each answer (successes and the ways partners go wrong)
//! validated against the schema the document gives for its status (see `conformance.rs`), and the documented request
//! schemas checked against what the server's validation accepts.

mod mirror;
mod requests;
mod rest;
mod sso;
mod users;

use serde_json::json;

use crate::harness::TestTenant;

/// A mirrored branch with two sections (students s1, s2; teacher t1); returns the first classroom's id.
pub async fn mirrored_classroom(tenant: &TestTenant) -> i64 {
    let school = json!({"branches": [{"id": 1, "name": "North", "classes": [{"id": 10, "name": "Grade 5", "sections": [
        {"name": "A", "subjects": [{"id": 1, "name": "Math", "teachers": [{"uuid": "t1", "name": "Teacher"}]}],
         "students": [{"uuid": "s1", "name": "Sara"}, {"uuid": "s2", "name": "Omar"}]},
        {"name": "B", "subjects": [], "students": []}]}]}]});
    assert_eq!(
        crate::mirror::mirror(tenant, &school).await["status"],
        "succeeded"
    );
    let (_, classrooms) = crate::harness::send(tenant.get("/classrooms")).await;
    classrooms["data"][0]["id"].as_i64().unwrap()
}

pub fn form_part(fields: &[(&str, &str)]) -> reqwest::multipart::Form {
    fields
        .iter()
        .fold(reqwest::multipart::Form::new(), |form, (key, value)| {
            form.text(key.to_string(), value.to_string())
        })
}
