//! Reps' sign-in: argon2id password hashes, server-side sessions in an HttpOnly cookie, failed-login throttling,
//! and the [`Rep`] extractor that every rep endpoint takes.

use crate::error::{json_body, ApiJson, Failure};
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
use time::{Duration, OffsetDateTime};
use trato_protocol::{ApiError, ErrorCode, LoginRequest, SessionInfo, User, SESSION_COOKIE};

/// How long a session lives after sign-in.
const SESSION_DAYS: i64 = 14;
/// Failed sign-ins allowed per address in [`LOCKOUT_MINUTES`].
const MAX_FAILED_LOGINS: i64 = 10;
/// Window for counting failed sign-ins.
const LOCKOUT_MINUTES: i64 = 15;

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
    /// Hash of the session token, to end the session on logout.
    token_hash: String,
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
                "SELECT u.id, u.name, u.email, u.role FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2",
            )?
            .query_row(params![hash, clock::now()], |row| {
                Ok(User { id: row.get(0)?, name: row.get(1)?, email: row.get(2)?, role: row.get(3)? })
            })
            .optional()?;
        user.map(|user| Rep { user, token_hash: hash }).ok_or_else(unauthorized)
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
pub async fn login(State(state): State<AppState>, ApiJson(body): ApiJson<LoginRequest>) -> Result<Response, Failure> {
    let conn = state.db();
    let email = body.email.trim().to_lowercase();
    let window_start = clock::timestamp(OffsetDateTime::now_utc() - Duration::minutes(LOCKOUT_MINUTES));
    let failures: i64 = conn.query_row(
        "SELECT COUNT(*) FROM login_attempts WHERE email = ?1 AND at > ?2",
        params![email, window_start],
        |row| row.get(0),
    )?;
    if failures >= MAX_FAILED_LOGINS {
        return Err(Failure::new(ErrorCode::RateLimited, "Too many failed sign-ins; try again later."));
    }
    let user_id = match users::credentials(&conn, &email)? {
        Some((id, hash)) if body.password.len() <= 1024 && verify_password(&body.password, &hash) => id,
        _ => {
            conn.execute("INSERT INTO login_attempts (email, at) VALUES (?1, ?2)", params![email, clock::now()])?;
            return Err(Failure::new(ErrorCode::Unauthorized, "Wrong e-mail or password."));
        }
    };
    conn.execute("DELETE FROM login_attempts WHERE email = ?1", params![email])?;
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

/// `POST /auth/logout`: ends the session and clears the cookie.
pub async fn logout(State(state): State<AppState>, rep: Rep) -> Result<Response, Failure> {
    state.db().execute("DELETE FROM sessions WHERE token_hash = ?1", params![rep.token_hash])?;
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
