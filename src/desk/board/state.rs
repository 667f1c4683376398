//! The board's shared state: what one board shows and is doing (columns, toast, undo, a move in progress), given
//! to its components through context.

use crate::desk::context::Store;
use crate::domain::board::StageSummary;
use crate::domain::money::Totals;
use crate::domain::undo::UndoStack;
use crate::i18n::{intl, Locale};
use crate::store::outbox::Entry;
use crate::store::BoardData;
use leptos::prelude::*;
use std::sync::Arc;
use trato_protocol::{Deal, SavedView, Stage, ViewFilters};

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
    /// Milliseconds since the epoch, as of the last tick (rotting, days in stage, overdue): it moves on every few
    /// minutes and at the rep's midnight, so those follow without a reload.
    pub now: RwSignal<i64>,
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
    /// The stage a phone shows (one stage at a time); `None` is the pipeline's first stage.
    pub shown_stage: RwSignal<Option<String>>,
}

/// The board state of the enclosing board.
pub fn use_board() -> BoardState {
    expect_context::<BoardState>()
}

impl BoardState {
    /// The rep's day (days since 1970-01-01 on their calendar) as of the last tick.
    pub fn today(&self) -> i64 {
        crate::i18n::intl::local_days(self.now.get())
    }

    /// The id of the stage a phone shows: the chosen one while it is in the shown pipeline, else the first.
    pub fn shown_stage_id(&self) -> Option<String> {
        let chosen = self.shown_stage.get();
        self.columns.with(|cs| {
            chosen.filter(|id| cs.iter().any(|c| &c.stage.id == id)).or_else(|| cs.first().map(|c| c.stage.id.clone()))
        })
    }

    /// Shows the stage `offset` places after (or before, when negative) the shown one on a phone.
    pub fn show_next_stage(&self, offset: isize) {
        let Some(current) = self.shown_stage_id() else { return };
        let next = self.columns.with_untracked(|cs| {
            let at = cs.iter().position(|c| c.stage.id == current)? as isize + offset;
            cs.get(usize::try_from(at).ok()?).map(|c| c.stage.id.clone())
        });
        if let Some(next) = next {
            self.shown_stage.set(Some(next));
        }
    }

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
pub fn join_money(locale: Locale, totals: &Totals) -> String {
    let amounts = totals.amounts();
    if amounts.is_empty() {
        return intl::money(locale, &trato_protocol::Money { minor: 0, currency: "EUR".into() });
    }
    amounts.iter().map(|m| intl::money(locale, m)).collect::<Vec<_>>().join(" + ")
}

impl BoardState {
    /// What the backend supports (everything when there is no store, as in component tests).
    pub fn capabilities(&self) -> crate::connector::Capabilities {
        self.store
            .with_value(|store| store.as_ref().map(|s| s.capabilities()))
            .unwrap_or(crate::connector::Capabilities::ALL)
    }
}
