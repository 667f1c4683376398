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
mod dom;
mod socket;
mod views;

use crate::client::WidgetClient;
use crate::connector::widget::{WidgetOp, WidgetReply};
use crate::connector::ConnectorError;
use crate::i18n::{Key, Locale};
use crate::transport::BrowserTransport;
use std::cell::RefCell;
use std::rc::Rc;
use trato_protocol::*;

/// Starts the widget: draws the panel into `<body>` and connects.
pub fn start() {
    console_error_panic_hook::set_once();
    let locale =
        query_param("lang").as_deref().and_then(Locale::from_tag).unwrap_or_else(crate::ui::locale::initial_locale);
    let chat = Chat(Rc::new(Inner {
        state: RefCell::new(State {
            site: query_param("site").unwrap_or_default(),
            host: query_param("host").unwrap_or_default(),
            locale,
            ..State::default()
        }),
        panel: RefCell::new(None),
    }));
    views::mount(&chat);
    bridge::listen(chat.clone());
    wasm_bindgen_futures::spawn_local(begin(chat));
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

/// Everything the widget knows.
#[derive(Clone, Debug, Default)]
pub struct State {
    /// The site key.
    pub site: String,
    /// The host page's origin.
    pub host: String,
    /// The language of the texts.
    pub locale: Locale,
    /// The visitor's token.
    pub token: Option<String>,
    /// The site's configuration.
    pub config: Option<WidgetConfig>,
    /// The visitor.
    pub visitor: Option<Visitor>,
    /// The current conversation.
    pub conversation: Option<Conversation>,
    /// Its messages.
    pub messages: Vec<Shown>,
    /// The rep is typing.
    pub rep_typing: bool,
    /// The host shows the chat.
    pub open: bool,
    /// Rep messages not seen yet.
    pub unread: u32,
    /// The last problem to show.
    pub error: Option<String>,
    /// A form is being sent.
    pub busy: bool,
    /// The visitor left a message (nobody was there).
    pub message_left: bool,
    /// When the visitor last said "typing" (ms since the epoch; 0 after a send).
    pub last_typing: f64,
}

impl State {
    /// Whether the conversation has ended.
    pub fn closed(&self) -> bool {
        self.conversation.as_ref().is_some_and(|c| c.status == ConversationStatus::Closed)
    }

    fn has_open(&self) -> bool {
        self.conversation.as_ref().is_some_and(|c| c.status == ConversationStatus::Open)
    }

    /// What the panel shows.
    pub fn screen(&self) -> Screen {
        if self.config.is_none() || self.token.is_none() {
            Screen::Loading
        } else if self.config.as_ref().is_some_and(|c| !c.online) && !self.has_open() && !self.closed() {
            if self.message_left {
                Screen::MessageLeft
            } else {
                Screen::Offline
            }
        } else if self.config.as_ref().is_some_and(|c| c.prechat)
            && self.visitor.as_ref().is_some_and(|v| v.email.is_none())
            && !self.has_open()
        {
            Screen::PreChat
        } else {
            Screen::Conversation
        }
    }
}

/// The panel's screens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    /// Connecting (or a problem connecting).
    Loading,
    /// Nobody is there: leave a message.
    Offline,
    /// The message was left.
    MessageLeft,
    /// Name and e-mail first.
    PreChat,
    /// The conversation.
    Conversation,
}

struct Inner {
    state: RefCell<State>,
    panel: RefCell<Option<views::Panel>>,
}

/// The widget: its state and the panel that shows it. Every change goes through [`Chat::update`], which redraws
/// what changed.
#[derive(Clone)]
pub struct Chat(Rc<Inner>);

impl Chat {
    /// Reads the state.
    pub fn with<R>(&self, read: impl FnOnce(&State) -> R) -> R {
        read(&self.0.state.borrow())
    }

    /// Changes the state and redraws.
    pub fn update(&self, change: impl FnOnce(&mut State)) {
        change(&mut self.0.state.borrow_mut());
        views::refresh(self);
    }

    /// A text in the widget's language.
    pub fn t(&self, key: Key) -> &'static str {
        self.with(|s| s.locale.t(key))
    }

    /// Shows a problem (or clears it).
    pub fn set_error(&self, error: Option<&ConnectorError>) {
        let message = error.map(|e| crate::ui::error::describe(self.with(|s| s.locale), e));
        self.update(|s| s.error = message);
    }

    /// Runs an operation as the visitor.
    pub async fn run(&self, op: WidgetOp) -> Result<WidgetReply, ConnectorError> {
        let token = self.with(|s| s.token.clone());
        WidgetClient::new(BrowserTransport::new("")).run(op, token.as_deref()).await
    }

    /// Adds or replaces a message (matched by id, or by the client id of an optimistic one).
    pub fn upsert(&self, message: ChatMessage) {
        self.update(|s| {
            let found = s.messages.iter_mut().find(|shown| {
                shown.message.id == message.id
                    || (message.client_id.is_some() && shown.message.client_id == message.client_id && shown.pending)
            });
            match found {
                Some(shown) => *shown = Shown { message, pending: false, failed: false },
                None => s.messages.push(Shown { message, pending: false, failed: false }),
            }
        });
    }

    /// Time of the newest stored message, for backfills.
    pub fn last_stored(&self) -> Option<String> {
        self.with(|s| s.messages.iter().filter(|m| !m.pending).map(|m| m.message.created_at.clone()).max())
    }

    /// Reloads the conversation (all of it, or what came after the newest stored message).
    pub async fn backfill(&self) {
        let after = self.last_stored();
        match self.run(WidgetOp::Conversation(after.clone())).await {
            Ok(WidgetReply::Conversation(Some(view))) => {
                let view = *view;
                if after.is_none() {
                    self.update(|s| s.messages.clear());
                }
                for message in view.messages {
                    self.note_incoming(&message);
                    self.upsert(message);
                }
                bridge::tell_active(view.conversation.status == ConversationStatus::Open);
                self.update(|s| s.conversation = Some(view.conversation));
            }
            Ok(_) => {}
            Err(error) => self.set_error(Some(&error)),
        }
    }

    /// Counts a rep message as unread while the chat is closed, and tells the host.
    pub fn note_incoming(&self, message: &ChatMessage) {
        if message.author != ChatAuthor::Rep || message.read_at.is_some() {
            return;
        }
        if self.with(|s| s.messages.iter().any(|m| m.message.id == message.id)) {
            return;
        }
        if self.with(|s| s.open) {
            let chat = self.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let _ = chat.run(WidgetOp::Read).await;
            });
        } else {
            self.update(|s| s.unread += 1);
            bridge::tell_unread(self.with(|s| s.unread));
        }
        bridge::tell_message(&message.body);
    }
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
    let site = chat.with(|s| s.site.clone());
    if site.is_empty() {
        // Opened without a site (not through embed.js): nothing to connect to.
        let message = chat.t(Key::WidgetNoSite).to_string();
        chat.update(|s| s.error = Some(message));
        return;
    }
    match chat.run(WidgetOp::Config(site.clone())).await {
        Ok(WidgetReply::Config(config)) => chat.update(|s| s.config = Some(config)),
        Ok(_) => {}
        Err(error) => return chat.set_error(Some(&error)),
    }
    if let Some(token) = stored_token(&site) {
        chat.update(|s| s.token = Some(token));
        match chat.run(WidgetOp::Me).await {
            Ok(WidgetReply::Visitor(visitor)) => chat.update(|s| s.visitor = Some(visitor)),
            _ => chat.update(|s| s.token = None),
        }
    }
    if chat.with(|s| s.token.is_none()) {
        match chat.run(WidgetOp::NewSession(site.clone())).await {
            Ok(WidgetReply::Session(session)) => {
                store_token(&site, &session.token);
                chat.update(|s| {
                    s.token = Some(session.token);
                    s.visitor = Some(session.visitor);
                });
            }
            Ok(_) => {}
            Err(error) => return chat.set_error(Some(&error)),
        }
    }
    chat.backfill().await;
    socket::connect(chat);
}
