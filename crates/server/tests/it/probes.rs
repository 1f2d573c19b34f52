//! Authorization probes as a suite (issue 13): every route of the server, read from the router itself, is called
//! with a credential of ANOTHER tenant and with a credential of ANOTHER branch of the victim's tenant, each aimed at
//! the victim's data, and must answer the status of its row. A route with no row fails the test, as does a row for a
//! route that no longer exists. Partner routes are probed with partner tokens (the intruder's; the victim's branch
//! 1 token against branch 2), pages with sessions (an intruder's student; a branch 1 student of the victim), and the
//! ClassIn API with SIDs (the intruder school's signed requests; a partner token, which opens no ClassIn call). Every
//! answer must also not show a victim name, and after all probes the victim's data must be as it was.

mod tables;
mod world;

use std::collections::BTreeSet;

use reqwest::{header, Method};
use serde_json::Value;

use self::{
    tables::{classin_v2_rows, rows, Kind, Row, CLASSIN_V1},
    world::{World, BRANCH_MARKER, TENANT_MARKER},
};
use crate::{
    both_databases,
    harness::{Backend, TestApp},
    sso::browser,
};

both_databases!(every_route_holds_against_another_tenant_and_another_branch);

/// Which probe is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Probe {
    /// A credential, session or SID of the intruder tenant.
    OtherTenant,
    /// The victim's branch 1 credential (or a branch 1 student's session), aimed at branch 2.
    OtherBranch,
}

impl Probe {
    fn marker(self) -> &'static str {
        match self {
            Self::OtherTenant => TENANT_MARKER,
            Self::OtherBranch => BRANCH_MARKER,
        }
    }
}

/// Calls one row's route as the probe; answers the status and the body's text.
async fn call(app: &TestApp, world: &World, row: &Row, probe: Probe) -> (u16, String) {
    let method = Method::from_bytes(row.method.as_bytes()).unwrap();
    let path = (row.path)(world);
    let body = (row.body)(world);
    let request = match row.kind {
        Kind::Partner | Kind::Public => {
            let tenant = match probe {
                Probe::OtherTenant => &world.intruder,
                Probe::OtherBranch => &world.north,
            };
            let mut request = tenant.request(method, &path);
            if row.route.contains("{subject_uuid}") {
                // Even the victim's own experiment token opens nothing for another credential.
                request = request.header("experiment-token", &world.path_token);
            }
            if body.is_null() {
                request
            } else {
                request.json(&body)
            }
        }
        Kind::Page => {
            let person = match probe {
                Probe::OtherTenant => &world.intruder_student,
                Probe::OtherBranch => &world.north_student,
            };
            let request = browser()
                .request(method.clone(), app.url(&path))
                .header(header::COOKIE, format!("cb_session={}", person.session))
                .header("x-csrf-token", &person.csrf);
            match (method, body.get("form")) {
                (Method::POST, Some(Value::Object(fields))) => {
                    let mut form = vec![("csrf".to_owned(), person.csrf.clone())];
                    form.extend(
                        fields
                            .iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())),
                    );
                    request.form(&form)
                }
                (Method::POST, _) if body.is_null() => {
                    request.form(&[("csrf", person.csrf.as_str()), ("lang", "en")])
                }
                _ if !body.is_null() => request.json(&body),
                _ => request,
            }
        }
    };
    let response = request.send().await.expect("an answer");
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Calls a ClassIn v1 action as the probe; answers the errno and the body's text.
async fn call_v1(world: &World, action: &str, params: Value, probe: Probe) -> (i64, String) {
    let answer = match probe {
        Probe::OtherTenant => world.intruder_school.call(action, params).await,
        Probe::OtherBranch => {
            let mut form = reqwest::multipart::Form::new();
            for (name, value) in params.as_object().unwrap() {
                let text = value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned);
                form = form.text(name.clone(), text);
            }
            let request = world
                .north
                .request(
                    Method::POST,
                    &format!("{}?action={action}", classbridge_api::classin::PATH),
                )
                .multipart(form);
            crate::harness::send(request).await.1
        }
    };
    (
        answer["error_info"]["errno"].as_i64().unwrap_or(-1),
        answer.to_string(),
    )
}

/// Calls a ClassIn v2 endpoint as the probe; answers the code and the body's text.
async fn call_v2(world: &World, path: &str, body: Value, probe: Probe) -> (i64, String) {
    let answer = match probe {
        Probe::OtherTenant => world.intruder_school.v2(path, body).await,
        Probe::OtherBranch => {
            crate::harness::send(world.north.post_json(path, &body))
                .await
                .1
        }
    };
    // A batch that succeeds as a call answers each item's own code: the first item's is the probe's.
    let code = match (answer["code"].as_i64(), answer["data"][0]["code"].as_i64()) {
        (Some(1), Some(item)) => item,
        (code, _) => code.unwrap_or(-1),
    };
    (code, answer.to_string())
}

async fn every_route_holds_against_another_tenant_and_another_branch(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    let rows = rows();
    let v2 = classin_v2_rows();

    // The tables name every route of the router, and nothing else.
    let routes: BTreeSet<(String, String)> = classbridge_api::route_table().into_iter().collect();
    let mut tabled: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.method.to_owned(), r.route.to_owned()))
        .collect();
    assert!(!CLASSIN_V1.is_empty());
    tabled.insert(("ANY".into(), classbridge_api::classin::PATH.into()));
    tabled.extend(
        v2.iter()
            .map(|(path, ..)| ("ANY".to_owned(), (*path).to_owned())),
    );
    let missing: Vec<_> = routes.difference(&tabled).collect();
    let stale: Vec<_> = tabled.difference(&routes).collect();
    assert!(
        missing.is_empty(),
        "routes without a probe row: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "probe rows for routes that do not exist: {stale:?}"
    );

    let before = world.fingerprint(&app).await;
    let mut failures = Vec::new();
    let mut requests = 0;
    for probe in [Probe::OtherTenant, Probe::OtherBranch] {
        let mut check = |what: String, got: i64, expected: i64, text: &str| {
            requests += 1;
            if got != expected {
                failures.push(format!(
                    "{probe:?} {what}: {got}, expected {expected}: {text:.300}"
                ));
            } else if text.contains(probe.marker()) {
                failures.push(format!(
                    "{probe:?} {what} shows {:?}: {text:.600}",
                    probe.marker()
                ));
            }
        };
        for row in &rows {
            let (status, text) = call(&app, &world, row, probe).await;
            let expected = match probe {
                Probe::OtherTenant => row.tenant,
                Probe::OtherBranch => row.branch,
            };
            check(
                format!("{} {}", row.method, row.route),
                status.into(),
                expected.into(),
                &text,
            );
        }
        for (action, params, tenant, branch) in CLASSIN_V1 {
            let (errno, text) = call_v1(&world, action, params(&world), probe).await;
            let expected = if probe == Probe::OtherTenant {
                tenant
            } else {
                branch
            };
            check(format!("ClassIn v1 {action}"), errno, *expected, &text);
        }
        for (path, body, tenant, branch) in &v2 {
            let (code, text) = call_v2(&world, path, body(&world), probe).await;
            let expected = if probe == Probe::OtherTenant {
                tenant
            } else {
                branch
            };
            check(format!("ClassIn v2 {path}"), code, *expected, &text);
        }
    }
    let probed = rows.len() + CLASSIN_V1.len() + v2.len();
    eprintln!(
        "authorization probes: {} routes of the router; {probed} rows ({} routes, {} ClassIn v1 actions, {} ClassIn \
         v2 endpoints) × 2 probes (another tenant, another branch) = {requests} requests",
        routes.len(),
        rows.len(),
        CLASSIN_V1.len(),
        v2.len(),
    );
    assert!(
        failures.is_empty(),
        "{} probes failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let after = world.fingerprint(&app).await;
    assert_eq!(before, after, "the probes changed the victim's data");
}
