//! Turns PHP-style form keys (`role[]=1`, `data[0][name]=Sara`) into one JSON value, so JSON and form bodies share validation.

use std::collections::HashMap;

use serde_json::{Map, Value};

/// The deepest bracket nesting accepted (`a[1]...[32]`).
pub const MAX_DEPTH: usize = 32;
/// The largest integer index accepted in a key (`a[100000]`).
pub const MAX_INDEX: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    /// e.g. `a=1&a[x]=2` or `a[x]=1&a=2`: a key is used both as a plain value and as an array/object.
    /// `path` is the dot path (zero-based indexes) of the conflicting key, e.g. "a" or "data.0.name".
    #[error("The {path} field is given both as a value and as a list.")]
    Conflict { path: String },
    /// A key like `a[b` (unclosed bracket), `[x]` (empty name) or `a]b`.
    #[error("The form key `{key}` is malformed.")]
    MalformedKey { key: String },
    /// Nesting deeper than [`MAX_DEPTH`] brackets.
    #[error("The form key `{key}` is nested too deeply.")]
    TooDeep { key: String },
    /// An integer index above [`MAX_INDEX`]; protects memory against `a[999999999]=x`.
    #[error("The form key `{key}` has an index that is too large.")]
    IndexTooLarge { key: String },
}

/// Builds a JSON object from form pairs with PHP-style keys, following PHP's `parse_str`:
/// `a[]` appends, integer segments are indexes, other segments are object keys, and a later
/// value for the same full key wins. A container whose keys are all indexes becomes an array
/// in index order (gaps closed, no nulls); any other container is an object in first-seen
/// order. Leaves stay strings.
pub fn php_form_to_json<I, K, V>(pairs: I) -> Result<Value, FormError>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: Into<String>,
{
    let mut root = Container::default();
    for (key, value) in pairs {
        let (name, segments) = parse_key(key.as_ref())?;
        root.insert(name, segments, value.into())?;
    }
    Ok(root.into_object())
}

/// A key inside a container. Integer-looking segments are always `Int`, so `Int(1)` and
/// `Str("1")` never meet in the same container.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Key {
    Int(usize),
    Str(String),
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Key::Int(index) => write!(f, "{index}"),
            Key::Str(name) => f.write_str(name),
        }
    }
}

/// One bracketed part of a key after the name: `None` for `[]` (append), else the key.
type Segment = Option<Key>;

#[derive(Debug)]
enum Node {
    Leaf(String),
    Map(Container),
}

impl Node {
    fn into_value(self) -> Value {
        match self {
            Node::Leaf(text) => Value::String(text),
            Node::Map(map) => map.into_value(),
        }
    }
}

/// Entries in first-seen order, with a position index so lookups stay O(1).
#[derive(Debug, Default)]
struct Container {
    entries: Vec<(Key, Node)>,
    positions: HashMap<Key, usize>,
    /// The index `[]` appends at: one past the largest integer key so far (PHP behaviour).
    next_index: usize,
}

impl Container {
    fn push(&mut self, key: Key, node: Node) -> &mut Node {
        if let Key::Int(index) = key {
            self.next_index = self.next_index.max(index + 1);
        }
        let position = self.entries.len();
        self.positions.insert(key.clone(), position);
        self.entries.push((key, node));
        &mut self.entries[position].1
    }

    /// Sets `name[seg]...[seg] = value`, creating containers on the way.
    fn insert(
        &mut self,
        name: &str,
        segments: Vec<Segment>,
        value: String,
    ) -> Result<(), FormError> {
        let mut path = name.to_string();
        let mut container = self;
        let mut key = Key::Str(name.to_string());
        for segment in segments {
            let child = match container.positions.get(&key) {
                Some(&position) => &mut container.entries[position].1,
                None => container.push(key, Node::Map(Container::default())),
            };
            let Node::Map(map) = child else {
                return Err(FormError::Conflict { path });
            };
            key = segment.unwrap_or(Key::Int(map.next_index));
            path.push('.');
            path.push_str(&key.to_string());
            container = map;
        }
        match container.positions.get(&key) {
            None => _ = container.push(key, Node::Leaf(value)),
            Some(&position) => match &mut container.entries[position].1 {
                Node::Leaf(old) => *old = value,
                Node::Map(_) => return Err(FormError::Conflict { path }),
            },
        }
        Ok(())
    }

    fn into_value(self) -> Value {
        let is_list = self
            .entries
            .iter()
            .all(|(key, _)| matches!(key, Key::Int(_)));
        if !is_list {
            return self.into_object();
        }
        let mut entries = self.entries;
        entries.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
        Value::Array(
            entries
                .into_iter()
                .map(|(_, node)| node.into_value())
                .collect(),
        )
    }

    fn into_object(self) -> Value {
        let mut object = Map::with_capacity(self.entries.len());
        for (key, node) in self.entries {
            object.insert(key.to_string(), node.into_value());
        }
        Value::Object(object)
    }
}

/// Splits `name[a][][0]` into its name and segments.
fn parse_key(key: &str) -> Result<(&str, Vec<Segment>), FormError> {
    let malformed = || FormError::MalformedKey { key: key.into() };
    let (name, mut rest) = key.split_at(key.find('[').unwrap_or(key.len()));
    if name.is_empty() || name.contains(']') {
        return Err(malformed());
    }
    let mut segments = Vec::new();
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[').ok_or_else(malformed)?;
        let close = inner.find(']').ok_or_else(malformed)?;
        let text = &inner[..close];
        if text.contains('[') {
            return Err(malformed());
        }
        if segments.len() == MAX_DEPTH {
            return Err(FormError::TooDeep { key: key.into() });
        }
        segments.push(parse_segment(text, key)?);
        rest = &inner[close + 1..];
    }
    Ok((name, segments))
}

/// `""` appends, a canonical non-negative integer (`0`, `17`, not `017` or `-1`) is an index,
/// anything else is an object key.
fn parse_segment(text: &str, key: &str) -> Result<Segment, FormError> {
    if text.is_empty() {
        return Ok(None);
    }
    let digits = text.bytes().all(|b| b.is_ascii_digit());
    if !digits || (text.starts_with('0') && text != "0") {
        return Ok(Some(Key::Str(text.into())));
    }
    match text.parse::<usize>() {
        Ok(index) if index <= MAX_INDEX => Ok(Some(Key::Int(index))),
        _ => Err(FormError::IndexTooLarge { key: key.into() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(body: &[(&str, &str)]) -> Result<Value, FormError> {
        php_form_to_json(body.iter().copied())
    }

    /// Compares the serialised text, so object key order is checked too.
    fn check(body: &[(&str, &str)], expected: &str) {
        assert_eq!(
            parse(body).map(|value| value.to_string()),
            Ok(expected.into())
        );
    }

    fn conflict(path: &str) -> Result<Value, FormError> {
        Err(FormError::Conflict { path: path.into() })
    }

    #[test]
    fn plain_keys_give_strings_in_first_seen_order() {
        check(
            &[("z", "1"), ("a", "2"), ("m", "3")],
            r#"{"z":"1","a":"2","m":"3"}"#,
        );
    }

    #[test]
    fn repeated_plain_key_last_one_wins() {
        check(&[("a", "1"), ("a", "2")], r#"{"a":"2"}"#);
    }

    #[test]
    fn empty_brackets_append_to_a_list() {
        check(&[("role[]", "1"), ("role[]", "2")], r#"{"role":["1","2"]}"#);
    }

    #[test]
    fn integer_indexes_give_array_in_index_order_without_nulls() {
        check(&[("student_of[0]", "4")], r#"{"student_of":["4"]}"#);
        let body = [("student_of[3]", "4"), ("student_of[1]", "9")];
        check(&body, r#"{"student_of":["9","4"]}"#);
    }

    #[test]
    fn nested_objects_in_a_list() {
        let body = [
            ("data[0][name]", "Sara"),
            ("data[0][id]", "17"),
            ("data[1][name]", "Omar"),
            ("data[1][id]", "18"),
        ];
        check(
            &body,
            r#"{"data":[{"name":"Sara","id":"17"},{"name":"Omar","id":"18"}]}"#,
        );
    }

    #[test]
    fn parallel_lists_stay_separate_keys() {
        let body = [("teacher_uuid[0]", "a"), ("teacher_name[0]", "b")];
        check(&body, r#"{"teacher_uuid":["a"],"teacher_name":["b"]}"#);
    }

    #[test]
    fn each_append_before_a_name_starts_a_new_element() {
        let body = [("data[][name]", "A"), ("data[][name]", "B")];
        check(&body, r#"{"data":[{"name":"A"},{"name":"B"}]}"#);
    }

    #[test]
    fn append_continues_after_the_largest_index() {
        check(&[("a[5]", "x"), ("a[]", "y")], r#"{"a":["x","y"]}"#);
    }

    #[test]
    fn string_and_non_canonical_integer_keys_make_an_object() {
        check(&[("a[k]", "v")], r#"{"a":{"k":"v"}}"#);
        let body = [("a[01]", "x"), ("a[-1]", "y"), ("a[00]", "z")];
        check(&body, r#"{"a":{"01":"x","-1":"y","00":"z"}}"#);
    }

    #[test]
    fn mixed_integer_and_string_keys_make_an_object_in_first_seen_order() {
        let body = [("a[x]", "1"), ("a[0]", "2"), ("a[]", "3")];
        check(&body, r#"{"a":{"x":"1","0":"2","1":"3"}}"#);
    }

    #[test]
    fn later_value_for_same_full_key_overwrites() {
        check(&[("a[0]", "x"), ("a[0]", "y")], r#"{"a":["y"]}"#);
    }

    #[test]
    fn whitespace_in_keys_is_kept() {
        check(&[(" a b [ c ]", "v")], r#"{" a b ":{" c ":"v"}}"#);
    }

    #[test]
    fn empty_value_is_empty_string_and_no_pairs_give_empty_object() {
        check(&[("a", ""), ("b[]", "")], r#"{"a":"","b":[""]}"#);
        check(&[], "{}");
    }

    #[test]
    fn value_and_list_under_one_key_conflict_either_way() {
        assert_eq!(parse(&[("a", "1"), ("a[x]", "2")]), conflict("a"));
        assert_eq!(parse(&[("a[x]", "1"), ("a", "2")]), conflict("a"));
    }

    #[test]
    fn nested_conflict_reports_dot_path() {
        let body = [("data[0][name]", "a"), ("data[0][name][x]", "b")];
        assert_eq!(parse(&body), conflict("data.0.name"));
        let body = [("data[][name][x]", "a"), ("data[0][name]", "b")];
        assert_eq!(parse(&body), conflict("data.0.name"));
        let message = "The data.0.name field is given both as a value and as a list.";
        assert_eq!(parse(&body).unwrap_err().to_string(), message);
    }

    #[test]
    fn malformed_keys_are_rejected() {
        for key in ["a[b", "[x]", "a]b", "", "a[b]c", "a[b[c]]", "a[x]]", "a[]["] {
            let expected = Err(FormError::MalformedKey { key: key.into() });
            assert_eq!(parse(&[(key, "v")]), expected, "key {key:?}");
        }
    }

    #[test]
    fn nesting_deeper_than_max_depth_is_rejected() {
        let key = format!("a{}", "[x]".repeat(MAX_DEPTH));
        assert!(parse(&[(key.as_str(), "v")]).is_ok());
        let key = format!("a{}", "[]".repeat(MAX_DEPTH + 1));
        let expected = Err(FormError::TooDeep { key: key.clone() });
        assert_eq!(parse(&[(key.as_str(), "v")]), expected);
    }

    #[test]
    fn index_above_max_is_rejected() {
        assert!(parse(&[("a[100000]", "v")]).is_ok());
        for key in ["a[100001]", "a[999999999]", "a[99999999999999999999999999]"] {
            let expected = Err(FormError::IndexTooLarge { key: key.into() });
            assert_eq!(parse(&[(key, "v")]), expected);
        }
    }

    #[test]
    fn hundred_thousand_pairs_parse() {
        let pairs: Vec<(String, String)> = (0..100_000)
            .map(|i| (format!("data[{}][f{}]", i / 2, i % 2), i.to_string()))
            .chain((0..1000).map(|i| ("role[]".to_string(), i.to_string())))
            .collect();
        let value = php_form_to_json(pairs).unwrap();
        assert_eq!(value["data"].as_array().unwrap().len(), 50_000);
        assert_eq!(value["data"][49_999], json!({"f0": "99998", "f1": "99999"}));
        assert_eq!(value["role"].as_array().unwrap().len(), 1000);
    }
}
