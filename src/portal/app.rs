//! The portal's root: the session check, the top bar and the routes.

use super::cases::{CasePage, CasesPage};
use super::kb::{ArticlePage, KnowledgeBasePage};
use super::new_case::NewCasePage;
use super::orders::OrdersPage;
use super::profile::ProfilePage;
use super::session::{apply_customer_locale, client, remember_state, PortalState, BASE};
use super::signin::SignInPage;
use crate::connector::portal::PortalOp;
use crate::i18n::Key;
use crate::ui::locale::{provide_i18n, use_i18n, LanguageSwitch};
use crate::ui::theme::ThemeSwitch;
use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes, A};
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
    let i18n = provide_i18n(Key::PortalTitle);
    let state = PortalState { customer: RwSignal::new(None), checked: RwSignal::new(false) };
    provide_context(state);
    remember_state(state);
    leptos::task::spawn_local(async move {
        if let Ok(customer) = client().ask(PortalOp::session()).await {
            if let Some(customer) = &customer {
                apply_customer_locale(i18n, customer);
            }
            state.customer.try_set(customer);
        }
        state.checked.try_set(true);
    });
    view! {
        <a class="skip-link" href="#main">{move || i18n.t(Key::SkipToContent)}</a>
        <Router>
            <PortalBar />
            <Show
                when=move || state.checked.get()
                fallback=move || view! { <main id="main" class="portal-page"><p role="status">{move || i18n.t(Key::Loading)}</p></main> }
            >
                <Routes fallback=|| view! { <Redirect path=BASE /> }>
                    <Route path=path!("/portal") view=KnowledgeBasePage />
                    <Route path=path!("/portal/signin") view=SignInPage />
                    <Route path=path!("/portal/kb/:id") view=ArticlePage />
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

/// Brand, navigation, language and the customer's name with a sign-out button.
#[component]
fn PortalBar() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<PortalState>();
    let sign_out = move |_| {
        leptos::task::spawn_local(async move {
            // Signed out here whatever the server says: the cookie expires on its own.
            let _ = client().ask(PortalOp::logout()).await;
            state.customer.try_set(None);
            // A fresh page: nothing of the signed-out customer stays in memory.
            if let Some(window) = web_sys::window() {
                let _ = window.location().assign("/portal/signin");
            }
        });
    };
    let company = move || state.customer.with(|c| c.as_ref().map(|c| c.company.clone()).unwrap_or_default());
    view! {
        <header class="topbar portal-bar">
            <span class="brand">{move || i18n.t(Key::AppName)}</span>
            <span class="company">{company}</span>
            <nav class="portal-nav" aria-label=move || i18n.t(Key::PortalNav)>
                <A href="/portal">{move || i18n.t(Key::HelpCenter)}</A>
                <Show when=move || state.customer.with(Option::is_some)>
                    <A href="/portal/cases">{move || i18n.t(Key::MyCases)}</A>
                    <A href="/portal/orders">{move || i18n.t(Key::MyOrders)}</A>
                    <A href="/portal/profile">{move || i18n.t(Key::Profile)}</A>
                </Show>
            </nav>
            <span class="spacer"></span>
            <LanguageSwitch />
            <ThemeSwitch />
            <Show
                when=move || state.customer.with(Option::is_some)
                fallback=move || view! { <A href="/portal/signin" attr:class="button secondary">{move || i18n.t(Key::SignIn)}</A> }
            >
                <button type="button" class="secondary" on:click=sign_out>{move || i18n.t(Key::SignOut)}</button>
            </Show>
        </header>
    }
}
