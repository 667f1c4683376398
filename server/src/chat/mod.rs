//! Live chat: sites, widget visitors, conversations, messages, presence and the realtime hub.
//!
//! - A visitor's credential is a random bearer token the widget keeps in its own origin's storage and sends as
//!   `Authorization: Bearer`, or as the first message on its socket; never in a URL, never in a cookie (third-party
//!   frames often lose cookies).
//! - Every visitor endpoint only ever reads the caller's own conversations.
//! - New sessions and conversations are rate limited per IP; messages and typing per visitor and per IP.
//! - A visitor's identity is verified only by a signature of the site (user id, address, expiry); typed-in
//!   addresses are kept as unverified and never matched to a contact or a portal customer.
//! - Sockets are capped and belong to a session: they close when it ends or expires.
//! - Events go through one in-memory broadcast hub; a visitor socket forwards only its own conversation's events,
//!   rep sockets everything. Reps connected to the inbox socket count as online.
//! - Contacts and leads made from chats are written through the records layer, with the deal rules.

mod conversations;
pub mod hub;
mod inbox;
mod leads;
pub mod sites;
mod sockets;
pub mod visitors;
pub mod widget;

use crate::state::AppState;
use axum::routing::{get, post};
use axum::Router;

pub use sites::frame_ancestors;

/// The chat routes (under `/api/v1`): sites and the inbox for reps, the widget's endpoints for visitors.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sites", get(sites::list_sites).post(sites::create_site))
        .route("/sites/{key}/secret", post(sites::rotate_secret))
        .route("/widget/config", get(visitors::config))
        .route("/widget/session", post(visitors::new_session))
        .route("/widget/me", get(visitors::me))
        .route("/widget/prechat", post(visitors::prechat))
        .route("/widget/identify", post(visitors::identify))
        .route("/widget/conversation", get(widget::widget_conversation))
        .route("/widget/messages", post(widget::widget_message))
        .route("/widget/typing", post(widget::widget_typing))
        .route("/widget/read", post(widget::widget_read))
        .route("/widget/rating", post(widget::widget_rating))
        .route("/widget/offline", post(widget::widget_offline))
        .route("/widget/socket", get(sockets::widget_socket))
        .route("/inbox", get(inbox::inbox))
        .route("/inbox/socket", get(sockets::inbox_socket))
        .route("/inbox/{id}", get(inbox::inbox_get).patch(inbox::inbox_update))
        .route("/inbox/{id}/messages", post(inbox::inbox_message))
        .route("/inbox/{id}/typing", post(inbox::inbox_typing))
        .route("/inbox/{id}/convert", post(inbox::inbox_convert))
}

/// Points the chats of the contact `from` (visitors identified as them, conversations linked to them) at `into`
/// (a merge of duplicate contacts).
pub fn move_contact(conn: &rusqlite::Connection, from: &str, into: &str) -> Result<(), crate::error::Failure> {
    conn.execute("UPDATE visitors SET contact_id = ?2 WHERE contact_id = ?1", rusqlite::params![from, into])?;
    conn.execute(
        "UPDATE conversation_links SET target_id = ?2 WHERE kind = 'contact' AND target_id = ?1",
        rusqlite::params![from, into],
    )?;
    Ok(())
}
