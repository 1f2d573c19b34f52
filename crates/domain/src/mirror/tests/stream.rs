//! The stream: syntax, UTF-8, top-level shape, callback and reader errors.

use std::convert::Infallible;
use std::io::{self, Read};

use serde_json::json;

use super::payload;
use crate::mirror::{stream_items, MirrorKind, StreamError};

#[test]
fn broken_json_is_a_syntax_error_and_other_json_is_not_an_object() {
    let stream = |bytes: &[u8]| {
        let mut seen = 0;
        let result = stream_items(bytes, MirrorKind::Branches, |_, _| {
            seen += 1;
            Ok::<(), Infallible>(())
        });
        (result, seen)
    };
    let good = serde_json::to_vec(&payload()).unwrap();
    let truncated = &good[..good.len() - 10];
    let (result, seen) = stream(truncated);
    assert!(
        matches!(&result, Err(StreamError::Syntax(m)) if m.contains("EOF while parsing")),
        "{result:?}"
    );
    assert_eq!(
        seen, 1,
        "the first branch streamed before the end was missed"
    );
    let mut trailing = good.clone();
    trailing.extend_from_slice(b" {}");
    let (result, _) = stream(&trailing);
    let message = result.unwrap_err().to_string();
    assert!(
        message.starts_with(
            "The request body is not valid JSON: trailing characters at line 1 column"
        ),
        "{message}"
    );
    for body in [&b"[1, 2]"[..], b"\"text\"", b"null", b" 17 "] {
        assert!(matches!(stream(body).0, Err(StreamError::NotAnObject)));
    }
    assert!(matches!(stream(b"").0, Err(StreamError::Syntax(_))));
    let twice = br#"{"branches": [], "branches": []}"#;
    assert!(
        matches!(stream(twice).0, Err(StreamError::Syntax(m)) if m.contains("duplicate field `branches`"))
    );
}

#[test]
fn non_utf8_bytes_are_a_syntax_error_even_in_skipped_values() {
    let stream =
        |bytes: &[u8]| stream_items(bytes, MirrorKind::Branches, |_, _| Ok::<(), Infallible>(()));
    let skipped = b"{\"note\": \"caf\xe9\",\n \"branches\": []}";
    let message = stream(skipped).unwrap_err().to_string();
    assert_eq!(
        message,
        "The request body is not valid JSON: invalid UTF-8 at line 1 column 14."
    );
    assert!(matches!(
        stream(b"{\"branches\": [\"\xff\"]}"),
        Err(StreamError::Syntax(_))
    ));
    assert!(
        matches!(stream(b"{\"x\": \"\xe2\x82"), Err(StreamError::Syntax(m)) if m.contains("UTF-8"))
    );
}

/// Hands out one byte per read, so multi-byte characters straddle reads.
struct OneByte<'a>(&'a [u8]);

impl Read for OneByte<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some((&first, rest)) = self.0.split_first() else {
            return Ok(0);
        };
        buf[0] = first;
        self.0 = rest;
        Ok(1)
    }
}

#[test]
fn characters_split_across_reads_are_still_utf8() {
    let body = json!({"nom": "é€😀", "branches": [{"name": "مدرسة 😀"}]}).to_string();
    let mut names = Vec::new();
    let top = stream_items(
        OneByte(body.as_bytes()),
        MirrorKind::Branches,
        |_, value| {
            names.push(value["name"].clone());
            Ok::<(), Infallible>(())
        },
    );
    assert_eq!(top.unwrap().item_count, 1);
    assert_eq!(names, [json!("مدرسة 😀")]);
}

#[test]
fn a_callback_error_stops_the_stream_and_a_reader_error_is_io() {
    let bytes = serde_json::to_vec(&payload()).unwrap();
    let mut seen = Vec::new();
    let result = stream_items(bytes.as_slice(), MirrorKind::Branches, |index, _| {
        seen.push(index);
        Err("enough")
    });
    assert!(matches!(result, Err(StreamError::Callback("enough"))));
    assert_eq!(seen, [Some(0)]);
    struct Broken;
    impl Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("disk gone"))
        }
    }
    let result = stream_items(
        Broken,
        MirrorKind::Branches,
        |_, _| Ok::<(), Infallible>(()),
    );
    assert!(matches!(result, Err(StreamError::Io(e)) if e.to_string() == "disk gone"));
}

/// Hands out the body in chunks of pseudo-random sizes (1–9 bytes).
struct Chunks<'a> {
    body: &'a [u8],
    seed: u64,
}

impl Read for Chunks<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.seed = self
            .seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let n = ((self.seed >> 33) % 9 + 1) as usize;
        let n = n.min(buf.len()).min(self.body.len());
        buf[..n].copy_from_slice(&self.body[..n]);
        self.body = &self.body[n..];
        Ok(n)
    }
}

#[test]
fn utf8_checking_agrees_with_std_however_the_body_is_split() {
    let good: [&[u8]; 5] = [b"a", "é".as_bytes(), "€".as_bytes(), "😀".as_bytes(), b" "];
    let bad: [&[u8]; 4] = [b"\xff", b"\xe2\x82", b"\xc0\xaf", b"\xed\xa0\x80"];
    let mut seed = 7u64;
    for round in 0..400 {
        let mut text = Vec::new();
        for _ in 0..40 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let pick = (seed >> 40) as usize;
            match pick % 50 {
                0 if round % 2 == 0 => text.extend_from_slice(bad[pick / 50 % bad.len()]),
                _ => text.extend_from_slice(good[pick / 50 % good.len()]),
            }
        }
        let valid = std::str::from_utf8(&text).is_ok();
        let mut body = br#"{"skipped": ""#.to_vec();
        body.extend_from_slice(&text);
        body.extend_from_slice(br#"", "branches": []}"#);
        let reader = Chunks { body: &body, seed };
        let result = stream_items(
            reader,
            MirrorKind::Branches,
            |_, _| Ok::<(), Infallible>(()),
        );
        match result {
            Ok(_) => assert!(valid, "accepted {text:?}"),
            Err(StreamError::Syntax(message)) => {
                assert!(!valid && message.contains("invalid UTF-8"), "{message}")
            }
            Err(other) => panic!("{other:?}"),
        }
    }
}
