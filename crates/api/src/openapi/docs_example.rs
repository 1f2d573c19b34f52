//! Example values for the `/docs` page: the `example`s written in the document where there are some, else a value
//! made from the schema's types, formats and limits; and the PHP-style form fields of such a value.

use serde_json::{Map, Value};

use super::docs_schema::{object_parts, resolve, types, MAX_DEPTH};

/// The example of a media type (`example`, or the first of `examples`), else one made from its schema.
pub fn of_media_type(document: &Value, media_type: &Value) -> Option<Value> {
    if let Some(example) = media_type.get("example") {
        return Some(example.clone());
    }
    if let Some(first) = media_type
        .get("examples")
        .and_then(Value::as_object)
        .and_then(|examples| examples.values().next())
    {
        let (first, _) = resolve(document, first);
        if let Some(value) = first.get("value") {
            return Some(value.clone());
        }
    }
    media_type
        .get("schema")
        .map(|schema| of_schema(document, schema))
}

/// A value that fits the schema: its own examples first, then defaults, enums and values made from the types.
pub fn of_schema(document: &Value, schema: &Value) -> Value {
    build(document, schema, 0, &mut Vec::new())
}

fn build<'a>(
    document: &'a Value,
    schema: &'a Value,
    depth: usize,
    stack: &mut Vec<&'a str>,
) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(first) = schema
        .get("examples")
        .and_then(Value::as_array)
        .and_then(|examples| examples.first())
    {
        return first.clone();
    }
    if let Some(value) = schema.get("const").or_else(|| schema.get("default")) {
        return value.clone();
    }
    if schema.get("$ref").is_some() {
        let (target, name) = resolve(document, schema);
        let Some(name) = name else {
            return Value::Null;
        };
        if stack.contains(&name) {
            return Value::Null;
        }
        stack.push(name);
        let value = build(document, target, depth + 1, stack);
        stack.pop();
        return value;
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|values| values.first())
    {
        return first.clone();
    }
    if schema.get("allOf").is_some() || schema.get("properties").is_some() {
        return object(document, schema, depth, stack);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(variants) = schema.get(key).and_then(Value::as_array) {
            let chosen = variants
                .iter()
                .find(|variant| types(variant) != ["null"])
                .or_else(|| variants.first());
            return chosen.map_or(Value::Null, |variant| {
                build(document, variant, depth + 1, stack)
            });
        }
    }
    let kind = types(schema)
        .into_iter()
        .find(|name| *name != "null")
        .unwrap_or(if types(schema).contains(&"null") {
            "null"
        } else {
            ""
        });
    match kind {
        "object" => match schema.get("additionalProperties") {
            Some(values) if values.is_object() => {
                let mut map = Map::new();
                map.insert("key".into(), build(document, values, depth + 1, stack));
                Value::Object(map)
            }
            _ => Value::Object(Map::new()),
        },
        "array" => match schema.get("items") {
            // A list of the schema being built (a tree) is shown empty rather than as `[null]`.
            Some(items) if !repeats(document, items, stack) => {
                Value::Array(vec![build(document, items, depth + 1, stack)])
            }
            _ => Value::Array(Vec::new()),
        },
        "string" => Value::String(string(schema)),
        "integer" => Value::from(integer(schema)),
        "number" => number(schema),
        "boolean" => Value::Bool(true),
        _ => Value::Null,
    }
}

fn repeats(document: &Value, schema: &Value, stack: &[&str]) -> bool {
    schema.get("$ref").is_some()
        && resolve(document, schema)
            .1
            .is_some_and(|name| stack.contains(&name))
}

fn object<'a>(
    document: &'a Value,
    schema: &'a Value,
    depth: usize,
    stack: &mut Vec<&'a str>,
) -> Value {
    let (properties, _) = object_parts(document, schema);
    let mut map = Map::new();
    for (name, property) in properties {
        map.insert(name.into(), build(document, property, depth + 1, stack));
    }
    Value::Object(map)
}

fn string(schema: &Value) -> String {
    let text = match schema.get("format").and_then(Value::as_str) {
        Some("date-time") => "2026-09-01T08:00:00Z",
        Some("date") => "2026-09-01",
        Some("time") => "08:00:00",
        Some("email") => "name@example.org",
        Some("uri" | "url") => "https://school.example.org/",
        Some("uuid") => "0f8fad5b-d9cb-469f-a165-70867728950e",
        Some("binary") => "(file contents)",
        Some("byte") => "aGVsbG8=",
        Some("password") => "correct-horse-battery",
        _ => "string",
    };
    let mut text = text.to_owned();
    let length = |key: &str| {
        schema
            .get(key)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
    };
    if let Some(min) = length("minLength") {
        while text.chars().count() < min {
            text.push('x');
        }
    }
    if let Some(max) = length("maxLength") {
        text = text.chars().take(max).collect();
    }
    text
}

fn integer(schema: &Value) -> i64 {
    let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
    let mut value = 1_f64;
    if let Some(min) = bound("minimum") {
        value = value.max(min.ceil());
    }
    if let Some(min) = bound("exclusiveMinimum") {
        value = value.max(min.floor() + 1.0);
    }
    if let Some(max) = bound("maximum") {
        value = value.min(max.floor());
    }
    if let Some(max) = bound("exclusiveMaximum") {
        value = value.min(max.ceil() - 1.0);
    }
    value as i64
}

fn number(schema: &Value) -> Value {
    let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
    let mut value = 1.5_f64;
    if let Some(min) = bound("minimum").or_else(|| bound("exclusiveMinimum")) {
        value = value.max(min + 0.5);
    }
    if let Some(max) = bound("maximum").or_else(|| bound("exclusiveMaximum")) {
        value = value.min(max - 0.5);
    }
    serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number)
}

/// The value as PHP-style form fields, one `key=value` a line (`data[0][name]=…`), unencoded for reading.
pub fn form_fields(value: &Value) -> String {
    let mut lines = Vec::new();
    form_lines(value, "", &mut lines);
    lines.join("\n")
}

fn form_lines(value: &Value, key: &str, lines: &mut Vec<String>) {
    let nested = |inner: &str| {
        if key.is_empty() {
            inner.to_owned()
        } else {
            format!("{key}[{inner}]")
        }
    };
    match value {
        Value::Object(map) => {
            for (name, inner) in map {
                form_lines(inner, &nested(name), lines);
            }
        }
        Value::Array(items) => {
            for (index, inner) in items.iter().enumerate() {
                form_lines(inner, &nested(&index.to_string()), lines);
            }
        }
        Value::Null => lines.push(format!("{key}=")),
        Value::String(text) => lines.push(format!("{key}={text}")),
        Value::Bool(flag) => lines.push(format!("{key}={}", u8::from(*flag))),
        Value::Number(number) => lines.push(format!("{key}={number}")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn examples_win_then_types_fill_in_and_recursion_ends() {
        let document = json!({"components": {"schemas": {
            "Node": {"type": "object", "properties": {
                "name": {"type": "string", "example": "Grade 5"},
                "size": {"type": "integer", "minimum": 3, "maximum": 9},
                "at": {"type": ["string", "null"], "format": "date-time"},
                "kind": {"type": "string", "enum": ["website", "mobile"]},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
            }}
        }}});
        let value = of_schema(&document, &json!({"$ref": "#/components/schemas/Node"}));
        assert_eq!(
            value,
            json!({"name": "Grade 5", "size": 3, "at": "2026-09-01T08:00:00Z", "kind": "website",
                   "children": []})
        );
    }

    #[test]
    fn forms_use_php_keys() {
        let fields = form_fields(&json!({"data": [{"name": "A", "ok": true}], "role": [1, 3]}));
        assert_eq!(
            fields,
            "data[0][name]=A\ndata[0][ok]=1\nrole[0]=1\nrole[1]=3"
        );
    }
}
