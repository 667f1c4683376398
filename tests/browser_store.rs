//! Browser tests of the desk store over a real IndexedDB (wasm-bindgen-test in headless Chromium): the schema
//! upgrade keeps data, the outbox goes out in order with one idempotency key per change (also on a retry after a
//! lost answer), and a stale write becomes a conflict the rep can answer. The network side is a scripted transport
//! (the real backend is exercised by the native connector tests and the end-to-end offline tests).
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use trato::client::Client;
use trato::connector::trato::TratoConnector;
use trato::connector::{ConnectorError, HttpRequest, HttpResponse, Method};
use trato::store::batch::Batch;
use trato::store::board_data::FIRST_CARDS;
use trato::store::cache::Cache;
use trato::store::outbox::{Change, Entry, EntryState};
use trato::store::record::{Kind, Row};
use trato::store::DeskStore;
use trato::transport::Transport;
use trato_protocol::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Answers requests from a script and records them.
#[derive(Clone, Default)]
struct Scripted {
    answers: Rc<RefCell<VecDeque<Result<HttpResponse, ConnectorError>>>>,
    sent: Rc<RefCell<Vec<HttpRequest>>>,
}

impl Scripted {
    fn answer(&self, status: u16, body: serde_json::Value) {
        let response = HttpResponse { status, headers: vec![], body: body.to_string() };
        self.answers.borrow_mut().push_back(Ok(response));
    }
    fn fail(&self) {
        self.answers.borrow_mut().push_back(Err(ConnectorError::Network("answer lost".into())));
    }
    fn header(request: &HttpRequest, name: &str) -> Option<String> {
        request.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone())
    }
}

impl Transport for Scripted {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, ConnectorError> {
        self.sent.borrow_mut().push(request);
        self.answers.borrow_mut().pop_front().unwrap_or_else(|| Err(ConnectorError::Network("no answer".into())))
    }
}

fn deal(id: &str, version: u64, name: &str) -> Deal {
    serde_json::from_value(deal_json(id, version, name)).unwrap()
}

fn deal_json(id: &str, version: u64, name: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id, "version": version, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
        "name": name, "pipeline_id": "p1", "stage_id": "s1", "account_id": null, "contact_id": null,
        "owner_id": "u1", "amount": {"minor": 100, "currency": "EUR"}, "expected_close": null,
        "stage_entered_at": "2026-01-01T00:00:00Z", "last_activity_at": "2026-01-01T00:00:00Z", "position": 1.0,
        "lost_reason": null, "closed_on": null
    })
}

fn session(user: &str) -> SessionInfo {
    SessionInfo {
        user: User { id: user.into(), name: "Prueba".into(), email: "p@example.com".into(), role: "rep".into() },
        company: "Prueba S.L.".into(),
        currency: "EUR".into(),
    }
}

async fn fresh_store(user: &str) -> (DeskStore<TratoConnector, Scripted>, Scripted) {
    let transport = Scripted::default();
    let store = DeskStore::new(Client::new(TratoConnector, transport.clone()), "test");
    let _ = Cache::delete(&store.database_name(user)).await;
    store.open(&session(user)).await.unwrap();
    (store, transport)
}

#[wasm_bindgen_test]
async fn a_schema_upgrade_keeps_cached_records_and_queued_changes() {
    let name = "trato-test-upgrade";
    let _ = Cache::delete(name).await;
    let old = Cache::open_at(name, 1).await.unwrap();
    let entry = Entry::new("k1".into(), Change::DeleteDeal { id: "d1".into(), version: 1 }, None);
    let mut old_deal = deal("d1", 1, "Antiguo");
    old_deal.contact_id = Some("c1".into());
    let activity = serde_json::json!({"id": "act1", "kind": "call", "subject": "Llamada", "account_id": "a1",
        "done": true, "version": 1, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"});
    let batch = Batch {
        put: vec![
            (Kind::Deals, Row::from_record(Kind::Deals, &old_deal).unwrap()),
            (Kind::Activities, Row::from_value(Kind::Activities, &activity).unwrap()),
        ],
        enqueue: vec![entry],
        ..Default::default()
    };
    old.write(&batch).await.unwrap();
    old.close();

    let upgraded = Cache::open(name).await.unwrap();
    assert_eq!(upgraded.version(), 4);
    let deals: Vec<Deal> = upgraded.all(Kind::Deals).await.unwrap().iter().filter_map(|j| Row::decode(j)).collect();
    assert_eq!(deals.len(), 1);
    assert_eq!(deals[0].name, "Antiguo");
    let mut by_account = deal_json("d2", 1, "Con cuenta");
    by_account["account_id"] = serde_json::json!("a1");
    let batch =
        Batch { put: vec![(Kind::Deals, Row::from_value(Kind::Deals, &by_account).unwrap())], ..Default::default() };
    upgraded.write(&batch).await.unwrap();
    assert_eq!(upgraded.by(Kind::Deals, "account_id", "a1").await.unwrap().len(), 1, "the rebuilt store is indexed");
    assert_eq!(upgraded.by(Kind::Deals, "contact_id", "c1").await.unwrap().len(), 1, "deals are found by contact");
    let activity: Vec<String> = upgraded.by(Kind::Activities, "account_id", "a1").await.unwrap();
    assert_eq!(activity.len(), 1, "an activity written before the upgrade is found by its account");
    assert_eq!(upgraded.outbox().await.unwrap()[0].key, "k1");
    assert!(upgraded.users().await.unwrap().is_empty(), "the new store exists");
    upgraded.close();
}

#[wasm_bindgen_test]
async fn the_outbox_goes_out_in_order_with_one_key_per_change_even_after_a_lost_answer() {
    let (store, net) = fresh_store("u-order").await;
    let (d1, d2) = (deal("d1", 1, "Uno"), deal("d2", 1, "Dos"));
    let moved = |d: &Deal, name: &str| Deal { name: name.into(), ..d.clone() };
    let patch = |name: &str| DealPatch { name: Some(name.into()), ..Default::default() };
    store.update_deal(&d1, &moved(&d1, "Uno b"), patch("Uno b"), "k-1".into()).await.unwrap();
    store.update_deal(&d2, &moved(&d2, "Dos b"), patch("Dos b"), "k-2".into()).await.unwrap();
    store.update_deal(&d1, &moved(&d1, "Uno c"), patch("Uno c"), "k-3".into()).await.unwrap();
    assert_eq!(store.outbox().await.unwrap().len(), 3);
    // The local records show the changes before anything was sent.
    assert_eq!(store.deal("d1").await.unwrap().unwrap().name, "Uno c");

    net.fail(); // the first answer is lost
    net.answer(200, deal_json("d1", 2, "Uno b"));
    net.answer(200, deal_json("d2", 2, "Dos b"));
    net.answer(200, deal_json("d1", 3, "Uno c"));
    for _ in 0..4 {
        store.send_next().await;
    }
    let sent = net.sent.borrow().clone();
    let summary: Vec<(String, Option<String>, Option<String>)> = sent
        .iter()
        .map(|r| (r.path.clone(), Scripted::header(r, IDEMPOTENCY_HEADER), Scripted::header(r, "if-match")))
        .collect();
    let row =
        |path: &str, key: &str, version: &str| (path.to_string(), Some(key.to_string()), Some(version.to_string()));
    assert_eq!(
        summary,
        vec![
            row("/api/v1/deals/d1", "k-1", "\"1\""),
            row("/api/v1/deals/d1", "k-1", "\"1\""),
            row("/api/v1/deals/d2", "k-2", "\"1\""),
            row("/api/v1/deals/d1", "k-3", "\"2\""),
        ],
        "in order; the retry keeps its key; the later change of d1 is made on the version the backend returned"
    );
    assert!(sent.iter().all(|r| r.method == Method::Patch));
    assert!(store.outbox().await.unwrap().is_empty());
    assert_eq!(store.deal("d1").await.unwrap().unwrap().meta.version, 3);
}

#[wasm_bindgen_test]
async fn a_stale_write_is_a_conflict_that_keeps_both_values_until_the_rep_chooses() {
    let (store, net) = fresh_store("u-conflict").await;
    let d1 = deal("d1", 1, "Original");
    let patch = DealPatch { name: Some("Mío".into()), ..Default::default() };
    store.update_deal(&d1, &Deal { name: "Mío".into(), ..d1.clone() }, patch, "k-c".into()).await.unwrap();
    net.answer(412, serde_json::json!({"code": "precondition_failed", "message": "changed"}));
    net.answer(200, deal_json("d1", 2, "Suyo"));
    store.send_next().await;
    let entry = store.outbox().await.unwrap().remove(0);
    match &entry.state {
        EntryState::Conflict { theirs: Some(theirs), .. } => assert_eq!(theirs["name"], "Suyo"),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(store.deal("d1").await.unwrap().unwrap().name, "Mío", "nothing is overwritten silently");
    assert!(store.send_next().await.is_some(), "a held change is not sent again by itself");
    assert_eq!(net.sent.borrow().len(), 2);

    store.keep_mine(entry.seq).await.unwrap();
    net.answer(200, deal_json("d1", 3, "Mío"));
    store.send_next().await;
    let last = net.sent.borrow().last().cloned().unwrap();
    assert_eq!(Scripted::header(&last, "if-match").as_deref(), Some("\"2\""), "sent again on the server's version");
    assert!(store.outbox().await.unwrap().is_empty());
    assert_eq!(store.deal("d1").await.unwrap().unwrap().name, "Mío");
}

#[wasm_bindgen_test]
async fn the_first_cards_of_each_column_come_from_the_stage_index_in_position_order() {
    let name = "trato-test-first-cards";
    let _ = Cache::delete(name).await;
    let cache = Cache::open(name).await.unwrap();
    assert_eq!(cache.first_cards(None).await.unwrap(), None, "nothing pulled yet: nothing to show");
    let pipeline = serde_json::json!({
        "id": "p1", "version": 1, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
        "name": "Nuevo", "stages": [
            {"id": "s1", "name": "Uno", "probability": 10, "kind": "open"},
            {"id": "s2", "name": "Dos", "probability": 50, "kind": "open"}
        ]
    });
    let mut batch = Batch { meta: vec![("cursor".into(), "7".into())], ..Default::default() };
    batch.put.push((Kind::Pipelines, Row::from_value(Kind::Pipelines, &pipeline).unwrap()));
    for n in 0..60 {
        let mut deal = deal_json(&format!("d{n:02}"), 1, &format!("Trato {n}"));
        // Positions out of order: the index sorts them.
        deal["position"] = serde_json::json!(((n * 37) % 60) as f64);
        if n % 3 == 0 {
            deal["stage_id"] = serde_json::json!("s2");
        }
        batch.put.push((Kind::Deals, Row::from_value(Kind::Deals, &deal).unwrap()));
    }
    cache.write(&batch).await.unwrap();
    let board = cache.first_cards(Some("p1")).await.unwrap().expect("a board");
    assert!(board.partial.is_some(), "only the first cards");
    let first: Vec<&Deal> = board.deals.iter().filter(|d| d.stage_id == "s1").collect();
    assert_eq!(first.len(), FIRST_CARDS as usize, "at most the first cards of a column");
    assert!(first.windows(2).all(|w| w[0].position <= w[1].position), "in position order");
    assert_eq!(board.deals.iter().filter(|d| d.stage_id == "s2").count(), 20, "a column with fewer has them all");
    cache.close();
}

#[wasm_bindgen_test]
async fn a_cache_that_cannot_be_written_is_reported_and_what_was_queued_stays_queued() {
    let (store, net) = fresh_store("u-failing").await;
    let d1 = deal("d1", 1, "Uno");
    let patch = DealPatch { name: Some("Uno b".into()), ..Default::default() };
    store.update_deal(&d1, &Deal { name: "Uno b".into(), ..d1.clone() }, patch.clone(), "k-f1".into()).await.unwrap();
    assert_eq!(store.status().problem, None);

    store.close_cache();
    let refused = store.update_deal(&d1, &Deal { name: "Uno c".into(), ..d1.clone() }, patch, "k-f2".into()).await;
    assert!(refused.is_err(), "the screen hears that the change was not stored");
    assert!(store.status().problem.is_some(), "the status says the device could not store it");
    assert!(store.send_next().await.is_some(), "nothing is sent while the queue cannot be read");
    assert!(net.sent.borrow().is_empty());

    store.open(&session("u-failing")).await.unwrap();
    let queued = store.outbox().await.unwrap();
    assert_eq!(queued.len(), 1, "the change queued before the failure is still there");
    assert_eq!(queued[0].key, "k-f1");
    net.answer(200, deal_json("d1", 2, "Uno b"));
    assert_eq!(store.send_next().await, None);
    assert!(store.outbox().await.unwrap().is_empty());
    assert_eq!(store.status().problem, None, "a write that succeeds clears the report");
}
