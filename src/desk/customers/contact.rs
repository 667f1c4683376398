//! The contact page (`/contacts/{id}`): a person's details edited in place (e-mail and phone as links), their
//! account, key figures, deals and timeline, and the form to log or plan work with them. From the cache, offline
//! too.

use super::activity::Links;
use super::around::{load_around, Around};
use super::call_back::Callee;
use super::data::{follow_rename, opened_store, record_changes, rep_names, store_of, store_slot};
use super::inline::{InlineField, Shown};
use super::merge::{MergeButton, Survivor};
use super::sections::{DealsSection, KeyFigures, NewDealButton};
use super::timeline::{LogForm, Timeline};
use crate::domain::customer::{figures, stage_kinds, timeline};
use crate::i18n::{intl, Key};
use crate::ui::locale::use_i18n;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use trato_protocol::validate::contact_errors;
use trato_protocol::*;

fn full_name(contact: &Contact) -> String {
    format!("{} {}", contact.first_name, contact.last_name).trim().to_string()
}

/// The contact page.
#[component]
pub fn ContactPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let slot = store_slot();
    let changes = record_changes();
    let reps = rep_names(slot);
    follow_rename("/contacts", id);
    let contact = RwSignal::new(None::<Contact>);
    let account = RwSignal::new(None::<Account>);
    let around = RwSignal::new(Around::default());
    let loaded = LocalResource::new(move || {
        changes.track();
        let id = id.get();
        let opening = opened_store(slot);
        async move {
            let store = opening.await?;
            let found = store.contact(&id).await.ok().flatten();
            if let Some(person) = &found {
                let company = match &person.account_id {
                    Some(account_id) => store.account(account_id).await.ok().flatten(),
                    None => None,
                };
                account.try_set(company);
                if let Ok(a) = load_around(&store, None, Some(&id)).await {
                    around.try_set(a);
                }
            }
            contact.try_set(found.clone());
            Some(found.is_some())
        }
    });
    let key_figures = Signal::derive(move || {
        around.with(|a| figures(&a.deals, &a.activities, &stage_kinds(&a.pipelines), &intl::today()))
    });
    // The person's cases: those of the portal customer with their address.
    let online = LocalResource::new(move || {
        let email = contact.with(|c| c.as_ref().and_then(|c| c.email.clone()));
        let whose = super::remote::Whose::Contact { id: id.get(), email };
        async move { Some(super::remote::remote(&store_of(slot)?, &whose).await) }
    });
    let fetched = Signal::derive(move || online.get().flatten().unwrap_or_default());
    let cases = Signal::derive(move || fetched.with(|f| f.cases_known.then(|| f.remote.cases.clone())));
    let with_cases = store_of(slot).is_some_and(|s| s.capabilities().cases);
    let chats = Signal::derive(move || fetched.with(|f| f.chats_known.then(|| f.remote.chats.clone())));
    let with_chats = store_of(slot).is_some_and(|s| s.capabilities().chat);
    let moments = Signal::derive(move || {
        around.with(|a| timeline(a.activities.clone(), fetched.with(|f| f.remote.clone()), &[]))
    });
    let names = Signal::derive(move || {
        let mut names = around.with(|a| a.names());
        if let Some(c) = contact.get() {
            names.contacts.insert(c.meta.id.clone(), full_name(&c));
        }
        if let Some(a) = account.get() {
            names.accounts.insert(a.meta.id.clone(), a.name.clone());
        }
        names.reps = reps.get();
        names
    });
    let stages = Signal::derive(move || around.with(|a| a.stages()));

    let errors = RwSignal::new(FieldErrors::new());
    let save = move |field: &'static str| {
        Callback::new(move |value: Option<String>| {
            let Some(before) = contact.get_untracked() else { return false };
            let mut patch = ContactPatch::default();
            match field {
                "first_name" => patch.first_name = Some(value.unwrap_or_default()),
                "last_name" => patch.last_name = Some(value.unwrap_or_default()),
                "title" => patch.title = Some(value),
                "email" => patch.email = Some(value),
                "phone" => patch.phone = Some(value),
                _ => return false,
            }
            let found = contact_errors(&patch);
            errors.set(found.clone());
            if !found.is_empty() {
                return false;
            }
            let Some(store) = store_of(slot) else { return false };
            leptos::task::spawn_local(async move {
                match store.update_contact(&before, patch, crate::browser::ids::new_key()).await {
                    Ok(after) => {
                        contact.try_set(Some(after));
                    }
                    Err(error) => {
                        errors.try_update(|e| {
                            e.insert(field.into(), crate::ui::error::cache_error(&error));
                        });
                    }
                }
            });
            true
        })
    };
    let message = move |field: &'static str| super::new_record::field_message(errors, field);
    let editable = store_of(slot).map(|s| s.capabilities().contact_fields).unwrap_or_default();
    let mergeable = store_of(slot).is_some_and(|s| s.capabilities().merge);
    // What the backend does not take from the desk is shown read only, with the reason.
    let locked = move |field: &'static str| {
        let editable = editable.contains(&field);
        Signal::derive(move || (!editable).then(|| i18n.t(Key::ReadOnlyHere).to_string()))
    };
    let value =
        move |get: fn(&Contact) -> Option<String>| Signal::derive(move || contact.with(|c| c.as_ref().and_then(get)));
    let callee = move || {
        contact.with_untracked(|c| {
            c.as_ref()
                .map(|c| Callee {
                    name: full_name(c),
                    account_id: c.account_id.clone(),
                    contact_id: Some(c.meta.id.clone()),
                })
                .unwrap_or_default()
        })
    };

    // Found, missing, or not read yet; reading again after a change keeps the page (and what is typed in it).
    let phase = Memo::new(move |last: Option<&Option<bool>>| loaded.get().flatten().or(last.copied().flatten()));
    view! {
        <main id="main" class="customer-page">
            {move || match phase.get() {
                None => view! { <crate::ui::status::Skeleton lines=6 /> }.into_any(),
                Some(false) => view! { <p class="alert" role="alert">{move || i18n.t(Key::RecordNotFound)}</p> }.into_any(),
                Some(true) => view! {
                    <header class="customer-head">
                        <h1>{move || contact.with(|c| c.as_ref().map(full_name))}</h1>
                        {move || account.get().map(|a| {
                            let href = format!("/accounts/{}", crate::connector::trato::encode_component(&a.meta.id));
                            view! { <A href=href attr:class="account-link">{a.name}</A> }
                        })}
                        <div class="actions">
                            <NewDealButton
                                account_id=contact.with_untracked(|c| c.as_ref().and_then(|c| c.account_id.clone()))
                                contact_id=Some(id.get_untracked())
                                pipelines=Signal::derive(move || around.with(|a| a.pipelines.clone()))
                                store=slot
                            />
                            {with_cases.then(|| view! {
                                <super::new_case::NewCaseButton contacts=Signal::derive(move || contact.get().into_iter().collect::<Vec<_>>()) store=slot />
                            })}
                            {mergeable.then(|| view! {
                                <MergeButton
                                    survivor=Signal::derive(move || contact.get().map(Survivor::Contact))
                                    store=slot
                                    merged=Callback::new(move |after| if let Survivor::Contact(c) = after { contact.set(Some(c)) })
                                />
                            })}
                        </div>
                    </header>
                    <KeyFigures figures=key_figures open_cases=Signal::derive(move || cases.with(|c| c.as_ref().map(|c| c.iter().filter(|c| c.status.is_active()).count()))) />
                    <div class="customer-columns">
                        <div class="customer-side">
                            <section class="record-section" aria-labelledby="details-title">
                                <h2 id="details-title">{move || i18n.t(Key::Details)}</h2>
                                <dl class="details">
                                    <InlineField label=Key::FirstName value=value(|c| Some(c.first_name.clone())) message=message("first_name") save=save("first_name") read_only=locked("first_name") optional=false />
                                    <InlineField label=Key::LastName value=value(|c| Some(c.last_name.clone())) message=message("last_name") save=save("last_name") read_only=locked("last_name") />
                                    <InlineField label=Key::ColTitle value=value(|c| c.title.clone()) message=message("title") save=save("title") read_only=locked("title") />
                                    <InlineField label=Key::Email value=value(|c| c.email.clone()) shown=Shown::Email message=message("email") save=save("email") read_only=locked("email") />
                                    <InlineField label=Key::PhoneLabel value=value(|c| c.phone.clone()) shown=Shown::Phone(callee()) message=message("phone") save=save("phone") read_only=locked("phone") />
                                    <dt>{move || i18n.t(Key::OwnerLabel)}</dt>
                                    <dd>{move || contact.with(|c| c.as_ref().and_then(|c| c.owner_id.clone())).and_then(|o| reps.with(|r| r.get(&o).cloned())).unwrap_or_default()}</dd>
                                </dl>
                            </section>
                            <DealsSection deals=Signal::derive(move || around.with(|a| a.deals.clone())) stages />
                            {with_cases.then(|| view! { <super::sections::CasesSection cases /> })}
                            {with_chats.then(|| view! { <super::sections::ChatsSection chats /> })}
                        </div>
                        <div class="customer-main">
                            <LogForm
                                links=Links {
                                    account_id: contact.with_untracked(|c| c.as_ref().and_then(|c| c.account_id.clone())),
                                    contact_id: Some(id.get_untracked()),
                                    deal_id: None,
                                }
                                store=slot
                            />
                            <Timeline moments names store=slot />
                        </div>
                    </div>
                }.into_any(),
            }}
        </main>
    }
}
