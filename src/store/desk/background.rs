//! The store's background work: pulls (page after page, the next page fetched while the last one is written),
//! the outbox sender (one tab at a time), the channel to other tabs, and connectivity. Decisions come from the
//! pure modules; failed cache writes become the status' `problem` and leave the change queued.

use super::DeskStore;
use crate::browser::lock::with_lock;
use crate::connector::{Connector, ConnectorError};
use crate::store::batch::Batch;
use crate::store::cache::request_persistence;
use crate::store::error::CacheError;
use crate::store::event::StoreEvent;
use crate::store::outbox::{backoff_ms, next_sendable, outcome, Entry, EntryState};
use crate::store::pull::Pull;
use crate::store::send::{
    after_attempt, announce, apply_renames, pull_after, referrers, repoint, settle_plan, temporary_ids, AfterAttempt,
    IDLE_MS,
};
use crate::transport::Transport;
use serde_json::Value;
use std::collections::HashSet;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Changes fetched per page of the changes feed.
const SYNC_PAGE: u32 = 1000;
/// How soon the sender tries again after the cache refused a write.
const AFTER_CACHE_FAILURE_MS: u32 = 1000;

/// Why a pull stopped.
#[derive(Debug)]
enum PullError {
    /// The backend could not be reached or refused.
    Backend(ConnectorError),
    /// The cache could not be read or written (the status says so; the pull resumes from the stored cursor).
    Cache(CacheError),
}

impl<C: Connector + 'static, T: Transport + 'static> DeskStore<C, T> {
    /// Starts the background work once: pulls, the outbox sender (in one tab at a time) and the cross-tab
    /// channel. Asks the browser to keep the cache.
    pub fn start(&self) {
        if self.inner.started.replace(true) {
            self.inner.wake_sync.wake();
            return;
        }
        self.listen_to_other_tabs();
        self.listen_to_connectivity();
        let store = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            request_persistence().await;
            store.refresh_outbox_status().await;
            store.sync_loop().await;
        });
        let store = self.clone();
        let lock = format!("{}:outbox", self.inner.db_name.borrow());
        with_lock(&lock, async move { store.outbox_loop().await });
    }

    /// Pulls now (for example after reconnecting).
    pub fn sync_soon(&self) {
        self.inner.wake_sync.wake();
        self.inner.wake_outbox.wake();
    }

    pub(super) async fn refresh_outbox_status(&self) {
        let Ok(cache) = self.cache() else { return };
        match cache.outbox().await {
            Ok(entries) => {
                let held: Vec<Entry> = entries.iter().filter(|e| e.needs_attention()).cloned().collect();
                self.set_status(|s| {
                    s.pending = entries.len();
                    s.held = held;
                });
            }
            Err(error) => self.set_status(|s| s.problem = Some(error)),
        }
    }

    fn listen_to_other_tabs(&self) {
        let Ok(channel) = web_sys::BroadcastChannel::new(&self.inner.db_name.borrow()) else { return };
        let store = self.clone();
        let on_message =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                match event.data().as_string().as_deref() {
                    Some("logout") => {
                        store.inner.closed.set(true);
                        if let Some(window) = web_sys::window() {
                            let _ = window.location().assign("/login");
                        }
                    }
                    Some(message @ ("outbox" | "changed")) => {
                        if message == "outbox" {
                            store.inner.wake_outbox.wake();
                        }
                        store.emit(StoreEvent::Reload);
                        let store = store.clone();
                        wasm_bindgen_futures::spawn_local(async move { store.refresh_outbox_status().await });
                    }
                    _ => {}
                }
            });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        *self.inner.channel.borrow_mut() = Some(channel);
    }

    fn listen_to_connectivity(&self) {
        let Some(window) = web_sys::window() else { return };
        let store = self.clone();
        let online = Closure::<dyn Fn()>::new(move || store.sync_soon());
        let _ = window.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
        online.forget();
        let store = self.clone();
        let offline = Closure::<dyn Fn()>::new(move || store.set_status(|s| s.online = false));
        let _ = window.add_event_listener_with_callback("offline", offline.as_ref().unchecked_ref());
        offline.forget();
    }

    fn note_result<R>(&self, result: &Result<R, ConnectorError>) {
        match result {
            Ok(_) => self.set_status(|s| {
                s.online = true;
                s.signed_out = false;
            }),
            Err(ConnectorError::Network(_)) => self.set_status(|s| s.online = false),
            Err(ConnectorError::Unauthorized(_)) => self.set_status(|s| {
                s.online = true;
                s.signed_out = true;
            }),
            Err(_) => self.set_status(|s| s.online = true),
        }
    }

    /// Pulls every [`IDLE_MS`] (or when woken); after a failed pull, tries again sooner, backing off from 1 s, so
    /// a passing network, server or storage hiccup does not leave the screens stale for long.
    async fn sync_loop(&self) {
        let mut failures = 0u32;
        while !self.inner.closed.get() {
            let wait = match self.sync().await {
                Ok(()) => {
                    failures = 0;
                    IDLE_MS
                }
                Err(_) => {
                    failures += 1;
                    let ms = backoff_ms(failures - 1, js_sys::Math::random(), None);
                    (ms as u32).min(IDLE_MS)
                }
            };
            self.inner.wake_sync.nap(wait).await;
        }
    }

    /// Pulls every change since the stored cursor into the cache, page by page (each page and its cursor in one
    /// transaction, so an interrupted pull resumes where it stopped). Records with queued changes keep their
    /// local state until those changes are settled.
    pub async fn sync(&self) -> Result<(), ConnectorError> {
        if self.inner.syncing.replace(true) {
            return Ok(());
        }
        let mut pull = Pull::default();
        let result = self.pull(&mut pull).await;
        self.inner.syncing.set(false);
        self.set_status(|s| s.progress = None);
        // Also after a pull that stopped half-way: what it wrote is in the cache and must be shown.
        let end = pull.end();
        if end.reload {
            self.emit(StoreEvent::Reload);
        }
        if end.changed {
            self.broadcast("changed");
        }
        match result {
            Ok(()) => Ok(()),
            Err(PullError::Backend(error)) => Err(error),
            Err(PullError::Cache(error)) => Err(ConnectorError::Unsupported(format!("cache: {error}"))),
        }
    }

    async fn held_ids(&self) -> Result<HashSet<String>, CacheError> {
        Ok(self
            .cache()?
            .outbox()
            .await?
            .iter()
            .map(|e| crate::store::pull::held_key(e.change.kind(), e.change.id()))
            .collect())
    }

    async fn pull(&self, pull: &mut Pull) -> Result<(), PullError> {
        let cache = self.cache().map_err(PullError::Cache)?;
        let cursor = cache.meta("cursor").await.map_err(PullError::Cache)?;
        *pull = Pull::since(cursor.clone());
        let client = self.client();
        // The reps come with a first pull; one cut short before its end still needs them.
        let reps_missing = cache.users().await.map_err(PullError::Cache)?.is_empty();
        let mut page = client.changes(cursor.as_deref(), Some(SYNC_PAGE)).await;
        loop {
            self.note_result(&page);
            let current = page.map_err(PullError::Backend)?;
            crate::browser::timing::mark("trato:pull:page");
            let (more, next_cursor) = (current.more, current.cursor.clone());
            let held = self.held_ids().await.map_err(PullError::Cache)?;
            let plan = pull.page(current, &held);
            crate::browser::timing::mark("trato:pull:planned");
            if let Some(progress) = plan.progress {
                self.set_status(|s| s.progress = Some(progress));
            }
            // The next page travels while this one is written.
            let fetch = async {
                match more {
                    true => Some(client.changes(Some(&next_cursor), Some(SYNC_PAGE)).await),
                    false => None,
                }
            };
            let (written, fetched) = futures::future::join(self.write(&plan.batch), fetch).await;
            written.map_err(PullError::Cache)?;
            crate::browser::timing::mark("trato:pull:written");
            for event in plan.events {
                self.emit(event);
            }
            match fetched {
                Some(next) => page = next,
                None => break,
            }
        }
        if pull.first() || pull.end().reload || reps_missing {
            if let Ok(users) = client.users().await {
                self.write(&Batch { users: Some(users), ..Default::default() }).await.map_err(PullError::Cache)?;
            }
        }
        self.set_status(|s| s.synced = true);
        Ok(())
    }

    async fn outbox_loop(&self) {
        while !self.inner.closed.get() {
            if let Some(ms) = self.send_next().await {
                self.inner.wake_outbox.nap(ms).await;
            }
        }
    }

    /// Sends the next queued change now (the background sender calls this in a loop); returns `None` to go on at
    /// once, or how many milliseconds to wait first.
    pub async fn send_next(&self) -> Option<u32> {
        let Ok(cache) = self.cache() else { return Some(IDLE_MS) };
        let entries = match cache.outbox().await {
            Ok(entries) => entries,
            Err(error) => {
                self.set_status(|s| s.problem = Some(error));
                return Some(AFTER_CACHE_FAILURE_MS);
            }
        };
        let held: Vec<Entry> = entries.iter().filter(|e| e.needs_attention()).cloned().collect();
        self.set_status(|s| {
            s.pending = entries.len();
            s.held = held;
        });
        if self.status().signed_out {
            return Some(IDLE_MS);
        }
        // Nothing to send: wait until a change is queued (or a while, to look again).
        let Some(index) = next_sendable(&entries) else { return Some(IDLE_MS) };
        let mut entry = entries[index].clone();
        let mut known = Vec::new();
        for temp in temporary_ids(&entry) {
            if let Ok(Some(remembered)) = cache.meta(&format!("renamed:{temp}")).await {
                known.push((temp, remembered));
            }
        }
        if apply_renames(&mut entry, &known)
            && self.write(&Batch { requeue: vec![entry.clone()], ..Default::default() }).await.is_err()
        {
            return Some(AFTER_CACHE_FAILURE_MS);
        }
        let result = self.client().run(entry.change.operation(&entry.key)).await;
        self.note_result(&result);
        let result = outcome(&entry.change, result, entry.attempts, js_sys::Math::random());
        let seq = entry.seq;
        let pull = pull_after(&entry.change);
        match after_attempt(entry, result, self.capabilities().free_stages) {
            AfterAttempt::Settle(record) => {
                if self.settle_done(seq, record).await.is_err() {
                    // Still queued: sent again with the same key, the backend replays its answer.
                    return Some(AFTER_CACHE_FAILURE_MS);
                }
                self.broadcast("changed");
                if pull {
                    self.inner.wake_sync.wake();
                }
                None
            }
            AfterAttempt::Retry(entry, ms) => {
                if self.write(&Batch { requeue: vec![entry], ..Default::default() }).await.is_err() {
                    return Some(AFTER_CACHE_FAILURE_MS);
                }
                Some(ms)
            }
            AfterAttempt::SignedOut => Some(IDLE_MS),
            AfterAttempt::Park { entry, refused_move } => {
                if self.write(&Batch { requeue: vec![entry], ..Default::default() }).await.is_err() {
                    return Some(AFTER_CACHE_FAILURE_MS);
                }
                if let Some((deal_id, message)) = refused_move {
                    // A backend with a fixed workflow said no: put the deal back as it has it, and say why.
                    let _ = self.discard(seq).await;
                    self.emit(StoreEvent::MoveRefused { deal_id, message });
                }
                self.broadcast("changed");
                None
            }
            AfterAttempt::Conflict(mut entry, message) => {
                let theirs = self.current(&entry.change).await.ok().flatten();
                entry.state = EntryState::Conflict { message, theirs };
                if self.write(&Batch { requeue: vec![entry], ..Default::default() }).await.is_err() {
                    return Some(AFTER_CACHE_FAILURE_MS);
                }
                self.broadcast("changed");
                None
            }
        }
    }

    /// Writes the settlement of the entry `seq` that the backend applied with `record`, then tells the screens.
    async fn settle_done(&self, seq: u64, record: Option<Value>) -> Result<(), CacheError> {
        let cache = self.cache()?;
        // Entries queued while the request was out are settled too: read the outbox again.
        let entries = cache.outbox().await?;
        let Some(index) = entries.iter().position(|e| e.seq == seq) else { return Ok(()) };
        let kind = entries[index].change.kind();
        let local = cache.get(kind, entries[index].change.id()).await?;
        if let (Some(from), Some(to)) =
            (entries[index].change.version(), record.as_ref().and_then(|r| r["version"].as_u64()))
        {
            self.inner.replaced.borrow_mut().record(kind, entries[index].change.id(), from, to);
        }
        let mut plan = settle_plan(&entries, index, record, local.as_deref());
        let mut events = std::mem::take(&mut plan.events);
        if let (Some((from, to)), Some((field, kinds))) = (&plan.renamed, referrers(kind)) {
            // Cached records that refer to the temporary id now point at the backend's.
            for referrer in kinds {
                for json in cache.by(*referrer, field, from).await? {
                    if let Some((row, value)) = repoint(*referrer, &json, field, to) {
                        plan.batch.put.push((*referrer, row));
                        events.extend(announce(*referrer, &value));
                    }
                }
            }
        }
        self.write(&plan.batch).await?;
        events.extend(plan.stored.as_ref().and_then(|stored| announce(kind, stored)));
        if let Some((from, to)) = plan.renamed {
            events.push(StoreEvent::Renamed(from, to));
        }
        for event in events {
            self.emit(event);
        }
        Ok(())
    }
}
