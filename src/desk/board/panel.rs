//! The deal panel beside the board (`/deals/{id}`, so it can be linked and reloaded): inline editing of every
//! field with per-field messages, the activity timeline (notes, calls, meetings, e-mails, tasks, stage changes),
//! logging activities, next/previous deal (Alt+↓ / Alt+↑) and Escape to close.

use super::state::{use_board, BoardState};
use super::{conflict, moves};
use crate::domain::money::parse_major;
use crate::domain::time::date_to_days;
use crate::i18n::{intl, Key, Locale};
use crate::store::outbox::EntryState;
use crate::ui::confirm::ConfirmButton;
use crate::ui::field::Field;
use crate::ui::locale::{use_i18n, use_i18n_untracked};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use trato_protocol::*;

use crate::desk::customers::activity::{log, Draft, Links};
use crate::desk::customers::work::{kind_key, LOGGABLE};

/// Links from a deal to its account's and its contact's pages.
fn customer_links(account: Option<String>, contact: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let link = |base: &str, id: Option<String>, key: Key| {
        id.map(|id| {
            let href = format!("{base}/{}", crate::connector::trato::encode_component(&id));
            view! { <a href=href>{move || i18n.t(key)}</a> }
        })
    };
    view! {
        <p class="panel-links">
            {link("/accounts", account, Key::OpenAccount)}
            {link("/contacts", contact, Key::OpenContact)}
        </p>
    }
}

/// Ids of the visible deals in board order (columns left to right, cards top to bottom).
fn board_order(state: BoardState) -> Vec<String> {
    state.columns.with_untracked(|cs| cs.iter().flat_map(|c| c.deals.iter().map(|d| d.meta.id.clone())).collect())
}

/// Applies one field edit: validates it, shows it at once, saves it, and reports errors next to the field.
fn edit(
    state: BoardState,
    id: &str,
    errors: RwSignal<FieldErrors>,
    change: impl FnOnce(&mut Deal, &mut DealPatch) -> Result<(), (String, Key)>,
) {
    let Some(before) = state.deal(id) else { return };
    let mut after = before.clone();
    let mut patch = DealPatch::default();
    let locale = use_i18n_untracked();
    if let Err((field, key)) = change(&mut after, &mut patch) {
        errors.update(|e| {
            e.insert(field, locale.t(key).into());
        });
        return;
    }
    if after == before {
        return;
    }
    errors.set(FieldErrors::new());
    moves::save_change(state, before, after, patch, locale.t(Key::Saved).into(), true);
}

fn none_if_empty(text: String) -> Option<String> {
    let text = text.trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// The deal's editable fields, in order (to give focus back after they are drawn again).
const FIELDS: &str = ".deal-fields input, .deal-fields select, .deal-fields textarea";

/// The panel for one deal.
#[component]
pub fn DealPanel(deal_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_board();
    let navigate = use_navigate();
    let id = deal_id.clone();
    let deal = Memo::new(move |_| state.data.with(|b| b.deals.iter().find(|d| d.meta.id == id).cloned()));
    let errors = RwSignal::new(FieldErrors::new());
    let contacts = RwSignal::new(Vec::<Contact>::new());

    let close_nav = navigate.clone();
    let close_id = deal_id.clone();
    let close = move || {
        let path = match state.pipeline_id() {
            Some(p) => format!("/?pipeline={p}"),
            None => "/".into(),
        };
        close_nav(&path, Default::default());
        // Focus goes back to the card the panel was opened from.
        super::drag::focus_card(close_id.clone());
    };
    let go_nav = navigate.clone();
    let step_id = deal_id.clone();
    let step = move |offset: isize| {
        let order = board_order(state);
        let Some(index) = order.iter().position(|d| *d == step_id) else { return };
        let next = index as isize + offset;
        if next >= 0 && (next as usize) < order.len() {
            go_nav(
                &format!("/deals/{}", crate::connector::trato::encode_component(&order[next as usize])),
                Default::default(),
            );
        }
    };
    let step_keys = step.clone();
    let close_keys = close.clone();
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.default_prevented() || state.pending_lost.with_untracked(Option::is_some) {
            return;
        }
        match ev.key().as_str() {
            "Escape" => {
                ev.prevent_default();
                close_keys();
            }
            "ArrowDown" if ev.alt_key() => {
                ev.prevent_default();
                step_keys(1);
            }
            "ArrowUp" if ev.alt_key() => {
                ev.prevent_default();
                step_keys(-1);
            }
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());

    // Contacts of the deal's account, for the contact picker.
    Effect::new(move |_| {
        let account = deal.with(|d| d.as_ref().and_then(|d| d.account_id.clone()));
        let Some(store) = state.store.get_value() else { return };
        match account {
            Some(account) => leptos::task::spawn_local(async move {
                contacts.try_set(store.account_contacts(&account).await.unwrap_or_default());
            }),
            None => contacts.set(vec![]),
        }
    });

    // The backend's per-field messages for a refused change of this deal.
    let held_id = deal_id.clone();
    Effect::new(move |_| {
        let fields = state.held.with(|held| {
            held.iter().find_map(|e| match &e.state {
                EntryState::Parked { fields, .. } if e.change.id() == held_id && !fields.is_empty() => {
                    Some(fields.clone())
                }
                _ => None,
            })
        });
        if let Some(fields) = fields {
            errors.set(fields);
        }
    });

    let timeline_id = deal_id.clone();
    let activities = LocalResource::new(move || {
        state.timeline.track();
        let store = state.store.get_value();
        let id = timeline_id.clone();
        async move {
            match store {
                Some(store) => store.deal_activities(&id).await,
                None => Ok(vec![]),
            }
        }
    });

    // Focus moves into the panel when it opens (on a phone it covers the board).
    let title = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |_| {
        if let Some(title) = title.get() {
            let _ = title.focus();
        }
    });
    let close_button = close.clone();
    let prev = step.clone();
    let next = step.clone();
    let delete_id = deal_id.clone();
    let close_after_delete = close.clone();
    let with_activities = state.capabilities().activities;
    let log_for = deal_id.clone();
    view! {
        <section class="deal-panel" aria-labelledby="panel-title" data-panel=deal_id.clone()>
            <div class="panel-head">
                <h2 id="panel-title" tabindex="-1" node_ref=title>{move || deal.with(|d| d.as_ref().map(|d| d.name.clone()).unwrap_or_default())}</h2>
                <div class="panel-nav">
                    <button type="button" class="icon-button" aria-keyshortcuts="Alt+ArrowUp" title=move || i18n.t(Key::PreviousDeal) on:click=move |_| prev(-1)>
                        <span aria-hidden="true">"↑"</span>
                        <span class="visually-hidden">{move || i18n.t(Key::PreviousDeal)}</span>
                    </button>
                    <button type="button" class="icon-button" aria-keyshortcuts="Alt+ArrowDown" title=move || i18n.t(Key::NextDeal) on:click=move |_| next(1)>
                        <span aria-hidden="true">"↓"</span>
                        <span class="visually-hidden">{move || i18n.t(Key::NextDeal)}</span>
                    </button>
                    <button type="button" class="icon-button" aria-keyshortcuts="Escape" title=move || i18n.t(Key::Close) on:click=move |_| close_button()>
                        <span aria-hidden="true">"✕"</span>
                        <span class="visually-hidden">{move || i18n.t(Key::Close)}</span>
                    </button>
                </div>
            </div>
            <conflict::HeldNotice deal_id=deal_id.clone() />
            {move || match deal.get() {
                None => view! { <p class="muted">{move || i18n.t(Key::DealNotFound)}</p> }.into_any(),
                Some(d) => {
                    // The fields are drawn again with the saved deal: the field that had focus keeps it.
                    let focused = crate::ui::focus::focused_index(FIELDS);
                    let fields = view! { <DealFields deal=d errors=errors contacts=contacts /> }.into_any();
                    if let Some(index) = focused {
                        crate::ui::focus::focus_index_later(FIELDS, index);
                    }
                    fields
                }
            }}
            // A backend without activities (Tryton) gets no form and no timeline, rather than a refusal.
            {with_activities.then(|| view! {
            <LogActivity deal_id=log_for.clone() />
            <h3>{move || i18n.t(Key::Timeline)}</h3>
            {move || match activities.get() {
                None => view! { <p class="muted" role="status">{move || i18n.t(Key::Loading)}</p> }.into_any(),
                Some(Err(error)) => view! { <p class="alert" role="alert">{moves::cache_error(&error)}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="muted">{move || i18n.t(Key::EmptyTimeline)}</p> }.into_any(),
                Some(Ok(list)) => {
                    view! {
                        <ol class="timeline">
                            {list
                                .into_iter()
                                .map(|activity| view! { <TimelineItem activity=activity /> })
                                .collect_view()}
                        </ol>
                    }
                        .into_any()
                }
            }}
            })}
            // Far from the everyday buttons, and asked first (Undo in the notice is the second chance).
            <div class="panel-danger">
                <ConfirmButton
                    id="delete-deal"
                    label=Key::DeleteDeal
                    title=Signal::derive(move || {
                        let name = deal.with(|d| d.as_ref().map(|d| d.name.clone()).unwrap_or_default());
                        i18n.0.get().tf(Key::ConfirmDeleteDeal, &[("deal", &name)])
                    })
                    body=Key::ConfirmDeleteDealBody
                    confirm=Key::ConfirmDelete
                    on_confirm=move || {
                        moves::delete_deal(state, &delete_id);
                        close_after_delete();
                    }
                />
            </div>
        </section>
    }
}

/// The editable fields of a deal.
#[component]
fn DealFields(deal: Deal, errors: RwSignal<FieldErrors>, contacts: RwSignal<Vec<Contact>>) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_board();
    let id = deal.meta.id.clone();
    let (stages, users, accounts) = state.data.with_untracked(|b| {
        let stages =
            b.pipelines.iter().find(|p| p.meta.id == deal.pipeline_id).map(|p| p.stages.clone()).unwrap_or_default();
        let mut users: Vec<User> = b.users.values().cloned().collect();
        users.sort_by(|a, b| a.name.cmp(&b.name));
        let mut accounts: Vec<(String, String)> = b.account_names.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        accounts.sort_by(|a, b| a.1.cmp(&b.1));
        (stages, users, accounts)
    });
    let stage = stages.iter().find(|s| s.id == deal.stage_id).cloned();
    let stage_probability = stage.as_ref().map_or(0, |s| s.probability);
    let is_lost = stage.as_ref().is_some_and(|s| s.kind == StageKind::Lost);
    let account_name = deal
        .account_id
        .as_ref()
        .and_then(|a| accounts.iter().find(|(id, _)| id == a))
        .map(|(_, n)| n.clone())
        .unwrap_or_default();
    let error_of = move |field: &'static str| move || errors.with(|e| e.get(field).cloned());
    let field_error = move |field: &'static str| {
        view! {
            {move || error_of(field)().map(|m| view! { <p class="field-error" id=format!("err-{field}")>{m}</p> })}
        }
    };
    let described = move |field: &'static str| move || error_of(field)().map(|_| format!("err-{field}"));
    let currency = deal.amount.currency.clone();

    let (i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11) = (
        id.clone(),
        id.clone(),
        id.clone(),
        id.clone(),
        id.clone(),
        id.clone(),
        id.clone(),
        id.clone(),
        id.clone(),
        id.clone(),
        id.clone(),
    );
    let major = format!(
        "{}",
        deal.amount.minor as f64 / 10f64.powi(crate::domain::money::exponent(&deal.amount.currency) as i32)
    );
    // Shown the way the rep's locale writes decimals (parse_major reads both separators).
    let amount_text = if i18n.0.get_untracked() == Locale::Es { major.replace('.', ",") } else { major };
    let accounts_for_change = accounts.clone();
    view! {
        <form class="deal-fields" on:submit=|ev| ev.prevent_default()>
            <Field label=Key::DealName>
                <input
                    type="text"
                    maxlength="200"
                    prop:value=deal.name.clone()
                    aria-invalid=move || error_of("name")().is_some().to_string()
                    aria-describedby=described("name")
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        edit(state, &i1, errors, |d, p| {
                            let value = value.trim().to_string();
                            if value.is_empty() {
                                return Err(("name".into(), Key::Required));
                            }
                            d.name = value.clone();
                            p.name = Some(value);
                            Ok(())
                        })
                    }
                />
                {field_error("name")}
            </Field>
            <label class="field">
                <span>{move || i18n.t(Key::AmountLabel)} " (" {currency.clone()} ")"</span>
                <input
                    type="text"
                    inputmode="decimal"
                    prop:value=amount_text
                    aria-invalid=move || error_of("amount.minor")().is_some().to_string()
                    aria-describedby=described("amount.minor")
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        edit(state, &i2, errors, |d, p| {
                            let minor = parse_major(&value, &d.amount.currency).ok_or(("amount.minor".to_string(), Key::InvalidAmount))?;
                            d.amount.minor = minor;
                            p.amount = Some(d.amount.clone());
                            Ok(())
                        })
                    }
                />
                {field_error("amount.minor")}
            </label>
            <Field label=Key::StageLabel>
                <select on:change=move |ev| {
                    let stage_id = event_target_value(&ev);
                    moves::move_deal(state, &i3, &stage_id, None, None);
                }>
                    {stages
                        .iter()
                        .map(|s| view! { <option value=s.id.clone() selected=s.id == deal.stage_id>{s.name.clone()}</option> })
                        .collect_view()}
                </select>
            </Field>
            <Field label=Key::ProbabilityLabel>
                <input
                    type="number"
                    min="0"
                    max="100"
                    prop:value=deal.probability.map(|p| p.to_string()).unwrap_or_default()
                    placeholder=stage_probability.to_string()
                    aria-describedby="probability-hint"
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        edit(state, &i4, errors, |d, p| {
                            let probability = match value.trim() {
                                "" => None,
                                text => Some(text.parse::<u8>().ok().filter(|v| *v <= 100).ok_or(("probability".to_string(), Key::InvalidProbability))?),
                            };
                            d.probability = probability;
                            p.probability = Some(probability);
                            Ok(())
                        })
                    }
                />
                <span class="hint" id="probability-hint">
                    {move || i18n.0.get().tf(Key::ProbabilityHint, &[("value", &stage_probability.to_string())])}
                </span>
                {field_error("probability")}
            </Field>
            <Field label=Key::OwnerLabel>
                <select on:change=move |ev| {
                    let owner = none_if_empty(event_target_value(&ev));
                    edit(state, &i5, errors, |d, p| {
                        d.owner_id = owner.clone();
                        p.owner_id = Some(owner);
                        Ok(())
                    })
                }>
                    <option value="" selected=deal.owner_id.is_none()>{move || i18n.t(Key::Unassigned)}</option>
                    {users
                        .iter()
                        .map(|u| view! { <option value=u.id.clone() selected=deal.owner_id.as_deref() == Some(u.id.as_str())>{u.name.clone()}</option> })
                        .collect_view()}
                </select>
            </Field>
            <Field label=Key::AccountLabel>
                <input
                    type="text"
                    list="panel-accounts"
                    autocomplete="off"
                    prop:value=account_name
                    aria-describedby=described("account_id")
                    on:change=move |ev| {
                        let name = event_target_value(&ev).trim().to_string();
                        let account = accounts_for_change.iter().find(|(_, n)| n.eq_ignore_ascii_case(&name)).map(|(id, _)| id.clone());
                        edit(state, &i6, errors, |d, p| {
                            if account.is_none() && !name.is_empty() {
                                return Err(("account_id".into(), Key::Required));
                            }
                            d.account_id = account.clone();
                            d.contact_id = None;
                            d.participant_ids.clear();
                            p.account_id = Some(account);
                            p.contact_id = Some(None);
                            p.participant_ids = Some(vec![]);
                            Ok(())
                        })
                    }
                />
                <datalist id="panel-accounts">
                    {accounts.iter().map(|(_, n)| view! { <option value=n.clone()></option> }).collect_view()}
                </datalist>
                {field_error("account_id")}
            </Field>
            {customer_links(deal.account_id.clone(), deal.contact_id.clone())}
            <Field label=Key::ContactLabel>
                <select on:change=move |ev| {
                    let contact = none_if_empty(event_target_value(&ev));
                    edit(state, &i7, errors, |d, p| {
                        d.contact_id = contact.clone();
                        p.contact_id = Some(contact);
                        Ok(())
                    })
                }>
                    <option value="" selected=deal.contact_id.is_none()>{move || i18n.t(Key::NoContact)}</option>
                    {move || {
                        let current = state.deal(&i9).and_then(|d| d.contact_id);
                        contacts
                            .get()
                            .into_iter()
                            .map(|c| {
                                let selected = current.as_deref() == Some(c.meta.id.as_str());
                                view! { <option value=c.meta.id.clone() selected=selected>{format!("{} {}", c.first_name, c.last_name)}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </Field>
            <Field label=Key::ParticipantsLabel>
                <select multiple size="4" on:change=move |ev| {
                    let Some(select) = event_target::<web_sys::HtmlSelectElement>(&ev).into() else { return };
                    let select: web_sys::HtmlSelectElement = select;
                    let options = select.selected_options();
                    let chosen: Vec<String> = (0..options.length())
                        .filter_map(|i| options.item(i))
                        .filter_map(|o| o.get_attribute("value"))
                        .collect();
                    edit(state, &i10, errors, |d, p| {
                        d.participant_ids = chosen.clone();
                        p.participant_ids = Some(chosen);
                        Ok(())
                    })
                }>
                    {move || {
                        let current = state.deal(&i11).map(|d| d.participant_ids).unwrap_or_default();
                        contacts
                            .get()
                            .into_iter()
                            .map(|c| {
                                let selected = current.contains(&c.meta.id);
                                view! { <option value=c.meta.id.clone() selected=selected>{format!("{} {}", c.first_name, c.last_name)}</option> }
                            })
                            .collect_view()
                    }}
                </select>
                <span class="hint">{move || i18n.t(Key::ParticipantsHint)}</span>
                {field_error("participant_ids")}
            </Field>
            <Field label=Key::ExpectedClose>
                <input
                    type="date"
                    prop:value=deal.expected_close.clone().unwrap_or_default()
                    on:change=move |ev| {
                        let date = none_if_empty(event_target_value(&ev));
                        // The browser reports `0002-…` while the year is being typed: only a whole date is saved.
                        if date.as_deref().is_some_and(|d| !validate::is_complete_date(d)) {
                            return;
                        }
                        edit(state, &i8, errors, |d, p| {
                            d.expected_close = date.clone();
                            p.expected_close = Some(date);
                            Ok(())
                        })
                    }
                    on:focusout=move |ev| {
                        let value = event_target_value(&ev);
                        if !value.is_empty() && !validate::is_complete_date(&value) {
                            let message = use_i18n_untracked().t(Key::DateIncomplete).to_string();
                            errors.update(|e| {
                                e.insert("expected_close".into(), message);
                            });
                        }
                    }
                />
                {field_error("expected_close")}
            </Field>
            <Show when=move || is_lost>
                <LostReasonField id=id.clone() reason=deal.lost_reason.clone().unwrap_or_default() errors=errors />
            </Show>
        </form>
    }
}

#[component]
fn LostReasonField(id: String, reason: String, errors: RwSignal<FieldErrors>) -> impl IntoView {
    let state = use_board();
    view! {
        <Field label=Key::LostReasonLabel>
            <input
                type="text"
                maxlength="200"
                list="lost-reasons"
                prop:value=reason
                on:change=move |ev| {
                    let value = none_if_empty(event_target_value(&ev));
                    edit(state, &id, errors, |d, p| {
                        d.lost_reason = value.clone();
                        p.lost_reason = Some(value);
                        Ok(())
                    })
                }
            />
        </Field>
    }
}

fn stage_name(state: BoardState, stage_id: Option<&str>) -> String {
    let Some(stage_id) = stage_id else { return "?".into() };
    state.data.with_untracked(|b| {
        b.pipelines
            .iter()
            .flat_map(|p| p.stages.iter())
            .find(|s| s.id == stage_id)
            .map(|s| s.name.clone())
            .unwrap_or_else(|| "?".into())
    })
}

/// One entry of the timeline.
#[component]
fn TimelineItem(activity: Activity) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_board();
    let owner = activity
        .owner_id
        .as_ref()
        .and_then(|id| state.data.with_untracked(|b| b.users.get(id).map(|u| u.name.clone())));
    let due_day = activity.due_on.as_deref().and_then(date_to_days);
    let done = activity.done;
    let overdue = move || !done && due_day.is_some_and(|d| d < state.today());
    let plannable = matches!(activity.kind, ActivityKind::Task | ActivityKind::Call | ActivityKind::Meeting);
    let created = intl::local_date_of(&activity.meta.created_at);
    let summary = if activity.kind == ActivityKind::StageChange {
        format!(
            "{} → {}",
            stage_name(state, activity.from_stage_id.as_deref()),
            stage_name(state, activity.to_stage_id.as_deref())
        )
    } else {
        activity.subject.clone()
    };
    let kind = activity.kind;
    let due = activity.due_on.clone();
    let body = activity.body.clone();
    let done = activity.done;
    let toggle = move |ev: leptos::ev::Event| {
        let checked = event_target_checked(&ev);
        let Some(store) = state.store.get_value() else { return };
        let activity = activity.clone();
        leptos::task::spawn_local(async move {
            let patch = ActivityPatch { done: Some(checked), ..Default::default() };
            match store.update_activity(&activity, patch, moves::new_key()).await {
                Ok(_) => {
                    state.timeline.try_update(|n| *n += 1);
                }
                Err(error) => state.show_toast(moves::cache_error(&error), false, true),
            }
        });
    };
    view! {
        <li class="timeline-item" class:overdue=overdue class:done=done data-kind=format!("{kind:?}").to_lowercase()>
            <p class="timeline-head">
                <span class="badge kind-badge">{move || i18n.t(kind_key(kind))}</span>
                <span class="timeline-subject">{summary}</span>
            </p>
            {body.map(|b| view! { <p class="timeline-body">{b}</p> })}
            <p class="timeline-meta muted">
                {move || intl::date(i18n.locale(), &created)}
                {owner.clone().map(|name| view! { " · " {move || i18n.0.get().tf(Key::ByWhom, &[("name", &name)])} })}
            </p>
            {plannable
                .then(|| {
                    let due = due.clone();
                    view! {
                        <p class="timeline-task">
                            <label class="check">
                                <input type="checkbox" prop:checked=done on:change=toggle />
                                <span>{move || i18n.t(Key::TaskDone)}</span>
                            </label>
                            {due.map(|d| view! { <span class="due">{move || i18n.0.get().tf(Key::DueOn, &[("date", &intl::date(i18n.locale(), &d))])}</span> })}
                            {move || overdue().then(|| view! { <span class="badge overdue-badge">{move || i18n.t(Key::Overdue)}</span> })}
                        </p>
                    }
                })}
        </li>
    }
}

/// Logs a note, call, meeting, e-mail or task on the deal.
#[component]
fn LogActivity(deal_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_board();
    let kind = RwSignal::new("note".to_string());
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(store) = state.store.get_value() else { return };
        let Some(kind_value) = LOGGABLE.iter().find(|(_, code)| *code == kind.get_untracked()).map(|(k, _)| *k) else {
            return;
        };
        let Some(subject_text) = none_if_empty(subject.get_untracked()) else { return };
        let draft = Draft {
            kind: kind_value,
            subject: subject_text,
            body: none_if_empty(body.get_untracked()),
            due_on: none_if_empty(due.get_untracked()),
        };
        let account_id = state.deal(&deal_id).and_then(|d| d.account_id);
        let links = Links { deal_id: Some(deal_id.clone()), account_id, contact_id: None };
        let me = state.me.get_untracked();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let locale: Locale = use_i18n_untracked();
            match log(&store, draft, links, &me).await {
                Ok(_) => {
                    subject.try_set(String::new());
                    body.try_set(String::new());
                    due.try_set(String::new());
                    state.show_toast(locale.t(Key::ActivityLogged).into(), false, false);
                    state.timeline.try_update(|n| *n += 1);
                }
                Err(error) => state.show_toast(moves::cache_error(&error), false, true),
            }
            busy.try_set(false);
        });
    };
    view! {
        <form class="log-activity" on:submit=on_submit>
            <h3>{move || i18n.t(Key::LogActivity)}</h3>
            <Field label=Key::ActivityKindLabel>
                <select on:change=move |ev| kind.set(event_target_value(&ev))>
                    {LOGGABLE
                        .into_iter()
                        .map(|(k, code)| view! { <option value=code selected=move || kind.get() == code>{move || i18n.t(kind_key(k))}</option> })
                        .collect_view()}
                </select>
            </Field>
            <Field label=Key::SubjectLabel>
                <input type="text" required maxlength="200" bind:value=subject />
            </Field>
            <Field label=Key::NotesLabel>
                <textarea rows="3" maxlength="20000" bind:value=body></textarea>
            </Field>
            <Field label=Key::DueLabel>
                <input type="date" bind:value=due />
            </Field>
            <button type="submit" class="primary" disabled=move || busy.get()>{move || i18n.t(Key::Save)}</button>
        </form>
    }
}
