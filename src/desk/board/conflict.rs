//! Changes the backend did not take, shown to the rep: the conflict dialog (someone else changed the deal: both
//! values side by side, keep mine or take theirs) and the notice in the deal panel for refused changes (the
//! backend's message, retry or discard). Nothing is dropped without the rep's say.

use super::moves;
use super::state::{use_board, BoardState};
use crate::domain::patch::deal_patch_fields;
use crate::i18n::{intl, Key, Locale};
use crate::store::outbox::{Change, Entry, EntryState, ParkReason};
use crate::ui::locale::{use_i18n, use_i18n_untracked};
use leptos::prelude::*;
use serde_json::Value;
use trato_protocol::Money;

fn field_key(field: &str) -> Key {
    match field {
        "name" => Key::DealName,
        "pipeline_id" => Key::PipelineField,
        "stage_id" => Key::StageLabel,
        "account_id" => Key::AccountLabel,
        "contact_id" => Key::ContactLabel,
        "participant_ids" => Key::ParticipantsLabel,
        "owner_id" => Key::OwnerLabel,
        "amount" => Key::AmountLabel,
        "expected_close" => Key::CloseDateField,
        "probability" => Key::ProbabilityLabel,
        "lost_reason" => Key::LostReasonField,
        _ => Key::PositionLabel,
    }
}

/// A field value as a person reads it: names instead of ids, formatted money and dates.
fn show(state: BoardState, locale: Locale, field: &str, value: &Value) -> String {
    if value.is_null() {
        return locale.t(Key::Empty).into();
    }
    let text = value.as_str().unwrap_or_default();
    state
        .data
        .with_untracked(|b| match field {
            "stage_id" => b.pipelines.iter().flat_map(|p| &p.stages).find(|s| s.id == text).map(|s| s.name.clone()),
            "pipeline_id" => b.pipelines.iter().find(|p| p.meta.id == text).map(|p| p.name.clone()),
            "owner_id" => b.users.get(text).map(|u| u.name.clone()),
            "account_id" => b.account_names.get(text).cloned(),
            "amount" => serde_json::from_value::<Money>(value.clone()).ok().map(|m| intl::money(locale, &m)),
            "expected_close" => Some(intl::date(locale, text)),
            "probability" => value.as_f64().map(|p| format!("{} %", intl::number(locale, p))),
            "participant_ids" => value.as_array().map(|a| intl::number(locale, a.len() as f64)),
            "position" => value.as_f64().map(|p| intl::number(locale, p)),
            _ => None,
        })
        .unwrap_or_else(|| value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string()))
}

fn deal_name(state: BoardState, entry: &Entry) -> String {
    state.deal(entry.change.id()).map(|d| d.name).unwrap_or_else(|| {
        entry.before.as_ref().and_then(|b| b["name"].as_str()).unwrap_or(entry.change.id()).to_string()
    })
}

/// Answers a held entry and reports a failure to store the answer.
fn answer(state: BoardState, seq: u64, action: &'static str) {
    let Some(store) = state.store.get_value() else { return };
    leptos::task::spawn_local(async move {
        let result = match action {
            "keep" => store.keep_mine(seq).await,
            "take" => store.take_theirs(seq).await,
            "retry" => store.retry(seq).await,
            _ => store.discard(seq).await,
        };
        if let Err(error) = result {
            state.show_toast(moves::cache_error(&error), false, true);
        }
    });
}

/// The dialog for the oldest deal change in conflict; it opens by itself when one appears.
#[component]
pub fn ConflictDialog() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_board();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let conflict = Memo::new(move |_| {
        state.held.with(|held| {
            held.iter()
                .find(|e| {
                    matches!(e.state, EntryState::Conflict { .. }) && !state.dismissed.with(|d| d.contains(&e.seq))
                })
                .cloned()
        })
    });
    Effect::new(move |_| {
        let open = conflict.with(Option::is_some);
        if let Some(dialog) = dialog.get() {
            if open && !dialog.open() {
                let _ = dialog.show_modal();
            } else if !open && dialog.open() {
                dialog.close();
            }
        }
    });
    let on_close = move |_| {
        if let Some(entry) = conflict.get_untracked() {
            state.dismissed.update(|d| d.push(entry.seq));
        }
    };
    let body = move || {
        let entry = conflict.get()?;
        let locale = i18n.locale();
        let EntryState::Conflict { theirs, .. } = &entry.state else { return None };
        let seq = entry.seq;
        let title = locale.tf(Key::ConflictTitle, &[("deal", &deal_name(state, &entry))]);
        let rows = match (&entry.change, theirs) {
            (Change::UpdateDeal { patch, .. }, Some(theirs)) => {
                let mine = serde_json::to_value(patch).unwrap_or_default();
                deal_patch_fields(patch)
                    .into_iter()
                    .filter(|f| *f != "position")
                    .map(|field| {
                        let label = locale.t(field_key(field));
                        let mine = show(state, locale, field, &mine[field]);
                        let theirs = show(state, locale, field, &theirs[field]);
                        view! {
                            <tr>
                                <th scope="row">{label}</th>
                                <td class="mine">{mine}</td>
                                <td class="theirs">{theirs}</td>
                            </tr>
                        }
                    })
                    .collect_view()
                    .into_any()
            }
            _ => ().into_any(),
        };
        let gone = theirs.is_none();
        Some(view! {
            <h2 id="conflict-title">{title}</h2>
            <p>{locale.t(if gone { Key::ConflictGone } else { Key::ConflictIntro })}</p>
            <table class="conflict-table">
                <thead>
                    <tr>
                        <th scope="col">{locale.t(Key::ConflictField)}</th>
                        <th scope="col">{locale.t(Key::ConflictMine)}</th>
                        <th scope="col">{locale.t(Key::ConflictTheirs)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <div class="actions">
                <button type="button" class="secondary" on:click=move |_| answer(state, seq, "take")>
                    {locale.t(Key::TakeTheirs)}
                </button>
                {(!gone)
                    .then(|| {
                        view! {
                            <button type="button" class="primary" on:click=move |_| answer(state, seq, "keep")>
                                {locale.t(Key::KeepMine)}
                            </button>
                        }
                    })}
            </div>
        })
    };
    view! {
        <dialog node_ref=dialog class="dialog conflict-dialog" aria-labelledby="conflict-title" on:close=on_close>
            {body}
        </dialog>
    }
}

/// In the deal panel: the deal's changes the backend has not taken, with what the rep can do about each.
#[component]
pub fn HeldNotice(deal_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_board();
    let entries = Memo::new(move |_| {
        state.held.with(|held| held.iter().filter(|e| e.change.id() == deal_id).cloned().collect::<Vec<_>>())
    });
    move || {
        entries
            .get()
            .into_iter()
            .map(|entry| {
                let seq = entry.seq;
                let locale = use_i18n_untracked();
                match &entry.state {
                    EntryState::Parked { reason, message, fields } => {
                        let mut reason = match reason {
                            ParkReason::Gone => locale.t(Key::GoneError).to_string(),
                            ParkReason::Forbidden => locale.t(Key::ForbiddenError).to_string(),
                            ParkReason::Unsupported => locale.t(Key::NotSupportedHere).to_string(),
                            ParkReason::Invalid | ParkReason::Other => message.clone(),
                        };
                        for (field, problem) in fields {
                            reason.push_str(&format!(" ({field}: {problem})"));
                        }
                        let text = locale.tf(Key::ChangeRefused, &[("deal", &deal_name(state, &entry)), ("reason", &reason)]);
                        view! {
                            <div class="alert held-notice" role="alert">
                                <p>{text}</p>
                                <div class="actions">
                                    <button type="button" class="secondary" on:click=move |_| answer(state, seq, "discard")>
                                        {move || i18n.t(Key::DiscardChange)}
                                    </button>
                                    <button type="button" class="primary" on:click=move |_| answer(state, seq, "retry")>
                                        {move || i18n.t(Key::RetryChange)}
                                    </button>
                                </div>
                            </div>
                        }
                            .into_any()
                    }
                    _ => {
                        let text = locale.tf(Key::ConflictTitle, &[("deal", &deal_name(state, &entry))]);
                        view! {
                            <div class="alert held-notice" role="alert">
                                <p>{text}</p>
                                <button
                                    type="button"
                                    class="primary"
                                    on:click=move |_| state.dismissed.update(|d| d.retain(|s| *s != seq))
                                >
                                    {move || i18n.t(Key::ResolveConflict)}
                                </button>
                            </div>
                        }
                            .into_any()
                    }
                }
            })
            .collect_view()
    }
}
