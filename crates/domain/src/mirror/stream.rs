//! Incremental reading of a mirror body: the top-level object key by key, the big array one element at a time.

use std::fmt;
use std::io::{self, BufReader, Read};

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::{MirrorKind, TopLevel};

/// Why a body could not be streamed.
#[derive(Debug, thiserror::Error)]
pub enum StreamError<E> {
    /// Not JSON: serde_json's message with line and column (truncated body, trailing garbage, invalid UTF-8, a
    /// duplicated `branches`/`classrooms`/`force` key, which cannot be undone once streamed).
    #[error("The request body is not valid JSON: {0}.")]
    Syntax(String),
    /// Valid JSON start, but not an object (decided at the first token).
    #[error("The request body must be a JSON object.")]
    NotAnObject,
    /// The reader itself failed (spool file, client gone): not the partner's JSON's fault.
    #[error("The request body could not be read: {0}.")]
    Io(#[source] io::Error),
    /// The callback's own error, passed through; reading stopped there.
    #[error(transparent)]
    Callback(E),
}

/// Reads `reader` (a JSON object) incrementally and calls `on_item(index, value)` for each element of the `branches`
/// / `classrooms` array, one at a time (for a simple payload given as one object, once with index `None`). Never
/// holds more than one item in memory; other top-level keys are skipped without being built.
///
/// Syntax errors anywhere (truncated body, trailing garbage, invalid UTF-8 even inside skipped values) are
/// [`StreamError::Syntax`]. `force` is returned raw in [`TopLevel::force`] and checked by the validator. An error from
/// `on_item` stops the reading and comes back as [`StreamError::Callback`].
pub fn stream_items<R: Read, E>(
    reader: R,
    kind: MirrorKind,
    mut on_item: impl FnMut(Option<usize>, Value) -> Result<(), E>,
) -> Result<TopLevel, StreamError<E>> {
    let reader = BufReader::with_capacity(64 * 1024, Utf8Checked::new(reader));
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let mut state = State::new(kind);
    let result = Body {
        state: &mut state,
        on_item: &mut on_item,
    }
    .deserialize(&mut deserializer)
    .and_then(|()| deserializer.end());
    state.into_result(result)
}

/// [`stream_items`] over a body that is already in memory (a form body turned into JSON by
/// [`crate::form::php_form_to_json`]), with the same [`TopLevel`] and callback semantics.
pub fn stream_value<E>(
    body: Value,
    kind: MirrorKind,
    mut on_item: impl FnMut(Option<usize>, Value) -> Result<(), E>,
) -> Result<TopLevel, StreamError<E>> {
    let mut state = State::new(kind);
    let result = Body {
        state: &mut state,
        on_item: &mut on_item,
    }
    .deserialize(body);
    state.into_result(result)
}

type OnItem<'a, E> = dyn FnMut(Option<usize>, Value) -> Result<(), E> + 'a;

struct State<E> {
    kind: MirrorKind,
    top: TopLevel,
    not_object: bool,
    callback_error: Option<E>,
}

impl<E> State<E> {
    fn new(kind: MirrorKind) -> Self {
        Self {
            kind,
            top: TopLevel::default(),
            not_object: false,
            callback_error: None,
        }
    }

    fn into_result(
        self,
        result: Result<(), serde_json::Error>,
    ) -> Result<TopLevel, StreamError<E>> {
        let Err(error) = result else {
            return Ok(self.top);
        };
        if let Some(callback_error) = self.callback_error {
            return Err(StreamError::Callback(callback_error));
        }
        if self.not_object {
            return Err(StreamError::NotAnObject);
        }
        if !error.is_io() {
            return Err(StreamError::Syntax(error.to_string()));
        }
        let error = io::Error::from(error);
        match error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<InvalidUtf8>())
        {
            Some(invalid) => Err(StreamError::Syntax(invalid.to_string())),
            None => Err(StreamError::Io(error)),
        }
    }
}

/// The top-level object.
struct Body<'a, 'f, E> {
    state: &'a mut State<E>,
    on_item: &'a mut OnItem<'f, E>,
}

impl<'de, E> DeserializeSeed<'de> for Body<'_, '_, E> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<E> Body<'_, '_, E> {
    fn not_object<T, Er: de::Error>(self) -> Result<T, Er> {
        self.state.not_object = true;
        Err(Er::custom("the body is not an object"))
    }
}

impl<'de, E> Visitor<'de> for Body<'_, '_, E> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let field = self.state.kind.field();
        let (mut seen_items, mut seen_force) = (false, false);
        while let Some(key) = map.next_key_seed(KeySeed(field))? {
            match key {
                Key::Items => {
                    if std::mem::replace(&mut seen_items, true) {
                        return Err(de::Error::duplicate_field(field));
                    }
                    map.next_value_seed(Items {
                        state: &mut *self.state,
                        on_item: &mut *self.on_item,
                    })?;
                }
                Key::Force => {
                    if std::mem::replace(&mut seen_force, true) {
                        return Err(de::Error::duplicate_field("force"));
                    }
                    self.state.top.force = map.next_value_seed(Force)?;
                }
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        self.not_object()
    }
    fn visit_str<Er: de::Error>(self, _: &str) -> Result<(), Er> {
        self.not_object()
    }
    fn visit_bool<Er: de::Error>(self, _: bool) -> Result<(), Er> {
        self.not_object()
    }
    fn visit_i64<Er: de::Error>(self, _: i64) -> Result<(), Er> {
        self.not_object()
    }
    fn visit_u64<Er: de::Error>(self, _: u64) -> Result<(), Er> {
        self.not_object()
    }
    fn visit_f64<Er: de::Error>(self, _: f64) -> Result<(), Er> {
        self.not_object()
    }
    fn visit_unit<Er: de::Error>(self) -> Result<(), Er> {
        self.not_object()
    }
}

/// A top-level key, recognised without allocating.
enum Key {
    Items,
    Force,
    Other,
}

struct KeySeed(&'static str);

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<Er: de::Error>(self, key: &str) -> Result<Key, Er> {
        Ok(if key == self.0 {
            Key::Items
        } else if key == "force" {
            Key::Force
        } else {
            Key::Other
        })
    }
}

/// The value of `branches` / `classrooms`.
struct Items<'a, 'f, E> {
    state: &'a mut State<E>,
    on_item: &'a mut OnItem<'f, E>,
}

impl<E> Items<'_, '_, E> {
    fn emit<Er: de::Error>(&mut self, index: Option<usize>, value: Value) -> Result<(), Er> {
        self.state.top.item_count += 1;
        (self.on_item)(index, value).map_err(|error| {
            self.state.callback_error = Some(error);
            Er::custom("stopped by the item callback")
        })
    }

    fn not_array<Er>(self) -> Result<(), Er> {
        self.state.top.items_field_present = true;
        self.state.top.items_not_array = true;
        Ok(())
    }
}

impl<'de, E> DeserializeSeed<'de> for Items<'_, '_, E> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, E> Visitor<'de> for Items<'_, '_, E> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        self.state.top.items_field_present = true;
        let mut index = 0;
        while let Some(value) = seq.next_element::<Value>()? {
            self.emit(Some(index), value)?;
            index += 1;
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(mut self, map: A) -> Result<(), A::Error> {
        if self.state.kind == MirrorKind::Branches {
            IgnoredAny.visit_map(map)?;
            return self.not_array();
        }
        let value = Value::deserialize(MapAccessDeserializer::new(map))?;
        self.state.top.items_field_present = true;
        self.state.top.single_object = true;
        self.emit(None, value)
    }

    fn visit_unit<Er: de::Error>(self) -> Result<(), Er> {
        Ok(())
    }
    fn visit_str<Er: de::Error>(self, text: &str) -> Result<(), Er> {
        if text.is_empty() {
            Ok(())
        } else {
            self.not_array()
        }
    }
    fn visit_bool<Er: de::Error>(self, _: bool) -> Result<(), Er> {
        self.not_array()
    }
    fn visit_i64<Er: de::Error>(self, _: i64) -> Result<(), Er> {
        self.not_array()
    }
    fn visit_u64<Er: de::Error>(self, _: u64) -> Result<(), Er> {
        self.not_array()
    }
    fn visit_f64<Er: de::Error>(self, _: f64) -> Result<(), Er> {
        self.not_array()
    }
}

/// The value of `force`, kept raw but bounded.
struct Force;

/// Longest `force` string kept: every accepted spelling is far shorter.
const FORCE_TEXT_MAX: usize = 64;

impl<'de> DeserializeSeed<'de> for Force {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<Value>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Force {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a boolean")
    }

    fn visit_unit<Er: de::Error>(self) -> Result<Self::Value, Er> {
        Ok(None)
    }
    fn visit_bool<Er: de::Error>(self, flag: bool) -> Result<Self::Value, Er> {
        Ok(Some(Value::Bool(flag)))
    }
    fn visit_i64<Er: de::Error>(self, number: i64) -> Result<Self::Value, Er> {
        Ok(Some(Value::from(number)))
    }
    fn visit_u64<Er: de::Error>(self, number: u64) -> Result<Self::Value, Er> {
        Ok(Some(Value::from(number)))
    }
    fn visit_f64<Er: de::Error>(self, number: f64) -> Result<Self::Value, Er> {
        Ok(Some(Value::from(number)))
    }
    fn visit_str<Er: de::Error>(self, text: &str) -> Result<Self::Value, Er> {
        let mut text = text.trim();
        if text.len() > FORCE_TEXT_MAX {
            let mut end = FORCE_TEXT_MAX;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text = &text[..end];
        }
        Ok(Some(Value::String(text.to_owned())))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        IgnoredAny.visit_seq(seq)?;
        Ok(Some(Value::Array(Vec::new())))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        IgnoredAny.visit_map(map)?;
        Ok(Some(Value::Object(serde_json::Map::new())))
    }
}

/// Invalid UTF-8 in the body, where serde_json would not look (it skips ignored strings unchecked).
#[derive(Debug)]
struct InvalidUtf8 {
    line: u64,
    column: u64,
}

impl fmt::Display for InvalidUtf8 {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "invalid UTF-8 at line {} column {}",
            self.line, self.column
        )
    }
}

impl std::error::Error for InvalidUtf8 {}

/// A reader that fails with [`InvalidUtf8`] as soon as the bytes stop being UTF-8, across read boundaries.
struct Utf8Checked<R> {
    inner: R,
    /// The start of a character split by the last read (at most 3 bytes).
    carry: [u8; 4],
    carry_len: usize,
    /// 1-based line, and bytes on it so far, of everything checked.
    line: u64,
    column: u64,
}

impl<R> Utf8Checked<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            carry: [0; 4],
            carry_len: 0,
            line: 1,
            column: 0,
        }
    }

    fn advance(&mut self, bytes: &[u8]) {
        match bytes.iter().rposition(|&byte| byte == b'\n') {
            Some(last) => {
                self.line += bytes.iter().filter(|&&byte| byte == b'\n').count() as u64;
                self.column = (bytes.len() - last - 1) as u64;
            }
            None => self.column += bytes.len() as u64,
        }
    }

    fn invalid(&self) -> io::Error {
        let position = InvalidUtf8 {
            line: self.line,
            column: self.column + 1,
        };
        io::Error::new(io::ErrorKind::InvalidData, position)
    }

    fn check(&mut self, mut chunk: &[u8]) -> io::Result<()> {
        if self.carry_len > 0 {
            let take = chunk.len().min(4 - self.carry_len);
            let mut joined = self.carry;
            joined[self.carry_len..self.carry_len + take].copy_from_slice(&chunk[..take]);
            let joined = &joined[..self.carry_len + take];
            let used = match std::str::from_utf8(joined) {
                Ok(_) => take,
                Err(error) if error.valid_up_to() > 0 => error.valid_up_to() - self.carry_len,
                Err(error) if error.error_len().is_none() => {
                    self.carry[..joined.len()].copy_from_slice(joined);
                    self.carry_len = joined.len();
                    return Ok(());
                }
                Err(_) => return Err(self.invalid()),
            };
            self.column += self.carry_len as u64;
            self.carry_len = 0;
            self.advance(&chunk[..used]);
            chunk = &chunk[used..];
        }
        match std::str::from_utf8(chunk) {
            Ok(_) => self.advance(chunk),
            Err(error) => {
                let valid = error.valid_up_to();
                self.advance(&chunk[..valid]);
                if error.error_len().is_some() {
                    return Err(self.invalid());
                }
                let rest = &chunk[valid..];
                self.carry[..rest.len()].copy_from_slice(rest);
                self.carry_len = rest.len();
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for Utf8Checked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        if read == 0 && self.carry_len > 0 {
            return Err(self.invalid());
        }
        self.check(&buf[..read])?;
        Ok(read)
    }
}
