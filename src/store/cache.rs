//! The IndexedDB cache (browser only): one database per backend and rep, an object store per record kind with the
//! indexes the screens need, the rep list, a metadata store (sync cursor) and the outbox. Every write is one
//! [`Batch`] in one transaction, so an optimistic record and its outbox entry are stored together or not at all.

use super::batch::Batch;
use super::board_data::{BoardData, Partial, FIRST_CARDS};
use super::error::CacheError;
use super::outbox::Entry;
use super::record::{IndexValue, Kind, Row, STAGE_POSITION};
use futures::future::{join_all, LocalBoxFuture};
use indexed_db_futures::database::Database;
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{TransactionDurability, TransactionMode, TransactionOptions};
use indexed_db_futures::{KeyPath, KeyRange};
use js_sys::{Array, Object, Reflect};
use std::collections::HashMap;
use trato_protocol::{Account, Deal, Pipeline, User};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// The schema version this code writes. Version 1 had the record stores, `meta` and `outbox`; version 2 added the
/// `users` store and the owner and update-time indexes; version 3 the deals' index by stage and position (the
/// first cards of a column without reading the others); version 4 the indexes of deals by contact and of activities
/// by account and contact (one customer's page without reading every record).
pub const SCHEMA_VERSION: u32 = 4;

const META: &str = "meta";
const OUTBOX: &str = "outbox";
const USERS: &str = "users";

fn failed(error: impl std::fmt::Debug) -> CacheError {
    CacheError::from_text(&format!("{error:?}"))
}

/// Text indexes of each kind at schema version `version`. Deals are found by stage through the stage-and-position
/// index from version 3 on (fewer indexes make every write of a pull cheaper).
fn text_indexes(kind: Kind, version: u32) -> &'static [&'static str] {
    match (kind, version) {
        (Kind::Deals, 4..) => &["account_id", "contact_id"],
        (Kind::Deals, 3) => &["account_id"],
        (Kind::Deals, _) => &["stage_id", "account_id"],
        (Kind::Activities, 4..) => &["deal_id", "account_id", "contact_id"],
        (Kind::Activities, _) => &["deal_id"],
        (_, 2..) => kind.indexed_fields(),
        (Kind::Contacts, _) => &["account_id"],
        _ => &[],
    }
}

/// The kinds whose stores an upgrade from `old` rebuilds from their rows read before it (their rows gained
/// copied-out fields): deals (version 3: position; version 4: contact) and activities (version 4).
pub fn rebuilt_kinds(old: u32) -> &'static [Kind] {
    if (1..4).contains(&old) {
        &[Kind::Deals, Kind::Activities]
    } else {
        &[]
    }
}

fn create_record_store(db: &Database, kind: Kind, version: u32) -> indexed_db_futures::Result<ObjectStore<'_>> {
    let store = db.create_object_store(kind.name()).with_key_path(KeyPath::One("id")).build()?;
    for field in text_indexes(kind, version) {
        store.create_index(*field, KeyPath::One(*field)).build()?;
    }
    if kind == Kind::Deals && version >= 3 {
        store.create_index(STAGE_POSITION, KeyPath::from(vec!["stage_id", "position"])).build()?;
    }
    Ok(store)
}

/// Brings a database from `old` to `new` (each step once, in order). `saved` holds the rows of the kinds an
/// upgrade from `old` rebuilds ([`rebuilt_kinds`]), read before the upgrade.
fn upgrade(db: &Database, old: u32, new: u32, saved: &[(Kind, Vec<String>)]) -> indexed_db_futures::Result<()> {
    if old < 1 {
        for kind in Kind::ALL {
            create_record_store(db, kind, new)?;
        }
        db.create_object_store(META).build()?;
        db.create_object_store(OUTBOX).with_key_path(KeyPath::One("seq")).with_auto_increment(true).build()?;
        if new >= 2 {
            db.create_object_store(USERS).with_key_path(KeyPath::One("id")).build()?;
        }
        return Ok(());
    }
    let rebuilt = if new >= 4 {
        rebuilt_kinds(old)
    } else if new >= 3 && old < 3 {
        &[Kind::Deals][..]
    } else {
        &[]
    };
    if old < 2 && new >= 2 {
        let users = db.create_object_store(USERS).with_key_path(KeyPath::One("id")).build()?;
        let tx = users.transaction();
        for kind in Kind::ALL.into_iter().filter(|k| !rebuilt.contains(k)) {
            let store = tx.object_store(kind.name())?;
            for field in text_indexes(kind, 2).iter().filter(|f| !text_indexes(kind, 1).contains(f)) {
                store.create_index(*field, KeyPath::One(*field)).build()?;
            }
        }
    }
    for kind in rebuilt {
        db.delete_object_store(kind.name())?;
        let store = create_record_store(db, *kind, new)?;
        let rows = saved.iter().filter(|(k, _)| k == kind).flat_map(|(_, rows)| rows);
        for json in rows {
            if let Some(row) = Row::from_json(*kind, json) {
                if let Ok(object) = row_object(&row) {
                    store.put(object).primitive()?;
                }
            }
        }
    }
    Ok(())
}

fn row_object(row: &Row) -> Result<JsValue, CacheError> {
    let object = Object::new();
    Reflect::set(&object, &"id".into(), &row.id.as_str().into()).map_err(failed)?;
    for (field, value) in &row.indexed {
        let value = match value {
            IndexValue::Text(text) => JsValue::from_str(text),
            IndexValue::Number(number) => JsValue::from_f64(*number),
        };
        Reflect::set(&object, &(*field).into(), &value).map_err(failed)?;
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

/// One of the reads [`Cache::read_many`] makes in one transaction.
#[derive(Clone, Copy, Debug)]
pub enum Read<'a> {
    /// Every record of a kind.
    All(Kind),
    /// The records of a kind whose indexed field (the second) is the value (the third).
    By(Kind, &'a str, &'a str),
    /// The record of a kind with this id: none or one.
    One(Kind, &'a str),
}

impl Read<'_> {
    fn kind(&self) -> Kind {
        match *self {
            Read::All(kind) | Read::By(kind, ..) | Read::One(kind, _) => kind,
        }
    }
}

fn json_of(value: &JsValue) -> Option<String> {
    Reflect::get(value, &"json".into()).ok()?.as_string()
}

fn decode_all<R: serde::de::DeserializeOwned>(values: &[JsValue]) -> Vec<R> {
    values.iter().filter_map(json_of).filter_map(|j| Row::decode(&j)).collect()
}

/// An open cache database.
#[derive(Debug)]
pub struct Cache {
    db: Database,
}

impl Cache {
    /// Opens (creating or upgrading) the database `name` at the current schema.
    pub async fn open(name: &str) -> Result<Cache, CacheError> {
        // Usually the database is already at the current schema: one open, no upgrade.
        let current = Database::open(name).await.map_err(failed)?;
        let version = current.version() as u32;
        let fresh = !current.object_store_names().any(|n| n == META);
        if version >= SCHEMA_VERSION && !fresh {
            return Ok(Cache::watch(current));
        }
        let mut saved = Vec::new();
        if !fresh {
            let cache = Cache { db: current.clone() };
            for kind in rebuilt_kinds(version) {
                saved.push((*kind, cache.all(*kind).await?));
            }
        }
        current.close();
        let old = if fresh { 0 } else { version };
        Cache::open_from(name, old, SCHEMA_VERSION, saved).await
    }

    /// Opens `name` at an older schema `version` (tests of the upgrade path use this; `name` must not exist).
    pub async fn open_at(name: &str, version: u32) -> Result<Cache, CacheError> {
        Cache::open_from(name, 0, version, vec![]).await
    }

    async fn open_from(
        name: &str,
        old: u32,
        version: u32,
        saved: Vec<(Kind, Vec<String>)>,
    ) -> Result<Cache, CacheError> {
        let db = Database::open(name)
            .with_version(version)
            .with_on_upgrade_needed(move |event, db| {
                // A database deleted meanwhile starts from nothing.
                let old = if event.old_version() < 1.0 { 0 } else { old };
                upgrade(&db, old, event.new_version().unwrap_or(0.0) as u32, &saved)
            })
            .await
            .map_err(failed)?;
        Ok(Cache::watch(db))
    }

    /// Lets another tab delete (sign-out) or upgrade the database, by closing this connection when asked.
    fn watch(db: Database) -> Cache {
        let sys = db.as_sys().unchecked_ref::<web_sys::IdbDatabase>().clone();
        let closer = sys.clone();
        let on_change = Closure::<dyn Fn()>::new(move || closer.close());
        sys.set_onversionchange(Some(on_change.as_ref().unchecked_ref()));
        on_change.forget();
        Cache { db }
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

    async fn read_all(&self, store: &str) -> Result<Vec<JsValue>, CacheError> {
        let tx = self.db.transaction(store).build().map_err(failed)?;
        let object_store = tx.object_store(store).map_err(failed)?;
        let values = object_store.get_all::<JsValue>().primitive().map_err(failed)?.await.map_err(failed)?;
        values.collect::<Result<_, _>>().map_err(failed)
    }

    /// Every stored record of `kind`, JSON.
    pub async fn all(&self, kind: Kind) -> Result<Vec<String>, CacheError> {
        Ok(self.read_many(&[Read::All(kind)]).await?.pop().unwrap_or_default())
    }

    /// Several reads in one read-only transaction, every request issued before any is awaited (IndexedDB answers
    /// them in one pass, and one transaction costs less than one per read): each read's records (JSON), in order.
    pub async fn read_many(&self, reads: &[Read<'_>]) -> Result<Vec<Vec<String>>, CacheError> {
        let mut names: Vec<&str> = reads.iter().map(|r| r.kind().name()).collect();
        names.sort_unstable();
        names.dedup();
        if names.is_empty() {
            return Ok(vec![]);
        }
        let tx = self.db.transaction(names).build().map_err(failed)?;
        let mut asked: Vec<LocalBoxFuture<'static, Result<Vec<JsValue>, CacheError>>> = Vec::new();
        for read in reads {
            let store = tx.object_store(read.kind().name()).map_err(failed)?;
            let many = match *read {
                Read::All(_) => store.get_all::<JsValue>().primitive().map_err(failed)?,
                Read::By(_, field, value) => store
                    .index(field)
                    .map_err(failed)?
                    .get_all::<JsValue>()
                    .with_query::<String, _>(value.to_string())
                    .primitive()
                    .map_err(failed)?,
                Read::One(_, id) => {
                    let one = store.get::<JsValue, _, _>(id.to_string()).primitive().map_err(failed)?;
                    asked.push(Box::pin(async move { Ok(one.await.map_err(failed)?.into_iter().collect()) }));
                    continue;
                }
            };
            asked.push(Box::pin(async move { many.await.map_err(failed)?.collect::<Result<_, _>>().map_err(failed) }));
        }
        join_all(asked).await.into_iter().map(|found| Ok(found?.iter().filter_map(json_of).collect())).collect()
    }

    /// Records of `kind` whose indexed `field` equals `value`, JSON.
    pub async fn by(&self, kind: Kind, field: &str, value: &str) -> Result<Vec<String>, CacheError> {
        Ok(self.read_many(&[Read::By(kind, field, value)]).await?.pop().unwrap_or_default())
    }

    /// One record, JSON.
    pub async fn get(&self, kind: Kind, id: &str) -> Result<Option<String>, CacheError> {
        Ok(self.read_many(&[Read::One(kind, id)]).await?.pop().and_then(|mut found| found.pop()))
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
        Ok(decode_all(&self.read_all(USERS).await?))
    }

    /// The outbox, oldest first.
    pub async fn outbox(&self) -> Result<Vec<Entry>, CacheError> {
        let values = self.read_all(OUTBOX).await?;
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

    /// The board as far as it can be read at once, in one transaction: the pipelines, the reps and, for the shown
    /// pipeline (`wanted`, else the first), the first cards of each column with the account names of those cards. `None` when nothing was ever pulled here.
    pub async fn first_cards(&self, wanted: Option<&str>) -> Result<Option<BoardData>, CacheError> {
        let stores = [Kind::Pipelines.name(), Kind::Deals.name(), Kind::Accounts.name(), USERS, META];
        let tx = self.db.transaction(stores).build().map_err(failed)?;
        let meta = tx.object_store(META).map_err(failed)?;
        let cursor: Option<JsValue> =
            meta.get("cursor".to_string()).primitive().map_err(failed)?.await.map_err(failed)?;
        if cursor.is_none() {
            return Ok(None);
        }
        let pipeline_store = tx.object_store(Kind::Pipelines.name()).map_err(failed)?;
        let values: Vec<JsValue> = pipeline_store
            .get_all::<JsValue>()
            .primitive()
            .map_err(failed)?
            .await
            .map_err(failed)?
            .collect::<Result<_, _>>()
            .map_err(failed)?;
        let mut pipelines: Vec<Pipeline> = decode_all(&values);
        BoardData::sort_pipelines(&mut pipelines);
        let Some(pipeline) = BoardData::pick_pipeline(&pipelines, wanted).cloned() else {
            return Ok(Some(BoardData { pipelines, ..Default::default() }));
        };
        // Every request is issued before any is awaited: IndexedDB answers them in one pass.
        let deal_store = tx.object_store(Kind::Deals.name()).map_err(failed)?;
        let index = deal_store.index(STAGE_POSITION).map_err(failed)?;
        let ranges: Vec<KeyRange<JsValue>> = pipeline
            .stages
            .iter()
            .map(|stage| {
                let low = Array::of2(&stage.id.as_str().into(), &JsValue::from_f64(f64::NEG_INFINITY));
                let high = Array::of2(&stage.id.as_str().into(), &JsValue::from_f64(f64::INFINITY));
                KeyRange::Bound(JsValue::from(low), false, JsValue::from(high), false)
            })
            .collect();
        // No counts: counting a column walks all its entries, which costs more than the first paint may.
        let mut firsts = Vec::with_capacity(ranges.len());
        for range in &ranges {
            let first = index.get_all::<JsValue>().with_query::<JsValue, _>(range.clone()).with_limit(FIRST_CARDS);
            firsts.push(first.primitive().map_err(failed)?);
        }
        let users_store = tx.object_store(USERS).map_err(failed)?;
        let users_request = users_store.get_all::<JsValue>().primitive().map_err(failed)?;
        let mut deals: Vec<Deal> = Vec::new();
        for first in join_all(firsts).await {
            let first: Vec<JsValue> = first.map_err(failed)?.collect::<Result<_, _>>().map_err(failed)?;
            deals.extend(decode_all::<Deal>(&first));
        }
        let mut wanted_accounts: Vec<String> = deals.iter().filter_map(|d| d.account_id.clone()).collect();
        wanted_accounts.sort();
        wanted_accounts.dedup();
        let accounts = tx.object_store(Kind::Accounts.name()).map_err(failed)?;
        let mut account_requests = Vec::with_capacity(wanted_accounts.len());
        for id in &wanted_accounts {
            account_requests.push(accounts.get::<JsValue, _, _>(id.clone()).primitive().map_err(failed)?);
        }
        let (found_accounts, values) = futures::future::join(join_all(account_requests), users_request).await;
        let mut account_names = HashMap::new();
        for (id, found) in wanted_accounts.into_iter().zip(found_accounts) {
            let value: Option<JsValue> = found.map_err(failed)?;
            if let Some(account) = value.as_ref().and_then(json_of).and_then(|j| Row::decode::<Account>(&j)) {
                account_names.insert(id, account.name);
            }
        }
        let values: Vec<JsValue> = values.map_err(failed)?.collect::<Result<_, _>>().map_err(failed)?;
        let users: Vec<User> = decode_all(&values);
        Ok(Some(BoardData {
            pipelines,
            deals,
            account_names,
            users: users.into_iter().map(|u| (u.id.clone(), u)).collect(),
            partial: Some(Partial { pipeline_id: pipeline.meta.id.clone(), counts: HashMap::new() }),
        }))
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
        let mut options = TransactionOptions::new();
        if batch.refill {
            // A page of the pull: it may be acknowledged before it reaches the disk (lost on a crash, it is pulled
            // again from the cursor written with it).
            options.set_durability(TransactionDurability::Relaxed);
        }
        let tx = self
            .db
            .transaction(names)
            .with_mode(TransactionMode::Readwrite)
            .with_options(options)
            .build()
            .map_err(failed)?;
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
