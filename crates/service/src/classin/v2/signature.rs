//! The v2 header signature (`X-EEO-SIGN`): the documented rule, and the strings ClassIn's own demo clients (Python,
//! PHP, Go) sign where they differ from it, so that a client built on any of them is accepted.
//!
//! Documented rule: the body's top-level members, without arrays and objects and without values longer than 1024
//! bytes, plus `sid` (the header's SID) and `timeStamp` (the header's time), sorted by name, joined as
//! `k=v&k=v`, then `&key=SECRET`; the signature is the lowercase hex MD5 of that.

use md5::{Digest, Md5};
use serde_json::{Map, Value};

/// The longest value that is signed.
pub const SIGNED_VALUE_MAX: usize = 1024;

/// How one demo client renders the members it signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// The written rule: strings and numbers of at most 1024 bytes; booleans and nulls are not signed.
    Documented,
    /// `sign_demo.md`'s Python: `len(str(v)) <= 1024` (characters), `True`/`False`/`None` as Python prints them.
    Python,
    /// `sign_demo.md`'s PHP: `strlen(v) < 1024` (bytes, so a 1024-byte value is dropped), `true` → `1`,
    /// `false` and `null` → empty text.
    Php,
    /// `sign_demo.md`'s Go: integers and strings of at most 1024 bytes only, and the joined `k=v` texts sorted
    /// (not the names).
    Go,
}

pub const DIALECTS: [Dialect; 4] = [
    Dialect::Documented,
    Dialect::Python,
    Dialect::Php,
    Dialect::Go,
];

fn rendered(value: &Value, dialect: Dialect) -> Option<String> {
    let text = match (value, dialect) {
        (Value::Array(_) | Value::Object(_), _) => return None,
        (Value::String(text), _) => text.clone(),
        (Value::Number(number), Dialect::Go) if !number.is_i64() && !number.is_u64() => {
            return None
        }
        (Value::Number(number), _) => number.to_string(),
        (Value::Bool(_) | Value::Null, Dialect::Documented | Dialect::Go) => return None,
        (Value::Bool(true), Dialect::Python) => "True".into(),
        (Value::Bool(false), Dialect::Python) => "False".into(),
        (Value::Null, Dialect::Python) => "None".into(),
        (Value::Bool(true), Dialect::Php) => "1".into(),
        (Value::Bool(false) | Value::Null, Dialect::Php) => String::new(),
    };
    let fits = match dialect {
        Dialect::Documented | Dialect::Go => text.len() <= SIGNED_VALUE_MAX,
        Dialect::Python => text.chars().count() <= SIGNED_VALUE_MAX,
        Dialect::Php => text.len() < SIGNED_VALUE_MAX,
    };
    fits.then_some(text)
}

/// The text that is hashed: `stringA&key=SECRET`.
pub fn string_to_sign(
    body: &Map<String, Value>,
    sid: &str,
    time_stamp: &str,
    secret: &str,
    dialect: Dialect,
) -> String {
    let mut pairs: Vec<(String, String)> = body
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "sid" | "timeStamp"))
        .filter_map(|(name, value)| rendered(value, dialect).map(|text| (name.clone(), text)))
        .collect();
    pairs.push(("sid".into(), sid.to_owned()));
    pairs.push(("timeStamp".into(), time_stamp.to_owned()));
    let mut joined: Vec<String> = if dialect == Dialect::Go {
        let mut joined: Vec<String> = pairs
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        joined.sort();
        joined
    } else {
        pairs.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        pairs
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect()
    };
    joined.push(format!("key={secret}"));
    joined.join("&")
}

/// Lowercase hex MD5 of the string to sign.
pub fn sign(
    body: &Map<String, Value>,
    sid: &str,
    time_stamp: &str,
    secret: &str,
    dialect: Dialect,
) -> String {
    hex::encode(Md5::digest(string_to_sign(
        body, sid, time_stamp, secret, dialect,
    )))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn body(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn the_documented_vector_verifies() {
        let example = body(
            json!({"courseId": 132323, "unitJson": [{"name": "string", "content": "string", "publishFlag": 0}]}),
        );
        assert_eq!(
            string_to_sign(
                &example,
                "1000082",
                "1673949471",
                "Mb71234",
                Dialect::Documented
            ),
            "courseId=132323&sid=1000082&timeStamp=1673949471&key=Mb71234"
        );
        for dialect in DIALECTS {
            assert_eq!(
                sign(&example, "1000082", "1673949471", "Mb71234", dialect),
                "d0d99023aa44549f97dfe9523059f0c3"
            );
        }
    }

    #[test]
    fn the_demo_clients_differ_where_the_reference_says() {
        let long = "x".repeat(1024);
        let example = body(json!({"a": long, "b": true, "c": null, "d": 1.5}));
        let documented = string_to_sign(&example, "1", "2", "k", Dialect::Documented);
        assert_eq!(
            documented,
            format!("a={long}&d=1.5&sid=1&timeStamp=2&key=k")
        );
        assert_eq!(
            string_to_sign(&example, "1", "2", "k", Dialect::Php),
            "b=1&c=&d=1.5&sid=1&timeStamp=2&key=k",
            "PHP drops a 1024-byte value"
        );
        assert_eq!(
            string_to_sign(&example, "1", "2", "k", Dialect::Python),
            format!("a={long}&b=True&c=None&d=1.5&sid=1&timeStamp=2&key=k")
        );
        assert_eq!(
            string_to_sign(&example, "1", "2", "k", Dialect::Go),
            format!("a={long}&sid=1&timeStamp=2&key=k"),
            "Go keeps only integers and strings"
        );
        let prefixed = body(json!({"ab": "1", "a": "2"}));
        assert_eq!(
            string_to_sign(&prefixed, "1", "2", "k", Dialect::Documented),
            "a=2&ab=1&sid=1&timeStamp=2&key=k"
        );
        assert_eq!(
            string_to_sign(&prefixed, "1", "2", "k", Dialect::Go),
            "a=2&ab=1&sid=1&timeStamp=2&key=k"
        );
    }
}
