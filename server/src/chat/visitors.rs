//! Widget visitors: sessions (a bearer token stored as SHA-256 that expires), the widget's configuration, pre-chat
//! details (always unverified) and identify calls from the host site (signed with the site's secret over the user
//! id, address and expiry, checked in constant time).

use super::hub::identity_key;
use super::leads::contact_for;
use super::sites::site;
use crate::error::{check, json_body, ApiJson, Failure};
use crate::limits::{self, ClientIp};
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
use time::{Duration, OffsetDateTime};
use trato_protocol::*;

/// Days a visitor's token lives after their last message.
pub const VISITOR_TOKEN_DAYS: i64 = 30;
/// Hours a visitor's token lives when they never write.
pub const SILENT_VISITOR_HOURS: i64 = 24;

/// The visitor named by the bearer token (an unexpired one).
pub struct VisitorSession {
    /// The visitor.
    pub visitor: Visitor,
    /// Their site.
    pub site: String,
    /// The hash of their token (their sockets close when it moves to another visitor).
    pub token_hash: String,
    /// When the token expires.
    pub expires_at: String,
}

impl VisitorSession {
    /// The visitor's verified identity key, when the site signed who they are.
    pub fn identity(&self) -> Option<String> {
        self.visitor.user_id.as_deref().map(|user| identity_key(&self.site, user))
    }
}

const VISITOR_COLUMNS: &str =
    "id, name, email, email_verified, verified_user_id, contact_id, site_key, token_hash, expires_at";

fn visitor_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<VisitorSession> {
    Ok(VisitorSession {
        visitor: Visitor {
            id: row.get(0)?,
            name: row.get(1)?,
            email: row.get(2)?,
            email_verified: row.get(3)?,
            user_id: row.get(4)?,
            contact_id: row.get(5)?,
        },
        site: row.get(6)?,
        token_hash: row.get(7)?,
        expires_at: row.get(8)?,
    })
}

pub(super) fn visitor_by_token(conn: &Connection, token: &str) -> rusqlite::Result<Option<VisitorSession>> {
    conn.query_row(
        &format!("SELECT {VISITOR_COLUMNS} FROM visitors WHERE token_hash = ?1 AND expires_at > ?2"),
        params![token_hash(token), clock::now()],
        visitor_row,
    )
    .optional()
}

pub(super) fn visitor_by_id(conn: &Connection, id: &str) -> rusqlite::Result<Option<Visitor>> {
    conn.query_row(&format!("SELECT {VISITOR_COLUMNS} FROM visitors WHERE id = ?1"), params![id], visitor_row)
        .optional()
        .map(|found| found.map(|session| session.visitor))
}

fn expiry_in(duration: Duration) -> String {
    clock::timestamp(OffsetDateTime::now_utc() + duration)
}

/// Keeps a visitor who writes for another [`VISITOR_TOKEN_DAYS`].
pub(super) fn extend(conn: &Connection, visitor_id: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE visitors SET expires_at = ?2 WHERE id = ?1",
        params![visitor_id, expiry_in(Duration::days(VISITOR_TOKEN_DAYS))],
    )?;
    Ok(())
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

/// `POST /widget/session`: a new visitor (rate limited per IP). The token lives a day unless the visitor writes.
pub async fn new_session(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<NewWidgetSession>,
) -> Result<Response, Failure> {
    let conn = state.db();
    site(&conn, &body.site)?.ok_or_else(|| Failure::not_found("site"))?;
    limits::check(&conn, &limits::WIDGET_SESSIONS_PER_IP, &ip)?;
    let token = new_token();
    let id = db::new_id("vis");
    conn.execute(
        "INSERT INTO visitors (id, site_key, token_hash, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, body.site, token_hash(&token), clock::now(), expiry_in(Duration::hours(SILENT_VISITOR_HOURS))],
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

/// Records what a visitor is said to be called and reached at. An address typed in (`verified` false) never
/// replaces a signed one and never links a CRM contact; a signed one links the contact with that address.
fn set_claims(
    conn: &Connection,
    visitor: &Visitor,
    name: Option<&str>,
    email: Option<&str>,
    verified: bool,
) -> Result<Visitor, Failure> {
    let email = email.filter(|_| verified || !visitor.email_verified);
    let contact = match email {
        Some(email) if verified => Some(contact_for(conn, name.unwrap_or(email), email, true)?),
        _ => None,
    };
    conn.execute(
        "UPDATE visitors SET name = COALESCE(?2, name), email = COALESCE(?3, email),
                             email_verified = CASE WHEN ?3 IS NULL THEN email_verified ELSE ?4 END,
                             contact_id = COALESCE(?5, contact_id) WHERE id = ?1",
        params![visitor.id, name, email, verified, contact],
    )?;
    visitor_by_id(conn, &visitor.id)?.ok_or_else(|| Failure::not_found("visitor"))
}

/// Links the visitor to a CRM contact (a rep's conversion).
pub(super) fn link_contact(conn: &Connection, visitor_id: &str, contact_id: &str) -> rusqlite::Result<()> {
    conn.execute("UPDATE visitors SET contact_id = ?2 WHERE id = ?1", params![visitor_id, contact_id])?;
    Ok(())
}

/// Records a typed-in name and address (as unverified) for the visitor.
pub(super) fn claim(conn: &Connection, visitor: &Visitor, name: &str, email: &str) -> Result<Visitor, Failure> {
    set_claims(conn, visitor, Some(name), Some(email), false)
}

/// `POST /widget/prechat`: name and e-mail, kept as the visitor's unverified details. Sites that require signed
/// identity refuse it for visitors they have not identified.
pub async fn prechat(
    State(state): State<AppState>,
    session: VisitorSession,
    ApiJson(body): ApiJson<PreChat>,
) -> Result<Response, Failure> {
    check(body.errors())?;
    let conn = state.db();
    let site = site(&conn, &session.site)?.ok_or_else(|| Failure::not_found("site"))?;
    if site.enforce_identity && session.visitor.user_id.is_none() {
        return Err(Failure::new(ErrorCode::Forbidden, "This site identifies its visitors; sign in on the site."));
    }
    Ok(json_body(&claim(&conn, &session.visitor, body.name.trim(), body.email.trim())?))
}

/// Whether `signature` (hex) is the HMAC-SHA256 of `payload` under `secret`, compared in constant time.
pub fn valid_signature(secret: &str, payload: &str, signature: &str) -> bool {
    let Ok(bytes) = (0..signature.len())
        .step_by(2)
        .map(|i| signature.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()).ok_or(()))
        .collect::<Result<Vec<u8>, ()>>()
    else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return false };
    mac.update(payload.as_bytes());
    mac.verify_slice(&bytes).is_ok()
}

/// Whether `identify` carries a valid, unexpired signature (expiring at most [`IDENTITY_MAX_SECONDS`] after `now`).
pub fn signed(secret: &str, identify: &Identify, now: i64) -> bool {
    let (Some(hmac), Some(expires)) = (identify.hmac.as_deref(), identify.expires) else { return false };
    let fresh = expires > now && expires <= now + IDENTITY_MAX_SECONDS;
    fresh && valid_signature(secret, &identity_payload(&identify.user_id, identify.email.as_deref(), expires), hmac)
}

/// `POST /widget/identify`: the host site names the visitor. Signed (and unexpired), it is the visitor's verified
/// identity: every session of the same user on the site then shares its conversations, without taking them from
/// the others. Unsigned, only the name and address are kept, as unverified; sites that require identity refuse it.
pub async fn identify(
    State(state): State<AppState>,
    session: VisitorSession,
    ApiJson(body): ApiJson<Identify>,
) -> Result<Response, Failure> {
    check(body.errors())?;
    let conn = state.db();
    limits::check(&conn, &limits::IDENTIFY_PER_VISITOR, &session.visitor.id)?;
    let site = site(&conn, &session.site)?.ok_or_else(|| Failure::not_found("site"))?;
    let signed = signed(&site.identity_secret, &body, OffsetDateTime::now_utc().unix_timestamp());
    if site.enforce_identity && !signed {
        return Err(Failure::new(ErrorCode::Forbidden, "The identity signature is missing, wrong or expired."));
    }
    let email = body.email.as_deref().map(str::trim);
    let name = body.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if !signed {
        return Ok(json_body(&set_claims(&conn, &session.visitor, name, email, false)?));
    }
    let tx = conn.unchecked_transaction()?;
    let mut visitor = session.visitor.clone();
    if visitor.user_id.as_deref().is_some_and(|user| user != body.user_id) {
        // This browser's session belonged to another user: the token moves to a fresh visitor, so the new user
        // sees none of the other's conversations (and the other's open sockets close).
        visitor = move_token(&tx, &session)?;
        state.hub.end_session(&session.token_hash);
    }
    tx.execute("UPDATE visitors SET verified_user_id = ?2 WHERE id = ?1", params![visitor.id, body.user_id])?;
    let visitor = set_claims(&tx, &visitor, name, email, true)?;
    tx.commit()?;
    state.hub.identified(&visitor.id, identity_key(&session.site, &body.user_id));
    Ok(json_body(&visitor))
}

/// Gives the session's token to a new visitor on the same site; the old visitor keeps its conversations.
fn move_token(conn: &Connection, session: &VisitorSession) -> Result<Visitor, Failure> {
    let id = db::new_id("vis");
    conn.execute(
        "UPDATE visitors SET token_hash = 'moved:' || id, expires_at = ?2 WHERE id = ?1",
        params![session.visitor.id, clock::now()],
    )?;
    conn.execute(
        "INSERT INTO visitors (id, site_key, token_hash, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, session.site, session.token_hash, clock::now(), session.expires_at],
    )?;
    visitor_by_id(conn, &id)?.ok_or_else(|| Failure::not_found("visitor"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &str, payload: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(payload.as_bytes());
        mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn signatures_are_checked_exactly() {
        let good = sign("s3cret", "user-42");
        assert!(valid_signature("s3cret", "user-42", &good));
        assert!(!valid_signature("s3cret", "user-43", &good));
        assert!(!valid_signature("other", "user-42", &good));
        assert!(!valid_signature("s3cret", "user-42", &good[..10]));
        assert!(!valid_signature("s3cret", "user-42", "zz"));
        assert!(!valid_signature("s3cret", "user-42", "ñ"));
    }

    #[test]
    fn a_signed_identity_covers_the_address_and_expires() {
        let now = 1_800_000_000;
        let identify = |email: &str, expires: i64, signed_email: &str| Identify {
            user_id: "u-7".into(),
            name: None,
            email: Some(email.into()),
            hmac: Some(sign("k", &identity_payload("u-7", Some(signed_email), expires))),
            expires: Some(expires),
        };
        assert!(signed("k", &identify("ana@x.es", now + 600, "ana@x.es"), now));
        assert!(!signed("k", &identify("eva@x.es", now + 600, "ana@x.es"), now), "another address");
        assert!(!signed("k", &identify("ana@x.es", now - 1, "ana@x.es"), now), "expired");
        assert!(!signed("k", &identify("ana@x.es", now + IDENTITY_MAX_SECONDS + 1, "ana@x.es"), now), "too long");
        let mut unexpiring = identify("ana@x.es", now + 600, "ana@x.es");
        unexpiring.expires = None;
        assert!(!signed("k", &unexpiring, now));
    }
}
