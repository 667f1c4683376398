//! The Trato connector, run natively against a real `trato-server` started in-process on an ephemeral port
//! with a fresh SQLite file and the demo dataset. No mocks.
#![cfg(not(target_arch = "wasm32"))]

use trato::client::Client;
use trato::connector::trato::TratoConnector;
use trato::connector::{ConnectorError, ListQuery};
use trato::domain::board::build_columns;
use trato::transport::NativeTransport;
use trato_protocol::*;
use trato_server::demo::{DEMO_PASSWORD, REPS};

type TratoClient = Client<TratoConnector, NativeTransport>;

async fn server() -> String {
    let running = trato_server::start(trato_server::Config::for_tests()).await.expect("server starts");
    format!("http://{}", running.addr)
}

async fn signed_in() -> TratoClient {
    let client = Client::new(TratoConnector, NativeTransport::new(&server().await));
    client.login(REPS[0].2, DEMO_PASSWORD).await.expect("demo login works");
    client
}

fn new_deal(name: &str) -> NewDeal {
    NewDeal {
        name: name.into(),
        pipeline_id: "pip_nuevo".into(),
        stage_id: None,
        account_id: Some("acc_0001".into()),
        contact_id: None,
        participant_ids: vec![],
        owner_id: None,
        amount: Money { minor: 123_456, currency: "EUR".into() },
        expected_close: Some("2027-01-31".into()),
        position: None,
    }
}

#[tokio::test]
async fn sign_in_out_and_wrong_password() {
    let client = Client::new(TratoConnector, NativeTransport::new(&server().await));
    assert!(matches!(client.session().await, Err(ConnectorError::Unauthorized(_))));
    assert!(matches!(client.pipelines().await, Err(ConnectorError::Unauthorized(_))));
    assert!(matches!(client.login(REPS[0].2, "wrong").await, Err(ConnectorError::Unauthorized(_))));
    let session = client.login(&REPS[1].2.to_uppercase(), DEMO_PASSWORD).await.unwrap();
    assert_eq!(session.user.name, REPS[1].1);
    assert_eq!(session.currency, "EUR");
    assert_eq!(client.session().await.unwrap().user.id, REPS[1].0);
    client.logout().await.unwrap();
    assert!(matches!(client.session().await, Err(ConnectorError::Unauthorized(_))));
}

#[tokio::test]
async fn demo_board_data() {
    let client = signed_in().await;
    let pipelines = client.pipelines().await.unwrap();
    assert_eq!(pipelines.len(), 2);
    assert!(pipelines.iter().all(|p| p.stages.len() >= 5));
    let deals = client.all_deals(ListQuery { limit: Some(70), ..Default::default() }).await.unwrap();
    assert_eq!(deals.len(), 300, "cursor pages cover every deal exactly once");
    let mut ids: Vec<_> = deals.iter().map(|d| d.meta.id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 300);
    let accounts = client.all_accounts(ListQuery::default()).await.unwrap();
    assert_eq!(accounts.len(), 200);
    assert_eq!(client.all_contacts(ListQuery::default()).await.unwrap().len(), 400);
    assert_eq!(client.users().await.unwrap().len(), 3);
    let columns = build_columns(&pipelines[0], &deals);
    let on_board: usize = columns.iter().map(|c| c.summary.count).sum();
    assert_eq!(on_board, deals.iter().filter(|d| d.pipeline_id == pipelines[0].meta.id).count());
    // Filtering on the server agrees with grouping on the client.
    let first = &columns[0];
    let filtered = client.all_deals(ListQuery::filter("stage_id", &first.stage.id)).await.unwrap();
    assert_eq!(filtered.len(), first.summary.count);
    let sum: i64 = filtered.iter().map(|d| d.amount.minor).sum();
    assert_eq!(sum, first.summary.total.get("EUR"));
}

#[tokio::test]
async fn sort_search_and_bad_queries() {
    let client = signed_in().await;
    let query = ListQuery { sort: Some("-amount".into()), limit: Some(25), ..Default::default() };
    let page = client.deals(query).await.unwrap();
    assert!(page.items.windows(2).all(|w| w[0].amount.minor >= w[1].amount.minor));
    let all = client
        .all_deals(ListQuery { sort: Some("-amount".into()), limit: Some(33), ..Default::default() })
        .await
        .unwrap();
    assert!(all.windows(2).all(|w| w[0].amount.minor >= w[1].amount.minor));
    let cafe = client.all_deals(ListQuery { search: Some("café".into()), ..Default::default() }).await.unwrap();
    assert!(!cafe.is_empty() && cafe.iter().all(|d| d.name.to_lowercase().contains("café")));
    let bad = client.deals(ListQuery { sort: Some("password".into()), ..Default::default() }).await;
    assert!(matches!(bad, Err(ConnectorError::Invalid { .. })));
    let bad = client.deals(ListQuery::filter("secret", "1")).await;
    assert!(matches!(bad, Err(ConnectorError::Invalid { .. })));
    let bad = client.deals(ListQuery { cursor: Some("not-a-cursor".into()), ..Default::default() }).await;
    assert!(matches!(bad, Err(ConnectorError::Invalid { .. })));
}

#[tokio::test]
async fn create_is_idempotent_update_is_versioned_delete_leaves_nothing() {
    let client = signed_in().await;
    let created = client.create_deal(new_deal("Pedido de prueba"), "key-1").await.unwrap();
    let replay = client.create_deal(new_deal("Pedido de prueba"), "key-1").await.unwrap();
    assert_eq!(created, replay, "a retried create returns the first result");
    assert_eq!(created.stage_id, "stg_prospeccion");
    assert_eq!(created.owner_id.as_deref(), Some(REPS[0].0));
    assert_eq!(created.meta.version, 1);

    let patch = DealPatch {
        stage_id: Some("stg_perdido".into()),
        lost_reason: Some(Some("Precio".into())),
        ..Default::default()
    };
    let moved = client.update_deal(&created.meta.id, Some(1), patch).await.unwrap();
    assert_eq!(moved.meta.version, 2);
    assert!(moved.closed_on.is_some(), "entering a lost stage sets the close date");

    let stale =
        client.update_deal(&created.meta.id, Some(1), DealPatch { name: Some("x".into()), ..Default::default() }).await;
    assert!(matches!(stale, Err(ConnectorError::Conflict(_))), "{stale:?}");

    let clear = DealPatch { expected_close: Some(None), ..Default::default() };
    assert_eq!(client.update_deal(&created.meta.id, None, clear).await.unwrap().expected_close, None);

    client.delete_deal(&created.meta.id, None).await.unwrap();
    assert!(matches!(client.deal(&created.meta.id).await, Err(ConnectorError::NotFound(_))));
    assert!(matches!(client.delete_deal(&created.meta.id, None).await, Err(ConnectorError::NotFound(_))));
}

#[tokio::test]
async fn invalid_values_get_field_messages() {
    let client = signed_in().await;
    let mut deal = new_deal("");
    deal.pipeline_id = "pip_nuevo".into();
    deal.stage_id = Some("stg_renovado".into());
    deal.account_id = Some("acc_missing".into());
    deal.expected_close = Some("2027-02-30".into());
    deal.amount.currency = "euros".into();
    match client.create_deal(deal, "key-2").await {
        Err(ConnectorError::Invalid { fields, .. }) => {
            for field in ["name", "stage_id", "account_id", "expected_close", "amount.currency"] {
                assert!(fields.contains_key(field), "{field} missing from {fields:?}");
            }
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    let too_long = client.create_deal(new_deal(&"x".repeat(201)), "key-3").await;
    assert!(matches!(too_long, Err(ConnectorError::Invalid { .. })));
}

#[tokio::test]
async fn hostile_text_round_trips_unchanged() {
    let client = signed_in().await;
    let name = "<script>alert('x')</script> & \"comillas\" 🚀 ñandú ﷽";
    let created = client.create_account(NewAccount { name: name.into(), ..Default::default() }, "k").await.unwrap();
    assert_eq!(client.account(&created.meta.id).await.unwrap().name, name);
    let found = client.all_accounts(ListQuery { search: Some("<script>".into()), ..Default::default() }).await.unwrap();
    assert_eq!(found.len(), 1);
    let activity = NewActivity {
        kind: ActivityKind::Task,
        subject: "Llamar".into(),
        body: Some("ñ".repeat(20_000)),
        deal_id: Some("deal_00001".into()),
        account_id: None,
        contact_id: None,
        owner_id: None,
        due_on: Some("2027-01-01".into()),
        done: false,
    };
    let created = client.create_activity(activity, "k2").await.unwrap();
    let done = client
        .update_activity(&created.meta.id, Some(1), ActivityPatch { done: Some(true), ..Default::default() })
        .await;
    assert!(done.unwrap().done);
}

#[tokio::test]
async fn a_server_that_is_down_is_a_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::new(TratoConnector, NativeTransport::new(&format!("http://{addr}")));
    let error = client.login("a@b.es", "x").await.unwrap_err();
    assert!(matches!(error, ConnectorError::Network(_)) && error.is_retryable());
}

#[tokio::test]
async fn stage_moves_are_recorded_and_next_activity_is_computed() {
    let client = signed_in().await;
    let deal = client.create_deal(new_deal("Historial"), "hist-1").await.unwrap();
    assert_eq!(deal.next_activity, None);
    let task = NewActivity {
        kind: ActivityKind::Task,
        subject: "Enviar oferta".into(),
        body: None,
        deal_id: Some(deal.meta.id.clone()),
        account_id: None,
        contact_id: None,
        owner_id: None,
        due_on: Some("2027-01-10".into()),
        done: false,
    };
    let task = client.create_activity(task, "hist-2").await.unwrap();
    let moved = client
        .update_deal(
            &deal.meta.id,
            Some(1),
            DealPatch { stage_id: Some("stg_propuesta".into()), probability: Some(Some(65)), ..Default::default() },
        )
        .await
        .unwrap();
    assert_eq!(moved.probability, Some(65));
    assert_eq!(moved.next_activity.as_ref().map(|n| n.id.as_str()), Some(task.meta.id.as_str()));
    let timeline = client.all_activities(ListQuery::filter("deal_id", &deal.meta.id)).await.unwrap();
    let change = timeline.iter().find(|a| a.kind == ActivityKind::StageChange).expect("stage change recorded");
    assert_eq!(change.from_stage_id.as_deref(), Some("stg_prospeccion"));
    assert_eq!(change.to_stage_id.as_deref(), Some("stg_propuesta"));
    assert_eq!(change.owner_id.as_deref(), Some(REPS[0].0));
    // Ticking the task done clears the card's next activity.
    client
        .update_activity(&task.meta.id, Some(1), ActivityPatch { done: Some(true), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(client.deal(&deal.meta.id).await.unwrap().next_activity, None);
    // Clients cannot forge stage changes; probabilities stay within 0..=100.
    let forged = NewActivity { kind: ActivityKind::StageChange, subject: "x".into(), ..task_template() };
    assert!(matches!(client.create_activity(forged, "hist-3").await, Err(ConnectorError::Invalid { .. })));
    let bad = DealPatch { probability: Some(Some(101)), ..Default::default() };
    assert!(matches!(client.update_deal(&deal.meta.id, None, bad).await, Err(ConnectorError::Invalid { .. })));
    // Undoing the move puts back the time the deal had entered its stage and its last activity (its days in the
    // stage and its stalled badge), never a time in the future, and only with a stage change.
    let undo = DealPatch {
        stage_id: Some(deal.stage_id.clone()),
        stage_entered_at: Some(deal.stage_entered_at.clone()),
        last_activity_at: Some(deal.last_activity_at.clone()),
        ..Default::default()
    };
    let undone = client.update_deal(&deal.meta.id, None, undo).await.unwrap();
    assert_eq!(undone.stage_id, deal.stage_id);
    assert_eq!(undone.stage_entered_at, deal.stage_entered_at);
    assert_eq!(undone.last_activity_at, deal.last_activity_at);
    let future = DealPatch {
        stage_id: Some("stg_propuesta".into()),
        stage_entered_at: Some("2999-01-01T00:00:00.000Z".into()),
        ..Default::default()
    };
    assert!(matches!(client.update_deal(&deal.meta.id, None, future).await, Err(ConnectorError::Invalid { .. })));
    let alone = DealPatch { stage_entered_at: Some(deal.stage_entered_at.clone()), ..Default::default() };
    assert!(matches!(client.update_deal(&deal.meta.id, None, alone).await, Err(ConnectorError::Invalid { .. })));
}

fn task_template() -> NewActivity {
    NewActivity {
        kind: ActivityKind::Task,
        subject: String::new(),
        body: None,
        deal_id: None,
        account_id: None,
        contact_id: None,
        owner_id: None,
        due_on: None,
        done: false,
    }
}

#[tokio::test]
async fn a_deleted_deal_can_be_restored() {
    let client = signed_in().await;
    let deal = client.create_deal(new_deal("Borrar y volver"), "del-1").await.unwrap();
    client.delete_deal(&deal.meta.id, Some(1)).await.unwrap();
    let back = client.restore_deal(&deal.meta.id).await.unwrap();
    assert_eq!(back.name, deal.name);
    assert_eq!(back.meta.version, 3);
    assert!(matches!(client.restore_deal(&deal.meta.id).await, Err(ConnectorError::NotFound(_))));
}

#[tokio::test]
async fn saved_views_are_private_to_their_rep() {
    let base = server().await;
    let lucia = Client::new(TratoConnector, NativeTransport::new(&base));
    lucia.login(REPS[0].2, DEMO_PASSWORD).await.unwrap();
    let javier = Client::new(TratoConnector, NativeTransport::new(&base));
    javier.login(REPS[1].2, DEMO_PASSWORD).await.unwrap();
    let filters = ViewFilters { owner_id: Some("me".into()), rotting_only: true, ..Default::default() };
    let view = lucia
        .create_view(
            NewView { name: "Mis estancados".into(), pipeline_id: "pip_nuevo".into(), filters: filters.clone() },
            "v1",
        )
        .await
        .unwrap();
    assert_eq!(view.user_id, REPS[0].0);
    assert_eq!(lucia.all_views(ListQuery::default()).await.unwrap(), vec![view.clone()]);
    assert!(javier.all_views(ListQuery::default()).await.unwrap().is_empty());
    assert!(javier.all_views(ListQuery::filter("user_id", REPS[0].0)).await.unwrap().is_empty());
    assert!(matches!(javier.view(&view.meta.id).await, Err(ConnectorError::NotFound(_))));
    assert!(matches!(javier.delete_view(&view.meta.id, None).await, Err(ConnectorError::NotFound(_))));
    assert!(matches!(
        javier.update_view(&view.meta.id, None, ViewPatch { name: Some("mío".into()), ..Default::default() }).await,
        Err(ConnectorError::NotFound(_))
    ));
    lucia.delete_view(&view.meta.id, None).await.unwrap();
    assert!(lucia.all_views(ListQuery::default()).await.unwrap().is_empty());
}

#[tokio::test]
async fn deals_have_participants_that_must_exist() {
    let client = signed_in().await;
    let mut new = new_deal("Con participantes");
    new.participant_ids = vec!["con_0002".into(), "con_0003".into()];
    let deal = client.create_deal(new, "part-1").await.unwrap();
    assert_eq!(deal.participant_ids, ["con_0002", "con_0003"]);
    let patch = DealPatch { participant_ids: Some(vec!["con_missing".into()]), ..Default::default() };
    assert!(matches!(client.update_deal(&deal.meta.id, None, patch).await, Err(ConnectorError::Invalid { .. })));
    let twice = DealPatch { participant_ids: Some(vec!["con_0002".into(), "con_0002".into()]), ..Default::default() };
    assert!(matches!(client.update_deal(&deal.meta.id, None, twice).await, Err(ConnectorError::Invalid { .. })));
    let cleared = client
        .update_deal(&deal.meta.id, None, DealPatch { participant_ids: Some(vec![]), ..Default::default() })
        .await;
    assert!(cleared.unwrap().participant_ids.is_empty());
}

/// Follows the changes feed from `since` to its end, returning every change and the final cursor.
async fn drain(client: &TratoClient, mut since: Option<String>, limit: u32) -> (Vec<Change>, String) {
    let mut all = Vec::new();
    loop {
        let page = client.changes(since.as_deref(), Some(limit)).await.unwrap();
        assert!(page.changes.len() <= limit as usize);
        all.extend(page.changes);
        since = Some(page.cursor.clone());
        if !page.more {
            return (all, page.cursor);
        }
    }
}

#[tokio::test]
async fn the_changes_feed_pages_everything_then_only_what_changed() {
    let client = signed_in().await;
    let (first, cursor) = drain(&client, None, 400).await;
    let count = |kind: &str| first.iter().filter(|c| c.kind == kind).count();
    assert_eq!((count("pipelines"), count("accounts"), count("contacts"), count("deals")), (2, 200, 400, 300));
    assert!(count("activities") > 0);
    let mut keys: Vec<_> = first.iter().map(|c| (c.kind.clone(), c.id.clone())).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), first.len(), "the first sync lists every record once");

    // Nothing new: an empty page with the same cursor.
    let idle = client.changes(Some(&cursor), None).await.unwrap();
    assert!(idle.changes.is_empty() && !idle.more && idle.cursor == cursor);

    // An update and a delete come back as exactly those records, the delete as a tombstone.
    let patch = DealPatch { name: Some("Cambiado".into()), ..Default::default() };
    client.update_deal("deal_00001", None, patch).await.unwrap();
    client.delete_deal("deal_00002", None).await.unwrap();
    let (delta, _) = drain(&client, Some(cursor.clone()), 1).await;
    assert_eq!(delta.len(), 2, "{delta:?}");
    assert_eq!(delta[0].id, "deal_00001");
    assert_eq!(delta[0].value().unwrap()["name"], "Cambiado");
    assert_eq!(delta[1].id, "deal_00002");
    assert!(delta[1].deleted && delta[1].record.is_none());

    assert!(matches!(client.changes(Some("-5"), None).await, Err(ConnectorError::Invalid { .. })));
    assert!(matches!(client.changes(Some("abc"), None).await, Err(ConnectorError::Invalid { .. })));
}

#[tokio::test]
async fn the_changes_feed_keeps_saved_views_private() {
    let base = server().await;
    let lucia = Client::new(TratoConnector, NativeTransport::new(&base));
    lucia.login(REPS[0].2, DEMO_PASSWORD).await.unwrap();
    let javier = Client::new(TratoConnector, NativeTransport::new(&base));
    javier.login(REPS[1].2, DEMO_PASSWORD).await.unwrap();
    let (_, cursor) = drain(&javier, None, 1000).await;
    let view = NewView { name: "Privada".into(), pipeline_id: "pip_nuevo".into(), filters: ViewFilters::default() };
    lucia.create_view(view, "feed-view").await.unwrap();
    let (seen_by_javier, _) = drain(&javier, Some(cursor.clone()), 1000).await;
    assert!(seen_by_javier.iter().all(|c| c.kind != "views"));
    let (seen_by_lucia, _) = drain(&lucia, Some(cursor), 1000).await;
    assert_eq!(seen_by_lucia.iter().filter(|c| c.kind == "views").count(), 1);
}

#[tokio::test]
async fn keyed_updates_deletes_and_restores_are_applied_once_when_retried() {
    use trato::connector::{Operation, RecordOp, Reply};
    let client = signed_in().await;
    let deal = client.create_deal(new_deal("Reintento"), "retry-create").await.unwrap();
    let update = |key: &str| {
        Operation::Deals(RecordOp::Update {
            id: deal.meta.id.clone(),
            version: Some(1),
            patch: DealPatch { name: Some("Reintentado".into()), ..Default::default() },
            idempotency_key: Some(key.into()),
        })
    };
    // The answer to the first attempt was "lost": the retry carries the same key and gets the same answer, where a
    // fresh request on version 1 would now be refused as stale.
    let first = client.run(update("retry-patch")).await.unwrap();
    let again = client.run(update("retry-patch")).await.unwrap();
    assert_eq!(first, again);
    assert!(matches!(client.run(update("another-key")).await, Err(ConnectorError::Conflict(_))));
    assert_eq!(client.deal(&deal.meta.id).await.unwrap().meta.version, 2);

    let delete = Operation::Deals(RecordOp::Delete {
        id: deal.meta.id.clone(),
        version: Some(2),
        idempotency_key: Some("retry-delete".into()),
    });
    assert!(matches!(client.run(delete.clone()).await.unwrap(), Reply::Deals(_)));
    assert!(client.run(delete).await.is_ok(), "a replayed delete is a success, not a 404");
    let restore = Operation::RestoreDeal { id: deal.meta.id.clone(), idempotency_key: Some("retry-restore".into()) };
    let restored = client.run(restore.clone()).await.unwrap();
    assert_eq!(client.run(restore).await.unwrap(), restored);
    assert_eq!(client.deal(&deal.meta.id).await.unwrap().meta.version, 4, "deleted once, restored once");
}

#[tokio::test]
async fn the_changes_feed_carries_computed_fields_and_its_progress() {
    let client = signed_in().await;
    let first = client.changes(None, Some(100)).await.unwrap();
    assert!(first.more && first.remaining > 0, "the first page says how much is left");
    let (_, cursor) = drain(&client, None, 1000).await;
    // Planning a task on a deal changes the deal's next activity: the deal comes again, with it.
    let mut task = task_template();
    task.deal_id = Some("deal_00003".into());
    task.subject = "Llamar mañana".into();
    task.due_on = Some("2020-01-01".into());
    client.create_activity(task, "feed-task").await.unwrap();
    let (delta, _) = drain(&client, Some(cursor), 1000).await;
    let deal = delta.iter().find(|c| c.kind == "deals" && c.id == "deal_00003").expect("the deal is sent again");
    assert_eq!(deal.value().unwrap()["next_activity"]["subject"], "Llamar mañana");
}
