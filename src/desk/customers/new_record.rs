//! Creating an account or a contact from the desk, offline too: the same rules as the backend's checked as the rep
//! types (per-field messages), and a warning, with links, when a likely duplicate already exists (same e-mail or
//! phone, or the same name once case, accents, punctuation and legal suffixes are set aside).

use super::data::{me, store_of, store_slot};
use crate::domain::duplicates::{likely_accounts, likely_contacts};
use crate::i18n::Key;
use crate::store::outbox::TEMP_PREFIX;
use crate::ui::field::Field;
use crate::ui::locale::use_i18n;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use trato_protocol::validate::{account_errors, contact_errors};
use trato_protocol::*;

fn optional(signal: RwSignal<String>) -> Option<String> {
    Some(signal.get_untracked().trim().to_string()).filter(|v| !v.is_empty())
}

/// The message about `field` among `errors`, in the rep's words.
pub fn field_message(errors: RwSignal<FieldErrors>, field: &'static str) -> Signal<Option<String>> {
    let i18n = use_i18n();
    Signal::derive(move || errors.with(|e| e.get(field).map(|m| crate::ui::error::field_problem(i18n.locale(), m))))
}

fn meta(key: &str) -> Meta {
    let now = js_sys::Date::new_0().to_iso_string().as_string().unwrap_or_default();
    Meta { id: format!("{TEMP_PREFIX}{key}"), version: 0, created_at: now.clone(), updated_at: now }
}

fn text_input(signal: RwSignal<String>) -> impl IntoView {
    view! { <input type="text" prop:value=move || signal.get() on:input=move |ev| signal.set(event_target_value(&ev)) /> }
}

/// The likely duplicates found, as links; shown above the save button, which then says "create anyway".
#[component]
fn DuplicateWarning(found: Signal<Vec<(String, String)>>, base: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let list = found.get();
        (!list.is_empty()).then(|| {
            view! {
                <div class="duplicate-warning" role="alert">
                    <p>{move || i18n.t(Key::LikelyDuplicate)}</p>
                    <ul>
                        {list.into_iter().map(|(id, name)| {
                            let href = format!("{base}/{}", crate::connector::trato::encode_component(&id));
                            view! { <li><A href=href>{name}</A></li> }
                        }).collect_view()}
                    </ul>
                </div>
            }
        })
    }
}

fn open_dialog(dialog: NodeRef<leptos::html::Dialog>) {
    if let Some(dialog) = dialog.get_untracked() {
        let _ = dialog.show_modal();
    }
}

fn close_dialog(dialog: NodeRef<leptos::html::Dialog>) {
    if let Some(dialog) = dialog.get_untracked() {
        dialog.close();
    }
}

/// "New account": a dialog that creates an account and opens its page.
#[component]
pub fn NewAccountButton() -> impl IntoView {
    let i18n = use_i18n();
    let slot = store_slot();
    let navigate = use_navigate();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let (name, sector, city, phone, website) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let errors = RwSignal::new(FieldErrors::new());
    let existing = RwSignal::new(Vec::<Account>::new());
    let problem = RwSignal::new(None::<String>);
    let me_id = StoredValue::new(me().0);
    let found = Signal::derive(move || {
        let (name, phone) = (name.get(), phone.get());
        existing.with(|all| {
            likely_accounts(&name, Some(phone.as_str()).filter(|p| !p.is_empty()), all)
                .into_iter()
                .take(5)
                .map(|a| (a.meta.id.clone(), a.name.clone()))
                .collect::<Vec<_>>()
        })
    });
    let open = move |_| {
        for signal in [name, sector, city, phone, website] {
            signal.set(String::new());
        }
        errors.set(FieldErrors::new());
        problem.set(None);
        open_dialog(dialog);
        leptos::task::spawn_local(async move {
            if let Some(store) = store_of(slot) {
                existing.try_set(store.accounts().await.unwrap_or_default());
            }
        });
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewAccount {
            name: name.get_untracked().trim().to_string(),
            industry: optional(sector),
            website: optional(website),
            phone: optional(phone),
            city: optional(city),
            owner_id: Some(me_id.get_value()).filter(|id| !id.is_empty()),
        };
        let check = AccountPatch {
            name: Some(new.name.clone()),
            industry: Some(new.industry.clone()),
            website: Some(new.website.clone()),
            phone: Some(new.phone.clone()),
            city: Some(new.city.clone()),
            owner_id: None,
        };
        let found_errors = account_errors(&check);
        errors.set(found_errors.clone());
        if !found_errors.is_empty() {
            return;
        }
        let key = crate::browser::ids::new_key();
        let local = Account {
            meta: meta(&key),
            name: new.name.clone(),
            industry: new.industry.clone(),
            website: new.website.clone(),
            phone: new.phone.clone(),
            city: new.city.clone(),
            owner_id: new.owner_id.clone(),
        };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let Some(store) = store_of(slot) else { return };
            match store.create_account(&local, new, key).await {
                Ok(()) => {
                    close_dialog(dialog);
                    navigate(
                        &format!("/accounts/{}", crate::connector::trato::encode_component(&local.meta.id)),
                        Default::default(),
                    );
                }
                Err(error) => {
                    problem.try_set(Some(crate::ui::error::cache_error(&error)));
                }
            }
        });
    };
    view! {
        <button type="button" class="primary" on:click=open>{move || i18n.t(Key::NewAccount)}</button>
        <dialog node_ref=dialog class="dialog" aria-labelledby="new-account-title">
            <form on:submit=save novalidate=true>
                <h2 id="new-account-title">{move || i18n.t(Key::NewAccount)}</h2>
                <Field label=Key::NameLabel message=field_message(errors, "name")>{text_input(name)}</Field>
                <Field label=Key::ColSector message=field_message(errors, "industry")>{text_input(sector)}</Field>
                <Field label=Key::ColCity message=field_message(errors, "city")>{text_input(city)}</Field>
                <Field label=Key::PhoneLabel message=field_message(errors, "phone")>{text_input(phone)}</Field>
                <Field label=Key::Website message=field_message(errors, "website")>{text_input(website)}</Field>
                <DuplicateWarning found base="/accounts" />
                {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| close_dialog(dialog)>{move || i18n.t(Key::Cancel)}</button>
                    <button type="submit" class="primary">
                        {move || i18n.t(if found.with(Vec::is_empty) { Key::Create } else { Key::CreateAnyway })}
                    </button>
                </div>
            </form>
        </dialog>
    }
}

/// "New contact": a dialog that creates a person (of `account_id` when given) and opens their page.
#[component]
pub fn NewContactButton(
    /// The account the person works for.
    account_id: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let slot = store_slot();
    let navigate = use_navigate();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let (first, last, email, phone, title) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let errors = RwSignal::new(FieldErrors::new());
    let existing = RwSignal::new(Vec::<Contact>::new());
    let problem = RwSignal::new(None::<String>);
    let me_id = StoredValue::new(me().0);
    let found = Signal::derive(move || {
        let (first, last, email, phone) = (first.get(), last.get(), email.get(), phone.get());
        let some = |t: &str| Some(t.trim()).filter(|t| !t.is_empty()).map(String::from);
        existing.with(|all| {
            likely_contacts(&first, &last, some(&email).as_deref(), some(&phone).as_deref(), all)
                .into_iter()
                .take(5)
                .map(|c| (c.meta.id.clone(), format!("{} {}", c.first_name, c.last_name)))
                .collect::<Vec<_>>()
        })
    });
    let open = move |_| {
        for signal in [first, last, email, phone, title] {
            signal.set(String::new());
        }
        errors.set(FieldErrors::new());
        problem.set(None);
        open_dialog(dialog);
        leptos::task::spawn_local(async move {
            if let Some(store) = store_of(slot) {
                existing.try_set(store.contacts().await.unwrap_or_default());
            }
        });
    };
    let account = StoredValue::new(account_id);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewContact {
            first_name: first.get_untracked().trim().to_string(),
            last_name: last.get_untracked().trim().to_string(),
            email: optional(email),
            phone: optional(phone),
            title: optional(title),
            account_id: account.get_value(),
            owner_id: Some(me_id.get_value()).filter(|id| !id.is_empty()),
        };
        let check = ContactPatch {
            first_name: Some(new.first_name.clone()),
            last_name: Some(new.last_name.clone()),
            email: Some(new.email.clone()),
            phone: Some(new.phone.clone()),
            title: Some(new.title.clone()),
            ..Default::default()
        };
        let found_errors = contact_errors(&check);
        errors.set(found_errors.clone());
        if !found_errors.is_empty() {
            return;
        }
        let key = crate::browser::ids::new_key();
        let local = Contact {
            meta: meta(&key),
            first_name: new.first_name.clone(),
            last_name: new.last_name.clone(),
            email: new.email.clone(),
            phone: new.phone.clone(),
            title: new.title.clone(),
            account_id: new.account_id.clone(),
            owner_id: new.owner_id.clone(),
        };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let Some(store) = store_of(slot) else { return };
            match store.create_contact(&local, new, key).await {
                Ok(()) => {
                    close_dialog(dialog);
                    navigate(
                        &format!("/contacts/{}", crate::connector::trato::encode_component(&local.meta.id)),
                        Default::default(),
                    );
                }
                Err(error) => {
                    problem.try_set(Some(crate::ui::error::cache_error(&error)));
                }
            }
        });
    };
    view! {
        <button type="button" class="primary" on:click=open>{move || i18n.t(Key::NewContact)}</button>
        <dialog node_ref=dialog class="dialog" aria-labelledby="new-contact-title">
            <form on:submit=save novalidate=true>
                <h2 id="new-contact-title">{move || i18n.t(Key::NewContact)}</h2>
                <Field label=Key::FirstName message=field_message(errors, "first_name")>{text_input(first)}</Field>
                <Field label=Key::LastName message=field_message(errors, "last_name")>{text_input(last)}</Field>
                <Field label=Key::Email message=field_message(errors, "email")>{text_input(email)}</Field>
                <Field label=Key::PhoneLabel message=field_message(errors, "phone")>{text_input(phone)}</Field>
                <Field label=Key::ColTitle message=field_message(errors, "title")>{text_input(title)}</Field>
                <DuplicateWarning found base="/contacts" />
                {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| close_dialog(dialog)>{move || i18n.t(Key::Cancel)}</button>
                    <button type="submit" class="primary">
                        {move || i18n.t(if found.with(Vec::is_empty) { Key::Create } else { Key::CreateAnyway })}
                    </button>
                </div>
            </form>
        </dialog>
    }
}
