//! Live chat: sites, widget visitors, conversations, messages, presence and the realtime hub.
//!
//! - A visitor's credential is a random bearer token the widget keeps in its own origin's storage and sends as
//!   `Authorization: Bearer`, or as the first message on its socket; never in a URL, never in a cookie (third-party
//!   frames often lose cookies).
//! - Every visitor endpoint only ever reads the caller's own conversations.
//! - New sessions and new conversations are rate limited per IP.
//! - Events go through one in-memory broadcast hub; a visitor socket forwards only its own conversation's events,
//!   rep sockets everything. Reps connected to the inbox socket count as online.

use crate::auth::Rep;
use crate::error::{check, json_body, ApiJson, Failure};
use crate::portal_auth::{rate_limit, ClientIp};
use crate::{clock, db, AppState};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use hmac::{Hmac, Mac};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use time::OffsetDateTime;
use tokio::sync::broadcast;
use trato_protocol::*;

/// New widget sessions allowed per IP in the rate-limit window.
pub const SESSIONS_PER_IP: i64 = 20;
/// New conversations allowed per IP in the rate-limit window.
pub const CONVERSATIONS_PER_IP: i64 = 10;

/// One event with the visitor whose conversation it concerns.
#[derive(Clone, Debug)]
pub struct HubEvent {
    /// The visitor of the conversation.
    pub visitor_id: String,
    /// The event.
    pub event: ChatEvent,
}

/// The realtime hub and rep presence, shared by every handler.
#[derive(Clone)]
pub struct Hub {
    sender: broadcast::Sender<HubEvent>,
    reps_online: Arc<AtomicUsize>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub { sender: broadcast::channel(1024).0, reps_online: Arc::new(AtomicUsize::new(0)) }
    }
}

impl Hub {
    fn send(&self, visitor_id: &str, event: ChatEvent) {
        // No receiver is not an error: nobody is listening right now.
        let _ = self.sender.send(HubEvent { visitor_id: visitor_id.into(), event });
    }

    /// Whether any rep has the inbox open.
    pub fn reps_online(&self) -> bool {
        self.reps_online.load(Ordering::SeqCst) > 0
    }
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `text` is an origin: `http(s)://host[:port]` with nothing after it.
pub fn is_origin(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://")) else { return false };
    !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c)) && !rest.starts_with(':')
}

// ---------------------------------------------------------------------------------------------------------------
// Sites

fn site_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Site> {
    let origins: String = row.get(2)?;
    let hours: Option<String> = row.get(3)?;
    Ok(Site {
        key: row.get(0)?,
        name: row.get(1)?,
        allowed_origins: serde_json::from_str(&origins).unwrap_or_default(),
        business_hours: hours.and_then(|h| serde_json::from_str(&h).ok()),
        enforce_identity: row.get(4)?,
        identity_secret: row.get(5)?,
        prechat: row.get(6)?,
    })
}

/// Reads a site by key.
pub fn site(conn: &Connection, key: &str) -> rusqlite::Result<Option<Site>> {
    conn.query_row(
        "SELECT key, name, allowed_origins, business_hours, enforce_identity, identity_secret, prechat
         FROM sites WHERE key = ?1",
        params![key],
        site_row,
    )
    .optional()
}

/// Stores a site (insert or replace).
pub fn put_site(conn: &Connection, site: &Site) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO sites (key, name, allowed_origins, business_hours, enforce_identity, identity_secret, prechat)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(key) DO UPDATE SET name = ?2, allowed_origins = ?3, business_hours = ?4, enforce_identity = ?5,
                                        identity_secret = ?6, prechat = ?7",
        params![
            site.key,
            site.name,
            serde_json::to_string(&site.allowed_origins).unwrap_or_else(|_| "[]".into()),
            site.business_hours.as_ref().and_then(|h| serde_json::to_string(h).ok()),
            site.enforce_identity,
            site.identity_secret,
            site.prechat
        ],
    )?;
    Ok(())
}

/// The `frame-ancestors` source list for the widget page of `site_key`: the site's allowed origins, or `'none'`.
pub fn frame_ancestors(conn: &Connection, site_key: Option<&str>) -> String {
    let origins =
        site_key.and_then(|key| site(conn, key).ok().flatten()).map(|s| s.allowed_origins).unwrap_or_default();
    let valid: Vec<String> = origins.into_iter().filter(|o| is_origin(o)).collect();
    if valid.is_empty() {
        "'none'".into()
    } else {
        valid.join(" ")
    }
}

/// Body of `POST /sites`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSite {
    /// Display name.
    pub name: String,
    /// Origins allowed to frame the widget.
    pub allowed_origins: Vec<String>,
    /// Opening hours; absent for always.
    #[serde(default)]
    pub business_hours: Option<BusinessHours>,
    /// Require signed identify calls.
    #[serde(default)]
    pub enforce_identity: bool,
    /// Ask name and e-mail first.
    #[serde(default)]
    pub prechat: bool,
}

/// `GET /sites`: every site, for reps.
pub async fn list_sites(State(state): State<AppState>, _rep: Rep) -> Result<Response, Failure> {
    let conn = state.db();
    let mut stmt = conn.prepare(
        "SELECT key, name, allowed_origins, business_hours, enforce_identity, identity_secret, prechat FROM sites ORDER BY name",
    )?;
    let sites = stmt.query_map([], site_row)?.collect::<Result<Vec<_>, _>>()?;
    Ok(json_body(&sites))
}

/// `POST /sites`: a new site with a fresh key and identity secret.
pub async fn create_site(
    State(state): State<AppState>,
    _rep: Rep,
    ApiJson(new): ApiJson<NewSite>,
) -> Result<Response, Failure> {
    let mut errors = FieldErrors::new();
    validate::check_required(&mut errors, "name", &new.name, 200);
    if new.allowed_origins.is_empty() || !new.allowed_origins.iter().all(|o| is_origin(o)) {
        errors.insert("allowed_origins".into(), "must be origins such as https://shop.example".into());
    }
    if !errors.is_empty() {
        return Err(Failure(ApiError::validation(errors)));
    }
    let secret: [u8; 32] = rand::random();
    let site = Site {
        key: db::new_id("site"),
        name: new.name.trim().into(),
        allowed_origins: new.allowed_origins,
        business_hours: new.business_hours,
        enforce_identity: new.enforce_identity,
        identity_secret: secret.iter().map(|b| format!("{b:02x}")).collect(),
        prechat: new.prechat,
    };
    put_site(&state.db(), &site)?;
    let mut response = json_body(&site);
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

/// Makes sure the demo site exists and may be framed by the server's own pages (the `/demo/` host page).
pub fn ensure_demo_site(conn: &Connection, public_url: &str) -> rusqlite::Result<()> {
    let mut site = site(conn, "demo")?.unwrap_or_else(|| Site {
        key: "demo".into(),
        name: crate::demo::COMPANY.into(),
        allowed_origins: vec![],
        business_hours: None,
        enforce_identity: false,
        identity_secret: "demo-secret".into(),
        prechat: true,
    });
    if !site.allowed_origins.iter().any(|o| o == public_url) {
        site.allowed_origins.push(public_url.into());
    }
    put_site(conn, &site)
}

// ---------------------------------------------------------------------------------------------------------------
// Visitors

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

fn visitor_by_token(conn: &Connection, token: &str) -> rusqlite::Result<Option<VisitorSession>> {
    conn.query_row(
        "SELECT id, name, email, user_id, contact_id, site_key FROM visitors WHERE token_hash = ?1",
        params![token_hash(token)],
        visitor_row,
    )
    .optional()
    .map(|found| found.map(|(visitor, site)| VisitorSession { visitor, site }))
}

fn visitor_by_id(conn: &Connection, id: &str) -> rusqlite::Result<Option<Visitor>> {
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
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let unauthorized = || Failure::new(ErrorCode::Unauthorized, "Start a chat session first.");
        let token = token.ok_or_else(unauthorized)?;
        visitor_by_token(&state.db(), token)?.ok_or_else(unauthorized)
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
    let bytes: [u8; 32] = rand::random();
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
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

/// Finds the contact with this e-mail or creates one; returns its id.
fn match_contact(conn: &Connection, name: &str, email: &str) -> Result<String, Failure> {
    let found: Option<String> = conn
        .query_row(
            "SELECT id FROM contacts WHERE deleted = 0 AND json_extract(data, '$.email') = ?1 COLLATE NOCASE LIMIT 1",
            params![email],
            |row| row.get(0),
        )
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    let now = clock::now();
    let (first, last) = name.trim().split_once(' ').unwrap_or((name.trim(), ""));
    let contact = Contact {
        meta: Meta { id: db::new_id("con"), version: 1, created_at: now.clone(), updated_at: now },
        first_name: first.into(),
        last_name: last.into(),
        email: Some(email.into()),
        phone: None,
        title: None,
        account_id: None,
        owner_id: None,
    };
    db::put(conn, &contact)?;
    Ok(contact.meta.id)
}

fn set_visitor(
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

// ---------------------------------------------------------------------------------------------------------------
// Conversations and messages

const CONVERSATION_COLUMNS: &str = "c.id, c.site_key, c.visitor_id, c.status, c.assignee_id, c.created_at, c.last_message_at, \
    (SELECT COUNT(*) FROM chat_messages m WHERE m.conversation_id = c.id AND m.author = 'visitor' AND m.read_at IS NULL), \
    (SELECT MIN(m.created_at) FROM chat_messages m WHERE m.conversation_id = c.id AND m.author = 'visitor' \
       AND m.created_at > COALESCE((SELECT MAX(r.created_at) FROM chat_messages r WHERE r.conversation_id = c.id AND r.author = 'rep'), '')), \
    c.rating_score, c.rating_comment";

fn load_conversation(conn: &Connection, id: &str) -> Result<Option<Conversation>, Failure> {
    let sql = format!("SELECT {CONVERSATION_COLUMNS} FROM conversations c WHERE c.id = ?1");
    let row = conn
        .query_row(&sql, params![id], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, Option<String>>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, String>(6)?,
                row.get::<_, i64>(7)?,
                row.get::<_, Option<String>>(8)?,
                row.get::<_, Option<u8>>(9)?,
                row.get::<_, Option<String>>(10)?,
            ))
        })
        .optional()?;
    let Some((id, site, visitor_id, status, assignee_id, created_at, last_message_at, unread, waiting, score, comment)) =
        row
    else {
        return Ok(None);
    };
    let visitor = visitor_by_id(conn, &visitor_id)?.ok_or_else(|| Failure::not_found("visitor"))?;
    Ok(Some(Conversation {
        id,
        site,
        visitor,
        status: if status == "closed" { ConversationStatus::Closed } else { ConversationStatus::Open },
        assignee_id,
        created_at,
        last_message_at,
        unread: unread as u32,
        waiting_since: waiting,
        rating: score.map(|score| Rating { score, comment: comment.unwrap_or_default() }),
    }))
}

fn messages(conn: &Connection, conversation_id: &str, after: Option<&str>) -> Result<Vec<ChatMessage>, Failure> {
    let mut stmt = conn.prepare(
        "SELECT id, conversation_id, author, author_name, body, client_id, created_at, read_at FROM chat_messages
         WHERE conversation_id = ?1 AND created_at > ?2 ORDER BY created_at, rowid",
    )?;
    let rows = stmt.query_map(params![conversation_id, after.unwrap_or("")], message_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn message_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<ChatMessage> {
    let author: String = row.get(2)?;
    Ok(ChatMessage {
        id: row.get(0)?,
        conversation_id: row.get(1)?,
        author: if author == "rep" { ChatAuthor::Rep } else { ChatAuthor::Visitor },
        author_name: row.get(3)?,
        body: row.get(4)?,
        client_id: row.get(5)?,
        created_at: row.get(6)?,
        read_at: row.get(7)?,
    })
}

/// The visitor's latest conversation (open, or the last closed one).
fn current_conversation(conn: &Connection, visitor_id: &str) -> Result<Option<String>, Failure> {
    Ok(conn
        .query_row(
            "SELECT id FROM conversations WHERE visitor_id = ?1 ORDER BY status = 'open' DESC, created_at DESC LIMIT 1",
            params![visitor_id],
            |row| row.get(0),
        )
        .optional()?)
}

fn add_message(
    conn: &Connection,
    conversation_id: &str,
    author: ChatAuthor,
    author_name: &str,
    new: &NewChatMessage,
) -> Result<ChatMessage, Failure> {
    let id = db::new_id("chm");
    let now = clock::now();
    let author_text = if author == ChatAuthor::Rep { "rep" } else { "visitor" };
    conn.execute(
        "INSERT INTO chat_messages (id, conversation_id, author, author_name, body, client_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, conversation_id, author_text, author_name, new.body.trim_end(), new.client_id, now],
    )?;
    conn.execute("UPDATE conversations SET last_message_at = ?2 WHERE id = ?1", params![conversation_id, now])?;
    Ok(conn.query_row(
        "SELECT id, conversation_id, author, author_name, body, client_id, created_at, read_at FROM chat_messages WHERE id = ?1",
        params![id],
        message_row,
    )?)
}

/// Query of `GET /widget/conversation`.
#[derive(Deserialize)]
pub struct AfterQuery {
    after: Option<String>,
}

/// `GET /widget/conversation?after=`: the visitor's current conversation and its messages (after a time, for a
/// backfill after reconnecting), or `null`.
pub async fn widget_conversation(
    State(state): State<AppState>,
    session: VisitorSession,
    Query(query): Query<AfterQuery>,
) -> Result<Response, Failure> {
    let conn = state.db();
    let Some(id) = current_conversation(&conn, &session.visitor.id)? else {
        return Ok(json_body(&None::<ConversationView>));
    };
    let conversation = load_conversation(&conn, &id)?.ok_or_else(|| Failure::not_found("conversation"))?;
    Ok(json_body(&Some(ConversationView { messages: messages(&conn, &id, query.after.as_deref())?, conversation })))
}

/// `POST /widget/messages`: the visitor writes; the first message opens a conversation (rate limited per IP).
pub async fn widget_message(
    State(state): State<AppState>,
    session: VisitorSession,
    ClientIp(ip): ClientIp,
    ApiJson(new): ApiJson<NewChatMessage>,
) -> Result<Response, Failure> {
    check(new.errors())?;
    let conn = state.db();
    let open: Option<String> = conn
        .query_row(
            "SELECT id FROM conversations WHERE visitor_id = ?1 AND status = 'open' ORDER BY created_at DESC LIMIT 1",
            params![session.visitor.id],
            |row| row.get(0),
        )
        .optional()?;
    let tx = conn.unchecked_transaction()?;
    let (id, started) = match open {
        Some(id) => (id, false),
        None => {
            rate_limit(&tx, "conversation_ip", &ip, CONVERSATIONS_PER_IP)?;
            let id = db::new_id("cnv");
            let now = clock::now();
            tx.execute(
                "INSERT INTO conversations (id, site_key, visitor_id, status, created_at, last_message_at)
                 VALUES (?1, ?2, ?3, 'open', ?4, ?4)",
                params![id, session.site, session.visitor.id, now],
            )?;
            (id, true)
        }
    };
    let name = session.visitor.name.clone().unwrap_or_default();
    let message = add_message(&tx, &id, ChatAuthor::Visitor, &name, &new)?;
    tx.commit()?;
    if started {
        if let Some(conversation) = load_conversation(&conn, &id)? {
            state.hub.send(&session.visitor.id, ChatEvent::Conversation { conversation });
        }
    }
    state.hub.send(&session.visitor.id, ChatEvent::Message { message: message.clone() });
    let mut response = json_body(&message);
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

/// `POST /widget/typing`.
pub async fn widget_typing(
    State(state): State<AppState>,
    session: VisitorSession,
    ApiJson(body): ApiJson<Typing>,
) -> Result<Response, Failure> {
    if let Some(id) = current_conversation(&state.db(), &session.visitor.id)? {
        let event = ChatEvent::Typing { conversation_id: id, author: ChatAuthor::Visitor, typing: body.typing };
        state.hub.send(&session.visitor.id, event);
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn mark_read(
    state: &AppState,
    conn: &Connection,
    conversation_id: &str,
    visitor_id: &str,
    reader: ChatAuthor,
) -> Result<(), Failure> {
    let now = clock::now();
    let written_by = if reader == ChatAuthor::Rep { "visitor" } else { "rep" };
    let changed = conn.execute(
        "UPDATE chat_messages SET read_at = ?3 WHERE conversation_id = ?1 AND author = ?2 AND read_at IS NULL",
        params![conversation_id, written_by, now],
    )?;
    if changed > 0 {
        state.hub.send(visitor_id, ChatEvent::Read { conversation_id: conversation_id.into(), reader, up_to: now });
    }
    Ok(())
}

/// `POST /widget/read`: the visitor has seen the rep's messages.
pub async fn widget_read(State(state): State<AppState>, session: VisitorSession) -> Result<Response, Failure> {
    let conn = state.db();
    if let Some(id) = current_conversation(&conn, &session.visitor.id)? {
        mark_read(&state, &conn, &id, &session.visitor.id, ChatAuthor::Visitor)?;
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /widget/rating`: rates the visitor's closed conversation.
pub async fn widget_rating(
    State(state): State<AppState>,
    session: VisitorSession,
    ApiJson(rating): ApiJson<Rating>,
) -> Result<Response, Failure> {
    check(rating.errors())?;
    let conn = state.db();
    let id = current_conversation(&conn, &session.visitor.id)?.ok_or_else(|| Failure::not_found("conversation"))?;
    let changed = conn.execute(
        "UPDATE conversations SET rating_score = ?2, rating_comment = ?3 WHERE id = ?1 AND status = 'closed'",
        params![id, rating.score, rating.comment.trim()],
    )?;
    if changed == 0 {
        let mut fields = FieldErrors::new();
        fields.insert("score".into(), "only an ended conversation can be rated".into());
        return Err(Failure(ApiError::validation(fields)));
    }
    let conversation = load_conversation(&conn, &id)?.ok_or_else(|| Failure::not_found("conversation"))?;
    state.hub.send(&session.visitor.id, ChatEvent::Conversation { conversation: conversation.clone() });
    Ok(json_body(&conversation))
}

/// The first stage of the first pipeline, where new leads go.
fn lead_stage(conn: &Connection) -> Result<(String, String), Failure> {
    let mut pipelines: Vec<Pipeline> = {
        let mut stmt = conn.prepare("SELECT data FROM pipelines WHERE deleted = 0")?;
        let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
        rows.filter_map(|r| r.ok()).filter_map(|d| db::decode::<Pipeline>(&d).ok()).collect()
    };
    pipelines.sort_by(|a, b| a.meta.created_at.cmp(&b.meta.created_at).then_with(|| a.meta.id.cmp(&b.meta.id)));
    let pipeline = pipelines.into_iter().next().ok_or_else(|| Failure::new(ErrorCode::Internal, "no pipeline"))?;
    let stage = pipeline.stages.first().ok_or_else(|| Failure::new(ErrorCode::Internal, "no stage"))?;
    Ok((pipeline.meta.id.clone(), stage.id.clone()))
}

/// Creates a lead: a deal in the first stage for the contact, with the message as a note; returns the deal id.
fn create_lead(conn: &Connection, title: &str, contact_id: &str, note: &str) -> Result<String, Failure> {
    let (pipeline_id, stage_id) = lead_stage(conn)?;
    let now = clock::now();
    let currency = db::setting(conn, "currency")?.unwrap_or_else(|| "EUR".into());
    let deal = Deal {
        meta: Meta { id: db::new_id("deal"), version: 1, created_at: now.clone(), updated_at: now.clone() },
        name: title.chars().take(200).collect(),
        pipeline_id,
        stage_id,
        account_id: None,
        contact_id: Some(contact_id.into()),
        participant_ids: vec![],
        owner_id: None,
        amount: Money { minor: 0, currency },
        expected_close: None,
        stage_entered_at: now.clone(),
        last_activity_at: now.clone(),
        position: -(OffsetDateTime::now_utc().unix_timestamp() as f64),
        lost_reason: None,
        closed_on: None,
        probability: None,
        next_activity: None,
    };
    db::put(conn, &deal)?;
    let activity = Activity {
        meta: Meta { id: db::new_id("act"), version: 1, created_at: now.clone(), updated_at: now },
        kind: ActivityKind::Note,
        subject: title.chars().take(200).collect(),
        body: Some(note.chars().take(validate::MAX_TEXT).collect()),
        deal_id: Some(deal.meta.id.clone()),
        account_id: None,
        contact_id: Some(contact_id.into()),
        owner_id: None,
        due_on: None,
        done: true,
        from_stage_id: None,
        to_stage_id: None,
    };
    db::put(conn, &activity)?;
    Ok(deal.meta.id)
}

/// `POST /widget/offline`: nobody is there; the message becomes a lead (a contact and a deal with the message).
pub async fn widget_offline(
    State(state): State<AppState>,
    session: VisitorSession,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<OfflineMessage>,
) -> Result<Response, Failure> {
    check(body.errors())?;
    let conn = state.db();
    rate_limit(&conn, "conversation_ip", &ip, CONVERSATIONS_PER_IP)?;
    let tx = conn.unchecked_transaction()?;
    let visitor = set_visitor(&tx, &session.visitor.id, Some(body.name.trim()), Some(body.email.trim()), None)?;
    let contact = visitor.contact_id.clone().ok_or_else(|| Failure::new(ErrorCode::Internal, "no contact"))?;
    let title = format!("Mensaje del chat: {}", body.name.trim());
    let id = create_lead(&tx, &title, &contact, &body.body)?;
    tx.commit()?;
    let mut response = json_body(&Converted { kind: "deal".into(), id });
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

// ---------------------------------------------------------------------------------------------------------------
// Sockets

/// Whether a socket's `Origin` is the server's own (browsers always send it on WebSocket upgrades).
fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()).unwrap_or("");
    !host.is_empty() && (origin == format!("http://{host}") || origin == format!("https://{host}"))
}

async fn send_event(socket: &mut WebSocket, event: &ChatEvent) -> bool {
    let Ok(text) = serde_json::to_string(event) else { return true };
    socket.send(Message::Text(text.into())).await.is_ok()
}

/// `GET /widget/socket`: the visitor's realtime events. The first message must be `{"token": "..."}`.
pub async fn widget_socket(State(state): State<AppState>, headers: HeaderMap, ws: WebSocketUpgrade) -> Response {
    if !same_origin(&headers) {
        return Failure::new(ErrorCode::Forbidden, "Wrong origin.").into_response();
    }
    ws.on_upgrade(move |mut socket| async move {
        let hello = tokio::time::timeout(std::time::Duration::from_secs(10), socket.recv()).await;
        let token = match hello {
            Ok(Some(Ok(Message::Text(text)))) => serde_json::from_str::<SocketHello>(&text).ok().and_then(|h| h.token),
            _ => None,
        };
        let visitor = token.and_then(|t| visitor_by_token(&state.db(), &t).ok().flatten());
        let Some(session) = visitor else {
            let _ = socket.send(Message::Close(None)).await;
            return;
        };
        let mut events = state.hub.sender.subscribe();
        loop {
            tokio::select! {
                event = events.recv() => match event {
                    Ok(event) if event.visitor_id == session.visitor.id => {
                        let own_typing = matches!(event.event, ChatEvent::Typing { author: ChatAuthor::Visitor, .. });
                        if !own_typing && !send_event(&mut socket, &event.event).await {
                            break;
                        }
                    }
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => break,
                },
                incoming = socket.recv() => match incoming {
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => {}
                },
            }
        }
    })
}

/// `GET /inbox/socket`: every chat event, for reps (session cookie; the page's own origin only). A connected rep
/// counts as online.
pub async fn inbox_socket(
    State(state): State<AppState>,
    _rep: Rep,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if !same_origin(&headers) {
        return Failure::new(ErrorCode::Forbidden, "Wrong origin.").into_response();
    }
    ws.on_upgrade(move |mut socket| async move {
        state.hub.reps_online.fetch_add(1, Ordering::SeqCst);
        let mut events = state.hub.sender.subscribe();
        loop {
            tokio::select! {
                event = events.recv() => match event {
                    Ok(event) => {
                        let own_typing = matches!(event.event, ChatEvent::Typing { author: ChatAuthor::Rep, .. });
                        if !own_typing && !send_event(&mut socket, &event.event).await {
                            break;
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => break,
                },
                incoming = socket.recv() => match incoming {
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => {}
                },
            }
        }
        state.hub.reps_online.fetch_sub(1, Ordering::SeqCst);
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Inbox (reps)

/// `GET /inbox`: conversations, open ones first, the longest waiting first.
pub async fn inbox(State(state): State<AppState>, _rep: Rep) -> Result<Response, Failure> {
    let conn = state.db();
    let ids: Vec<String> = {
        let mut stmt =
            conn.prepare("SELECT id FROM conversations ORDER BY status = 'open' DESC, last_message_at DESC LIMIT 200")?;
        let rows = stmt.query_map([], |row| row.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut list = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(conversation) = load_conversation(&conn, &id)? {
            list.push(conversation);
        }
    }
    Ok(json_body(&list))
}

/// `GET /inbox/{id}`: a conversation with its messages; the visitor's messages are now read.
pub async fn inbox_get(State(state): State<AppState>, _rep: Rep, Path(id): Path<String>) -> Result<Response, Failure> {
    let conn = state.db();
    let conversation = load_conversation(&conn, &id)?.ok_or_else(|| Failure::not_found("conversation"))?;
    mark_read(&state, &conn, &id, &conversation.visitor.id, ChatAuthor::Rep)?;
    let conversation = load_conversation(&conn, &id)?.ok_or_else(|| Failure::not_found("conversation"))?;
    Ok(json_body(&ConversationView { messages: messages(&conn, &id, None)?, conversation }))
}

/// `POST /inbox/{id}/messages`: a rep answers.
pub async fn inbox_message(
    State(state): State<AppState>,
    rep: Rep,
    Path(id): Path<String>,
    ApiJson(new): ApiJson<NewChatMessage>,
) -> Result<Response, Failure> {
    check(new.errors())?;
    let conn = state.db();
    let conversation = load_conversation(&conn, &id)?.ok_or_else(|| Failure::not_found("conversation"))?;
    let message = add_message(&conn, &id, ChatAuthor::Rep, &rep.user.name, &new)?;
    mark_read(&state, &conn, &id, &conversation.visitor.id, ChatAuthor::Rep)?;
    if conversation.assignee_id.is_none() {
        conn.execute("UPDATE conversations SET assignee_id = ?2 WHERE id = ?1", params![id, rep.user.id])?;
    }
    state.hub.send(&conversation.visitor.id, ChatEvent::Message { message: message.clone() });
    let mut response = json_body(&message);
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

/// `POST /inbox/{id}/typing`.
pub async fn inbox_typing(
    State(state): State<AppState>,
    _rep: Rep,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Typing>,
) -> Result<Response, Failure> {
    let conversation = load_conversation(&state.db(), &id)?.ok_or_else(|| Failure::not_found("conversation"))?;
    let event = ChatEvent::Typing { conversation_id: id, author: ChatAuthor::Rep, typing: body.typing };
    state.hub.send(&conversation.visitor.id, event);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `PATCH /inbox/{id}`: assign, close or reopen.
pub async fn inbox_update(
    State(state): State<AppState>,
    _rep: Rep,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<ConversationPatch>,
) -> Result<Response, Failure> {
    let conn = state.db();
    load_conversation(&conn, &id)?.ok_or_else(|| Failure::not_found("conversation"))?;
    if let Some(assignee) = &patch.assignee_id {
        let assignee = (!assignee.is_empty()).then_some(assignee.as_str());
        if let Some(user) = assignee {
            if !crate::auth::user_exists(&conn, user)? {
                let mut fields = FieldErrors::new();
                fields.insert("assignee_id".into(), "no such user".into());
                return Err(Failure(ApiError::validation(fields)));
            }
        }
        conn.execute("UPDATE conversations SET assignee_id = ?2 WHERE id = ?1", params![id, assignee])?;
    }
    if let Some(status) = patch.status {
        let text = if status == ConversationStatus::Closed { "closed" } else { "open" };
        conn.execute("UPDATE conversations SET status = ?2 WHERE id = ?1", params![id, text])?;
    }
    let conversation = load_conversation(&conn, &id)?.ok_or_else(|| Failure::not_found("conversation"))?;
    state.hub.send(&conversation.visitor.id, ChatEvent::Conversation { conversation: conversation.clone() });
    Ok(json_body(&conversation))
}

/// `POST /inbox/{id}/convert`: the conversation becomes a contact, a deal (lead) or, for a portal customer, a case.
pub async fn inbox_convert(
    State(state): State<AppState>,
    _rep: Rep,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Convert>,
) -> Result<Response, Failure> {
    let conn = state.db();
    let conversation = load_conversation(&conn, &id)?.ok_or_else(|| Failure::not_found("conversation"))?;
    let visitor = conversation.visitor;
    let refuse = |message: &str| {
        let mut fields = FieldErrors::new();
        fields.insert("to".into(), message.into());
        Failure(ApiError::validation(fields))
    };
    let Some(email) = visitor.email.clone() else { return Err(refuse("the visitor has not given an e-mail")) };
    let name = visitor.name.clone().unwrap_or_else(|| email.clone());
    let transcript: String = messages(&conn, &id, None)?
        .iter()
        .map(|m| format!("{}: {}", if m.author_name.is_empty() { &name } else { &m.author_name }, m.body))
        .collect::<Vec<_>>()
        .join("\n");
    let tx = conn.unchecked_transaction()?;
    let converted = match body.to.as_str() {
        "contact" => {
            let contact =
                set_visitor(&tx, &visitor.id, Some(&name), Some(&email), None)?.contact_id.unwrap_or_default();
            Converted { kind: "contact".into(), id: contact }
        }
        "deal" => {
            let contact =
                set_visitor(&tx, &visitor.id, Some(&name), Some(&email), None)?.contact_id.unwrap_or_default();
            let deal = create_lead(&tx, &format!("Conversación del chat: {name}"), &contact, &transcript)?;
            Converted { kind: "deal".into(), id: deal }
        }
        "case" => {
            let customer_id: Option<String> = tx
                .query_row("SELECT id FROM customers WHERE email = ?1", params![email], |row| row.get(0))
                .optional()?;
            let customer = customer_id
                .and_then(|cid| crate::portal_auth::customer(&tx, &cid).ok().flatten())
                .ok_or_else(|| refuse("the visitor is not a portal customer"))?;
            let first = messages(&tx, &id, None)?.into_iter().find(|m| m.author == ChatAuthor::Visitor);
            let subject: String = first.map(|m| m.body).unwrap_or_else(|| name.clone()).chars().take(120).collect();
            let new = NewCase {
                subject,
                description: transcript,
                category: "other".into(),
                priority: CasePriority::Normal,
                attachment_ids: vec![],
            };
            Converted { kind: "case".into(), id: crate::cases::open_case(&tx, &state, &customer, &new)? }
        }
        _ => return Err(refuse("must be contact, deal or case")),
    };
    tx.commit()?;
    Ok(json_body(&converted))
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

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        assert!(is_origin("https://shop.example"));
        assert!(is_origin("http://127.0.0.1:4000"));
        assert!(!is_origin("https://shop.example/path"));
        assert!(!is_origin("javascript:alert(1)"));
        assert!(!is_origin("https://a.example 'unsafe-inline'"));
        assert!(!is_origin("*"));
    }
}
