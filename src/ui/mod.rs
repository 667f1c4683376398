//! Shared user-interface pieces used by every face: locale context, language switch, error messages,
//! file attachments, article bodies.

pub mod case_labels;
pub mod error;
pub mod files;
pub mod live;
pub mod locale;
pub mod markup;
pub mod rating;
pub mod thread;
