//! A deal card: name, account, amount, expected close, owner, next activity (overdue or not), days in stage,
//! rotting mark, and a "move to stage" menu. Cards move by pointer (see `drag`) and keyboard.

use super::state::use_board;
use super::{drag, moves};
use crate::domain::board::{days_in_stage, initials, is_rotting};
use crate::domain::time::date_to_days;
use crate::i18n::{intl, Key};
use crate::ui::locale::use_i18n;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use trato_protocol::Deal;

/// One card of the board.
#[component]
pub fn DealCard(deal: Deal) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_board();
    let navigate = use_navigate();
    let id = deal.meta.id.clone();
    let title_id = format!("deal-{id}");
    let labelled_by = title_id.clone();
    // Followed: on a first visit the first cards come before their accounts are pulled.
    let account_id = deal.account_id.clone();
    let account = Memo::new(move |_| {
        let id = account_id.as_ref()?;
        state.data.with(|b| b.account_names.get(id).cloned())
    });
    let (owner, stage, stages) = state.data.with_untracked(|b| {
        let owner = deal.owner_id.as_ref().and_then(|u| b.users.get(u).map(|u| u.name.clone()));
        let pipeline = b.pipelines.iter().find(|p| p.meta.id == deal.pipeline_id);
        let stage = pipeline.and_then(|p| p.stages.iter().find(|s| s.id == deal.stage_id).cloned());
        let stages = pipeline.map(|p| p.stages.clone()).unwrap_or_default();
        (owner, stage, stages)
    });
    let rotting = {
        let deal = deal.clone();
        Signal::derive(move || stage.as_ref().is_some_and(|s| is_rotting(&deal, s, state.now.get())))
    };
    let days = {
        let deal = deal.clone();
        move || days_in_stage(&deal, state.now.get())
    };
    let next = deal.next_activity.clone();
    let due_day = next.as_ref().and_then(|n| n.due_on.as_deref()).and_then(date_to_days);
    let overdue = move || due_day.is_some_and(|d| d < state.today());
    let owner_initials = owner.as_deref().map(initials).unwrap_or_default();
    let amount = deal.amount.clone();
    let close = deal.expected_close.clone();
    let owner_title = owner.clone().unwrap_or_default();
    let picked_id = id.clone();
    let dragged_id = id.clone();
    let key_id = id.clone();
    let down_id = id.clone();
    let open_id = id.clone();
    let move_id = id.clone();
    let held_id = id.clone();
    let current_stage = deal.stage_id.clone();
    let focus_id = id.clone();
    let card_ref = NodeRef::<leptos::html::Article>::new();
    let restore_id = id.clone();
    Effect::new(move |_| {
        if let Some(card) = card_ref.get() {
            drag::restore_focus(&restore_id, &card);
        }
    });
    let on_open = move |ev: leptos::ev::MouseEvent| {
        if drag::is_control(&ev) || drag::just_dragged() {
            return;
        }
        navigate(&format!("/deals/{}", crate::connector::trato::encode_component(&open_id)), Default::default());
    };
    let on_move = move |ev: leptos::ev::Event| {
        let stage_id = event_target_value(&ev);
        if !stage_id.is_empty() {
            moves::move_deal(state, &move_id, &stage_id, None, None);
        }
    };
    view! {
        <li>
            <article
                class="card"
                class:rotting=rotting
                class:picked=move || state.pick.with(|p| p.as_ref().is_some_and(|p| p.deal_id == picked_id))
                class:dragging=move || state.drag.with(|d| d.as_ref().is_some_and(|d| d.deal_id == dragged_id))
                tabindex="0"
                aria-labelledby=labelled_by
                aria-describedby="card-help"
                data-deal=id.clone()
                on:keydown=move |ev| drag::on_card_key(state, &key_id, ev)
                on:pointerdown=move |ev| drag::on_pointer_down(state, &down_id, ev)
                on:click=on_open
                on:focus=move |_| drag::remember_focus(&focus_id)
                on:focusout=|ev| drag::forget_focus(&ev)
                node_ref=card_ref
            >
                <span class="drag-handle" aria-hidden="true" title=move || i18n.t(Key::DragHandle)>"⠿"</span>
                <h3 id=title_id>{deal.name.clone()}</h3>
                <p class="card-account">
                    {move || match account.get() {
                        Some(name) => name.into_any(),
                        None => view! { <span class="muted">{move || i18n.t(Key::NoAccount)}</span> }.into_any(),
                    }}
                </p>
                <p class="card-amount">{move || intl::money(i18n.locale(), &amount)}</p>
                <p class="card-meta">
                    <span class="card-close">
                        <span class="visually-hidden">{move || i18n.t(Key::ExpectedClose)} ": "</span>
                        {move || match &close {
                            Some(date) => intl::date(i18n.locale(), date),
                            None => i18n.t(Key::NoCloseDate).to_string(),
                        }}
                    </span>
                    <span class="avatar" aria-hidden="true" title=owner_title>{owner_initials}</span>
                    <span class="visually-hidden">
                        {move || i18n.t(Key::OwnerLabel)}
                        ": "
                        {owner.clone().unwrap_or_else(|| i18n.t(Key::Unassigned).to_string())}
                    </span>
                </p>
                <p class="card-next" class:overdue=overdue>
                    {match next {
                        Some(next) => {
                            let due = next.due_on.clone();
                            view! {
                                <span class="visually-hidden">{move || i18n.t(Key::NextActivity)} ": "</span>
                                <span class="next-subject">{next.subject.clone()}</span>
                                {due.map(|d| view! { " · " {move || intl::date(i18n.locale(), &d)} })}
                                {move || overdue().then(|| view! { <span class="badge overdue-badge">{move || i18n.t(Key::Overdue)}</span> })}
                            }
                                .into_any()
                        }
                        None => view! { <span class="muted">{move || i18n.t(Key::NoActivityPlanned)}</span> }.into_any(),
                    }}
                </p>
                <p class="card-days">
                    {move || days().map(|d| i18n.0.get().tf(Key::DaysInStage, &[("days", &d.to_string())])).unwrap_or_default()}
                    {move || rotting.get().then(|| view! { <span class="badge rotting-badge">{move || i18n.t(Key::Rotting)}</span> })}
                    {move || {
                        state
                            .held
                            .with(|held| held.iter().any(|e| e.change.id() == held_id))
                            .then(|| view! { <span class="badge held-badge">{move || i18n.t(Key::NotSaved)}</span> })
                    }}
                </p>
                <label class="card-move">
                    <span class="visually-hidden">{move || i18n.t(Key::MoveToStage)}</span>
                    <select on:change=on_move>
                        <option value="" selected>{move || i18n.t(Key::MoveToStagePrompt)}</option>
                        {stages
                            .into_iter()
                            .filter(|s| s.id != current_stage)
                            .map(|s| view! { <option value=s.id.clone()>{s.name.clone()}</option> })
                            .collect_view()}
                    </select>
                </label>
            </article>
        </li>
    }
}
