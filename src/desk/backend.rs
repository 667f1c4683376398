//! Which backend the desk talks to, remembered on the device: the rep's last [`BackendChoice`] (kind, address,
//! database; never the password) and, for Tryton, its session token (Trato's session is an HttpOnly cookie the
//! page never sees). Signing out forgets the token.

use crate::client::Client;
use crate::connector::backend::{AnyConnector, BackendChoice};
use crate::connector::tryton::TrytonSession;
use crate::transport::BrowserTransport;
use serde::{Deserialize, Serialize};

const CHOICE_KEY: &str = "trato.backend";
const TRYTON_SESSION_KEY: &str = "trato.tryton-session";

/// A kept Tryton session and the backend it belongs to.
#[derive(Serialize, Deserialize)]
struct KeptSession {
    backend: String,
    session: TrytonSession,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// The backend chosen last on this device (the page's own Trato backend when none was).
pub fn remembered() -> BackendChoice {
    storage()
        .and_then(|s| s.get_item(CHOICE_KEY).ok().flatten())
        .and_then(|text| serde_json::from_str::<BackendChoice>(&text).ok())
        .filter(BackendChoice::is_complete)
        .unwrap_or_default()
}

/// Remembers the choice for the next visit.
pub fn remember(choice: &BackendChoice) {
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(choice)) {
        let _ = storage.set_item(CHOICE_KEY, &text);
    }
}

/// The name of a backend on this device (it names the cache databases).
pub fn name(choice: &BackendChoice) -> String {
    choice.name(&origin())
}

/// A client for `choice`, resuming its kept session when there is one.
pub fn client_for(choice: &BackendChoice) -> Client<AnyConnector, BrowserTransport> {
    let connector = AnyConnector::for_choice(choice);
    let kept = storage()
        .and_then(|s| s.get_item(TRYTON_SESSION_KEY).ok().flatten())
        .and_then(|text| serde_json::from_str::<KeptSession>(&text).ok())
        .filter(|kept| kept.backend == name(choice));
    if let Some(kept) = kept {
        connector.resume(kept.session);
    }
    Client::new(connector, BrowserTransport::new(choice.base_url()))
}

/// Keeps the session of a client that just signed in (nothing for a cookie session).
pub fn keep_session(client: &Client<AnyConnector, BrowserTransport>, choice: &BackendChoice) {
    let Some(session) = client.connector().tryton_session() else { return forget_session() };
    let kept = KeptSession { backend: name(choice), session };
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(&kept)) {
        let _ = storage.set_item(TRYTON_SESSION_KEY, &text);
    }
}

/// Forgets a kept session (sign-out).
pub fn forget_session() {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(TRYTON_SESSION_KEY);
    }
}
