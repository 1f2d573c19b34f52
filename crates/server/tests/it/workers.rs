//! The job queue across processes: a worker killed mid-job is replaced and the end state is as if nothing happened;
//! several worker processes share one queue and run each job exactly once, in order per tenant.

use std::time::Duration;

use serde_json::{json, Value};

use crate::{
    both_databases,
    harness::{send, Backend, TestApp, TestTenant},
    mirror::wait_for_job,
};

both_databases!(
    a_killed_worker_is_replaced_and_the_end_state_is_unchanged,
    worker_processes_share_the_queue_and_run_each_job_once
);

/// A school of `branches` branches, each 2 classes × 5 sections × `per_section` students and 2 subjects.
fn big_school(branches: i64, per_section: i64, label: &str) -> Value {
    let mut student = 0;
    let mut teacher = 0;
    let list: Vec<Value> = (1..=branches)
        .map(|branch| {
            let classes: Vec<Value> = (1..=2)
                .map(|class| {
                    let sections: Vec<Value> = ["A", "B", "C", "D", "E"]
                        .iter()
                        .map(|section| {
                            let students: Vec<Value> = (0..per_section)
                                .map(|_| {
                                    student += 1;
                                    json!({"uuid": format!("s{student}"), "name": format!("Student {student}")})
                                })
                                .collect();
                            let subjects: Vec<Value> = (1..=2)
                                .map(|subject| {
                                    teacher += 1;
                                    json!({"id": subject, "name": format!("Subject {subject}"),
                                           "teachers": [{"uuid": format!("t{teacher}"), "name": format!("Teacher {teacher}")}]})
                                })
                                .collect();
                            json!({"name": section, "subjects": subjects, "students": students})
                        })
                        .collect();
                    json!({"id": class, "name": format!("Class {class}"), "sections": sections})
                })
                .collect();
            json!({"id": branch, "name": format!("{label} {branch}"), "classes": classes})
        })
        .collect();
    json!({"branches": list})
}

/// The branch tree as text, without classbridge's own section ids (which differ between tenants).
async fn tree_without_our_ids(tenant: &TestTenant) -> String {
    let (_, mut tree) = send(tenant.get("/api/v2/branches?per_page=100")).await;
    for branch in tree["data"].as_array_mut().unwrap() {
        for class in branch["classes"].as_array_mut().unwrap() {
            for section in class["sections"].as_array_mut().unwrap() {
                section.as_object_mut().unwrap().remove("id");
            }
        }
    }
    tree["data"].to_string()
}

async fn job(tenant: &TestTenant, id: &str) -> Value {
    send(tenant.get(&format!("/api/v2/mirror-data/jobs/{id}")))
        .await
        .1
}

fn kill(child: &mut std::process::Child, signal: &str) {
    let _ = std::process::Command::new("kill")
        .arg(signal)
        .arg(child.id().to_string())
        .status();
    let _ = child.wait();
}

async fn a_killed_worker_is_replaced_and_the_end_state_is_unchanged(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| config.workers = 0).await;
    let (alpha, beta) = app.two_tenants().await;
    let payload = big_school(40, 40, "Branch");
    let (status, accepted) = send(alpha.post_json("/api/v2/mirror-data/branches", &payload)).await;
    assert_eq!(status, 202);
    let id = accepted["job_id"].as_str().unwrap().to_owned();

    let mut first = app.worker_process(1);
    let mut done_at_kill = 0;
    for _ in 0..1200 {
        let state = job(&alpha, &id).await;
        done_at_kill = state["progress"]["branches_done"].as_i64().unwrap();
        if done_at_kill >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    kill(&mut first, "-KILL");
    let at_kill = job(&alpha, &id).await;
    assert_eq!(
        at_kill["status"], "running",
        "killed in the middle: {at_kill}"
    );
    assert!(
        (3..40).contains(&done_at_kill),
        "{done_at_kill} of 40 branches done when killed"
    );

    // The same payload in another tenant, applied without interruption, is the reference.
    let (_, reference) = send(beta.post_json("/api/v2/mirror-data/branches", &payload)).await;
    let mut second = app.worker_process(2);
    let resumed = wait_for_job(&alpha, &id).await;
    let uninterrupted = wait_for_job(&beta, reference["job_id"].as_str().unwrap()).await;
    kill(&mut second, "-TERM");
    assert_eq!(resumed["status"], "succeeded", "{resumed}");
    assert_eq!(resumed["progress"]["branches_done"], 40);
    assert_eq!(
        resumed["counts"], uninterrupted["counts"],
        "the same counts as an uninterrupted run"
    );
    assert_eq!(
        resumed["counts"]["users"]["created"],
        40 * 10 * 40 + 40 * 10 * 2
    );
    let tenant_id = app
        .store
        .find_tenant_by_slug("alpha")
        .await
        .unwrap()
        .unwrap()
        .id;
    let stored = app
        .store
        .find_job(classbridge_domain::Scope::tenant_wide(tenant_id), &id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.attempts, 2, "taken over once");
    let alpha_tree = tree_without_our_ids(&alpha).await;
    let beta_tree = tree_without_our_ids(&beta).await;
    assert!(
        alpha_tree == beta_tree,
        "the end state differs from the uninterrupted run's"
    );
    assert_eq!(
        alpha_tree.matches("\"students\":40").count(),
        400,
        "every section has its 40 students"
    );
}

async fn worker_processes_share_the_queue_and_run_each_job_once(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| config.workers = 0).await;
    let mut tenants = Vec::new();
    for slug in ["north", "south", "east", "west"] {
        tenants.push(app.tenant(slug).await);
    }
    let mut accepted = Vec::new();
    for round in 0..5 {
        for tenant in &tenants {
            let payload = big_school(2, 3, &format!("v{round}"));
            let (status, answer) =
                send(tenant.post_json("/api/v2/mirror-data/branches", &payload)).await;
            assert_eq!(status, 202);
            accepted.push((
                tenant.clone(),
                answer["job_id"].as_str().unwrap().to_owned(),
            ));
        }
    }
    let mut workers = [app.worker_process(2), app.worker_process(2)];
    let mut finished = Vec::new();
    for (tenant, id) in &accepted {
        let done = wait_for_job(tenant, id).await;
        assert_eq!(done["status"], "succeeded", "{done}");
        finished.push((
            tenant.credential_id,
            done["started_at"].as_str().unwrap().to_owned(),
            done["finished_at"].as_str().unwrap().to_owned(),
        ));
    }
    for worker in &mut workers {
        kill(worker, "-TERM");
    }
    for (tenant, id) in &accepted {
        let tenant_id = app
            .store
            .list_partner_credentials(None)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.id.0 == tenant.credential_id)
            .unwrap()
            .tenant_id;
        let stored = app
            .store
            .find_job(classbridge_domain::Scope::tenant_wide(tenant_id), id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.attempts, 1, "job {id} ran exactly once");
    }
    // Per tenant, each job started after the one accepted before it had finished.
    for tenant in &tenants {
        let own: Vec<_> = finished
            .iter()
            .filter(|(id, _, _)| *id == tenant.credential_id)
            .collect();
        for pair in own.windows(2) {
            assert!(pair[0].2 <= pair[1].1, "accepted order kept: {pair:?}");
        }
        let (_, tree) = send(tenant.get("/api/v2/branches")).await;
        assert_eq!(
            tree["data"][0]["name"], "v4 1",
            "the last payload is what stays"
        );
    }
}
