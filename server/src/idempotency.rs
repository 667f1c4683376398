//! `Idempotency-Key` on writes: the first answer to a keyed request is stored in the write's own transaction,
//! and a retry with the same key (after a lost answer) gets that answer again instead of applying the write twice.

use crate::clock;
use crate::error::Failure;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use trato_protocol::{ErrorCode, IDEMPOTENCY_HEADER};

/// Longest accepted key.
pub const MAX_KEY: usize = 200;

/// A keyed write: its key (if the request has one), and the stored answer when it was already applied.
pub struct Keyed {
    /// The request's key.
    pub key: Option<String>,
    /// The first answer, to send again.
    pub replay: Option<Response>,
}

/// Reads the request's key and looks for an earlier answer to it (by this user, for this method and path).
pub fn lookup(
    conn: &Connection,
    user_id: &str,
    headers: &HeaderMap,
    method: &str,
    path: &str,
) -> Result<Keyed, Failure> {
    let key = key(headers)?;
    let replay = match &key {
        Some(key) => replay(conn, user_id, key, method, path)?,
        None => None,
    };
    Ok(Keyed { key, replay })
}

fn key(headers: &HeaderMap) -> Result<Option<String>, Failure> {
    let Some(value) = headers.get(IDEMPOTENCY_HEADER) else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or("").trim();
    if key.is_empty() || key.len() > MAX_KEY {
        return Err(Failure::new(ErrorCode::BadRequest, "Idempotency-Key must be 1 to 200 visible characters."));
    }
    Ok(Some(key.to_string()))
}

fn replay(conn: &Connection, user_id: &str, key: &str, method: &str, path: &str) -> Result<Option<Response>, Failure> {
    let stored: Option<(String, String, u16, String)> = conn
        .query_row(
            "SELECT method, path, status, body FROM idempotency WHERE user_id = ?1 AND key = ?2",
            params![user_id, key],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .optional()?;
    let Some((stored_method, stored_path, status, body)) = stored else {
        return Ok(None);
    };
    if stored_method != method || stored_path != path {
        return Err(Failure::new(
            ErrorCode::ValidationFailed,
            "This Idempotency-Key was already used for another request.",
        ));
    }
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    if status == StatusCode::NO_CONTENT {
        let mut response = status.into_response();
        response.headers_mut().insert("idempotent-replay", HeaderValue::from_static("true"));
        return Ok(Some(response));
    }
    let version = serde_json::from_str::<Value>(&body).ok().and_then(|v| v["version"].as_u64()).unwrap_or(1);
    let mut response = (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    response.headers_mut().insert("idempotent-replay", HeaderValue::from_static("true"));
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{version}\"")) {
        response.headers_mut().insert(header::ETAG, etag);
    }
    Ok(Some(response))
}

/// Stores the answer to a keyed write (in the write's transaction); does nothing without a key.
pub fn remember(
    conn: &Connection,
    user_id: &str,
    key: Option<&str>,
    method: &str,
    path: &str,
    status: StatusCode,
    body: &str,
) -> Result<(), Failure> {
    let Some(key) = key else { return Ok(()) };
    conn.execute(
        "INSERT INTO idempotency (user_id, key, method, path, status, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![user_id, key, method, path, status.as_u16(), body, clock::now()],
    )?;
    Ok(())
}
