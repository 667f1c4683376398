//! The rep's day (`/today`): overdue, today's and the next days' calls, meetings, tasks and e-mails over every deal,
//! account and contact, for the signed-in rep or, for an admin, the whole team. Each can be finished, moved to
//! another day or handed to another rep, offline too; finishing one offers the usual next step. The navigation
//! shows how many are due today (overdue included).

use super::data::{me, opened_store, record_changes, rep_names, store_of, store_slot, StoreSlot};
use super::work::{provide_offers, Names, NextStepBar, WorkItem};
use crate::domain::customer::{day, Day};
use crate::i18n::{intl, Key};
use crate::ui::locale::use_i18n;
use leptos::prelude::*;
use std::collections::HashSet;
use trato_protocol::{Activity, Contact};

/// Days ahead the day page shows.
const AHEAD_DAYS: i64 = 7;

/// The names of the records `activities` refer to, read one by one from the cache.
async fn names_for(slot: StoreSlot, activities: &[&Activity]) -> Names {
    let mut names = Names::default();
    let Some(store) = store_of(slot) else { return names };
    let ids = |get: fn(&Activity) -> Option<&String>| -> HashSet<String> {
        activities.iter().filter_map(|a| get(a).cloned()).collect()
    };
    for id in ids(|a| a.deal_id.as_ref()) {
        if let Ok(Some(deal)) = store.deal(&id).await {
            names.deals.insert(id, deal.name);
        }
    }
    for id in ids(|a| a.account_id.as_ref()) {
        if let Ok(Some(account)) = store.account(&id).await {
            names.accounts.insert(id, account.name);
        }
    }
    for id in ids(|a| a.contact_id.as_ref()) {
        if let Ok(Some(Contact { first_name, last_name, .. })) = store.contact(&id).await {
            names.contacts.insert(id, format!("{first_name} {last_name}").trim().to_string());
        }
    }
    names
}

/// How many of the rep's open activities are due today or overdue, following the cache.
pub fn due_today_count() -> Signal<usize> {
    let slot = store_slot();
    let changes = super::data::record_changes_every(std::time::Duration::from_secs(2));
    let (me_id, _) = me();
    // Read a little after the first screen is drawn, not while it is.
    let ready = RwSignal::new(false);
    set_timeout(
        move || {
            ready.try_set(true);
        },
        std::time::Duration::from_secs(2),
    );
    let count = LocalResource::new(move || {
        changes.track();
        let me_id = me_id.clone();
        let opening = ready.get().then(|| super::data::opened_store_quietly(slot));
        async move {
            let store = opening?.await?;
            let activities = store.activities().await.ok()?;
            let today = day(&activities, Some(&me_id), &intl::today(), 0);
            Some(today.overdue.len() + today.today.len())
        }
    });
    Signal::derive(move || count.get().flatten().unwrap_or(0))
}

/// The day page.
#[component]
pub fn TodayPage() -> impl IntoView {
    let i18n = use_i18n();
    let slot = store_slot();
    let changes = record_changes();
    let reps = rep_names(slot);
    let (me_id, admin) = me();
    let team = RwSignal::new(false);
    let offers = provide_offers();
    let work = RwSignal::new(Day::default());
    let names = RwSignal::new(Names::default());
    let loaded = LocalResource::new(move || {
        changes.track();
        let owner = (!team.get()).then(|| me_id.clone());
        let opening = opened_store(slot);
        async move {
            let store = opening.await?;
            let activities = store.activities().await.ok()?;
            let found = day(&activities, owner.as_deref(), &intl::today(), AHEAD_DAYS);
            let shown: Vec<&Activity> = found.overdue.iter().chain(&found.today).chain(&found.upcoming).collect();
            let found_names = names_for(slot, &shown).await;
            names.try_set(found_names);
            work.try_set(found);
            Some(())
        }
    });
    let names_with_reps = Signal::derive(move || {
        let mut all = names.get();
        all.reps = reps.get();
        all
    });
    let group = move |title: Key, pick: fn(&Day) -> Vec<Activity>, class: &'static str| {
        view! {
            <section class=format!("day-group {class}") aria-labelledby=format!("day-{class}")>
                <h2 id=format!("day-{class}")>
                    {move || i18n.t(title)}" "
                    <span class="badge">{move || intl::number(i18n.locale(), work.with(|w| pick(w).len()) as f64)}</span>
                </h2>
                <ul class="timeline">
                    <For each=move || work.with(pick) key=|a| (a.meta.id.clone(), a.meta.version, a.done, a.due_on.clone(), a.owner_id.clone()) let:activity>
                        <WorkItem activity names=names_with_reps store=slot reassign=admin />
                    </For>
                </ul>
                {move || work.with(|w| pick(w).is_empty()).then(|| view! { <crate::ui::status::EmptyState message=Key::NothingHere /> })}
            </section>
        }
    };
    view! {
        <main id="main" class="today-page">
            <div class="page-head">
                <h1>{move || i18n.t(Key::MyDay)}</h1>
                {admin.then(|| view! {
                    <div class="chips" role="group" aria-label=move || i18n.t(Key::WhoseWork)>
                        <button type="button" class="chip" aria-pressed=move || (!team.get()).to_string() on:click=move |_| team.set(false)>{move || i18n.t(Key::MyWork)}</button>
                        <button type="button" class="chip" aria-pressed=move || team.get().to_string() on:click=move |_| team.set(true)>{move || i18n.t(Key::TeamWork)}</button>
                    </div>
                })}
            </div>
            <NextStepBar offers store=slot />
            {move || loaded.get().flatten().is_none().then(|| view! { <crate::ui::status::Skeleton lines=4 /> })}
            {group(Key::Overdue, |d| d.overdue.clone(), "overdue")}
            {group(Key::DueToday, |d| d.today.clone(), "today")}
            {group(Key::Upcoming, |d| d.upcoming.clone(), "upcoming")}
        </main>
    }
}
