//! The board page: opening the cache and showing the first cards, then the whole set; the board itself (pipeline
//! switcher, toolbar, columns, dialogs, toast, live region), kept in step with the store; and the deal panel's
//! route.

use super::state::{join_money, BoardState, ColumnData, Undo};
use super::{column, conflict, drag, moves, panel, stage_tabs, toolbar};
use crate::desk::context::{use_store, SessionState};
use crate::domain::board::summarize;
use crate::domain::filter;
use crate::domain::money::Totals;
use crate::domain::time::DAY_MS;
use crate::domain::undo::UndoStack;
use crate::i18n::{intl, Key};
use crate::store::error::CacheError;
use crate::store::outbox::Entry;
use crate::store::{BoardData, StoreEvent};
use crate::ui::error::ErrorMessage;
use crate::ui::field::Field;
use crate::ui::locale::use_i18n;
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_location, use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;
use std::sync::Arc;
use trato_protocol::{Deal, SavedView, StageKind, ViewFilters};

/// Opens the rep's cache and shows the board from it at once: first the first cards of each column of the shown
/// pipeline (read without reading the rest), then the whole set. On a first visit (nothing pulled yet) the first
/// cards come from the backend while the first pull copies everything behind them, with its progress in the top
/// bar. The deal panel (`/deals/{id}`) is the child route in its [`Outlet`].
#[component]
pub fn BoardPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<SessionState>();
    let query = use_query_map();
    let store = StoredValue::new_local(use_store().expect("the desk provides its store"));
    let board = RwSignal::new(BoardData::default());
    let loaded = RwSignal::new(false);
    let views = RwSignal::new(Vec::<SavedView>::new());
    let error = RwSignal::new(None::<String>);
    // Set on a first visit: the whole set is read once the first pull has ended.
    let awaiting_pull = RwSignal::new(false);
    let reading = StoredValue::new(false);
    // The deal changes the cache told of while the whole set was being read: the read may have missed them (they
    // were written after it read those deals), so they are applied over it again.
    let during_read = StoredValue::new(Vec::<(Vec<Deal>, Vec<String>)>::new());
    if let Some(watched) = store.try_get_value() {
        let listener = watched.subscribe(move |event| {
            if let StoreEvent::Deals { put, removed } = event {
                if reading.try_get_value() == Some(true) {
                    during_read.try_update_value(|seen| seen.push((put.clone(), removed.clone())));
                }
            }
        });
        let watched = StoredValue::new_local(watched);
        on_cleanup(move || {
            watched.try_with_value(|store| store.unsubscribe(listener));
        });
    }
    // Leaving the board: its deals are freed a part at a time, after the next page is drawn.
    on_cleanup(move || {
        if let Some(deals) = board.try_update_untracked(|b| std::mem::take(&mut b.deals)) {
            crate::browser::timer::drop_in_parts(vec![Arc::new(deals)]);
        }
    });
    // The first cards are painted only for the plain board: a saved view's filters need the whole set.
    let wanted = move || query.with_untracked(|q| q.get("pipeline"));
    let plain = move || query.with_untracked(|q| q.get("view").is_none());
    // These run after awaits: the rep may have left the board meanwhile, so every access allows for a page that
    // is gone (the `try_` forms).
    let read_all = move || {
        if reading.try_get_value() != Some(false) {
            return;
        }
        during_read.try_set_value(Vec::new());
        reading.try_set_value(true);
        let Some(store) = store.try_get_value() else { return };
        leptos::task::spawn_local(async move {
            let result = async { Ok::<_, CacheError>((store.board().await?, store.views().await?)) }.await;
            let missed = during_read.try_update_value(std::mem::take).unwrap_or_default();
            let result = result.map(|(mut whole, saved)| {
                for (put, removed) in missed {
                    whole.apply_deals(put, &removed);
                }
                (whole, saved)
            });
            reading.try_set_value(false);
            crate::browser::timing::mark("trato:whole-board-read");
            match result {
                Ok((whole, saved)) => {
                    views.try_set(saved);
                    board.try_set(whole);
                    if loaded.try_get_untracked() == Some(false) {
                        loaded.try_set(true);
                    }
                }
                Err(e) => {
                    error.try_set(Some(moves::cache_error(&e)));
                }
            }
        });
    };
    let show_first = move |first: BoardData| {
        // Never over a board already read whole.
        match loaded.try_get_untracked() {
            None => {}
            Some(false) => {
                board.try_set(first);
                loaded.try_set(true);
            }
            Some(true) if board.try_with_untracked(|b| b.partial.is_some()) == Some(true) => {
                board.try_set(first);
            }
            Some(true) => {}
        }
    };
    let open = move || {
        let store = store.get_value();
        let Some(info) = session.session.get_untracked() else { return };
        // Read now: after the awaits below the page (and its route) may be gone.
        let (plain, wanted) = (plain(), wanted());
        leptos::task::spawn_local(async move {
            let open = store.open(&info).await;
            crate::browser::timing::mark("trato:cache-open");
            match open {
                Ok(true) => {
                    if plain {
                        let first = store.first_cards(wanted.as_deref()).await;
                        crate::browser::timing::mark("trato:first-cards-read");
                        if let Ok(Some(first)) = first {
                            show_first(first);
                            crate::browser::timing::mark("trato:first-cards-shown");
                            // Let the first cards reach the screen before the whole set is parsed.
                            crate::browser::timer::sleep(0).await;
                        }
                    }
                    read_all();
                }
                Ok(false) => {
                    awaiting_pull.try_set(true);
                    store.start();
                    if plain {
                        if let Ok(first) = store.first_cards_from_backend(wanted.as_deref()).await {
                            show_first(first);
                        }
                    }
                }
                Err(e) => {
                    error.try_set(Some(moves::cache_error(&e)));
                }
            }
        });
    };
    open();
    Effect::new(move |_| {
        let whole = loaded.get() && board.with(|b| b.partial.is_none());
        if awaiting_pull.get() && session.sync.with(|s| s.synced) && !whole {
            read_all();
        }
    });
    // What the page shows changes only when these do (the board itself follows its data in place).
    let phase = Memo::new(move |_| (loaded.get(), error.get()));
    view! {
        <main id="main" class="board-page">
            {move || match phase.get() {
                (_, Some(message)) => {
                    view! {
                        <h1>{move || i18n.t(Key::BoardTitle)}</h1>
                        <ErrorMessage message=message />
                        <button
                            type="button"
                            class="secondary"
                            on:click=move |_| {
                                error.set(None);
                                loaded.set(false);
                                open();
                            }
                        >
                            {move || i18n.t(Key::Retry)}
                        </button>
                    }
                        .into_any()
                }
                (false, None) => {
                    view! {
                        <h1>{move || i18n.t(Key::BoardTitle)}</h1>
                        <p class="boot" role="status">
                            {move || i18n.t(if session.sync.with(|s| s.online) { Key::FirstSync } else { Key::OfflineNoData })}
                        </p>
                    }
                        .into_any()
                }
                (true, None) => view! { <BoardView board=board views=views><Outlet /></BoardView> }.into_any(),
            }}
        </main>
    }
}

/// The deal panel route (`/deals/{id}`), shown in the board's outlet.
#[component]
pub fn DealRoute() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")));
    move || id.get().map(|id| view! { <panel::DealPanel deal_id=id /> })
}

/// The id of the deal whose panel the address opens (`/deals/{id}`).
fn open_deal_in(path: &str) -> Option<String> {
    let id = path.strip_prefix("/deals/")?.trim_end_matches('/');
    let id = js_sys::decode_uri_component(id).ok().and_then(|d| d.as_string()).unwrap_or_else(|| id.to_string());
    (!id.is_empty()).then_some(id)
}

/// The whole board for loaded data: toolbar, columns, deal panel, dialogs, toast and live region.
#[component]
pub fn BoardView(
    /// The board's data; the view writes optimistic changes and the store's events into it.
    board: RwSignal<BoardData>,
    /// The rep's saved views.
    #[prop(optional)]
    views: Option<RwSignal<Vec<SavedView>>>,
    /// Where the deal panel goes (the board route's outlet).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let session = use_context::<SessionState>().and_then(|s| s.session.get_untracked());
    let me = session.as_ref().map(|s| s.user.id.clone()).unwrap_or_default();
    let currency = session.map(|s| s.currency).unwrap_or_else(|| "EUR".into());
    let data = board;
    let filters = RwSignal::new(ViewFilters::default());
    let location = use_location();
    let open_deal = Memo::new(move |_| location.pathname.with(|path| open_deal_in(path)));
    let pipeline = Memo::new(move |_| {
        let wanted = query.read().get("pipeline").or_else(|| {
            open_deal.get().and_then(|id| {
                data.with(|d| d.deals.iter().find(|deal| deal.meta.id == id).map(|deal| deal.pipeline_id.clone()))
            })
        });
        data.with(|b| {
            wanted.and_then(|id| b.pipelines.iter().position(|p| p.meta.id == id)).or(if b.pipelines.is_empty() {
                None
            } else {
                Some(0)
            })
        })
    });
    let now = RwSignal::new(intl::now_ms());
    keep_time(now);
    let me_signal = RwSignal::new(me);
    let columns = Memo::new(move |_| {
        let Some(index) = pipeline.get() else { return vec![] };
        let filters = filters.get();
        let me = me_signal.get();
        let sort = filters.sort.clone().unwrap_or_else(|| "position".into());
        data.with(|b| {
            let pipeline = &b.pipelines[index];
            pipeline
                .stages
                .iter()
                .map(|stage| {
                    let mut deals: Vec<Deal> = b
                        .deals
                        .iter()
                        .filter(|d| d.pipeline_id == pipeline.meta.id && d.stage_id == stage.id)
                        .filter(|d| {
                            let account =
                                d.account_id.as_ref().and_then(|id| b.account_names.get(id)).map(String::as_str);
                            filter::matches(&filters, d, stage, account, &me, now.get())
                        })
                        .cloned()
                        .collect();
                    deals.sort_by(|a, b| filter::compare(&sort, a, b));
                    let summary = summarize(stage, &deals);
                    ColumnData { stage: stage.clone(), deals: Arc::new(deals), summary }
                })
                .collect()
        })
    });
    let held = match use_context::<SessionState>() {
        Some(session) => Signal::derive(move || session.sync.with(|s| s.held.clone())),
        None => Signal::derive(Vec::new),
    };
    let state = BoardState {
        data,
        filters,
        views: views.unwrap_or_else(|| RwSignal::new(vec![])),
        pipeline,
        columns,
        toast: RwSignal::new(None),
        undo: RwSignal::new(UndoStack::new(50)),
        pick: RwSignal::new(None),
        drag: RwSignal::new(None),
        announce: RwSignal::new(String::new()),
        pending_lost: RwSignal::new(None),
        me: me_signal,
        now,
        store: StoredValue::new_local(use_store()),
        held,
        timeline: RwSignal::new(0),
        dismissed: RwSignal::new(vec![]),
        currency: StoredValue::new(currency),
        shown_stage: RwSignal::new(None),
    };
    provide_context(state);
    // The columns' copies of the deals are freed a part at a time too (see `BoardPage`).
    on_cleanup(move || {
        if let Some(lists) = columns.try_with_untracked(|cs| cs.iter().map(|c| c.deals.clone()).collect()) {
            crate::browser::timer::drop_in_parts::<Deal>(lists);
        }
    });
    follow_store(state, open_deal);
    announce_refusals(state);
    drag::install_pointer_listeners(state);
    moves::install_shortcuts(state);

    let nav = navigate.clone();
    let on_pipeline = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        let path = format!("/?pipeline={}", crate::connector::trato::encode_component(&id));
        nav(&path, NavigateOptions { replace: true, ..Default::default() });
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
    let stage_ids = Memo::new(move |_| columns.with(|cs| cs.iter().map(|c| c.stage.id.clone()).collect::<Vec<_>>()));
    view! {
        <div class="board-head">
            <h1>{move || i18n.t(Key::BoardTitle)}</h1>
            <Field label=Key::PipelineLabel class="inline">
                <select on:change=on_pipeline>
                    {move || {
                        data.with(|b| {
                            b.pipelines
                                .iter()
                                .enumerate()
                                .map(|(index, p)| {
                                    view! {
                                        <option value=p.meta.id.clone() selected=move || pipeline.get() == Some(index)>
                                            {p.name.clone()}
                                        </option>
                                    }
                                })
                                .collect_view()
                        })
                    }}
                </select>
            </Field>
            <p class="board-summary">{summary}</p>
        </div>
        <toolbar::Toolbar />
        // Shown while a card has keyboard focus (CSS), and read with every card.
        <p id="card-help" class="card-help hint">{move || i18n.t(Key::CardHelp)}</p>
        {move || {
            state.pick.get().map(|pick| {
                let name = state.deal(&pick.deal_id).map(|d| d.name).unwrap_or_default();
                view! { <p class="move-help">{i18n.0.get().tf(Key::MovingHelp, &[("deal", &name)])}</p> }
            })
        }}
        <stage_tabs::StageTabs />
        <div class="board-body">
            <Show when=move || pipeline.get().is_some() fallback=move || view! { <p>{move || i18n.t(Key::NoPipelines)}</p> }>
                <div
                    class="board"
                    id="board-stages"
                    role="region"
                    aria-label=move || i18n.t(Key::BoardTitle)
                    on:touchstart=move |ev| stage_tabs::swipe_start(&ev)
                    on:touchend=move |ev| stage_tabs::swipe_end(state, &ev)
                >
                    <For each=move || stage_ids.get() key=|id| id.clone() let:stage_id>
                        <column::StageColumn stage_id=stage_id />
                    </For>
                </div>
            </Show>
            {children.map(|panel| panel())}
        </div>
        <moves::LostReasonDialog />
        <conflict::ConflictDialog />
        <drag::DragGhost />
        <moves::ToastBar />
        <div class="visually-hidden" aria-live="assertive" aria-atomic="true">{move || state.announce.get()}</div>
    }
}

/// Keeps the board in step with the store: records pulled or settled in the background, reloads after large
/// pulls or other tabs' changes, and backend ids replacing temporary ones.
fn follow_store(state: BoardState, open_deal: Memo<Option<String>>) {
    let Some(store) = state.store.get_value() else { return };
    let navigate = use_navigate();
    let reader = store.clone();
    let listener = store.subscribe(move |event| match event.clone() {
        StoreEvent::Deals { put, removed } => state.data.update(|b| b.apply_deals(put, &removed)),
        StoreEvent::Accounts(accounts) => state.data.update(|b| {
            for account in accounts {
                b.account_names.insert(account.meta.id, account.name);
            }
        }),
        StoreEvent::Activities(_) => state.timeline.update(|n| *n += 1),
        StoreEvent::Contacts(_) => {}
        StoreEvent::Renamed(from, to) => {
            state.undo.update(|u| {
                u.for_each_mut(|entry| match entry {
                    Undo::Changed(deal) | Undo::Created(deal) | Undo::Deleted(deal) => {
                        if deal.meta.id == from {
                            deal.meta.id = to.clone();
                        }
                    }
                })
            });
            if open_deal.get_untracked().as_deref() == Some(from.as_str()) {
                let path = format!("/deals/{}", crate::connector::trato::encode_component(&to));
                navigate(&path, NavigateOptions { replace: true, ..Default::default() });
            }
        }
        StoreEvent::Reload => {
            let reader = reader.clone();
            leptos::task::spawn_local(async move {
                if let (Ok(board), Ok(views)) = (reader.board().await, reader.views().await) {
                    state.data.try_set(board);
                    state.views.try_set(views);
                    state.timeline.try_update(|n| *n += 1);
                }
            });
        }
        StoreEvent::MoveRefused { deal_id, message } => {
            let locale = crate::ui::locale::use_i18n_untracked();
            let name = state.deal(&deal_id).map(|d| d.name).unwrap_or_default();
            let reason = message.unwrap_or_else(|| locale.t(Key::NotSupportedHere).into());
            state.show_toast(locale.tf(Key::MoveRefused, &[("deal", &name), ("reason", &reason)]), false, true);
        }
        StoreEvent::Status(_) => {}
    });
    let store = StoredValue::new_local(store);
    on_cleanup(move || {
        store.try_with_value(|store| store.unsubscribe(listener));
    });
    store.with_value(|store| store.start());
}

/// Says so in a toast when the backend refuses a queued change (the card and the deal panel keep showing it).
fn announce_refusals(state: BoardState) {
    let seen = StoredValue::new(state.held.with_untracked(|held| held.iter().map(|e| e.seq).collect::<Vec<_>>()));
    Effect::new(move |_| {
        let fresh: Vec<Entry> =
            state.held.with(|held| held.iter().filter(|e| !seen.with_value(|s| s.contains(&e.seq))).cloned().collect());
        for entry in fresh {
            seen.update_value(|s| s.push(entry.seq));
            if matches!(entry.state, crate::store::outbox::EntryState::Parked { .. }) {
                let locale = crate::ui::locale::use_i18n_untracked();
                let name = state.deal(entry.change.id()).map(|d| d.name).unwrap_or_default();
                state.show_toast(locale.tf(Key::ChangeNotSaved, &[("deal", &name)]), false, true);
            }
        }
    });
}

/// Moves `now` on every five minutes and right after the rep's midnight, until the board is gone.
fn keep_time(now: RwSignal<i64>) {
    leptos::task::spawn_local(async move {
        loop {
            let current = intl::now_ms();
            let next_midnight = (intl::local_days(current) + 1) * DAY_MS - intl::utc_offset_minutes() * 60_000;
            let wait = (next_midnight - current + 1_000).clamp(1_000, 5 * 60_000);
            crate::browser::timer::sleep(wait as u32).await;
            if now.try_set(intl::now_ms()).is_some() {
                break;
            }
        }
    });
}
