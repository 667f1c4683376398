//! [`DeskStore`] (browser only): the desk's only path to its data. Screens read from the IndexedDB cache, so they
//! render at once and offline; every change is written to the cache together with an outbox entry and returns
//! at once; in the background the store pulls the backend's changes feed into the cache and sends the outbox in
//! order (one tab at a time, through the Web Locks API), telling the screens what changed through
//! [`StoreEvent`]s and telling other tabs through a `BroadcastChannel`.

use super::cache::{request_persistence, Batch, Cache, CacheError};
use super::outbox::{next_sendable, outcome, settle, CacheWrite, Change, Entry, EntryState, Outcome, TEMP_PREFIX};
use super::record::{Kind, Row};
use super::BoardData;
use crate::client::Client;
use crate::connector::support::{SupportOp, SupportReply};
use crate::connector::{Capabilities, Connector, ConnectorError};
use crate::domain::patch::{apply_activity, apply_deal};
use crate::transport::Transport;
use futures::channel::oneshot;
use futures::future::{select, Either};
use serde_json::Value;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use trato_protocol::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Changes fetched per page of the changes feed.
const SYNC_PAGE: u32 = 1000;
/// Pause between background pulls while nothing else wakes the store.
const SYNC_EVERY_MS: u32 = 30_000;
/// The browser key of the last session (the rep and company, never a token), for opening offline.
const LAST_SESSION: &str = "trato.last-session";

/// Where the background work stands, for the offline indicator.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SyncStatus {
    /// Whether the backend answered the last request.
    pub online: bool,
    /// Changes not yet accepted by the backend.
    pub pending: usize,
    /// Queued changes waiting for the rep (refused or in conflict).
    pub held: Vec<Entry>,
    /// A pull in progress: records received so far and the expected total.
    pub progress: Option<(u64, u64)>,
    /// Whether a first complete pull has reached this device.
    pub synced: bool,
    /// The session ended; queued changes wait for the next sign-in.
    pub signed_out: bool,
}

/// What changed in the cache, for the screens to show.
#[derive(Clone, Debug, PartialEq)]
pub enum StoreEvent {
    /// These deals are new or changed, and these ids are gone.
    Deals {
        /// New or changed deals.
        put: Vec<Deal>,
        /// Removed deal ids.
        removed: Vec<String>,
    },
    /// Accounts new or changed.
    Accounts(Vec<Account>),
    /// A record created here got the backend's id: `(temporary, backend's)`.
    Renamed(String, String),
    /// The timeline of these deals changed.
    Activities(Vec<String>),
    /// Too much changed to list (a large pull, another tab): read the board again.
    Reload,
    /// The backend refused to move this deal along its workflow (a backend without free stages): the deal is back
    /// where the backend has it; the backend's reason.
    MoveRefused {
        /// The deal.
        deal_id: String,
        /// The backend's message (`None` when the backend cannot make such a move at all).
        message: Option<String>,
    },
    /// New sync status.
    Status(SyncStatus),
}

type Listener = Rc<dyn Fn(&StoreEvent)>;

struct Inner<C, T> {
    client: RefCell<Rc<Client<C, T>>>,
    backend: RefCell<String>,
    cache: RefCell<Option<Rc<Cache>>>,
    db_name: RefCell<String>,
    listeners: RefCell<Vec<(usize, Listener)>>,
    next_listener: Cell<usize>,
    status: RefCell<SyncStatus>,
    wake_outbox: RefCell<Option<oneshot::Sender<()>>>,
    wake_sync: RefCell<Option<oneshot::Sender<()>>>,
    channel: RefCell<Option<web_sys::BroadcastChannel>>,
    started: Cell<bool>,
    closed: Cell<bool>,
    syncing: Cell<bool>,
    /// A pull wrote records without telling the screens one by one: they must reload from the cache.
    reload_owed: Cell<bool>,
    /// A pull wrote records other tabs have not heard about.
    change_owed: Cell<bool>,
}

/// The desk's data store over one backend (see the module docs).
pub struct DeskStore<C, T> {
    inner: Rc<Inner<C, T>>,
}

impl<C, T> Clone for DeskStore<C, T> {
    fn clone(&self) -> Self {
        DeskStore { inner: self.inner.clone() }
    }
}

/// Waits `ms` milliseconds.
pub async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Waits until woken through `slot` or `ms` milliseconds pass.
async fn nap(slot: &RefCell<Option<oneshot::Sender<()>>>, ms: u32) {
    let (tx, rx) = oneshot::channel();
    *slot.borrow_mut() = Some(tx);
    let timer = Box::pin(sleep(ms));
    match select(rx, timer).await {
        Either::Left(_) | Either::Right(_) => {}
    }
}

fn wake(slot: &RefCell<Option<oneshot::Sender<()>>>) {
    if let Some(tx) = slot.borrow_mut().take() {
        let _ = tx.send(());
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn decode_all<R: serde::de::DeserializeOwned>(rows: Vec<String>) -> Vec<R> {
    rows.iter().filter_map(|j| Row::decode(j)).collect()
}

fn value_of<R: serde::Serialize>(record: &R) -> Option<Value> {
    serde_json::to_value(record).ok()
}

fn row<R: Record>(kind: Kind, record: &R) -> Result<(Kind, Row), CacheError> {
    Row::from_record(kind, record).map(|r| (kind, r)).ok_or_else(|| CacheError::Failed("record without id".into()))
}

impl<C: Connector + 'static, T: Transport + 'static> DeskStore<C, T> {
    /// A store over `client`; `backend` names the backend (one cache database per backend and rep).
    pub fn new(client: Client<C, T>, backend: &str) -> Self {
        DeskStore {
            inner: Rc::new(Inner {
                client: RefCell::new(Rc::new(client)),
                backend: RefCell::new(backend.into()),
                cache: RefCell::new(None),
                db_name: RefCell::new(String::new()),
                listeners: RefCell::new(Vec::new()),
                next_listener: Cell::new(0),
                status: RefCell::new(SyncStatus { online: true, ..Default::default() }),
                wake_outbox: RefCell::new(None),
                wake_sync: RefCell::new(None),
                channel: RefCell::new(None),
                started: Cell::new(false),
                closed: Cell::new(false),
                syncing: Cell::new(false),
                reload_owed: Cell::new(false),
                change_owed: Cell::new(false),
            }),
        }
    }

    /// What the backend supports.
    pub fn capabilities(&self) -> Capabilities {
        self.client().capabilities()
    }

    /// The client of the current backend.
    pub fn client(&self) -> Rc<Client<C, T>> {
        self.inner.client.borrow().clone()
    }

    /// Talks to another backend from now on (the rep chose it at sign-in); `backend` names it as in [`Self::new`].
    /// Only before the cache is open: a signed-in rep signs out first.
    pub fn switch(&self, client: Client<C, T>, backend: &str) {
        *self.inner.client.borrow_mut() = Rc::new(client);
        *self.inner.backend.borrow_mut() = backend.into();
    }

    // ----- session -----

    /// The current session: `Ok(None)` when signed out; when the backend cannot be reached, the last session
    /// seen on this device (so the desk opens offline) or the error.
    pub async fn session(&self) -> Result<Option<SessionInfo>, ConnectorError> {
        match self.client().session().await {
            Ok(session) => {
                remember_session(Some(&session));
                Ok(Some(session))
            }
            Err(ConnectorError::Unauthorized(_)) => Ok(None),
            Err(error) => match last_session() {
                Some(session) => {
                    self.set_status(|s| s.online = false);
                    Ok(Some(session))
                }
                None => Err(error),
            },
        }
    }

    /// Signs in.
    pub async fn login(&self, email: &str, password: &str) -> Result<SessionInfo, ConnectorError> {
        let session = self.client().login(email.trim(), password).await?;
        remember_session(Some(&session));
        self.set_status(|s| s.signed_out = false);
        wake(&self.inner.wake_outbox);
        Ok(session)
    }

    /// Signs out: tells the backend (when it can be reached) and deletes this rep's cache, queued changes
    /// included (the screen asks first when changes are pending), here and in the other tabs.
    pub async fn logout(&self) {
        let _ = self.client().logout().await;
        self.inner.closed.set(true);
        self.broadcast("logout");
        if let Some(cache) = self.inner.cache.borrow_mut().take() {
            cache.close();
        }
        let name = self.inner.db_name.borrow().clone();
        if !name.is_empty() {
            // Other tabs close their connections when asked; do not wait for ever on one that does not.
            let deleted = Box::pin(Cache::delete(&name));
            let _ = select(deleted, Box::pin(sleep(5000))).await;
        }
        remember_session(None);
    }

    /// The name of the cache database for `user_id` on this backend.
    pub fn database_name(&self, user_id: &str) -> String {
        format!("trato:{}:{}", self.inner.backend.borrow(), user_id)
    }

    /// Opens the rep's cache (once) and returns what the board shows from it, before any network answer.
    pub async fn open(&self, session: &SessionInfo) -> Result<BoardData, CacheError> {
        let name = self.database_name(&session.user.id);
        let reuse = self.inner.cache.borrow().is_some() && *self.inner.db_name.borrow() == name;
        if !reuse {
            let cache = Cache::open(&name).await?;
            *self.inner.cache.borrow_mut() = Some(Rc::new(cache));
            *self.inner.db_name.borrow_mut() = name;
            self.inner.closed.set(false);
        }
        let synced = self.cache()?.meta("cursor").await?.is_some();
        self.set_status(|s| s.synced = synced);
        self.board().await
    }

    fn cache(&self) -> Result<Rc<Cache>, CacheError> {
        self.inner.cache.borrow().clone().ok_or_else(|| CacheError::Failed("the cache is not open".into()))
    }

    // ----- events -----

    /// Calls `listener` with every [`StoreEvent`] from now on; returns a handle for [`DeskStore::unsubscribe`].
    pub fn subscribe(&self, listener: impl Fn(&StoreEvent) + 'static) -> usize {
        let id = self.inner.next_listener.get();
        self.inner.next_listener.set(id + 1);
        self.inner.listeners.borrow_mut().push((id, Rc::new(listener)));
        id
    }

    /// Stops calling a listener.
    pub fn unsubscribe(&self, id: usize) {
        self.inner.listeners.borrow_mut().retain(|(other, _)| *other != id);
    }

    fn emit(&self, event: StoreEvent) {
        let listeners: Vec<Listener> = self.inner.listeners.borrow().iter().map(|(_, l)| l.clone()).collect();
        for listener in listeners {
            listener(&event);
        }
    }

    /// The current sync status.
    pub fn status(&self) -> SyncStatus {
        self.inner.status.borrow().clone()
    }

    fn set_status(&self, change: impl FnOnce(&mut SyncStatus)) {
        let status = {
            let mut status = self.inner.status.borrow_mut();
            let before = status.clone();
            change(&mut status);
            if *status == before {
                return;
            }
            status.clone()
        };
        self.emit(StoreEvent::Status(status));
    }

    async fn refresh_outbox_status(&self) {
        let Ok(cache) = self.cache() else { return };
        if let Ok(entries) = cache.outbox().await {
            let held: Vec<Entry> = entries.iter().filter(|e| e.needs_attention()).cloned().collect();
            self.set_status(|s| {
                s.pending = entries.len();
                s.held = held;
            });
        }
    }

    fn broadcast(&self, message: &str) {
        if let Some(channel) = self.inner.channel.borrow().as_ref() {
            let _ = channel.post_message(&JsValue::from_str(message));
        }
    }

    // ----- reads (from the cache) -----

    /// Pipelines, deals, account names and reps from the cache.
    pub async fn board(&self) -> Result<BoardData, CacheError> {
        let cache = self.cache()?;
        let mut pipelines: Vec<Pipeline> = decode_all(cache.all(Kind::Pipelines).await?);
        pipelines.sort_by(|a, b| a.meta.created_at.cmp(&b.meta.created_at).then_with(|| a.meta.id.cmp(&b.meta.id)));
        let deals = decode_all(cache.all(Kind::Deals).await?);
        let accounts: Vec<Account> = decode_all(cache.all(Kind::Accounts).await?);
        let users = cache.users().await?;
        Ok(BoardData {
            pipelines,
            deals,
            account_names: accounts.into_iter().map(|a| (a.meta.id, a.name)).collect(),
            users: users.into_iter().map(|u| (u.id.clone(), u)).collect(),
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

    // ----- changes (cache + outbox in one transaction, sent in the background) -----

    async fn queue(
        &self,
        mut batch: Batch,
        change: Change,
        key: String,
        before: Option<Value>,
    ) -> Result<(), CacheError> {
        batch.enqueue.push(Entry::new(key, change, before));
        self.cache()?.write(&batch).await?;
        self.refresh_outbox_status().await;
        self.broadcast("outbox");
        wake(&self.inner.wake_outbox);
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
        let batch = Batch { put: vec![row(Kind::Deals, after)?], ..Default::default() };
        let change = Change::UpdateDeal { id: before.meta.id.clone(), version: before.meta.version, patch };
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

    /// Deletes a deal at once.
    pub async fn delete_deal(&self, deal: &Deal, key: String) -> Result<(), CacheError> {
        let batch = Batch { delete: vec![(Kind::Deals, deal.meta.id.clone())], ..Default::default() };
        let change = Change::DeleteDeal { id: deal.meta.id.clone(), version: deal.meta.version };
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
        self.queue(batch, Change::CreateActivity { id: local.meta.id.clone(), new }, key, None).await
    }

    /// Changes an activity made on `before`.
    pub async fn update_activity(
        &self,
        before: &Activity,
        patch: ActivityPatch,
        key: String,
    ) -> Result<Activity, CacheError> {
        let after = apply_activity(before.clone(), &patch);
        let batch = Batch { put: vec![row(Kind::Activities, &after)?], ..Default::default() };
        let change = Change::UpdateActivity { id: before.meta.id.clone(), version: before.meta.version, patch };
        self.queue(batch, change, key, value_of(before)).await?;
        Ok(after)
    }

    /// Saves a view (online only: views are not queued).
    pub async fn save_view(&self, new: NewView, key: &str) -> Result<SavedView, ConnectorError> {
        let view = self.client().create_view(new, key).await?;
        if let (Ok(cache), Ok(put)) = (self.cache(), row(Kind::Views, &view)) {
            let _ = cache.write(&Batch { put: vec![put], ..Default::default() }).await;
        }
        Ok(view)
    }

    /// Deletes a view (online only).
    pub async fn delete_view(&self, id: &str) -> Result<(), ConnectorError> {
        self.client().delete_view(id, None).await?;
        if let Ok(cache) = self.cache() {
            let _ = cache.write(&Batch { delete: vec![(Kind::Views, id.into())], ..Default::default() }).await;
        }
        Ok(())
    }

    /// Runs a support operation: the case queue, case pages, replies and the knowledge base. These go to the
    /// backend directly (online only; support data is not cached on the device yet), and fail with
    /// `Unsupported` on a backend without cases.
    pub async fn support(&self, op: SupportOp) -> Result<SupportReply, ConnectorError> {
        self.client().support(op).await
    }

    // ----- the rep's answers to held changes -----

    async fn entry(&self, seq: u64) -> Result<Option<Entry>, CacheError> {
        Ok(self.cache()?.outbox().await?.into_iter().find(|e| e.seq == seq))
    }

    async fn after_answer(&self) {
        self.refresh_outbox_status().await;
        self.broadcast("outbox");
        wake(&self.inner.wake_outbox);
    }

    /// Conflict: send the rep's change again on top of the backend's current record.
    pub async fn keep_mine(&self, seq: u64) -> Result<(), CacheError> {
        let Some(mut entry) = self.entry(seq).await? else { return Ok(()) };
        let EntryState::Conflict { theirs: Some(theirs), .. } = &entry.state else { return Ok(()) };
        let mut batch = Batch::default();
        if let Some(version) = theirs["version"].as_u64() {
            entry.change.set_version(version);
        }
        if let (Change::UpdateDeal { patch, .. }, Ok(theirs)) =
            (&entry.change, serde_json::from_value::<Deal>(theirs.clone()))
        {
            let mine = apply_deal(theirs, patch);
            batch.put.push(row(Kind::Deals, &mine)?);
            self.emit(StoreEvent::Deals { put: vec![mine], removed: vec![] });
        }
        entry.state = EntryState::Pending;
        entry.attempts = 0;
        batch.requeue.push(entry);
        self.cache()?.write(&batch).await?;
        self.after_answer().await;
        Ok(())
    }

    /// Conflict: drop the rep's change and show the backend's record.
    pub async fn take_theirs(&self, seq: u64) -> Result<(), CacheError> {
        let Some(entry) = self.entry(seq).await? else { return Ok(()) };
        let EntryState::Conflict { theirs, .. } = &entry.state else { return Ok(()) };
        let mut batch = Batch { dequeue: vec![seq], ..Default::default() };
        self.put_value(&mut batch, entry.change.kind(), theirs.clone(), entry.change.id())?;
        self.cache()?.write(&batch).await?;
        self.after_answer().await;
        Ok(())
    }

    /// A refused change: try it again as it is.
    pub async fn retry(&self, seq: u64) -> Result<(), CacheError> {
        let Some(mut entry) = self.entry(seq).await? else { return Ok(()) };
        entry.state = EntryState::Pending;
        entry.attempts = 0;
        self.cache()?.write(&Batch { requeue: vec![entry], ..Default::default() }).await?;
        self.after_answer().await;
        Ok(())
    }

    /// A refused change: drop it and show the record as the backend has it now (as it was before the change
    /// when the backend cannot be reached).
    pub async fn discard(&self, seq: u64) -> Result<(), CacheError> {
        let Some(entry) = self.entry(seq).await? else { return Ok(()) };
        let mut batch = Batch { dequeue: vec![seq], ..Default::default() };
        let id = entry.change.id().to_string();
        if entry.change.is_create() {
            batch.delete.push((entry.change.kind(), id.clone()));
            if entry.change.kind() == Kind::Deals {
                self.emit(StoreEvent::Deals { put: vec![], removed: vec![id] });
            }
        } else {
            let now = match self.current(&entry.change).await {
                Ok(record) => record,
                Err(_) => entry.before.clone(),
            };
            self.put_value(&mut batch, entry.change.kind(), now, &id)?;
        }
        self.cache()?.write(&batch).await?;
        self.after_answer().await;
        Ok(())
    }

    /// Adds `value` (a record of `kind`, or `None` for "gone") to `batch` and tells the screens.
    fn put_value(&self, batch: &mut Batch, kind: Kind, value: Option<Value>, id: &str) -> Result<(), CacheError> {
        match value.as_ref().and_then(|v| Row::from_value(kind, v)) {
            Some(put) => {
                batch.put.push((kind, put));
                self.announce(kind, value.as_ref());
            }
            None => {
                batch.delete.push((kind, id.into()));
                if kind == Kind::Deals {
                    self.emit(StoreEvent::Deals { put: vec![], removed: vec![id.into()] });
                }
            }
        }
        Ok(())
    }

    fn announce(&self, kind: Kind, value: Option<&Value>) {
        let Some(value) = value else { return };
        match kind {
            Kind::Deals => {
                if let Ok(deal) = serde_json::from_value::<Deal>(value.clone()) {
                    self.emit(StoreEvent::Deals { put: vec![deal], removed: vec![] });
                }
            }
            Kind::Accounts => {
                if let Ok(account) = serde_json::from_value::<Account>(value.clone()) {
                    self.emit(StoreEvent::Accounts(vec![account]));
                }
            }
            Kind::Activities => {
                if let Some(deal) = value["deal_id"].as_str() {
                    self.emit(StoreEvent::Activities(vec![deal.into()]));
                }
            }
            _ => {}
        }
    }

    // ----- background work -----

    /// Starts the background work once: pulls, the outbox sender (in one tab at a time) and the cross-tab
    /// channel. Asks the browser to keep the cache.
    pub fn start(&self) {
        if self.inner.started.replace(true) {
            wake(&self.inner.wake_sync);
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
        wake(&self.inner.wake_sync);
        wake(&self.inner.wake_outbox);
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
                    Some("outbox") => {
                        wake(&store.inner.wake_outbox);
                        store.emit(StoreEvent::Reload);
                        let store = store.clone();
                        wasm_bindgen_futures::spawn_local(async move { store.refresh_outbox_status().await });
                    }
                    Some("changed") => {
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

    /// Pulls every [`SYNC_EVERY_MS`] (or when woken); after a failed pull, tries again sooner, backing off from
    /// 1 s, so a passing network or server hiccup does not leave the screens stale for long.
    async fn sync_loop(&self) {
        let mut failures = 0u32;
        while !self.inner.closed.get() {
            let wait = match self.sync().await {
                Ok(()) => {
                    failures = 0;
                    SYNC_EVERY_MS
                }
                Err(_) => {
                    failures += 1;
                    let ms = crate::store::outbox::backoff_ms(failures - 1, js_sys::Math::random(), None);
                    (ms as u32).min(SYNC_EVERY_MS)
                }
            };
            nap(&self.inner.wake_sync, wait).await;
        }
    }

    /// Pulls every change since the stored cursor into the cache, page by page (each page and its cursor in one
    /// transaction, so an interrupted pull resumes where it stopped). Records with queued changes keep their
    /// local state until those changes are settled.
    pub async fn sync(&self) -> Result<(), ConnectorError> {
        if self.inner.syncing.replace(true) {
            return Ok(());
        }
        let result = self.pull().await;
        self.inner.syncing.set(false);
        self.set_status(|s| s.progress = None);
        // Also after a pull that stopped half-way: what it wrote is in the cache and must be shown.
        if self.inner.reload_owed.replace(false) {
            self.emit(StoreEvent::Reload);
        }
        if self.inner.change_owed.replace(false) {
            self.broadcast("changed");
        }
        result
    }

    async fn pull(&self) -> Result<(), ConnectorError> {
        let cache = self.cache().map_err(|e| ConnectorError::Unsupported(e.to_string()))?;
        let mut cursor = cache.meta("cursor").await.ok().flatten();
        let first = cursor.is_none();
        let mut received = 0u64;
        let mut reload = false;
        loop {
            let page = self.client().changes(cursor.as_deref(), Some(SYNC_PAGE)).await;
            self.note_result(&page);
            let page = page?;
            received += page.changes.len() as u64;
            if page.more {
                reload = true;
                self.set_status(|s| s.progress = Some((received, received + page.remaining)));
            }
            let held: Vec<String> =
                cache.outbox().await.unwrap_or_default().iter().map(|e| e.change.id().to_string()).collect();
            let mut batch = Batch::default();
            let mut deals = Vec::new();
            let mut removed = Vec::new();
            let mut accounts = Vec::new();
            let mut timelines = Vec::new();
            for change in page.changes {
                let Some(kind) = Kind::from_name(&change.kind) else { continue };
                if held.contains(&change.id) {
                    continue;
                }
                match change.record.filter(|_| !change.deleted) {
                    None => {
                        if kind == Kind::Deals {
                            removed.push(change.id.clone());
                        }
                        batch.delete.push((kind, change.id));
                    }
                    Some(value) => {
                        let Some(put) = Row::from_value(kind, &value) else { continue };
                        match kind {
                            Kind::Deals => deals.extend(serde_json::from_value::<Deal>(value).ok()),
                            Kind::Accounts => accounts.extend(serde_json::from_value::<Account>(value).ok()),
                            Kind::Activities => timelines.extend(value["deal_id"].as_str().map(String::from)),
                            Kind::Pipelines | Kind::Views => reload = true,
                            Kind::Contacts => {}
                        }
                        batch.put.push((kind, put));
                    }
                }
            }
            let wrote = !batch.put.is_empty() || !batch.delete.is_empty();
            batch.meta.push(("cursor".into(), page.cursor.clone()));
            if let Err(error) = cache.write(&batch).await {
                return Err(ConnectorError::Unsupported(error.to_string()));
            }
            if wrote {
                self.inner.change_owed.set(true);
                self.inner.reload_owed.set(self.inner.reload_owed.get() || first || reload);
            }
            if !reload {
                if !deals.is_empty() || !removed.is_empty() {
                    self.emit(StoreEvent::Deals { put: deals, removed });
                }
                if !accounts.is_empty() {
                    self.emit(StoreEvent::Accounts(accounts));
                }
                if !timelines.is_empty() {
                    self.emit(StoreEvent::Activities(timelines));
                }
            }
            cursor = Some(page.cursor);
            if !page.more {
                break;
            }
        }
        if first || reload {
            if let Ok(users) = self.client().users().await {
                let _ = cache.write(&Batch { users: Some(users), ..Default::default() }).await;
            }
        }
        self.set_status(|s| s.synced = true);
        Ok(())
    }

    async fn outbox_loop(&self) {
        while !self.inner.closed.get() {
            let wait = self.send_next().await;
            if let Some(ms) = wait {
                nap(&self.inner.wake_outbox, ms).await;
            }
        }
    }

    /// Sends the next queued change now (the background sender calls this in a loop); returns `None` to go on at
    /// once, or how many milliseconds to wait first.
    pub async fn send_next(&self) -> Option<u32> {
        let Ok(cache) = self.cache() else { return Some(SYNC_EVERY_MS) };
        let entries = match cache.outbox().await {
            Ok(entries) => entries,
            Err(_) => return Some(SYNC_EVERY_MS),
        };
        let held: Vec<Entry> = entries.iter().filter(|e| e.needs_attention()).cloned().collect();
        self.set_status(|s| {
            s.pending = entries.len();
            s.held = held;
        });
        if self.status().signed_out {
            return Some(SYNC_EVERY_MS);
        }
        // Nothing to send: wait until a change is queued (or a while, to look again).
        let Some(index) = next_sendable(&entries) else { return Some(SYNC_EVERY_MS) };
        let mut entry = entries[index].clone();
        if self.apply_renames(&cache, &mut entry).await {
            let _ = cache.write(&Batch { requeue: vec![entry.clone()], ..Default::default() }).await;
        }
        let result = self.client().run(entry.change.operation(&entry.key)).await;
        self.note_result(&result);
        let jitter = js_sys::Math::random();
        match outcome(&entry.change, result, entry.attempts, jitter) {
            Outcome::Done(record) => {
                if self.settle_done(&cache, entry.seq, record).await.is_err() {
                    return Some(1000);
                }
                self.broadcast("changed");
                None
            }
            Outcome::Retry(ms) => {
                entry.attempts += 1;
                let _ = cache.write(&Batch { requeue: vec![entry], ..Default::default() }).await;
                Some(ms.min(u64::from(u32::MAX)) as u32)
            }
            Outcome::SignedOut => Some(SYNC_EVERY_MS),
            Outcome::Park { reason, message, fields } => {
                let workflow_move = !self.capabilities().free_stages && entry.change.is_stage_move();
                let (seq, deal_id) = (entry.seq, entry.change.id().to_string());
                let said = (reason != crate::store::outbox::ParkReason::Unsupported).then(|| message.clone());
                entry.state = EntryState::Parked { reason, message: message.clone(), fields };
                let _ = cache.write(&Batch { requeue: vec![entry], ..Default::default() }).await;
                if workflow_move {
                    // A backend with a fixed workflow said no: put the deal back as it has it, and say why.
                    let _ = self.discard(seq).await;
                    self.emit(StoreEvent::MoveRefused { deal_id, message: said });
                }
                self.broadcast("changed");
                None
            }
            Outcome::Conflict(message) => {
                let theirs = self.current(&entry.change).await.ok().flatten();
                entry.state = EntryState::Conflict { message, theirs };
                let _ = cache.write(&Batch { requeue: vec![entry], ..Default::default() }).await;
                self.broadcast("changed");
                None
            }
        }
    }

    /// The backend's current copy of the record a change is about: `Ok(None)` when it no longer exists, an error
    /// when the backend could not say.
    async fn current(&self, change: &Change) -> Result<Option<Value>, ConnectorError> {
        let id = change.id();
        let found = match change.kind() {
            Kind::Deals => self.client().deal(id).await.map(|r| value_of(&r)),
            Kind::Activities => self.client().activity(id).await.map(|r| value_of(&r)),
            Kind::Accounts => self.client().account(id).await.map(|r| value_of(&r)),
            _ => Ok(None),
        };
        match found {
            Err(ConnectorError::NotFound(_)) => Ok(None),
            other => other,
        }
    }

    /// Gives an entry queued after a record it mentions got the backend's id (a change made while the create was
    /// on its way) that id, and the version it was created with. Returns whether the entry changed.
    async fn apply_renames(&self, cache: &Cache, entry: &mut Entry) -> bool {
        let mut changed = false;
        let temps: Vec<String> = std::iter::once(entry.change.id().to_string())
            .chain(entry.change.refs().into_iter().map(String::from))
            .filter(|id| id.starts_with(TEMP_PREFIX))
            .collect();
        for temp in temps {
            let Ok(Some(known)) = cache.meta(&format!("renamed:{temp}")).await else { continue };
            let (real, version) = known.split_once(' ').unwrap_or((known.as_str(), ""));
            let about_it = entry.change.id() == temp;
            entry.change.rename(&temp, real);
            if let (true, Ok(version)) = (about_it, version.parse::<u64>()) {
                entry.change.set_version(version);
            }
            changed = true;
        }
        changed
    }

    async fn settle_done(&self, cache: &Cache, seq: u64, record: Option<Value>) -> Result<(), CacheError> {
        // Entries queued while the request was out are settled too: read the outbox again.
        let entries = cache.outbox().await?;
        let Some(index) = entries.iter().position(|e| e.seq == seq) else { return Ok(()) };
        let entries = entries.as_slice();
        let kind = entries[index].change.kind();
        let settlement = settle(entries, index, record.clone());
        let mut batch =
            Batch { dequeue: vec![settlement.done_seq], requeue: settlement.rewritten, ..Default::default() };
        if let Some((from, to)) = &settlement.renamed {
            let version = record.as_ref().and_then(|r| r["version"].as_u64()).unwrap_or(1);
            batch.meta.push((format!("renamed:{from}"), format!("{to} {version}")));
        }
        let local_id = entries[index].change.id().to_string();
        let mut events = Vec::new();
        if let Some((from, to)) = &settlement.renamed {
            batch.delete.push((kind, from.clone()));
            if kind == Kind::Deals {
                events.push(StoreEvent::Deals { put: vec![], removed: vec![from.clone()] });
            }
            self.rename_references(cache, &mut batch, kind, from, to).await?;
        }
        let stored = match settlement.write {
            CacheWrite::Nothing => None,
            CacheWrite::Put(record) => Some(record),
            CacheWrite::KeepLocal(record) => {
                let mut local: Value = cache
                    .get(kind, &local_id)
                    .await?
                    .and_then(|j| serde_json::from_str(&j).ok())
                    .unwrap_or(record.clone());
                local["id"] = record["id"].clone();
                local["version"] = record["version"].clone();
                local["updated_at"] = record["updated_at"].clone();
                Some(local)
            }
        };
        if let Some(value) = &stored {
            if let Some(put) = Row::from_value(kind, value) {
                batch.put.push((kind, put));
            }
        }
        cache.write(&batch).await?;
        for event in events {
            self.emit(event);
        }
        self.announce(kind, stored.as_ref());
        if let Some((from, to)) = settlement.renamed {
            self.emit(StoreEvent::Renamed(from, to));
        }
        Ok(())
    }

    /// Points cached records that refer to a temporary id at the backend's id.
    async fn rename_references(
        &self,
        cache: &Cache,
        batch: &mut Batch,
        kind: Kind,
        from: &str,
        to: &str,
    ) -> Result<(), CacheError> {
        let (field, referrers): (&str, &[Kind]) = match kind {
            Kind::Accounts => ("account_id", &[Kind::Deals, Kind::Contacts]),
            Kind::Deals => ("deal_id", &[Kind::Activities]),
            _ => return Ok(()),
        };
        for referrer in referrers {
            for json in cache.by(*referrer, field, from).await? {
                let Ok(mut value) = serde_json::from_str::<Value>(&json) else { continue };
                value[field] = Value::String(to.into());
                if let Some(put) = Row::from_value(*referrer, &value) {
                    batch.put.push((*referrer, put));
                }
                self.announce(*referrer, Some(&value));
            }
        }
        Ok(())
    }
}

/// Runs `work` while holding the Web Lock `name`, so only one tab does it at a time (the next tab takes over when
/// this one closes). Without the Web Locks API the work simply runs.
fn with_lock(name: &str, work: impl std::future::Future<Output = ()> + 'static) {
    let locks = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &"locks".into()).ok())
        .filter(|l| !l.is_undefined() && !l.is_null());
    let request = locks
        .as_ref()
        .and_then(|l| js_sys::Reflect::get(l, &"request".into()).ok())
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let (Some(locks), Some(request)) = (locks, request) else {
        wasm_bindgen_futures::spawn_local(work);
        return;
    };
    let held = Closure::once_into_js(move |_lock: JsValue| -> js_sys::Promise {
        wasm_bindgen_futures::future_to_promise(async move {
            work.await;
            Ok(JsValue::UNDEFINED)
        })
    });
    let _ = request.call2(&locks, &JsValue::from_str(name), &held);
}

fn remember_session(session: Option<&SessionInfo>) {
    let Some(storage) = local_storage() else { return };
    match session.and_then(|s| serde_json::to_string(s).ok()) {
        Some(json) => {
            let _ = storage.set_item(LAST_SESSION, &json);
        }
        None => {
            let _ = storage.remove_item(LAST_SESSION);
        }
    }
}

fn last_session() -> Option<SessionInfo> {
    serde_json::from_str(&local_storage()?.get_item(LAST_SESSION).ok()??).ok()
}
