//! The desk's data: what the board shows ([`BoardData`]), the cache's record rows ([`record`]), the outbox rules
//! ([`outbox`]) and, in the browser, the IndexedDB cache ([`cache`]) and the store the screens use
//! ([`desk::DeskStore`]): the only path between desk screens and the backend.

#[cfg(target_arch = "wasm32")]
pub mod cache;
#[cfg(target_arch = "wasm32")]
pub mod desk;
pub mod outbox;
pub mod record;

use std::collections::HashMap;
use trato_protocol::*;

#[cfg(target_arch = "wasm32")]
pub use desk::{DeskStore, StoreEvent, SyncStatus};

/// Everything the pipeline board shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BoardData {
    /// Pipelines with their stages, in backend order.
    pub pipelines: Vec<Pipeline>,
    /// Deals of every pipeline.
    pub deals: Vec<Deal>,
    /// Account names by id, for the cards.
    pub account_names: HashMap<String, String>,
    /// Reps by id, for owner initials.
    pub users: HashMap<String, User>,
}
