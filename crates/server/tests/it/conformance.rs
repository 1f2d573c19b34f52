//! Checking real answers against the OpenAPI document: [`assert_conforms`] finds the operation's documented answer
//! for a status and validates the body against its schema (JSON Schema 2020-12, `$ref`s into
//! `#/components/schemas` resolved in the document itself), failing with every error and its path.
//!
//! Reusable by any test: fetch the document once ([`document`]), then call [`assert_conforms`] (or [`check_answer`]
//! to send and check in one go) for each answer.

use reqwest::RequestBuilder;
use serde_json::{json, Value};

/// The document as the running server serves it at `/openapi.json`.
pub async fn document(client: &reqwest::Client, base_url: &str) -> Value {
    let response = client
        .get(format!("{base_url}/openapi.json"))
        .send()
        .await
        .expect("/openapi.json answers");
    assert_eq!(response.status(), 200);
    response.json().await.expect("/openapi.json is JSON")
}

/// `~` and `/` escaped for a JSON pointer segment, and the braces of path templates for a URI fragment.
fn pointer_segment(text: &str) -> String {
    text.replace('~', "~0")
        .replace('/', "~1")
        .replace('{', "%7B")
        .replace('}', "%7D")
}

/// The media type of an answer: `application/json` when documented, else the only one documented.
fn documented_media_type(content: &serde_json::Map<String, Value>) -> Option<&str> {
    if content.contains_key("application/json") {
        return Some("application/json");
    }
    (content.len() == 1).then(|| content.keys().next().map(String::as_str))?
}

/// Asserts that `path_template` (as in the document, e.g. `/users/{user_id}`) has a `method` operation that
/// documents `status`, and that `body` is valid against that answer's schema. A text answer (`text/plain`,
/// `text/html`) is passed as a JSON string.
#[track_caller]
pub fn assert_conforms(
    document: &Value,
    method: &str,
    path_template: &str,
    status: u16,
    body: &Value,
) {
    let method = method.to_ascii_lowercase();
    let Some(operation) = document["paths"][path_template].get(&method) else {
        panic!(
            "{} {path_template} is not in the document",
            method.to_uppercase()
        );
    };
    let Some(answer) = operation["responses"].get(status.to_string()) else {
        let documented: Vec<&String> = operation["responses"]
            .as_object()
            .map(|answers| answers.keys().collect())
            .unwrap_or_default();
        panic!(
            "{} {path_template} answered {status}, which it does not document (it documents {documented:?}); body: {body}",
            method.to_uppercase()
        );
    };
    let Some(content) = answer.get("content").and_then(Value::as_object) else {
        assert!(
            body.is_null() || body == "",
            "{} {path_template} {status} documents no body but answered {body}",
            method.to_uppercase()
        );
        return;
    };
    let media_type = documented_media_type(content).unwrap_or_else(|| {
        panic!("{path_template} {status}: which of the media types {content:?} is meant?")
    });
    assert!(
        content[media_type].get("schema").is_some(),
        "{} {path_template} {status} ({media_type}) documents no schema",
        method.to_uppercase()
    );
    let pointer = format!(
        "#/paths/{}/{method}/responses/{status}/content/{}/schema",
        pointer_segment(path_template),
        pointer_segment(media_type)
    );
    let errors = schema_errors(document, &pointer, body);
    assert!(
        errors.is_empty(),
        "{} {path_template} {status}: the body does not conform to {pointer}:\n  {}\nbody: {body:#}",
        method.to_uppercase(),
        errors.join("\n  ")
    );
}

/// What is wrong with `instance` against the schema at `pointer` (a URI fragment into the document), each error
/// with its path; empty when it is valid.
pub fn schema_errors(document: &Value, pointer: &str, instance: &Value) -> Vec<String> {
    // The whole document is the root, so that `#/components/schemas/…` resolves; its own keys are not JSON Schema
    // keywords and are ignored, and `$ref` points at the schema meant.
    let mut root = document.clone();
    root["$ref"] = json!(pointer);
    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|error| panic!("the schema at {pointer} does not compile: {error}"));
    validator
        .iter_errors(instance)
        .map(|error| format!("at `{}`: {error}", error.instance_path()))
        .collect()
}

/// What is wrong with `body` against the request body `method path_template` documents for `media_type`; empty
/// when it is valid.
pub fn request_errors(
    document: &Value,
    method: &str,
    path_template: &str,
    media_type: &str,
    body: &Value,
) -> Vec<String> {
    let method = method.to_ascii_lowercase();
    assert!(
        document["paths"][path_template][&method]["requestBody"]["content"][media_type]
            .get("schema")
            .is_some(),
        "{} {path_template} documents no {media_type} request body",
        method.to_uppercase()
    );
    let pointer = format!(
        "#/paths/{}/{method}/requestBody/content/{}/schema",
        pointer_segment(path_template),
        pointer_segment(media_type)
    );
    schema_errors(document, &pointer, body)
}

/// Sends `request` and checks its answer against `method path_template` in `document`; returns the status and
/// the body (JSON, or the text as a JSON string when the answer is not JSON).
pub async fn check_answer(
    document: &Value,
    method: &str,
    path_template: &str,
    request: RequestBuilder,
) -> (u16, Value) {
    let response = request.send().await.expect("the request is answered");
    let status = response.status().as_u16();
    let is_json = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    let text = response.text().await.expect("a body");
    let body = if is_json {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
    } else if text.is_empty() {
        Value::Null
    } else {
        Value::String(text)
    };
    assert_conforms(document, method, path_template, status, &body);
    (status, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn served_document() -> Value {
        serde_json::from_str(classbridge_api::openapi::document_json()).unwrap()
    }

    #[test]
    fn a_conforming_answer_passes() {
        assert_conforms(
            &served_document(),
            "DELETE",
            "/users/{user_id}",
            200,
            &json!({"message": "User deleted."}),
        );
    }

    #[test]
    #[should_panic(expected = "does not conform")]
    fn a_body_off_its_schema_is_refused() {
        let user = json!({"id": 1, "name": "Sara", "username": null, "email": null, "uuid": null, "lms_id": null,
                          "active": "yes", "created_at": "2026-01-01T00:00:00.000Z", "updated_at": "2026-01-01T00:00:00.000Z"});
        assert_conforms(&served_document(), "GET", "/users/{user_id}", 200, &user);
    }

    #[test]
    #[should_panic(expected = "does not conform")]
    fn a_component_reached_through_refs_is_checked() {
        // `data[0]` is a `UserJson` reached through `PageBody` and `$ref`s; a wrong time format fails it.
        let page = json!({"data": [{"id": 1, "name": "Sara", "username": null, "email": null, "uuid": null, "lms_id": null,
                          "active": true, "created_at": "yesterday", "updated_at": "2026-01-01T00:00:00.000Z"}],
                          "meta": {"page": 1, "per_page": 100, "total": 1}, "links": {"next": null, "prev": null}});
        assert_conforms(&served_document(), "GET", "/users", 200, &page);
    }

    #[test]
    #[should_panic(expected = "does not document")]
    fn an_undocumented_status_is_refused() {
        assert_conforms(
            &served_document(),
            "GET",
            "/users/{user_id}",
            418,
            &json!({"message": "teapot"}),
        );
    }
}
