//! Which backend the desk talks to, remembered on the device: the rep's last [`BackendChoice`] (kind, address,
//! database; never the password) and, for Tryton or a REST backend, its session token (Trato's session is an
//! HttpOnly cookie the page never sees). Signing out forgets the token.

use crate::browser::storage;
use crate::client::Client;
use crate::connector::backend::{AnyConnector, AnySession, BackendChoice};
use crate::connector::{HttpRequest, Method};
use crate::transport::{BrowserTransport, Transport};
use serde::{Deserialize, Serialize};

const CHOICE_KEY: &str = "trato.backend";
const SESSION_KEY: &str = "trato.backend-session";

/// A kept session and the backend it belongs to.
#[derive(Serialize, Deserialize)]
struct KeptSession {
    backend: String,
    session: AnySession,
}

fn origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// The backend chosen last on this device (the page's own Trato backend when none was).
pub fn remembered() -> BackendChoice {
    storage::get(CHOICE_KEY)
        .and_then(|text| serde_json::from_str::<BackendChoice>(&text).ok())
        .filter(BackendChoice::is_complete)
        .unwrap_or_default()
}

/// The sign-in form's fields for `choice`: the backend's value in the select (`"trato"`, `"tryton"` or
/// `"rest:<name>"`), its address and its database.
pub fn form_fields(choice: &BackendChoice) -> (String, String, String) {
    match choice {
        BackendChoice::Tryton { url, database } => ("tryton".to_string(), url.clone(), database.clone()),
        BackendChoice::Rest { name, url, .. } => (format!("rest:{name}"), url.clone(), String::new()),
        BackendChoice::Trato => ("trato".to_string(), String::new(), String::new()),
    }
}

/// The backend a sign-in form describes: `chosen` as in [`form_fields`], with the typed address and database. A
/// REST backend's file is the offered one, else the remembered one. `None` when something is missing.
pub fn chosen_backend(chosen: &str, url: &str, database: &str, offered: &[Offered]) -> Option<BackendChoice> {
    let choice = match chosen.strip_prefix("rest:") {
        _ if chosen == "tryton" => BackendChoice::tryton(url, database),
        Some(name) => {
            let file = offered.iter().find(|o| o.name == name).map(|o| o.file.clone()).or(match remembered() {
                BackendChoice::Rest { name: kept, file, .. } if kept == name => Some(file),
                _ => None,
            })?;
            BackendChoice::rest(name, url, file)
        }
        None => BackendChoice::Trato,
    };
    choice.is_complete().then_some(choice)
}

/// Remembers the choice for the next visit.
pub fn remember(choice: &BackendChoice) {
    if let Ok(text) = serde_json::to_string(choice) {
        storage::set(CHOICE_KEY, &text);
    }
}

/// The name of a backend on this device (it names the cache databases).
pub fn name(choice: &BackendChoice) -> String {
    choice.name(&origin())
}

/// A client for `choice`, resuming its kept session when there is one.
pub fn client_for(choice: &BackendChoice) -> Client<AnyConnector, BrowserTransport> {
    let client = Client::new(AnyConnector::for_choice(choice), BrowserTransport::new(choice.base_url()));
    let kept = storage::get(SESSION_KEY)
        .and_then(|text| serde_json::from_str::<KeptSession>(&text).ok())
        .filter(|kept| kept.backend == name(choice));
    if let Some(kept) = kept {
        client.resume(kept.session);
    }
    client
}

/// Keeps the session of a client that just signed in (nothing for a cookie session).
pub fn keep_session(client: &Client<AnyConnector, BrowserTransport>, choice: &BackendChoice) {
    let session = client.kept_session();
    if session.is_none() {
        return forget_session();
    }
    let kept = KeptSession { backend: name(choice), session };
    if let Ok(text) = serde_json::to_string(&kept) {
        storage::set(SESSION_KEY, &text);
    }
}

/// Forgets a kept session (sign-out).
pub fn forget_session() {
    storage::remove(SESSION_KEY);
    // The key of earlier versions.
    storage::remove("trato.tryton-session");
}

/// A REST backend the page's server offers (`GET /api/v1/connectors`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Offered {
    /// The name it is offered under.
    pub name: String,
    /// What the file calls the backend.
    pub title: String,
    /// Where the backend usually is.
    pub base_url: String,
    /// The connector file, as JSON (read by the connector).
    pub file: serde_json::Value,
}

/// The REST backends the page's server offers (none when it cannot say).
pub async fn offered() -> Vec<Offered> {
    let request = HttpRequest::new(Method::Get, format!("{}/connectors", trato_protocol::API_PREFIX));
    match BrowserTransport::new("").send(request).await {
        Ok(response) if response.is_success() => serde_json::from_str(&response.body).unwrap_or_default(),
        _ => vec![],
    }
}
