//! The desk face (reps): sign-in, the pipeline board, customers (accounts, contacts, the rep's day), the case
//! queue, the chat inbox and knowledge base editing.
//! Entry point [`start`], called by `src/bin/desk.rs`.

mod app;
pub mod backend;
pub mod board;
pub mod context;
pub mod customers;
mod login;
mod palette;
mod shell;
mod status;
pub mod support;

pub use app::{start, App};
pub use context::{use_store, SessionState, Store, StoreHandle};
