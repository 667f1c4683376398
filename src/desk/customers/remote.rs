//! What a customer page asks the backend for (it is not cached): the customer's support cases with their
//! messages, their chats, and an account's quotes and orders. Offline, or on a backend without them, nothing.

use crate::connector::support::{CaseFilter, SupportOp};
use crate::desk::context::Store;
use crate::domain::customer::Remote;

/// What the backend said, and which parts it could say.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fetched {
    /// Cases and their messages, chats, orders.
    pub remote: Remote,
    /// Whether the cases are known (the backend has them and answered).
    pub cases_known: bool,
    /// Whether the chats are known.
    pub chats_known: bool,
    /// Whether the orders are known.
    pub orders_known: bool,
}

/// Whose records a customer page shows: an account's, or a contact's (their cases by their address).
#[derive(Clone, Debug, PartialEq)]
pub enum Whose {
    /// An account.
    Account(String),
    /// A contact, with their address when they have one.
    Contact {
        /// The contact.
        id: String,
        /// Their address.
        email: Option<String>,
    },
}

/// What the backend has for `whose`; the three parts are asked at once.
pub async fn remote(store: &Store, whose: &Whose) -> Fetched {
    let capabilities = store.capabilities();
    let (account_id, contact_id, email) = match whose {
        Whose::Account(id) => (Some(id.clone()), None, None),
        Whose::Contact { id, email } => (None, Some(id.clone()), email.clone()),
    };
    let cases = async {
        if !capabilities.cases || (account_id.is_none() && email.is_none()) {
            return None;
        }
        let filter = CaseFilter { account_id: account_id.clone(), customer_email: email.clone(), ..Default::default() };
        let mut cases = store.ask(SupportOp::cases(filter)).await.ok()?;
        cases.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
        let messages = store.ask(SupportOp::case_messages(account_id.clone(), email.clone())).await.unwrap_or_default();
        let paired = messages
            .into_iter()
            .filter_map(|m| Some((cases.iter().find(|c| c.id == m.case_id)?.clone(), m.message)))
            .collect::<Vec<_>>();
        Some((cases, paired))
    };
    let chats = async {
        if !capabilities.chat {
            return None;
        }
        store.ask(SupportOp::customer_chats(account_id.clone(), contact_id.clone())).await.ok()
    };
    let orders = async {
        match (capabilities.orders, &account_id) {
            (true, Some(account)) => store.orders(account).await.ok(),
            _ => None,
        }
    };
    let (cases, chats, orders) = futures::join!(cases, chats, orders);
    let mut fetched = Fetched::default();
    if let Some((cases, messages)) = cases {
        fetched.remote.cases = cases;
        fetched.remote.messages = messages;
        fetched.cases_known = true;
    }
    if let Some(chats) = chats {
        fetched.remote.chats = chats;
        fetched.chats_known = true;
    }
    if let Some(orders) = orders {
        fetched.remote.orders = orders;
        fetched.orders_known = true;
    }
    fetched
}
