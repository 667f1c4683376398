//! Rate limits: every limit the server promises, in one table ([`Limit`] constants, written in PROTOCOL.md), counted
//! as events in the `rate_events` table, which never holds an event older than its limit's window. Keys that
//! come from callers (addresses) are stored as hashes, so no caller decides how much is stored. Also the
//! [`ClientIp`] extractor the per-IP limits key on.

use crate::error::Failure;
use crate::{clock, session};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use rusqlite::{params, Connection};
use std::net::SocketAddr;
use time::{Duration, OffsetDateTime};
use trato_protocol::ErrorCode;

/// At most `max` events of `kind` per key within `window_seconds`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// Name of the counted event.
    pub kind: &'static str,
    /// Events allowed in the window; the next one is refused.
    pub max: i64,
    /// Length of the sliding window.
    pub window_seconds: i64,
}

const MINUTE: i64 = 60;
const QUARTER_HOUR: i64 = 15 * MINUTE;

/// Failed rep sign-ins for one address from one IP (then that IP is refused for that address).
pub const LOGIN_FAILURES_PER_ADDRESS_AND_IP: Limit =
    Limit { kind: "login_address_ip", max: 10, window_seconds: QUARTER_HOUR };
/// Failed rep sign-ins from one IP, whatever the address.
pub const LOGIN_FAILURES_PER_IP: Limit = Limit { kind: "login_ip", max: 30, window_seconds: QUARTER_HOUR };
/// Failed rep sign-ins for one address from all IPs after which every attempt for it is slowed down (never
/// refused: the rep can still sign in).
pub const LOGIN_FAILURES_BEFORE_SLOWDOWN: Limit =
    Limit { kind: "login_address", max: 10, window_seconds: QUARTER_HOUR };
/// Portal sign-in link requests per address.
pub const LINKS_PER_ADDRESS: Limit = Limit { kind: "link_address", max: 5, window_seconds: QUARTER_HOUR };
/// Portal sign-in link requests per IP.
pub const LINKS_PER_IP: Limit = Limit { kind: "link_ip", max: 30, window_seconds: QUARTER_HOUR };
/// Failed portal link redemptions per IP.
pub const FAILED_REDEEMS_PER_IP: Limit = Limit { kind: "redeem_ip", max: 30, window_seconds: QUARTER_HOUR };
/// New widget sessions per IP.
pub const WIDGET_SESSIONS_PER_IP: Limit = Limit { kind: "widget_session_ip", max: 20, window_seconds: QUARTER_HOUR };
/// New conversations (and left messages) per IP.
pub const CONVERSATIONS_PER_IP: Limit = Limit { kind: "conversation_ip", max: 10, window_seconds: QUARTER_HOUR };
/// Chat messages per visitor.
pub const MESSAGES_PER_VISITOR: Limit = Limit { kind: "message_visitor", max: 20, window_seconds: MINUTE };
/// Chat messages per IP (several visitors behind one address).
pub const MESSAGES_PER_IP: Limit = Limit { kind: "message_ip", max: 60, window_seconds: MINUTE };
/// Typing notices per visitor (the widget sends one when typing starts or stops).
pub const TYPING_PER_VISITOR: Limit = Limit { kind: "typing_visitor", max: 30, window_seconds: MINUTE };
/// Typing notices per IP.
pub const TYPING_PER_IP: Limit = Limit { kind: "typing_ip", max: 120, window_seconds: MINUTE };
/// Identify calls per visitor.
pub const IDENTIFY_PER_VISITOR: Limit = Limit { kind: "identify_visitor", max: 10, window_seconds: QUARTER_HOUR };
/// Knowledge-base votes per IP.
pub const FEEDBACK_PER_IP: Limit = Limit { kind: "feedback_ip", max: 60, window_seconds: QUARTER_HOUR };
/// "Suggestion opened" notices per customer.
pub const OPENED_PER_CUSTOMER: Limit = Limit { kind: "opened_customer", max: 60, window_seconds: QUARTER_HOUR };
/// Attachments uploaded per uploader (customer or rep).
pub const UPLOADS_PER_OWNER: Limit = Limit { kind: "upload_owner", max: 30, window_seconds: QUARTER_HOUR };

/// Every limit, for pruning and for the documentation test.
pub const ALL: [Limit; 16] = [
    LOGIN_FAILURES_PER_ADDRESS_AND_IP,
    LOGIN_FAILURES_PER_IP,
    LOGIN_FAILURES_BEFORE_SLOWDOWN,
    LINKS_PER_ADDRESS,
    LINKS_PER_IP,
    FAILED_REDEEMS_PER_IP,
    WIDGET_SESSIONS_PER_IP,
    CONVERSATIONS_PER_IP,
    MESSAGES_PER_VISITOR,
    MESSAGES_PER_IP,
    TYPING_PER_VISITOR,
    TYPING_PER_IP,
    IDENTIFY_PER_VISITOR,
    FEEDBACK_PER_IP,
    OPENED_PER_CUSTOMER,
    UPLOADS_PER_OWNER,
];

/// The 429 every exceeded limit answers (with `Retry-After`).
pub fn refused() -> Failure {
    Failure::new(ErrorCode::RateLimited, "Too many attempts; try again later.")
}

/// A caller-chosen key (an e-mail address) in the form it is stored: the SHA-256 of its normalised text.
pub fn hashed(key: &str) -> String {
    session::token_hash(&key.trim().to_lowercase())
}

fn window_start(limit: &Limit) -> String {
    clock::timestamp(OffsetDateTime::now_utc() - Duration::seconds(limit.window_seconds))
}

/// Events of `limit` by `key` within its window (events that left the window are deleted first).
pub fn count(conn: &Connection, limit: &Limit, key: &str) -> rusqlite::Result<i64> {
    let since = window_start(limit);
    conn.prepare_cached("DELETE FROM rate_events WHERE kind = ?1 AND at <= ?2")?.execute(params![limit.kind, since])?;
    conn.prepare_cached("SELECT COUNT(*) FROM rate_events WHERE kind = ?1 AND key = ?2")?
        .query_row(params![limit.kind, key], |row| row.get(0))
}

/// Counts one event of `limit` by `key`.
pub fn record(conn: &Connection, limit: &Limit, key: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO rate_events (kind, key, at) VALUES (?1, ?2, ?3)")?.execute(params![
        limit.kind,
        key,
        clock::now()
    ])?;
    Ok(())
}

/// Whether `key` has used up `limit`.
pub fn exhausted(conn: &Connection, limit: &Limit, key: &str) -> rusqlite::Result<bool> {
    Ok(count(conn, limit, key)? >= limit.max)
}

/// Counts an event of `limit` by `key`, or refuses it with 429 when the window already holds `max`.
pub fn check(conn: &Connection, limit: &Limit, key: &str) -> Result<(), Failure> {
    if exhausted(conn, limit, key)? {
        return Err(refused());
    }
    record(conn, limit, key)?;
    Ok(())
}

/// Forgets the events of `limit` by `key` (a successful sign-in clears its failures).
pub fn clear(conn: &Connection, limit: &Limit, key: &str) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM rate_events WHERE kind = ?1 AND key = ?2", params![limit.kind, key])?;
    Ok(())
}

/// Deletes every event that has left its limit's window (and events of limits that no longer exist).
pub fn prune(conn: &Connection) -> rusqlite::Result<()> {
    for limit in ALL {
        conn.execute(
            "DELETE FROM rate_events WHERE kind = ?1 AND at <= ?2",
            params![limit.kind, window_start(&limit)],
        )?;
    }
    let kinds: Vec<String> = ALL.iter().map(|l| format!("'{}'", l.kind)).collect();
    conn.execute(&format!("DELETE FROM rate_events WHERE kind NOT IN ({})", kinds.join(", ")), [])?;
    Ok(())
}

/// The client's IP address: the socket's peer. Behind a reverse proxy every client has the proxy's address, so
/// the per-IP limits apply to the proxy as a whole (SECURITY.md).
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let ip = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip().to_string());
        Ok(ClientIp(ip.unwrap_or_else(|| "unknown".into())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        crate::schema::migrate(&conn).unwrap();
        conn
    }

    #[test]
    fn a_limit_refuses_the_event_after_max_and_keys_are_separate() {
        let conn = conn();
        for _ in 0..MESSAGES_PER_VISITOR.max {
            check(&conn, &MESSAGES_PER_VISITOR, "vis_a").unwrap();
        }
        assert!(check(&conn, &MESSAGES_PER_VISITOR, "vis_a").is_err());
        check(&conn, &MESSAGES_PER_VISITOR, "vis_b").unwrap();
        check(&conn, &MESSAGES_PER_IP, "vis_a").unwrap();
        clear(&conn, &MESSAGES_PER_VISITOR, "vis_a").unwrap();
        check(&conn, &MESSAGES_PER_VISITOR, "vis_a").unwrap();
    }

    #[test]
    fn events_that_left_the_window_are_deleted() {
        let conn = conn();
        let old = clock::timestamp(OffsetDateTime::now_utc() - Duration::hours(2));
        for limit in ALL {
            conn.execute("INSERT INTO rate_events (kind, key, at) VALUES (?1, 'k', ?2)", params![limit.kind, old])
                .unwrap();
        }
        conn.execute("INSERT INTO rate_events (kind, key, at) VALUES ('retired', 'k', ?1)", params![clock::now()])
            .unwrap();
        record(&conn, &LINKS_PER_IP, "k").unwrap();
        assert_eq!(count(&conn, &MESSAGES_PER_IP, "k").unwrap(), 0);
        prune(&conn).unwrap();
        let left: i64 = conn.query_row("SELECT COUNT(*) FROM rate_events", [], |r| r.get(0)).unwrap();
        assert_eq!(left, 1, "only the event still in its window");
    }

    #[test]
    fn every_limit_is_written_in_the_protocol() {
        let protocol = include_str!("../../protocol/PROTOCOL.md");
        let table = protocol.split("## Limits").nth(1).unwrap_or("").split("\n## ").next().unwrap_or("");
        for limit in ALL {
            let window = if limit.window_seconds == MINUTE { "minute" } else { "15 minutes" };
            let row = table.lines().find(|line| line.contains(&format!("{} per", limit.max)) && line.contains(window));
            assert!(row.is_some(), "{limit:?} is not in PROTOCOL.md's Limits");
        }
    }

    #[test]
    fn addresses_are_stored_as_hashes_of_their_normal_form() {
        assert_eq!(hashed(" Lucia@Alameda.example "), hashed("lucia@alameda.example"));
        assert_eq!(hashed(&"a".repeat(10_000)).len(), 64);
    }
}
