//! [`DeskStore`] (browser only): the desk's only path to its data. Screens read from the IndexedDB cache, so they
//! render at once and offline; every change is written to the cache together with an outbox entry and returns
//! at once; in the background the store pulls the backend's changes feed into the cache and sends the outbox in
//! order (one tab at a time, through the Web Locks API), telling the screens what changed through
//! [`StoreEvent`]s and other tabs through a `BroadcastChannel`.
//!
//! What to write and what to tell is decided by the pure modules ([`pull`](super::pull), [`send`](super::send),
//! [`outbox`](super::outbox)); this module does the I/O: IndexedDB, the network, locks, channels and timers. A
//! failed cache write is never ignored: it becomes the status' `problem`, and the change stays queued.

mod background;
mod reads;
pub use reads::{Found, Read};
mod remembered;
mod writes;

use super::cache::Cache;
use super::error::CacheError;
use super::event::{StoreEvent, SyncStatus};
use super::outbox::Replaced;
use crate::browser::timer::Alarm;
use crate::client::Client;
use crate::connector::{Capabilities, Connector, ConnectorError};
use crate::transport::Transport;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use trato_protocol::*;
use wasm_bindgen::prelude::*;

type Listener = Rc<dyn Fn(&StoreEvent)>;

struct Inner<C: Connector, T> {
    client: RefCell<Rc<Client<C, T>>>,
    backend: RefCell<String>,
    cache: RefCell<Option<Rc<Cache>>>,
    db_name: RefCell<String>,
    listeners: RefCell<Vec<(usize, Listener)>>,
    next_listener: Cell<usize>,
    status: RefCell<SyncStatus>,
    wake_outbox: Alarm,
    wake_sync: Alarm,
    channel: RefCell<Option<web_sys::BroadcastChannel>>,
    started: Cell<bool>,
    closed: Cell<bool>,
    syncing: Cell<bool>,
    replaced: RefCell<Replaced>,
}

/// The desk's data store over one backend (see the module docs).
pub struct DeskStore<C: Connector, T> {
    inner: Rc<Inner<C, T>>,
}

impl<C: Connector, T> Clone for DeskStore<C, T> {
    fn clone(&self) -> Self {
        DeskStore { inner: self.inner.clone() }
    }
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
                wake_outbox: Alarm::default(),
                wake_sync: Alarm::default(),
                channel: RefCell::new(None),
                started: Cell::new(false),
                closed: Cell::new(false),
                syncing: Cell::new(false),
                replaced: RefCell::new(Replaced::default()),
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
                remembered::remember_session(Some(&session));
                Ok(Some(session))
            }
            Err(ConnectorError::Unauthorized(_)) => Ok(None),
            Err(error) => match remembered::last_session() {
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
        remembered::remember_session(Some(&session));
        self.set_status(|s| s.signed_out = false);
        self.inner.wake_outbox.wake();
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
            let _ = futures::future::select(deleted, Box::pin(crate::browser::timer::sleep(5000))).await;
        }
        remembered::remember_session(None);
        self.inner.replaced.borrow_mut().clear();
    }

    /// The name of the cache database for `user_id` on this backend.
    pub fn database_name(&self, user_id: &str) -> String {
        format!("trato:{}:{}", self.inner.backend.borrow(), user_id)
    }

    /// Opens the rep's cache (once); says whether a first complete pull has reached this device.
    pub async fn open(&self, session: &SessionInfo) -> Result<bool, CacheError> {
        let name = self.database_name(&session.user.id);
        let reuse = self.inner.cache.borrow().is_some() && *self.inner.db_name.borrow() == name;
        if reuse && self.status().synced {
            // Already open and synced once (every page opens the store: no read for what is known).
            return Ok(true);
        }
        if !reuse {
            let cache = Cache::open(&name).await?;
            *self.inner.cache.borrow_mut() = Some(Rc::new(cache));
            *self.inner.db_name.borrow_mut() = name;
            self.inner.closed.set(false);
        }
        let synced = self.cache()?.meta("cursor").await?.is_some();
        self.set_status(|s| s.synced = synced);
        Ok(synced)
    }

    /// Closes the cache connection until the next [`DeskStore::open`]: reads and writes fail meanwhile, and say so
    /// (the browser can close a database under a page; tests use this to see such failures reported).
    pub fn close_cache(&self) {
        if let Some(cache) = self.inner.cache.borrow().as_ref() {
            cache.close();
        }
        self.inner.db_name.borrow_mut().clear();
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

    /// Writes `batch`, recording in the status whether the cache took it (a failure stays visible until a later
    /// write succeeds). What was being written is still queued or will be pulled again.
    async fn write(&self, batch: &super::batch::Batch) -> Result<(), CacheError> {
        let result = self.cache()?.write(batch).await;
        match &result {
            Ok(()) => self.set_status(|s| s.problem = None),
            Err(error) => {
                let error = error.clone();
                self.set_status(|s| s.problem = Some(error));
            }
        }
        result
    }

    fn broadcast(&self, message: &str) {
        if let Some(channel) = self.inner.channel.borrow().as_ref() {
            let _ = channel.post_message(&JsValue::from_str(message));
        }
    }
}
