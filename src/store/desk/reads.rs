//! Reads: what the screens show, from the cache (before any network answer), and the first cards of a board
//! from the backend on a first visit, while the first pull runs behind them.

use super::DeskStore;
use crate::connector::{Connector, ConnectorError, ListQuery};
use crate::store::board_data::{BoardData, Partial, FIRST_CARDS};
pub use crate::store::cache::Read;
use crate::store::error::CacheError;
use crate::store::outbox::Entry;
use crate::store::record::{Kind, Row};
use crate::transport::Transport;
use trato_protocol::*;

/// The metadata key of the case list as last seen online.
const CASES_SEEN: &str = "cases-seen";

fn decode_all<R: serde::de::DeserializeOwned>(rows: Vec<String>) -> Vec<R> {
    rows.iter().filter_map(|j| Row::decode(j)).collect()
}

/// What [`DeskStore::read_many`] found: each read's records, in the order of the reads.
#[derive(Debug, Default)]
pub struct Found(Vec<Vec<String>>);

impl Found {
    /// The records the read at `index` found, decoded (those that do not decode are left out); taken, so a
    /// second take of the same read is empty.
    pub fn take<R: serde::de::DeserializeOwned>(&mut self, index: usize) -> Vec<R> {
        self.0.get_mut(index).map(std::mem::take).map(decode_all).unwrap_or_default()
    }
}

impl<C: Connector + 'static, T: Transport + 'static> DeskStore<C, T> {
    /// Pipelines, deals, account names and reps from the cache.
    pub async fn board(&self) -> Result<BoardData, CacheError> {
        let cache = self.cache()?;
        let mut pipelines: Vec<Pipeline> = decode_all(cache.all(Kind::Pipelines).await?);
        BoardData::sort_pipelines(&mut pipelines);
        let deals = decode_all(cache.all(Kind::Deals).await?);
        let accounts: Vec<Account> = decode_all(cache.all(Kind::Accounts).await?);
        let users = cache.users().await?;
        Ok(BoardData {
            pipelines,
            deals,
            account_names: accounts.into_iter().map(|a| (a.meta.id, a.name)).collect(),
            users: users.into_iter().map(|u| (u.id.clone(), u)).collect(),
            partial: None,
        })
    }

    /// The first cards of each column of the shown pipeline (`wanted`, else the first), read from the cache in
    /// one transaction without reading the rest: what the board paints before the whole set is parsed. `None`
    /// when nothing was ever pulled here.
    pub async fn first_cards(&self, wanted: Option<&str>) -> Result<Option<BoardData>, CacheError> {
        self.cache()?.first_cards(wanted).await
    }

    /// The first cards of each column of the shown pipeline, straight from the backend: what a first visit shows
    /// while its first pull is still copying everything. Account names come with the pull.
    pub async fn first_cards_from_backend(&self, wanted: Option<&str>) -> Result<BoardData, ConnectorError> {
        let client = self.client();
        let mut pipelines = client.pipelines().await?;
        BoardData::sort_pipelines(&mut pipelines);
        let Some(pipeline) = BoardData::pick_pipeline(&pipelines, wanted).cloned() else {
            return Ok(BoardData { pipelines, ..Default::default() });
        };
        let queries = pipeline.stages.iter().map(|stage| {
            let query = ListQuery {
                filters: vec![("stage_id".into(), stage.id.clone())],
                sort: Some("position".into()),
                limit: Some(FIRST_CARDS),
                ..Default::default()
            };
            let client = client.clone();
            async move { client.deals(query).await }
        });
        let (pages, users) = futures::future::join(futures::future::join_all(queries), client.users()).await;
        let mut deals = Vec::new();
        for page in pages {
            deals.extend(page?.items);
        }
        Ok(BoardData {
            pipelines,
            deals,
            account_names: Default::default(),
            users: users.unwrap_or_default().into_iter().map(|u| (u.id.clone(), u)).collect(),
            partial: Some(Partial { pipeline_id: pipeline.meta.id.clone(), counts: Default::default() }),
        })
    }

    /// The company's reps: from the cache when it is open and holds them, else from the backend.
    pub async fn reps(&self) -> Result<Vec<User>, ConnectorError> {
        if let Ok(cache) = self.cache() {
            if let Ok(users) = cache.users().await {
                if !users.is_empty() {
                    return Ok(users);
                }
            }
        }
        self.client().users().await
    }

    /// One deal from the cache.
    pub async fn deal(&self, id: &str) -> Result<Option<Deal>, CacheError> {
        Ok(self.cache()?.get(Kind::Deals, id).await?.and_then(|j| Row::decode(&j)))
    }

    /// A deal's timeline: every activity, newest first.
    pub async fn deal_activities(&self, deal_id: &str) -> Result<Vec<Activity>, CacheError> {
        let mut activities: Vec<Activity> = decode_all(self.cache()?.by(Kind::Activities, "deal_id", deal_id).await?);
        activities.sort_by(|a, b| b.meta.created_at.cmp(&a.meta.created_at).then_with(|| b.meta.id.cmp(&a.meta.id)));
        Ok(activities)
    }

    /// Contacts of an account.
    pub async fn account_contacts(&self, account_id: &str) -> Result<Vec<Contact>, CacheError> {
        let mut contacts: Vec<Contact> = decode_all(self.cache()?.by(Kind::Contacts, "account_id", account_id).await?);
        contacts.sort_by(|a, b| a.last_name.cmp(&b.last_name).then_with(|| a.first_name.cmp(&b.first_name)));
        Ok(contacts)
    }

    /// Every cached contact (the command palette finds deals by their contacts).
    pub async fn contacts(&self) -> Result<Vec<Contact>, CacheError> {
        Ok(decode_all(self.cache()?.all(Kind::Contacts).await?))
    }

    /// Every pipeline with its stages, in backend order.
    pub async fn pipelines(&self) -> Result<Vec<Pipeline>, CacheError> {
        let mut pipelines: Vec<Pipeline> = decode_all(self.cache()?.all(Kind::Pipelines).await?);
        BoardData::sort_pipelines(&mut pipelines);
        Ok(pipelines)
    }

    /// An account's quotes and orders, from the backend (they are not cached).
    pub async fn orders(&self, account_id: &str) -> Result<Vec<trato_protocol::support::Order>, ConnectorError> {
        Ok(self.client().orders(ListQuery::filter("account_id", account_id)).await?.items)
    }

    /// Every support case the backend lists (the queue with no filter). Each answer is kept on the device, so
    /// offline the last one seen is given (the palette finds cases without a connection); without a connection
    /// and nothing kept, the connection error.
    pub async fn cases_seen(&self) -> Result<Vec<Case>, ConnectorError> {
        use crate::connector::support::{CaseFilter, SupportOp};
        match self.ask(SupportOp::cases(CaseFilter::default())).await {
            Ok(cases) => {
                if let Ok(json) = serde_json::to_string(&cases) {
                    let batch =
                        crate::store::batch::Batch { meta: vec![(CASES_SEEN.into(), json)], ..Default::default() };
                    // Keeping the copy is a convenience: a failed write leaves the last one.
                    let _ = self.write(&batch).await;
                }
                Ok(cases)
            }
            Err(error) if matches!(error, ConnectorError::Network(_)) => {
                let kept = match self.cache() {
                    Ok(cache) => cache.meta(CASES_SEEN).await.ok().flatten(),
                    Err(_) => None,
                };
                kept.and_then(|json| serde_json::from_str(&json).ok()).ok_or(error)
            }
            Err(error) => Err(error),
        }
    }

    /// Every cached account.
    pub async fn accounts(&self) -> Result<Vec<Account>, CacheError> {
        Ok(decode_all(self.cache()?.all(Kind::Accounts).await?))
    }

    /// Every cached deal (the customer lists count open deals per account).
    pub async fn deals(&self) -> Result<Vec<Deal>, CacheError> {
        Ok(decode_all(self.cache()?.all(Kind::Deals).await?))
    }

    /// Every cached activity (the rep's day, the customer lists' last contact).
    pub async fn activities(&self) -> Result<Vec<Activity>, CacheError> {
        Ok(decode_all(self.cache()?.all(Kind::Activities).await?))
    }

    /// One account from the cache.
    pub async fn account(&self, id: &str) -> Result<Option<Account>, CacheError> {
        Ok(self.cache()?.get(Kind::Accounts, id).await?.and_then(|j| Row::decode(&j)))
    }

    /// One contact from the cache.
    pub async fn contact(&self, id: &str) -> Result<Option<Contact>, CacheError> {
        Ok(self.cache()?.get(Kind::Contacts, id).await?.and_then(|j| Row::decode(&j)))
    }

    /// Records of `kind` whose `field` is `id`, through the cache's index.
    pub async fn referring<R: serde::de::DeserializeOwned>(
        &self,
        kind: Kind,
        field: &str,
        id: &str,
    ) -> Result<Vec<R>, CacheError> {
        Ok(decode_all(self.cache()?.by(kind, field, id).await?))
    }

    /// Several reads in one cache transaction, asked at once (cheaper than one transaction per read): the
    /// records each read found, to be taken out decoded.
    pub async fn read_many(&self, reads: &[Read<'_>]) -> Result<Found, CacheError> {
        Ok(Found(self.cache()?.read_many(reads).await?))
    }

    /// The rep's saved views.
    pub async fn views(&self) -> Result<Vec<SavedView>, CacheError> {
        let mut views: Vec<SavedView> = decode_all(self.cache()?.all(Kind::Views).await?);
        views.sort_by_key(|v| v.name.to_lowercase());
        Ok(views)
    }

    /// The queued changes, oldest first.
    pub async fn outbox(&self) -> Result<Vec<Entry>, CacheError> {
        self.cache()?.outbox().await
    }
}
