//! The desk's data store: the only path between desk screens and the backend.
//!
//! Today it loads the board's data straight through the [`Client`]; issue 03 puts the IndexedDB cache and the
//! outbox behind this same interface, so screens do not change.

use crate::client::Client;
use crate::connector::{Capabilities, Connector, ConnectorError, ListQuery};
use crate::transport::Transport;
use std::collections::HashMap;
use trato_protocol::{Deal, Pipeline, SessionInfo, User};

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
