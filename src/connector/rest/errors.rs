//! A backend's failure read into a typed [`ConnectorError`] by the file's `[errors]` rules, or by the usual
//! meaning of its status when no rule names it. Per-field messages are given Trato's field names.

use crate::connector::{ConnectorError, HttpResponse};
use serde_json::Value;
use trato_protocol::connector_file::{ConnectorFile, ErrorKind, Resource};
use trato_protocol::FieldErrors;

fn kind_of_status(status: u16) -> ErrorKind {
    match status {
        401 => ErrorKind::Unauthorized,
        403 => ErrorKind::Forbidden,
        404 | 410 => ErrorKind::NotFound,
        409 | 412 => ErrorKind::Conflict,
        429 => ErrorKind::RateLimited,
        400..=499 => ErrorKind::Invalid,
        _ => ErrorKind::Server,
    }
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Array(items) => items.iter().find_map(text),
        Value::Object(o) => o.get("message").and_then(text),
        _ => None,
    }
}

/// The Trato name of a backend field (its mapped path), or the backend's own name when it maps none.
fn trato_field(resource: Option<&Resource>, backend: &str) -> String {
    let found = resource.and_then(|r| {
        r.fields.iter().find(|(_, map)| {
            let rule = map.rule();
            rule.path.as_str().trim_start_matches('$').trim_start_matches('.') == backend
        })
    });
    found.map(|(name, _)| name.clone()).unwrap_or_else(|| backend.to_string())
}

fn field_errors(file: &ConnectorFile, resource: Option<&Resource>, body: &Value) -> FieldErrors {
    let mut out = FieldErrors::new();
    let Some(at) = &file.errors.fields else { return out };
    match at.path.get(body) {
        Some(Value::Object(fields)) => {
            for (backend, entry) in fields {
                if let Some(message) = at.message.get(entry).and_then(text) {
                    out.insert(trato_field(resource, backend), message);
                }
            }
        }
        Some(Value::Array(entries)) => {
            for entry in entries {
                let name = at.field.as_ref().and_then(|f| f.get(entry)).and_then(|v| match v {
                    Value::Array(parts) => parts.first().and_then(text),
                    other => text(other),
                });
                if let (Some(name), Some(message)) = (name, at.message.get(entry).and_then(text)) {
                    out.insert(trato_field(resource, &name), message);
                }
            }
        }
        _ => {}
    }
    out
}

/// The typed error of a failed answer.
pub fn error_of(file: &ConnectorFile, resource: Option<&Resource>, response: &HttpResponse) -> ConnectorError {
    let body: Value = serde_json::from_str(&response.body).unwrap_or(Value::Null);
    let rule = file.errors.rules.iter().find(|rule| {
        rule.status.contains(&response.status)
            && rule.body_contains.as_deref().is_none_or(|needle| response.body.contains(needle))
    });
    let kind = rule.map(|r| r.kind).unwrap_or_else(|| kind_of_status(response.status));
    let message = file
        .errors
        .message
        .iter()
        .find_map(|path| path.get(&body).and_then(text))
        .or_else(|| text(&body))
        .unwrap_or_else(|| format!("HTTP {}", response.status));
    let message: String = message.chars().take(500).collect();
    match kind {
        ErrorKind::Unauthorized => ConnectorError::Unauthorized(message),
        ErrorKind::Forbidden => ConnectorError::Forbidden(message),
        ErrorKind::NotFound => ConnectorError::NotFound(message),
        ErrorKind::Conflict => ConnectorError::Conflict(message),
        ErrorKind::Invalid => ConnectorError::Invalid { fields: field_errors(file, resource, &body), message },
        ErrorKind::RateLimited => {
            ConnectorError::RateLimited(response.header("retry-after").and_then(|v| v.trim().parse().ok()))
        }
        ErrorKind::Server => ConnectorError::Server { status: response.status, message },
    }
}
