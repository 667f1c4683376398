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

mod pages;
mod state;

use crate::browser::dom;
use crate::connector::portal::PortalOp;
use state::Help;
pub use state::Page;

/// Starts the help centre: draws it into `<body>`, follows in-page links, and asks for the session and the
/// categories.
pub fn start() {
    console_error_panic_hook::set_once();
    crate::ui::theme::apply_saved();
    let help = Help::new();
    help.render();
    let following = help.clone();
    dom::follow_links(move |path, _| match Page::of_path(path) {
        Some(page) => {
            following.open(page, true);
            true
        }
        None => false,
    });
    let on_back = help.clone();
    if let Some(window) = web_sys::window() {
        dom::listen(&window, "popstate", move |_| on_back.open(Page::current(), false));
    }
    let session = help.clone();
    wasm_bindgen_futures::spawn_local(async move {
        if let Ok(customer) = crate::portal::state::client().ask(PortalOp::session()).await {
            session.update(|s| {
                if let Some(locale) = customer.as_ref().and_then(crate::portal::bar::customer_locale) {
                    s.locale = locale;
                }
                s.customer = customer;
            });
        }
    });
    help.open(Page::current(), false);
}
