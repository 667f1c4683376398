//! The public help centre as its own small build (`help.html`, served for `/portal` and `/portal/kb/…`): the
//! knowledge base and its articles, with the portal's top bar. A customer reading help downloads none of the
//! signed-in pages' code; following a link to any other portal page loads that page from the server, where the
//! whole portal answers it.

use super::bar::PortalBar;
use super::kb::{ArticlePage, KnowledgeBasePage};
use super::session::start_session;
use crate::i18n::Key;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;

/// Mounts the help centre into `<body>`.
pub fn start_help() {
    console_error_panic_hook::set_once();
    crate::ui::theme::apply_saved();
    leptos::mount::mount_to_body(HelpApp);
}

/// Root of the help centre: the session check (for the bar), the top bar and the two help pages.
#[component]
pub fn HelpApp() -> impl IntoView {
    let (i18n, _) = start_session();
    view! {
        <a class="skip-link" href="#main">{move || i18n.t(Key::SkipToContent)}</a>
        <Router>
            <PortalBar />
            <Routes fallback=ElsewhereInPortal>
                <Route path=path!("/portal") view=KnowledgeBasePage />
                <Route path=path!("/portal/kb/:id") view=ArticlePage />
            </Routes>
        </Router>
    }
}

/// Any other address (a case, the sign-in page, the profile): loaded from the server, which serves the whole
/// portal there.
#[component]
fn ElsewhereInPortal() -> impl IntoView {
    let i18n = crate::ui::locale::use_i18n();
    let location = use_location();
    Effect::new(move |_| {
        let target = format!("{}{}{}", location.pathname.get(), location.search.get(), location.hash.get());
        if let Some(window) = web_sys::window() {
            let _ = window.location().replace(&target);
        }
    });
    view! { <main id="main" class="portal-page"><p role="status">{move || i18n.t(Key::Loading)}</p></main> }
}
