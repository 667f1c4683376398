//! The customer portal face: passwordless sign-in, my cases (list, case page, new case with article
//! suggestions), the knowledge base, my orders and my profile. Entry point [`start`], called by
//! `src/bin/portal.rs`. Everything goes through [`PortalClient`] over the page's own origin; nothing is cached
//! on the device, so signing out leaves nothing behind.

mod cases;
mod kb;
mod new_case;
mod orders;
mod profile;
mod signin;

use crate::client::PortalClient;
use crate::connector::portal::{PortalOp, PortalReply};
use crate::connector::ConnectorError;
use crate::i18n::{Key, Locale};
use crate::transport::BrowserTransport;
use crate::ui::locale::{provide_i18n, use_i18n, I18n, LanguageSwitch};
use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes, A};
use leptos_router::path;
use trato_protocol::Customer;

/// Path of the portal's pages.
pub const BASE: &str = "/portal";
/// Path attachments are downloaded from.
pub const ATTACHMENTS: &str = "/api/v1/portal/attachments";

/// The signed-in customer (`None` when signed out) and whether the first check has answered.
#[derive(Clone, Copy)]
pub struct PortalState {
    /// The customer.
    pub customer: RwSignal<Option<Customer>>,
    /// Set once the first session check has answered.
    pub checked: RwSignal<bool>,
}

/// A client for the portal API on this origin.
pub fn client() -> PortalClient<BrowserTransport> {
    PortalClient::new(BrowserTransport::new(""))
}

/// Runs an operation; a 401 means the session ended, so the customer is shown as signed out.
pub async fn run(op: PortalOp) -> Result<PortalReply, ConnectorError> {
    let result = client().run(op).await;
    if let Err(ConnectorError::Unauthorized(_)) = &result {
        if let Some(state) = STATE.with(std::cell::Cell::get) {
            state.customer.set(None);
        }
    }
    result
}

thread_local! {
    /// The portal's session state, for code that runs outside the component tree (after an `await`).
    static STATE: std::cell::Cell<Option<PortalState>> = const { std::cell::Cell::new(None) };
}

/// Mounts the portal into `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(PortalApp);
}

/// Applies a customer's preferred language.
pub fn apply_customer_locale(i18n: I18n, customer: &Customer) {
    if let Some(locale) = Locale::from_tag(&customer.locale) {
        i18n.0.set(locale);
    }
}

/// Root component of the portal: session check, top bar, navigation and pages.
#[component]
pub fn PortalApp() -> impl IntoView {
    let i18n = provide_i18n(Key::PortalTitle);
    let state = PortalState { customer: RwSignal::new(None), checked: RwSignal::new(false) };
    provide_context(state);
    STATE.with(|cell| cell.set(Some(state)));
    leptos::task::spawn_local(async move {
        if let Ok(PortalReply::Session(customer)) = client().run(PortalOp::Session).await {
            if let Some(customer) = &customer {
                apply_customer_locale(i18n, customer);
            }
            state.customer.set(customer);
        }
        state.checked.set(true);
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
                    <Route path=path!("/portal") view=kb::KnowledgeBasePage />
                    <Route path=path!("/portal/signin") view=signin::SignInPage />
                    <Route path=path!("/portal/kb/:id") view=kb::ArticlePage />
                    <Route path=path!("/portal/cases") view=|| view! { <SignedIn><cases::CasesPage /></SignedIn> } />
                    <Route path=path!("/portal/cases/new") view=|| view! { <SignedIn><new_case::NewCasePage /></SignedIn> } />
                    <Route path=path!("/portal/cases/:id") view=|| view! { <SignedIn><cases::CasePage /></SignedIn> } />
                    <Route path=path!("/portal/orders") view=|| view! { <SignedIn><orders::OrdersPage /></SignedIn> } />
                    <Route path=path!("/portal/profile") view=|| view! { <SignedIn><profile::ProfilePage /></SignedIn> } />
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
        <Show when=move || state.customer.with(Option::is_some) fallback=|| view! { <signin::SignInPage /> }>
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
            let _ = client().run(PortalOp::Logout).await;
            state.customer.set(None);
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
            <Show
                when=move || state.customer.with(Option::is_some)
                fallback=move || view! { <A href="/portal/signin" attr:class="button secondary">{move || i18n.t(Key::SignIn)}</A> }
            >
                <button type="button" class="secondary" on:click=sign_out>{move || i18n.t(Key::SignOut)}</button>
            </Show>
        </header>
    }
}
