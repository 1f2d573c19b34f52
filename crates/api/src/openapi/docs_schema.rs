//! What the `/docs` page says about one JSON schema of the OpenAPI document: `$ref`s followed, a short type label
//! (with links to the named schemas), its limits in words, and the fields of an object, nested ones by dot path, as
//! table rows. Everything returned as HTML is escaped here.

use serde_json::Value;

use super::docs_page::{escape, slug};

/// How deep nested fields and `$ref` chains are followed (recursive schemas stop at their first repetition anyway).
pub const MAX_DEPTH: usize = 8;

/// The schema a local `$ref` (`#/…`) points to, with the name it is known by; any other schema as it is.
pub fn resolve<'a>(document: &'a Value, schema: &'a Value) -> (&'a Value, Option<&'a str>) {
    let mut current = schema;
    let mut name = None;
    for _ in 0..MAX_DEPTH {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(target) = reference
            .strip_prefix('#')
            .and_then(|pointer| document.pointer(pointer))
        else {
            break;
        };
        name = reference.rsplit('/').next();
        current = target;
    }
    (current, name)
}

/// `oneOf`/`anyOf` of `null` and one other schema (how an optional field is written) → that schema, nullable.
pub fn without_null(schema: &Value) -> (&Value, bool) {
    for key in ["oneOf", "anyOf"] {
        if let Some(variants) = schema.get(key).and_then(Value::as_array) {
            let others: Vec<&Value> = variants.iter().filter(|v| !is_null_type(v)).collect();
            if others.len() == 1 && variants.len() == 2 {
                return (others[0], true);
            }
        }
    }
    let nullable = types(schema).contains(&"null")
        || schema.get("nullable").and_then(Value::as_bool) == Some(true);
    (schema, nullable)
}

fn is_null_type(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
}

/// The schema's `type`, as a list (OpenAPI 3.1 allows `["string", "null"]`).
pub fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(name)) => vec![name.as_str()],
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The properties of an object schema (its `allOf` parts merged, `$ref`s followed) and the names it requires.
pub fn object_parts<'a>(
    document: &'a Value,
    schema: &'a Value,
) -> (Vec<(&'a str, &'a Value)>, Vec<&'a str>) {
    let mut properties = Vec::new();
    let mut required = Vec::new();
    collect_object_parts(document, schema, 0, &mut properties, &mut required);
    (properties, required)
}

fn collect_object_parts<'a>(
    document: &'a Value,
    schema: &'a Value,
    depth: usize,
    properties: &mut Vec<(&'a str, &'a Value)>,
    required: &mut Vec<&'a str>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let (schema, _) = resolve(document, schema);
    if let Some(map) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in map {
            if !properties.iter().any(|(known, _)| *known == name.as_str()) {
                properties.push((name.as_str(), property));
            }
        }
    }
    if let Some(names) = schema.get("required").and_then(Value::as_array) {
        required.extend(names.iter().filter_map(Value::as_str));
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        for part in parts {
            collect_object_parts(document, part, depth + 1, properties, required);
        }
    }
}

/// Whether the schema (after `$ref`s) describes an object with named fields.
pub fn has_fields(document: &Value, schema: &Value) -> bool {
    let (schema, _) = resolve(document, without_null(schema).0);
    schema.get("properties").is_some()
        || schema
            .get("allOf")
            .and_then(Value::as_array)
            .is_some_and(|parts| parts.iter().any(|part| has_fields(document, part)))
}

/// A short HTML label of the schema's type: `string (date-time)`, `array of <a>User</a>`, `integer or null`.
pub fn type_label(schema: &Value) -> String {
    label(schema, 0)
}

fn label(schema: &Value, depth: usize) -> String {
    if depth > MAX_DEPTH {
        return "…".into();
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return format!(
            "<a href=\"#schema-{}\">{}</a>",
            escape(&slug(name)),
            escape(name)
        );
    }
    if let Some(value) = schema.get("const") {
        return format!("<code>{}</code>", escape(&value.to_string()));
    }
    for (key, joiner) in [("oneOf", " or "), ("anyOf", " or "), ("allOf", " and ")] {
        if let Some(variants) = schema.get(key).and_then(Value::as_array) {
            let labels: Vec<String> = variants
                .iter()
                .map(|variant| label(variant, depth + 1))
                .collect();
            if !labels.is_empty() {
                return labels.join(joiner);
            }
        }
    }
    let names = types(schema);
    let mut parts: Vec<String> = names
        .iter()
        .filter(|name| **name != "null")
        .map(|name| match *name {
            "array" => match schema.get("items") {
                Some(items) => format!("array of {}", label(items, depth + 1)),
                None => "array".into(),
            },
            "object" => match schema.get("additionalProperties") {
                Some(values) if values.is_object() && schema.get("properties").is_none() => {
                    format!("map of {}", label(values, depth + 1))
                }
                _ => "object".into(),
            },
            other => match schema.get("format").and_then(Value::as_str) {
                Some(format) => format!("{} ({})", escape(other), escape(format)),
                None => escape(other),
            },
        })
        .collect();
    if parts.is_empty() {
        parts.push(if schema.get("properties").is_some() {
            "object".into()
        } else if names.contains(&"null") {
            "null".into()
        } else {
            "any".into()
        });
    } else if names.contains(&"null") {
        parts.push("null".into());
    }
    parts.join(" or ")
}

/// The schema's limits in words (plain text, not yet escaped): enums, bounds, lengths, patterns, defaults.
pub fn limits(document: &Value, schema: &Value) -> Vec<String> {
    let (schema, _) = without_null(schema);
    let (schema, _) = resolve(document, schema);
    let mut said = Vec::new();
    let number = |key: &str| {
        schema
            .get(key)
            .filter(|v| v.is_number())
            .map(Value::to_string)
    };
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let values: Vec<String> = values.iter().map(compact).collect();
        said.push(format!("one of: {}", values.join(", ")));
    }
    if let Some(n) = number("minimum") {
        said.push(format!("≥ {n}"));
    }
    if let Some(n) = number("exclusiveMinimum") {
        said.push(format!("> {n}"));
    }
    if let Some(n) = number("maximum") {
        said.push(format!("≤ {n}"));
    }
    if let Some(n) = number("exclusiveMaximum") {
        said.push(format!("< {n}"));
    }
    if let Some(n) = number("multipleOf") {
        said.push(format!("a multiple of {n}"));
    }
    if let Some(n) = number("minLength") {
        said.push(format!("at least {n} characters"));
    }
    if let Some(n) = number("maxLength") {
        said.push(format!("at most {n} characters"));
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        said.push(format!("pattern {pattern}"));
    }
    if let Some(n) = number("minItems") {
        said.push(format!("at least {n} items"));
    }
    if let Some(n) = number("maxItems") {
        said.push(format!("at most {n} items"));
    }
    if schema.get("uniqueItems").and_then(Value::as_bool) == Some(true) {
        said.push("unique items".into());
    }
    if let Some(default) = schema.get("default") {
        said.push(format!("default {}", compact(default)));
    }
    for (flag, words) in [
        ("readOnly", "read-only"),
        ("writeOnly", "write-only"),
        ("deprecated", "deprecated"),
    ] {
        if schema.get(flag).and_then(Value::as_bool) == Some(true) {
            said.push(words.into());
        }
    }
    if types(schema).contains(&"array") {
        if let Some(items) = schema.get("items") {
            let inner = limits(document, items);
            if !inner.is_empty() {
                said.push(format!("each: {}", inner.join(", ")));
            }
        }
    }
    said
}

fn compact(value: &Value) -> String {
    match value {
        Value::String(text) => format!("\"{text}\""),
        other => other.to_string(),
    }
}

/// The description written on the field itself, else the one of the schema it refers to.
pub fn description<'a>(document: &'a Value, schema: &'a Value) -> &'a str {
    let own = schema.get("description").and_then(Value::as_str);
    own.or_else(|| {
        let (inner, _) = without_null(schema);
        let (resolved, _) = resolve(document, inner);
        resolved
            .get("description")
            .and_then(Value::as_str)
            .or_else(|| {
                inner
                    .get("allOf")
                    .and_then(Value::as_array)
                    .and_then(|parts| parts.first())
                    .and_then(|part| part.get("description"))
                    .and_then(Value::as_str)
            })
    })
    .unwrap_or("")
}

/// One field of a body, by its dot path (`branches[].classes[].name`).
pub struct FieldRow {
    pub path: String,
    /// The type, `or null` included when the field may be null.
    pub type_html: String,
    pub required: bool,
    pub limits: Vec<String>,
    pub description: String,
}

/// The fields of an object schema and of the objects inside it (arrays as `name[]`, maps as `name.{key}`).
pub fn field_rows(document: &Value, schema: &Value) -> Vec<FieldRow> {
    let mut rows = Vec::new();
    let (inner, _) = without_null(schema);
    let (resolved, _) = resolve(document, inner);
    let prefix = if types(resolved).contains(&"array") && resolved.get("properties").is_none() {
        match resolved.get("items") {
            Some(items) => {
                collect_rows(document, items, "[].", 0, &mut Vec::new(), &mut rows);
                return rows;
            }
            None => "",
        }
    } else {
        ""
    };
    collect_rows(document, schema, prefix, 0, &mut Vec::new(), &mut rows);
    rows
}

fn collect_rows<'a>(
    document: &'a Value,
    schema: &'a Value,
    prefix: &str,
    depth: usize,
    stack: &mut Vec<&'a str>,
    rows: &mut Vec<FieldRow>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let (inner, _) = without_null(schema);
    let (resolved, name) = resolve(document, inner);
    if let Some(name) = name {
        if stack.contains(&name) {
            return;
        }
        stack.push(name);
    }
    let (properties, required) = object_parts(document, resolved);
    for (field, property) in properties {
        let path = format!("{prefix}{field}");
        let (property_inner, nullable) = without_null(property);
        let mut type_html = type_label(property_inner);
        if nullable && !type_html.ends_with("null") {
            type_html.push_str(" or null");
        }
        rows.push(FieldRow {
            path: path.clone(),
            type_html,
            required: required.contains(&field),
            limits: limits(document, property),
            description: description(document, property).to_owned(),
        });
        let (target, _) = resolve(document, property_inner);
        if has_fields(document, property_inner) {
            collect_rows(
                document,
                property_inner,
                &format!("{path}."),
                depth + 1,
                stack,
                rows,
            );
        } else if types(target).contains(&"array") {
            if let Some(items) = target.get("items") {
                if has_fields(document, items) {
                    collect_rows(
                        document,
                        items,
                        &format!("{path}[]."),
                        depth + 1,
                        stack,
                        rows,
                    );
                }
            }
        } else if let Some(values) = target
            .get("additionalProperties")
            .filter(|values| has_fields(document, values))
        {
            collect_rows(
                document,
                values,
                &format!("{path}.{{key}}."),
                depth + 1,
                stack,
                rows,
            );
        }
    }
    if name.is_some() {
        stack.pop();
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn document() -> Value {
        json!({"components": {"schemas": {
            "Branch": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "integer", "format": "int64", "minimum": 1},
                "classes": {"type": "array", "items": {"$ref": "#/components/schemas/Class"}},
                "parent": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Branch"}]}
            }},
            "Class": {"type": "object", "description": "A class", "properties": {
                "name": {"type": "string", "maxLength": 100}
            }}
        }}})
    }

    #[test]
    fn nested_fields_come_by_dot_path_and_recursion_stops() {
        let document = document();
        let rows = field_rows(&document, &json!({"$ref": "#/components/schemas/Branch"}));
        let paths: Vec<&str> = rows.iter().map(|row| row.path.as_str()).collect();
        assert_eq!(paths, ["id", "classes", "classes[].name", "parent"]);
        assert!(rows[0].required && !rows[1].required);
        assert_eq!(rows[0].limits, ["≥ 1"]);
        assert_eq!(rows[2].limits, ["at most 100 characters"]);
        assert_eq!(
            rows[3].type_html,
            "<a href=\"#schema-Branch\">Branch</a> or null"
        );
        assert_eq!(
            rows[1].type_html,
            "array of <a href=\"#schema-Class\">Class</a>"
        );
    }

    #[test]
    fn labels_name_formats_and_null() {
        assert_eq!(
            type_label(&json!({"type": ["string", "null"], "format": "date-time"})),
            "string (date-time) or null"
        );
        assert_eq!(
            type_label(
                &json!({"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}})
            ),
            "map of array of string"
        );
    }
}
