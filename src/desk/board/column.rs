//! One stage column: header with count and totals over all its (filtered) deals, quick add, and its cards,
//! rendered incrementally so a column of thousands of deals stays fast.

use super::card::DealCard;
use super::moves;
use super::state::use_board;
use crate::i18n::{intl, Key};
use crate::ui::locale::use_i18n;
use crate::ui::more::ShowMore;
use leptos::prelude::*;
use std::hash::{Hash, Hasher};
use trato_protocol::{Deal, StageKind};

/// Cards rendered at first, and added each time the list is scrolled near its end.
const PAGE: usize = 40;

#[derive(Clone, PartialEq)]
enum Item {
    Card(Box<Deal>),
    DropHere,
}

impl Item {
    /// Changes whenever what the card shows changes, so the keyed list re-renders exactly those cards.
    fn key(&self) -> (String, u64) {
        match self {
            Item::Card(deal) => {
                let mut hasher = std::collections::hash_map::DefaultHasher::new();
                // Everything a card shows (and its version, which covers server-side changes).
                (deal.meta.version, &deal.name, &deal.stage_id, deal.position.to_bits(), &deal.amount.minor)
                    .hash(&mut hasher);
                (&deal.amount.currency, &deal.account_id, &deal.owner_id, &deal.expected_close).hash(&mut hasher);
                (&deal.stage_entered_at, &deal.last_activity_at).hash(&mut hasher);
                if let Some(next) = &deal.next_activity {
                    (&next.id, &next.subject, &next.due_on).hash(&mut hasher);
                }
                (deal.meta.id.clone(), hasher.finish())
            }
            Item::DropHere => ("drop-here".into(), 0),
        }
    }
}

/// A stage column of the board.
#[component]
pub fn StageColumn(stage_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_board();
    let id = stage_id.clone();
    let column = Memo::new(move |_| state.columns.with(|cs| cs.iter().find(|c| c.stage.id == id).cloned()));
    let limit = RwSignal::new(PAGE);
    let adding = RwSignal::new(false);
    let sid = stage_id.clone();
    let items = Memo::new(move |_| {
        let Some(column) = column.get() else { return vec![] };
        let mut list: Vec<Item> =
            column.deals.iter().take(limit.get()).map(|d| Item::Card(Box::new(d.clone()))).collect();
        if let Some(target) = state.target().filter(|t| t.stage_id == sid) {
            let mut seen = 0;
            let mut at = list.len();
            for (i, item) in list.iter().enumerate() {
                if seen == target.index {
                    at = i;
                    break;
                }
                if let Item::Card(deal) = item {
                    if deal.meta.id != target.deal_id {
                        seen += 1;
                    }
                }
            }
            list.insert(at, Item::DropHere);
        }
        list
    });
    let hidden = move || column.with(|c| c.as_ref().map_or(0, |c| c.deals.len().saturating_sub(limit.get())));
    let on_scroll = move |ev: leptos::ev::Event| {
        let list = event_target::<web_sys::Element>(&ev);
        if list.scroll_top() + list.client_height() + 400 >= list.scroll_height() && hidden() > 0 {
            limit.update(|l| *l += PAGE);
        }
    };
    let heading_id = format!("stage-{stage_id}");
    let labelled_by = heading_id.clone();
    let stage_for_add = stage_id.clone();
    // The section is built once; only its numbers and its cards follow the data, so a move re-renders the moved
    // card, not the column.
    let Some(stage) =
        state.columns.with_untracked(|cs| cs.iter().find(|c| c.stage.id == stage_id).map(|c| c.stage.clone()))
    else {
        return ().into_any();
    };
    let kind_class = match stage.kind {
        StageKind::Open => "column",
        StageKind::Won => "column won",
        StageKind::Lost => "column lost",
    };
    // While only the first cards are known, the count is the stage's whole count when the cache told it, and the
    // totals wait for the whole set.
    let partial = Memo::new(move |_| state.data.with(|d| d.partial.is_some()));
    let known_count = {
        let id = stage_id.clone();
        move || state.data.with(|d| d.partial.as_ref().and_then(|p| p.counts.get(&id).copied()))
    };
    let count = move || column.with(|c| c.as_ref().map_or(0, |c| c.summary.count));
    let count_text = move || match (partial.get(), known_count()) {
        (false, _) => intl::number(i18n.locale(), count() as f64),
        (true, Some(all)) => intl::number(i18n.locale(), all as f64),
        (true, None) => "…".to_string(),
    };
    let total = move || match partial.get() {
        true => Some("…".to_string()),
        false => column.with(|c| c.as_ref().map(|c| super::state::join_money(i18n.locale(), &c.summary.total))),
    };
    let weighted = move || match partial.get() {
        true => Some("…".to_string()),
        false => column.with(|c| c.as_ref().map(|c| super::state::join_money(i18n.locale(), &c.summary.weighted))),
    };
    let add_label = stage.name.clone();
    let shown_id = stage.id.clone();
    let add_stage = stage_for_add.clone();
    view! {
                        <section
                            class=kind_class
                            class:shown=move || state.shown_stage_id().as_deref() == Some(shown_id.as_str())
                            id=format!("column-{}", stage.id)
                            aria-labelledby=labelled_by
                            data-stage=stage.id.clone()
                        >
                            <header class="column-head">
                                <div class="column-title">
                                    <h2 id=heading_id>{stage.name.clone()}</h2>
                                    <button
                                        type="button"
                                        class="icon-button"
                                        aria-expanded=move || adding.get().to_string()
                                        aria-label=move || i18n.0.get().tf(Key::QuickAdd, &[("stage", &add_label)])
                                        title=move || i18n.t(Key::Add)
                                        on:click=move |_| adding.update(|a| *a = !*a)
                                    >
                                        "+"
                                    </button>
                                </div>
                                <p class="column-count">
                                    {move || i18n.0.get().tf(Key::ColumnDeals, &[("count", &count_text())])}
                                    " · "
                                    {stage.probability}
                                    "%"
                                </p>
                                <dl class="column-totals" aria-busy=move || partial.get().to_string()>
                                    <div>
                                        <dt>{move || i18n.t(Key::ColumnTotal)}</dt>
                                        <dd class="column-total">{total}</dd>
                                    </div>
                                    <div>
                                        <dt>{move || i18n.t(Key::ColumnWeighted)}</dt>
                                        <dd class="column-weighted">{weighted}</dd>
                                    </div>
                                </dl>
                            </header>
                            <Show when=move || adding.get()>
                                <moves::QuickAdd stage_id=add_stage.clone() open=adding />
                            </Show>
                            <Show when=move || count() == 0 && !partial.get()>
                                <p class="column-empty">{move || i18n.t(Key::NoDealsInStage)}</p>
                            </Show>
                            <ul class="cards" on:scroll=on_scroll>
                                <For each=move || items.get() key=Item::key let:item>
                                    {match item {
                                        Item::Card(deal) => view! { <DealCard deal=*deal /> }.into_any(),
                                        Item::DropHere => view! { <li class="drop-here" aria-hidden="true"></li> }.into_any(),
                                    }}
                                </For>
                            </ul>
                            <ShowMore total=Signal::derive(move || hidden() + limit.get()) limit step=PAGE />
                        </section>
    }
    .into_any()
}
