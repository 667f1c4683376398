//! The pipeline board: pipeline switcher, filters and saved views, stage columns with totals over all their
//! (filtered) deals, cards that move by mouse, touch and keyboard with optimistic saves and undo, quick add, and
//! the deal panel (`/deals/{id}`).

mod card;
mod column;
mod conflict;
mod drag;
mod moves;
mod panel;
mod toolbar;

use super::shell::SignedInShell;
use super::{use_store, SessionState, Store};
use crate::domain::board::{summarize, StageSummary};
use crate::domain::filter;
use crate::domain::money::Totals;
use crate::domain::undo::UndoStack;
use crate::i18n::{intl, Key, Locale};
use crate::store::cache::CacheError;
use crate::store::outbox::Entry;
use crate::store::{BoardData, StoreEvent};
use crate::ui::error::ErrorMessage;
use crate::ui::locale::use_i18n;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;
use std::sync::Arc;
use trato_protocol::{Deal, SavedView, Stage, StageKind, ViewFilters};

/// One column as the board shows it: its stage, its visible deals in display order (shared, so the per-column
/// memos clone a pointer, not thousands of deals) and the totals over them.
#[derive(Clone, Debug)]
pub struct ColumnData {
    /// The stage.
    pub stage: Stage,
    /// Deals passing the filters, in the column's sort order.
    pub deals: Arc<Vec<Deal>>,
    /// Count and totals over `deals`.
    pub summary: StageSummary,
}

impl PartialEq for ColumnData {
    /// Columns are rebuilt whenever the board data changes; comparing the shared deal list by identity keeps the
    /// memos from walking thousands of deals to find out.
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.deals, &other.deals) && self.stage == other.stage && self.summary == other.summary
    }
}

/// A change that can be undone.
#[derive(Clone, Debug, PartialEq)]
pub enum Undo {
    /// A move or edit: the deal as it was before.
    Changed(Deal),
    /// A deal created here: undo deletes it.
    Created(Deal),
    /// A deal deleted here: undo restores it.
    Deleted(Deal),
}

/// A short message at the bottom of the board, optionally with an Undo action.
#[derive(Clone, Debug, PartialEq)]
pub struct Toast {
    /// What happened.
    pub message: String,
    /// Whether an Undo button is offered.
    pub undo: bool,
    /// Whether it reports a failure.
    pub error: bool,
    /// Distinguishes successive toasts (for auto-hiding).
    pub serial: u64,
}

/// Where a moving card would land: a stage and an index among that stage's other visible cards.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// The deal being moved.
    pub deal_id: String,
    /// Target stage.
    pub stage_id: String,
    /// Index among the target column's visible cards, not counting the moving one.
    pub index: usize,
}

/// Pointer drag in progress.
#[derive(Clone, Debug, PartialEq)]
pub struct Drag {
    /// Pointer position (viewport pixels).
    pub x: f64,
    /// Pointer position (viewport pixels).
    pub y: f64,
    /// Name shown in the ghost.
    pub name: String,
    /// Where it would land now.
    pub target: Option<Target>,
    /// The deal being dragged.
    pub deal_id: String,
}

/// A move waiting for its lost reason.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingMove {
    /// The deal.
    pub deal_id: String,
    /// The lost stage.
    pub stage_id: String,
    /// Index in the lost column.
    pub index: Option<usize>,
}

/// Reactive state of one board, shared by its components through context.
#[derive(Clone, Copy)]
pub struct BoardState {
    /// Pipelines, deals, account names, reps.
    pub data: RwSignal<BoardData>,
    /// Current filters and sort.
    pub filters: RwSignal<ViewFilters>,
    /// The rep's saved views.
    pub views: RwSignal<Vec<SavedView>>,
    /// Index of the shown pipeline in `data.pipelines`.
    pub pipeline: Memo<Option<usize>>,
    /// Columns of the shown pipeline, filtered and sorted, with totals.
    pub columns: Memo<Vec<ColumnData>>,
    /// The current toast.
    pub toast: RwSignal<Option<Toast>>,
    /// Undo history.
    pub undo: RwSignal<UndoStack<Undo>>,
    /// Keyboard move in progress.
    pub pick: RwSignal<Option<Target>>,
    /// Pointer drag in progress.
    pub drag: RwSignal<Option<Drag>>,
    /// Text for screen readers (live region).
    pub announce: RwSignal<String>,
    /// A move to a lost stage waiting for its reason.
    pub pending_lost: RwSignal<Option<PendingMove>>,
    /// The signed-in rep's id (for "my deals").
    pub me: RwSignal<String>,
    /// Milliseconds since the epoch when the board was loaded (rotting, overdue).
    pub now: i64,
    /// The store, absent in component tests.
    pub store: StoredValue<Option<Store>, LocalStorage>,
    /// Queued changes waiting for the rep (refused or in conflict).
    pub held: Signal<Vec<Entry>>,
    /// Bumped when activities changed (the open timeline reads them again).
    pub timeline: RwSignal<u64>,
    /// Conflicts whose dialog the rep closed without answering (reopened from the deal panel).
    pub dismissed: RwSignal<Vec<u64>>,
    /// The company's currency (new deals, amount filters).
    pub currency: StoredValue<String>,
}

/// The board state of the enclosing board.
pub fn use_board() -> BoardState {
    expect_context::<BoardState>()
}

impl BoardState {
    /// Where a moving card (keyboard or pointer) would land now.
    pub fn target(&self) -> Option<Target> {
        self.pick.get().or_else(|| self.drag.with(|d| d.as_ref().and_then(|d| d.target.clone())))
    }

    /// Id of the pipeline on screen.
    pub fn pipeline_id(&self) -> Option<String> {
        let index = self.pipeline.get_untracked()?;
        self.data.with_untracked(|b| b.pipelines.get(index).map(|p| p.meta.id.clone()))
    }

    /// A deal by id.
    pub fn deal(&self, id: &str) -> Option<Deal> {
        self.data.with_untracked(|d| d.deals.iter().find(|deal| deal.meta.id == id).cloned())
    }

    /// Shows a toast that hides itself after a while.
    pub fn show_toast(&self, message: String, undo: bool, error: bool) {
        let serial = self.toast.with_untracked(|t| t.as_ref().map_or(0, |t| t.serial + 1));
        self.toast.set(Some(Toast { message: message.clone(), undo, error, serial }));
        self.announce.set(message);
        let toast = self.toast;
        set_timeout(
            move || {
                // The board may be gone by now (signed out): then there is nothing to hide.
                if toast.try_with_untracked(|t| t.as_ref().is_some_and(|t| t.serial == serial)) == Some(true) {
                    toast.try_set(None);
                }
            },
            std::time::Duration::from_secs(if error { 12 } else { 8 }),
        );
    }
}

/// Sums several columns' totals (for the board summary).
fn join_money(locale: Locale, totals: &Totals) -> String {
    let amounts = totals.amounts();
    if amounts.is_empty() {
        return intl::money(locale, &trato_protocol::Money { minor: 0, currency: "EUR".into() });
    }
    amounts.iter().map(|m| intl::money(locale, m)).collect::<Vec<_>>().join(" + ")
}

/// The board routes (`/` and `/deals/{id}`); sends signed-out visitors to the sign-in page.
#[component]
pub fn BoardPage() -> impl IntoView {
    view! {
        <SignedInShell>
            <Board />
        </SignedInShell>
    }
}

/// Opens the rep's cache and shows the board from it at once; on a first visit, waits for the first pull (with
/// its progress in the top bar).
#[component]
fn Board() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<SessionState>();
    let params = use_params_map();
    let open_deal = Signal::derive(move || {
        params
            .read()
            .get("rest")
            .and_then(|rest| rest.strip_prefix("deals/").filter(|id| !id.is_empty()).map(String::from))
    });
    let store = StoredValue::new_local(use_store().expect("the desk provides its store"));
    let loaded = RwSignal::new(None::<Result<(BoardData, Vec<SavedView>), String>>);
    let opened = RwSignal::new(false);
    let read_cache = move || {
        let store = store.get_value();
        leptos::task::spawn_local(async move {
            let result = async { Ok::<_, CacheError>((store.board().await?, store.views().await?)) }.await;
            loaded.set(Some(result.map_err(|e| moves::cache_error(&e))));
        });
    };
    let open = move || {
        let store = store.get_value();
        let Some(info) = session.session.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            match store.open(&info).await {
                Ok(_) => {
                    opened.set(true);
                    if store.status().synced {
                        // The board subscribes to the store before the background work starts (see
                        // `follow_store`), so no change pulled meanwhile is missed.
                        read_cache();
                    } else {
                        store.start();
                    }
                }
                Err(error) => loaded.set(Some(Err(moves::cache_error(&error)))),
            }
        });
    };
    open();
    Effect::new(move |_| {
        if opened.get() && session.sync.with(|s| s.synced) && loaded.with_untracked(Option::is_none) {
            read_cache();
        }
    });
    view! {
        <main id="main" class="board-page">
            {move || match loaded.get() {
                None => {
                    view! {
                        <h1>{move || i18n.t(Key::BoardTitle)}</h1>
                        <p class="boot" role="status">
                            {move || i18n.t(if session.sync.with(|s| s.online) { Key::FirstSync } else { Key::OfflineNoData })}
                        </p>
                    }
                        .into_any()
                }
                Some(Ok((board, views))) => view! { <BoardView board=board views=views open_deal=open_deal /> }.into_any(),
                Some(Err(error)) => {
                    view! {
                        <h1>{move || i18n.t(Key::BoardTitle)}</h1>
                        <ErrorMessage message=error />
                        <button
                            type="button"
                            class="secondary"
                            on:click=move |_| {
                                loaded.set(None);
                                open();
                            }
                        >
                            {move || i18n.t(Key::Retry)}
                        </button>
                    }
                        .into_any()
                }
            }}
        </main>
    }
}

/// The whole board for loaded data: toolbar, columns, deal panel, dialogs, toast and live region.
#[component]
pub fn BoardView(
    board: BoardData,
    #[prop(optional)] views: Vec<SavedView>,
    /// The deal whose panel is open (from the `/deals/{id}` route).
    #[prop(optional, into)]
    open_deal: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let session = use_context::<SessionState>().and_then(|s| s.session.get_untracked());
    let me = session.as_ref().map(|s| s.user.id.clone()).unwrap_or_default();
    let currency = session.map(|s| s.currency).unwrap_or_else(|| "EUR".into());
    let data = RwSignal::new(board);
    let filters = RwSignal::new(ViewFilters::default());
    let open_deal = Memo::new(move |_| open_deal.and_then(|s| s.get()));
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
    let now = intl::now_ms();
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
                            filter::matches(&filters, d, stage, account, &me, now)
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
        views: RwSignal::new(views),
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
    };
    provide_context(state);
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
            <label class="field inline">
                <span>{move || i18n.t(Key::PipelineLabel)}</span>
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
            </label>
            <p class="board-summary">{summary}</p>
        </div>
        <toolbar::Toolbar />
        <p id="card-help" class="visually-hidden">{move || i18n.t(Key::CardHelp)}</p>
        <div class="board-body">
            <Show when=move || pipeline.get().is_some() fallback=move || view! { <p>{move || i18n.t(Key::NoPipelines)}</p> }>
                <div class="board" role="region" aria-label=move || i18n.t(Key::BoardTitle)>
                    <For each=move || stage_ids.get() key=|id| id.clone() let:stage_id>
                        <column::StageColumn stage_id=stage_id />
                    </For>
                </div>
            </Show>
            {move || open_deal.get().map(|id| view! { <panel::DealPanel deal_id=id /> })}
        </div>
        <moves::LostReasonDialog />
        <conflict::ConflictDialog />
        <drag::DragGhost />
        <moves::ToastBar />
        <div class="visually-hidden" aria-live="assertive" aria-atomic="true">{move || state.announce.get()}</div>
    }
}

impl BoardState {
    /// What the backend supports (everything when there is no store, as in component tests).
    pub fn capabilities(&self) -> crate::connector::Capabilities {
        self.store
            .with_value(|store| store.as_ref().map(|s| s.capabilities()))
            .unwrap_or(crate::connector::Capabilities::ALL)
    }
}

/// Keeps the board in step with the store: records pulled or settled in the background, reloads after large
/// pulls or other tabs' changes, and backend ids replacing temporary ones.
fn follow_store(state: BoardState, open_deal: Memo<Option<String>>) {
    let Some(store) = state.store.get_value() else { return };
    let navigate = use_navigate();
    let reader = store.clone();
    let listener = store.subscribe(move |event| match event.clone() {
        StoreEvent::Deals { put, removed } => state.data.update(|b| {
            b.deals.retain(|d| !removed.contains(&d.meta.id));
            for deal in put {
                match b.deals.iter_mut().find(|d| d.meta.id == deal.meta.id) {
                    Some(slot) => *slot = deal,
                    None => b.deals.push(deal),
                }
            }
        }),
        StoreEvent::Accounts(accounts) => state.data.update(|b| {
            for account in accounts {
                b.account_names.insert(account.meta.id, account.name);
            }
        }),
        StoreEvent::Activities(_) => state.timeline.update(|n| *n += 1),
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
                    state.data.set(board);
                    state.views.set(views);
                    state.timeline.update(|n| *n += 1);
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
