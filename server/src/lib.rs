//! `trato-server`: the reference backend of the Trato HTTP protocol v1 (axum + SQLite).
//!
//! [`start`] opens the database, seeds demo data when asked and the database is empty, binds the listener and
//! serves the API under `/api/v1` plus, optionally, the built client faces (desk at `/`, portal at `/portal/`,
//! widget at `/widget/`, a widget demo host page at `/demo/`). ARCHITECTURE.md maps the modules.

pub mod app;
pub mod attachments;
pub mod auth;
pub mod cases;
pub mod changes;
pub mod chat;
pub mod clock;
pub mod connectors;
pub mod db;
pub mod demo;
pub mod demo_support;
pub mod error;
pub mod housekeeping;
pub mod idempotency;
pub mod import;
pub mod kb;
pub mod limits;
pub mod mail;
pub mod mail_text;
pub mod merge;
pub mod orders;
pub mod portal_auth;
pub mod records;
pub mod rest;
pub mod schema;
pub mod serve;
pub mod session;
pub mod state;
pub mod statics;
pub mod users;
pub mod web;

pub use app::{start, Config, Running};
pub use state::AppState;
