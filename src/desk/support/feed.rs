//! The desk's live chat feed: one WebSocket per signed-in desk (`/api/v1/inbox/socket`, authorized by the session
//! cookie, so the rep counts as online while the desk is open). Screens read the latest event; a new
//! conversation is announced wherever the rep is.

use crate::i18n::Key;
use crate::ui::locale::use_i18n_untracked;
use leptos::prelude::*;
use std::cell::Cell;
use std::rc::Rc;
use trato_protocol::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The feed as the screens see it.
#[derive(Clone, Copy)]
pub struct ChatFeed {
    /// The latest event.
    pub last: RwSignal<Option<ChatEvent>>,
    /// The latest announcement ("Nueva conversación de …").
    pub notice: RwSignal<Option<String>>,
    /// Conversations seen so far, to tell new ones apart.
    known: StoredValue<Vec<String>>,
}

/// The feed, when the desk started one.
pub fn use_feed() -> Option<ChatFeed> {
    use_context::<ChatFeed>()
}

/// Creates the feed context and connects (call once, inside the desk's root).
pub fn provide_feed() -> ChatFeed {
    let feed = ChatFeed { last: RwSignal::new(None), notice: RwSignal::new(None), known: StoredValue::new(vec![]) };
    provide_context(feed);
    feed
}

/// Connects the feed and keeps it connected (with growing pauses after a drop).
pub fn connect(feed: ChatFeed) {
    open(feed, Rc::new(Cell::new(1_000)));
}

fn open(feed: ChatFeed, pause: Rc<Cell<u32>>) {
    let Some(location) = web_sys::window().map(|w| w.location()) else { return };
    let scheme = if location.protocol().ok().as_deref() == Some("https:") { "wss" } else { "ws" };
    let Ok(host) = location.host() else { return };
    let Ok(socket) = web_sys::WebSocket::new(&format!("{scheme}://{host}{API_PREFIX}/inbox/socket")) else { return };
    let reset = pause.clone();
    let on_open = Closure::<dyn Fn()>::new(move || reset.set(1_000));
    let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        let Some(text) = event.data().as_string() else { return };
        let Ok(event) = serde_json::from_str::<ChatEvent>(&text) else { return };
        if let ChatEvent::Conversation { conversation } = &event {
            let new = feed.known.try_update_value(|known| {
                let new = !known.contains(&conversation.id);
                if new {
                    known.push(conversation.id.clone());
                }
                new
            });
            if new == Some(true) && conversation.status == ConversationStatus::Open {
                let locale = use_i18n_untracked();
                let name = conversation.visitor.name.clone().unwrap_or_else(|| locale.t(Key::VisitorAnonymous).into());
                feed.notice.set(Some(locale.tf(Key::NewConversation, &[("name", &name)])));
            }
        }
        feed.last.set(Some(event));
    });
    let on_close = Closure::<dyn Fn()>::new(move || {
        let wait = pause.get();
        pause.set((wait * 2).min(30_000));
        let pause = pause.clone();
        if feed.last.try_get_untracked().is_none() {
            return; // the desk is gone
        }
        leptos::task::spawn_local(async move {
            crate::store::desk::sleep(wait).await;
            open(feed, pause);
        });
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    on_open.forget();
    on_message.forget();
    on_close.forget();
}
