//! The customer portal's signed-in pages: passwordless sign-in, my cases (list, case page, new case with article
//! suggestions), my orders and my profile. Entry point [`start`], called by `src/bin/portal.rs`. The knowledge
//! base is the help centre's, its own build (`crate::help`).
//!
//! - Drawn by hand like the help centre and the widget, without a view framework: customers open it on phones
//!   from a mailed link, and its first load must stay small (see ARCHITECTURE.md). The whole page is drawn from
//!   the state ([`state::Portal`]) on every change; what is typed is kept in the state without a redraw.
//! - Moving between its pages stays in the page (`history.pushState`); the help centre's addresses are followed
//!   normally, and the server answers them with the help centre.
//! - Everything goes through [`PortalClient`](crate::client::PortalClient) on the page's own origin; nothing is
//!   cached on the device, so signing out leaves nothing behind. User text is only ever text.

pub mod bar;
mod case;
mod cases;
mod draw;
mod files;
mod forms;
mod new_case;
mod orders;
mod profile;
mod signin;
pub mod state;

use crate::browser::dom;
use crate::connector::portal::PortalOp;
use state::{Page, Portal};

/// Starts the portal: draws it into `<body>`, follows in-page links, redeems a mailed link or checks the session,
/// and opens the page the address names.
pub fn start() {
    console_error_panic_hook::set_once();
    crate::ui::theme::apply_saved();
    let portal = Portal::new();
    portal.render();
    let following = portal.clone();
    dom::follow_links(move |path, search| match Page::of_path(path, search) {
        Some(page) => {
            following.open(page, true);
            true
        }
        None => false,
    });
    let on_back = portal.clone();
    if let Some(window) = web_sys::window() {
        dom::listen(&window, "popstate", move |_| on_back.open_current());
        // A link pasted into a tab that already shows the portal only changes the fragment.
        let pasted = portal.clone();
        dom::listen(&window, "hashchange", move |_| {
            signin::redeem_link(&pasted);
        });
    }
    if !signin::redeem_link(&portal) {
        portal.check_session();
    }
    portal.open_current();
}

impl Portal {
    /// Asks who is signed in; their language applies unless one was picked on this device.
    pub fn check_session(&self) {
        let portal = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let customer = state::client().ask(PortalOp::session()).await.ok().flatten();
            portal.update(|s| {
                if let Some(locale) = customer.as_ref().and_then(bar::customer_locale) {
                    s.locale = locale;
                }
                s.customer = customer;
                s.checked = true;
            });
            portal.after_session();
        });
    }

    /// Opens the page the address bar shows; any other address goes to the help centre.
    pub fn open_current(&self) {
        let location = web_sys::window().map(|w| w.location());
        let path = location.as_ref().and_then(|l| l.pathname().ok()).unwrap_or_default();
        let search = location.as_ref().and_then(|l| l.search().ok()).unwrap_or_default();
        match Page::of_path(&path, &search) {
            Some(page) => self.open(page, false),
            None => {
                if let Some(location) = location {
                    let _ = location.replace("/portal");
                }
            }
        }
    }

    /// Opens `page` (adding it to the history when `push`) and loads what it shows, once the session is known.
    pub fn open(&self, page: Page, push: bool) {
        if push {
            if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
                let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&page.path()));
            }
        }
        let first = self.with(|s| s.page.is_none());
        self.update(|s| {
            s.visit += 1;
            s.page = Some(page);
        });
        self.after_session();
        if !first {
            dom::focus_main();
        }
    }

    /// Loads what the page shows, when the session is known: a signed-out customer sees the sign-in page
    /// instead of a signed-in one, and a signed-in one is taken from the sign-in page to their cases.
    pub fn after_session(&self) {
        let (checked, signed_in, page) = self.with(|s| (s.checked, s.customer.is_some(), s.page.clone()));
        let Some(page) = page else { return };
        if !checked {
            return;
        }
        match page {
            Page::SignIn if signed_in && !self.with(|s| s.signin.work.busy) => self.replace(Page::Cases),
            Page::SignIn => {}
            _ if !signed_in => {}
            Page::Cases => cases::load(self, true),
            Page::NewCase => self.update(|s| s.new_case = Default::default()),
            Page::Case { id, created } => case::load(self, id, created),
            Page::Orders => orders::load(self),
            Page::Profile => profile::fill(self),
        }
    }

    /// Replaces the shown page with `page` (after a redirect: Back does not return to where it was).
    pub fn replace(&self, page: Page) {
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&page.path()));
        }
        self.open(page, false);
    }
}
