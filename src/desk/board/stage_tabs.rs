//! On a phone the board shows one stage at a time: tabs with each stage's count and total above it, and a
//! sideways swipe over the cards goes to the next or previous stage. Wider screens hide the tabs (CSS) and show
//! every column.

use super::state::{join_money, BoardState};
use crate::i18n::{intl, Key};
use crate::ui::locale::use_i18n;
use crate::ui::tabs::{Tab, Tabs};
use leptos::prelude::*;
use std::cell::Cell;

/// Horizontal travel (CSS pixels) that makes a swipe.
const SWIPE_MIN: f64 = 60.0;

thread_local! {
    static SWIPE_FROM: Cell<Option<(f64, f64)>> = const { Cell::new(None) };
}

/// The stage tabs of the shown pipeline.
#[component]
pub fn StageTabs() -> impl IntoView {
    let i18n = use_i18n();
    let state = super::state::use_board();
    let stages = Memo::new(move |_| {
        state.columns.with(|cs| cs.iter().map(|c| (c.stage.id.clone(), c.stage.name.clone())).collect::<Vec<_>>())
    });
    view! {
        <Tabs label=Signal::derive(move || i18n.t(Key::StageTabs).to_string()) class="stage-tabs">
            <For each=move || stages.get() key=|s| s.clone() let:stage>
                {
                    let (id, name) = stage;
                    let selected = {
                        let id = id.clone();
                        Memo::new(move |_| state.shown_stage_id().as_deref() == Some(id.as_str()))
                    };
                    let summary = {
                        let id = id.clone();
                        move || {
                            state.columns.with(|cs| {
                                cs.iter().find(|c| c.stage.id == id).map(|c| {
                                    let locale = i18n.locale();
                                    format!(
                                        "{} · {}",
                                        intl::number(locale, c.summary.count as f64),
                                        join_money(locale, &c.summary.total),
                                    )
                                })
                            })
                        }
                    };
                    let chosen = id.clone();
                    let over_id = id.clone();
                    view! {
                        <Tab
                            id=format!("tab-{id}")
                            controls=format!("column-{id}")
                            selected
                            on_select=Callback::new(move |()| state.shown_stage.set(Some(chosen.clone())))
                            class="stage-tab"
                            attr:data-stage=id.clone()
                            class:drop-target=move || state.drag.with(|d| d.as_ref().and_then(|d| d.target.as_ref()).is_some_and(|t| t.stage_id == over_id))
                        >
                            <span class="stage-tab-name">{name}</span>
                            <span class="stage-tab-summary">{summary}</span>
                        </Tab>
                    }
                }
            </For>
        </Tabs>
    }
}

/// Remembers where a touch on the board began.
pub fn swipe_start(ev: &leptos::ev::TouchEvent) {
    let start = ev.touches().get(0).map(|t| (f64::from(t.client_x()), f64::from(t.client_y())));
    SWIPE_FROM.with(|from| from.set(start));
}

/// Goes to the next or previous stage after a mostly sideways swipe (not while a card is being dragged).
pub fn swipe_end(state: BoardState, ev: &leptos::ev::TouchEvent) {
    let Some((x0, y0)) = SWIPE_FROM.with(|from| from.take()) else { return };
    let Some(touch) = ev.changed_touches().get(0) else { return };
    if state.drag.with_untracked(Option::is_some) || super::drag::just_dragged() {
        return;
    }
    let (dx, dy) = (f64::from(touch.client_x()) - x0, f64::from(touch.client_y()) - y0);
    if dx.abs() >= SWIPE_MIN && dx.abs() > 2.0 * dy.abs() {
        state.show_next_stage(if dx < 0.0 { 1 } else { -1 });
    }
}
