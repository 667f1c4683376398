//! Customer (portal) authentication: passwordless sign-in links sent by mail, portal sessions in their own
//! HttpOnly cookie scoped to `/api/v1/portal`, the [`Customer`] extractor every portal endpoint takes, the
//! customer's profile.
//!
//! A link's secret travels in the link's `#fragment` (never sent to a server, never in a Referer); the portal
//! reads it and posts it in a request body. Links are single-use, short-lived and stored only as hashes.

use crate::error::{json_body, ApiJson, Failure};
use crate::limits::{self, ClientIp};
use crate::mail_text::{render, MailKind};
use crate::session::{cookie, new_token, set_cookie, token_hash};
use crate::state::AppState;
use crate::{clock, db, mail};
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rusqlite::{params, Connection, OptionalExtension};
use time::{Duration, OffsetDateTime};
use trato_protocol::*;

/// How long a link the customer asked for stays valid.
pub const LINK_MINUTES: i64 = 15;
/// How long a link in a case notification stays valid.
pub const NOTIFICATION_LINK_HOURS: i64 = 72;
/// How long a portal session lives.
const SESSION_DAYS: i64 = 30;

/// The signed-in customer, taken from the portal cookie; 401 otherwise. Rep sessions are never accepted.
#[derive(Clone, Debug)]
pub struct CustomerSession {
    /// The customer.
    pub customer: Customer,
    token_hash: String,
}

impl CustomerSession {
    /// Whether this customer may see a case or order of `customer_id` at `account_id`: their own, or any of their
    /// company's when they are its admin.
    pub fn may_see(&self, customer_id: &str, account_id: &str) -> bool {
        self.customer.id == customer_id || (self.customer.is_admin && self.customer.account_id == account_id)
    }

    /// SQL condition (with `?1` = customer id, `?2` = account id, `?3` = 1 for an admin) over a table with
    /// `customer_id` and `account_id` columns, matching [`CustomerSession::may_see`].
    pub const VISIBLE_SQL: &'static str = "(customer_id = ?1 OR (?3 = 1 AND account_id = ?2))";

    /// The values for [`CustomerSession::VISIBLE_SQL`].
    pub fn visible_params(&self) -> (String, String, i64) {
        (self.customer.id.clone(), self.customer.account_id.clone(), self.customer.is_admin as i64)
    }
}

impl FromRequestParts<AppState> for CustomerSession {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let unauthorized = || Failure::new(ErrorCode::Unauthorized, "Sign in to the portal to continue.");
        let token = cookie(&parts.headers, PORTAL_COOKIE).ok_or_else(unauthorized)?;
        let hash = token_hash(&token);
        let conn = state.db();
        let customer_id: Option<String> = conn
            .query_row(
                "SELECT customer_id FROM portal_sessions WHERE token_hash = ?1 AND expires_at > ?2",
                params![hash, clock::now()],
                |row| row.get(0),
            )
            .optional()?;
        let customer = match customer_id {
            Some(id) => customer(&conn, &id)?,
            None => None,
        };
        customer.map(|customer| CustomerSession { customer, token_hash: hash }).ok_or_else(unauthorized)
    }
}

impl axum::extract::OptionalFromRequestParts<AppState> for CustomerSession {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, Self::Rejection> {
        match <CustomerSession as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(session) => Ok(Some(session)),
            Err(Failure(error)) if error.code == ErrorCode::Unauthorized => Ok(None),
            Err(other) => Err(other),
        }
    }
}

/// Reads a customer by id.
pub fn customer(conn: &Connection, id: &str) -> rusqlite::Result<Option<Customer>> {
    conn.query_row(
        "SELECT c.id, c.name, c.email, c.phone, c.locale, c.notify, c.account_id, c.is_admin,
                COALESCE(json_extract(a.data, '$.name'), '')
         FROM customers c LEFT JOIN accounts a ON a.id = c.account_id WHERE c.id = ?1",
        params![id],
        |row| {
            Ok(Customer {
                id: row.get(0)?,
                name: row.get(1)?,
                email: row.get(2)?,
                phone: row.get(3)?,
                locale: row.get(4)?,
                notify: row.get(5)?,
                account_id: row.get(6)?,
                is_admin: row.get(7)?,
                company: row.get(8)?,
            })
        },
    )
    .optional()
}

/// Creates a portal customer; used by demo data and tests.
pub fn create_customer(
    conn: &Connection,
    id: &str,
    name: &str,
    email: &str,
    account_id: &str,
    is_admin: bool,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO customers (id, name, email, phone, locale, notify, account_id, is_admin, created_at)
         VALUES (?1, ?2, ?3, NULL, 'es', 1, ?4, ?5, ?6)",
        params![id, name, email.trim().to_lowercase(), account_id, is_admin, clock::now()],
    )?;
    Ok(())
}

/// Makes a single-use sign-in link for a customer (optionally straight to a case) and returns its URL.
pub fn make_link(
    conn: &Connection,
    state: &AppState,
    customer_id: &str,
    case_id: Option<&str>,
    valid_for: Duration,
) -> rusqlite::Result<String> {
    let token = new_token();
    let expires = clock::timestamp(OffsetDateTime::now_utc() + valid_for);
    conn.execute(
        "INSERT INTO portal_links (token_hash, customer_id, case_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![token_hash(&token), customer_id, case_id, clock::now(), expires],
    )?;
    Ok(format!("{}/portal/signin#token={token}", state.public_url))
}

/// Mails a customer; `kind_for` gets a fresh link to the case (or the portal) and returns the mail.
pub fn mail_customer(
    conn: &Connection,
    state: &AppState,
    customer: &Customer,
    case_id: Option<&str>,
    kind_for: impl FnOnce(&str) -> (String, String),
) -> rusqlite::Result<()> {
    let link = make_link(conn, state, &customer.id, case_id, Duration::hours(NOTIFICATION_LINK_HOURS))?;
    let (subject, body) = kind_for(&link);
    mail::queue(conn, &state.mail, &customer.email, &subject, &body)
}

/// The company name mails are signed with.
pub fn company(conn: &Connection) -> rusqlite::Result<String> {
    Ok(db::setting(conn, "company")?.unwrap_or_default())
}

/// `POST /portal/auth/link`: mails a sign-in link when the address belongs to a customer. Always answers 202 so
/// the answer never tells whether an address is known.
pub async fn request_link(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<LinkRequest>,
) -> Result<Response, Failure> {
    let email = body.email.trim().to_lowercase();
    if !valid_email(&email) {
        let mut fields = FieldErrors::new();
        fields.insert("email".into(), "must be an e-mail address".into());
        return Err(Failure(ApiError::validation(fields)));
    }
    let conn = state.db();
    limits::check(&conn, &limits::LINKS_PER_IP, &ip)?;
    limits::check(&conn, &limits::LINKS_PER_ADDRESS, &limits::hashed(&email))?;
    let id: Option<String> =
        conn.query_row("SELECT id FROM customers WHERE email = ?1", params![email], |row| row.get(0)).optional()?;
    if let Some(customer) = id.map(|id| customer(&conn, &id)).transpose()?.flatten() {
        let link = make_link(&conn, &state, &customer.id, None, Duration::minutes(LINK_MINUTES))?;
        let (subject, text) =
            render(&MailKind::SignIn { link: &link }, &customer.locale, &customer.name, &company(&conn)?);
        mail::queue(&conn, &state.mail, &customer.email, &subject, &text)?;
    }
    Ok(StatusCode::ACCEPTED.into_response())
}

/// `POST /portal/auth/redeem`: trades an unused, unexpired link for a portal session (and uses the link up).
pub async fn redeem(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<RedeemRequest>,
) -> Result<Response, Failure> {
    let conn = state.db();
    let hash = token_hash(body.token.trim());
    let now = clock::now();
    // Marking the link used and reading it is one statement, so two redemptions cannot both succeed.
    let found: Option<(String, Option<String>)> = conn
        .query_row(
            "UPDATE portal_links SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2
             RETURNING customer_id, case_id",
            params![hash, now],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((customer_id, case_id)) = found else {
        limits::check(&conn, &limits::FAILED_REDEEMS_PER_IP, &ip)?;
        return Err(Failure::new(
            ErrorCode::Unauthorized,
            "This sign-in link has already been used or has expired; ask for a new one.",
        ));
    };
    let customer = customer(&conn, &customer_id)?.ok_or_else(|| Failure::not_found("customer"))?;
    let token = new_token();
    let expires = clock::timestamp(OffsetDateTime::now_utc() + Duration::days(SESSION_DAYS));
    conn.execute(
        "INSERT INTO portal_sessions (token_hash, customer_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![token_hash(&token), customer.id, now, expires],
    )?;
    let mut response = json_body(&PortalSignIn { customer, case_id });
    response.headers_mut().insert(header::SET_COOKIE, portal_cookie(&state, &token, SESSION_DAYS * 86_400));
    Ok(response)
}

fn portal_cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    set_cookie(PORTAL_COOKIE, value, &format!("{API_PREFIX}/portal"), max_age, state.secure_cookies)
}

/// `POST /portal/auth/logout`: ends the portal session.
pub async fn logout(State(state): State<AppState>, session: CustomerSession) -> Result<Response, Failure> {
    state.db().execute("DELETE FROM portal_sessions WHERE token_hash = ?1", params![session.token_hash])?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::SET_COOKIE, portal_cookie(&state, "", 0));
    Ok(response)
}

/// `GET /portal/auth/session`: the signed-in customer or `null`, without a 401.
pub async fn session(session: Option<CustomerSession>) -> Response {
    json_body(&PortalSessionState { customer: session.map(|s| s.customer) })
}

/// `GET /portal/profile`.
pub async fn profile(session: CustomerSession) -> Response {
    json_body(&session.customer)
}

/// `PATCH /portal/profile`: name, phone, language, notifications.
pub async fn update_profile(
    State(state): State<AppState>,
    session: CustomerSession,
    ApiJson(patch): ApiJson<ProfilePatch>,
) -> Result<Response, Failure> {
    let errors = patch.errors();
    if !errors.is_empty() {
        return Err(Failure(ApiError::validation(errors)));
    }
    let conn = state.db();
    let mut current = session.customer;
    if let Some(name) = patch.name {
        current.name = name.trim().to_string();
    }
    if let Some(phone) = patch.phone {
        current.phone = phone.map(|p| p.trim().to_string()).filter(|p| !p.is_empty());
    }
    if let Some(locale) = patch.locale {
        current.locale = locale;
    }
    if let Some(notify) = patch.notify {
        current.notify = notify;
    }
    conn.execute(
        "UPDATE customers SET name = ?2, phone = ?3, locale = ?4, notify = ?5 WHERE id = ?1",
        params![current.id, current.name, current.phone, current.locale, current.notify],
    )?;
    Ok(json_body(&current))
}

/// The portal's sign-in and profile routes (under `/api/v1`).
pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/portal/auth/link", post(request_link))
        .route("/portal/auth/redeem", post(redeem))
        .route("/portal/auth/logout", post(logout))
        .route("/portal/auth/session", get(session))
        .route("/portal/profile", get(profile).patch(update_profile))
}

/// Makes the portal customers of the account `from` customers of `into` (a merge of duplicate accounts).
pub fn move_account(conn: &rusqlite::Connection, from: &str, into: &str) -> Result<(), Failure> {
    conn.execute("UPDATE customers SET account_id = ?2 WHERE account_id = ?1", rusqlite::params![from, into])?;
    Ok(())
}
