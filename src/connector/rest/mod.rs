//! The declarative REST connector: a [connector file](trato_protocol::connector_file) describes a backend's
//! REST API and this module interprets it behind the same sans-IO [`Connector`] as the hand-written ones.
//!
//! - `values`: transforms, a backend record read into Trato's shape, Trato fields written into a backend body.
//! - `requests`: credentials, list queries (paging, sorts, filters, search, changed-since), record paths, list
//!   answers and their next page.
//! - `writes`: creates, updates and deletes, with the file's concurrency (a read before the write where the
//!   backend cannot refuse a stale one) and answers that are the record, an id, or nothing.
//! - `changes`: the changes feed, polled resource by resource (changed-since with overlap and de-duplication,
//!   soft deletes, sweeps of ids).
//! - `errors`: failures into typed errors by the file's rules.
//!
//! What an operation learns between rounds (the phase, a read record's ETag) travels in [`Rounds::carried`].
//! A `401` answered to the first request of an operation is followed, when the file has a refresh request, by
//! that refresh and the same request again, once.

mod changes;
mod connector;
mod context;
mod errors;
mod requests;
mod values;
mod writes;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

pub use connector::RestConnector;
pub use context::{RestSession, ONE_PIPELINE};
pub use values::timestamp;
