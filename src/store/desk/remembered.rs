//! The last session seen on this device (the rep and company, never a token), so the desk opens offline.

use crate::browser::storage;
use trato_protocol::SessionInfo;

/// The browser key of the last session.
const LAST_SESSION: &str = "trato.last-session";

/// Remembers the session (or forgets it, at sign-out).
pub fn remember_session(session: Option<&SessionInfo>) {
    match session.and_then(|s| serde_json::to_string(s).ok()) {
        Some(json) => storage::set(LAST_SESSION, &json),
        None => storage::remove(LAST_SESSION),
    }
}

/// The last session seen on this device.
pub fn last_session() -> Option<SessionInfo> {
    serde_json::from_str(&storage::get(LAST_SESSION)?).ok()
}
