//! Translated names of case statuses, priorities and categories, shared by the portal and the desk.

use crate::i18n::Key;
use trato_protocol::{CasePriority, CaseStatus};

/// The name of a status.
pub fn status_key(status: CaseStatus) -> Key {
    match status {
        CaseStatus::New => Key::StatusNew,
        CaseStatus::Open => Key::StatusOpen,
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
