//! The portal's public help centre as its own small face (`help.html`, served for `/portal` and `/portal/kb/…`),
//! drawn by hand like the widget: customers open it on phones, often first, and its first load must stay small.
//!
//! - Pages: the knowledge base (search, categories, articles, "still need help?") and an article with "was this
//!   helpful?". Moving between them stays in the page (`history.pushState`); any other portal address is
//!   followed normally, and the server answers it with the whole portal.
//! - The top bar is the portal's: the signed-in customer's links and sign-out, or a sign-in link; language and
//!   theme, remembered on the device like in the other faces.
//! - Everything goes through [`PortalClient`](crate::client::PortalClient) on the page's own origin; user text is
//!   only ever text.

mod bar;
mod pages;
mod state;

use crate::browser::dom;
use crate::connector::portal::PortalOp;
use state::{Help, Page};
use wasm_bindgen::JsCast;

/// Starts the help centre: draws it into `<body>`, follows in-page links, and asks for the session and the
/// categories.
pub fn start() {
    console_error_panic_hook::set_once();
    crate::ui::theme::apply_saved();
    let help = Help::new();
    help.render();
    follow_links(&help);
    let on_back = help.clone();
    if let Some(window) = web_sys::window() {
        dom::listen(&window, "popstate", move |_| on_back.open(Page::current(), false));
    }
    let session = help.clone();
    wasm_bindgen_futures::spawn_local(async move {
        if let Ok(customer) = state::client().ask(PortalOp::session()).await {
            session.update(|s| {
                if let Some(found) = &customer {
                    if crate::ui::locale::chosen_locale().is_none() {
                        if let Some(locale) = crate::i18n::Locale::from_tag(&found.locale) {
                            s.locale = locale;
                        }
                    }
                }
                s.customer = customer;
            });
        }
    });
    help.open(Page::current(), false);
}

/// Clicks on links to help pages open them here; every other link is followed by the browser.
fn follow_links(help: &Help) {
    let help = help.clone();
    dom::listen(&dom::document(), "click", move |event| {
        let Some(mouse) = event.dyn_ref::<web_sys::MouseEvent>() else { return };
        if mouse.default_prevented() || mouse.button() != 0 || mouse.ctrl_key() || mouse.meta_key() || mouse.shift_key()
        {
            return;
        }
        let link = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("a[href]").ok().flatten())
            .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
        let Some(link) = link else { return };
        let here = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
        if link.origin() != here || !link.target().is_empty() {
            return;
        }
        if let Some(page) = Page::of_path(&link.pathname()) {
            event.prevent_default();
            help.open(page, true);
        }
    });
}
