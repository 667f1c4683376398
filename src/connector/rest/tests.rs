//! The REST connector against answers shaped like PocketBase's (`connectors/pocketbase.toml`) and json-server's
//! (`connectors/json-server.toml`); the live servers are tested by `tests/e2e/connectors.test.mjs`.

use super::context::RestSession;
use super::values;
use super::{RestConnector, ONE_PIPELINE};
use crate::connector::{
    Connector, ConnectorError, HttpRequest, HttpResponse, ListQuery, Method, Operation, Reply, Step,
};
use crate::connector::{RecordOp, RecordReply, Rounds};
use serde_json::{json, Value};
use trato_protocol::connector_file::parse;
use trato_protocol::{DealPatch, Money};

fn pocketbase() -> RestConnector {
    let file = parse(include_str!("../../../connectors/pocketbase.toml")).expect("the example file is valid");
    RestConnector::new(file, "http://127.0.0.1:8090")
}

fn answer(status: u16, body: Value) -> HttpResponse {
    HttpResponse { status, headers: vec![], body: body.to_string() }
}

fn signed_in() -> RestSession {
    RestSession { token: Some("tok".into()), user: None }
}

fn deal(id: &str, stage: &str, updated: &str) -> Value {
    json!({"id": id, "name": "Reforma <b>", "stage": stage, "account": "", "contact": "", "owner": "u1",
        "amount": 1250.5, "currency": "", "expected_close": "2026-12-01 00:00:00.000Z", "position": 2,
        "lost_reason": "", "created": "2026-11-01 09:00:00.000Z", "updated": updated})
}

/// Runs `op` against `answers`, one per round, as the client would.
fn run(
    c: &RestConnector,
    session: &mut RestSession,
    op: &Operation,
    answers: Vec<HttpResponse>,
) -> (Vec<HttpRequest>, Result<Reply, ConnectorError>) {
    let mut sent = vec![];
    let mut request = match c.request(session, op) {
        Ok(r) => r,
        Err(e) => return (sent, Err(e)),
    };
    let mut rounds = Rounds::default();
    for response in answers {
        sent.push(request.clone());
        match c.response(session, op, &mut rounds, response) {
            Ok(Step::Reply(reply)) => return (sent, Ok(reply)),
            Ok(Step::Next(next)) => request = next,
            Err(e) => return (sent, Err(e)),
        }
        rounds.round += 1;
    }
    sent.push(request);
    (sent, Err(ConnectorError::Malformed("more rounds than answers".into())))
}

#[test]
fn sign_in_keeps_the_token_and_sends_it_raw() {
    let c = pocketbase();
    let mut session = RestSession::default();
    let op = Operation::Login { email: "ana@example.com".into(), password: "s3cret\"".into() };
    let body = json!({"token": "T1", "record": {"id": "u1", "name": "Ana", "email": "ana@example.com"}});
    let (sent, reply) = run(&c, &mut session, &op, vec![answer(200, body)]);
    assert_eq!(sent[0].path, "/api/collections/users/auth-with-password");
    assert_eq!(serde_json::from_slice::<Value>(sent[0].body.as_ref().unwrap()).unwrap()["password"], "s3cret\"");
    assert!(!sent[0].path.contains("s3cret"));
    let Ok(Reply::Session(info)) = reply else { panic!("{reply:?}") };
    assert_eq!((info.user.id.as_str(), info.user.name.as_str(), info.company.as_str()), ("u1", "Ana", "PocketBase"));
    assert_eq!(session.token.as_deref(), Some("T1"));
    let list = c.request(&session, &Operation::ListUsers).unwrap();
    assert!(list.headers.contains(&("Authorization".into(), "T1".into())));
    // A wrong password is "unauthorized" whatever status PocketBase picks.
    let (_, refused) =
        run(&c, &mut RestSession::default(), &op, vec![answer(400, json!({"message": "Failed to authenticate."}))]);
    assert_eq!(refused, Err(ConnectorError::Unauthorized("Failed to authenticate.".into())));
    assert_eq!(
        c.request(&RestSession::default(), &Operation::ListPipelines),
        Err(ConnectorError::Unauthorized("signed out".into()))
    );
}

#[test]
fn lists_map_fields_and_page_on() {
    let c = pocketbase();
    let query = ListQuery { filters: vec![("stage_id".into(), "st'1".into())], limit: Some(2), ..Default::default() };
    let op = Operation::Deals(RecordOp::List(query));
    let body = json!({"page": 1, "perPage": 2, "totalItems": 3, "items": [deal("d1", "s1", "2026-11-02 10:00:00.000Z"), deal("d2", "s1", "2026-11-02 10:00:01.000Z")]});
    let (sent, reply) = run(&c, &mut signed_in(), &op, vec![answer(200, body)]);
    assert!(sent[0].path.contains("filter=stage%20%3D%20%27st%5C%271%27"), "{}", sent[0].path);
    assert!(sent[0].path.contains("page=1&perPage=2"), "{}", sent[0].path);
    let Ok(Reply::Deals(RecordReply::Page(page))) = reply else { panic!("{reply:?}") };
    assert_eq!(page.next_cursor.as_deref(), Some("p:2"));
    let first = &page.items[0];
    assert_eq!(first.amount, Money { minor: 125050, currency: "EUR".into() });
    assert_eq!(first.name, "Reforma <b>");
    assert_eq!(first.account_id, None);
    assert_eq!(first.expected_close.as_deref(), Some("2026-12-01"));
    assert_eq!(first.pipeline_id, ONE_PIPELINE);
    assert_eq!(first.meta.updated_at, "2026-11-02T10:00:00.000Z");
    // A malformed answer is a typed error, never a panic.
    let (_, broken) = run(&c, &mut signed_in(), &op, vec![answer(200, json!({"items": [{"name": "no id"}]}))]);
    assert!(matches!(broken, Err(ConnectorError::Malformed(_))), "{broken:?}");
    let (_, html) =
        run(&c, &mut signed_in(), &op, vec![HttpResponse { status: 200, headers: vec![], body: "<html>".into() }]);
    assert!(matches!(html, Err(ConnectorError::Malformed(_))), "{html:?}");
}

#[test]
fn a_change_reads_first_refuses_a_stale_version_and_sends_only_what_changed() {
    let c = pocketbase();
    let current = deal("d1", "s1", "2026-11-02 10:00:00.000Z");
    let version = values::version_of(c.file().resources.get("deals").unwrap(), &current);
    let patch = DealPatch { stage_id: Some("s2".into()), ..Default::default() };
    let update = |version| {
        Operation::Deals(RecordOp::Update {
            id: "d1".into(),
            version: Some(version),
            patch: patch.clone(),
            idempotency_key: None,
        })
    };
    let moved = deal("d1", "s2", "2026-11-02 10:05:00.000Z");
    let (sent, reply) =
        run(&c, &mut signed_in(), &update(version), vec![answer(200, current.clone()), answer(200, moved)]);
    assert_eq!((sent[0].method, sent[0].path.as_str()), (Method::Get, "/api/collections/deals/records/d1"));
    assert_eq!(sent[1].method, Method::Patch);
    assert_eq!(serde_json::from_slice::<Value>(sent[1].body.as_ref().unwrap()).unwrap(), json!({"stage": "s2"}));
    let Ok(Reply::Deals(RecordReply::One(saved))) = reply else { panic!("{reply:?}") };
    assert_eq!(saved.stage_id, "s2");
    assert!(saved.meta.version > version);
    let (sent, stale) = run(&c, &mut signed_in(), &update(version - 1), vec![answer(200, current)]);
    assert_eq!(sent.len(), 1, "nothing is written over a newer record");
    assert!(matches!(stale, Err(ConnectorError::Conflict(_))), "{stale:?}");
    // Refused values come back per Trato field.
    let invalid = json!({"status": 400, "message": "Failed to update.", "data": {"stage": {"code": "x", "message": "Missing stage."}}});
    let (_, refused) = run(
        &c,
        &mut signed_in(),
        &Operation::Deals(RecordOp::Update { id: "d1".into(), version: None, patch, idempotency_key: None }),
        vec![answer(400, invalid)],
    );
    let Err(ConnectorError::Invalid { fields, .. }) = refused else { panic!("{refused:?}") };
    assert_eq!(fields.get("stage_id").map(String::as_str), Some("Missing stage."));
}

#[test]
fn a_refused_token_is_refreshed_once() {
    let c = pocketbase();
    let mut session = signed_in();
    let op = Operation::ListUsers;
    let users = json!({"items": [{"id": "u1", "name": "Ana", "email": "ana@example.com"}], "totalItems": 1});
    let (sent, reply) = run(
        &c,
        &mut session,
        &op,
        vec![answer(401, json!({})), answer(200, json!({"token": "T2"})), answer(200, users)],
    );
    assert_eq!(sent[1].path, "/api/collections/users/auth-refresh");
    assert!(sent[2].headers.contains(&("Authorization".into(), "T2".into())));
    assert_eq!(session.token.as_deref(), Some("T2"));
    assert!(matches!(reply, Ok(Reply::Users(ref u)) if u.len() == 1), "{reply:?}");
    let (_, ended) = run(&c, &mut session, &op, vec![answer(401, json!({})), answer(401, json!({}))]);
    assert!(matches!(ended, Err(ConnectorError::Unauthorized(_))), "{ended:?}");
    assert_eq!(session.token, None);
}

/// Runs the changes feed from `since` until `more` is false, with one answer per request.
fn changes(
    c: &RestConnector,
    since: Option<String>,
    answers: &mut Vec<HttpResponse>,
) -> (Vec<HttpRequest>, Vec<Change>, String) {
    let mut since = since;
    let mut sent = vec![];
    let mut told = vec![];
    loop {
        let op = Operation::Changes { since: since.clone(), limit: None };
        let mut session = signed_in();
        let mut request = c.request(&session, &op).unwrap();
        let mut rounds = Rounds::default();
        let page = loop {
            sent.push(request.clone());
            match c.response(&mut session, &op, &mut rounds, answers.remove(0)).unwrap() {
                Step::Next(next) => request = next,
                Step::Reply(Reply::Changes(page)) => break page,
                other => panic!("{other:?}"),
            }
            rounds.round += 1;
        };
        told.extend(page.changes);
        since = Some(page.cursor.clone());
        if !page.more {
            return (sent, told, page.cursor);
        }
    }
}

use trato_protocol::Change;

#[test]
fn changes_are_read_since_the_newest_once_each_and_sweeps_find_deletions() {
    let c = pocketbase();
    let stages = json!({"items": [{"id": "s2", "name": "Propuesta", "position": 2, "probability": 50, "kind": "open"},
        {"id": "s1", "name": "Nuevo", "position": 1, "probability": 10, "kind": "open"}], "totalItems": 2});
    let empty = json!({"items": [], "totalItems": 0});
    let d1 = deal("d1", "s1", "2026-11-02 10:00:00.000Z");
    let d2 = deal("d2", "s1", "2026-11-02 10:00:01.000Z");
    let date = |body: Value| HttpResponse {
        status: 200,
        headers: vec![("date".into(), "Mon, 30 Nov 2026 10:00:00 GMT".into())],
        body: body.to_string(),
    };
    let mut answers = vec![
        date(stages.clone()),
        date(empty.clone()),
        date(empty.clone()),
        date(json!({"items": [d1.clone(), d2.clone()], "totalItems": 2})),
    ];
    let (sent, told, cursor) = changes(&c, None, &mut answers);
    assert_eq!(told[0].kind, "pipelines");
    let pipeline: Value = serde_json::from_str(told[0].record.as_ref().unwrap().get()).unwrap();
    assert_eq!(pipeline["stages"][0]["name"], "Nuevo");
    assert_eq!(told.iter().filter(|c| c.kind == "deals").count(), 2);
    assert!(!sent[3].path.contains("filter"), "the first pass reads everything: {}", sent[3].path);
    // The next pass asks from the newest change minus the overlap; the boundary record is not told again; the
    // pipelines, unchanged, are not told again.
    let d3 = deal("d3", "s2", "2026-11-02 10:00:05.000Z");
    let mut answers = vec![
        date(stages.clone()),
        date(empty.clone()),
        date(empty.clone()),
        date(json!({"items": [d2.clone(), d3], "totalItems": 2})),
    ];
    let (sent, told, cursor) = changes(&c, Some(cursor), &mut answers);
    assert!(
        sent[3].path.contains("filter=updated%20%3E%3D%20%272026-11-02%2009%3A59%3A59.000Z%27"),
        "{}",
        sent[3].path
    );
    assert!(sent[3].path.contains("sort=updated%2Cid"), "{}", sent[3].path);
    assert_eq!(told.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["d3"]);
    // An hour later by the backend's clock, a sweep: the deal no longer listed is a deletion.
    let later = |body: Value| HttpResponse {
        status: 200,
        headers: vec![("date".into(), "Mon, 30 Nov 2026 11:00:01 GMT".into())],
        body: body.to_string(),
    };
    let mut answers =
        vec![later(stages), later(empty.clone()), later(empty), later(json!({"items": [d1, d2], "totalItems": 2}))];
    let (sent, told, _) = changes(&c, Some(cursor), &mut answers);
    assert!(!sent[3].path.contains("filter"), "a sweep reads everything: {}", sent[3].path);
    let gone: Vec<_> = told.iter().filter(|c| c.deleted).map(|c| c.id.as_str()).collect();
    assert_eq!(gone, ["d3"]);
}

fn json_server() -> RestConnector {
    let file = parse(include_str!("../../../connectors/json-server.toml")).expect("the example file is valid");
    RestConnector::new(file, "http://127.0.0.1:3000")
}

#[test]
fn without_a_who_am_i_the_rep_is_the_user_with_their_address() {
    let c = json_server();
    let mut session = RestSession::default();
    let op = Operation::Login { email: "Marta@Example.com".into(), password: "-".into() };
    let stages = json!([{"id": 1, "name": "Nuevo", "order": 1, "kind": "open"}]);
    let users = json!([{"id": 1, "name": "Marta Ruiz", "email": "marta@example.com"}, {"id": 2, "name": "Otro", "email": "otro@example.com"}]);
    let (sent, reply) = run(&c, &mut session, &op, vec![answer(200, stages), answer(200, users)]);
    assert!(sent[0].path.starts_with("/stages"), "{}", sent[0].path);
    assert!(sent[1].path.starts_with("/users"), "{}", sent[1].path);
    let Ok(Reply::Session(info)) = reply else { panic!("{reply:?}") };
    assert_eq!((info.user.id.as_str(), info.user.name.as_str()), ("1", "Marta Ruiz"));
    assert!(!c.capabilities().versioned_writes, "json-server cannot refuse a stale write");
}

#[test]
fn link_header_pages_and_numeric_references_written_back_as_numbers() {
    let c = json_server();
    let op = Operation::Deals(RecordOp::List(ListQuery::default()));
    let page = json!([{"id": 1, "title": "Pedido 1", "stageId": 2, "accountId": 1, "ownerId": 1, "value": 100, "closeDate": "2026-12-15"}]);
    let link = r#"<http://127.0.0.1:3000/deals?_page=2&_limit=5>; rel="next", <http://127.0.0.1:3000/deals?_page=2&_limit=5>; rel="last""#;
    let response = HttpResponse {
        status: 200,
        headers: vec![("link".into(), link.into()), ("x-total-count".into(), "7".into())],
        body: page.to_string(),
    };
    let (sent, reply) = run(&c, &mut RestSession::default(), &op, vec![response]);
    assert!(sent[0].path.contains("_page=1") && sent[0].path.contains("_limit=5"), "{}", sent[0].path);
    let Ok(Reply::Deals(RecordReply::Page(page))) = reply else { panic!("{reply:?}") };
    assert_eq!(page.next_cursor.as_deref(), Some("u:/deals?_page=2&_limit=5"));
    assert_eq!((page.items[0].stage_id.as_str(), page.items[0].amount.minor), ("2", 10000));
    let next = ListQuery { cursor: page.next_cursor.clone(), ..Default::default() };
    let follow = c.request(&RestSession::default(), &Operation::Deals(RecordOp::List(next))).unwrap();
    assert_eq!(follow.path, "/deals?_page=2&_limit=5");
    let patch = DealPatch { stage_id: Some("3".into()), ..Default::default() };
    let update = Operation::Deals(RecordOp::Update { id: "1".into(), version: Some(1), patch, idempotency_key: None });
    let request = c.request(&RestSession::default(), &update).unwrap();
    assert_eq!((request.method, request.path.as_str()), (Method::Patch, "/deals/1"));
    assert_eq!(serde_json::from_slice::<Value>(request.body.as_ref().unwrap()).unwrap(), json!({"stageId": 3}));
}

const TOMBSTONES: &str = r#"
[connector]
name = "Tombs"
format = 1

[resources.stages]
path = "/stages"
fields = { name = "name" }

[resources.deals]
path = "/deals"
deletions = { kind = "tombstones", path = "/deleted?type=deal&after={since_unix}", records = "$.deleted", id = "$.id" }
fields = { name = "name", stage_id = "stage", updated_at = { path = "updated", transform = "unix_seconds" } }
list = { updated_since = { since = "{since_unix}" } }
"#;

#[test]
fn a_backend_that_lists_its_deletions_is_asked_for_them_after_each_changed_since_read() {
    let c = RestConnector::new(parse(TOMBSTONES).unwrap(), "http://crm");
    let stages = json!([{"id": "s1", "name": "Nuevo"}]);
    let deals = json!([{"id": "d1", "name": "Uno", "stage": "s1", "updated": 1_780_000_000}]);
    // The first pass reads everything and asks for no deletions (nothing was known before it).
    let mut answers = vec![answer(200, stages.clone()), answer(200, deals.clone())];
    let (sent, _, cursor) = changes(&c, None, &mut answers);
    assert_eq!(sent.len(), 2);
    // The next pass reads changes since then, and the deletions since the same bound.
    let mut answers =
        vec![answer(200, stages), answer(200, json!([])), answer(200, json!({"deleted": [{"id": "d9"}]}))];
    let (sent, told, _) = changes(&c, Some(cursor), &mut answers);
    assert_eq!(sent[1].path, "/deals?since=1779999998");
    assert_eq!(sent[2].path, "/deleted?type=deal&after=1779999998");
    let gone: Vec<_> = told.iter().filter(|c| c.deleted).map(|c| (c.kind.as_str(), c.id.as_str())).collect();
    assert_eq!(gone, [("deals", "d9")]);
}
