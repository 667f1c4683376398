//! The portal's root: the session check, the top bar and the routes.

use super::bar::PortalBar;
use super::cases::{CasePage, CasesPage};
use super::new_case::NewCasePage;
use super::orders::OrdersPage;
use super::profile::ProfilePage;
use super::session::{start_session, PortalState, BASE};
use super::signin::SignInPage;
use crate::i18n::Key;
use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;

/// Mounts the portal into `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    crate::ui::theme::apply_saved();
    leptos::mount::mount_to_body(PortalApp);
}

/// Root component of the portal: session check, top bar, navigation and pages.
#[component]
pub fn PortalApp() -> impl IntoView {
    let (i18n, state) = start_session();
    view! {
        <a class="skip-link" href="#main">{move || i18n.t(Key::SkipToContent)}</a>
        <Router>
            <PortalBar />
            <Show
                when=move || state.checked.get()
                fallback=move || view! { <main id="main" class="portal-page"><p role="status">{move || i18n.t(Key::Loading)}</p></main> }
            >
                <Routes fallback=|| view! { <Redirect path=BASE /> }>
                    <Route path=path!("/portal") view=HelpCentre />
                    <Route path=path!("/portal/signin") view=SignInPage />
                    <Route path=path!("/portal/kb/:id") view=HelpCentre />
                    <Route path=path!("/portal/cases") view=|| view! { <SignedIn><CasesPage /></SignedIn> } />
                    <Route path=path!("/portal/cases/new") view=|| view! { <SignedIn><NewCasePage /></SignedIn> } />
                    <Route path=path!("/portal/cases/:id") view=|| view! { <SignedIn><CasePage /></SignedIn> } />
                    <Route path=path!("/portal/orders") view=|| view! { <SignedIn><OrdersPage /></SignedIn> } />
                    <Route path=path!("/portal/profile") view=|| view! { <SignedIn><ProfilePage /></SignedIn> } />
                </Routes>
            </Show>
        </Router>
    }
}

/// Shows its children to a signed-in customer, and the sign-in page otherwise.
#[component]
fn SignedIn(children: ChildrenFn) -> impl IntoView {
    let state = expect_context::<PortalState>();
    view! {
        <Show when=move || state.customer.with(Option::is_some) fallback=|| view! { <SignInPage /> }>
            {children()}
        </Show>
    }
}

/// The help centre's addresses (`/portal`, `/portal/kb/…`): the help centre is its own small build (`crate::help`),
/// so following a link to it loads it from the server.
#[component]
fn HelpCentre() -> impl IntoView {
    let i18n = crate::ui::locale::use_i18n();
    let location = use_location();
    Effect::new(move |_| {
        let target = format!("{}{}", location.pathname.get(), location.search.get());
        if let Some(window) = web_sys::window() {
            let _ = window.location().replace(&target);
        }
    });
    view! { <main id="main" class="portal-page"><p role="status">{move || i18n.t(Key::Loading)}</p></main> }
}
