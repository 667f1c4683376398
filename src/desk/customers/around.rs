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

/// Reads what surrounds the account `account_id`, or the contact `contact_id`.
pub async fn load_around(
    store: &Store,
    account_id: Option<&str>,
    contact_id: Option<&str>,
) -> Result<Around, CacheError> {
    let mut around = Around { pipelines: store.pipelines().await?, ..Default::default() };
    let mut activities: Vec<Activity> = Vec::new();
    if let Some(account) = account_id {
        around.contacts = store.referring(Kind::Contacts, "account_id", account).await?;
        around.contacts.sort_by(|a, b| a.last_name.cmp(&b.last_name).then_with(|| a.first_name.cmp(&b.first_name)));
        around.deals = store.referring(Kind::Deals, "account_id", account).await?;
        activities.extend(store.referring::<Activity>(Kind::Activities, "account_id", account).await?);
    }
    if let Some(contact) = contact_id {
        around.deals = store.referring(Kind::Deals, "contact_id", contact).await?;
        activities.extend(store.referring::<Activity>(Kind::Activities, "contact_id", contact).await?);
    }
    around.deals.sort_by(|a, b| b.meta.updated_at.cmp(&a.meta.updated_at));
    for deal in &around.deals {
        activities.extend(store.referring::<Activity>(Kind::Activities, "deal_id", &deal.meta.id).await?);
    }
    for person in &around.contacts {
        activities.extend(store.referring::<Activity>(Kind::Activities, "contact_id", &person.meta.id).await?);
    }
    let mut seen = HashSet::new();
    activities.retain(|a| seen.insert(a.meta.id.clone()));
    around.activities = activities;
    Ok(around)
}
