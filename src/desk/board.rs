//! The pipeline board (read-only in this version): pipeline switcher, stage columns with count, total and
//! weighted amount over all their deals, and deal cards.

use super::shell::TopBar;
use super::{SessionState, Store};
use crate::connector::ConnectorError;
use crate::domain::board::{build_columns, days_in_stage, initials, is_rotting, Column};
use crate::domain::money::Totals;
use crate::i18n::{intl, Key, Locale};
use crate::store::BoardData;
use crate::ui::error::{describe, ErrorMessage};
use crate::ui::locale::use_i18n;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use trato_protocol::{Deal, StageKind};

/// The board route; sends signed-out visitors to the sign-in page.
#[component]
pub fn BoardPage() -> impl IntoView {
    let state = expect_context::<SessionState>();
    move || {
        if state.session.with(Option::is_none) {
            view! { <Redirect path="/login" /> }.into_any()
        } else {
            view! {
                <TopBar />
                <Board />
            }
            .into_any()
        }
    }
}

fn join_money(locale: Locale, totals: &Totals) -> String {
    let amounts = totals.amounts();
    if amounts.is_empty() {
        return intl::money(locale, &trato_protocol::Money { minor: 0, currency: "EUR".into() });
    }
    amounts.iter().map(|m| intl::money(locale, m)).collect::<Vec<_>>().join(" + ")
}

/// Loads the board data and shows the selected pipeline.
#[component]
fn Board() -> impl IntoView {
    let i18n = use_i18n();
    let store = expect_context::<Store>();
    let state = expect_context::<SessionState>();
    let data = LocalResource::new(move || {
        let store = store.clone();
        async move { store.load_board().await }
    });
    view! {
        <main id="main" class="board-page">
            {move || match data.get() {
                None => view! { <p class="boot" role="status">{move || i18n.t(Key::Loading)}</p> }.into_any(),
                Some(Ok(board)) => view! { <BoardView board=board /> }.into_any(),
                Some(Err(ConnectorError::Unauthorized(_))) => {
                    state.session.set(None);
                    ().into_any()
                }
                Some(Err(error)) => {
                    let message = Signal::derive(move || describe(i18n.locale(), &error));
                    view! {
                        <h1>{move || i18n.t(Key::BoardTitle)}</h1>
                        <ErrorMessage message=message />
                        <button type="button" class="secondary" on:click=move |_| data.refetch()>
                            {move || i18n.t(Key::Retry)}
                        </button>
                    }
                    .into_any()
                }
            }}
        </main>
    }
}

/// The pipeline switcher and the columns of the selected pipeline.
#[component]
pub fn BoardView(board: BoardData) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let board = StoredValue::new(board);
    let selected = Memo::new(move |_| {
        let wanted = query.read().get("pipeline");
        board.with_value(|b| {
            wanted.and_then(|id| b.pipelines.iter().position(|p| p.meta.id == id)).or(if b.pipelines.is_empty() {
                None
            } else {
                Some(0)
            })
        })
    });
    let columns = Memo::new(move |_| {
        selected
            .get()
            .map(|index| board.with_value(|b| build_columns(&b.pipelines[index], &b.deals)))
            .unwrap_or_default()
    });
    let on_pipeline = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        let path = format!("/?pipeline={}", crate::connector::trato::encode_component(&id));
        navigate(&path, NavigateOptions { replace: true, ..Default::default() });
    };
    let summary = move || {
        let locale = i18n.locale();
        let mut open = Totals::default();
        let mut count = 0;
        for column in columns.get().iter().filter(|c| c.stage.kind == StageKind::Open) {
            count += column.summary.count;
            for money in column.summary.total.amounts() {
                open.add(&money.currency, money.minor);
            }
        }
        locale.tf(
            Key::BoardSummary,
            &[("count", &intl::number(locale, count as f64)), ("total", &join_money(locale, &open))],
        )
    };
    let now = intl::now_ms();
    view! {
        <div class="board-head">
            <h1>{move || i18n.t(Key::BoardTitle)}</h1>
            <label class="field inline">
                <span>{move || i18n.t(Key::PipelineLabel)}</span>
                <select on:change=on_pipeline>
                    {board.with_value(|b| {
                        b.pipelines
                            .iter()
                            .enumerate()
                            .map(|(index, p)| {
                                view! {
                                    <option value=p.meta.id.clone() selected=move || selected.get() == Some(index)>
                                        {p.name.clone()}
                                    </option>
                                }
                            })
                            .collect_view()
                    })}
                </select>
            </label>
            <p class="board-summary">{summary}</p>
        </div>
        <Show when=move || selected.get().is_some() fallback=move || view! { <p>{move || i18n.t(Key::NoPipelines)}</p> }>
            <div class="board" role="region" aria-label=move || i18n.t(Key::BoardTitle)>
                {move || {
                    columns.get().into_iter().map(|column| view! { <StageColumn column=column board=board now=now /> }).collect_view()
                }}
            </div>
        </Show>
    }
}

/// One stage column: header with count and totals, then the cards.
#[component]
fn StageColumn(column: Column, board: StoredValue<BoardData>, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let heading_id = format!("stage-{}", column.stage.id);
    let labelled_by = heading_id.clone();
    let kind_class = match column.stage.kind {
        StageKind::Open => "column",
        StageKind::Won => "column won",
        StageKind::Lost => "column lost",
    };
    let summary = column.summary.clone();
    let count = summary.count;
    let total = summary.total.clone();
    let weighted = summary.weighted.clone();
    let probability = column.stage.probability;
    let stage = column.stage.clone();
    let cards = column
        .deals
        .into_iter()
        .map(|deal| {
            let rotting = is_rotting(&deal, &stage, now);
            view! { <DealCard deal=deal board=board rotting=rotting now=now /> }
        })
        .collect_view();
    view! {
        <section class=kind_class aria-labelledby=labelled_by data-stage=column.stage.id.clone()>
            <header class="column-head">
                <h2 id=heading_id>{column.stage.name.clone()}</h2>
                <p class="column-count">
                    {move || i18n.0.get().tf(Key::ColumnDeals, &[("count", &intl::number(i18n.locale(), count as f64))])}
                    " · " {probability} "%"
                </p>
                <dl class="column-totals">
                    <div>
                        <dt>{move || i18n.t(Key::ColumnTotal)}</dt>
                        <dd class="column-total">{move || join_money(i18n.locale(), &total)}</dd>
                    </div>
                    <div>
                        <dt>{move || i18n.t(Key::ColumnWeighted)}</dt>
                        <dd class="column-weighted">{move || join_money(i18n.locale(), &weighted)}</dd>
                    </div>
                </dl>
            </header>
            <Show when=move || count == 0>
                <p class="column-empty">{move || i18n.t(Key::NoDealsInStage)}</p>
            </Show>
            <ul class="cards">{cards}</ul>
        </section>
    }
}

/// A deal card: name, account, amount, expected close, owner, days in stage, rotting mark.
#[component]
fn DealCard(deal: Deal, board: StoredValue<BoardData>, rotting: bool, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let title_id = format!("deal-{}", deal.meta.id);
    let labelled_by = title_id.clone();
    let account = deal.account_id.as_ref().and_then(|id| board.with_value(|b| b.account_names.get(id).cloned()));
    let owner = deal.owner_id.as_ref().and_then(|id| board.with_value(|b| b.users.get(id).map(|u| u.name.clone())));
    let owner_initials = owner.as_deref().map(initials).unwrap_or_default();
    let days = days_in_stage(&deal, now);
    let amount = deal.amount.clone();
    let close = deal.expected_close.clone();
    let owner_text = owner.clone();
    view! {
        <li>
            <article class="card" class:rotting=rotting tabindex="0" aria-labelledby=labelled_by data-deal=deal.meta.id.clone()>
                <h3 id=title_id>{deal.name.clone()}</h3>
                <p class="card-account">
                    {match account {
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
                    <span class="avatar" aria-hidden="true" title=owner.clone().unwrap_or_default()>{owner_initials}</span>
                    <span class="visually-hidden">
                        {move || i18n.t(Key::OwnerLabel)} ": "
                        {match &owner_text {
                            Some(name) => name.clone(),
                            None => i18n.t(Key::Unassigned).to_string(),
                        }}
                    </span>
                </p>
                <p class="card-days">
                    {move || days.map(|d| i18n.0.get().tf(Key::DaysInStage, &[("days", &d.to_string())])).unwrap_or_default()}
                    {rotting.then(|| view! { <span class="badge rotting-badge">{move || i18n.t(Key::Rotting)}</span> })}
                </p>
            </article>
        </li>
    }
}
