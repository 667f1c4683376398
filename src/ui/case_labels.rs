//! Translated names of case statuses, priorities and categories, shared by the portal and the desk.

use crate::i18n::Key;
use trato_protocol::{CasePriority, CaseStatus};

/// Who reads a status: a status that says whose turn it is says it from the reader's side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    /// A rep in the desk ("Esperando al cliente").
    Rep,
    /// The customer in the portal ("Esperando tu respuesta").
    Customer,
}

/// The name of a status, as `reader` reads it.
pub fn status_key(status: CaseStatus, reader: Reader) -> Key {
    match status {
        CaseStatus::New => Key::StatusNew,
        CaseStatus::Open => Key::StatusOpen,
        CaseStatus::Pending if reader == Reader::Rep => Key::StatusPendingForRep,
        CaseStatus::Pending => Key::StatusPending,
        CaseStatus::Resolved => Key::StatusResolved,
        CaseStatus::Closed => Key::StatusClosed,
    }
}

/// The name of a priority.
pub fn priority_key(priority: CasePriority) -> Key {
    match priority {
        CasePriority::Low => Key::PriorityLow,
        CasePriority::Normal => Key::PriorityNormal,
        CasePriority::High => Key::PriorityHigh,
        CasePriority::Urgent => Key::PriorityUrgent,
    }
}

/// The name of a category (see `CASE_CATEGORIES`).
pub fn category_key(category: &str) -> Key {
    match category {
        "billing" => Key::CategoryBilling,
        "technical" => Key::CategoryTechnical,
        "orders" => Key::CategoryOrders,
        _ => Key::CategoryOther,
    }
}
