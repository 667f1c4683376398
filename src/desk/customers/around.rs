//! Everything the cache holds around one customer (an account or a contact): its contacts, its deals, the
//! activities on it, on its deals and on its people, and the pipelines (for the stages' names and kinds). Read
//! through the cache's indexes, so a page opens without reading every record.

use super::work::Names;
use crate::desk::context::Store;
use crate::store::desk::Read;
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
    let (mut around, _) = load_core(store, account_id, contact_id).await?;
    add_related_activities(store, &mut around).await?;
    Ok(around)
}

/// The first part of what surrounds a customer, enough to draw its page, with the account `account_id` itself:
/// the pipelines, its people, its deals and the activities on the customer itself, read in one cache
/// transaction.
pub async fn load_core(
    store: &Store,
    account_id: Option<&str>,
    contact_id: Option<&str>,
) -> Result<(Around, Option<Account>), CacheError> {
    const NONE: Read<'static> = Read::One(Kind::Accounts, "");
    let reads = [
        Read::All(Kind::Pipelines),
        account_id.map_or(NONE, |account| Read::One(Kind::Accounts, account)),
        account_id.map_or(NONE, |account| Read::By(Kind::Contacts, "account_id", account)),
        match (account_id, contact_id) {
            (_, Some(contact)) => Read::By(Kind::Deals, "contact_id", contact),
            (Some(account), None) => Read::By(Kind::Deals, "account_id", account),
            (None, None) => NONE,
        },
        account_id.map_or(NONE, |account| Read::By(Kind::Activities, "account_id", account)),
        contact_id.map_or(NONE, |contact| Read::By(Kind::Activities, "contact_id", contact)),
    ];
    let mut found = store.read_many(&reads).await?;
    let mut pipelines: Vec<Pipeline> = found.take(0);
    crate::store::BoardData::sort_pipelines(&mut pipelines);
    let account = found.take::<Account>(1).pop();
    let mut contacts: Vec<Contact> = found.take(2);
    let mut deals: Vec<Deal> = found.take(3);
    let mut activities: Vec<Activity> = found.take(4);
    activities.extend(found.take::<Activity>(5));
    contacts.sort_by(|a, b| a.last_name.cmp(&b.last_name).then_with(|| a.first_name.cmp(&b.first_name)));
    deals.sort_by(|a, b| b.meta.updated_at.cmp(&a.meta.updated_at));
    Ok((Around { contacts, deals, activities, pipelines }, account))
}

/// Adds the activities on the customer's deals and on its people (read in one cache transaction), each activity
/// once.
pub async fn add_related_activities(store: &Store, around: &mut Around) -> Result<(), CacheError> {
    let on_deals = around.deals.iter().map(|d| Read::By(Kind::Activities, "deal_id", &d.meta.id));
    let on_people = around.contacts.iter().map(|c| Read::By(Kind::Activities, "contact_id", &c.meta.id));
    let reads: Vec<Read<'_>> = on_deals.chain(on_people).collect();
    let mut found = store.read_many(&reads).await?;
    let related: Vec<Activity> = (0..reads.len()).flat_map(|index| found.take::<Activity>(index)).collect();
    around.activities.extend(related);
    let mut seen = HashSet::new();
    around.activities.retain(|a| seen.insert(a.meta.id.clone()));
    Ok(())
}
