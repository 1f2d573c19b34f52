//! Reading typed fields out of a request body (JSON, or PHP-style form turned into JSON), collecting every error
//! with its dot path instead of stopping at the first.

use serde_json::{Map, Value};

use crate::validation::{child_path, ValidationErrors};

/// Where a body came from. Form bodies carry only text, so numbers and booleans are read from their text there.
/// Both formats are lenient the way Laravel is (partner-api.md, Conventions): `"17"` is read as an integer and `17`
/// as a text; what is not a number where one is needed is still an error at its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    Json,
    Form,
}

/// Limits for one text field.
#[derive(Debug, Clone, Copy)]
pub struct TextRules {
    pub max_chars: usize,
    pub allow_empty: bool,
}

impl TextRules {
    /// A name: not empty, at most 255 characters.
    pub const NAME: Self = Self {
        max_chars: 255,
        allow_empty: false,
    };

    pub const fn max(max_chars: usize) -> Self {
        Self {
            max_chars,
            allow_empty: false,
        }
    }
}

/// A text field's value: a JSON string, or a JSON number written as its text (`10` for a string field is accepted,
/// as Laravel accepts it). Booleans, arrays, objects and null are not texts.
pub fn lenient_text(value: &Value) -> Option<std::borrow::Cow<'_, str>> {
    match value {
        Value::String(text) => Some(std::borrow::Cow::Borrowed(text.as_str())),
        Value::Number(number) => Some(std::borrow::Cow::Owned(number.to_string())),
        _ => None,
    }
}

/// An integer field's value: a JSON integer, or the decimal text of one (`"10"`, surrounding white space allowed, an
/// optional sign). `"10.5"`, `"ten"`, `""` and `10.5` are not integers.
pub fn lenient_integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => {
            let text = text.trim();
            let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            text.parse::<i64>().ok()
        }
        _ => None,
    }
}

/// Reads fields and records what is wrong with them.
pub struct FieldReader<'e> {
    pub errors: &'e mut ValidationErrors,
    pub format: BodyFormat,
}

impl<'e> FieldReader<'e> {
    pub fn new(errors: &'e mut ValidationErrors, format: BodyFormat) -> Self {
        Self { errors, format }
    }

    /// The value as an object, or an error at `path`.
    pub fn object<'v>(&mut self, value: &'v Value, path: &str) -> Option<&'v Map<String, Value>> {
        match value {
            Value::Object(map) => Some(map),
            _ => {
                self.errors
                    .add(path, format!("The {path} field must be an object."));
                None
            }
        }
    }

    /// A field that must be present and not null.
    pub fn present<'v>(
        &mut self,
        object: &'v Map<String, Value>,
        parent: &str,
        key: &str,
    ) -> Option<&'v Value> {
        match object.get(key) {
            None | Some(Value::Null) => {
                let path = child_path(parent, key);
                self.errors
                    .add(&path, format!("The {path} field is required."));
                None
            }
            Some(value) => Some(value),
        }
    }

    /// A field that may be absent or null.
    pub fn optional<'v>(object: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
        object.get(key).filter(|value| !value.is_null())
    }

    pub fn required_text(
        &mut self,
        object: &Map<String, Value>,
        parent: &str,
        key: &str,
        rules: TextRules,
    ) -> Option<String> {
        let value = self.present(object, parent, key)?;
        self.text(value, &child_path(parent, key), rules)
    }

    pub fn optional_text(
        &mut self,
        object: &Map<String, Value>,
        parent: &str,
        key: &str,
        rules: TextRules,
    ) -> Option<String> {
        let value = Self::optional(object, key)?;
        self.text(value, &child_path(parent, key), rules)
    }

    /// A text value: trimmed of surrounding white space, not empty unless allowed, at most `max_chars` characters,
    /// no control characters.
    pub fn text(&mut self, value: &Value, path: &str, rules: TextRules) -> Option<String> {
        let Some(text) = lenient_text(value) else {
            self.errors
                .add(path, format!("The {path} must be a string."));
            return None;
        };
        let trimmed = text.trim();
        if trimmed.is_empty() && !rules.allow_empty {
            self.errors
                .add(path, format!("The {path} field must not be empty."));
            return None;
        }
        if trimmed.chars().count() > rules.max_chars {
            self.errors.add(
                path,
                format!(
                    "The {path} may not be greater than {} characters.",
                    rules.max_chars
                ),
            );
            return None;
        }
        if trimmed.chars().any(char::is_control) {
            self.errors.add(
                path,
                format!("The {path} must not contain control characters."),
            );
            return None;
        }
        Some(trimmed.to_owned())
    }

    pub fn required_integer(
        &mut self,
        object: &Map<String, Value>,
        parent: &str,
        key: &str,
    ) -> Option<i64> {
        let value = self.present(object, parent, key)?;
        self.integer(value, &child_path(parent, key))
    }

    pub fn optional_integer(
        &mut self,
        object: &Map<String, Value>,
        parent: &str,
        key: &str,
    ) -> Option<i64> {
        let value = Self::optional(object, key)?;
        self.integer(value, &child_path(parent, key))
    }

    /// An integer: a JSON integer, or its decimal text (in a form body, and in JSON as Laravel accepts it).
    pub fn integer(&mut self, value: &Value, path: &str) -> Option<i64> {
        let parsed = lenient_integer(value);
        if parsed.is_none() {
            self.errors
                .add(path, format!("The {path} must be an integer."));
        }
        parsed
    }

    /// A boolean: JSON `true`/`false`, `0`/`1` or `"0"`/`"1"`, and in a form body `true`, `false`, `1`, `0`, `on`, `off`.
    pub fn optional_boolean(
        &mut self,
        object: &Map<String, Value>,
        parent: &str,
        key: &str,
    ) -> Option<bool> {
        let value = Self::optional(object, key)?;
        let parsed = match (value, self.format) {
            (Value::Bool(flag), _) => Some(*flag),
            (Value::Number(number), _) => match number.as_i64() {
                Some(0) => Some(false),
                Some(1) => Some(true),
                _ => None,
            },
            (Value::String(text), BodyFormat::Form) => match text.trim() {
                "1" | "true" | "on" => Some(true),
                "0" | "false" | "off" | "" => Some(false),
                _ => None,
            },
            // Laravel's boolean rule takes "1" and "0" in JSON too.
            (Value::String(text), BodyFormat::Json) => match text.trim() {
                "1" => Some(true),
                "0" => Some(false),
                _ => None,
            },
            _ => None,
        };
        if parsed.is_none() {
            let path = child_path(parent, key);
            self.errors
                .add(&path, format!("The {path} field must be true or false."));
        }
        parsed
    }

    pub fn required_array<'v>(
        &mut self,
        object: &'v Map<String, Value>,
        parent: &str,
        key: &str,
    ) -> Option<&'v [Value]> {
        let value = self.present(object, parent, key)?;
        self.array(value, &child_path(parent, key))
    }

    pub fn optional_array<'v>(
        &mut self,
        object: &'v Map<String, Value>,
        parent: &str,
        key: &str,
    ) -> Option<&'v [Value]> {
        let value = Self::optional(object, key)?;
        self.array(value, &child_path(parent, key))
    }

    /// An array. In a form body an empty value (`role=`) is the only way to say "none", so it reads as `[]`.
    pub fn array<'v>(&mut self, value: &'v Value, path: &str) -> Option<&'v [Value]> {
        match (value, self.format) {
            (Value::Array(items), _) => Some(items.as_slice()),
            (Value::String(text), BodyFormat::Form) if text.is_empty() => Some(&[]),
            _ => {
                self.errors
                    .add(path, format!("The {path} must be an array."));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read<T>(
        format: BodyFormat,
        body: Value,
        f: impl FnOnce(&mut FieldReader, &Map<String, Value>) -> T,
    ) -> (T, ValidationErrors) {
        let mut errors = ValidationErrors::new();
        let object = body.as_object().cloned().unwrap_or_default();
        let mut reader = FieldReader::new(&mut errors, format);
        let result = f(&mut reader, &object);
        (result, errors)
    }

    #[test]
    fn missing_and_null_fields_are_required_errors() {
        let (_, errors) = read(BodyFormat::Json, json!({"name": null}), |r, o| {
            r.required_text(o, "", "name", TextRules::NAME);
            r.required_integer(o, "data.0", "id");
        });
        assert_eq!(
            errors.messages("name").unwrap(),
            ["The name field is required."]
        );
        assert_eq!(
            errors.messages("data.0.id").unwrap(),
            ["The data.0.id field is required."]
        );
    }

    #[test]
    fn integers_are_read_from_numbers_and_their_text_in_both_formats() {
        for format in [BodyFormat::Json, BodyFormat::Form] {
            for (body, expected) in [
                (json!({"id": "17"}), 17),
                (json!({"id": " 17 "}), 17),
                (json!({"id": 17}), 17),
                (json!({"id": "-3"}), -3),
            ] {
                let (id, errors) =
                    read(format, body.clone(), |r, o| r.required_integer(o, "", "id"));
                assert_eq!(id, Some(expected), "{body}");
                assert!(errors.is_empty());
            }
            for body in [
                json!({"id": "ten"}),
                json!({"id": "10.5"}),
                json!({"id": 10.5}),
                json!({"id": ""}),
                json!({"id": "1e3"}),
                json!({"id": true}),
                json!({"id": [1]}),
            ] {
                let (id, errors) =
                    read(format, body.clone(), |r, o| r.required_integer(o, "", "id"));
                assert_eq!(id, None, "{body}");
                assert_eq!(
                    errors.messages("id").unwrap(),
                    ["The id must be an integer."]
                );
            }
        }
    }

    #[test]
    fn numbers_are_read_as_text_where_text_is_expected() {
        let (name, errors) = read(
            BodyFormat::Json,
            json!({"name": 10, "code": 2.5}),
            |r, o| {
                (
                    r.required_text(o, "", "name", TextRules::NAME),
                    r.required_text(o, "", "code", TextRules::NAME),
                )
            },
        );
        assert_eq!(name, (Some("10".to_owned()), Some("2.5".to_owned())));
        assert!(errors.is_empty());
        let (_, errors) = read(BodyFormat::Json, json!({"name": true}), |r, o| {
            r.required_text(o, "", "name", TextRules::NAME)
        });
        assert_eq!(
            errors.messages("name").unwrap(),
            ["The name must be a string."]
        );
    }

    #[test]
    fn text_is_trimmed_and_limited() {
        let long = "x".repeat(256);
        let (_, errors) = read(
            BodyFormat::Json,
            json!({"a": "  ", "b": long, "c": false, "d": "ok\u{0}"}),
            |r, o| {
                for key in ["a", "b", "c", "d"] {
                    r.required_text(o, "", key, TextRules::NAME);
                }
            },
        );
        assert_eq!(
            errors.messages("a").unwrap(),
            ["The a field must not be empty."]
        );
        assert_eq!(
            errors.messages("b").unwrap(),
            ["The b may not be greater than 255 characters."]
        );
        assert_eq!(errors.messages("c").unwrap(), ["The c must be a string."]);
        assert_eq!(
            errors.messages("d").unwrap(),
            ["The d must not contain control characters."]
        );
        let (name, _) = read(BodyFormat::Json, json!({"a": " Sara "}), |r, o| {
            r.required_text(o, "", "a", TextRules::NAME)
        });
        assert_eq!(name.as_deref(), Some("Sara"));
    }

    #[test]
    fn arrays_refuse_objects_and_form_empty_means_none() {
        let (_, errors) = read(BodyFormat::Json, json!({"role": {"a": 1}}), |r, o| {
            r.required_array(o, "", "role").map(<[Value]>::len)
        });
        assert_eq!(
            errors.messages("role").unwrap(),
            ["The role must be an array."]
        );
        let (len, errors) = read(BodyFormat::Form, json!({"role": ""}), |r, o| {
            r.required_array(o, "", "role").map(<[Value]>::len)
        });
        assert_eq!(len, Some(0));
        assert!(errors.is_empty());
    }

    #[test]
    fn booleans_read_from_both_formats() {
        let (flag, _) = read(BodyFormat::Json, json!({"force": true}), |r, o| {
            r.optional_boolean(o, "", "force")
        });
        assert_eq!(flag, Some(true));
        let (flag, _) = read(BodyFormat::Form, json!({"force": "1"}), |r, o| {
            r.optional_boolean(o, "", "force")
        });
        assert_eq!(flag, Some(true));
        let (flag, errors) = read(BodyFormat::Json, json!({"force": "yes"}), |r, o| {
            r.optional_boolean(o, "", "force")
        });
        assert_eq!(flag, None);
        assert!(errors.messages("force").is_some());
    }
}
