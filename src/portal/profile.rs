//! My profile: name, phone, preferred language and mail notifications.

use super::session::{ask, choose_customer_locale, PortalState};
use crate::connector::portal::PortalOp;
use crate::connector::ConnectorError;
use crate::i18n::{Key, Locale};
use crate::ui::error::{describe, ErrorMessage};
use crate::ui::field::Field;
use crate::ui::locale::use_i18n;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use trato_protocol::*;

/// The profile form.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<PortalState>();
    let current = state.customer.get_untracked();
    let name = RwSignal::new(current.as_ref().map(|c| c.name.clone()).unwrap_or_default());
    let phone = RwSignal::new(current.as_ref().and_then(|c| c.phone.clone()).unwrap_or_default());
    let locale = RwSignal::new(current.as_ref().map(|c| c.locale.clone()).unwrap_or_else(|| "es".into()));
    let notify = RwSignal::new(current.as_ref().is_none_or(|c| c.notify));
    let email = current.as_ref().map(|c| c.email.clone()).unwrap_or_default();
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let patch = ProfilePatch {
            name: Some(name.get_untracked()),
            phone: Some(Some(phone.get_untracked()).filter(|p| !p.trim().is_empty())),
            locale: Some(locale.get_untracked()),
            notify: Some(notify.get_untracked()),
        };
        if !patch.errors().is_empty() {
            error.set(Some(i18n.t(Key::FixFields).into()));
            return;
        }
        busy.set(true);
        error.set(None);
        notice.set(None);
        leptos::task::spawn_local(async move {
            match ask(PortalOp::update_profile(patch)).await {
                Ok(customer) => {
                    choose_customer_locale(i18n, &customer);
                    state.customer.try_set(Some(customer));
                    notice.try_set(Some(i18n.t(Key::ProfileSaved).into()));
                }
                Err(ConnectorError::Invalid { .. }) => {
                    error.try_set(Some(i18n.t(Key::FixFields).into()));
                }
                Err(e) => {
                    error.try_set(Some(describe(i18n.0.get_untracked(), &e)));
                }
            }
            busy.try_set(false);
        });
    };
    view! {
        <main id="main" class="portal-page">
            <h1>{move || i18n.t(Key::Profile)}</h1>
            <form class="profile-form" on:submit=on_submit>
                <p class="muted">{move || i18n.0.get().tf(Key::SignedInWith, &[("email", &email)])}</p>
                <Field label=Key::NameLabel>
                    <input type="text" autocomplete="name" required maxlength="200" bind:value=name />
                </Field>
                <Field label=Key::PhoneLabel>
                    <input type="tel" autocomplete="tel" maxlength="50" bind:value=phone />
                </Field>
                <Field label=Key::PreferredLanguage>
                    <select on:change=move |ev| locale.set(event_target_value(&ev))>
                        <option value="es" lang="es" selected=move || locale.get() == "es">{Locale::Es.t(Key::LanguageName)}</option>
                        <option value="en" lang="en" selected=move || locale.get() == "en">{Locale::En.t(Key::LanguageName)}</option>
                    </select>
                </Field>
                <label class="check">
                    <input type="checkbox" bind:checked=notify />
                    <span>{move || i18n.t(Key::MailNotifications)}</span>
                </label>
                {move || error.get().map(|message| view! { <ErrorMessage message=message /> })}
                <p class="notice" role="status">{move || notice.get()}</p>
                <button type="submit" class="primary" disabled=move || busy.get()>{move || i18n.t(Key::Save)}</button>
            </form>
        </main>
    }
}
