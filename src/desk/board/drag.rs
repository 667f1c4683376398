//! Moving cards by pointer (mouse, pen; touch by the grip, or by a long press anywhere on the card) and by
//! keyboard (Space to pick up, arrows to move, Space to drop, Escape to cancel), with screen-reader
//! announcements. On a phone, where one stage shows at a time, a card dropped on a stage's tab goes to the top of
//! that stage.

use super::moves;
use super::state::{BoardState, Drag, Target};
use crate::i18n::Key;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use wasm_bindgen::JsCast;

/// Pointer travel (pixels) before a press becomes a drag.
const DRAG_THRESHOLD: f64 = 6.0;
/// Distance from an edge (pixels) where dragging scrolls.
const EDGE: f64 = 48.0;
/// How long a finger rests on a card before the card is picked up.
const LONG_PRESS: std::time::Duration = std::time::Duration::from_millis(450);

struct Start {
    deal_id: String,
    name: String,
    x: f64,
    y: f64,
    /// Whether moving now drags (false for a touch on the card until its long press).
    armed: bool,
}

thread_local! {
    static START: RefCell<Option<Start>> = const { RefCell::new(None) };
    static LAST_DROP: Cell<f64> = const { Cell::new(0.0) };
    /// The touch (pointer id) resting on a card, waiting for its long press.
    static PRESSING: Cell<Option<i32>> = const { Cell::new(None) };
}

/// Whether the event started on a control inside the card (its menu, a button, a link).
pub fn is_control(ev: &web_sys::Event) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| el.closest("select, button, input, a, label.card-move").ok().flatten().is_some())
}

/// Whether a drag ended a moment ago (the click that follows it must not open the deal).
pub fn just_dragged() -> bool {
    js_sys::Date::now() - LAST_DROP.with(Cell::get) < 300.0
}

fn is_handle(ev: &web_sys::Event) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| el.closest(".drag-handle").ok().flatten().is_some())
}

/// Starts tracking a press on a card; it becomes a drag once the pointer travels a few pixels. A touch on the
/// card (not its grip) first has to rest there for a long press, so a finger that moves scrolls as usual.
pub fn on_pointer_down(state: BoardState, deal_id: &str, ev: leptos::ev::PointerEvent) {
    if ev.button() != 0 || is_control(&ev) {
        return;
    }
    let name = state.deal(deal_id).map(|d| d.name).unwrap_or_default();
    let waits = ev.pointer_type() == "touch" && !is_handle(&ev);
    let (x, y) = (ev.client_x() as f64, ev.client_y() as f64);
    START.with(|s| *s.borrow_mut() = Some(Start { deal_id: deal_id.into(), name, x, y, armed: !waits }));
    if waits {
        let pointer = ev.pointer_id();
        PRESSING.with(|p| p.set(Some(pointer)));
        set_timeout(move || long_press(state, pointer), LONG_PRESS);
    }
}

/// The finger has rested on the card: it is picked up where it is.
fn long_press(state: BoardState, pointer: i32) {
    if PRESSING.with(Cell::take) != Some(pointer) {
        return; // lifted, moved or cancelled meanwhile
    }
    let picked = START.with(|s| {
        s.borrow_mut().as_mut().map(|start| {
            start.armed = true;
            (start.deal_id.clone(), start.name.clone(), start.x, start.y)
        })
    });
    let Some((deal_id, name, x, y)) = picked else { return };
    let target = target_at(x, y, &deal_id);
    state.drag.set(Some(Drag { x, y, name, target, deal_id }));
}

/// The stage and index under a viewport point, for the card being moved.
fn target_at(x: f64, y: f64, deal_id: &str) -> Option<Target> {
    let document = web_sys::window()?.document()?;
    let hits = document.elements_from_point(x as f32, y as f32);
    let tab = hits
        .iter()
        .filter_map(|el| el.dyn_into::<web_sys::Element>().ok())
        .find_map(|el| el.closest(".stage-tab[data-stage]").ok().flatten());
    if let Some(stage_id) = tab.and_then(|tab| tab.get_attribute("data-stage")) {
        return Some(Target { deal_id: deal_id.into(), stage_id, index: 0 });
    }
    let section = hits
        .iter()
        .filter_map(|el| el.dyn_into::<web_sys::Element>().ok())
        .find_map(|el| el.closest("section[data-stage]").ok().flatten())?;
    let stage_id = section.get_attribute("data-stage")?;
    let cards = section.query_selector_all("article[data-deal]").ok()?;
    let mut index = 0;
    for i in 0..cards.length() {
        let Some(card) = cards.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) else { continue };
        if card.get_attribute("data-deal").as_deref() == Some(deal_id) {
            continue;
        }
        let rect = card.get_bounding_client_rect();
        if y > rect.top() + rect.height() / 2.0 {
            index += 1;
        }
    }
    Some(Target { deal_id: deal_id.into(), stage_id, index })
}

/// Scrolls the board sideways, a column's list up or down, or (on a phone, where the page itself scrolls) the
/// page, while the pointer is near their edges.
fn auto_scroll(x: f64, y: f64) {
    let Some(window) = web_sys::window() else { return };
    let height = window.inner_height().ok().and_then(|h| h.as_f64()).unwrap_or_default();
    if y < EDGE {
        window.scroll_by_with_x_and_y(0.0, -24.0);
    } else if height > 0.0 && y > height - EDGE {
        window.scroll_by_with_x_and_y(0.0, 24.0);
    }
    let Some(document) = window.document() else { return };
    if let Ok(Some(board)) = document.query_selector(".board") {
        let rect = board.get_bounding_client_rect();
        if x < rect.left() + EDGE {
            board.scroll_by_with_x_and_y(-24.0, 0.0);
        } else if x > rect.right() - EDGE {
            board.scroll_by_with_x_and_y(24.0, 0.0);
        }
    }
    let hits = document.elements_from_point(x as f32, y as f32);
    if let Some(list) = hits
        .iter()
        .filter_map(|el| el.dyn_into::<web_sys::Element>().ok())
        .find_map(|el| el.closest("section[data-stage] .cards").ok().flatten())
    {
        let rect = list.get_bounding_client_rect();
        if y < rect.top() + EDGE {
            list.scroll_by_with_x_and_y(0.0, -24.0);
        } else if y > rect.bottom() - EDGE {
            list.scroll_by_with_x_and_y(0.0, 24.0);
        }
    }
}

/// Window-level pointer listeners that drive a drag; removed with the board.
pub fn install_pointer_listeners(state: BoardState) {
    let on_move = window_event_listener(leptos::ev::pointermove, move |ev| {
        let (x, y) = (ev.client_x() as f64, ev.client_y() as f64);
        let started =
            START.with(|s| s.borrow().as_ref().map(|s| (s.deal_id.clone(), s.name.clone(), s.x, s.y, s.armed)));
        let Some((deal_id, name, x0, y0, armed)) = started else { return };
        if !armed {
            // A finger that moves before its long press is scrolling.
            if (x - x0).hypot(y - y0) >= DRAG_THRESHOLD {
                PRESSING.with(|p| p.set(None));
                START.with(|s| s.borrow_mut().take());
            }
            return;
        }
        let active = state.drag.with_untracked(Option::is_some);
        if !active && (x - x0).hypot(y - y0) < DRAG_THRESHOLD {
            return;
        }
        ev.prevent_default();
        auto_scroll(x, y);
        let target = target_at(x, y, &deal_id);
        state.drag.set(Some(Drag { x, y, name, target, deal_id }));
    });
    let on_up = window_event_listener(leptos::ev::pointerup, move |_| {
        PRESSING.with(|p| p.set(None));
        START.with(|s| s.borrow_mut().take());
        if let Some(drag) = state.drag.get_untracked() {
            LAST_DROP.with(|t| t.set(js_sys::Date::now()));
            state.drag.set(None);
            if let Some(target) = drag.target {
                moves::move_deal(state, &target.deal_id, &target.stage_id, Some(target.index), None);
            }
        }
    });
    let on_cancel = window_event_listener(leptos::ev::pointercancel, move |_| {
        PRESSING.with(|p| p.set(None));
        START.with(|s| s.borrow_mut().take());
        state.drag.set(None);
    });
    hold_touch_moves();
    on_cleanup(move || {
        on_move.remove();
        on_up.remove();
        on_cancel.remove();
    });
}

/// While a card is carried, a finger's moves must not scroll the page (which would cancel the drag): one
/// listener for the page's life that may prevent them (not passive, which window touch listeners are by default).
fn hold_touch_moves() {
    thread_local! {
        static INSTALLED: Cell<bool> = const { Cell::new(false) };
    }
    if INSTALLED.with(|i| i.replace(true)) {
        return;
    }
    let hold = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(|ev: web_sys::Event| {
        if START.with(|s| s.borrow().as_ref().is_some_and(|s| s.armed)) {
            ev.prevent_default();
        }
    });
    let options = web_sys::AddEventListenerOptions::new();
    options.set_passive(false);
    if let Some(window) = web_sys::window() {
        let _ = window.add_event_listener_with_callback_and_add_event_listener_options(
            "touchmove",
            hold.as_ref().unchecked_ref(),
            &options,
        );
    }
    hold.forget();
}

fn announce_position(state: BoardState, target: &Target) {
    let locale = crate::ui::locale::use_i18n_untracked();
    let (name, count) = state.columns.with_untracked(|cs| {
        cs.iter()
            .find(|c| c.stage.id == target.stage_id)
            .map(|c| (c.stage.name.clone(), c.deals.iter().filter(|d| d.meta.id != target.deal_id).count() + 1))
            .unwrap_or_default()
    });
    state.announce.set(locale.tf(
        Key::PickedPosition,
        &[("stage", &name), ("position", &(target.index + 1).to_string()), ("count", &count.to_string())],
    ));
}

/// Moves focus back to a card after it was re-rendered.
pub fn focus_card(deal_id: String) {
    set_timeout(
        move || {
            let selector = format!("article[data-deal=\"{}\"]", deal_id.replace('"', ""));
            if let Some(card) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.query_selector(&selector).ok().flatten())
                .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = card.focus();
            }
        },
        std::time::Duration::from_millis(30),
    );
}

thread_local! {
    /// The card that had focus last, while focus has not gone anywhere else: a card re-drawn after a save (a new
    /// version is a new element) takes the focus back instead of leaving it on the page body.
    static FOCUSED_CARD: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Notes that the card of `deal_id` has focus.
pub fn remember_focus(deal_id: &str) {
    FOCUSED_CARD.with(|f| *f.borrow_mut() = Some(deal_id.to_string()));
}

/// Forgets the focused card when focus moved to another element (not when the card was only re-drawn).
pub fn forget_focus(ev: &leptos::ev::FocusEvent) {
    if ev.related_target().is_some() {
        FOCUSED_CARD.with(|f| *f.borrow_mut() = None);
    }
}

/// Gives a newly drawn card of `deal_id` the focus its previous element had, when focus was left nowhere.
pub fn restore_focus(deal_id: &str, card: &web_sys::HtmlElement) {
    let was_focused = FOCUSED_CARD.with(|f| f.borrow().as_deref() == Some(deal_id));
    let lost = document().active_element().is_none_or(|a| a.tag_name().eq_ignore_ascii_case("body"));
    if was_focused && lost {
        let _ = card.focus();
    }
}

/// Keyboard moves on a focused card.
pub fn on_card_key(state: BoardState, deal_id: &str, ev: leptos::ev::KeyboardEvent) {
    let on_card = ev.target().map(wasm_bindgen::JsValue::from) == ev.current_target().map(wasm_bindgen::JsValue::from);
    if !on_card {
        return;
    }
    let key = ev.key();
    let locale = crate::ui::locale::use_i18n_untracked();
    let picked = state.pick.get_untracked().filter(|p| p.deal_id == deal_id);
    let Some(mut target) = picked else {
        match key.as_str() {
            " " => {
                ev.prevent_default();
                let Some(deal) = state.deal(deal_id) else { return };
                let index = state.columns.with_untracked(|cs| {
                    cs.iter()
                        .find(|c| c.stage.id == deal.stage_id)
                        .and_then(|c| c.deals.iter().position(|d| d.meta.id == deal_id))
                        .unwrap_or(0)
                });
                let target = Target { deal_id: deal_id.into(), stage_id: deal.stage_id.clone(), index };
                state.pick.set(Some(target.clone()));
                state.announce.set(locale.tf(Key::Picked, &[("deal", &deal.name)]));
                set_timeout(move || announce_position_later(state, target), std::time::Duration::from_millis(1200));
            }
            "Enter" => {
                if let Some(card) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
                    card.click();
                }
            }
            _ => {}
        }
        return;
    };
    let stages: Vec<(String, usize)> = state.columns.with_untracked(|cs| {
        cs.iter().map(|c| (c.stage.id.clone(), c.deals.iter().filter(|d| d.meta.id != deal_id).count())).collect()
    });
    let Some(column) = stages.iter().position(|(id, _)| *id == target.stage_id) else { return };
    match key.as_str() {
        "ArrowLeft" | "ArrowRight" => {
            ev.prevent_default();
            let next = if key == "ArrowLeft" { column.saturating_sub(1) } else { (column + 1).min(stages.len() - 1) };
            target.stage_id = stages[next].0.clone();
            target.index = target.index.min(stages[next].1);
        }
        "ArrowUp" => {
            ev.prevent_default();
            target.index = target.index.saturating_sub(1);
        }
        "ArrowDown" => {
            ev.prevent_default();
            target.index = (target.index + 1).min(stages[column].1);
        }
        " " => {
            ev.prevent_default();
            state.pick.set(None);
            moves::move_deal(state, &target.deal_id, &target.stage_id, Some(target.index), None);
            focus_card(target.deal_id);
            return;
        }
        "Escape" => {
            ev.prevent_default();
            state.pick.set(None);
            state.announce.set(locale.t(Key::DropCancelled).into());
            return;
        }
        "Tab" => {
            state.pick.set(None);
            return;
        }
        _ => return,
    }
    announce_position(state, &target);
    state.pick.set(Some(target));
}

/// Announces where the card is, unless the pick was dropped or moved meanwhile.
fn announce_position_later(state: BoardState, target: Target) {
    if state.pick.try_get_untracked().flatten().as_ref() == Some(&target) {
        announce_position(state, &target);
    }
}

/// The card name following the pointer while dragging.
#[component]
pub fn DragGhost() -> impl IntoView {
    let state = super::state::use_board();
    view! {
        <Show when=move || state.drag.with(Option::is_some)>
            <div
                class="drag-ghost"
                aria-hidden="true"
                style:left=move || format!("{}px", state.drag.with(|d| d.as_ref().map_or(0.0, |d| d.x + 8.0)))
                style:top=move || format!("{}px", state.drag.with(|d| d.as_ref().map_or(0.0, |d| d.y + 8.0)))
            >
                {move || state.drag.with(|d| d.as_ref().map(|d| d.name.clone()).unwrap_or_default())}
            </div>
        </Show>
    }
}
