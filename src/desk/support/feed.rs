//! The desk's live chat feed: one WebSocket per signed-in desk (`/api/v1/inbox/socket`, authorized by the session
//! cookie, so the rep counts as online while the desk is open). Screens read the latest event; a new
//! conversation is announced wherever the rep is.

use crate::i18n::Key;
use crate::ui::locale::use_i18n_untracked;
use leptos::prelude::*;
use trato_protocol::*;

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

/// Connects the feed and keeps it connected while the desk lives.
pub fn connect(feed: ChatFeed) {
    crate::ui::live::keep_open(crate::ui::live::Live {
        path: "/api/v1/inbox/socket",
        hello: None,
        on_open: Box::new(|_| {}),
        on_text: Box::new(move |text| {
            if let Ok(event) = serde_json::from_str::<ChatEvent>(&text) {
                receive(feed, event);
            }
        }),
        on_down: Box::new(|| {}),
        wanted: Box::new(move || feed.last.try_get_untracked().is_some()),
    });
}

fn receive(feed: ChatFeed, event: ChatEvent) {
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
            feed.notice.try_set(Some(locale.tf(Key::NewConversation, &[("name", &name)])));
        }
    }
    feed.last.try_set(Some(event));
}
