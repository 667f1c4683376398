//! The customer portal face: passwordless sign-in, my cases (list, case page, new case with article
//! suggestions), the knowledge base, my orders and my profile. Entry points: [`start`] (the whole portal,
//! `src/bin/portal.rs`) and [`start_help`] (the public help centre alone, `src/bin/help.rs`). Everything goes
//! through [`PortalClient`] over the page's own origin; nothing is cached on the device, so signing out leaves
//! nothing behind.

mod app;
mod bar;
mod cases;
mod help;
mod kb;
mod new_case;
mod orders;
mod profile;
pub mod session;
mod signin;

pub use app::{start, PortalApp};
pub use help::{start_help, HelpApp};
