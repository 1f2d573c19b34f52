//! Every kind of hand-made roster write (users, transfers, classrooms, mirrored people, supervisors) bumps the
//! tenant's roster version once and shows in the users list's total on the very next read; a mirror shows at once.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    both_databases,
    harness::{send, Backend, TestApp, TestTenant},
    mirror::{mirror, school},
};

both_databases!(every_roster_write_bumps_the_version_and_shows_in_the_total_at_once,);

/// The users list's total, read through the API (which remembers it between writes).
async fn users_total(tenant: &TestTenant) -> i64 {
    let (status, page) = send(tenant.get("/users?per_page=100")).await;
    assert_eq!(status, 200, "{page}");
    page["meta"]["total"].as_i64().unwrap()
}

async fn roster_version(app: &TestApp) -> i64 {
    app.count_in_database("SELECT roster_version FROM tenants WHERE slug = 'alpha'")
        .await
}

async fn every_roster_write_bumps_the_version_and_shows_in_the_total_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    assert_eq!(users_total(&alpha).await, 0);
    mirror(&alpha, &json!({"branches": [school(1)]})).await;
    assert_eq!(
        users_total(&alpha).await,
        4,
        "the mirror's people show at once"
    );

    // Each write: its request, its expected status, and how it changes the users list's total.
    let mut user_id = None;
    let mut classroom_id = None;
    let writes: [(&str, i64); 10] = [
        ("create a user", 1),
        ("change the user", 0),
        ("transfer a student", 1),
        ("create a classroom", 0),
        ("rename the classroom", 0),
        ("delete the classroom", 0),
        ("rename a mirrored person", 0),
        ("delete a mirrored person", -1),
        ("upsert a supervisor", 1),
        ("delete the user", -1),
    ];
    for (write, change) in writes {
        let total = users_total(&alpha).await;
        let version = roster_version(&app).await;
        let (status, answer): (u16, Value) = match write {
            "create a user" => {
                let body = json!({"name": "Nour", "username": "nour", "email": "nour@example.org"});
                send(alpha.post_json("/users", &body)).await
            }
            "change the user" => {
                let path = format!("/users/{}", user_id.unwrap());
                send(
                    alpha
                        .request(Method::PUT, &path)
                        .json(&json!({"name": "Nour A."})),
                )
                .await
            }
            "transfer a student" => {
                let body = json!({"data": [{"name": "Pupil", "username": "pupil1", "id": "P1"}]});
                send(alpha.post_json("/students/transfer", &body)).await
            }
            "create a classroom" => {
                send(alpha.post_json("/classrooms", &json!({"name": "Robotics"}))).await
            }
            "rename the classroom" => {
                let path = format!("/classrooms/{}", classroom_id.unwrap());
                send(
                    alpha
                        .request(Method::PUT, &path)
                        .json(&json!({"name": "Chess"})),
                )
                .await
            }
            "delete the classroom" => {
                let path = format!("/classrooms/{}", classroom_id.unwrap());
                send(alpha.request(Method::DELETE, &path)).await
            }
            "rename a mirrored person" => {
                let request = alpha.request(Method::PUT, "/api/v2/mirror-data/users/s1");
                send(request.json(&json!({"name": "Sara H."}))).await
            }
            "delete a mirrored person" => {
                send(alpha.request(Method::DELETE, "/api/v2/mirror-data/users/s2")).await
            }
            "upsert a supervisor" => {
                let body =
                    json!({"supervisors": [{"name": "Huda", "uuid": "sup-1", "subject_ids": []}]});
                send(alpha.post_json("/api/v2/subjects/supervisors", &body)).await
            }
            "delete the user" => {
                let path = format!("/users/{}", user_id.unwrap());
                send(alpha.request(Method::DELETE, &path)).await
            }
            other => unreachable!("{other}"),
        };
        assert!(matches!(status, 200 | 201), "{write}: {status} {answer}");
        match write {
            "create a user" => user_id = answer["id"].as_i64(),
            "create a classroom" => classroom_id = answer["id"].as_i64(),
            _ => {}
        }
        assert_eq!(
            roster_version(&app).await,
            version + 1,
            "{write} bumps the roster version once"
        );
        assert_eq!(
            users_total(&alpha).await,
            total + change,
            "{write} shows in the total at once"
        );
    }
}
