//! Checking real answers against the OpenAPI document, strictly: [`check_answer`] sends a request, finds the
//! operation's documented answer for the status it got, and validates the body against that schema (JSON Schema
//! 2020-12, `$ref`s resolved in the document itself) with every object closed to the properties it documents, so
//! that a field the server sends but the document does not name fails too.
//!
//! The same interface as `conformance.rs` of the users helper (issue 15): once that file is on main, the lead may
//! keep one of the two; [`closed`] is what this file adds.

use reqwest::RequestBuilder;
use serde_json::{json, Value};

/// The document as the running server serves it at `/openapi.json`, with every object schema closed.
pub async fn document(client: &reqwest::Client, base_url: &str) -> Value {
    let response = client
        .get(format!("{base_url}/openapi.json"))
        .send()
        .await
        .expect("/openapi.json answers");
    assert_eq!(response.status(), 200);
    let mut document: Value = response.json().await.expect("/openapi.json is JSON");
    closed(&mut document);
    document
}

/// Every schema with `properties` and no `additionalProperties` of its own gets `additionalProperties: false`:
/// an answer may carry only the fields its schema names. (The document's schemas use no `allOf`, which closing
/// would break.)
pub fn closed(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if object.get("properties").is_some_and(Value::is_object)
                && !object.contains_key("additionalProperties")
            {
                object.insert("additionalProperties".into(), Value::Bool(false));
            }
            for (key, item) in object.iter_mut() {
                // Examples are data, not schemas.
                if key != "example" && key != "examples" {
                    closed(item);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(closed),
        _ => {}
    }
}

/// `~` and `/` escaped for a JSON pointer segment, and the braces of path templates for a URI fragment.
fn pointer_segment(text: &str) -> String {
    text.replace('~', "~0")
        .replace('/', "~1")
        .replace('{', "%7B")
        .replace('}', "%7D")
}

/// Asserts that `path_template` has a `method` operation that documents `status` with a body of `media_type`,
/// and that `body` (a JSON value; the text as a JSON string for a text answer, `null` for none) is valid against
/// that answer's schema.
#[track_caller]
pub fn assert_conforms_as(
    document: &Value,
    method: &str,
    path_template: &str,
    status: u16,
    media_type: Option<&str>,
    body: &Value,
) {
    let method = method.to_ascii_lowercase();
    let shown = method.to_uppercase();
    let Some(operation) = document["paths"][path_template].get(&method) else {
        panic!("{shown} {path_template} is not in the document");
    };
    let Some(answer) = operation["responses"].get(status.to_string()) else {
        let documented: Vec<&String> = operation["responses"]
            .as_object()
            .map(|answers| answers.keys().collect())
            .unwrap_or_default();
        panic!("{shown} {path_template} answered {status}, which it does not document ({documented:?}): {body}");
    };
    let content = answer.get("content").and_then(Value::as_object);
    let Some(media_type) = media_type else {
        assert!(
            content.is_none_or(|content| content.is_empty()),
            "{shown} {path_template} {status} answered no body, but the document gives one"
        );
        return;
    };
    let Some(schema) = content.and_then(|content| content.get(media_type)) else {
        panic!("{shown} {path_template} {status} answered {media_type}, which it does not document: {answer}");
    };
    assert!(
        schema.get("schema").is_some(),
        "{shown} {path_template} {status} ({media_type}) documents no schema"
    );
    let pointer = format!(
        "#/paths/{}/{method}/responses/{status}/content/{}/schema",
        pointer_segment(path_template),
        pointer_segment(media_type)
    );
    // The whole document is the root, so that `#/components/schemas/…` resolves; its own keys are no JSON Schema
    // keywords, and `$ref` points at the answer's schema.
    let mut root = document.clone();
    root["$ref"] = json!(pointer);
    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|error| panic!("the schema at {pointer} does not compile: {error}"));
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|error| format!("at `{}`: {error}", error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{shown} {path_template} {status}: the body does not conform to {pointer}:\n  {}\nbody: {body:#}",
        errors.join("\n  ")
    );
}

/// Sends `request` and checks its answer against `method path_template` in `document`; returns the status and
/// the body (JSON; the text as a JSON string when the answer is not JSON; `null` when empty).
pub async fn check_answer(
    document: &Value,
    method: &str,
    path_template: &str,
    request: RequestBuilder,
) -> (u16, Value) {
    let response = request.send().await.expect("the request is answered");
    let status = response.status().as_u16();
    let media_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .map(|value| value.split(';').next().unwrap_or("").trim().to_owned());
    let text = response.text().await.expect("a body");
    let (media_type, body) = match media_type {
        _ if text.is_empty() => (None, Value::Null),
        Some(json) if json == "application/json" => (
            Some(json),
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}")),
        ),
        other => (other, Value::String(text)),
    };
    assert_conforms_as(
        document,
        method,
        path_template,
        status,
        media_type.as_deref(),
        &body,
    );
    (status, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document of one operation whose 200 is `{"id": integer, "name"?: string}` and whose 204 has no body.
    fn tiny_document() -> Value {
        let mut document = json!({
            "openapi": "3.1.0",
            "paths": {"/things/{id}": {"get": {"responses": {
                "200": {"description": "A thing", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                "204": {"description": "Nothing"}}}}},
            "components": {"schemas": {"Thing": {"type": "object", "required": ["id"],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}}}
        });
        closed(&mut document);
        document
    }

    fn refused(body: Value, status: u16, media_type: Option<&'static str>) -> bool {
        let document = tiny_document();
        std::panic::catch_unwind(move || {
            assert_conforms_as(&document, "GET", "/things/{id}", status, media_type, &body);
        })
        .is_err()
    }

    #[test]
    fn the_check_passes_what_the_document_says_and_refuses_the_rest() {
        let json = Some("application/json");
        assert!(!refused(json!({"id": 1, "name": "x"}), 200, json));
        assert!(!refused(Value::Null, 204, None));
        assert!(
            refused(json!({"name": "x"}), 200, json),
            "a required field missing"
        );
        assert!(refused(json!({"id": "1"}), 200, json), "a wrong type");
        assert!(
            refused(json!({"id": 1, "extra": true}), 200, json),
            "an undocumented field"
        );
        assert!(
            refused(json!({"id": 1}), 404, json),
            "an undocumented status"
        );
        assert!(
            refused(json!("<p>"), 200, Some("text/html")),
            "an undocumented media type"
        );
        assert!(
            refused(json!({"id": 1}), 204, json),
            "a body where none is documented"
        );
    }
}
