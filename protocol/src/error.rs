//! The one error shape every endpoint answers with.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Per-field validation messages, keyed by the field's wire name.
pub type FieldErrors = BTreeMap<String, String>;

/// Machine-readable error codes; the HTTP status follows from the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Malformed request: bad JSON, unknown field, wrong type, bad query parameter (400).
    BadRequest,
    /// Well-formed but invalid values; see `fields` (422).
    ValidationFailed,
    /// No valid session (401).
    Unauthorized,
    /// Signed in but not allowed, or the CSRF header is missing (403).
    Forbidden,
    /// No such record, or not visible to the caller (404).
    NotFound,
    /// Method not allowed on this path (405).
    MethodNotAllowed,
    /// `If-Match` names an older version than the stored one (412).
    PreconditionFailed,
    /// Body larger than the server accepts (413).
    PayloadTooLarge,
    /// Body is not `application/json` (415).
    UnsupportedMediaType,
    /// The request took longer than the server allows (its body arrived too slowly) (408).
    RequestTimeout,
    /// Too many attempts; retry after the `Retry-After` seconds (429).
    RateLimited,
    /// A bug on the server; the message never leaks internals (500).
    Internal,
}

impl ErrorCode {
    /// HTTP status code that goes with this error code.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::BadRequest => 400,
            ErrorCode::ValidationFailed => 422,
            ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::PreconditionFailed => 412,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::RequestTimeout => 408,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
        }
    }
}

/// Error body: `{"code": "...", "message": "...", "fields": {...}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiError {
    /// What went wrong, for programs.
    pub code: ErrorCode,
    /// What went wrong, for people (English; clients translate by `code`).
    pub message: String,
    /// Per-field messages for `validation_failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<FieldErrors>,
}

impl ApiError {
    /// An error with a code and a message and no field details.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError { code, message: message.into(), fields: None }
    }

    /// A `validation_failed` error carrying per-field messages.
    pub fn validation(fields: FieldErrors) -> Self {
        let message = fields.iter().map(|(field, msg)| format!("{field}: {msg}")).collect::<Vec<_>>().join("; ");
        ApiError { code: ErrorCode::ValidationFailed, message, fields: Some(fields) }
    }

    /// HTTP status of this error.
    pub fn status(&self) -> u16 {
        self.code.status()
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for ApiError {}
