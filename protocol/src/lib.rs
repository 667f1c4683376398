//! Wire types of the Trato HTTP protocol v1.
//!
//! Shared by the client (`trato`) and the reference backend (`trato-server`); `PROTOCOL.md` beside this crate
//! documents every endpoint. This crate is plain data plus the validation rules both sides apply, so a client
//! can check a form before sending it and the server enforces the very same limits.

pub mod chat;
pub mod connector_file;
pub mod error;
pub mod records;
pub mod support;
pub mod validate;

pub use chat::*;
pub use error::{ApiError, ErrorCode, FieldErrors};
pub use records::*;
pub use support::*;

/// Path prefix of every v1 endpoint.
pub const API_PREFIX: &str = "/api/v1";
/// Header every mutating request must carry (value [`CSRF_VALUE`]); a cross-site form cannot set it.
pub const CSRF_HEADER: &str = "x-trato-csrf";
/// The only accepted value of [`CSRF_HEADER`].
pub const CSRF_VALUE: &str = "1";
/// Header naming a client-chosen key that makes a POST safe to retry.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";
/// Name of the HttpOnly session cookie set by `POST /auth/login`.
pub const SESSION_COOKIE: &str = "trato_session";
/// Largest page a list endpoint returns.
pub const MAX_PAGE_SIZE: u32 = 1000;
/// Page size when the request names none.
pub const DEFAULT_PAGE_SIZE: u32 = 50;
