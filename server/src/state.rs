//! [`AppState`]: what every handler shares (the database, settings, the chat hub, the pages' policy and the
//! limits on sockets and requests).

use crate::chat::hub::Hub;
use crate::db::Db;
use crate::mail::MailConfig;
use crate::serve::{ConnectionLimits, Gate};
use rusqlite::Connection;
use std::sync::{Arc, MutexGuard};

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    /// The database: one writer, a pool of readers.
    pub database: Arc<Db>,
    /// Whether the session cookie gets the `Secure` attribute (set behind HTTPS).
    pub secure_cookies: bool,
    /// Where the faces are reached from outside, for links in mails (for example `https://crm.example`).
    pub public_url: Arc<str>,
    /// What happens to outgoing mail besides the outbox table.
    pub mail: Arc<MailConfig>,
    /// Live chat events and rep presence.
    pub hub: Hub,
    /// Content-Security-Policy of the desk and portal pages (with the other backends the desk may reach).
    pub page_csp: Arc<str>,
    /// The connector files offered to the desk, as the JSON of `GET /connectors`.
    pub connectors: Arc<str>,
    /// The cap on open WebSockets (in all and per IP).
    pub sockets: Arc<Gate>,
    /// What bounds connections and requests.
    pub limits: Arc<ConnectionLimits>,
}

impl AppState {
    /// The connection that writes; one writer at a time. Handlers that only read use [`AppState::read`].
    pub fn db(&self) -> MutexGuard<'_, Connection> {
        self.database.write()
    }

    /// A read-only connection from the pool (reads run in parallel).
    pub fn read(&self) -> MutexGuard<'_, Connection> {
        self.database.read()
    }
}
