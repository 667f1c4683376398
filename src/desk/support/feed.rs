//! The desk's live chat feed: one WebSocket per signed-in desk (`/api/v1/inbox/socket`, authorized by the session
//! cookie, so the rep counts as online while the desk is open). Screens read the latest event; a new
//! conversation is announced wherever the rep is; the visitors' messages no rep has read are counted for the
//! section bar.

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
    /// Per open conversation, the visitor's messages no rep has read, and the time of the last one counted.
    unread: RwSignal<std::collections::BTreeMap<String, (u32, String)>>,
}

impl ChatFeed {
    /// The visitors' messages no rep has read, in every open conversation.
    pub fn unread(&self) -> u32 {
        self.unread.with(|unread| unread.values().map(|(count, _)| count).sum())
    }

    /// Takes the counts of a fresh list of conversations (the inbox's, or the one read when the feed starts).
    pub fn count(&self, conversations: &[Conversation]) {
        let counts = conversations
            .iter()
            .filter(|c| c.status == ConversationStatus::Open && c.unread > 0)
            .map(|c| (c.id.clone(), (c.unread, c.last_message_at.clone())))
            .collect();
        self.unread.try_set(counts);
    }
}

/// The feed, when the desk started one.
pub fn use_feed() -> Option<ChatFeed> {
    use_context::<ChatFeed>()
}

/// Creates the feed context and connects (call once, inside the desk's root).
pub fn provide_feed() -> ChatFeed {
    let feed = ChatFeed {
        last: RwSignal::new(None),
        notice: RwSignal::new(None),
        known: StoredValue::new(vec![]),
        unread: RwSignal::new(Default::default()),
    };
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
    match &event {
        ChatEvent::Conversation { conversation } => feed.unread.update(|unread| {
            if conversation.status == ConversationStatus::Open && conversation.unread > 0 {
                unread.insert(conversation.id.clone(), (conversation.unread, conversation.last_message_at.clone()));
            } else {
                unread.remove(&conversation.id);
            }
        }),
        // A visitor's message after those already counted (the first one comes inside its new conversation).
        ChatEvent::Message { message } if message.author == ChatAuthor::Visitor && message.read_at.is_none() => {
            feed.unread.update(|unread| {
                let entry = unread.entry(message.conversation_id.clone()).or_insert((0, String::new()));
                if message.created_at > entry.1 {
                    *entry = (entry.0 + 1, message.created_at.clone());
                }
            })
        }
        ChatEvent::Read { conversation_id, reader: ChatAuthor::Rep, .. } => {
            feed.unread.update(|unread| {
                unread.remove(conversation_id);
            });
        }
        _ => {}
    }
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
