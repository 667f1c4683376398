//! The customer at the centre of the desk: accounts and contacts lists (`/accounts`, `/contacts`), the account's
//! 360 view and the contact's page, the rep's day (`/today`), logging calls made from the desk, creating customers
//! with a duplicate warning, importing them from CSV (`/import`) and exporting lists to CSV.

mod account;
pub mod activity;
mod around;
mod bulk;
mod call_back;
mod cells;
mod contact;
mod data;
mod export;
mod import_job;
mod import_page;
mod inline;
mod list;
mod listing;
mod merge;
mod new_case;
mod new_record;
mod remote;
mod sections;
mod timeline;
mod today;
pub mod work;

pub use account::AccountPage;
pub use call_back::CallBackDialog;
pub use contact::ContactPage;
pub use import_page::ImportPage;
pub use list::{AccountsPage, ContactsPage};
pub use today::{due_today_count, TodayPage};
