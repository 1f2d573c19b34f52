//! The `PartnerInput` extractor: a request body in JSON, `x-www-form-urlencoded` or `multipart/form-data` with
//! PHP-style keys, read within the body limit and turned into one JSON object, so one validation serves all three.

use axum::body::BodyDataStream;
use axum::{
    body::{Body, Bytes},
    extract::FromRequest,
    http::{header, HeaderMap, Request},
};
use bytes::BytesMut;
use classbridge_domain::{
    form::{php_form_to_json, FormError},
    input::BodyFormat,
};
use futures::StreamExt;
use serde_json::{Map, Value};

use crate::{error::ApiError, state::AppState};

/// A parsed partner body.
#[derive(Debug, Clone)]
pub struct PartnerInput {
    pub fields: Map<String, Value>,
    pub format: BodyFormat,
}

const SUPPORTED: &str =
    "Send the body as application/json, application/x-www-form-urlencoded or multipart/form-data.";

impl FromRequest<AppState> for PartnerInput {
    type Rejection = ApiError;

    async fn from_request(request: Request<Body>, state: &AppState) -> Result<Self, ApiError> {
        let limit = state.settings.body_limit_bytes;
        let (parts, body) = request.into_parts();
        let bytes = read_limited_body(&parts.headers, body, limit).await?;
        parse_body(&parts.headers, bytes).await
    }
}

/// Reads the whole body, refusing it with 413 as soon as it passes `limit` (or when its declared length does).
pub async fn read_limited_body(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<Bytes, ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(ApiError::PayloadTooLarge(limit));
    }
    let mut stream = body.into_data_stream();
    let mut collected = BytesMut::new();
    while let Some(piece) = stream.next().await {
        let piece = piece.map_err(ApiError::unreadable_body)?;
        if collected.len() + piece.len() > limit {
            drain_rest(&mut stream).await;
            return Err(ApiError::PayloadTooLarge(limit));
        }
        collected.extend_from_slice(&piece);
    }
    Ok(collected.freeze())
}

/// After refusing a body that went past its limit, reads (and drops) a little more of it, so that a client still
/// sending gets to read the 413 instead of a reset connection; a body much larger than that is cut off.
pub async fn drain_rest(stream: &mut BodyDataStream) {
    const DRAIN_BYTES: usize = 16 * 1024 * 1024;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(3);
    let mut drained = 0;
    while drained < DRAIN_BYTES {
        match tokio::time::timeout_at(deadline, stream.next()).await {
            Ok(Some(Ok(piece))) => drained += piece.len(),
            _ => break,
        }
    }
}

async fn parse_body(headers: &HeaderMap, bytes: Bytes) -> Result<PartnerInput, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence.is_empty() {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(PartnerInput {
                fields: Map::new(),
                format: BodyFormat::Json,
            });
        }
        return Err(ApiError::UnsupportedMediaType(format!(
            "The request has a body but no Content-Type. {SUPPORTED}"
        )));
    }
    let value = if essence == "application/json" || essence.ends_with("+json") {
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| ApiError::BadRequest("The request body is not valid UTF-8.".into()))?;
        if text.trim().is_empty() {
            Value::Object(Map::new())
        } else {
            serde_json::from_str::<Value>(text).map_err(|error| {
                ApiError::BadRequest(format!("The request body is not valid JSON: {error}."))
            })?
        }
    } else if essence == "application/x-www-form-urlencoded" || essence == "multipart/form-data" {
        form_body_to_json(content_type, bytes).await?
    } else {
        return Err(ApiError::UnsupportedMediaType(format!(
            "The Content-Type `{essence}` is not accepted. {SUPPORTED}"
        )));
    };
    if let Some(path) = first_nul(&value, String::new()) {
        return Err(ApiError::validation(
            path.clone(),
            format!("The {path} must not contain NUL characters."),
        ));
    }
    match value {
        Value::Object(fields) => Ok(PartnerInput {
            fields,
            format: if essence.contains("json") {
                BodyFormat::Json
            } else {
                BodyFormat::Form
            },
        }),
        _ => Err(ApiError::BadRequest(
            "The request body must be a JSON object.".into(),
        )),
    }
}

/// The dot path of the first key or text holding a NUL character, which PostgreSQL cannot store (so both databases
/// refuse it alike, before any write).
pub fn first_nul(value: &Value, path: String) -> Option<String> {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::String(text) if text.contains('\0') => Some(if path.is_empty() {
            "body".to_owned()
        } else {
            path
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(index, item)| first_nul(item, join(&index.to_string()))),
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            if key.contains('\0') {
                Some(join(&key.replace('\0', "")))
            } else {
                first_nul(item, join(key))
            }
        }),
        _ => None,
    }
}

/// A form body (`x-www-form-urlencoded` or `multipart/form-data`) with PHP-style keys, as one JSON object.
pub async fn form_body_to_json(content_type: &str, bytes: Bytes) -> Result<Value, ApiError> {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "multipart/form-data" {
        return form_value(multipart_fields(content_type, bytes).await?);
    }
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| ApiError::BadRequest("The request body is not valid UTF-8.".into()))?;
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return Err(ApiError::BadRequest(
            "The request body looks like JSON but is declared as a form; send `Content-Type: application/json`.".into(),
        ));
    }
    form_value(url::form_urlencoded::parse(text.as_bytes()).into_owned())
}

fn form_value(pairs: impl IntoIterator<Item = (String, String)>) -> Result<Value, ApiError> {
    php_form_to_json(pairs).map_err(|error| match &error {
        FormError::Conflict { path } => ApiError::validation(path.clone(), error.to_string()),
        _ => ApiError::BadRequest(error.to_string()),
    })
}

/// The text fields of a multipart body, in order. A part that is not UTF-8 text is refused.
async fn multipart_fields(
    content_type: &str,
    bytes: Bytes,
) -> Result<Vec<(String, String)>, ApiError> {
    let boundary = multer::parse_boundary(content_type)
        .map_err(|_| ApiError::BadRequest("The multipart Content-Type has no boundary.".into()))?;
    let stream = futures::stream::once(async move { Ok::<Bytes, std::io::Error>(bytes) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut fields = Vec::new();
    loop {
        let field = multipart.next_field().await.map_err(|error| {
            ApiError::BadRequest(format!("The multipart body is malformed: {error}."))
        })?;
        let Some(field) = field else { break };
        let name = field.name().unwrap_or_default().to_owned();
        let text = field.text().await.map_err(|error| {
            ApiError::BadRequest(format!(
                "The multipart field `{name}` could not be read: {error}."
            ))
        })?;
        fields.push((name, text));
    }
    Ok(fields)
}
