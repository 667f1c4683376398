//! [`Batch`]: every write of one change, which the cache applies in one transaction (all of it or none of it):
//! records, metadata, outbox entries and the rep list.

use super::outbox::Entry;
use super::record::{Kind, Row};
use trato_protocol::User;

/// All the writes of one change, applied in one transaction.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Batch {
    /// Records to store.
    pub put: Vec<(Kind, Row)>,
    /// Records to remove, by id.
    pub delete: Vec<(Kind, String)>,
    /// Metadata to set.
    pub meta: Vec<(String, String)>,
    /// New outbox entries (their `seq` is assigned by the store, in order).
    pub enqueue: Vec<Entry>,
    /// Outbox entries to overwrite.
    pub requeue: Vec<Entry>,
    /// Outbox entries to remove, by `seq`.
    pub dequeue: Vec<u64>,
    /// The rep list, replacing the stored one.
    pub users: Option<Vec<User>>,
    /// A refill of the cache from the backend (a page of the pull): the browser may acknowledge it before it is on
    /// disk, since a page lost on a crash is simply pulled again. Writes of the rep's changes never are.
    pub refill: bool,
}

impl Batch {
    /// Whether the batch writes nothing.
    pub fn is_empty(&self) -> bool {
        self.put.is_empty()
            && self.delete.is_empty()
            && self.meta.is_empty()
            && self.enqueue.is_empty()
            && self.requeue.is_empty()
            && self.dequeue.is_empty()
            && self.users.is_none()
    }

    /// Whether the batch writes records (what the screens show), not only the outbox or metadata.
    pub fn writes_records(&self) -> bool {
        !self.put.is_empty() || !self.delete.is_empty() || self.users.is_some()
    }
}
