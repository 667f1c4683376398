//! Merging a duplicate into the record on screen: the likely duplicates are offered first (same e-mail or phone,
//! the same name without legal suffixes), any other can be searched; the rep is told what will move, and the
//! backend moves it all and deletes the duplicate, guarded by both versions. The survivor's timeline says so.

use super::data::{store_of, StoreSlot};
use crate::domain::duplicates::{likely_accounts, likely_contacts};
use crate::domain::search::fold;
use crate::i18n::Key;
use crate::ui::field::Field;
use crate::ui::locale::use_i18n;
use leptos::prelude::*;
use trato_protocol::{Account, Contact};

/// What is merged: the record on screen.
#[derive(Clone, Debug, PartialEq)]
pub enum Survivor {
    /// An account.
    Account(Account),
    /// A contact.
    Contact(Contact),
}

impl Survivor {
    fn id(&self) -> &str {
        match self {
            Survivor::Account(a) => &a.meta.id,
            Survivor::Contact(c) => &c.meta.id,
        }
    }

    fn name(&self) -> String {
        match self {
            Survivor::Account(a) => a.name.clone(),
            Survivor::Contact(c) => format!("{} {}", c.first_name, c.last_name).trim().to_string(),
        }
    }
}

/// A record that could be merged in: its id, its name, whether it is a likely duplicate.
type Candidate = (String, String, bool);

async fn candidates(slot: StoreSlot, survivor: &Survivor) -> Vec<Candidate> {
    let Some(store) = store_of(slot) else { return vec![] };
    let mut found: Vec<Candidate> = match survivor {
        Survivor::Account(me) => {
            let all = store.accounts().await.unwrap_or_default();
            let likely: Vec<String> =
                likely_accounts(&me.name, me.phone.as_deref(), &all).iter().map(|a| a.meta.id.clone()).collect();
            all.into_iter().map(|a| (a.meta.id.clone(), a.name, likely.contains(&a.meta.id))).collect()
        }
        Survivor::Contact(me) => {
            let all = store.contacts().await.unwrap_or_default();
            let likely: Vec<String> =
                likely_contacts(&me.first_name, &me.last_name, me.email.as_deref(), me.phone.as_deref(), &all)
                    .iter()
                    .map(|c| c.meta.id.clone())
                    .collect();
            all.into_iter()
                .map(|c| {
                    (
                        c.meta.id.clone(),
                        format!("{} {}", c.first_name, c.last_name).trim().to_string(),
                        likely.contains(&c.meta.id),
                    )
                })
                .collect()
        }
    };
    found.retain(|(id, _, _)| id != survivor.id());
    found.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
    found
}

/// "Merge a duplicate…" and its dialog.
#[component]
pub fn MergeButton(
    /// The record on screen (it stays).
    #[prop(into)]
    survivor: Signal<Option<Survivor>>,
    /// The store.
    store: StoreSlot,
    /// Called with the survivor after a merge.
    merged: Callback<Survivor>,
) -> impl IntoView {
    let slot = store;
    let i18n = use_i18n();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let all = RwSignal::new(Vec::<Candidate>::new());
    let query = RwSignal::new(String::new());
    let chosen = RwSignal::new(None::<(String, String)>);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let open = move |_| {
        let Some(current) = survivor.get_untracked() else { return };
        query.set(String::new());
        chosen.set(None);
        problem.set(None);
        if let Some(d) = dialog.get_untracked() {
            let _ = d.show_modal();
        }
        leptos::task::spawn_local(async move {
            let found = candidates(slot, &current).await;
            all.try_set(found);
        });
    };
    let shown = Memo::new(move |_| {
        let words = fold(&query.get());
        all.with(|list| {
            list.iter()
                .filter(|(_, name, likely)| if words.is_empty() { *likely } else { fold(name).contains(&words) })
                .take(8)
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let confirm = move |_| {
        let (Some(current), Some((from_id, from_name))) = (survivor.get_untracked(), chosen.get_untracked()) else {
            return;
        };
        let Some(store) = store_of(slot) else { return };
        let locale = i18n.locale();
        let note = locale.tf(Key::MergedNote, &[("name", &from_name)]);
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = match &current {
                Survivor::Account(into) => match store.account(&from_id).await.ok().flatten() {
                    Some(from) => store.merge_accounts(into, &from, &note).await.map(Survivor::Account),
                    None => Err(crate::connector::ConnectorError::NotFound(from_id.clone())),
                },
                Survivor::Contact(into) => match store.contact(&from_id).await.ok().flatten() {
                    Some(from) => store.merge_contacts(into, &from, &note).await.map(Survivor::Contact),
                    None => Err(crate::connector::ConnectorError::NotFound(from_id.clone())),
                },
            };
            busy.try_set(false);
            match result {
                Ok(after) => {
                    if let Some(d) = dialog.get_untracked() {
                        d.close();
                    }
                    merged.run(after);
                }
                Err(error) => {
                    problem.try_set(Some(crate::ui::error::describe(locale, &error)));
                }
            }
        });
    };
    view! {
        <button type="button" class="secondary" on:click=open>{move || i18n.t(Key::MergeDuplicate)}</button>
        <dialog node_ref=dialog class="dialog" aria-labelledby="merge-title">
            <form on:submit=|ev| ev.prevent_default()>
                <h2 id="merge-title">{move || i18n.t(Key::MergeDuplicate)}</h2>
                <Field label=Key::MergeSearch>
                    <input type="search" prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev)) />
                </Field>
                <fieldset class="merge-candidates">
                    <legend>{move || i18n.t(Key::MergeWhich)}</legend>
                    {move || shown.get().into_iter().map(|(id, name, likely)| {
                        let picked = (id.clone(), name.clone());
                        let checked_id = id.clone();
                        view! {
                            <label class="check">
                                <input
                                    type="radio"
                                    name="merge-from"
                                    prop:checked=move || chosen.with(|c| c.as_ref().map(|(i, _)| i == &checked_id).unwrap_or(false))
                                    on:change=move |_| chosen.set(Some(picked.clone()))
                                />
                                <span>{name}</span>
                                {likely.then(|| view! { <span class="badge">{move || i18n.t(Key::LikelyDuplicateBadge)}</span> })}
                            </label>
                        }
                    }).collect_view()}
                    {move || shown.with(Vec::is_empty).then(|| view! { <p class="muted">{move || i18n.t(Key::MergeNoneFound)}</p> })}
                </fieldset>
                {move || chosen.get().zip(survivor.get()).map(|((_, from), into)| {
                    let text = i18n.0.get().tf(Key::MergeExplain, &[("from", &from), ("into", &into.name())]);
                    view! { <p class="notice">{text}</p> }
                })}
                {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| { if let Some(d) = dialog.get_untracked() { d.close(); } }>{move || i18n.t(Key::Cancel)}</button>
                    <button type="button" class="danger" disabled=move || chosen.with(Option::is_none) || busy.get() on:click=confirm>{move || i18n.t(Key::MergeConfirm)}</button>
                </div>
            </form>
        </dialog>
    }
}
