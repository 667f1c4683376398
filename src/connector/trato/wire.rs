//! The Trato protocol's wire conventions shared by its connectors: percent-encoding, query strings, the CSRF
//! header on mutations, versions and idempotency keys in headers, and reading answers and error bodies leniently
//! (a proxy's HTML page is still a typed error, never a panic).

use crate::connector::{ConnectorError, HttpRequest, HttpResponse, Method};
use serde::de::DeserializeOwned;
use trato_protocol::*;

/// Percent-encodes a query component (everything but RFC 3986 unreserved characters).
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The query string of the `pairs` whose value is present and not blank, encoded, with the leading `?` when not
/// empty.
pub fn query_string(pairs: &[(&str, Option<String>)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| {
            v.as_ref().filter(|v| !v.trim().is_empty()).map(|v| format!("{k}={}", encode_component(v)))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// Percent-encodes a file name for [`FILENAME_HEADER`].
pub fn encode_filename(name: &str) -> String {
    encode_component(name)
}

/// A mutating request: it carries the CSRF header.
pub fn mutating(method: Method, path: String) -> HttpRequest {
    HttpRequest::new(method, path).header(CSRF_HEADER, CSRF_VALUE)
}

/// `If-Match` with the version a change was made on.
pub fn with_version(request: HttpRequest, version: Option<u64>) -> HttpRequest {
    match version {
        Some(version) => request.header("if-match", format!("\"{version}\"")),
        None => request,
    }
}

/// `Idempotency-Key`, when the caller chose one.
pub fn with_key(request: HttpRequest, key: &Option<String>) -> HttpRequest {
    match key {
        Some(key) => request.header(IDEMPOTENCY_HEADER, key.clone()),
        None => request,
    }
}

/// Reads a successful JSON answer.
pub fn parse_ok<T: DeserializeOwned>(response: &HttpResponse) -> Result<T, ConnectorError> {
    serde_json::from_str(&response.body)
        .map_err(|error| ConnectorError::Malformed(format!("unexpected answer from the server ({error})")))
}

/// Reads a JSON answer, or the protocol's error.
pub fn parse<T: DeserializeOwned>(response: &HttpResponse) -> Result<T, ConnectorError> {
    if !response.is_success() {
        return Err(error_from(response));
    }
    parse_ok(response)
}

/// `Ok` for a successful answer without a body, or the protocol's error.
pub fn done(response: &HttpResponse) -> Result<(), ConnectorError> {
    if response.is_success() {
        Ok(())
    } else {
        Err(error_from(response))
    }
}

/// The parts of the protocol's error body the client uses; anything else in it is ignored.
#[derive(Default, serde::Deserialize)]
struct ErrorBody {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    fields: FieldErrors,
}

/// Turns a non-2xx answer into a typed error, reading the protocol's error body leniently (a proxy may answer
/// with HTML or nothing at all).
pub fn error_from(response: &HttpResponse) -> ConnectorError {
    let body: ErrorBody = serde_json::from_str(&response.body).unwrap_or_default();
    let message = body
        .message
        .map(|m| m.chars().take(500).collect::<String>())
        .unwrap_or_else(|| format!("HTTP {}", response.status));
    let fields = body.fields;
    match response.status {
        401 => ConnectorError::Unauthorized(message),
        403 => ConnectorError::Forbidden(message),
        404 => ConnectorError::NotFound(message),
        409 | 412 => ConnectorError::Conflict(message),
        429 => ConnectorError::RateLimited(response.header("retry-after").and_then(|v| v.trim().parse().ok())),
        408 | 500..=599 => ConnectorError::Server { status: response.status, message },
        _ => ConnectorError::Invalid { message, fields },
    }
}
