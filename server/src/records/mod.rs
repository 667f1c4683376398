//! The records layer: the only code that writes the record tables (pipelines, accounts, contacts, deals,
//! activities, saved views). One file per kind holds its rules; [`api`] is the one create / update / delete /
//! restore / insert path that the REST handlers, chat leads and demo data all call; [`query`] reads records as
//! served and the changes feed. Every write takes the next place in one database-wide sequence, which is what
//! the changes feed reads.

mod account;
mod activity;
pub mod api;
mod contact;
mod deal;
pub mod kind;
mod pipeline;
pub mod query;
mod rows;
pub mod schema;
mod view;

pub use api::{create, delete, find, get, insert, restore, update, visible};
pub use kind::{Actor, Listed, Writable, WriteCtx};
