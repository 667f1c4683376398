//! The portal's top bar, the same in the help centre and the signed-in pages: brand, navigation, language, theme
//! and the customer's sign-out (or a sign-in link).

use super::session::{client, PortalState};
use crate::connector::portal::PortalOp;
use crate::i18n::Key;
use crate::ui::locale::{use_i18n, LanguageSwitch};
use crate::ui::theme::ThemeSwitch;
use leptos::prelude::*;
use leptos_router::components::A;

/// Brand, navigation, language and the customer's name with a sign-out button.
#[component]
pub fn PortalBar() -> impl IntoView {
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
