//! The realtime hub: one in-memory broadcast channel of chat events, each addressed to an [`Audience`] (the
//! visitor of the conversation and, when that visitor's identity is verified, every session of the same user),
//! plus notices that a visitor was identified or that a session ended (its sockets close), the count of reps with
//! the inbox open (their presence) and the sockets open per owner (capped). It knows nothing else.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;
use trato_protocol::{ChatEvent, Conversation};

/// Who may receive an event about a conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Audience {
    /// The visitor who started the conversation.
    pub visitor_id: String,
    /// That visitor's verified identity ([`identity_key`]), when the site signed it.
    pub identity: Option<String>,
}

impl Audience {
    /// The audience of events about `conversation`.
    pub fn of(conversation: &Conversation) -> Audience {
        Audience {
            visitor_id: conversation.visitor.id.clone(),
            identity: conversation.visitor.user_id.as_deref().map(|user| identity_key(&conversation.site, user)),
        }
    }

    /// Whether a visitor socket of `visitor_id` with verified `identity` may receive it.
    pub fn includes(&self, visitor_id: &str, identity: Option<&str>) -> bool {
        self.visitor_id == visitor_id || (self.identity.is_some() && self.identity.as_deref() == identity)
    }
}

/// The key of a verified identity: the site's user id on that site.
pub fn identity_key(site: &str, user_id: &str) -> String {
    format!("{site}\n{user_id}")
}

/// What goes through the hub.
#[derive(Clone, Debug)]
pub enum HubEvent {
    /// A chat event for an audience (reps receive every one).
    Chat {
        /// Who may receive it.
        audience: Audience,
        /// The event (boxed: conversations are large).
        event: Box<ChatEvent>,
    },
    /// A visitor's identity was verified: their sockets now also receive that identity's events.
    Identified {
        /// The visitor.
        visitor_id: String,
        /// Their verified identity.
        identity: String,
    },
    /// A session ended (a rep signed out, a visitor's token moved to another identity): its sockets close.
    SessionEnded {
        /// The hash of the session's token.
        token_hash: String,
    },
}

/// The realtime hub and rep presence, shared by every handler.
#[derive(Clone)]
pub struct Hub {
    sender: broadcast::Sender<HubEvent>,
    reps_online: Arc<AtomicUsize>,
    sockets: Arc<Mutex<HashMap<String, usize>>>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            sender: broadcast::channel(1024).0,
            reps_online: Arc::new(AtomicUsize::new(0)),
            sockets: Arc::new(Mutex::new(HashMap::new())),
        }
    }
}

impl Hub {
    /// Sends a chat event to every socket listening (rep sockets, and the visitor sockets of `audience`).
    pub fn send(&self, audience: Audience, event: ChatEvent) {
        // No receiver is not an error: nobody is listening right now.
        let _ = self.sender.send(HubEvent::Chat { audience, event: Box::new(event) });
    }

    /// Tells `visitor_id`'s sockets that their identity is now `identity`.
    pub fn identified(&self, visitor_id: &str, identity: String) {
        let _ = self.sender.send(HubEvent::Identified { visitor_id: visitor_id.into(), identity });
    }

    /// Closes the sockets of the session whose token hashes to `token_hash`.
    pub fn end_session(&self, token_hash: &str) {
        let _ = self.sender.send(HubEvent::SessionEnded { token_hash: token_hash.into() });
    }

    /// Listens to every event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<HubEvent> {
        self.sender.subscribe()
    }

    /// Whether any rep has the inbox open.
    pub fn reps_online(&self) -> bool {
        self.reps_online.load(Ordering::SeqCst) > 0
    }

    /// Counts a rep as online until the returned guard is dropped.
    pub fn rep_online(&self) -> Presence {
        self.reps_online.fetch_add(1, Ordering::SeqCst);
        Presence(self.reps_online.clone())
    }

    /// Counts a socket of `owner` until the guard is dropped; `None` when `owner` already has `max` open.
    pub fn open_socket(&self, owner: String, max: usize) -> Option<OpenSocket> {
        let mut sockets = self.sockets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let count = sockets.entry(owner.clone()).or_insert(0);
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(OpenSocket { owner, sockets: self.sockets.clone() })
    }
}

/// A rep counted as online (see [`Hub::rep_online`]).
pub struct Presence(Arc<AtomicUsize>);

impl Drop for Presence {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// An open socket counted for its owner (see [`Hub::open_socket`]); the count of an owner with none is removed.
pub struct OpenSocket {
    owner: String,
    sockets: Arc<Mutex<HashMap<String, usize>>>,
}

impl Drop for OpenSocket {
    fn drop(&mut self) {
        let mut sockets = self.sockets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = sockets.get_mut(&self.owner) {
            *count -= 1;
            if *count == 0 {
                sockets.remove(&self.owner);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sockets_are_capped_per_owner_and_forgotten_when_closed() {
        let hub = Hub::default();
        let first = hub.open_socket("visitor:a".into(), 2).unwrap();
        let _second = hub.open_socket("visitor:a".into(), 2).unwrap();
        assert!(hub.open_socket("visitor:a".into(), 2).is_none());
        assert!(hub.open_socket("visitor:b".into(), 2).is_some());
        drop(first);
        let _third = hub.open_socket("visitor:a".into(), 2).unwrap();
        drop(_third);
        drop(_second);
        assert!(hub.sockets.lock().unwrap().is_empty(), "no count is kept for owners without sockets");
    }

    #[test]
    fn an_audience_is_its_visitor_and_the_same_verified_user() {
        let audience = Audience { visitor_id: "vis_a".into(), identity: Some(identity_key("site", "u1")) };
        assert!(audience.includes("vis_a", None));
        assert!(audience.includes("vis_b", Some(&identity_key("site", "u1"))));
        assert!(!audience.includes("vis_b", Some(&identity_key("site", "u2"))));
        assert!(!audience.includes("vis_b", Some(&identity_key("other", "u1"))));
        let anonymous = Audience { visitor_id: "vis_a".into(), identity: None };
        assert!(!anonymous.includes("vis_b", None));
    }
}
