//! Student memberships leave with whatever they hang on: a class or section a mirror drops, a classroom deleted by
//! hand, a user deleted through the users API or by uuid. On PostgreSQL they have no foreign keys to cascade from
//! (migration 0011), so each of these paths deletes them itself; this checks that none leaves a row behind, and
//! that a tenant cannot delete another's. Writers that add memberships hold the user as a key would, so that a delete
//! running at the same moment waits for them and takes their membership too, or goes first and is not undone.

use std::time::Duration;

use classbridge_domain::{BranchId, MembershipSource, SectionId, UserId};
use classbridge_store::roster;
use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    both_databases,
    harness::{send, Backend, TestApp, TestTenant},
    mirror::{mirror, person},
};

both_databases!(
    every_delete_takes_its_student_memberships_with_it,
    a_delete_waits_for_a_writer_adding_a_membership_and_takes_it_too,
);

/// Memberships whose user or section no longer exists.
const ORPHANS: &str = "SELECT COUNT(*) FROM section_students m \
     WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = m.user_id) \
        OR NOT EXISTS (SELECT 1 FROM sections s WHERE s.id = m.section_id)";
const MEMBERSHIPS: &str = "SELECT COUNT(*) FROM section_students";

/// Two classes: 10 with sections A (s1, s2, s3) and B (s4, s5), 11 with section A (s6, s7).
fn branch() -> Value {
    json!({"id": 1, "name": "Branch", "classes": [
        {"id": 10, "name": "Grade 5", "sections": [
            {"name": "A", "subjects": [], "students": [person("s1", "Sara"), person("s2", "Omar"), person("s3", "Lina")]},
            {"name": "B", "subjects": [], "students": [person("s4", "Huda"), person("s5", "Adam")]}]},
        {"id": 11, "name": "Grade 6", "sections": [
            {"name": "A", "subjects": [], "students": [person("s6", "Nour"), person("s7", "Yara")]}]}
    ]})
}

/// The id of the first item of the list at `path` (one page of up to 1000) that `matches`.
async fn id_in(tenant: &TestTenant, path: &str, matches: impl Fn(&Value) -> bool) -> i64 {
    let (status, page) = send(tenant.get(&format!("{path}?per_page=1000"))).await;
    assert_eq!(status, 200, "{page}");
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| matches(item))
        .and_then(|item| item["id"].as_i64())
        .unwrap_or_else(|| panic!("nothing matches in {path}: {page}"))
}

async fn user_id_of(tenant: &TestTenant, uuid: &str) -> i64 {
    id_in(tenant, "/users", |user| user["uuid"] == uuid).await
}

async fn classroom_id(tenant: &TestTenant, class: &str, section: &str) -> i64 {
    id_in(tenant, "/classrooms", |room| {
        room["class"] == class && room["name"] == section
    })
    .await
}

async fn assert_memberships(app: &TestApp, expected: i64, after: &str) {
    assert_eq!(
        app.count_in_database(ORPHANS).await,
        0,
        "orphaned memberships after {after}"
    );
    assert_eq!(
        app.count_in_database(MEMBERSHIPS).await,
        expected,
        "memberships after {after}"
    );
}

async fn every_delete_takes_its_student_memberships_with_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (alpha, beta) = app.two_tenants().await;
    let job = mirror(&alpha, &json!({"branches": [branch()]})).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    let job = mirror(&beta, &json!({"branches": [branch()]})).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_memberships(&app, 14, "two mirrors").await;

    // A mirror that drops class 11 (and so its section) and section B of class 10.
    let mut smaller = branch();
    smaller["classes"].as_array_mut().unwrap().pop();
    smaller["classes"][0]["sections"]
        .as_array_mut()
        .unwrap()
        .pop();
    let job = mirror(&alpha, &json!({"branches": [smaller], "force": true})).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["counts"]["memberships"]["removed"], 4, "{job}");
    assert_memberships(&app, 7 + 3, "a mirror dropped a class and a section").await;

    // A user deleted through the users API, then one deleted by uuid; another tenant's attempts change nothing.
    let s1 = user_id_of(&alpha, "s1").await;
    let (status, _) = send(beta.request(Method::DELETE, &format!("/users/{s1}"))).await;
    assert_eq!(status, 404);
    assert_memberships(&app, 10, "another tenant's delete").await;
    let (status, answer) = send(alpha.request(Method::DELETE, &format!("/users/{s1}"))).await;
    assert_eq!(status, 200, "{answer}");
    assert_memberships(&app, 9, "a user was deleted").await;
    let (status, answer) =
        send(alpha.request(Method::DELETE, "/api/v2/mirror-data/users/s2")).await;
    assert!(status == 200 || status == 204, "{status} {answer}");
    assert_memberships(&app, 8, "a person was deleted by uuid").await;

    // A user made by hand as a student of a mirrored section and of a classroom made by hand; the mirrored section
    // cannot be deleted by hand (409), the hand-made classroom can, and its membership goes with it.
    let section = classroom_id(&alpha, "Grade 5", "A").await;
    let (status, club) = send(alpha.post_json("/classrooms", &json!({"name": "Chess club"}))).await;
    assert_eq!(status, 201, "{club}");
    let club = club["id"].as_i64().unwrap();
    let (status, user) = send(alpha.post_json(
        "/users",
        &json!({"name": "Hand Made", "username": "handmade", "email": "hand@example.org", "student_of": [section, club]}),
    ))
    .await;
    assert_eq!(status, 201, "{user}");
    assert_memberships(&app, 10, "a hand-made student joined two classrooms").await;
    let (status, _) = send(alpha.request(Method::DELETE, &format!("/classrooms/{section}"))).await;
    assert_eq!(status, 409);
    let theirs = classroom_id(&beta, "Grade 5", "A").await;
    let (status, _) = send(alpha.request(Method::DELETE, &format!("/classrooms/{theirs}"))).await;
    assert_eq!(status, 404);
    assert_memberships(&app, 10, "refused classroom deletes").await;
    let (status, answer) =
        send(alpha.request(Method::DELETE, &format!("/classrooms/{club}"))).await;
    assert!(status == 200 || status == 204, "{status} {answer}");
    assert_memberships(&app, 9, "a classroom was deleted").await;
    let (status, answer) =
        send(alpha.request(Method::DELETE, &format!("/users/{}", user["id"]))).await;
    assert_eq!(status, 200, "{answer}");
    assert_memberships(&app, 8, "the hand-made user was deleted").await;
    // What is left: alpha's s3 in 10/A, and the other tenant's seven, whole.
    let (status, tree) = send(beta.get("/api/v2/branches")).await;
    assert_eq!(status, 200, "{tree}");
    assert!(tree.to_string().contains("Grade 6"), "{tree}");
    assert!(user_id_of(&beta, "s1").await > 0);
}

async fn a_delete_waits_for_a_writer_adding_a_membership_and_takes_it_too(backend: Backend) {
    let on_postgres = matches!(backend, Backend::Postgres(_));
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    let job = mirror(&alpha, &json!({"branches": [branch()]})).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    let s1 = user_id_of(&alpha, "s1").await;
    let section_b = classroom_id(&alpha, "Grade 5", "B").await;
    let branch_id = app
        .count_in_database(&format!(
            "SELECT branch_id FROM sections WHERE id = {section_b}"
        ))
        .await;

    // A writer (as a mirror joining s1 to section B) holds s1; the API's delete of s1 waits for it…
    let tenant = app
        .store
        .find_tenant_by_slug("alpha")
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut writer = app.store.begin_for(tenant).await.unwrap();
    let (held, _) = roster::hold_for_memberships(&mut writer, &[UserId::new(s1)], &[])
        .await
        .unwrap();
    assert!(held.contains(&UserId::new(s1)));
    let deleting = tokio::spawn(send(alpha.request(Method::DELETE, &format!("/users/{s1}"))));
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(
        !deleting.is_finished(),
        "the delete did not wait for the writer"
    );
    let membership = (SectionId::new(section_b), UserId::new(s1));
    let branch_id = BranchId::new(branch_id);
    roster::insert_student_memberships(
        &mut writer,
        branch_id,
        &[membership],
        MembershipSource::Mirror,
    )
    .await
    .unwrap();
    writer.commit().await.unwrap();
    // …and then takes the new membership with the user.
    let (status, answer) = deleting.await.unwrap();
    assert_eq!(status, 200, "{answer}");
    assert_memberships(&app, 6, "a delete that waited for a writer").await;

    // A user deleted while a writer waits to hold them is not held: its membership is not added (PostgreSQL; SQLite
    // has one writer at a time, so the two cannot interleave there).
    if on_postgres {
        let s2 = user_id_of(&alpha, "s2").await;
        // A second connection of the test's own, outside the server's store, holds the delete open.
        let url = app
            .database_url
            .as_deref()
            .expect("a PostgreSQL run has a URL");
        let raw = sqlx::PgPool::connect(url).await.unwrap();
        let mut deleter = raw.begin().await.unwrap();
        sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(s2)
            .execute(&mut *deleter)
            .await
            .unwrap();
        let store = app.store.clone();
        let holding = tokio::spawn(async move {
            let mut writer = store.begin_for(tenant).await.unwrap();
            let held = roster::hold_for_memberships(&mut writer, &[UserId::new(s2)], &[])
                .await
                .unwrap();
            writer.commit().await.unwrap();
            held.0
        });
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert!(
            !holding.is_finished(),
            "the hold did not wait for the delete"
        );
        deleter.commit().await.unwrap();
        assert!(holding.await.unwrap().is_empty(), "a deleted user was held");
    }
}
