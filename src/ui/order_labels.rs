//! The words for an order's kind and status, the same in the portal and the desk.

use crate::i18n::Key;

/// "Quote" or "Order".
pub fn kind_key(kind: &str) -> Key {
    if kind == "quote" {
        Key::Quote
    } else {
        Key::OrderKind
    }
}

/// The status of a quote or an order.
pub fn status_key(status: &str) -> Key {
    match status {
        "draft" => Key::OrderDraft,
        "sent" => Key::OrderSent,
        "confirmed" => Key::OrderConfirmed,
        "shipped" => Key::OrderShipped,
        "delivered" => Key::OrderDelivered,
        "invoiced" => Key::OrderInvoiced,
        "cancelled" => Key::OrderCancelled,
        _ => Key::OrderOther,
    }
}
