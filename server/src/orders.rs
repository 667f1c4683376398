//! Quotes and orders, read only in the portal: a customer sees the ones they placed, a company admin every one of
//! the company. Totals are computed from the lines and the tax rate, never stored twice.

use crate::error::{json_body, Failure};
use crate::portal_auth::CustomerSession;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use trato_protocol::*;

/// An order line as stored: the amount follows from quantity and unit price.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredLine {
    /// Product or service.
    pub description: String,
    /// Units.
    pub quantity: u32,
    /// Unit price in minor units.
    pub unit_minor: i64,
}

/// An order to store (demo data and tests).
pub struct NewOrder<'a> {
    /// Paperwork number.
    pub number: &'a str,
    /// `quote` or `order`.
    pub kind: &'a str,
    /// See [`Order::status`].
    pub status: &'a str,
    /// Company.
    pub account_id: &'a str,
    /// Who placed it.
    pub customer_id: &'a str,
    /// Date.
    pub ordered_on: &'a str,
    /// Delivery or validity date.
    pub expected_on: Option<&'a str>,
    /// Currency code.
    pub currency: &'a str,
    /// Tax in basis points (2100 = 21 %).
    pub tax_bp: i64,
    /// Lines.
    pub lines: Vec<StoredLine>,
}

/// Stores an order.
pub fn create(conn: &Connection, id: &str, order: &NewOrder<'_>) -> rusqlite::Result<()> {
    let lines = serde_json::to_string(&order.lines).unwrap_or_else(|_| "[]".into());
    conn.execute(
        "INSERT INTO orders (id, number, kind, status, account_id, customer_id, ordered_on, expected_on, currency,
                             tax_bp, lines)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            id,
            order.number,
            order.kind,
            order.status,
            order.account_id,
            order.customer_id,
            order.ordered_on,
            order.expected_on,
            order.currency,
            order.tax_bp,
            lines
        ],
    )?;
    Ok(())
}

fn order_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Order> {
    let currency: String = row.get(7)?;
    let tax_bp: i64 = row.get(8)?;
    let stored: Vec<StoredLine> = serde_json::from_str(&row.get::<_, String>(9)?).unwrap_or_default();
    let money = |minor: i64| Money { minor, currency: currency.clone() };
    let lines: Vec<OrderLine> = stored
        .into_iter()
        .map(|l| OrderLine {
            amount: money(l.unit_minor.saturating_mul(l.quantity as i64)),
            unit_price: money(l.unit_minor),
            quantity: l.quantity,
            description: l.description,
        })
        .collect();
    let subtotal: i64 = lines.iter().map(|l| l.amount.minor).sum();
    // Tax rounded half up to the minor unit.
    let tax = (subtotal * tax_bp + 5_000) / 10_000;
    Ok(Order {
        id: row.get(0)?,
        number: row.get(1)?,
        kind: row.get(2)?,
        status: row.get(3)?,
        ordered_on: row.get(4)?,
        expected_on: row.get(5)?,
        lines,
        subtotal: money(subtotal),
        tax: money(tax),
        total: money(subtotal + tax),
    })
}

const COLUMNS: &str =
    "id, number, kind, status, ordered_on, expected_on, customer_id, currency, tax_bp, lines, account_id";

/// `GET /portal/orders`: the customer's quotes and orders, newest first.
pub async fn portal_list(State(state): State<AppState>, session: CustomerSession) -> Result<Response, Failure> {
    let conn = state.db();
    let (customer_id, account_id, admin) = session.visible_params();
    let sql = format!(
        "SELECT {COLUMNS} FROM orders WHERE {} ORDER BY ordered_on DESC, number DESC LIMIT 500",
        CustomerSession::VISIBLE_SQL
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![customer_id, account_id, admin], order_row)?;
    Ok(json_body(&rows.collect::<Result<Vec<_>, _>>()?))
}

/// `GET /portal/orders/{id}`.
pub async fn portal_get(
    State(state): State<AppState>,
    session: CustomerSession,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let conn = state.db();
    let (customer_id, account_id, admin) = session.visible_params();
    let sql = format!("SELECT {COLUMNS} FROM orders WHERE id = ?4 AND {}", CustomerSession::VISIBLE_SQL);
    let order = conn.query_row(&sql, params![customer_id, account_id, admin, id], order_row).optional()?;
    Ok(json_body(&order.ok_or_else(|| Failure::not_found("order"))?))
}

/// `GET /orders?account_id=`: an account's quotes and orders for a rep (its 360 view), newest first, at most 500.
pub async fn rep_list(
    State(state): State<AppState>,
    _rep: crate::auth::Rep,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Result<Response, Failure> {
    // Reps read one customer's orders at a time.
    let account = crate::cases::query_pairs(raw)?
        .into_iter()
        .find(|(key, _)| key == "account_id")
        .map(|(_, value)| value)
        .ok_or_else(|| Failure::new(ErrorCode::BadRequest, "Say whose orders: ?account_id=…"))?;
    let conn = state.read();
    let sql =
        format!("SELECT {COLUMNS} FROM orders WHERE account_id = ?1 ORDER BY ordered_on DESC, number DESC LIMIT 500");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![account], order_row)?;
    Ok(json_body(&rows.collect::<Result<Vec<_>, _>>()?))
}

/// The order routes (under `/api/v1`): a customer's quotes and orders, and an account's for reps.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/portal/orders", get(portal_list))
        .route("/portal/orders/{id}", get(portal_get))
        .route("/orders", get(rep_list))
}

/// Gives the quotes and orders of the account `from` to `into` (a merge of duplicate accounts).
pub fn move_account(conn: &Connection, from: &str, into: &str) -> Result<(), Failure> {
    conn.execute("UPDATE orders SET account_id = ?2 WHERE account_id = ?1", params![from, into])?;
    Ok(())
}
