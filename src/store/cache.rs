//! The IndexedDB cache (browser only): one database per backend and rep, an object store per record kind with the
//! indexes the screens need, the rep list, a metadata store (sync cursor) and the outbox. Every write is one
//! [`Batch`] in one transaction, so an optimistic record and its outbox entry are stored together or not at all.

use super::outbox::Entry;
use super::record::{Kind, Row};
use indexed_db_futures::database::Database;
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use indexed_db_futures::KeyPath;
use js_sys::{Object, Reflect};
use trato_protocol::User;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// The schema version this code writes. Version 1 had the record stores, `meta` and `outbox`; version 2 added the
/// `users` store and the owner and update-time indexes.
pub const SCHEMA_VERSION: u32 = 2;

const META: &str = "meta";
const OUTBOX: &str = "outbox";
const USERS: &str = "users";

/// Why the cache could not be used.
#[derive(Clone, Debug, PartialEq)]
pub enum CacheError {
    /// The device's storage is full; nothing of this write was stored.
    Quota,
    /// IndexedDB is missing or failed.
    Failed(String),
}

impl std::fmt::Display for CacheError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CacheError::Quota => write!(f, "storage full"),
            CacheError::Failed(message) => write!(f, "{message}"),
        }
    }
}

fn failed(error: impl std::fmt::Debug) -> CacheError {
    let text = format!("{error:?}");
    if text.contains("QuotaExceeded") {
        CacheError::Quota
    } else {
        CacheError::Failed(text.chars().take(300).collect())
    }
}

/// Indexes created by schema version 1.
fn v1_indexes(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Deals => &["stage_id", "account_id"],
        Kind::Contacts => &["account_id"],
        Kind::Activities => &["deal_id"],
        _ => &[],
    }
}

/// Brings a database from `old` to `new` (each step once, in order; data is kept).
fn upgrade(db: &Database, old: u32, new: u32) -> indexed_db_futures::Result<()> {
    if old < 1 {
        for kind in Kind::ALL {
            let store = db.create_object_store(kind.name()).with_key_path(KeyPath::One("id")).build()?;
            for field in v1_indexes(kind) {
                store.create_index(*field, KeyPath::One(*field)).build()?;
            }
        }
        db.create_object_store(META).build()?;
        db.create_object_store(OUTBOX).with_key_path(KeyPath::One("seq")).with_auto_increment(true).build()?;
    }
    if old < 2 && new >= 2 {
        let users = db.create_object_store(USERS).with_key_path(KeyPath::One("id")).build()?;
        let tx = users.transaction();
        for kind in Kind::ALL {
            let store = tx.object_store(kind.name())?;
            for field in kind.indexed_fields().iter().filter(|f| !v1_indexes(kind).contains(f)) {
                store.create_index(*field, KeyPath::One(*field)).build()?;
            }
        }
    }
    Ok(())
}

/// All the writes of one change, applied in one transaction.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    /// Records to store.
    pub put: Vec<(Kind, Row)>,
    /// Records to remove, by id.
    pub delete: Vec<(Kind, String)>,
    /// Metadata to set.
    pub meta: Vec<(String, String)>,
    /// New outbox entries (their `seq` is assigned by the store, in order).
    pub enqueue: Vec<Entry>,
    /// Outbox entries to overwrite.
    pub requeue: Vec<Entry>,
    /// Outbox entries to remove, by `seq`.
    pub dequeue: Vec<u64>,
    /// The rep list, replacing the stored one.
    pub users: Option<Vec<User>>,
}

impl Batch {
    /// Whether the batch writes nothing.
    pub fn is_empty(&self) -> bool {
        self.put.is_empty()
            && self.delete.is_empty()
            && self.meta.is_empty()
            && self.enqueue.is_empty()
            && self.requeue.is_empty()
            && self.dequeue.is_empty()
            && self.users.is_none()
    }
}

fn row_object(row: &Row) -> Result<JsValue, CacheError> {
    let object = Object::new();
    Reflect::set(&object, &"id".into(), &row.id.as_str().into()).map_err(failed)?;
    for (field, value) in &row.indexed {
        Reflect::set(&object, &(*field).into(), &value.as_str().into()).map_err(failed)?;
    }
    Reflect::set(&object, &"json".into(), &row.json.as_str().into()).map_err(failed)?;
    Ok(object.into())
}

fn entry_object(entry: &Entry, with_seq: bool) -> Result<JsValue, CacheError> {
    let object = Object::new();
    if with_seq {
        Reflect::set(&object, &"seq".into(), &(entry.seq as f64).into()).map_err(failed)?;
    }
    let json = serde_json::to_string(entry).map_err(failed)?;
    Reflect::set(&object, &"json".into(), &json.into()).map_err(failed)?;
    Ok(object.into())
}

fn json_of(value: &JsValue) -> Option<String> {
    Reflect::get(value, &"json".into()).ok()?.as_string()
}

/// An open cache database.
#[derive(Debug)]
pub struct Cache {
    db: Database,
}

impl Cache {
    /// Opens (creating or upgrading) the database `name` at the current schema.
    pub async fn open(name: &str) -> Result<Cache, CacheError> {
        Cache::open_at(name, SCHEMA_VERSION).await
    }

    /// Opens `name` at an older schema `version` (tests of the upgrade path use this).
    pub async fn open_at(name: &str, version: u32) -> Result<Cache, CacheError> {
        let db = Database::open(name)
            .with_version(version)
            .with_on_upgrade_needed(move |event, db| {
                upgrade(&db, event.old_version() as u32, event.new_version().unwrap_or(0.0) as u32)
            })
            .await
            .map_err(failed)?;
        // Another tab deleting (sign-out) or upgrading the database: let it, by closing this connection.
        let sys = db.as_sys().unchecked_ref::<web_sys::IdbDatabase>().clone();
        let closer = sys.clone();
        let on_change = Closure::<dyn Fn()>::new(move || closer.close());
        sys.set_onversionchange(Some(on_change.as_ref().unchecked_ref()));
        on_change.forget();
        Ok(Cache { db })
    }

    /// Deletes the database `name` (sign-out). Other tabs' connections close when they are told to.
    pub async fn delete(name: &str) -> Result<(), CacheError> {
        Database::delete_by_name(name).map_err(failed)?.await.map_err(failed)
    }

    /// Closes this connection (so the database can be deleted or upgraded); later reads and writes fail.
    pub fn close(&self) {
        self.db.as_sys().unchecked_ref::<web_sys::IdbDatabase>().close();
    }

    /// The schema version of the open database.
    pub fn version(&self) -> u32 {
        self.db.version() as u32
    }

    async fn read_all(&self, store: &str, index: Option<(&str, &str)>) -> Result<Vec<JsValue>, CacheError> {
        let tx = self.db.transaction(store).build().map_err(failed)?;
        let object_store = tx.object_store(store).map_err(failed)?;
        let values: Vec<JsValue> = match index {
            None => object_store
                .get_all::<JsValue>()
                .primitive()
                .map_err(failed)?
                .await
                .map_err(failed)?
                .collect::<Result<_, _>>(),
            Some((index, value)) => {
                let index = object_store.index(index).map_err(failed)?;
                index
                    .get_all::<JsValue>()
                    .with_query::<String, _>(value.to_string())
                    .primitive()
                    .map_err(failed)?
                    .await
                    .map_err(failed)?
                    .collect::<Result<_, _>>()
            }
        }
        .map_err(failed)?;
        Ok(values)
    }

    /// Every stored record of `kind`, JSON.
    pub async fn all(&self, kind: Kind) -> Result<Vec<String>, CacheError> {
        Ok(self.read_all(kind.name(), None).await?.iter().filter_map(json_of).collect())
    }

    /// Records of `kind` whose indexed `field` equals `value`, JSON.
    pub async fn by(&self, kind: Kind, field: &str, value: &str) -> Result<Vec<String>, CacheError> {
        Ok(self.read_all(kind.name(), Some((field, value))).await?.iter().filter_map(json_of).collect())
    }

    /// One record, JSON.
    pub async fn get(&self, kind: Kind, id: &str) -> Result<Option<String>, CacheError> {
        let tx = self.db.transaction(kind.name()).build().map_err(failed)?;
        let store = tx.object_store(kind.name()).map_err(failed)?;
        let value: Option<JsValue> = store.get(id.to_string()).primitive().map_err(failed)?.await.map_err(failed)?;
        Ok(value.as_ref().and_then(json_of))
    }

    /// A metadata value.
    pub async fn meta(&self, key: &str) -> Result<Option<String>, CacheError> {
        let tx = self.db.transaction(META).build().map_err(failed)?;
        let store = tx.object_store(META).map_err(failed)?;
        let value: Option<JsValue> = store.get(key.to_string()).primitive().map_err(failed)?.await.map_err(failed)?;
        Ok(value.and_then(|v| v.as_string()))
    }

    /// The stored rep list.
    pub async fn users(&self) -> Result<Vec<User>, CacheError> {
        Ok(self.read_all(USERS, None).await?.iter().filter_map(json_of).filter_map(|j| Row::decode(&j)).collect())
    }

    /// The outbox, oldest first.
    pub async fn outbox(&self) -> Result<Vec<Entry>, CacheError> {
        let values = self.read_all(OUTBOX, None).await?;
        let mut entries = Vec::with_capacity(values.len());
        for value in values {
            let seq = Reflect::get(&value, &"seq".into()).ok().and_then(|s| s.as_f64()).unwrap_or(0.0) as u64;
            if let Some(mut entry) = json_of(&value).and_then(|j| serde_json::from_str::<Entry>(&j).ok()) {
                entry.seq = seq;
                entries.push(entry);
            }
        }
        Ok(entries)
    }

    /// Applies every write of `batch` in one transaction: all of it is stored, or none of it.
    pub async fn write(&self, batch: &Batch) -> Result<(), CacheError> {
        if batch.is_empty() {
            return Ok(());
        }
        let mut names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
        names.extend([META, OUTBOX]);
        if batch.users.is_some() {
            names.push(USERS);
        }
        let tx = self.db.transaction(names).with_mode(TransactionMode::Readwrite).build().map_err(failed)?;
        for (kind, row) in &batch.put {
            tx.object_store(kind.name()).map_err(failed)?.put(row_object(row)?).primitive().map_err(failed)?;
        }
        for (kind, id) in &batch.delete {
            tx.object_store(kind.name()).map_err(failed)?.delete(id.clone()).primitive().map_err(failed)?;
        }
        let meta = tx.object_store(META).map_err(failed)?;
        for (key, value) in &batch.meta {
            meta.put(JsValue::from_str(value)).with_key(key.clone()).primitive().map_err(failed)?;
        }
        let outbox = tx.object_store(OUTBOX).map_err(failed)?;
        for entry in &batch.enqueue {
            outbox.add(entry_object(entry, false)?).primitive().map_err(failed)?;
        }
        for entry in &batch.requeue {
            outbox.put(entry_object(entry, true)?).primitive().map_err(failed)?;
        }
        for seq in &batch.dequeue {
            outbox.delete(*seq as f64).primitive().map_err(failed)?;
        }
        if let Some(users) = &batch.users {
            let store = tx.object_store(USERS).map_err(failed)?;
            store.clear().map_err(failed)?;
            for user in users {
                let json = serde_json::to_string(user).map_err(failed)?;
                let row = Row { id: user.id.clone(), indexed: vec![], json };
                store.put(row_object(&row)?).primitive().map_err(failed)?;
            }
        }
        tx.commit().await.map_err(failed)
    }
}

/// Asks the browser to keep this origin's storage under storage pressure; `true` when granted.
pub async fn request_persistence() -> bool {
    let Some(window) = web_sys::window() else { return false };
    let storage = Reflect::get(&window.navigator(), &"storage".into()).unwrap_or(JsValue::UNDEFINED);
    let Ok(persist) = Reflect::get(&storage, &"persist".into()).and_then(|f| f.dyn_into::<js_sys::Function>()) else {
        return false;
    };
    let Ok(promise) = persist.call0(&storage).and_then(|p| p.dyn_into::<js_sys::Promise>()) else { return false };
    wasm_bindgen_futures::JsFuture::from(promise).await.ok().and_then(|v| v.as_bool()).unwrap_or(false)
}
