//! Shared user-interface pieces used by every face: locale context, language switch, error messages,
//! form fields, file attachments, article bodies, loading and empty states, long lists drawn a part at a time, tabs, menu buttons.

pub mod case_labels;
pub mod confirm;
pub mod drawn;
pub mod error;
pub mod field;
pub mod files;
pub mod focus;
pub mod live;
pub mod locale;
pub mod markup;
pub mod menu;
pub mod more;
pub mod order_labels;
pub mod rating;
pub mod status;
pub mod tabs;
pub mod theme;
pub mod thread;
