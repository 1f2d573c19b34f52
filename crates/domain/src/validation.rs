//! Validation errors keyed by the dot path of the offending field (`data.0.name`), as every 422 answer shows them.

use serde_json::{Map, Value};

/// Most errors one answer lists; past it the partner has enough to fix.
pub const MAX_ERRORS: usize = 1000;

/// Errors by field path, in the order they were found, at most [`MAX_ERRORS`] messages.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ValidationErrors {
    fields: Vec<(String, Vec<String>)>,
    count: usize,
}

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// One error for one field.
    pub fn single(path: impl Into<String>, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(path, message);
        errors
    }

    pub fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        if self.count >= MAX_ERRORS {
            return;
        }
        self.count += 1;
        let path = path.into();
        let message = message.into();
        match self
            .fields
            .iter_mut()
            .rev()
            .find(|(known, _)| *known == path)
        {
            Some((_, messages)) => messages.push(message),
            None => self.fields.push((path, vec![message])),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn is_full(&self) -> bool {
        self.count >= MAX_ERRORS
    }

    pub fn len(&self) -> usize {
        self.count
    }

    /// `Ok(())` when nothing was found, else the errors.
    pub fn into_result(self) -> Result<(), Self> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    /// The messages for one path (tests and callers that branch on a field).
    pub fn messages(&self, path: &str) -> Option<&[String]> {
        self.fields
            .iter()
            .find(|(known, _)| known == path)
            .map(|(_, messages)| messages.as_slice())
    }

    /// The `errors` object of a 422 answer.
    pub fn to_json(&self) -> Value {
        let mut object = Map::new();
        for (path, messages) in &self.fields {
            object.insert(
                path.clone(),
                Value::Array(messages.iter().cloned().map(Value::String).collect()),
            );
        }
        Value::Object(object)
    }
}

/// Joins a parent path and a child key into a dot path.
pub fn child_path(parent: &str, key: impl std::fmt::Display) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_group_by_path_in_order_found() {
        let mut errors = ValidationErrors::new();
        errors.add("name", "The name field is required.");
        errors.add("email", "The email must be a valid email address.");
        errors.add("name", "Second.");
        assert_eq!(
            errors.to_json().to_string(),
            r#"{"name":["The name field is required.","Second."],"email":["The email must be a valid email address."]}"#
        );
    }

    #[test]
    fn errors_stop_at_the_cap() {
        let mut errors = ValidationErrors::new();
        for index in 0..MAX_ERRORS + 50 {
            errors.add(format!("items.{index}"), "bad");
        }
        assert_eq!(errors.len(), MAX_ERRORS);
        assert!(errors.is_full());
    }

    #[test]
    fn child_paths_join_with_dots() {
        assert_eq!(child_path("", "data"), "data");
        assert_eq!(child_path("data", 0), "data.0");
    }
}
