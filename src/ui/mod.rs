//! Shared user-interface pieces used by every face: locale context, language switch, error messages.

pub mod error;
pub mod locale;
