//! Issue 18 over HTTP: subjects and supervisors, learning paths with experiment tokens, the catalogue, attempts at the
//! labs graded by the server, and the pages of students, teachers and supervisors.

mod subjects;

use serde_json::{json, Value};

use crate::{harness::TestTenant, mirror::mirror};

/// North School, Grade 9: section A (students s1, s2) and B (s3) have Physics with Mr Karim (t1); A also has
/// Chemistry with Ms Dana (t2).
pub fn school_of_labs() -> Value {
    json!({"branches": [{"id": 1, "name": "North School", "classes": [{"id": 9, "name": "Grade 9", "sections": [
        {"name": "A", "subjects": [{"id": 1, "name": "Physics", "teachers": [{"uuid": "t1", "name": "Mr Karim"}]},
                                   {"id": 2, "name": "Chemistry", "teachers": [{"uuid": "t2", "name": "Ms Dana"}]}],
         "students": [{"uuid": "s1", "name": "Sara Haddad"}, {"uuid": "s2", "name": "Omar Aziz"}]},
        {"name": "B", "subjects": [{"id": 1, "name": "Physics", "teachers": [{"uuid": "t1", "name": "Mr Karim"}]}],
         "students": [{"uuid": "s3", "name": "Lina Saleh"}]}]}]}]})
}

/// Mirrors [`school_of_labs`] into the tenant and waits for it.
pub async fn setup_school(tenant: &TestTenant) {
    let job = mirror(tenant, &school_of_labs()).await;
    assert_eq!(job["status"], "succeeded", "{job}");
}
