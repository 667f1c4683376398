//! The rep sign-in page.

use super::{use_store, SessionState};
use crate::i18n::Key;
use crate::ui::error::{describe, ErrorMessage};
use crate::ui::locale::{use_i18n, LanguageSwitch};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_navigate;

/// E-mail and password form; on success goes to the board.
#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let store = use_store().expect("the desk provides its store");
    let state = expect_context::<SessionState>();
    let navigate = use_navigate();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(state.unreachable.get_untracked().then(|| i18n.t(Key::NetworkError).to_string()));
    let busy = RwSignal::new(false);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let store = store.clone();
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match store.login(&email.get_untracked(), &password.get_untracked()).await {
                Ok(session) => {
                    password.set(String::new());
                    state.session.set(Some(session));
                    navigate("/", Default::default());
                }
                Err(e) => error.set(Some(describe(i18n.0.get_untracked(), &e))),
            }
            busy.set(false);
        });
    };

    view! {
        <Show when=move || state.session.with(Option::is_some)>
            <Redirect path="/" />
        </Show>
        <header class="topbar">
            <span class="brand">{move || i18n.t(Key::AppName)}</span>
            <LanguageSwitch />
        </header>
        <main id="main" class="login-page">
            <form class="login-card" on:submit=on_submit>
                <h1>{move || i18n.t(Key::SignInTitle)}</h1>
                <p class="muted">{move || i18n.t(Key::SignInIntro)}</p>
                {move || {
                    state
                        .sync
                        .with(|s| s.signed_out && s.pending > 0)
                        .then(|| view! { <p class="alert" role="status">{move || i18n.t(Key::SessionExpired)}</p> })
                }}
                <label class="field">
                    <span>{move || i18n.t(Key::Email)}</span>
                    <input type="email" name="email" autocomplete="username" required bind:value=email />
                </label>
                <label class="field">
                    <span>{move || i18n.t(Key::Password)}</span>
                    <input type="password" name="password" autocomplete="current-password" required bind:value=password />
                </label>
                {move || error.get().map(|message| view! { <ErrorMessage message=message /> })}
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(Key::SigningIn) } else { i18n.t(Key::SignIn) }}
                </button>
            </form>
        </main>
    }
}
