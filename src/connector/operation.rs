//! The backend-neutral side of every connector: what the app asks ([`Operation`]), what it gets ([`Reply`]),
//! what a backend can do ([`Capabilities`]), the [`Connector`] interface (sans-IO and stateless) and [`Ask`], an
//! operation paired with the type of its answer.

use super::error::ConnectorError;
use super::http::{HttpRequest, HttpResponse};
use super::support::{SupportOp, SupportReply};
use trato_protocol::*;

/// What a backend can do; the UI hides what is missing instead of failing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capabilities {
    /// Several pipelines with their own stages.
    pub pipelines: bool,
    /// Deals can move to any stage directly (otherwise only along the backend's workflow).
    pub free_stages: bool,
    /// Writes carry a version and stale ones are refused.
    pub versioned_writes: bool,
    /// Support cases.
    pub cases: bool,
    /// Live chat.
    pub chat: bool,
    /// Knowledge base.
    pub knowledge_base: bool,
    /// Activities (calls, meetings, tasks, notes) on deals.
    pub activities: bool,
    /// Saved board views.
    pub saved_views: bool,
    /// An account's quotes and orders, read only.
    pub orders: bool,
    /// The account fields the desk may change (protocol names); the others are shown read only.
    pub account_fields: &'static [&'static str],
    /// The contact fields the desk may change.
    pub contact_fields: &'static [&'static str],
    /// Accounts and contacts can be created from the desk.
    pub new_customers: bool,
    /// Many records can be imported at once.
    pub import: bool,
    /// Duplicate accounts and contacts can be merged.
    pub merge: bool,
}

impl Capabilities {
    /// Everything (the Trato protocol).
    pub const ALL: Capabilities = Capabilities {
        pipelines: true,
        free_stages: true,
        versioned_writes: true,
        cases: true,
        chat: true,
        knowledge_base: true,
        activities: true,
        saved_views: true,
        orders: true,
        account_fields: &["name", "industry", "website", "phone", "city", "owner_id"],
        contact_fields: &["first_name", "last_name", "email", "phone", "title", "account_id", "owner_id"],
        new_customers: true,
        import: true,
        merge: true,
    };
}

/// Filters, sort and page of a list request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListQuery {
    /// Equality filters, `(field, value)`.
    pub filters: Vec<(String, String)>,
    /// Sort key, `-` prefixed for descending.
    pub sort: Option<String>,
    /// Free-text search.
    pub search: Option<String>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
    /// Page size.
    pub limit: Option<u32>,
}

impl ListQuery {
    /// A query with one equality filter.
    pub fn filter(field: &str, value: &str) -> Self {
        ListQuery { filters: vec![(field.into(), value.into())], ..Default::default() }
    }
}

/// An operation on one record collection.
#[derive(Clone, Debug)]
pub enum RecordOp<New, Patch> {
    /// A page of records.
    List(ListQuery),
    /// One record by id.
    Get(String),
    /// Create; the key makes a retry safe.
    Create {
        /// The new record.
        new: New,
        /// Idempotency key chosen by the caller.
        idempotency_key: String,
    },
    /// Partial update, guarded by the version it was made on.
    Update {
        /// Record id.
        id: String,
        /// Version the change was made on (`If-Match`).
        version: Option<u64>,
        /// Fields to change.
        patch: Patch,
        /// Makes a retry after a lost answer safe (the backend replays its first answer).
        idempotency_key: Option<String>,
    },
    /// Delete, guarded by the version.
    Delete {
        /// Record id.
        id: String,
        /// Version the delete was decided on.
        version: Option<u64>,
        /// Makes a retry after a lost answer safe.
        idempotency_key: Option<String>,
    },
}

/// Everything the client can ask a backend.
#[derive(Clone, Debug)]
pub enum Operation {
    /// Sign in with e-mail and password.
    Login {
        /// Sign-in address.
        email: String,
        /// Password.
        password: String,
    },
    /// End the session.
    Logout,
    /// The current session, if any.
    CurrentSession,
    /// All reps.
    ListUsers,
    /// All pipelines with their stages.
    ListPipelines,
    /// Deals.
    Deals(RecordOp<NewDeal, DealPatch>),
    /// Accounts.
    Accounts(RecordOp<NewAccount, AccountPatch>),
    /// Contacts.
    Contacts(RecordOp<NewContact, ContactPatch>),
    /// Activities.
    Activities(RecordOp<NewActivity, ActivityPatch>),
    /// The rep's saved board views.
    Views(RecordOp<NewView, ViewPatch>),
    /// Brings back a deleted deal (undo of a delete).
    RestoreDeal {
        /// The deal.
        id: String,
        /// Makes a retry after a lost answer safe.
        idempotency_key: Option<String>,
    },
    /// Customer support: cases and the knowledge base (backends with [`Capabilities::cases`]).
    Support(SupportOp),
    /// Quotes and orders, read only (filter `account_id` for one account's); backends with sales.
    Orders(ListQuery),
    /// Merges a duplicate account or contact (`from`) into another (`into`): the backend moves its records and
    /// deletes it; backends with [`Capabilities::merge`].
    Merge {
        /// `accounts` or `contacts`.
        kind: String,
        /// The survivor.
        into: String,
        /// The survivor's version the rep saw.
        into_version: u64,
        /// The duplicate that goes away.
        from: String,
        /// The duplicate's version the rep saw.
        from_version: u64,
        /// What the survivor's timeline says of the merge.
        note: String,
    },
    /// Creates or changes many records of one kind at once (a spreadsheet import); backends with
    /// [`Capabilities::import`].
    Import {
        /// `accounts`, `contacts` or `deals`.
        kind: String,
        /// The rows.
        batch: ImportBatch,
        /// Makes sending the batch again (a lost answer, a resumed import) safe.
        idempotency_key: String,
    },
    /// Records written since a cursor (every record when `since` is `None`), tombstones included.
    Changes {
        /// Cursor from the previous answer.
        since: Option<String>,
        /// Most changes to return.
        limit: Option<u32>,
    },
}

/// The answer to a record operation.
#[derive(Clone, Debug, PartialEq)]
pub enum RecordReply<T> {
    /// A page of records.
    Page(Page<T>),
    /// One record (get, create, update).
    One(T),
    /// The record was deleted.
    Deleted,
}

/// Everything a backend can answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// A signed-in session.
    Session(SessionInfo),
    /// Done, nothing to return.
    Done,
    /// Reps.
    Users(Vec<User>),
    /// Pipelines.
    Pipelines(Vec<Pipeline>),
    /// Deals.
    Deals(RecordReply<Deal>),
    /// Accounts.
    Accounts(RecordReply<Account>),
    /// Contacts.
    Contacts(RecordReply<Contact>),
    /// Activities.
    Activities(RecordReply<Activity>),
    /// Saved views.
    Views(RecordReply<SavedView>),
    /// A page of the changes feed.
    Changes(ChangesPage),
    /// Quotes and orders.
    Orders(Page<trato_protocol::support::Order>),
    /// What became of each imported row.
    Imported(ImportAnswer),
    /// A support answer.
    Support(SupportReply),
}

/// What a connector makes of a response.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)] // Short-lived: one per response, never stored.
pub enum Step {
    /// The operation's answer.
    Reply(Reply),
    /// The operation needs another request first (for example a backend whose `create` answers only an id is
    /// followed by a read of that record); its response comes back to [`Connector::response`] with the next round.
    Next(HttpRequest),
}

/// What one operation has learned so far, carried from round to round by the client: the round number and
/// whatever the connector chose to remember between its requests (for example the id a `create` answered, before
/// the read that follows it). Connectors keep no state of their own.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rounds {
    /// 0 for the answer to the first request.
    pub round: u8,
    /// What the connector carries to its next round.
    pub carried: serde_json::Value,
}

/// A backend protocol, without I/O and without state: everything it needs comes in as arguments.
pub trait Connector {
    /// What a signed-in session of this backend holds on the client (nothing for a backend whose session is an
    /// HttpOnly cookie the page never sees; a token for a token backend). The client keeps it and hands it in.
    type Session: Clone + Default + std::fmt::Debug;
    /// What this backend supports.
    fn capabilities(&self) -> Capabilities;
    /// The first request that performs `op`, or an error when the backend cannot do it.
    fn request(&self, session: &Self::Session, op: &Operation) -> Result<HttpRequest, ConnectorError>;
    /// Reads the backend's answer to round `rounds.round` of `op`; may change the session (sign-in, sign-out).
    fn response(
        &self,
        session: &mut Self::Session,
        op: &Operation,
        rounds: &mut Rounds,
        response: HttpResponse,
    ) -> Result<Step, ConnectorError>;
}
