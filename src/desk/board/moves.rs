//! Changing deals from the board: optimistic moves and edits saved in the background (put back with a message
//! when the save fails), undo (toast button and Ctrl+Z), the lost-reason dialog, quick add and delete.

use super::state::{use_board, BoardState, PendingMove, Undo};
use crate::domain::board::{position_at, position_between};
use crate::domain::filter;
use crate::domain::money::parse_major;
use crate::i18n::Key;
use crate::store::error::CacheError;
use crate::store::outbox::TEMP_PREFIX;
use crate::ui::field::Field;
use crate::ui::locale::{use_i18n, use_i18n_untracked};
use leptos::prelude::*;
use trato_protocol::*;
use wasm_bindgen::JsCast;

pub use crate::browser::ids::new_key;
pub use crate::ui::error::cache_error;

fn replace(state: BoardState, deal: Deal) {
    state.data.update(|b| {
        if let Some(slot) = b.deals.iter_mut().find(|d| d.meta.id == deal.meta.id) {
            *slot = deal;
        }
    });
}

fn stage_of(state: BoardState, pipeline_id: &str, stage_id: &str) -> Option<Stage> {
    state.data.with_untracked(|b| {
        b.pipelines.iter().find(|p| p.meta.id == pipeline_id)?.stages.iter().find(|s| s.id == stage_id).cloned()
    })
}

/// Moves a deal to `stage_id` at `index` among that column's visible cards (the end when `None` or when the
/// column is not in manual order). A lost stage first asks for the reason.
pub fn move_deal(state: BoardState, deal_id: &str, stage_id: &str, index: Option<usize>, lost_reason: Option<String>) {
    let Some(before) = state.deal(deal_id) else { return };
    let Some(stage) = stage_of(state, &before.pipeline_id, stage_id) else { return };
    if stage.kind == StageKind::Lost && lost_reason.is_none() && before.stage_id != stage.id {
        state.pending_lost.set(Some(PendingMove { deal_id: deal_id.into(), stage_id: stage_id.into(), index }));
        return;
    }
    let manual = state.filters.with_untracked(|f| filter::is_manual(f.sort.as_deref().unwrap_or("position")));
    let position = match index.filter(|_| manual) {
        Some(index) => state.columns.with_untracked(|cs| {
            let visible = cs.iter().find(|c| c.stage.id == stage_id).map(|c| c.deals.as_slice()).unwrap_or(&[]);
            position_at(visible, deal_id, index)
        }),
        None => {
            let mut all: Vec<Deal> =
                state.data.with_untracked(|b| b.deals.iter().filter(|d| d.stage_id == stage_id).cloned().collect());
            all.sort_by(|a, b| a.position.total_cmp(&b.position));
            position_at(&all, deal_id, usize::MAX)
        }
    };
    if before.stage_id == stage_id && (before.position == position || !manual) {
        return;
    }
    let mut after = before.clone();
    let mut patch = DealPatch { position: Some(position), ..Default::default() };
    after.position = position;
    if before.stage_id != stage_id {
        patch.stage_id = Some(stage_id.into());
        after.stage_id = stage_id.into();
        after.closed_on = (stage.kind != StageKind::Open).then(crate::i18n::intl::today);
        if stage.kind == StageKind::Lost {
            patch.lost_reason = Some(lost_reason.clone());
            after.lost_reason = lost_reason;
        } else {
            after.lost_reason = None;
        }
    }
    let locale = use_i18n_untracked();
    let message = locale.tf(Key::Moved, &[("deal", &before.name), ("stage", &stage.name)]);
    save_change(state, before, after, patch, message, true);
}

/// Shows `after` at once and queues `patch` (saved in the background, kept across reloads and offline); a
/// change the device cannot store is put back with the reason.
pub fn save_change(state: BoardState, before: Deal, after: Deal, patch: DealPatch, success: String, record: bool) {
    replace(state, after.clone());
    let Some(store) = state.store.get_value() else { return };
    leptos::task::spawn_local(async move {
        match store.update_deal(&before, &after, patch, new_key()).await {
            Ok(()) => {
                if record {
                    state.undo.try_update(|u| u.push(Undo::Changed(before)));
                }
                state.show_toast(success, record, false);
            }
            Err(error) => {
                replace(state, before.clone());
                state.show_toast(cache_error(&error), false, true);
            }
        }
    });
}

/// A patch that sets every editable field back to `before` (with a stage change, also the time it had entered
/// that stage and its last activity, so the days in the stage and the stalled badge are as they were).
fn revert_patch(before: &Deal, current: &Deal) -> DealPatch {
    let moved = before.stage_id != current.stage_id || before.pipeline_id != current.pipeline_id;
    DealPatch {
        stage_entered_at: moved.then(|| before.stage_entered_at.clone()),
        last_activity_at: moved.then(|| before.last_activity_at.clone()),
        name: Some(before.name.clone()),
        pipeline_id: Some(before.pipeline_id.clone()),
        stage_id: Some(before.stage_id.clone()),
        account_id: Some(before.account_id.clone()),
        contact_id: Some(before.contact_id.clone()),
        participant_ids: Some(before.participant_ids.clone()),
        owner_id: Some(before.owner_id.clone()),
        amount: Some(before.amount.clone()),
        expected_close: Some(before.expected_close.clone()),
        position: Some(before.position),
        lost_reason: Some(before.lost_reason.clone()),
        probability: Some(before.probability),
    }
}

/// Reverts the most recent change.
pub fn undo(state: BoardState) {
    let Some(entry) = state.undo.try_update(|u| u.pop()).flatten() else { return };
    let locale = use_i18n_untracked();
    match entry {
        Undo::Changed(before) => {
            let Some(current) = state.deal(&before.meta.id) else { return };
            let mut after = before.clone();
            after.meta = current.meta.clone();
            let patch = revert_patch(&before, &current);
            save_change(state, current, after, patch, locale.t(Key::Undone).into(), false);
        }
        Undo::Created(deal) => remove_deal(state, deal, locale.t(Key::Undone).into(), false),
        Undo::Deleted(deal) => {
            state.data.update(|b| b.deals.push(deal.clone()));
            let Some(store) = state.store.get_value() else { return };
            leptos::task::spawn_local(async move {
                match store.restore_deal(&deal, new_key()).await {
                    Ok(()) => state.show_toast(locale.t(Key::Undone).into(), false, false),
                    Err(error) => {
                        state.data.try_update(|b| b.deals.retain(|d| d.meta.id != deal.meta.id));
                        state.show_toast(cache_error(&error), false, true);
                    }
                }
            });
        }
    }
}

/// Deletes a deal at once; the toast offers Undo (which restores it on the server).
pub fn delete_deal(state: BoardState, deal_id: &str) {
    let Some(deal) = state.deal(deal_id) else { return };
    let message = use_i18n_untracked().tf(Key::DealDeleted, &[("deal", &deal.name)]);
    remove_deal(state, deal, message, true);
}

fn remove_deal(state: BoardState, deal: Deal, message: String, record: bool) {
    state.data.update(|b| b.deals.retain(|d| d.meta.id != deal.meta.id));
    let Some(store) = state.store.get_value() else { return };
    leptos::task::spawn_local(async move {
        match store.delete_deal(&deal, new_key()).await {
            Ok(()) => {
                state.show_toast(message, record, false);
                if record {
                    state.undo.try_update(|u| u.push(Undo::Deleted(deal)));
                }
            }
            Err(error) => {
                state.data.try_update(|b| b.deals.push(deal.clone()));
                state.show_toast(cache_error(&error), false, true);
            }
        }
    });
}

fn in_text_field(ev: &web_sys::KeyboardEvent) -> bool {
    ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|el| {
        matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
            || el.closest("dialog").ok().flatten().is_some()
    })
}

/// Ctrl+Z (or ⌘Z) undoes the last board change when the focus is not in a text field.
pub fn install_shortcuts(state: BoardState) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if (ev.ctrl_key() || ev.meta_key())
            && !ev.shift_key()
            && ev.key().eq_ignore_ascii_case("z")
            && !in_text_field(&ev)
        {
            ev.prevent_default();
            undo(state);
        }
    });
    on_cleanup(move || handle.remove());
}

/// The toast region: the last message, with Undo when the change can be undone.
#[component]
pub fn ToastBar() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_board();
    view! {
        <div class="toast-region" role="status">
            {move || {
                state
                    .toast
                    .get()
                    .map(|toast| {
                        view! {
                            <div class="toast" class:error=toast.error>
                                <span>{toast.message.clone()}</span>
                                {toast
                                    .undo
                                    .then(|| {
                                        view! {
                                            <button type="button" class="link-button" on:click=move |_| undo(state)>
                                                {move || i18n.t(Key::Undo)}
                                            </button>
                                        }
                                    })}
                            </div>
                        }
                    })
            }}
        </div>
    }
}

/// Asks why a deal was lost before moving it to a lost stage.
#[component]
pub fn LostReasonDialog() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_board();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let reason = RwSignal::new(String::new());
    Effect::new(move |_| {
        let pending = state.pending_lost.get();
        if let Some(dialog) = dialog.get() {
            if pending.is_some() && !dialog.open() {
                reason.set(String::new());
                let _ = dialog.show_modal();
            } else if pending.is_none() && dialog.open() {
                dialog.close();
            }
        }
    });
    let deal_name = move || {
        state.pending_lost.with(|p| p.as_ref().and_then(|p| state.deal(&p.deal_id)).map(|d| d.name).unwrap_or_default())
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = reason.get_untracked().trim().to_string();
        if text.is_empty() {
            return;
        }
        if let Some(PendingMove { deal_id, stage_id, index }) = state.pending_lost.get_untracked() {
            state.pending_lost.set(None);
            move_deal(state, &deal_id, &stage_id, index, Some(text));
        }
    };
    let on_cancel = move |_| state.pending_lost.set(None);
    view! {
        <dialog node_ref=dialog class="dialog" aria-labelledby="lost-title" on:close=on_cancel>
            <form on:submit=on_submit>
                <h2 id="lost-title">{move || i18n.t(Key::LostReasonTitle)}</h2>
                <p>{move || i18n.0.get().tf(Key::LostReasonIntro, &[("deal", &deal_name())])}</p>
                <Field label=Key::LostReasonLabel>
                    <input type="text" list="lost-reasons" required maxlength="200" bind:value=reason />
                </Field>
                <datalist id="lost-reasons">
                    {[Key::ReasonPrice, Key::ReasonCompetitor, Key::ReasonBudget, Key::ReasonNoAnswer]
                        .into_iter()
                        .map(|key| view! { <option value=move || i18n.t(key)></option> })
                        .collect_view()}
                </datalist>
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| state.pending_lost.set(None)>
                        {move || i18n.t(Key::Cancel)}
                    </button>
                    <button type="submit" class="primary">{move || i18n.t(Key::MarkLost)}</button>
                </div>
            </form>
        </dialog>
    }
}

/// The quick-add form at the top of a column: name, account (type-ahead), amount. The card appears at once.
#[component]
pub fn QuickAdd(stage_id: String, open: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_board();
    let currency = state.currency.get_value();
    let name = RwSignal::new(String::new());
    let account = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let list_id = format!("accounts-{stage_id}");
    let input_list = list_id.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let locale = use_i18n_untracked();
        let deal_name = name.get_untracked().trim().to_string();
        if deal_name.is_empty() {
            error.set(Some(locale.t(Key::Required).into()));
            return;
        }
        let amount_text = amount.get_untracked();
        let minor = if amount_text.trim().is_empty() { Some(0) } else { parse_major(&amount_text, &currency) };
        let Some(minor) = minor else {
            error.set(Some(locale.t(Key::InvalidAmount).into()));
            return;
        };
        error.set(None);
        let account_name = account.get_untracked().trim().to_string();
        let account_id = state.data.with_untracked(|b| {
            b.account_names.iter().find(|(_, n)| n.eq_ignore_ascii_case(&account_name)).map(|(id, _)| id.clone())
        });
        let Some(pipeline_id) = state.pipeline_id() else { return };
        let first = state.data.with_untracked(|b| {
            b.deals.iter().filter(|d| d.stage_id == stage_id).map(|d| d.position).min_by(f64::total_cmp)
        });
        let position = position_between(None, first);
        let key = new_key();
        let now = js_sys::Date::new_0().to_iso_string().as_string().unwrap_or_default();
        let temp = Deal {
            meta: Meta {
                id: format!("{TEMP_PREFIX}{key}"),
                version: 0,
                created_at: now.clone(),
                updated_at: now.clone(),
            },
            name: deal_name.clone(),
            pipeline_id: pipeline_id.clone(),
            stage_id: stage_id.clone(),
            account_id: account_id.clone(),
            contact_id: None,
            participant_ids: vec![],
            owner_id: Some(state.me.get_untracked()),
            amount: Money { minor, currency: currency.clone() },
            expected_close: None,
            stage_entered_at: now.clone(),
            last_activity_at: now,
            position,
            lost_reason: None,
            closed_on: None,
            probability: None,
            next_activity: None,
        };
        let temp_id = temp.meta.id.clone();
        state.data.update(|b| b.deals.push(temp.clone()));
        name.set(String::new());
        account.set(String::new());
        amount.set(String::new());
        open.set(false);
        let Some(store) = state.store.get_value() else { return };
        leptos::task::spawn_local(async move {
            let result = async {
                let account_id = match (account_id, account_name.is_empty()) {
                    (Some(id), _) => Some(id),
                    (None, true) => None,
                    (None, false) => {
                        let local = Account {
                            meta: Meta { id: format!("{TEMP_PREFIX}{key}-account"), ..temp.meta.clone() },
                            name: account_name.clone(),
                            industry: None,
                            website: None,
                            phone: None,
                            city: None,
                            owner_id: temp.owner_id.clone(),
                        };
                        let new = NewAccount { name: account_name.clone(), ..Default::default() };
                        store.create_account(&local, new, format!("{key}-account")).await?;
                        state.data.try_update(|b| {
                            b.account_names.insert(local.meta.id.clone(), local.name.clone());
                        });
                        Some(local.meta.id)
                    }
                };
                let mut local = temp.clone();
                local.account_id = account_id.clone();
                let new = NewDeal {
                    name: temp.name.clone(),
                    pipeline_id,
                    stage_id: Some(temp.stage_id.clone()),
                    account_id,
                    contact_id: None,
                    participant_ids: vec![],
                    owner_id: None,
                    amount: temp.amount.clone(),
                    expected_close: None,
                    position: Some(position),
                };
                store.create_deal(&local, new, key).await?;
                Ok::<_, CacheError>(local)
            }
            .await;
            match result {
                Ok(local) => {
                    replace(state, local.clone());
                    state.show_toast(locale_created(&local.name), true, false);
                    state.undo.try_update(|u| u.push(Undo::Created(local)));
                }
                Err(error) => {
                    state.data.try_update(|b| b.deals.retain(|d| d.meta.id != temp_id));
                    state.show_toast(cache_error(&error), false, true);
                }
            }
        });
    };
    view! {
        <form class="quick-add" on:submit=on_submit>
            <Field label=Key::DealName>
                <input type="text" required maxlength="200" bind:value=name />
            </Field>
            <Field label=Key::AccountLabel>
                <input type="text" list=input_list maxlength="200" autocomplete="off" bind:value=account />
            </Field>
            <datalist id=list_id>
                {move || {
                    state.data.with(|b| {
                        let mut names: Vec<String> = b.account_names.values().cloned().collect();
                        names.sort();
                        names.into_iter().map(|n| view! { <option value=n></option> }).collect_view()
                    })
                }}
            </datalist>
            <Field label=Key::AmountLabel>
                <input type="text" inputmode="decimal" bind:value=amount />
            </Field>
            {move || error.get().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
            <div class="actions">
                <button type="button" class="secondary" on:click=move |_| open.set(false)>{move || i18n.t(Key::Cancel)}</button>
                <button type="submit" class="primary">{move || i18n.t(Key::Add)}</button>
            </div>
        </form>
    }
}

fn locale_created(name: &str) -> String {
    use_i18n_untracked().tf(Key::Created, &[("deal", name)])
}
