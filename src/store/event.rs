//! What the store tells the screens: [`StoreEvent`]s about changed records, and the [`SyncStatus`] of its
//! background work (online, queued changes, a pull's progress, a cache that could not be written).

use super::error::CacheError;
use super::outbox::Entry;
use trato_protocol::*;

/// Where the background work stands, for the sync indicator.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SyncStatus {
    /// Whether the backend answered the last request.
    pub online: bool,
    /// Changes not yet accepted by the backend.
    pub pending: usize,
    /// Queued changes waiting for the rep (refused or in conflict).
    pub held: Vec<Entry>,
    /// A pull in progress: records received so far and the expected total.
    pub progress: Option<(u64, u64)>,
    /// Whether a first complete pull has reached this device.
    pub synced: bool,
    /// The session ended; queued changes wait for the next sign-in.
    pub signed_out: bool,
    /// The last cache write that failed (what was being written stays queued, or is pulled again), until one
    /// succeeds.
    pub problem: Option<CacheError>,
}

/// What changed in the cache, for the screens to show.
#[derive(Clone, Debug, PartialEq)]
pub enum StoreEvent {
    /// These deals are new or changed, and these ids are gone.
    Deals {
        /// New or changed deals.
        put: Vec<Deal>,
        /// Removed deal ids.
        removed: Vec<String>,
    },
    /// Accounts new or changed.
    Accounts(Vec<Account>),
    /// Contacts new or changed.
    Contacts(Vec<Contact>),
    /// A record created here got the backend's id: `(temporary, backend's)`.
    Renamed(String, String),
    /// Activities changed; the deals among them whose timeline changed (an account's or a contact's activity
    /// names no deal).
    Activities(Vec<String>),
    /// Too much changed to list (a large pull, another tab): read the board again.
    Reload,
    /// The backend refused to move this deal along its workflow (a backend without free stages): the deal is back
    /// where the backend has it; the backend's reason.
    MoveRefused {
        /// The deal.
        deal_id: String,
        /// The backend's message (`None` when the backend cannot make such a move at all).
        message: Option<String>,
    },
    /// New sync status.
    Status(SyncStatus),
}
