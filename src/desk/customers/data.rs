//! What the customer pages share: the store, the rep, the reps' names, today's date, and a counter that follows the
//! cache's record changes so a page reads again (at most every few hundred milliseconds while a sync writes).

use crate::desk::context::{use_store, SessionState, Store};
use crate::store::StoreEvent;
use leptos::prelude::*;
use std::collections::HashMap;
use std::time::Duration;

/// How long a burst of changes is gathered before the page reads again.
const SETTLE: Duration = Duration::from_millis(250);

/// The store, kept for async work (`None` in component tests).
pub type StoreSlot = StoredValue<Option<Store>, LocalStorage>;

/// The store for a page's async work.
pub fn store_slot() -> StoreSlot {
    StoredValue::new_local(use_store())
}

/// The store, when the page still exists and the desk has one.
pub fn store_of(slot: StoreSlot) -> Option<Store> {
    slot.try_get_value().flatten()
}

/// The store with the rep's cache open (this page may be the first the desk shows): call it where the page's
/// reactive context is still there (a resource's fetcher), await the answer.
pub fn opened_store(slot: StoreSlot) -> impl std::future::Future<Output = Option<Store>> {
    crate::desk::context::open_store(store_of(slot), true)
}

/// [`opened_store`] without starting the sync (for what the top bar reads on every page).
pub fn opened_store_quietly(slot: StoreSlot) -> impl std::future::Future<Output = Option<Store>> {
    crate::desk::context::open_store(store_of(slot), false)
}

/// The signed-in rep's id and whether they are an admin (who sees the team's work).
pub fn me() -> (String, bool) {
    let state = expect_context::<SessionState>();
    state
        .session
        .with_untracked(|s| s.as_ref().map(|s| (s.user.id.clone(), s.user.role == "admin")).unwrap_or_default())
}

/// A counter bumped when cached records change (deals, accounts, contacts, activities, a reload, a new id).
pub fn record_changes() -> RwSignal<u32> {
    record_changes_every(SETTLE)
}

/// [`record_changes`], gathering bursts for `settle` (longer for what is always on screen, like a count in the
/// navigation, so a first sync does not make it read again and again).
pub fn record_changes_every(settle: Duration) -> RwSignal<u32> {
    let changed = RwSignal::new(0u32);
    let Some(store) = use_store() else { return changed };
    let waiting = StoredValue::new(false);
    let id = store.subscribe(move |event| {
        let relevant = !matches!(event, StoreEvent::Status(_) | StoreEvent::MoveRefused { .. });
        if relevant && !waiting.try_get_value().unwrap_or(true) {
            waiting.set_value(true);
            set_timeout(
                move || {
                    waiting.try_set_value(false);
                    changed.try_update(|n| *n += 1);
                },
                settle,
            );
        }
    });
    let store = StoredValue::new_local(store);
    on_cleanup(move || {
        store.try_with_value(|store| store.unsubscribe(id));
    });
    changed
}

/// The reps' names by id, read once (from the cache, else the backend).
pub fn rep_names(slot: StoreSlot) -> RwSignal<HashMap<String, String>> {
    let names = RwSignal::new(HashMap::new());
    leptos::task::spawn_local(async move {
        let Some(store) = store_of(slot) else { return };
        if let Ok(reps) = store.reps().await {
            names.try_set(reps.into_iter().map(|u| (u.id, u.name)).collect());
        }
    });
    names
}

/// Follows a record created here to its backend id: when the record shown at `base`/`id` gets the backend's id,
/// the address changes to it (replacing the temporary one in the history).
pub fn follow_rename(base: &'static str, id: Memo<String>) {
    let Some(store) = use_store() else { return };
    let navigate = leptos_router::hooks::use_navigate();
    let listener = store.subscribe(move |event| {
        if let StoreEvent::Renamed(from, to) = event {
            if id.try_get_untracked().as_deref() == Some(from.as_str()) {
                let path = format!("{base}/{}", crate::connector::trato::encode_component(to));
                navigate(&path, leptos_router::NavigateOptions { replace: true, ..Default::default() });
            }
        }
    });
    let store = StoredValue::new_local(store);
    on_cleanup(move || {
        store.try_with_value(|store| store.unsubscribe(listener));
    });
}
