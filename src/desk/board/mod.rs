//! The pipeline board: pipeline switcher, filters and saved views, stage columns with totals over all their
//! (filtered) deals, cards that move by mouse, touch and keyboard with optimistic saves and undo, quick add, and
//! the deal panel (`/deals/{id}`).

mod card;
mod column;
mod conflict;
mod drag;
mod filter_chips;
mod moves;
mod page;
mod panel;
mod stage_tabs;
pub mod state;
mod toolbar;

pub use page::{BoardPage, BoardView, DealRoute};
pub use state::{use_board, BoardState};
