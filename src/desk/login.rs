//! The rep sign-in page: which CRM backend (this server's Trato protocol, a Tryton server with its address and
//! database, or a REST backend this server offers a connector file for, with its address; the choice is
//! remembered, never the password), then the rep's credentials.

use super::backend;
use super::context::{use_store, SessionState};
use crate::i18n::Key;
use crate::ui::error::{describe, ErrorMessage};
use crate::ui::field::Field;
use crate::ui::locale::{use_i18n, LanguageSwitch};
use crate::ui::theme::ThemeSwitch;
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
    let remembered = backend::remembered();
    let (chosen, url, database) = backend::form_fields(&remembered);
    // "trato", "tryton" or "rest:<name>".
    let chosen = RwSignal::new(chosen);
    let tryton = Memo::new(move |_| chosen.with(|c| c == "tryton"));
    let rest = Memo::new(move |_| chosen.with(|c| c.starts_with("rest:")));
    let offered = LocalResource::new(backend::offered);
    let offered_list = move || offered.get().unwrap_or_default();
    let url = RwSignal::new(url);
    let database = RwSignal::new(database);
    let error = RwSignal::new(state.unreachable.get_untracked().then(|| i18n.t(Key::NetworkError).to_string()));
    let busy = RwSignal::new(false);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let found = backend::chosen_backend(
            &chosen.get_untracked(),
            &url.get_untracked(),
            &database.get_untracked(),
            &offered_list(),
        );
        let Some(choice) = found else {
            error.set(Some(i18n.t_untracked(Key::BackendIncomplete).to_string()));
            return;
        };
        busy.set(true);
        error.set(None);
        store.switch(backend::client_for(&choice), &backend::name(&choice));
        let store = store.clone();
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match store.login(&email.get_untracked(), &password.get_untracked()).await {
                Ok(session) => {
                    backend::remember(&choice);
                    backend::keep_session(&store.client(), &choice);
                    password.try_set(String::new());
                    state.session.try_set(Some(session));
                    navigate("/", Default::default());
                }
                Err(e) => {
                    error.try_set(Some(describe(i18n.0.get_untracked(), &e)));
                }
            }
            busy.try_set(false);
        });
    };

    view! {
        <Show when=move || state.session.with(Option::is_some)>
            <Redirect path="/" />
        </Show>
        <header class="topbar">
            <span class="brand">{move || i18n.t(Key::AppName)}</span>
            <LanguageSwitch />
            <ThemeSwitch />
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
                <Field label=Key::BackendLabel>
                    <select
                        name="backend"
                        on:change=move |ev| {
                            let value = event_target_value(&ev);
                            // A REST backend starts at the address its file gives.
                            if let Some(name) = value.strip_prefix("rest:") {
                                if let Some(found) = offered_list().into_iter().find(|o| o.name == name) {
                                    url.set(found.base_url);
                                }
                            }
                            chosen.set(value);
                        }
                    >
                        <option value="trato" selected=move || chosen.with(|c| c == "trato")>
                            {move || i18n.t(Key::BackendTrato)}
                        </option>
                        <option value="tryton" selected=move || tryton.get()>{move || i18n.t(Key::BackendTryton)}</option>
                        <For each=offered_list key=|o| o.name.clone() let(offer)>
                            {
                                let value = format!("rest:{}", offer.name);
                                let selected_value = value.clone();
                                view! {
                                    <option value=value selected=move || chosen.with(|c| *c == selected_value)>
                                        {offer.title}
                                    </option>
                                }
                            }
                        </For>
                    </select>
                </Field>
                <Show when=move || rest.get()>
                    <Field label=Key::BackendRestUrl>
                        <input type="url" name="backend-url" placeholder="https://" required bind:value=url />
                    </Field>
                </Show>
                <Show when=move || tryton.get()>
                    <Field label=Key::BackendUrl>
                        <input type="url" name="backend-url" placeholder="https://" required bind:value=url />
                    </Field>
                    <Field label=Key::BackendDatabase>
                        <input type="text" name="backend-database" required bind:value=database />
                    </Field>
                </Show>
                <label class="field">
                    <span>{move || i18n.t(if tryton.get() || rest.get() { Key::UserLogin } else { Key::Email })}</span>
                    <input
                        type=move || if tryton.get() || rest.get() { "text" } else { "email" }
                        name="email"
                        autocomplete="username"
                        required
                        bind:value=email
                    />
                </label>
                <Field label=Key::Password>
                    <input type="password" name="password" autocomplete="current-password" required bind:value=password />
                </Field>
                {move || error.get().map(|message| view! { <ErrorMessage message=message /> })}
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(Key::SigningIn) } else { i18n.t(Key::SignIn) }}
                </button>
            </form>
        </main>
    }
}
