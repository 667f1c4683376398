//! "New case" for a customer's contact, from the account or the contact page: the contact (by their e-mail) is the
//! case's customer and follows it in the portal; the case opens on its page.

use super::data::{store_of, StoreSlot};
use crate::connector::support::SupportOp;
use crate::i18n::Key;
use crate::ui::case_labels::{category_key, priority_key};
use crate::ui::field::Field;
use crate::ui::locale::use_i18n;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use trato_protocol::*;

/// The button and its dialog; only contacts with an e-mail can be chosen.
#[component]
pub fn NewCaseButton(
    /// The contacts the case can be for (the first is chosen).
    #[prop(into)]
    contacts: Signal<Vec<Contact>>,
    /// The store.
    store: StoreSlot,
) -> impl IntoView {
    let slot = store;
    let i18n = use_i18n();
    let navigate = use_navigate();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let contact = RwSignal::new(String::new());
    let subject = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let category = RwSignal::new(CASE_CATEGORIES[0].to_string());
    let priority = RwSignal::new(CasePriority::Normal);
    let errors = RwSignal::new(FieldErrors::new());
    let problem = RwSignal::new(None::<String>);
    let reachable = Memo::new(move |_| {
        contacts.with(|all| {
            all.iter()
                .filter(|c| c.email.is_some() && c.account_id.is_some())
                .map(|c| (c.meta.id.clone(), format!("{} {}", c.first_name, c.last_name).trim().to_string()))
                .collect::<Vec<_>>()
        })
    });
    let open = move |_| {
        contact.set(reachable.with_untracked(|r| r.first().map(|(id, _)| id.clone())).unwrap_or_default());
        subject.set(String::new());
        description.set(String::new());
        errors.set(FieldErrors::new());
        problem.set(None);
        if let Some(d) = dialog.get_untracked() {
            let _ = d.show_modal();
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewCase {
            subject: subject.get_untracked(),
            description: description.get_untracked(),
            category: category.get_untracked(),
            priority: priority.get_untracked(),
            attachment_ids: vec![],
        };
        let found = new.errors();
        errors.set(found.clone());
        if !found.is_empty() {
            return;
        }
        let Some(store) = store_of(slot) else { return };
        let contact_id = contact.get_untracked();
        let locale = i18n.locale();
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match store.ask(SupportOp::open_case(contact_id, new)).await {
                Ok(desk) => {
                    if let Some(d) = dialog.get_untracked() {
                        d.close();
                    }
                    navigate(
                        &format!("/cases/{}", crate::connector::trato::encode_component(&desk.case.id)),
                        Default::default(),
                    );
                }
                Err(error) => {
                    problem.try_set(Some(crate::ui::error::describe(locale, &error)));
                }
            }
        });
    };
    let message = move |field: &'static str| super::new_record::field_message(errors, field);
    view! {
        {move || (!reachable.with(Vec::is_empty)).then(|| view! {
            <button type="button" class="secondary" on:click=open>{move || i18n.t(Key::NewCase)}</button>
        })}
        <dialog node_ref=dialog class="dialog" aria-labelledby="new-case-title">
            <form on:submit=save novalidate=true>
                <h2 id="new-case-title">{move || i18n.t(Key::NewCase)}</h2>
                <Field label=Key::ContactLabel>
                    <select on:change=move |ev| contact.set(event_target_value(&ev))>
                        {move || reachable.get().into_iter().map(|(id, name)| {
                            let chosen = id.clone();
                            view! { <option value=id selected=move || contact.get() == chosen>{name}</option> }
                        }).collect_view()}
                    </select>
                </Field>
                <Field label=Key::SubjectLabel message=message("subject")>
                    <input type="text" prop:value=move || subject.get() on:input=move |ev| subject.set(event_target_value(&ev)) />
                </Field>
                <Field label=Key::DescriptionLabel message=message("description")>
                    <textarea rows="4" prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                </Field>
                <div class="field-row">
                    <Field label=Key::CategoryLabel>
                        <select on:change=move |ev| category.set(event_target_value(&ev))>
                            {CASE_CATEGORIES.into_iter().map(|c| view! {
                                <option value=c selected=move || category.get() == c>{move || i18n.t(category_key(c))}</option>
                            }).collect_view()}
                        </select>
                    </Field>
                    <Field label=Key::PriorityLabel>
                        <select on:change=move |ev| if let Some(p) = CasePriority::parse(&event_target_value(&ev)) { priority.set(p) }>
                            {CasePriority::ALL.into_iter().map(|p| view! {
                                <option value=p.as_str() selected=move || priority.get() == p>{move || i18n.t(priority_key(p))}</option>
                            }).collect_view()}
                        </select>
                    </Field>
                </div>
                {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| { if let Some(d) = dialog.get_untracked() { d.close(); } }>{move || i18n.t(Key::Cancel)}</button>
                    <button type="submit" class="primary">{move || i18n.t(Key::Create)}</button>
                </div>
            </form>
        </dialog>
    }
}
