//! The desk's data: the only path between desk screens and the backend.
//!
//! Pure, natively tested parts: [`record`] (records as rows), [`batch`] (one transaction's writes), [`outbox`]
//! (queued changes and their rules), [`pull`] (what each page of the changes feed writes and tells), [`send`]
//! (what an attempt's outcome means, how a success is settled), [`event`] (what the screens are told),
//! [`board_data`] and [`error`]. In the browser: [`cache`] (IndexedDB) and [`desk::DeskStore`], which only does
//! I/O, locks, channels and timers around those decisions.

pub mod batch;
pub mod board_data;
#[cfg(target_arch = "wasm32")]
pub mod cache;
#[cfg(target_arch = "wasm32")]
pub mod desk;
pub mod error;
pub mod event;
pub mod outbox;
pub mod pull;
pub mod record;
pub mod send;

pub use board_data::BoardData;
#[cfg(target_arch = "wasm32")]
pub use desk::DeskStore;
pub use event::{StoreEvent, SyncStatus};
