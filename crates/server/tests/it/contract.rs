//! The contract as a document: `/openapi.json` against its reviewed snapshot (any change of the contract shows in
//! review and fails CI until the snapshot is updated), and `/docs` rendering every operation of it offline.
//!
//! To accept a deliberate change of the document: `INSTA_UPDATE=always cargo nextest run -p classbridge --test it
//! contract::openapi_document` (or run it without the variable, which leaves a `.snap.new` outside CI, and
//! `cargo insta review`), then commit `tests/it/snapshots/it__contract__openapi.snap`.

use reqwest::Method;

use crate::harness::{Backend, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_document_matches_its_snapshot() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    // The snapshot is the pretty form of what is served, so that a review diff shows one change a line.
    let document = app.openapi().await;
    let pretty = serde_json::to_string_pretty(&document).unwrap();
    insta::assert_snapshot!("openapi", pretty);
}

/// Every `$ref` of the document, with the JSON pointer of where it stands.
fn references(value: &serde_json::Value, at: &str, found: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                let here = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                match (key.as_str(), inner) {
                    ("$ref", serde_json::Value::String(target)) => {
                        found.push((here, target.clone()))
                    }
                    _ => references(inner, &here, found),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for (index, inner) in items.iter().enumerate() {
                references(inner, &format!("{at}/{index}"), found);
            }
        }
        _ => {}
    }
}

/// What a client generator needs beyond a valid-looking document: every `$ref` names something the document
/// holds (a dangling one makes openapi-python-client drop the operation and schemathesis refuse it), and no two
/// encodings of one request body share a schema (a generated client then cannot tell which encoding to send).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_document_refers_only_to_what_it_holds_and_types_each_body_encoding_apart() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let document = app.openapi().await;
    let mut found = Vec::new();
    references(&document, "", &mut found);
    assert!(
        found
            .iter()
            .any(|(_, target)| target == "#/components/schemas/ErrorBody"),
        "the walk finds the document's references"
    );
    let dangling: Vec<_> = found
        .iter()
        .filter(|(_, target)| {
            target
                .strip_prefix('#')
                .is_none_or(|pointer| document.pointer(pointer).is_none())
        })
        .collect();
    assert!(dangling.is_empty(), "references to nothing: {dangling:?}");

    let mut shared = Vec::new();
    for (method, path) in operations(&document) {
        let content = &document["paths"][&path][&method]["requestBody"]["content"];
        let Some(content) = content.as_object() else {
            continue;
        };
        let mut seen = std::collections::BTreeMap::new();
        for (content_type, media) in content {
            let Some(target) = media["schema"]["$ref"].as_str() else {
                continue;
            };
            if let Some(first) = seen.insert(target.to_owned(), content_type.clone()) {
                shared.push(format!(
                    "{method} {path}: {first} and {content_type} both {target}"
                ));
            }
        }
    }
    assert!(
        shared.is_empty(),
        "body encodings sharing a schema: {shared:#?}"
    );
}

/// `(method, path)` of every operation of the document.
fn operations(document: &serde_json::Value) -> Vec<(String, String)> {
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in ["get", "put", "post", "delete", "patch", "head", "options"] {
            if item.get(method).is_some() {
                operations.push((method.to_owned(), path.clone()));
            }
        }
    }
    operations
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn docs_page_shows_every_operation_offline_with_a_search_box() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let document = app.openapi().await;
    let response = app.anonymous(Method::GET, "/docs").send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("default-src 'none'"), "{policy}");
    let page = response.text().await.unwrap();

    let operations = operations(&document);
    assert!(operations.len() >= 30, "{} operations", operations.len());
    for (method, path) in &operations {
        let heading = format!(
            "<span class=\"m m-{method}\">{method}</span> <code>{}</code>",
            escape(path)
        );
        assert!(page.contains(&heading), "no {method} {path} on /docs");
    }
    for tag in document["tags"].as_array().unwrap() {
        let name = tag["name"].as_str().unwrap();
        assert!(
            page.contains(&format!("<h2>{}</h2>", escape(name))),
            "{name}"
        );
    }
    assert!(page.contains("<input type=\"search\" id=\"search\""));
    assert!(page.contains("<nav class=\"sidebar\""));
    // Every named schema has its section, and the example bodies are there.
    for name in document["components"]["schemas"]
        .as_object()
        .unwrap()
        .keys()
    {
        assert!(
            page.contains(&format!("<h3>{}</h3>", escape(name))),
            "{name}"
        );
    }
    assert!(page.contains("Example answer"));

    // Nothing is loaded from elsewhere: every src and href stays on this server.
    for attribute in ["src=\"", "href=\"", "src='", "href='"] {
        for (index, _) in page.match_indices(attribute) {
            let target = &page[index + attribute.len()..];
            let target = &target[..target.find(['"', '\'']).unwrap_or(target.len())];
            assert!(
                target.starts_with('#') || (target.starts_with('/') && !target.starts_with("//")),
                "{attribute}{target} leaves the server"
            );
        }
    }
    assert!(!page.contains("@import") && !page.contains("url("));
}
