//! Passwordless sign-in: the customer asks for a link by mail; opening the link (`/portal/signin#token=…`)
//! trades the token for a session. The token is taken out of the address bar at once and sent in a request body.

use super::session::{apply_customer_locale, ask, PortalState};
use crate::connector::portal::PortalOp;
use crate::connector::ConnectorError;
use crate::i18n::Key;
use crate::ui::error::{describe, ErrorMessage};
use crate::ui::field::Field;
use crate::ui::locale::use_i18n;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_location, use_navigate};
use trato_protocol::LinkRequest;

/// A shared router navigation function.
type Navigate = std::sync::Arc<dyn Fn(&str, leptos_router::NavigateOptions) + Send + Sync>;

/// The token in the address's fragment, removed from the address bar and history.
fn take_token() -> Option<String> {
    let window = web_sys::window()?;
    let hash = window.location().hash().ok()?;
    let token = hash.strip_prefix("#token=")?.to_string();
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/portal/signin"));
    }
    (!token.is_empty()).then_some(token)
}

/// The sign-in page: redeems a link when opened from one, else offers to mail one.
#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<PortalState>();
    let navigate = use_navigate();
    let location = use_location();
    let email = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let sent = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let redeem = move |navigate: Navigate| {
        let Some(token) = take_token() else { return };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match ask(PortalOp::redeem(token)).await {
                Ok(signed) => {
                    apply_customer_locale(i18n, &signed.customer);
                    state.customer.try_set(Some(signed.customer));
                    let target = match signed.case_id {
                        Some(id) => format!("/portal/cases/{}", crate::connector::trato::encode_component(&id)),
                        None => "/portal/cases".into(),
                    };
                    navigate(&target, Default::default());
                }
                Err(ConnectorError::Unauthorized(_)) => {
                    error.try_set(Some(i18n.t(Key::LinkExpired).into()));
                }
                Err(other) => {
                    error.try_set(Some(describe(i18n.0.get_untracked(), &other)));
                }
            }
            busy.try_set(false);
        });
    };
    let navigate_shared: Navigate = std::sync::Arc::new(navigate.clone());
    redeem(navigate_shared.clone());
    // A link pasted into a tab that already shows this page only changes the fragment.
    let listener = window_event_listener(leptos::ev::hashchange, move |_| redeem(navigate_shared.clone()));
    on_cleanup(move || listener.remove());

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        sent.set(None);
        let address = email.get_untracked().trim().to_string();
        let locale = i18n.0.get_untracked();
        leptos::task::spawn_local(async move {
            let request = LinkRequest { email: address.clone(), locale: Some(locale.code().into()) };
            match ask(PortalOp::request_link(request)).await {
                Ok(()) => {
                    sent.try_set(Some(locale.tf(Key::LinkSent, &[("email", &address)])));
                }
                Err(ConnectorError::RateLimited(_)) => {
                    error.try_set(Some(locale.t(Key::TooManyLinks).into()));
                }
                Err(ConnectorError::Invalid { .. }) => {
                    error.try_set(Some(locale.t(Key::InvalidEmail).into()));
                }
                Err(other) => {
                    error.try_set(Some(describe(locale, &other)));
                }
            }
            busy.try_set(false);
        });
    };

    let on_signin_page = move || location.pathname.get() == "/portal/signin";
    view! {
        <Show when=move || state.customer.with(Option::is_some) && on_signin_page() && !busy.get()>
            <Redirect path="/portal/cases" />
        </Show>
        <main id="main" class="login-page">
            <form class="login-card" on:submit=on_submit>
                <h1>{move || i18n.t(Key::PortalSignInTitle)}</h1>
                <p class="muted">{move || i18n.t(Key::PortalSignInIntro)}</p>
                <Field label=Key::Email>
                    <input type="email" name="email" autocomplete="email" required bind:value=email />
                </Field>
                {move || error.get().map(|message| view! { <ErrorMessage message=message /> })}
                <p role="status" class="notice">{move || sent.get()}</p>
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(Key::Sending) } else { i18n.t(Key::SendLink) }}
                </button>
            </form>
        </main>
    }
}
