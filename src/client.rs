//! [`Client`]: runs connector operations over a transport, with typed helpers for each operation.

use crate::connector::portal::{PortalOp, PortalReply};
use crate::connector::support::{SupportOp, SupportReply};
use crate::connector::trato;
use crate::connector::widget::{WidgetOp, WidgetReply};
use crate::connector::{
    Ask, Capabilities, Connector, ConnectorError, ListQuery, Operation, RecordOp, RecordReply, Reply, Rounds, Step,
};
use crate::transport::Transport;
use std::sync::Mutex;
use trato_protocol::*;

/// Most requests one operation may take (a connector's follow-ups included).
const MAX_ROUNDS: u8 = 6;

/// A connector plus the transport that carries its requests, and the session the connector's backend gave (the
/// connector itself keeps no state).
#[derive(Debug)]
pub struct Client<C: Connector, T> {
    connector: C,
    transport: T,
    session: Mutex<C::Session>,
}

impl<C: Connector + Clone, T: Clone> Clone for Client<C, T> {
    fn clone(&self) -> Self {
        Client {
            connector: self.connector.clone(),
            transport: self.transport.clone(),
            session: Mutex::new(self.session.lock().map(|s| s.clone()).unwrap_or_default()),
        }
    }
}

fn unexpected(reply: Reply) -> ConnectorError {
    ConnectorError::Malformed(format!("unexpected reply {reply:?}"))
}

macro_rules! record_helpers {
    ($list:ident, $get:ident, $create:ident, $update:ident, $delete:ident, $all:ident,
     $variant:ident, $record:ty, $new:ty, $patch:ty) => {
        /// A page of records.
        pub async fn $list(&self, query: ListQuery) -> Result<Page<$record>, ConnectorError> {
            match self.run(Operation::$variant(RecordOp::List(query))).await? {
                Reply::$variant(RecordReply::Page(page)) => Ok(page),
                other => Err(unexpected(other)),
            }
        }

        /// Every record matching the query, following cursors page after page.
        pub async fn $all(&self, mut query: ListQuery) -> Result<Vec<$record>, ConnectorError> {
            query.limit = Some(query.limit.unwrap_or(MAX_PAGE_SIZE));
            let mut items = Vec::new();
            loop {
                let page = self.$list(query.clone()).await?;
                items.extend(page.items);
                match page.next_cursor {
                    Some(cursor) if query.cursor.as_ref() != Some(&cursor) => query.cursor = Some(cursor),
                    _ => return Ok(items),
                }
            }
        }

        /// One record.
        pub async fn $get(&self, id: &str) -> Result<$record, ConnectorError> {
            self.one(Operation::$variant(RecordOp::Get(id.into()))).await
        }

        /// Creates a record; retrying with the same key never creates it twice.
        pub async fn $create(&self, new: $new, idempotency_key: &str) -> Result<$record, ConnectorError> {
            let op = RecordOp::Create { new, idempotency_key: idempotency_key.into() };
            self.one(Operation::$variant(op)).await
        }

        /// Changes some fields of a record made at `version`.
        pub async fn $update(&self, id: &str, version: Option<u64>, patch: $patch) -> Result<$record, ConnectorError> {
            self.one(Operation::$variant(RecordOp::Update { id: id.into(), version, patch, idempotency_key: None }))
                .await
        }

        /// Deletes a record.
        pub async fn $delete(&self, id: &str, version: Option<u64>) -> Result<(), ConnectorError> {
            match self
                .run(Operation::$variant(RecordOp::Delete { id: id.into(), version, idempotency_key: None }))
                .await?
            {
                Reply::$variant(RecordReply::Deleted) => Ok(()),
                other => Err(unexpected(other)),
            }
        }
    };
}

impl<C: Connector, T: Transport> Client<C, T> {
    /// Runs a support operation and returns its typed answer (cases, knowledge base, chat inbox).
    pub async fn ask<A>(&self, ask: Ask<SupportOp, SupportReply, A>) -> Result<A, ConnectorError> {
        let reply = self.support(ask.op.clone()).await?;
        ask.answer(reply)
    }

    /// A client for `connector` over `transport`, signed out.
    pub fn new(connector: C, transport: T) -> Self {
        Client { connector, transport, session: Mutex::new(C::Session::default()) }
    }

    /// The backend's session as the client holds it (to keep it across page loads).
    pub fn kept_session(&self) -> C::Session {
        self.session.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Resumes a kept session.
    pub fn resume(&self, session: C::Session) {
        if let Ok(mut slot) = self.session.lock() {
            *slot = session;
        }
    }

    /// What the backend supports.
    pub fn capabilities(&self) -> Capabilities {
        self.connector.capabilities()
    }

    /// The connector.
    pub fn connector(&self) -> &C {
        &self.connector
    }

    /// Runs one operation: build the request, send it, read the answer (sending the follow-up requests the
    /// connector asks for, a few at most).
    pub async fn run(&self, op: Operation) -> Result<Reply, ConnectorError> {
        let mut request = self.connector.request(&self.kept_session(), &op)?;
        let mut rounds = Rounds::default();
        while rounds.round < MAX_ROUNDS {
            let response = self.transport.send(request).await?;
            let mut session = self.kept_session();
            let step = self.connector.response(&mut session, &op, &mut rounds, response);
            self.resume(session);
            match step? {
                Step::Reply(reply) => return Ok(reply),
                Step::Next(next) => request = next,
            }
            rounds.round += 1;
        }
        Err(ConnectorError::Malformed(format!("{op:?} took more than {MAX_ROUNDS} requests")))
    }

    async fn one<R>(&self, op: Operation) -> Result<R, ConnectorError>
    where
        Reply: OneOf<R>,
    {
        let reply = self.run(op).await?;
        Reply::one_of(reply)
    }

    /// Signs in.
    pub async fn login(&self, email: &str, password: &str) -> Result<SessionInfo, ConnectorError> {
        match self.run(Operation::Login { email: email.into(), password: password.into() }).await? {
            Reply::Session(session) => Ok(session),
            other => Err(unexpected(other)),
        }
    }

    /// Signs out.
    pub async fn logout(&self) -> Result<(), ConnectorError> {
        self.run(Operation::Logout).await.map(|_| ())
    }

    /// The current session; `Unauthorized` when signed out.
    pub async fn session(&self) -> Result<SessionInfo, ConnectorError> {
        match self.run(Operation::CurrentSession).await? {
            Reply::Session(session) => Ok(session),
            other => Err(unexpected(other)),
        }
    }

    /// All reps.
    pub async fn users(&self) -> Result<Vec<User>, ConnectorError> {
        match self.run(Operation::ListUsers).await? {
            Reply::Users(users) => Ok(users),
            other => Err(unexpected(other)),
        }
    }

    /// Quotes and orders (read only).
    pub async fn orders(&self, query: ListQuery) -> Result<Page<support::Order>, ConnectorError> {
        match self.run(Operation::Orders(query)).await? {
            Reply::Orders(page) => Ok(page),
            other => Err(unexpected(other)),
        }
    }

    /// Merges the duplicate account `from` into `into`.
    pub async fn merge_accounts(&self, into: &Account, from: &Account, note: &str) -> Result<Account, ConnectorError> {
        match self.run(merge_op("accounts", &into.meta, &from.meta, note)).await? {
            Reply::Accounts(RecordReply::One(account)) => Ok(account),
            other => Err(unexpected(other)),
        }
    }

    /// Merges the duplicate contact `from` into `into`.
    pub async fn merge_contacts(&self, into: &Contact, from: &Contact, note: &str) -> Result<Contact, ConnectorError> {
        match self.run(merge_op("contacts", &into.meta, &from.meta, note)).await? {
            Reply::Contacts(RecordReply::One(contact)) => Ok(contact),
            other => Err(unexpected(other)),
        }
    }

    /// Creates or changes many records of `kind` at once; sending the same batch with the same key again changes
    /// nothing twice.
    pub async fn import(&self, kind: &str, batch: ImportBatch, key: &str) -> Result<ImportAnswer, ConnectorError> {
        let op = Operation::Import { kind: kind.into(), batch, idempotency_key: key.into() };
        match self.run(op).await? {
            Reply::Imported(answer) => Ok(answer),
            other => Err(unexpected(other)),
        }
    }

    /// All pipelines.
    pub async fn pipelines(&self) -> Result<Vec<Pipeline>, ConnectorError> {
        match self.run(Operation::ListPipelines).await? {
            Reply::Pipelines(pipelines) => Ok(pipelines),
            other => Err(unexpected(other)),
        }
    }

    record_helpers!(deals, deal, create_deal, update_deal, delete_deal, all_deals, Deals, Deal, NewDeal, DealPatch);
    record_helpers!(
        accounts,
        account,
        create_account,
        update_account,
        delete_account,
        all_accounts,
        Accounts,
        Account,
        NewAccount,
        AccountPatch
    );
    record_helpers!(
        contacts,
        contact,
        create_contact,
        update_contact,
        delete_contact,
        all_contacts,
        Contacts,
        Contact,
        NewContact,
        ContactPatch
    );
    record_helpers!(
        views,
        view,
        create_view,
        update_view,
        delete_view,
        all_views,
        Views,
        SavedView,
        NewView,
        ViewPatch
    );

    /// A page of the changes feed after `since` (from the start when `None`).
    pub async fn changes(&self, since: Option<&str>, limit: Option<u32>) -> Result<ChangesPage, ConnectorError> {
        match self.run(Operation::Changes { since: since.map(Into::into), limit }).await? {
            Reply::Changes(page) => Ok(page),
            other => Err(unexpected(other)),
        }
    }

    /// Runs a support operation (cases, knowledge base).
    pub async fn support(&self, op: SupportOp) -> Result<SupportReply, ConnectorError> {
        match self.run(Operation::Support(op)).await? {
            Reply::Support(reply) => Ok(reply),
            other => Err(unexpected(other)),
        }
    }

    /// Brings back a deleted deal.
    pub async fn restore_deal(&self, id: &str) -> Result<Deal, ConnectorError> {
        self.one(Operation::RestoreDeal { id: id.into(), idempotency_key: None }).await
    }

    record_helpers!(
        activities,
        activity,
        create_activity,
        update_activity,
        delete_activity,
        all_activities,
        Activities,
        Activity,
        NewActivity,
        ActivityPatch
    );
}

/// Extracts a single record of type `R` from a reply.
trait OneOf<R>: Sized {
    fn one_of(reply: Self) -> Result<R, ConnectorError>;
}

macro_rules! one_of {
    ($variant:ident, $record:ty) => {
        impl OneOf<$record> for Reply {
            fn one_of(reply: Reply) -> Result<$record, ConnectorError> {
                match reply {
                    Reply::$variant(RecordReply::One(record)) => Ok(record),
                    other => Err(unexpected(other)),
                }
            }
        }
    };
}
one_of!(Deals, Deal);
one_of!(Accounts, Account);
one_of!(Contacts, Contact);
one_of!(Activities, Activity);
one_of!(Views, SavedView);

/// Runs the customer portal's operations over a transport (the portal speaks only the Trato protocol).
#[derive(Clone, Debug)]
pub struct PortalClient<T> {
    transport: T,
}

impl<T: Transport> PortalClient<T> {
    /// A portal client over `transport`.
    pub fn new(transport: T) -> Self {
        PortalClient { transport }
    }

    /// Runs one operation.
    pub async fn run(&self, op: PortalOp) -> Result<PortalReply, ConnectorError> {
        let response = self.transport.send(trato::portal::request(&op)).await?;
        trato::portal::response(&op, &response)
    }

    /// Runs one operation and returns its typed answer.
    pub async fn ask<A>(&self, ask: Ask<PortalOp, PortalReply, A>) -> Result<A, ConnectorError> {
        let reply = self.run(ask.op.clone()).await?;
        ask.answer(reply)
    }
}

/// Runs the chat widget's operations over a transport, with the visitor's token once there is one.
#[derive(Clone, Debug)]
pub struct WidgetClient<T> {
    transport: T,
}

impl<T: Transport> WidgetClient<T> {
    /// A widget client over `transport`.
    pub fn new(transport: T) -> Self {
        WidgetClient { transport }
    }

    /// Runs one operation as the visitor holding `token`.
    pub async fn run(&self, op: WidgetOp, token: Option<&str>) -> Result<WidgetReply, ConnectorError> {
        let response = self.transport.send(trato::widget::request(&op, token)).await?;
        trato::widget::response(&op, &response)
    }

    /// Runs one operation as the visitor holding `token` and returns its typed answer.
    pub async fn ask<A>(&self, ask: Ask<WidgetOp, WidgetReply, A>, token: Option<&str>) -> Result<A, ConnectorError> {
        let reply = self.run(ask.op.clone(), token).await?;
        ask.answer(reply)
    }
}

/// The operation that merges the record `from` of `kind` into `into`, on the versions seen.
fn merge_op(kind: &str, into: &Meta, from: &Meta, note: &str) -> Operation {
    Operation::Merge {
        kind: kind.into(),
        into: into.id.clone(),
        into_version: into.version,
        from: from.id.clone(),
        from_version: from.version,
        note: note.into(),
    }
}
