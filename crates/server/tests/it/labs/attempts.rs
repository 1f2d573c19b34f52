//! Attempts over HTTP: the student's home and lab page, readings and submissions graded by the server, and every
//! rule (window, max_attempts, expiry, submitted once, a forged score ignored, CSRF, other people's attempts).

use reqwest::header;
use serde_json::json;

use super::{careful_ohms_law, create_path, first_path_id, lab_call, person, setup_school, start};
use crate::{
    both_databases,
    harness::{Backend, TestApp},
    sso::{browser, page},
};

both_databases!(
    a_student_attempts_a_lab_and_the_teacher_reviews_it,
    attempts_beyond_max_attempts_and_outside_the_window_are_refused,
    an_attempt_left_open_expires,
    a_forged_score_is_ignored_and_a_submission_is_final,
    attempts_belong_to_their_student_and_tenant,
);

async fn a_student_attempts_a_lab_and_the_teacher_reviews_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    setup_school(&alpha).await;
    create_path(&alpha, "lp-1", json!({"max_attempts": 3})).await;
    let sara = person(&app, &alpha, "s1").await;
    let (_, home) = page(&app, "/home", &sara.session).await;
    assert!(home.contains("id=\"my-experiments\""), "{home}");
    assert!(home.contains("3 / 3"), "attempts left: {home}");
    // Chemistry-only students do not see Mr Karim's path; every student of his sections does.
    let lina = person(&app, &alpha, "s3").await;
    let (_, lina_home) = page(&app, "/home", &lina.session).await;
    assert!(lina_home.contains("class=\"start-attempt\""));
    let path_id = first_path_id(&home);
    let (status, attempt, _) = start(&app, &sara, path_id).await;
    assert_eq!(status, 303);
    let attempt = attempt.unwrap();
    // Starting again while it is open goes back to the same attempt.
    assert_eq!(start(&app, &sara, path_id).await.1, Some(attempt));
    // The lab page: the labs crate's document under a strict policy, and no hidden value in it.
    let response = browser()
        .get(app.url(&format!("/labs/attempts/{attempt}")))
        .header(header::COOKIE, format!("cb_session={}", sara.session))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let csp = response.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    let lab_page = response.text().await.unwrap();
    assert!(lab_page.contains("id=\"lab-config\""));
    assert!(!lab_page.contains("<script>") && !lab_page.contains(" onclick="));
    let hidden_json = app
        .count_in_database(&format!(
            "SELECT seed FROM lab_attempts WHERE id = {attempt}"
        ))
        .await;
    assert!(
        !lab_page.contains(&hidden_json.to_string()),
        "the seed stays on the server"
    );
    let asset = browser()
        .get(app.url("/labs/assets/lab.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(asset.status(), 200);
    assert!(asset.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .contains("javascript"));
    assert_eq!(
        browser()
            .get(app.url("/labs/assets/nope.js"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    // A bad set-up is a 422 with its path; readings are stored in order.
    let (status, answer) = lab_call(
        &app,
        &sara,
        attempt,
        "observe",
        &json!({"setup": {"supply_voltage": "lots"}}),
    )
    .await;
    assert_eq!(status, 422, "{answer}");
    assert!(
        answer["errors"]
            .as_object()
            .unwrap()
            .keys()
            .any(|k| k.starts_with("setup")),
        "{answer}"
    );
    let (status, graded) = careful_ohms_law(&app, &sara, attempt).await;
    assert_eq!(status, 200, "{graded}");
    assert_eq!(graded["score"], 100);
    assert_eq!(graded["attempts_left"], 2);
    let (_, home) = page(&app, "/home", &sara.session).await;
    assert!(home.contains("2 / 3") && home.contains(">100<"), "{home}");
    // The teacher sees the student's attempt and best score, and opens its readings and rubric.
    let karim = person(&app, &alpha, "t1").await;
    let (_, teacher_home) = page(&app, "/home", &karim.session).await;
    assert!(
        teacher_home.contains("id=\"my-learning-paths\""),
        "{teacher_home}"
    );
    assert_eq!(teacher_home.matches("class=\"student-grades\"").count(), 3);
    assert!(teacher_home.contains(&format!("/labs/attempts/{attempt}")));
    let (status, review) = page(&app, &format!("/labs/attempts/{attempt}"), &karim.session).await;
    assert_eq!(status, 200, "{review}");
    assert_eq!(review.matches("class=\"review-reading\"").count(), 8);
    assert!(review.matches("class=\"rubric-line\"").count() >= 3);
    assert!(review.contains("Sara Haddad") && review.contains("100"));
    // Ms Dana teaches none of this path: no review for her; and in Arabic the pages are right to left.
    let dana = person(&app, &alpha, "t2").await;
    assert_eq!(
        page(&app, &format!("/labs/attempts/{attempt}"), &dana.session)
            .await
            .0,
        404
    );
    let response = browser()
        .post(app.url("/lang"))
        .header(header::COOKIE, format!("cb_session={}", karim.session))
        .form(&[("csrf", karim.csrf.as_str()), ("lang", "ar")])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection() || response.status().is_success());
    let (_, review) = page(&app, &format!("/labs/attempts/{attempt}"), &karim.session).await;
    assert!(
        review.contains("dir=\"rtl\"") && review.contains("القراءات المأخوذة"),
        "{review}"
    );
}

async fn attempts_beyond_max_attempts_and_outside_the_window_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    setup_school(&alpha).await;
    create_path(&alpha, "lp-1", json!({"max_attempts": 1})).await;
    let sara = person(&app, &alpha, "s1").await;
    let (_, home) = page(&app, "/home", &sara.session).await;
    let path_id = first_path_id(&home);
    let (_, attempt, _) = start(&app, &sara, path_id).await;
    let (status, _) = careful_ohms_law(&app, &sara, attempt.unwrap()).await;
    assert_eq!(status, 200);
    let (status, _, body) = start(&app, &sara, path_id).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("used all your attempts"), "{body}");
    // A path that opens tomorrow and one that closed yesterday.
    let day = 24 * 3600 * 1000;
    let now = app.clock.now_millis();
    let at = |millis: i64| json!(millis / 1000);
    create_path(
        &alpha,
        "lp-later",
        json!({"start_at": at(now + day), "end_at": at(now + 2 * day)}),
    )
    .await;
    create_path(
        &alpha,
        "lp-over",
        json!({"start_at": at(now - 2 * day), "end_at": at(now - day)}),
    )
    .await;
    let (_, home) = page(&app, "/home", &sara.session).await;
    assert_eq!(
        home.matches("class=\"muted window-closed\"").count(),
        2,
        "{home}"
    );
    let ids: Vec<i64> = home
        .match_indices("data-path=\"")
        .map(|(i, _)| home[i + 11..].split('"').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(ids.len(), 3);
    let (status, _, body) = start(&app, &sara, ids[1]).await;
    assert_eq!(status, 403);
    assert!(body.contains("opens at"), "{body}");
    let (status, _, body) = start(&app, &sara, ids[2]).await;
    assert_eq!(status, 403);
    assert!(body.contains("closed at"), "{body}");
    // A day later the first one opens.
    app.clock.advance(day / 1000 + 60);
    let (status, attempt, _) = start(&app, &sara, ids[1]).await;
    assert_eq!(status, 303);
    assert!(attempt.is_some());
}

async fn an_attempt_left_open_expires(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    setup_school(&alpha).await;
    create_path(&alpha, "lp-1", json!({"max_attempts": 2})).await;
    let sara = person(&app, &alpha, "s1").await;
    let (_, home) = page(&app, "/home", &sara.session).await;
    let path_id = first_path_id(&home);
    let (_, attempt, _) = start(&app, &sara, path_id).await;
    let attempt = attempt.unwrap();
    let (status, _) = lab_call(
        &app,
        &sara,
        attempt,
        "observe",
        &json!({"setup": {"supply_voltage": 3}}),
    )
    .await;
    assert_eq!(status, 200);
    app.clock.advance(classbridge_service_attempt_seconds() + 1);
    let (status, answer) = lab_call(
        &app,
        &sara,
        attempt,
        "observe",
        &json!({"setup": {"supply_voltage": 6}}),
    )
    .await;
    assert_eq!(status, 410, "{answer}");
    assert_eq!(answer["reason"], "expired");
    let (status, _) = lab_call(
        &app,
        &sara,
        attempt,
        "submit",
        &json!({"readings": [], "result": {}}),
    )
    .await;
    assert_eq!(status, 410);
    // The expired attempt counts; the next start is a new attempt, the last one.
    let (status, next, _) = start(&app, &sara, path_id).await;
    assert_eq!(status, 303);
    assert_ne!(next, Some(attempt));
    let (_, home) = page(&app, "/home", &sara.session).await;
    assert!(home.contains("0 / 2") && home.contains("expired"), "{home}");
}

/// The attempt duration the server uses (two hours).
fn classbridge_service_attempt_seconds() -> i64 {
    2 * 60 * 60
}

async fn a_forged_score_is_ignored_and_a_submission_is_final(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alpha = app.tenant("alpha").await;
    setup_school(&alpha).await;
    let token = create_path(&alpha, "lp-1", json!({})).await;
    let sara = person(&app, &alpha, "s1").await;
    let (_, home) = page(&app, "/home", &sara.session).await;
    let (_, attempt, _) = start(&app, &sara, first_path_id(&home)).await;
    let attempt = attempt.unwrap();
    let forged = json!({"readings": [{"supply_voltage": 1, "voltage": 1, "current": 1}],
                        "result": {"resistance": 1, "resistance_unit": "ohm"},
                        "score": 100, "grade": {"score": 100}, "lines": []});
    let (status, graded) = lab_call(&app, &sara, attempt, "submit", &forged).await;
    assert_eq!(status, 200, "{graded}");
    assert!(graded["score"].as_i64().unwrap() < 50, "{graded}");
    assert!(graded["lines"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["earned"] != l["possible"]));
    let stored = app
        .count_in_database(&format!(
            "SELECT score FROM lab_attempts WHERE id = {attempt}"
        ))
        .await;
    assert_eq!(stored, graded["score"].as_i64().unwrap());
    // Once submitted, an attempt takes no readings and no second submission.
    let (status, answer) = lab_call(&app, &sara, attempt, "submit", &forged).await;
    assert_eq!(status, 409, "{answer}");
    let (status, _) = lab_call(
        &app,
        &sara,
        attempt,
        "observe",
        &json!({"setup": {"supply_voltage": 3}}),
    )
    .await;
    assert_eq!(status, 409);
    let (status, book) = crate::harness::send(
        alpha
            .get("/api/v2/learning-path/teacher/lp-1/grades")
            .header("experiment-token", &token),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(book["data"][2]["best_score"], stored);
}

async fn attempts_belong_to_their_student_and_tenant(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (alpha, beta) = app.two_tenants().await;
    setup_school(&alpha).await;
    setup_school(&beta).await;
    create_path(&alpha, "lp-1", json!({})).await;
    let sara = person(&app, &alpha, "s1").await;
    let (_, home) = page(&app, "/home", &sara.session).await;
    let path_id = first_path_id(&home);
    let (_, attempt, _) = start(&app, &sara, path_id).await;
    let attempt = attempt.unwrap();
    // Another student of the same section, and the same student's twin in another tenant, get nothing.
    let omar = person(&app, &alpha, "s2").await;
    let twin = person(&app, &beta, "s1").await;
    for who in [&omar, &twin] {
        assert_eq!(
            page(&app, &format!("/labs/attempts/{attempt}"), &who.session)
                .await
                .0,
            404
        );
        let (status, _) = lab_call(
            &app,
            who,
            attempt,
            "observe",
            &json!({"setup": {"supply_voltage": 3}}),
        )
        .await;
        assert_eq!(status, 404);
    }
    // The twin cannot start a path of another tenant.
    assert_eq!(start(&app, &twin, path_id).await.0, 404);
    let (_, twin_home) = page(&app, "/home", &twin.session).await;
    assert!(!twin_home.contains("data-path=\""));
    // Without the CSRF header, or with a wrong one, a call is refused.
    let response = browser()
        .post(app.url(&format!("/labs/attempts/{attempt}/observe")))
        .header(header::COOKIE, format!("cb_session={}", sara.session))
        .json(&json!({"setup": {"supply_voltage": 3}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let forged = super::Person {
        session: sara.session.clone(),
        csrf: "nope".into(),
    };
    assert_eq!(
        lab_call(&app, &forged, attempt, "observe", &json!({"setup": {}}))
            .await
            .0,
        403
    );
    // Signed out, there is no lab page.
    let response = browser()
        .get(app.url(&format!("/labs/attempts/{attempt}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}
