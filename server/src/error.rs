//! Turning [`ApiError`] into HTTP responses, and the JSON body extractor that never answers with plain text.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use trato_protocol::{ApiError, ErrorCode};

/// An [`ApiError`] that axum can return.
#[derive(Debug)]
pub struct Failure(pub ApiError);

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Self {
        Failure(error)
    }
}

impl From<rusqlite::Error> for Failure {
    fn from(error: rusqlite::Error) -> Self {
        tracing::error!(%error, "database error");
        Failure(ApiError::new(ErrorCode::Internal, "The server could not complete the request."))
    }
}

impl Failure {
    /// Shorthand for an error with a code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Failure(ApiError::new(code, message))
    }

    /// 404 for a record that does not exist or is not visible.
    pub fn not_found(what: &str) -> Self {
        Failure::new(ErrorCode::NotFound, format!("No such {what}."))
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, json_body(&self.0)).into_response();
        if self.0.code == ErrorCode::RateLimited {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        }
        response
    }
}

/// `Ok` when there are no field errors, else a 422 with them.
pub fn check(errors: trato_protocol::FieldErrors) -> Result<(), Failure> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Failure(ApiError::validation(errors)))
    }
}

/// A JSON response body with the right content type.
pub fn json_body<T: serde::Serialize>(value: &T) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
}

/// JSON request body; every way it can be wrong becomes a 4xx [`ApiError`].
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Failure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(Failure::new(ErrorCode::UnsupportedMediaType, "The body must be application/json."));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Failure::new(ErrorCode::PayloadTooLarge, "The body is too large.")
            } else if timed_out(&rejection) {
                Failure::new(ErrorCode::RequestTimeout, "The body arrived too slowly.")
            } else {
                Failure::new(ErrorCode::BadRequest, "The body could not be read.")
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Whether reading a body failed because it paused longer than the server allows.
pub fn timed_out(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if error.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cause = error.source();
    }
    false
}

/// The error code that goes with an HTTP status (for answers made by something other than a handler).
pub fn code_for(status: StatusCode) -> ErrorCode {
    match status.as_u16() {
        401 => ErrorCode::Unauthorized,
        403 => ErrorCode::Forbidden,
        404 => ErrorCode::NotFound,
        405 => ErrorCode::MethodNotAllowed,
        408 => ErrorCode::RequestTimeout,
        412 => ErrorCode::PreconditionFailed,
        413 => ErrorCode::PayloadTooLarge,
        415 => ErrorCode::UnsupportedMediaType,
        422 => ErrorCode::ValidationFailed,
        429 => ErrorCode::RateLimited,
        400..=499 => ErrorCode::BadRequest,
        _ => ErrorCode::Internal,
    }
}

/// Parses a JSON body, describing the first problem (syntax, unknown field, wrong type) in the message.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Failure> {
    serde_json::from_slice(bytes).map_err(|error| {
        let message = match error.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                format!("The body is not valid JSON ({error}).")
            }
            _ => format!("The body does not match the expected shape: {error}."),
        };
        Failure::new(ErrorCode::BadRequest, message)
    })
}
