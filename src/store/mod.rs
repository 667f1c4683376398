//! The desk's data store: the only path between desk screens and the backend.
//!
//! Today it loads the board's data straight through the [`Client`]; issue 03 puts the IndexedDB cache and the
//! outbox behind this same interface, so screens do not change.

pub mod outbox;
pub mod record;

use crate::client::Client;
use crate::connector::{Capabilities, Connector, ConnectorError, ListQuery};
use crate::transport::Transport;
use std::collections::HashMap;
use trato_protocol::*;

/// Everything the pipeline board shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BoardData {
    /// Pipelines with their stages, in backend order.
    pub pipelines: Vec<Pipeline>,
    /// Deals of every pipeline.
    pub deals: Vec<Deal>,
    /// Account names by id, for the cards.
    pub account_names: HashMap<String, String>,
    /// Reps by id, for owner initials.
    pub users: HashMap<String, User>,
}

/// Desk data access over one backend.
#[derive(Clone, Debug)]
pub struct DeskStore<C, T> {
    client: Client<C, T>,
}

impl<C: Connector, T: Transport> DeskStore<C, T> {
    /// A store over a client.
    pub fn new(client: Client<C, T>) -> Self {
        DeskStore { client }
    }

    /// What the backend supports.
    pub fn capabilities(&self) -> Capabilities {
        self.client.capabilities()
    }

    /// The current session, or `None` when signed out.
    pub async fn session(&self) -> Result<Option<SessionInfo>, ConnectorError> {
        match self.client.session().await {
            Ok(session) => Ok(Some(session)),
            Err(ConnectorError::Unauthorized(_)) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Signs in.
    pub async fn login(&self, email: &str, password: &str) -> Result<SessionInfo, ConnectorError> {
        self.client.login(email.trim(), password).await
    }

    /// Signs out.
    pub async fn logout(&self) -> Result<(), ConnectorError> {
        self.client.logout().await
    }

    /// Saves a partial change of a deal made on `version`; the server's record comes back.
    pub async fn update_deal(&self, id: &str, version: u64, patch: DealPatch) -> Result<Deal, ConnectorError> {
        self.client.update_deal(id, Some(version), patch).await
    }

    /// One deal, fresh from the backend.
    pub async fn deal(&self, id: &str) -> Result<Deal, ConnectorError> {
        self.client.deal(id).await
    }

    /// Creates a deal; `key` makes a retry safe.
    pub async fn create_deal(&self, new: NewDeal, key: &str) -> Result<Deal, ConnectorError> {
        self.client.create_deal(new, key).await
    }

    /// Deletes a deal made on `version`.
    pub async fn delete_deal(&self, id: &str, version: u64) -> Result<(), ConnectorError> {
        self.client.delete_deal(id, Some(version)).await
    }

    /// Brings a deleted deal back.
    pub async fn restore_deal(&self, id: &str) -> Result<Deal, ConnectorError> {
        self.client.restore_deal(id).await
    }

    /// Creates an account (from the quick-add form).
    pub async fn create_account(&self, name: &str, key: &str) -> Result<Account, ConnectorError> {
        self.client.create_account(NewAccount { name: name.into(), ..Default::default() }, key).await
    }

    /// Contacts of an account.
    pub async fn account_contacts(&self, account_id: &str) -> Result<Vec<Contact>, ConnectorError> {
        self.client.all_contacts(ListQuery::filter("account_id", account_id)).await
    }

    /// A deal's timeline: every activity, newest first.
    pub async fn deal_activities(&self, deal_id: &str) -> Result<Vec<Activity>, ConnectorError> {
        let mut query = ListQuery::filter("deal_id", deal_id);
        query.sort = Some("-created_at".into());
        self.client.all_activities(query).await
    }

    /// Logs an activity.
    pub async fn create_activity(&self, new: NewActivity, key: &str) -> Result<Activity, ConnectorError> {
        self.client.create_activity(new, key).await
    }

    /// Changes an activity (for example ticks a task done).
    pub async fn update_activity(
        &self,
        id: &str,
        version: u64,
        patch: ActivityPatch,
    ) -> Result<Activity, ConnectorError> {
        self.client.update_activity(id, Some(version), patch).await
    }

    /// The rep's saved views.
    pub async fn views(&self) -> Result<Vec<SavedView>, ConnectorError> {
        self.client.all_views(ListQuery::default()).await
    }

    /// Saves a view.
    pub async fn save_view(&self, new: NewView, key: &str) -> Result<SavedView, ConnectorError> {
        self.client.create_view(new, key).await
    }

    /// Deletes a view.
    pub async fn delete_view(&self, id: &str) -> Result<(), ConnectorError> {
        self.client.delete_view(id, None).await
    }

    /// Loads pipelines, all deals, account names and reps for the board.
    pub async fn load_board(&self) -> Result<BoardData, ConnectorError> {
        let pipelines = self.client.pipelines().await?;
        let deals = self.client.all_deals(ListQuery::default()).await?;
        let accounts = self.client.all_accounts(ListQuery::default()).await?;
        let users = self.client.users().await?;
        Ok(BoardData {
            pipelines,
            deals,
            account_names: accounts.into_iter().map(|a| (a.meta.id, a.name)).collect(),
            users: users.into_iter().map(|u| (u.id.clone(), u)).collect(),
        })
    }
}
