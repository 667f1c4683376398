//! The customer portal face: passwordless sign-in, my cases (list, case page, new case with article
//! suggestions), my orders and my profile. Entry point [`start`], called by `src/bin/portal.rs`. The knowledge
//! base is the help centre's, its own small build (`crate::help`). Everything goes through [`PortalClient`] over
//! the page's own origin; nothing is cached on the device, so signing out leaves nothing behind.

mod app;
mod bar;
mod cases;
mod new_case;
mod orders;
mod profile;
pub mod session;
mod signin;

pub use app::{start, PortalApp};
