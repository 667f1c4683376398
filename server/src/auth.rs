//! Reps' sign-in: argon2id password hashes, server-side sessions in an HttpOnly cookie, failed-sign-in limits,
//! and the [`Rep`] extractor that every rep endpoint takes.

use crate::error::{check, json_body, ApiJson, Failure};
use crate::limits::{
    self, ClientIp, LOGIN_FAILURES_BEFORE_SLOWDOWN, LOGIN_FAILURES_PER_ADDRESS_AND_IP, LOGIN_FAILURES_PER_IP,
};
use crate::session::{cookie, new_token, set_cookie, token_hash};
use crate::state::AppState;
use crate::{clock, db, users};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use rusqlite::{params, Connection, OptionalExtension};
use std::sync::LazyLock;
use time::{Duration, OffsetDateTime};
use trato_protocol::{validate, ApiError, ErrorCode, FieldErrors, LoginRequest, SessionInfo, User, SESSION_COOKIE};

/// How long a session lives after sign-in.
const SESSION_DAYS: i64 = 14;
/// Longest accepted password, in bytes.
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// Longest wait added to one sign-in attempt for an address under attack.
const MAX_SLOWDOWN_SECONDS: i64 = 5;

/// The hash unknown addresses are checked against (the same argon2 work as a real one).
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash_password(&new_token()));

/// Computes the dummy hash now, so the first sign-in with an unknown address is not the slow one.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}

/// The sign-in routes (under `/api/v1`).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/me", get(me))
        .route("/auth/session", get(current_session))
        .route("/users", get(list_users))
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> String {
    let salt_bytes: [u8; 16] = rand::random();
    let Ok(salt) = SaltString::encode_b64(&salt_bytes) else {
        return String::new();
    };
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).unwrap_or_default()
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Creates a rep with a password; used by the demo data and tests.
pub fn create_user(
    conn: &Connection,
    id: &str,
    name: &str,
    email: &str,
    password: &str,
    role: &str,
) -> rusqlite::Result<()> {
    users::insert(conn, id, name, email, &hash_password(password), role)
}

/// The signed-in rep, taken from the session cookie; rejects with 401 otherwise.
#[derive(Clone, Debug)]
pub struct Rep {
    /// The rep.
    pub user: User,
    /// Hash of the session token, to end the session (and close its sockets) on logout.
    pub(crate) token_hash: String,
    /// When the session expires (its sockets close then).
    pub(crate) expires_at: String,
}

impl axum::extract::OptionalFromRequestParts<AppState> for Rep {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, Self::Rejection> {
        match <Rep as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(rep) => Ok(Some(rep)),
            Err(Failure(error)) if error.code == ErrorCode::Unauthorized => Ok(None),
            Err(other) => Err(other),
        }
    }
}

impl FromRequestParts<AppState> for Rep {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let unauthorized = || Failure::new(ErrorCode::Unauthorized, "Sign in to continue.");
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(unauthorized)?;
        let hash = token_hash(&token);
        let conn = state.read();
        let user = conn
            .prepare_cached(
                "SELECT u.id, u.name, u.email, u.role, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2",
            )?
            .query_row(params![hash, clock::now()], |row| {
                let user = User { id: row.get(0)?, name: row.get(1)?, email: row.get(2)?, role: row.get(3)? };
                Ok((user, row.get(4)?))
            })
            .optional()?;
        user.map(|(user, expires_at)| Rep { user, token_hash: hash, expires_at }).ok_or_else(unauthorized)
    }
}

fn session_info(conn: &Connection, user: User) -> Result<SessionInfo, Failure> {
    Ok(SessionInfo {
        user,
        company: db::setting(conn, "company")?.unwrap_or_default(),
        currency: db::setting(conn, "currency")?.unwrap_or_else(|| "EUR".into()),
    })
}

fn session_cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    set_cookie(SESSION_COOKIE, value, "/api", max_age, state.secure_cookies)
}

/// `POST /auth/login`: checks the password, opens a session and sets the cookie.
///
/// A malformed address or password is refused before the database is touched. Failures are counted per IP, per
/// address and IP, and per address (keyed by the address's hash): the first two refuse further attempts (429),
/// the third only slows every attempt for that address down, so nobody can lock a rep out. An unknown address is
/// checked against a dummy hash, so the answer takes as long as for a known one.
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<Response, Failure> {
    let email = body.email.trim().to_lowercase();
    let mut fields = FieldErrors::new();
    if !validate::is_email(&email) {
        fields.insert("email".into(), "must be an e-mail address".into());
    }
    if body.password.is_empty() || body.password.len() > MAX_PASSWORD_BYTES {
        fields.insert("password".into(), format!("must be 1 to {MAX_PASSWORD_BYTES} bytes"));
    }
    check(fields)?;
    let address = limits::hashed(&email);
    let pair = format!("{address}/{ip}");
    let (slowdown, credentials) = {
        let conn = state.db();
        if limits::exhausted(&conn, &LOGIN_FAILURES_PER_IP, &ip)?
            || limits::exhausted(&conn, &LOGIN_FAILURES_PER_ADDRESS_AND_IP, &pair)?
        {
            return Err(limits::refused());
        }
        let failures = limits::count(&conn, &LOGIN_FAILURES_BEFORE_SLOWDOWN, &address)?;
        (failures + 1 - LOGIN_FAILURES_BEFORE_SLOWDOWN.max, users::credentials(&conn, &email)?)
    };
    if slowdown > 0 {
        tokio::time::sleep(std::time::Duration::from_secs(slowdown.min(MAX_SLOWDOWN_SECONDS) as u64)).await;
    }
    let (user_id, hash) = match credentials {
        Some((id, hash)) => (Some(id), hash),
        None => (None, DUMMY_HASH.clone()),
    };
    let password = body.password;
    let valid = tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.unwrap_or(false);
    let conn = state.db();
    let Some(user_id) = user_id.filter(|_| valid) else {
        limits::record(&conn, &LOGIN_FAILURES_PER_IP, &ip)?;
        limits::record(&conn, &LOGIN_FAILURES_PER_ADDRESS_AND_IP, &pair)?;
        limits::record(&conn, &LOGIN_FAILURES_BEFORE_SLOWDOWN, &address)?;
        return Err(Failure::new(ErrorCode::Unauthorized, "Wrong e-mail or password."));
    };
    limits::clear(&conn, &LOGIN_FAILURES_PER_ADDRESS_AND_IP, &pair)?;
    let token = new_token();
    let expires = clock::timestamp(OffsetDateTime::now_utc() + Duration::days(SESSION_DAYS));
    conn.execute(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![token_hash(&token), user_id, clock::now(), expires],
    )?;
    let user =
        users::user(&conn, &user_id)?.ok_or_else(|| Failure(ApiError::new(ErrorCode::Internal, "user vanished")))?;
    let mut response = json_body(&session_info(&conn, user)?);
    response.headers_mut().insert(header::SET_COOKIE, session_cookie(&state, &token, SESSION_DAYS * 86_400));
    Ok(response)
}

/// `POST /auth/logout`: ends the session (its sockets close) and clears the cookie.
pub async fn logout(State(state): State<AppState>, rep: Rep) -> Result<Response, Failure> {
    state.db().execute("DELETE FROM sessions WHERE token_hash = ?1", params![rep.token_hash])?;
    state.hub.end_session(&rep.token_hash);
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok(response)
}

/// `GET /auth/me`: the signed-in rep.
pub async fn me(State(state): State<AppState>, rep: Rep) -> Result<Response, Failure> {
    Ok(json_body(&session_info(&state.read(), rep.user)?))
}

/// `GET /auth/session`: `{"session": ...}` with the signed-in rep, or `{"session": null}` when signed out.
/// Lets a client check for a session at start-up without provoking a 401.
pub async fn current_session(State(state): State<AppState>, rep: Option<Rep>) -> Result<Response, Failure> {
    let session = match rep {
        Some(rep) => Some(session_info(&state.read(), rep.user)?),
        None => None,
    };
    Ok(json_body(&trato_protocol::SessionState { session }))
}

/// `GET /users`: every rep, for owner pickers and initials on cards.
pub async fn list_users(State(state): State<AppState>, _rep: Rep) -> Result<Response, Failure> {
    Ok(json_body(&users::all(&state.read())?))
}
