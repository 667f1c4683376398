//! The account page (`/accounts/{id}`), the 360 view of a company: its details edited in place, key figures, its
//! contacts, deals, cases and orders, one timeline of everything, and the form to log or plan work. Everything
//! from the cache renders offline; cases and orders come from the backend when it answers, and a backend without
//! them shows no such section.

use super::activity::Links;
use super::around::{add_related_activities, load_core, Around};
use super::call_back::Callee;
use super::data::{follow_rename, opened_store, record_changes, rep_names, store_of, store_slot};
use super::inline::{InlineField, Shown};
use super::merge::{MergeButton, Survivor};
use super::sections::{
    CasesSection, ChatsSection, ContactsSection, DealsSection, KeyFigures, NewDealButton, OrdersSection,
};
use super::timeline::{LogForm, Timeline};
use crate::domain::customer::{figures, stage_kinds, timeline};
use crate::i18n::{intl, Key};
use crate::ui::locale::use_i18n;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use trato_protocol::validate::account_errors;
use trato_protocol::*;

/// The account page.
#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let slot = store_slot();
    let changes = record_changes();
    let reps = rep_names(slot);
    follow_rename("/accounts", id);
    let account = RwSignal::new(None::<Account>);
    let around = RwSignal::new(Around::default());
    // Drawn as soon as the account, its people and deals are read; the activities on its deals and people follow.
    let shown = RwSignal::new(None::<bool>);
    let loaded = LocalResource::new(move || {
        changes.track();
        let id = id.get();
        let opening = opened_store(slot);
        async move {
            crate::browser::timing::mark("trato:account-asked");
            let store = opening.await?;
            let (mut core, found) = load_core(&store, Some(&id), None).await.unwrap_or_default();
            crate::browser::timing::mark("trato:account-read");
            account.try_set(found.clone());
            if found.is_none() {
                shown.try_set(Some(false));
                return Some(false);
            }
            around.try_set(core.clone());
            shown.try_set(Some(true));
            if add_related_activities(&store, &mut core).await.is_ok() {
                around.try_set(core);
            }
            Some(true)
        }
    });
    let capabilities = store_of(slot).map(|s| s.capabilities()).unwrap_or(crate::connector::Capabilities::ALL);
    let online = LocalResource::new(move || {
        let id = id.get();
        async move {
            let store = store_of(slot)?;
            Some(super::remote::remote(&store, &super::remote::Whose::Account(id)).await)
        }
    });
    let fetched = Signal::derive(move || online.get().flatten().unwrap_or_default());
    let cases = Signal::derive(move || fetched.with(|f| f.cases_known.then(|| f.remote.cases.clone())));
    let orders = Signal::derive(move || fetched.with(|f| f.orders_known.then(|| f.remote.orders.clone())));
    let chats = Signal::derive(move || fetched.with(|f| f.chats_known.then(|| f.remote.chats.clone())));
    let key_figures = Signal::derive(move || {
        around.with(|a| figures(&a.deals, &a.activities, &stage_kinds(&a.pipelines), &intl::today()))
    });
    let open_cases =
        Signal::derive(move || cases.with(|c| c.as_ref().map(|c| c.iter().filter(|c| c.status.is_active()).count())));
    let moments = Signal::derive(move || {
        around.with(|a| timeline(a.activities.clone(), fetched.with(|f| f.remote.clone()), &[]))
    });
    let names = Signal::derive(move || {
        let mut names = around.with(|a| a.names());
        if let Some(a) = account.get() {
            names.accounts.insert(a.meta.id.clone(), a.name.clone());
        }
        names.reps = reps.get();
        names
    });
    let stages = Memo::new(move |_| around.with(|a| a.stages()));
    // Memos: the activities read after the first draw change none of these, so their sections are not redrawn.
    let people = Memo::new(move |_| around.with(|a| a.contacts.clone()));
    let deals = Memo::new(move |_| around.with(|a| a.deals.clone()));
    let pipelines = Memo::new(move |_| around.with(|a| a.pipelines.clone()));

    // Inline edits: checked by the shared rules, then queued like any change.
    let errors = RwSignal::new(FieldErrors::new());
    let save = move |field: &'static str| {
        Callback::new(move |value: Option<String>| {
            let Some(before) = account.get_untracked() else { return false };
            let mut patch = AccountPatch::default();
            match field {
                "name" => patch.name = Some(value.unwrap_or_default()),
                "industry" => patch.industry = Some(value),
                "city" => patch.city = Some(value),
                "phone" => patch.phone = Some(value),
                "website" => patch.website = Some(value),
                _ => return false,
            }
            let found = account_errors(&patch);
            errors.set(found.clone());
            if !found.is_empty() {
                return false;
            }
            let Some(store) = store_of(slot) else { return false };
            leptos::task::spawn_local(async move {
                match store.update_account(&before, patch, crate::browser::ids::new_key()).await {
                    Ok(after) => {
                        account.try_set(Some(after));
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
    // What the backend does not take from the desk is shown read only, with the reason.
    let locked = move |field: &'static str| {
        let editable = capabilities.account_fields.contains(&field);
        Signal::derive(move || (!editable).then(|| i18n.t(Key::ReadOnlyHere).to_string()))
    };
    let value =
        move |get: fn(&Account) -> Option<String>| Signal::derive(move || account.with(|a| a.as_ref().and_then(get)));
    let change_owner = move |ev: leptos::ev::Event| {
        let owner = Some(event_target_value(&ev)).filter(|o| !o.is_empty());
        let (Some(before), Some(store)) = (account.get_untracked(), store_of(slot)) else { return };
        let patch = AccountPatch { owner_id: Some(owner), ..Default::default() };
        leptos::task::spawn_local(async move {
            if let Ok(after) = store.update_account(&before, patch, crate::browser::ids::new_key()).await {
                account.try_set(Some(after));
            }
        });
    };

    // Found, missing, or not read yet; reading again after a change keeps the page (and what is typed in it).
    let phase = Memo::new(move |last: Option<&Option<bool>>| {
        shown.get().or(loaded.get().flatten()).or(last.copied().flatten())
    });
    view! {
        <main id="main" class="customer-page">
            {move || match phase.get() {
                None => view! { <crate::ui::status::Skeleton lines=6 /> }.into_any(),
                Some(false) => view! { <p class="alert" role="alert">{move || i18n.t(Key::RecordNotFound)}</p> }.into_any(),
                Some(true) => view! {
                    <header class="customer-head">
                        <h1>{move || account.with(|a| a.as_ref().map(|a| a.name.clone()))}</h1>
                        <div class="actions">
                            <NewDealButton account_id=Some(id.get_untracked()) contact_id=None pipelines store=slot />
                            {capabilities.cases.then(|| view! {
                                <super::new_case::NewCaseButton contacts=people store=slot />
                            })}
                            {capabilities.merge.then(|| view! {
                                <MergeButton
                                    survivor=Signal::derive(move || account.get().map(Survivor::Account))
                                    store=slot
                                    merged=Callback::new(move |after| if let Survivor::Account(a) = after { account.set(Some(a)) })
                                />
                            })}
                        </div>
                    </header>
                    <KeyFigures figures=key_figures open_cases />
                    <div class="customer-columns">
                        <div class="customer-side">
                            <section class="record-section" aria-labelledby="details-title">
                                <h2 id="details-title">{move || i18n.t(Key::Details)}</h2>
                                <dl class="details">
                                    <InlineField label=Key::NameLabel value=value(|a| Some(a.name.clone())) message=message("name") save=save("name") read_only=locked("name") optional=false />
                                    <InlineField label=Key::ColSector value=value(|a| a.industry.clone()) message=message("industry") save=save("industry") read_only=locked("industry") />
                                    <InlineField label=Key::ColCity value=value(|a| a.city.clone()) message=message("city") save=save("city") read_only=locked("city") />
                                    <InlineField
                                        label=Key::PhoneLabel
                                        value=value(|a| a.phone.clone())
                                        shown=Shown::Phone(Callee { name: account.with_untracked(|a| a.as_ref().map(|a| a.name.clone())).unwrap_or_default(), account_id: Some(id.get_untracked()), contact_id: None })
                                        message=message("phone")
                                        save=save("phone")
                                        read_only=locked("phone")
                                    />
                                    <InlineField label=Key::Website value=value(|a| a.website.clone()) shown=Shown::Web message=message("website") save=save("website") read_only=locked("website") />
                                    <dt>{move || i18n.t(Key::OwnerLabel)}</dt>
                                    <dd>
                                        <select aria-label=move || i18n.t(Key::OwnerLabel) on:change=change_owner disabled=!capabilities.account_fields.contains(&"owner_id")>
                                            <option value="">{move || i18n.t(Key::NoOwner)}</option>
                                            {move || {
                                                let owner = account.with(|a| a.as_ref().and_then(|a| a.owner_id.clone())).unwrap_or_default();
                                                let mut list: Vec<(String, String)> = reps.get().into_iter().collect();
                                                list.sort_by(|a, b| a.1.cmp(&b.1));
                                                list.into_iter().map(|(rep, name)| {
                                                    let chosen = rep == owner;
                                                    view! { <option value=rep selected=chosen>{name}</option> }
                                                }).collect_view()
                                            }}
                                        </select>
                                    </dd>
                                </dl>
                            </section>
                            <ContactsSection contacts=people account_id=id.get_untracked() />
                            <DealsSection deals stages />
                            {capabilities.cases.then(|| view! { <CasesSection cases /> })}
                            {capabilities.orders.then(|| view! { <OrdersSection orders /> })}
                            {capabilities.chat.then(|| view! { <ChatsSection chats /> })}
                        </div>
                        <div class="customer-main">
                            <LogForm links=Links { account_id: Some(id.get_untracked()), ..Default::default() } store=slot />
                            <Timeline moments names store=slot />
                        </div>
                    </div>
                }.into_any(),
            }}
        </main>
    }
}
