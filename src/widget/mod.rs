//! The chat widget face, inside the iframe that `embed.js` creates on a host site (`widget.html`, no router).
//!
//! - The visitor's token lives in this frame's own storage (Trato's origin). When that storage is unavailable
//!   (a partitioned or blocked third-party frame), a new session is made and a signed `identify` from the host
//!   brings the visitor's earlier conversations back.
//! - Realtime events arrive over a WebSocket whose first message carries the token (never the URL). Every
//!   reconnect backfills what was missed.
//! - The host page is reached only through `postMessage`, to and from its exact origin (the `host` parameter,
//!   which the site's `frame-ancestors` list already vouches for) and `window.parent` only.

mod bridge;
mod socket;
mod views;

use crate::client::WidgetClient;
use crate::connector::widget::{WidgetOp, WidgetReply};
use crate::connector::ConnectorError;
use crate::i18n::{Key, Locale};
use crate::transport::BrowserTransport;
use crate::ui::locale::provide_i18n;
use leptos::prelude::*;
use trato_protocol::*;

/// Mounts the widget into `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(WidgetApp);
}

/// A message as the widget shows it: stored, or still on its way.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    /// The message (an optimistic one has a temporary id).
    pub message: ChatMessage,
    /// Not yet confirmed by the server.
    pub pending: bool,
    /// Sending failed; the visitor can retry.
    pub failed: bool,
}

/// Everything the widget's views share.
#[derive(Clone, Copy)]
pub struct Chat {
    /// The site key.
    pub site: StoredValue<String>,
    /// The host page's origin.
    pub host: StoredValue<String>,
    /// The visitor's token.
    pub token: RwSignal<Option<String>>,
    /// The site's configuration.
    pub config: RwSignal<Option<WidgetConfig>>,
    /// The visitor.
    pub visitor: RwSignal<Option<Visitor>>,
    /// The current conversation.
    pub conversation: RwSignal<Option<Conversation>>,
    /// Its messages.
    pub messages: RwSignal<Vec<Shown>>,
    /// The rep is typing.
    pub rep_typing: RwSignal<bool>,
    /// The host shows the chat.
    pub open: RwSignal<bool>,
    /// Rep messages not seen yet.
    pub unread: RwSignal<u32>,
    /// The last problem to show.
    pub error: RwSignal<Option<String>>,
    /// The realtime connection is up.
    pub connected: RwSignal<bool>,
}

impl Chat {
    /// Runs an operation as the visitor.
    pub async fn run(&self, op: WidgetOp) -> Result<WidgetReply, ConnectorError> {
        let token = self.token.get_untracked();
        WidgetClient::new(BrowserTransport::new("")).run(op, token.as_deref()).await
    }

    /// Adds or replaces a message (matched by id, or by the client id of an optimistic one).
    pub fn upsert(&self, message: ChatMessage) {
        self.messages.update(|list| {
            let found = list.iter_mut().find(|s| {
                s.message.id == message.id
                    || (message.client_id.is_some() && s.message.client_id == message.client_id && s.pending)
            });
            match found {
                Some(shown) => {
                    *shown = Shown { message, pending: false, failed: false };
                }
                None => list.push(Shown { message, pending: false, failed: false }),
            }
        });
    }

    /// Time of the newest stored message, for backfills.
    pub fn last_stored(&self) -> Option<String> {
        self.messages
            .with_untracked(|list| list.iter().filter(|s| !s.pending).map(|s| s.message.created_at.clone()).max())
    }

    /// Reloads the conversation (all of it, or what came after the newest stored message).
    pub async fn backfill(&self) {
        let after = self.last_stored();
        match self.run(WidgetOp::Conversation(after.clone())).await {
            Ok(WidgetReply::Conversation(Some(view))) => {
                let view = *view;
                if after.is_none() {
                    self.messages.set(vec![]);
                }
                for message in view.messages {
                    self.note_incoming(&message);
                    self.upsert(message);
                }
                bridge::tell_active(view.conversation.status == ConversationStatus::Open);
                self.conversation.set(Some(view.conversation));
            }
            Ok(_) => {}
            Err(error) => self.error.set(Some(describe_error(&error))),
        }
    }

    /// Counts a rep message as unread while the chat is closed, and tells the host.
    pub fn note_incoming(&self, message: &ChatMessage) {
        if message.author != ChatAuthor::Rep || message.read_at.is_some() {
            return;
        }
        let known = self.messages.with_untracked(|list| list.iter().any(|s| s.message.id == message.id));
        if known {
            return;
        }
        if self.open.get_untracked() {
            let chat = *self;
            leptos::task::spawn_local(async move {
                let _ = chat.run(WidgetOp::Read).await;
            });
        } else {
            self.unread.update(|n| *n += 1);
            bridge::tell_unread(self.unread.get_untracked());
        }
        bridge::tell_message(&message.body);
    }
}

fn describe_error(error: &ConnectorError) -> String {
    crate::ui::error::describe(crate::ui::locale::use_i18n_untracked(), error)
}

fn query_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
}

const TOKEN_PREFIX: &str = "trato.widget.";

fn stored_token(site: &str) -> Option<String> {
    let storage = web_sys::window()?.local_storage().ok().flatten()?;
    storage.get_item(&format!("{TOKEN_PREFIX}{site}")).ok().flatten()
}

fn store_token(site: &str, token: &str) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        // Unavailable storage only means a new session next time (and re-identification by the host).
        let _ = storage.set_item(&format!("{TOKEN_PREFIX}{site}"), token);
    }
}

/// Starts a session: the stored token when it still works, else a new one.
async fn begin(chat: Chat) {
    let site = chat.site.get_value();
    if site.is_empty() {
        // Opened without a site (not through embed.js): nothing to connect to.
        chat.error.set(Some(crate::ui::locale::use_i18n_untracked().t(Key::WidgetNoSite).into()));
        return;
    }
    match chat.run(WidgetOp::Config(site.clone())).await {
        Ok(WidgetReply::Config(config)) => chat.config.set(Some(config)),
        Ok(_) => {}
        Err(error) => {
            chat.error.set(Some(describe_error(&error)));
            return;
        }
    }
    if let Some(token) = stored_token(&site) {
        chat.token.set(Some(token));
        if let Ok(WidgetReply::Visitor(visitor)) = chat.run(WidgetOp::Me).await {
            chat.visitor.set(Some(visitor));
        } else {
            chat.token.set(None);
        }
    }
    if chat.token.get_untracked().is_none() {
        match chat.run(WidgetOp::NewSession(site.clone())).await {
            Ok(WidgetReply::Session(session)) => {
                store_token(&site, &session.token);
                chat.token.set(Some(session.token));
                chat.visitor.set(Some(session.visitor));
            }
            Ok(_) => {}
            Err(error) => {
                chat.error.set(Some(describe_error(&error)));
                return;
            }
        }
    }
    chat.backfill().await;
    socket::connect(chat);
}

/// Root component of the widget.
#[component]
pub fn WidgetApp() -> impl IntoView {
    let i18n = provide_i18n(Key::WidgetTitle);
    if let Some(locale) = query_param("lang").as_deref().and_then(Locale::from_tag) {
        i18n.0.set(locale);
    }
    let chat = Chat {
        site: StoredValue::new(query_param("site").unwrap_or_default()),
        host: StoredValue::new(query_param("host").unwrap_or_default()),
        token: RwSignal::new(None),
        config: RwSignal::new(None),
        visitor: RwSignal::new(None),
        conversation: RwSignal::new(None),
        messages: RwSignal::new(vec![]),
        rep_typing: RwSignal::new(false),
        open: RwSignal::new(false),
        unread: RwSignal::new(0),
        error: RwSignal::new(None),
        connected: RwSignal::new(false),
    };
    provide_context(chat);
    bridge::listen(chat);
    leptos::task::spawn_local(begin(chat));
    view! { <views::ChatPanel /> }
}
