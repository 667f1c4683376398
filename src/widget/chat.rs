//! The widget's state and [`Chat`], through which every change goes: [`Chat::update`] changes the state and
//! redraws (through the renderer the views set), and the visitor's operations run as the visitor.

use super::host;
use crate::client::WidgetClient;
use crate::connector::widget::{WidgetOp, WidgetReply};
use crate::connector::{Ask, ConnectorError};
use crate::i18n::{Key, Locale};
use crate::transport::BrowserTransport;
use std::cell::RefCell;
use std::rc::Rc;
use trato_protocol::*;

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
        } else if self.config.as_ref().is_some_and(|c| c.prechat && !c.enforce_identity)
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

/// Draws the state (set once by the views).
type Render = Rc<dyn Fn(&Chat)>;

struct Inner {
    state: RefCell<State>,
    render: RefCell<Option<Render>>,
}

/// The widget: its state and the panel that shows it. Every change goes through [`Chat::update`], which redraws
/// what changed.
#[derive(Clone)]
pub struct Chat(Rc<Inner>);

impl Chat {
    /// A widget in `state`, not drawn yet.
    pub fn new(state: State) -> Chat {
        Chat(Rc::new(Inner { state: RefCell::new(state), render: RefCell::new(None) }))
    }

    /// Sets what draws the state after every change, and draws it now.
    pub fn set_render(&self, render: impl Fn(&Chat) + 'static) {
        *self.0.render.borrow_mut() = Some(Rc::new(render));
        self.redraw();
    }

    fn redraw(&self) {
        let render = self.0.render.borrow().clone();
        if let Some(render) = render {
            render(self);
        }
    }

    /// The state, for drawing it (no change may happen while it is borrowed).
    pub fn state(&self) -> std::cell::Ref<'_, State> {
        self.0.state.borrow()
    }

    /// Reads the state.
    pub fn with<R>(&self, read: impl FnOnce(&State) -> R) -> R {
        read(&self.0.state.borrow())
    }

    /// Changes the state and redraws.
    pub fn update(&self, change: impl FnOnce(&mut State)) {
        change(&mut self.0.state.borrow_mut());
        self.redraw();
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

    /// Runs an operation as the visitor and returns its typed answer.
    pub async fn ask<A>(&self, ask: Ask<WidgetOp, WidgetReply, A>) -> Result<A, ConnectorError> {
        let token = self.with(|s| s.token.clone());
        WidgetClient::new(BrowserTransport::new("")).ask(ask, token.as_deref()).await
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
        match self.ask(WidgetOp::conversation(after.clone())).await {
            Ok(Some(view)) => {
                if after.is_none() {
                    self.update(|s| s.messages.clear());
                }
                for message in view.messages {
                    self.note_incoming(&message);
                    self.upsert(message);
                }
                host::tell_active(view.conversation.status == ConversationStatus::Open);
                self.update(|s| s.conversation = Some(view.conversation));
            }
            Ok(None) => {}
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
                // A read mark that does not arrive only leaves the rep's "Visto" late.
                let _ = chat.ask(WidgetOp::read()).await;
            });
        } else {
            self.update(|s| s.unread += 1);
            host::tell_unread(self.with(|s| s.unread));
        }
        host::tell_message(&message.body);
    }
}
