//! What a customer page asks the backend for (it is not cached): the customer's support cases with the messages
//! of the most recent ones, and an account's quotes and orders. Offline, or on a backend without them, nothing.

use crate::connector::support::{CaseFilter, SupportOp};
use crate::desk::context::Store;
use crate::domain::customer::Remote;

/// Cases whose messages go into the timeline (the most recently changed).
const CASES_WITH_MESSAGES: usize = 10;

/// What the backend said, and which parts it could say.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fetched {
    /// Cases, their recent messages, orders.
    pub remote: Remote,
    /// Whether the cases are known (the backend has them and answered).
    pub cases_known: bool,
    /// Whether the orders are known.
    pub orders_known: bool,
}

/// What the backend has for the account `account_id`, or for the customer with the address `email`.
pub async fn remote(store: &Store, account_id: Option<&str>, email: Option<&str>) -> Fetched {
    let capabilities = store.capabilities();
    let mut fetched = Fetched::default();
    if capabilities.cases && (account_id.is_some() || email.is_some()) {
        let filter = CaseFilter {
            account_id: account_id.map(String::from),
            customer_email: email.filter(|_| account_id.is_none()).map(String::from),
            ..Default::default()
        };
        if let Ok(mut cases) = store.ask(SupportOp::cases(filter)).await {
            cases.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
            for case in cases.iter().take(CASES_WITH_MESSAGES) {
                if let Ok(desk) = store.ask(SupportOp::case(case.id.clone())).await {
                    fetched.remote.messages.extend(desk.messages.into_iter().map(|m| (case.clone(), m)));
                }
            }
            fetched.remote.cases = cases;
            fetched.cases_known = true;
        }
    }
    if let (true, Some(account)) = (capabilities.orders, account_id) {
        if let Ok(orders) = store.orders(account).await {
            fetched.remote.orders = orders;
            fetched.orders_known = true;
        }
    }
    fetched
}
