//! Writes: every change is stored with its outbox entry in one transaction and returns at once (the background
//! sender takes it from there); the rep's answers to changes the backend refused or found in conflict; saved
//! views and support operations, which go to the backend directly.

use super::DeskStore;
use crate::connector::support::{SupportOp, SupportReply};
use crate::connector::{Ask, Connector, ConnectorError};
use crate::domain::patch::{apply_activity, apply_deal};
use crate::store::batch::Batch;
use crate::store::error::CacheError;
use crate::store::event::StoreEvent;
use crate::store::outbox::{Change, Entry, EntryState};
use crate::store::record::{Kind, Row};
use crate::store::send::announce;
use crate::transport::Transport;
use serde_json::Value;
use trato_protocol::*;

fn value_of<R: serde::Serialize>(record: &R) -> Option<Value> {
    serde_json::to_value(record).ok()
}

fn row<R: Record>(kind: Kind, record: &R) -> Result<(Kind, Row), CacheError> {
    Row::from_record(kind, record).map(|r| (kind, r)).ok_or_else(|| CacheError::Failed("record without id".into()))
}

impl<C: Connector + 'static, T: Transport + 'static> DeskStore<C, T> {
    /// The version a change of the record with `meta` is made on: the one a screen saw, moved on past versions
    /// this device's own changes replaced meanwhile (see [`crate::store::outbox::Replaced`]).
    fn made_on(&self, kind: Kind, meta: &trato_protocol::Meta) -> u64 {
        self.inner.replaced.borrow().current(kind, &meta.id, meta.version)
    }

    async fn queue(
        &self,
        mut batch: Batch,
        change: Change,
        key: String,
        before: Option<Value>,
    ) -> Result<(), CacheError> {
        batch.enqueue.push(Entry::new(key, change, before));
        self.write(&batch).await?;
        self.refresh_outbox_status().await;
        self.broadcast("outbox");
        self.inner.wake_outbox.wake();
        Ok(())
    }

    /// Saves a change of a deal made on `before`: `after` is shown at once and `patch` is queued.
    pub async fn update_deal(
        &self,
        before: &Deal,
        after: &Deal,
        patch: DealPatch,
        key: String,
    ) -> Result<(), CacheError> {
        let version = self.made_on(Kind::Deals, &before.meta);
        let mut after = after.clone();
        after.meta.version = version;
        let batch = Batch { put: vec![row(Kind::Deals, &after)?], ..Default::default() };
        let change = Change::UpdateDeal { id: before.meta.id.clone(), version, patch };
        self.queue(batch, change, key, value_of(before)).await
    }

    /// Creates a deal shown at once as `local` (with a temporary id).
    pub async fn create_deal(&self, local: &Deal, new: NewDeal, key: String) -> Result<(), CacheError> {
        let batch = Batch { put: vec![row(Kind::Deals, local)?], ..Default::default() };
        self.queue(batch, Change::CreateDeal { id: local.meta.id.clone(), new }, key, None).await
    }

    /// Creates an account shown at once as `local` (with a temporary id).
    pub async fn create_account(&self, local: &Account, new: NewAccount, key: String) -> Result<(), CacheError> {
        let batch = Batch { put: vec![row(Kind::Accounts, local)?], ..Default::default() };
        self.queue(batch, Change::CreateAccount { id: local.meta.id.clone(), new }, key, None).await
    }

    /// Saves a change of an account made on `before`, shown at once.
    pub async fn update_account(
        &self,
        before: &Account,
        patch: AccountPatch,
        key: String,
    ) -> Result<Account, CacheError> {
        let version = self.made_on(Kind::Accounts, &before.meta);
        let mut after = crate::domain::patch::apply_account(before.clone(), &patch);
        after.meta.version = version;
        let batch = Batch { put: vec![row(Kind::Accounts, &after)?], ..Default::default() };
        let change = Change::UpdateAccount { id: before.meta.id.clone(), version, patch };
        self.queue(batch, change, key, value_of(before)).await?;
        self.emit(StoreEvent::Accounts(vec![after.clone()]));
        Ok(after)
    }

    /// Creates a contact shown at once as `local` (with a temporary id).
    pub async fn create_contact(&self, local: &Contact, new: NewContact, key: String) -> Result<(), CacheError> {
        let batch = Batch { put: vec![row(Kind::Contacts, local)?], ..Default::default() };
        self.queue(batch, Change::CreateContact { id: local.meta.id.clone(), new }, key, None).await?;
        self.emit(StoreEvent::Contacts(vec![local.clone()]));
        Ok(())
    }

    /// Saves a change of a contact made on `before`, shown at once.
    pub async fn update_contact(
        &self,
        before: &Contact,
        patch: ContactPatch,
        key: String,
    ) -> Result<Contact, CacheError> {
        let version = self.made_on(Kind::Contacts, &before.meta);
        let mut after = crate::domain::patch::apply_contact(before.clone(), &patch);
        after.meta.version = version;
        let batch = Batch { put: vec![row(Kind::Contacts, &after)?], ..Default::default() };
        let change = Change::UpdateContact { id: before.meta.id.clone(), version, patch };
        self.queue(batch, change, key, value_of(before)).await?;
        self.emit(StoreEvent::Contacts(vec![after.clone()]));
        Ok(after)
    }

    /// Deletes a deal at once.
    pub async fn delete_deal(&self, deal: &Deal, key: String) -> Result<(), CacheError> {
        let batch = Batch { delete: vec![(Kind::Deals, deal.meta.id.clone())], ..Default::default() };
        let change = Change::DeleteDeal { id: deal.meta.id.clone(), version: self.made_on(Kind::Deals, &deal.meta) };
        self.queue(batch, change, key, value_of(deal)).await
    }

    /// Brings a deleted deal back at once.
    pub async fn restore_deal(&self, deal: &Deal, key: String) -> Result<(), CacheError> {
        let batch = Batch { put: vec![row(Kind::Deals, deal)?], ..Default::default() };
        self.queue(batch, Change::RestoreDeal { id: deal.meta.id.clone() }, key, None).await
    }

    /// Logs an activity shown at once as `local`.
    pub async fn create_activity(&self, local: &Activity, new: NewActivity, key: String) -> Result<(), CacheError> {
        let batch = Batch { put: vec![row(Kind::Activities, local)?], ..Default::default() };
        self.queue(batch, Change::CreateActivity { id: local.meta.id.clone(), new }, key, None).await?;
        self.emit(StoreEvent::Activities(local.deal_id.iter().cloned().collect()));
        Ok(())
    }

    /// Changes an activity made on `before`.
    pub async fn update_activity(
        &self,
        before: &Activity,
        patch: ActivityPatch,
        key: String,
    ) -> Result<Activity, CacheError> {
        let version = self.made_on(Kind::Activities, &before.meta);
        let mut after = apply_activity(before.clone(), &patch);
        after.meta.version = version;
        let batch = Batch { put: vec![row(Kind::Activities, &after)?], ..Default::default() };
        let change = Change::UpdateActivity { id: before.meta.id.clone(), version, patch };
        self.queue(batch, change, key, value_of(before)).await?;
        self.emit(StoreEvent::Activities(after.deal_id.iter().cloned().collect()));
        Ok(after)
    }

    /// Merges the duplicate account `from` into `into` (online only: both versions are checked by the backend,
    /// which moves every record of the duplicate); the cache forgets the duplicate and pulls what moved.
    pub async fn merge_accounts(&self, into: &Account, from: &Account, note: &str) -> Result<Account, ConnectorError> {
        let survivor = self.client().merge_accounts(into, from, note).await?;
        self.merged(Kind::Accounts, &survivor, &from.meta.id).await;
        self.emit(StoreEvent::Accounts(vec![survivor.clone()]));
        Ok(survivor)
    }

    /// Merges the duplicate contact `from` into `into`, like [`DeskStore::merge_accounts`].
    pub async fn merge_contacts(&self, into: &Contact, from: &Contact, note: &str) -> Result<Contact, ConnectorError> {
        let survivor = self.client().merge_contacts(into, from, note).await?;
        self.merged(Kind::Contacts, &survivor, &from.meta.id).await;
        self.emit(StoreEvent::Contacts(vec![survivor.clone()]));
        Ok(survivor)
    }

    async fn merged<R: Record>(&self, kind: Kind, survivor: &R, gone: &str) {
        if let Ok(put) = row(kind, survivor) {
            // A failure shows in the status; the pull that follows brings the same.
            let _ = self
                .write(&Batch { put: vec![put], delete: vec![(kind, gone.to_string())], ..Default::default() })
                .await;
        }
        self.sync_soon();
    }

    /// Sends one batch of an import (online only: an import is resumed from its own saved state, not queued),
    /// then pulls what it wrote.
    pub async fn import_batch(
        &self,
        kind: &str,
        batch: ImportBatch,
        key: &str,
    ) -> Result<ImportAnswer, ConnectorError> {
        let answer = self.client().import(kind, batch, key).await?;
        self.sync_soon();
        Ok(answer)
    }

    /// Remembers `value` under `key` on this device (in the cache, so it goes with the rest at sign-out).
    pub async fn remember(&self, key: &str, value: &str) -> Result<(), CacheError> {
        self.write(&Batch { meta: vec![(key.into(), value.into())], ..Default::default() }).await
    }

    /// What was remembered under `key`.
    pub async fn remembered(&self, key: &str) -> Result<Option<String>, CacheError> {
        self.cache()?.meta(key).await
    }

    /// Saves a view (online only: views are not queued). The backend has it even when the cache cannot store it.
    pub async fn save_view(&self, new: NewView, key: &str) -> Result<SavedView, ConnectorError> {
        let view = self.client().create_view(new, key).await?;
        if let Ok(put) = row(Kind::Views, &view) {
            // A failure shows in the status; the next pull brings the view again.
            let _ = self.write(&Batch { put: vec![put], ..Default::default() }).await;
        }
        Ok(view)
    }

    /// Deletes a view (online only).
    pub async fn delete_view(&self, id: &str) -> Result<(), ConnectorError> {
        self.client().delete_view(id, None).await?;
        // A failure shows in the status; the next pull removes the view.
        let _ = self.write(&Batch { delete: vec![(Kind::Views, id.into())], ..Default::default() }).await;
        Ok(())
    }

    /// Runs a support operation (the case queue, case pages, replies, the knowledge base, the chat inbox) and
    /// returns its typed answer. These go to the backend directly (online only; support data is not cached on
    /// the device), and fail with `Unsupported` on a backend without cases.
    pub async fn ask<A>(&self, ask: Ask<SupportOp, SupportReply, A>) -> Result<A, ConnectorError> {
        self.client().ask(ask).await
    }

    // ----- the rep's answers to held changes -----

    async fn entry(&self, seq: u64) -> Result<Option<Entry>, CacheError> {
        Ok(self.cache()?.outbox().await?.into_iter().find(|e| e.seq == seq))
    }

    async fn after_answer(&self) {
        self.refresh_outbox_status().await;
        self.broadcast("outbox");
        self.inner.wake_outbox.wake();
    }

    /// Conflict: send the rep's change again on top of the backend's current record.
    pub async fn keep_mine(&self, seq: u64) -> Result<(), CacheError> {
        let Some(mut entry) = self.entry(seq).await? else { return Ok(()) };
        let EntryState::Conflict { theirs: Some(theirs), .. } = &entry.state else { return Ok(()) };
        let mut batch = Batch::default();
        if let Some(version) = theirs["version"].as_u64() {
            entry.change.set_version(version);
        }
        let mut shown = None;
        if let (Change::UpdateDeal { patch, .. }, Ok(theirs)) =
            (&entry.change, serde_json::from_value::<Deal>(theirs.clone()))
        {
            let mine = apply_deal(theirs, patch);
            batch.put.push(row(Kind::Deals, &mine)?);
            shown = Some(mine);
        }
        entry.state = EntryState::Pending;
        entry.attempts = 0;
        batch.requeue.push(entry);
        self.write(&batch).await?;
        if let Some(mine) = shown {
            self.emit(StoreEvent::Deals { put: vec![mine], removed: vec![] });
        }
        self.after_answer().await;
        Ok(())
    }

    /// Conflict: drop the rep's change and show the backend's record.
    pub async fn take_theirs(&self, seq: u64) -> Result<(), CacheError> {
        let Some(entry) = self.entry(seq).await? else { return Ok(()) };
        let EntryState::Conflict { theirs, .. } = &entry.state else { return Ok(()) };
        let mut batch = Batch { dequeue: vec![seq], ..Default::default() };
        let events = put_value(&mut batch, entry.change.kind(), theirs.clone(), entry.change.id());
        self.write(&batch).await?;
        events.into_iter().for_each(|e| self.emit(e));
        self.after_answer().await;
        Ok(())
    }

    /// A refused change: try it again as it is.
    pub async fn retry(&self, seq: u64) -> Result<(), CacheError> {
        let Some(mut entry) = self.entry(seq).await? else { return Ok(()) };
        entry.state = EntryState::Pending;
        entry.attempts = 0;
        self.write(&Batch { requeue: vec![entry], ..Default::default() }).await?;
        self.after_answer().await;
        Ok(())
    }

    /// A refused change: drop it and show the record as the backend has it now (as it was before the change
    /// when the backend cannot be reached).
    pub async fn discard(&self, seq: u64) -> Result<(), CacheError> {
        let Some(entry) = self.entry(seq).await? else { return Ok(()) };
        let mut batch = Batch { dequeue: vec![seq], ..Default::default() };
        let id = entry.change.id().to_string();
        let events = if entry.change.is_create() {
            batch.delete.push((entry.change.kind(), id.clone()));
            if entry.change.kind() == Kind::Deals {
                vec![StoreEvent::Deals { put: vec![], removed: vec![id] }]
            } else {
                vec![]
            }
        } else {
            let now = match self.current(&entry.change).await {
                Ok(record) => record,
                Err(_) => entry.before.clone(),
            };
            put_value(&mut batch, entry.change.kind(), now, &id)
        };
        self.write(&batch).await?;
        events.into_iter().for_each(|e| self.emit(e));
        self.after_answer().await;
        Ok(())
    }

    /// The backend's current copy of the record a change is about: `Ok(None)` when it no longer exists, an error
    /// when the backend could not say.
    pub(super) async fn current(&self, change: &Change) -> Result<Option<Value>, ConnectorError> {
        let id = change.id();
        let found = match change.kind() {
            Kind::Deals => self.client().deal(id).await.map(|r| value_of(&r)),
            Kind::Activities => self.client().activity(id).await.map(|r| value_of(&r)),
            Kind::Accounts => self.client().account(id).await.map(|r| value_of(&r)),
            Kind::Contacts => self.client().contact(id).await.map(|r| value_of(&r)),
            _ => Ok(None),
        };
        match found {
            Err(ConnectorError::NotFound(_)) => Ok(None),
            other => other,
        }
    }
}

/// Adds `value` (a record of `kind`, or `None` for "gone") to `batch`; returns what to tell the screens once it is
/// written.
fn put_value(batch: &mut Batch, kind: Kind, value: Option<Value>, id: &str) -> Vec<StoreEvent> {
    match value.as_ref().and_then(|v| Row::from_value(kind, v).map(|row| (row, v))) {
        Some((put, value)) => {
            batch.put.push((kind, put));
            announce(kind, value).into_iter().collect()
        }
        None => {
            batch.delete.push((kind, id.into()));
            if kind == Kind::Deals {
                vec![StoreEvent::Deals { put: vec![], removed: vec![id.into()] }]
            } else {
                vec![]
            }
        }
    }
}
