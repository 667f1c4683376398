//! Everything the cache holds around one customer (an account or a contact): its contacts, its deals, the
//! activities on it, on its deals and on its people, and the pipelines (for the stages' names and kinds). Read
//! through the cache's indexes, so a page opens without reading every record.

use super::work::Names;
use crate::desk::context::Store;
use crate::store::error::CacheError;
use crate::store::record::Kind;
use std::collections::{HashMap, HashSet};
use trato_protocol::*;

/// What surrounds one customer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Around {
    /// Its people (an account's contacts).
    pub contacts: Vec<Contact>,
    /// Its deals.
    pub deals: Vec<Deal>,
    /// Activities on it, its deals and its people, each once.
    pub activities: Vec<Activity>,
    /// Every pipeline.
    pub pipelines: Vec<Pipeline>,
}

impl Around {
    /// The names of its deals, contacts and stages.
    pub fn names(&self) -> Names {
        Names {
            deals: self.deals.iter().map(|d| (d.meta.id.clone(), d.name.clone())).collect(),
            contacts: self
                .contacts
                .iter()
                .map(|c| (c.meta.id.clone(), format!("{} {}", c.first_name, c.last_name).trim().to_string()))
                .collect(),
            stages: self.stages().into_iter().map(|(id, (_, name))| (id, name)).collect(),
            ..Default::default()
        }
    }

    /// Each stage's kind and name by id.
    pub fn stages(&self) -> HashMap<String, (StageKind, String)> {
        self.pipelines.iter().flat_map(|p| p.stages.iter().map(|s| (s.id.clone(), (s.kind, s.name.clone())))).collect()
    }
}

/// Reads what surrounds the account `account_id`, or the contact `contact_id`: [`load_core`], then
/// [`add_related_activities`].
pub async fn load_around(
    store: &Store,
    account_id: Option<&str>,
    contact_id: Option<&str>,
) -> Result<Around, CacheError> {
    let mut around = load_core(store, account_id, contact_id).await?;
    add_related_activities(store, &mut around).await?;
    Ok(around)
}

/// The first part of what surrounds a customer, enough to draw its page: the pipelines, its people, its deals and
/// the activities on the customer itself. The reads are asked at once (IndexedDB answers them side by side).
pub async fn load_core(
    store: &Store,
    account_id: Option<&str>,
    contact_id: Option<&str>,
) -> Result<Around, CacheError> {
    use futures::future::try_join4;
    let contacts = async {
        match account_id {
            Some(account) => store.referring::<Contact>(Kind::Contacts, "account_id", account).await,
            None => Ok(vec![]),
        }
    };
    let deals = async {
        match (account_id, contact_id) {
            (_, Some(contact)) => store.referring::<Deal>(Kind::Deals, "contact_id", contact).await,
            (Some(account), None) => store.referring::<Deal>(Kind::Deals, "account_id", account).await,
            (None, None) => Ok(vec![]),
        }
    };
    let own = async {
        let mut own: Vec<Activity> = vec![];
        if let Some(account) = account_id {
            own.extend(store.referring::<Activity>(Kind::Activities, "account_id", account).await?);
        }
        if let Some(contact) = contact_id {
            own.extend(store.referring::<Activity>(Kind::Activities, "contact_id", contact).await?);
        }
        Ok::<_, CacheError>(own)
    };
    let (pipelines, mut contacts, mut deals, activities) =
        try_join4(async { store.pipelines().await }, contacts, deals, own).await?;
    contacts.sort_by(|a, b| a.last_name.cmp(&b.last_name).then_with(|| a.first_name.cmp(&b.first_name)));
    deals.sort_by(|a, b| b.meta.updated_at.cmp(&a.meta.updated_at));
    Ok(Around { contacts, deals, activities, pipelines })
}

/// Adds the activities on the customer's deals and on its people (all asked at once), each activity once.
pub async fn add_related_activities(store: &Store, around: &mut Around) -> Result<(), CacheError> {
    let on_deals = around.deals.iter().map(|d| store.referring::<Activity>(Kind::Activities, "deal_id", &d.meta.id));
    let on_people =
        around.contacts.iter().map(|c| store.referring::<Activity>(Kind::Activities, "contact_id", &c.meta.id));
    for found in futures::future::join_all(on_deals.chain(on_people)).await {
        around.activities.extend(found?);
    }
    let mut seen = HashSet::new();
    around.activities.retain(|a| seen.insert(a.meta.id.clone()));
    Ok(())
}
