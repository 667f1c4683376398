//! Case attachments: uploads by customers and reps (at most 5 MB, an allow-list of types whose content must match
//! the declared type, names cleaned), stored in SQLite and served only as downloads (`attachment`, `nosniff`, a
//! sandbox CSP). Each author has at most a few uploads waiting to be attached, and those never attached are
//! purged after a day. A customer downloads only files of public messages of cases they may see, or their own uploads.

use crate::auth::Rep;
use crate::cases::{invalid, Writer};
use crate::error::{json_body, Failure};
use crate::portal_auth::CustomerSession;
use crate::state::AppState;
use crate::{clock, db, limits};
use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rusqlite::{params, OptionalExtension};
use trato_protocol::*;

/// Uploads one author may have that are not attached to a message yet.
pub const MAX_LOOSE_UPLOADS: i64 = 10;
/// Hours an upload that was never attached is kept.
pub const LOOSE_UPLOAD_HOURS: i64 = 24;

/// Deletes uploads older than [`LOOSE_UPLOAD_HOURS`] that were never attached to a message.
pub fn purge_loose(conn: &rusqlite::Connection) -> rusqlite::Result<usize> {
    let before = clock::timestamp(time::OffsetDateTime::now_utc() - time::Duration::hours(LOOSE_UPLOAD_HOURS));
    conn.execute("DELETE FROM attachments WHERE message_id IS NULL AND created_at < ?1", params![before])
}

/// Largest accepted upload body (an attachment plus some slack, so a too-large file gets a clear message).
const UPLOAD_BODY: usize = MAX_ATTACHMENT + 64 * 1024;

/// The attachment routes (under `/api/v1`).
pub fn router() -> axum::Router<AppState> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/attachments", post(desk_upload).layer(DefaultBodyLimit::max(UPLOAD_BODY)))
        .route("/attachments/{id}", get(desk_download))
        .route("/portal/attachments", post(portal_upload).layer(DefaultBodyLimit::max(UPLOAD_BODY)))
        .route("/portal/attachments/{id}", get(portal_download))
}

/// `POST /portal/attachments`: the customer uploads a file to attach to a case or reply.
pub async fn portal_upload(
    State(state): State<AppState>,
    session: CustomerSession,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Failure> {
    upload(&state, Writer::Customer(&session.customer), &headers, body)
}

/// `GET /portal/attachments/{id}`: a file of a public message of a visible case, or the customer's own upload.
pub async fn portal_download(
    State(state): State<AppState>,
    session: CustomerSession,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let conn = state.db();
    let (customer_id, account_id, admin) = session.visible_params();
    let found = conn
        .query_row(
            "SELECT a.name, a.content_type, a.data FROM attachments a
             LEFT JOIN case_messages m ON m.id = a.message_id
             LEFT JOIN cases c ON c.id = a.case_id
             WHERE a.id = ?4 AND (
               (a.message_id IS NOT NULL AND m.internal = 0
                AND (c.customer_id = ?1 OR (?3 = 1 AND c.account_id = ?2)))
               OR (a.message_id IS NULL AND a.owner_kind = 'customer' AND a.owner_id = ?1))",
            params![customer_id, account_id, admin, id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    found.map(file_response).ok_or_else(|| Failure::not_found("attachment"))
}

/// `POST /attachments`: a rep uploads a file to attach to a reply.
pub async fn desk_upload(
    State(state): State<AppState>,
    rep: Rep,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Failure> {
    upload(&state, Writer::Rep(&rep.user), &headers, body)
}

/// `GET /attachments/{id}`: any case file, for reps.
pub async fn desk_download(
    State(state): State<AppState>,
    _rep: Rep,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let found = state
        .db()
        .query_row("SELECT name, content_type, data FROM attachments WHERE id = ?1", params![id], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .optional()?;
    found.map(file_response).ok_or_else(|| Failure::not_found("attachment"))
}

/// Whether `data` looks like a file of `content_type` (magic numbers; text must be UTF-8 without NUL).
pub fn content_matches(content_type: &str, data: &[u8]) -> bool {
    match content_type {
        "image/png" => data.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg" => data.starts_with(&[0xFF, 0xD8, 0xFF]),
        "image/gif" => data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a"),
        "image/webp" => data.len() >= 12 && &data[..4] == b"RIFF" && &data[8..12] == b"WEBP",
        "application/pdf" => data.starts_with(b"%PDF-"),
        "text/plain" | "text/csv" => std::str::from_utf8(data).is_ok_and(|t| !t.contains('\0')),
        _ => false,
    }
}

/// A safe display name for an uploaded file: no folders, no control characters, at most 200 characters.
pub fn clean_filename(raw: &str) -> String {
    let decoded = percent_decode(raw);
    let base = decoded.rsplit(['/', '\\']).next().unwrap_or("");
    let name: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    let name = name.trim().trim_start_matches('.').to_string();
    if name.is_empty() {
        "archivo".into()
    } else {
        name
    }
}

fn percent_decode(text: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(high * 16 + low);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn upload(
    state: &AppState,
    writer: Writer<'_>,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Failure> {
    let data = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Failure::new(ErrorCode::PayloadTooLarge, format!("Files can be at most {} MB.", MAX_ATTACHMENT >> 20))
        } else {
            Failure::new(ErrorCode::BadRequest, "The file could not be read.")
        }
    })?;
    if data.len() > MAX_ATTACHMENT {
        return Err(Failure::new(
            ErrorCode::PayloadTooLarge,
            format!("Files can be at most {} MB.", MAX_ATTACHMENT >> 20),
        ));
    }
    if data.is_empty() {
        return Err(invalid("file", "the file is empty"));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !ATTACHMENT_TYPES.contains(&content_type.as_str()) {
        return Err(Failure::new(
            ErrorCode::UnsupportedMediaType,
            "Only images (PNG, JPEG, GIF, WebP), PDF, plain text and CSV files can be attached.",
        ));
    }
    if !content_matches(&content_type, &data) {
        return Err(Failure::new(ErrorCode::UnsupportedMediaType, "The file's content does not match its type."));
    }
    let name = clean_filename(headers.get(FILENAME_HEADER).and_then(|v| v.to_str().ok()).unwrap_or(""));
    let id = db::new_id("att");
    let conn = state.db();
    let loose: i64 = conn.query_row(
        "SELECT COUNT(*) FROM attachments WHERE message_id IS NULL AND owner_kind = ?1 AND owner_id = ?2",
        params![writer.kind(), writer.id()],
        |row| row.get(0),
    )?;
    if loose >= MAX_LOOSE_UPLOADS {
        return Err(Failure::new(
            ErrorCode::RateLimited,
            "Too many files waiting to be sent; send or discard them first (unsent files are deleted after a day).",
        ));
    }
    limits::check(&conn, &limits::UPLOADS_PER_OWNER, &format!("{}/{}", writer.kind(), writer.id()))?;
    conn.execute(
        "INSERT INTO attachments (id, owner_kind, owner_id, name, content_type, size, data, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id, writer.kind(), writer.id(), name, content_type, data.len() as i64, data.as_ref(), clock::now()],
    )?;
    let attachment = Attachment { id, name, content_type, size: data.len() as u64 };
    let mut response = json_body(&attachment);
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

/// A file download: its stored type, always as an attachment, never sniffed or run.
fn file_response((name, content_type, data): (String, String, Vec<u8>)) -> Response {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_ ".contains(c) { c } else { '_' }).collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut response = Body::from(data).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert("content-security-policy", HeaderValue::from_static("default-src 'none'; sandbox"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_folders_and_control_characters() {
        assert_eq!(clean_filename("..%2F..%2Fetc%2Fpasswd"), "passwd");
        assert_eq!(clean_filename("C:\\Users\\ana\\factura%20m%C3%A1rzo.pdf"), "factura márzo.pdf");
        assert_eq!(clean_filename("a%0Ab.txt"), "ab.txt");
        assert_eq!(clean_filename(""), "archivo");
        assert_eq!(clean_filename("%"), "%");
    }

    #[test]
    fn content_must_match_the_declared_type() {
        assert!(content_matches("image/png", b"\x89PNG\r\n\x1a\nrest"));
        assert!(!content_matches("image/png", b"<script>alert(1)</script>"));
        assert!(content_matches("text/plain", "hola ñ".as_bytes()));
        assert!(!content_matches("text/plain", &[0xff, 0xfe, 0]));
        assert!(!content_matches("text/html", b"<p>"));
    }
}
