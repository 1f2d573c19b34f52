//! One named schema per encoding of a request body. An operation that reads the same fields as JSON and as forms
//! documents each encoding with the same schema; a client generator that gives each encoding of a body its own
//! type and picks the encoding by the type of the body passed (openapi-python-client does) then finds all three
//! encodings matching and sends every body as the last one, multipart. So each form encoding of such a body gets
//! its own schema, `<Name>Form` (`application/x-www-form-urlencoded`) and `<Name>Multipart`
//! (`multipart/form-data`): the fields of `<Name>` (`allOf` of it and an object), while JSON keeps `<Name>`.

use std::collections::{BTreeMap, BTreeSet};

use utoipa::openapi::{AllOfBuilder, ObjectBuilder, OpenApi, Ref, RefOr, Schema};

const SCHEMAS: &str = "#/components/schemas/";

/// The encodings that get their own schema, with the suffix of its name.
const FORM_ENCODINGS: [(&str, &str); 2] = [
    ("application/x-www-form-urlencoded", "Form"),
    ("multipart/form-data", "Multipart"),
];

/// Gives each form encoding of a body documented with one shared named schema a schema of its own (see the module).
/// A name already taken by another schema is left alone (that encoding keeps the shared schema).
pub(super) fn name_each_encoding(document: &mut OpenApi) {
    let taken: BTreeSet<String> = document
        .components
        .as_ref()
        .map(|components| components.schemas.keys().cloned().collect())
        .unwrap_or_default();
    let mut added: BTreeMap<String, RefOr<Schema>> = BTreeMap::new();
    for item in document.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            let Some(body) = operation.request_body.as_mut() else {
                continue;
            };
            let Some(name) = shared_schema(body.content.values().map(|c| &c.schema)) else {
                continue;
            };
            if body.content.len() < 2 {
                continue;
            }
            for (content_type, content) in &mut body.content {
                let Some((_, suffix)) = FORM_ENCODINGS
                    .iter()
                    .find(|(encoding, _)| encoding == content_type)
                else {
                    continue;
                };
                let encoded = format!("{name}{suffix}");
                if taken.contains(&encoded) {
                    continue;
                }
                added
                    .entry(encoded.clone())
                    .or_insert_with(|| encoding_schema(&name, content_type));
                content.schema = Some(RefOr::Ref(Ref::from_schema_name(encoded)));
            }
        }
    }
    if !added.is_empty() {
        document
            .components
            .get_or_insert_with(Default::default)
            .schemas
            .extend(added);
    }
}

/// The name of the component schema every content type of a body refers to, when they all refer to the same one.
fn shared_schema<'a>(schemas: impl Iterator<Item = &'a Option<RefOr<Schema>>>) -> Option<String> {
    let mut shared: Option<&str> = None;
    for schema in schemas {
        let Some(RefOr::Ref(reference)) = schema else {
            return None;
        };
        let name = reference.ref_location.strip_prefix(SCHEMAS)?;
        match shared {
            Some(earlier) if earlier != name => return None,
            _ => shared = Some(name),
        }
    }
    shared.map(str::to_owned)
}

fn encoding_schema(name: &str, content_type: &str) -> RefOr<Schema> {
    RefOr::T(Schema::AllOf(
        AllOfBuilder::new()
            .item(Ref::from_schema_name(name))
            .item(ObjectBuilder::new())
            .description(Some(format!(
                "The fields of `{name}`, sent as `{content_type}`."
            )))
            .build(),
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;

    fn document(content: Value) -> OpenApi {
        serde_json::from_value(json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/things": {"post": {
                "requestBody": {"content": content},
                "responses": {"200": {"description": "ok"}}
            }}},
            "components": {"schemas": {
                "Thing": {"type": "object", "properties": {"name": {"type": "string"}}},
                "ThingMultipart": {"type": "string"}
            }}
        }))
        .expect("a document")
    }

    fn reference(name: &str) -> Value {
        json!({"schema": {"$ref": format!("#/components/schemas/{name}")}})
    }

    #[test]
    fn each_form_encoding_of_a_shared_schema_gets_its_own_and_json_keeps_it() {
        let mut openapi = document(json!({
            "application/json": reference("Thing"),
            "application/x-www-form-urlencoded": reference("Thing"),
        }));
        name_each_encoding(&mut openapi);
        let value = serde_json::to_value(&openapi).expect("json");
        let content = &value["paths"]["/things"]["post"]["requestBody"]["content"];
        assert_eq!(content["application/json"], reference("Thing"));
        assert_eq!(
            content["application/x-www-form-urlencoded"],
            reference("ThingForm")
        );
        assert_eq!(
            value["components"]["schemas"]["ThingForm"],
            json!({
                "allOf": [{"$ref": "#/components/schemas/Thing"}, {"type": "object"}],
                "description": "The fields of `Thing`, sent as `application/x-www-form-urlencoded`."
            })
        );
    }

    #[test]
    fn a_taken_name_different_schemas_and_a_single_encoding_are_left_alone() {
        let mut openapi = document(json!({
            "application/json": reference("Thing"),
            "multipart/form-data": reference("Thing"),
        }));
        name_each_encoding(&mut openapi);
        let value = serde_json::to_value(&openapi).expect("json");
        let content = &value["paths"]["/things"]["post"]["requestBody"]["content"];
        assert_eq!(content["multipart/form-data"], reference("Thing"));
        assert_eq!(
            value["components"]["schemas"]["ThingMultipart"],
            json!({"type": "string"})
        );

        for content in [
            json!({"application/json": reference("Thing"), "application/x-www-form-urlencoded": reference("Other")}),
            json!({"application/x-www-form-urlencoded": reference("Thing")}),
        ] {
            let mut openapi = document(content.clone());
            name_each_encoding(&mut openapi);
            let value = serde_json::to_value(&openapi).expect("json");
            assert_eq!(
                value["paths"]["/things"]["post"]["requestBody"]["content"],
                content
            );
            assert!(value["components"]["schemas"].get("ThingForm").is_none());
        }
    }
}
