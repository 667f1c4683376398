//! The realtime hub: one in-memory broadcast channel of chat events, each tagged with the visitor whose
//! conversation it concerns, and the count of reps with the inbox open (their presence). It knows nothing else.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::broadcast;
use trato_protocol::ChatEvent;

/// One event with the visitor whose conversation it concerns.
#[derive(Clone, Debug)]
pub struct HubEvent {
    /// The visitor of the conversation.
    pub visitor_id: String,
    /// The event.
    pub event: ChatEvent,
}

/// The realtime hub and rep presence, shared by every handler.
#[derive(Clone)]
pub struct Hub {
    sender: broadcast::Sender<HubEvent>,
    reps_online: Arc<AtomicUsize>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub { sender: broadcast::channel(1024).0, reps_online: Arc::new(AtomicUsize::new(0)) }
    }
}

impl Hub {
    /// Sends an event about `visitor_id`'s conversation to every socket listening.
    pub fn send(&self, visitor_id: &str, event: ChatEvent) {
        // No receiver is not an error: nobody is listening right now.
        let _ = self.sender.send(HubEvent { visitor_id: visitor_id.into(), event });
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
}

/// A rep counted as online (see [`Hub::rep_online`]).
pub struct Presence(Arc<AtomicUsize>);

impl Drop for Presence {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}
