//! Widget visitors: sessions (a bearer token stored as SHA-256), the widget's configuration, pre-chat details and
//! identify calls from the host site (signed with the site's secret, checked in constant time).

use super::leads::match_contact;
use super::sites::site;
use crate::error::{check, json_body, ApiJson, Failure};
use crate::portal_auth::{rate_limit, ClientIp};
use crate::session::{bearer, new_token, token_hash};
use crate::state::AppState;
use crate::{clock, db};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use hmac::{Hmac, Mac};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Deserialize;
use sha2::Sha256;
use time::OffsetDateTime;
use trato_protocol::*;

/// New widget sessions allowed per IP in the rate-limit window.
pub const SESSIONS_PER_IP: i64 = 20;

/// The visitor named by the bearer token.
pub struct VisitorSession {
    /// The visitor.
    pub visitor: Visitor,
    /// Their site.
    pub site: String,
}

fn visitor_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(Visitor, String)> {
    Ok((
        Visitor {
            id: row.get(0)?,
            name: row.get(1)?,
            email: row.get(2)?,
            user_id: row.get(3)?,
            contact_id: row.get(4)?,
        },
        row.get(5)?,
    ))
}

pub(super) fn visitor_by_token(conn: &Connection, token: &str) -> rusqlite::Result<Option<VisitorSession>> {
    conn.query_row(
        "SELECT id, name, email, user_id, contact_id, site_key FROM visitors WHERE token_hash = ?1",
        params![token_hash(token)],
        visitor_row,
    )
    .optional()
    .map(|found| found.map(|(visitor, site)| VisitorSession { visitor, site }))
}

pub(super) fn visitor_by_id(conn: &Connection, id: &str) -> rusqlite::Result<Option<Visitor>> {
    conn.query_row(
        "SELECT id, name, email, user_id, contact_id, site_key FROM visitors WHERE id = ?1",
        params![id],
        visitor_row,
    )
    .optional()
    .map(|found| found.map(|(visitor, _)| visitor))
}

impl axum::extract::FromRequestParts<AppState> for VisitorSession {
    type Rejection = Failure;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(&parts.headers);
        let unauthorized = || Failure::new(ErrorCode::Unauthorized, "Start a chat session first.");
        let token = token.ok_or_else(unauthorized)?;
        visitor_by_token(&state.read(), &token)?.ok_or_else(unauthorized)
    }
}

/// Query of `GET /widget/config`.
#[derive(Deserialize)]
pub struct ConfigQuery {
    site: String,
}

fn is_open_now(site: &Site) -> bool {
    let Some(hours) = &site.business_hours else { return true };
    let now = OffsetDateTime::now_utc();
    hours.is_open(now.weekday().number_from_monday(), now.hour() as i32 * 60 + now.minute() as i32)
}

/// `GET /widget/config?site=`: name, pre-chat, whether someone is there.
pub async fn config(State(state): State<AppState>, Query(query): Query<ConfigQuery>) -> Result<Response, Failure> {
    let site = site(&state.db(), &query.site)?.ok_or_else(|| Failure::not_found("site"))?;
    Ok(json_body(&WidgetConfig {
        name: site.name.clone(),
        prechat: site.prechat,
        online: state.hub.reps_online() && is_open_now(&site),
        enforce_identity: site.enforce_identity,
    }))
}

/// `POST /widget/session`: a new visitor (rate limited per IP).
pub async fn new_session(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<NewWidgetSession>,
) -> Result<Response, Failure> {
    let conn = state.db();
    site(&conn, &body.site)?.ok_or_else(|| Failure::not_found("site"))?;
    rate_limit(&conn, "widget_session_ip", &ip, SESSIONS_PER_IP)?;
    let token = new_token();
    let id = db::new_id("vis");
    conn.execute(
        "INSERT INTO visitors (id, site_key, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![id, body.site, token_hash(&token), clock::now()],
    )?;
    let visitor = visitor_by_id(&conn, &id)?.ok_or_else(|| Failure::not_found("visitor"))?;
    let mut response = json_body(&WidgetSession { token, visitor });
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

/// `GET /widget/me`.
pub async fn me(session: VisitorSession) -> Response {
    json_body(&session.visitor)
}

pub(super) fn set_visitor(
    conn: &Connection,
    id: &str,
    name: Option<&str>,
    email: Option<&str>,
    user_id: Option<&str>,
) -> Result<Visitor, Failure> {
    let contact = match email {
        Some(email) => Some(match_contact(conn, name.unwrap_or(email), email)?),
        None => None,
    };
    conn.execute(
        "UPDATE visitors SET name = COALESCE(?2, name), email = COALESCE(?3, email), user_id = COALESCE(?4, user_id),
                             contact_id = COALESCE(?5, contact_id) WHERE id = ?1",
        params![id, name, email, user_id, contact],
    )?;
    visitor_by_id(conn, id)?.ok_or_else(|| Failure::not_found("visitor"))
}

/// `POST /widget/prechat`: name and e-mail; matches or creates a CRM contact.
pub async fn prechat(
    State(state): State<AppState>,
    session: VisitorSession,
    ApiJson(body): ApiJson<PreChat>,
) -> Result<Response, Failure> {
    check(body.errors())?;
    let conn = state.db();
    let visitor = set_visitor(&conn, &session.visitor.id, Some(body.name.trim()), Some(body.email.trim()), None)?;
    Ok(json_body(&visitor))
}

/// Whether `signature` (hex) is the HMAC-SHA256 of `user_id` under `secret`, compared in constant time.
pub fn valid_signature(secret: &str, user_id: &str, signature: &str) -> bool {
    let Ok(bytes) = (0..signature.len())
        .step_by(2)
        .map(|i| signature.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()).ok_or(()))
        .collect::<Result<Vec<u8>, ()>>()
    else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return false };
    mac.update(user_id.as_bytes());
    mac.verify_slice(&bytes).is_ok()
}

/// `POST /widget/identify`: the host site names the visitor; with enforcement, only with a valid signature.
pub async fn identify(
    State(state): State<AppState>,
    session: VisitorSession,
    ApiJson(body): ApiJson<Identify>,
) -> Result<Response, Failure> {
    let conn = state.db();
    let site = site(&conn, &session.site)?.ok_or_else(|| Failure::not_found("site"))?;
    let signed = body.hmac.as_deref().is_some_and(|h| valid_signature(&site.identity_secret, &body.user_id, h));
    if site.enforce_identity && !signed {
        return Err(Failure::new(ErrorCode::Forbidden, "The identity signature is missing or wrong."));
    }
    if body.user_id.is_empty() || body.user_id.len() > 200 {
        let mut fields = FieldErrors::new();
        fields.insert("user_id".into(), "must be 1 to 200 characters".into());
        return Err(Failure(ApiError::validation(fields)));
    }
    let email = body.email.as_deref().map(str::trim).filter(|e| validate::is_email(e));
    let name = body.name.as_deref().map(str::trim).filter(|n| !n.is_empty() && n.chars().count() <= 200);
    let visitor = set_visitor(&conn, &session.visitor.id, name, email, Some(&body.user_id))?;
    if signed {
        // The same signed user on a new session (another device, or a frame whose storage was partitioned
        // away): their earlier conversations follow them. Unsigned ids are never trusted for this.
        conn.execute(
            "UPDATE conversations SET visitor_id = ?1 WHERE visitor_id IN
               (SELECT id FROM visitors WHERE site_key = ?2 AND user_id = ?3 AND id <> ?1)",
            params![visitor.id, session.site, body.user_id],
        )?;
    }
    Ok(json_body(&visitor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_checked_exactly() {
        let mut mac = Hmac::<Sha256>::new_from_slice(b"s3cret").unwrap();
        mac.update(b"user-42");
        let good: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        assert!(valid_signature("s3cret", "user-42", &good));
        assert!(!valid_signature("s3cret", "user-43", &good));
        assert!(!valid_signature("other", "user-42", &good));
        assert!(!valid_signature("s3cret", "user-42", &good[..10]));
        assert!(!valid_signature("s3cret", "user-42", "zz"));
        assert!(!valid_signature("s3cret", "user-42", "ñ"));
    }
}
