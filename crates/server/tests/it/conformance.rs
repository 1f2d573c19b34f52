//! Checking real answers against the OpenAPI document: [`assert_conforms`] finds the operation's documented answer
//! for a status and validates the body against its schema (JSON Schema 2020-12, `$ref`s into
//! `#/components/schemas` resolved in the document itself), failing with every error and its path. The document
//! [`document`] fetches has every object closed to the properties it documents ([`closed`]), so a field the server
//! sends but the document does not name fails too.
//!
//! Reusable by any test: fetch the document once ([`document`]), then call [`assert_conforms`] (or [`check_answer`]
//! to send and check in one go, with the media type the server answered) for each answer.

use reqwest::RequestBuilder;
use serde_json::{json, Value};

/// The document exactly as the running server serves it at `/openapi.json` (`TestApp::openapi` for a test app).
pub async fn served_document(client: &reqwest::Client, base_url: &str) -> Value {
    let response = client
        .get(format!("{base_url}/openapi.json"))
        .send()
        .await
        .expect("/openapi.json answers");
    assert_eq!(response.status(), 200);
    response.json().await.expect("/openapi.json is JSON")
}

/// The document as the running server serves it at `/openapi.json`, with every object schema closed.
pub async fn document(client: &reqwest::Client, base_url: &str) -> Value {
    let mut document = served_document(client, base_url).await;
    let schemas = document["components"]["schemas"].clone();
    merge_all_of(&mut document, &schemas);
    closed(&mut document);
    document
}

/// Each `allOf` of object schemas (a `$ref`'d component and the fields added beside it, as `#[serde(flatten)]`
/// writes them) becomes one object schema with the union of their properties and required fields, so that closing
/// it ([`closed`]) still lets the members' fields through. An `allOf` with any other member is left as it is.
fn merge_all_of(value: &mut Value, schemas: &Value) {
    match value {
        Value::Object(object) => {
            for (key, item) in object.iter_mut() {
                if key != "example" && key != "examples" {
                    merge_all_of(item, schemas);
                }
            }
            let Some(Value::Array(members)) = object.get("allOf") else {
                return;
            };
            let mut properties = serde_json::Map::new();
            let mut required: Vec<Value> = Vec::new();
            for member in members {
                let mut member = match member["$ref"].as_str() {
                    Some(reference) => {
                        let name = reference.trim_start_matches("#/components/schemas/");
                        schemas[name].clone()
                    }
                    None => member.clone(),
                };
                merge_all_of(&mut member, schemas);
                let only_object_keywords = member.as_object().is_some_and(|member| {
                    member.keys().all(|key| {
                        matches!(
                            key.as_str(),
                            "type" | "properties" | "required" | "description" | "title"
                        )
                    })
                });
                if !only_object_keywords || member["type"] != "object" {
                    return;
                }
                if let Some(member_properties) = member["properties"].as_object() {
                    properties.extend(member_properties.clone());
                }
                if let Some(member_required) = member["required"].as_array() {
                    required.extend(member_required.iter().cloned());
                }
            }
            object.remove("allOf");
            object.insert("type".into(), json!("object"));
            object.insert("properties".into(), Value::Object(properties));
            object.insert("required".into(), Value::Array(required));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| merge_all_of(item, schemas)),
        _ => {}
    }
}

/// Every schema with `properties` and no `additionalProperties` of its own gets `additionalProperties: false`:
/// an answer may carry only the fields its schema names. ([`document`] merges `allOf`s of object schemas first, which
/// closing would break.)
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

/// The media type of an answer: `application/json` when documented, else the only one documented.
fn documented_media_type(content: &serde_json::Map<String, Value>) -> Option<&str> {
    if content.contains_key("application/json") {
        return Some("application/json");
    }
    (content.len() == 1).then(|| content.keys().next().map(String::as_str))?
}

/// Asserts that `path_template` (as in the document, e.g. `/users/{user_id}`) has a `method` operation that
/// documents `status`, and that `body` is valid against that answer's schema (of `application/json` when
/// documented, else of the only media type documented). A text answer (`text/plain`, `text/html`) is passed as a
/// JSON string.
#[track_caller]
pub fn assert_conforms(
    document: &Value,
    method: &str,
    path_template: &str,
    status: u16,
    body: &Value,
) {
    let content = document["paths"][path_template][method.to_ascii_lowercase()]["responses"]
        [status.to_string()]
    .get("content")
    .and_then(Value::as_object)
    .filter(|content| !content.is_empty());
    let media_type = match content {
        Some(content) => Some(documented_media_type(content).unwrap_or_else(|| {
            panic!("{path_template} {status}: which of the media types {content:?} is meant?")
        })),
        None if body.is_null() || body == "" => None,
        // No content documented but a body answered: let the check below say so.
        None => Some("application/json"),
    };
    assert_conforms_as(document, method, path_template, status, media_type, body);
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
        panic!("{shown} {path_template} answered {status}, which it does not document (it documents {documented:?}); body: {body}");
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
    let errors = schema_errors(document, &pointer, body);
    assert!(
        errors.is_empty(),
        "{shown} {path_template} {status}: the body does not conform to {pointer}:\n  {}\nbody: {body:#}",
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

    #[test]
    fn a_flattened_answer_passes_closed_and_an_extra_field_fails() {
        let mut document = json!({
            "openapi": "3.1.0",
            "paths": {"/things": {"post": {"responses": {
                "201": {"description": "A thing and its tags", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TaggedThing"}}}}}}}},
            "components": {"schemas": {
                "Thing": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}},
                "TaggedThing": {"allOf": [{"$ref": "#/components/schemas/Thing"},
                    {"type": "object", "required": ["tags"], "properties": {"tags": {"type": "array"}}}]}}}
        });
        let schemas = document["components"]["schemas"].clone();
        merge_all_of(&mut document, &schemas);
        closed(&mut document);
        let check = |body: Value| {
            let document = document.clone();
            std::panic::catch_unwind(move || {
                assert_conforms(&document, "POST", "/things", 201, &body);
            })
            .is_ok()
        };
        assert!(check(json!({"id": 1, "tags": []})));
        assert!(
            !check(json!({"id": 1})),
            "a required field of the added part missing"
        );
        assert!(
            !check(json!({"id": 1, "tags": [], "extra": 1})),
            "an undocumented field"
        );
    }
}
