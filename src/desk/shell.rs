//! The desk's top bar: brand, company, language, signed-in rep, sign out.

use super::{SessionState, Store};
use crate::i18n::Key;
use crate::ui::locale::{use_i18n, LanguageSwitch};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// Top bar shown above every signed-in desk page.
#[component]
pub fn TopBar() -> impl IntoView {
    let i18n = use_i18n();
    let store = expect_context::<Store>();
    let state = expect_context::<SessionState>();
    let navigate = use_navigate();
    let company = move || state.session.with(|s| s.as_ref().map(|s| s.company.clone()).unwrap_or_default());
    let user_name = move || state.session.with(|s| s.as_ref().map(|s| s.user.name.clone()).unwrap_or_default());
    let sign_out = move |_| {
        let store = store.clone();
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            // Signed out locally even when the server cannot be told; the cookie expires on its own.
            let _ = store.logout().await;
            state.session.set(None);
            navigate("/login", Default::default());
        });
    };
    view! {
        <header class="topbar">
            <span class="brand">{move || i18n.t(Key::AppName)}</span>
            <span class="company">{company}</span>
            <span class="spacer"></span>
            <LanguageSwitch />
            <span class="user" title=move || i18n.0.get().tf(Key::SignedInAs, &[("name", &user_name())])>{user_name}</span>
            <button type="button" class="secondary" on:click=sign_out>{move || i18n.t(Key::SignOut)}</button>
        </header>
    }
}
