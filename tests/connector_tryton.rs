//! The Tryton connector against a real Tryton 8.2 server: each test copies the seeded template database (made
//! by `cargo xtask test`, see `xtask/src/tryton.rs`) and starts its own `trytond` on a free loopback port.
//! No mocks. Under a plain `cargo test` they are ignored (Tryton is not set up); `cargo xtask test` sets it up
//! and runs them.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use trato::client::Client;
use trato::connector::tryton::TrytonConnector;
use trato::connector::{ConnectorError, ListQuery};
use trato::transport::NativeTransport;
use trato_protocol::*;

type TrytonClient = Client<TrytonConnector, NativeTransport>;

/// The rep the seed script creates.
const REP: (&str, &str) = ("lucia", "trato-demo");

/// A running `trytond` over a fresh copy of the template; stopped when dropped.
struct Tryton {
    child: Child,
    port: u16,
    _dir: PathBuf,
}

impl Drop for Tryton {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self._dir);
    }
}

fn env_path(name: &str) -> PathBuf {
    std::env::var_os(name).map(PathBuf::from).unwrap_or_else(|| {
        panic!("{name} is not set: run `cargo xtask test`, which installs Tryton and seeds its template database")
    })
}

fn start() -> Tryton {
    let trytond = env_path("TRATO_TRYTON_BIN");
    let template = env_path("TRATO_TRYTON_TEMPLATE");
    let dir = std::env::temp_dir().join(format!("trato-tryton-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(&template, dir.join("trato.sqlite")).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = dir.join("trytond.conf");
    let text = format!("[database]\nuri = sqlite://\npath = {}\n\n[web]\nlisten = 127.0.0.1:{port}\n", dir.display());
    std::fs::write(&config, text).unwrap();
    let child = Command::new(trytond)
        .args(["-c", &config.to_string_lossy(), "-d", "trato"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("trytond starts");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(60), "trytond did not listen within 60 s");
        std::thread::sleep(Duration::from_millis(200));
    }
    Tryton { child, port, _dir: dir }
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 % 1_000_000_007
}

fn client(tryton: &Tryton) -> TrytonClient {
    Client::new(TrytonConnector::new("trato"), NativeTransport::new(&format!("http://127.0.0.1:{}", tryton.port)))
}

async fn signed_in(tryton: &Tryton) -> TrytonClient {
    let client = client(tryton);
    client.login(REP.0, REP.1).await.expect("the seeded rep signs in");
    client
}

async fn deal_named(client: &TrytonClient, name: &str) -> Deal {
    let deals = client.all_deals(ListQuery::default()).await.unwrap();
    deals.into_iter().find(|d| d.name == name).unwrap_or_else(|| panic!("no deal {name}"))
}

fn new_deal(name: &str, stage: Option<&str>) -> NewDeal {
    NewDeal {
        name: name.into(),
        pipeline_id: "tryton".into(),
        stage_id: stage.map(String::from),
        account_id: Some("party-4".into()),
        contact_id: None,
        participant_ids: vec![],
        owner_id: None,
        amount: Money { minor: 1_234_550, currency: "EUR".into() },
        expected_close: Some("2027-02-15".into()),
        position: None,
    }
}

#[tokio::test]
#[ignore = "needs a real Tryton: `cargo xtask test` installs one and runs these with --ignored"]
async fn sign_in_with_a_session_header_and_a_bad_password() {
    let tryton = start();
    let client = client(&tryton);
    assert!(matches!(client.session().await, Err(ConnectorError::Unauthorized(_))));
    assert!(matches!(client.login(REP.0, "wrong").await, Err(ConnectorError::Unauthorized(_))));
    let session = client.login(REP.0, REP.1).await.unwrap();
    assert_eq!(session.user.name, "Lucía Martín");
    assert_eq!(session.company, "Alameda Distribuciones S.L.");
    assert_eq!(session.currency, "EUR");
    assert!(session.user.id.starts_with("emp-"));
    assert_eq!(client.session().await.unwrap().user.id, session.user.id);
    let users = client.users().await.unwrap();
    assert!(users.iter().any(|u| u.id == session.user.id && u.name == "Lucía Martín"));
    client.logout().await.unwrap();
    assert!(matches!(client.session().await, Err(ConnectorError::Unauthorized(_))));
}

#[tokio::test]
#[ignore = "needs a real Tryton: `cargo xtask test` installs one and runs these with --ignored"]
async fn lists_opportunities_as_deals_and_parties_as_accounts_and_contacts() {
    let tryton = start();
    let client = signed_in(&tryton).await;
    let pipelines = client.pipelines().await.unwrap();
    assert_eq!(pipelines.len(), 1);
    let stages: Vec<&str> = pipelines[0].stages.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(stages, ["lead", "opportunity", "converted", "won", "lost", "cancelled"]);
    assert!(pipelines[0].stages.iter().all(|s| !s.name.is_empty()));

    let deals = client.all_deals(ListQuery::default()).await.unwrap();
    assert_eq!(deals.len(), 5);
    let hornos = deals.iter().find(|d| d.name == "Hornos para el obrador").unwrap();
    assert_eq!(hornos.stage_id, "opportunity");
    assert_eq!(hornos.amount, Money { minor: 850_050, currency: "EUR".into() });
    assert_eq!(hornos.probability, Some(50));
    assert!(hornos.expected_close.is_some());
    assert!(hornos.meta.version > 0);
    assert_eq!(deals.iter().filter(|d| d.stage_id == "lost").count(), 1);

    let account_id = hornos.account_id.clone().unwrap();
    let account = client.account(&account_id).await.unwrap();
    assert_eq!(account.name, "Panadería La Espiga");
    assert_eq!(account.phone.as_deref(), Some("+34 934 567 890"));
    let contact = client.contact(&account_id).await.unwrap();
    assert_eq!(contact.email.as_deref(), Some("pedidos@laespiga.example"));
    assert_eq!(contact.account_id.as_deref(), Some(account_id.as_str()));

    let found = client.deals(ListQuery { search: Some("hornos".into()), ..Default::default() }).await.unwrap();
    assert_eq!(found.items.len(), 1);
}

#[tokio::test]
#[ignore = "needs a real Tryton: `cargo xtask test` installs one and runs these with --ignored"]
async fn creates_and_updates_a_deal() {
    let tryton = start();
    let client = signed_in(&tryton).await;
    let created = client.create_deal(new_deal("Cámaras frigoríficas", None), "k1").await.unwrap();
    assert_eq!(created.stage_id, "lead");
    assert_eq!(created.amount.minor, 1_234_550);
    assert_eq!(created.expected_close.as_deref(), Some("2027-02-15"));
    assert_eq!(created.account_id.as_deref(), Some("party-4"));
    assert!(created.owner_id.is_some(), "the rep's employee owns it");

    let patch = DealPatch {
        name: Some("Cámaras frigoríficas (2)".into()),
        amount: Some(Money { minor: 99_900, currency: "EUR".into() }),
        ..Default::default()
    };
    let updated = client.update_deal(&created.meta.id, Some(created.meta.version), patch).await.unwrap();
    assert_eq!(updated.name, "Cámaras frigoríficas (2)");
    assert_eq!(updated.amount.minor, 99_900);
    assert!(updated.meta.version > created.meta.version);
    assert_eq!(client.deal(&created.meta.id).await.unwrap(), updated);

    let at_once = client.create_deal(new_deal("Vitrinas", Some("opportunity")), "k2").await.unwrap();
    assert_eq!(at_once.stage_id, "opportunity");
}

fn move_to(stage: &str) -> DealPatch {
    DealPatch { stage_id: Some(stage.into()), ..Default::default() }
}

#[tokio::test]
#[ignore = "needs a real Tryton: `cargo xtask test` installs one and runs these with --ignored"]
async fn every_state_move_is_tryton_s_button_and_a_refused_one_keeps_the_deal() {
    let tryton = start();
    let client = signed_in(&tryton).await;
    let deal = client.create_deal(new_deal("Básculas", None), "k3").await.unwrap();
    let id = deal.meta.id.clone();
    let mut version = deal.meta.version;
    for stage in ["opportunity", "lead", "opportunity", "lost", "lead", "cancelled"] {
        let moved = client.update_deal(&id, Some(version), move_to(stage)).await;
        let moved = moved.unwrap_or_else(|e| panic!("move to {stage}: {e:?}"));
        assert_eq!(moved.stage_id, stage);
        version = moved.meta.version;
    }
    // Converting an opportunity makes a draft sale in Tryton: a quote, read only, on the deal's account.
    let hornos = deal_named(&client, "Hornos para el obrador").await;
    let converted = client.update_deal(&hornos.meta.id, Some(hornos.meta.version), move_to("converted")).await.unwrap();
    assert_eq!(converted.stage_id, "converted");
    let account = hornos.account_id.clone().unwrap();
    let orders = client.orders(ListQuery::filter("account_id", &account)).await.unwrap();
    assert_eq!(orders.items.len(), 1);
    assert_eq!((orders.items[0].kind.as_str(), orders.items[0].status.as_str()), ("quote", "draft"));
    assert_eq!(orders.items[0].total.currency, "EUR");
    assert!(client.orders(ListQuery::filter("account_id", "party-6")).await.unwrap().items.is_empty());
    // Cancelled: back to lead is allowed only from lost/cancelled, and "won" has no button.
    assert!(matches!(
        client.update_deal(&id, Some(version), move_to("won")).await,
        Err(ConnectorError::Unsupported(_))
    ));
    // A workflow move Tryton does not allow is refused and the deal stays where it was.
    let lead = client.update_deal(&id, Some(version), move_to("lead")).await.unwrap();
    let refused = client.update_deal(&id, Some(lead.meta.version), move_to("converted")).await;
    match refused {
        Err(ConnectorError::Invalid { message, .. }) => assert!(!message.is_empty()),
        other => panic!("converting a lead should be refused, got {other:?}"),
    }
    assert_eq!(client.deal(&id).await.unwrap().stage_id, "lead");
}

#[tokio::test]
#[ignore = "needs a real Tryton: `cargo xtask test` installs one and runs these with --ignored"]
async fn a_stale_write_is_a_conflict_and_delete_cancels_first() {
    let tryton = start();
    let client = signed_in(&tryton).await;
    let deal = deal_named(&client, "Mobiliario de terraza").await;
    let first = DealPatch { name: Some("Mobiliario de terraza y toldos".into()), ..Default::default() };
    client.update_deal(&deal.meta.id, Some(deal.meta.version), first).await.unwrap();
    let stale = DealPatch { name: Some("Otro nombre".into()), ..Default::default() };
    let result = client.update_deal(&deal.meta.id, Some(deal.meta.version), stale).await;
    assert!(matches!(result, Err(ConnectorError::Conflict(_))), "got {result:?}");
    assert_eq!(client.deal(&deal.meta.id).await.unwrap().name, "Mobiliario de terraza y toldos");

    let current = client.deal(&deal.meta.id).await.unwrap();
    client.delete_deal(&current.meta.id, Some(current.meta.version)).await.unwrap();
    assert!(matches!(client.deal(&deal.meta.id).await, Err(ConnectorError::NotFound(_))));
}

#[tokio::test]
#[ignore = "needs a real Tryton: `cargo xtask test` installs one and runs these with --ignored"]
async fn changes_are_polled_page_by_page_and_then_only_what_changed() {
    let tryton = start();
    let client = signed_in(&tryton).await;
    let mut cursor = None;
    let mut kinds = std::collections::BTreeMap::<String, usize>::new();
    loop {
        let page = client.changes(cursor.as_deref(), Some(3)).await.unwrap();
        for change in &page.changes {
            *kinds.entry(change.kind.clone()).or_default() += 1;
        }
        cursor = Some(page.cursor);
        if !page.more {
            break;
        }
    }
    assert_eq!(kinds.get("pipelines"), Some(&1));
    assert_eq!(kinds.get("deals"), Some(&5));
    assert!(kinds.get("accounts").copied().unwrap_or(0) >= 4);
    assert_eq!(kinds.get("accounts"), kinds.get("contacts"));

    // Nothing changed: an empty pass. One change: just that deal.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let quiet = client.changes(cursor.as_deref(), Some(50)).await.unwrap();
    let quiet_deals: Vec<_> = quiet.changes.iter().filter(|c| c.kind == "deals").collect();
    assert!(quiet_deals.is_empty(), "{quiet_deals:?}");
    let deal = deal_named(&client, "Hornos para el obrador").await;
    let patch = DealPatch { name: Some("Hornos de leña".into()), ..Default::default() };
    client.update_deal(&deal.meta.id, Some(deal.meta.version), patch).await.unwrap();
    let mut seen = vec![];
    let mut cursor = Some(quiet.cursor);
    loop {
        let page = client.changes(cursor.as_deref(), Some(50)).await.unwrap();
        seen.extend(page.changes.into_iter().filter(|c| c.kind == "deals"));
        cursor = Some(page.cursor);
        if !page.more {
            break;
        }
    }
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].id, deal.meta.id);
    assert_eq!(seen[0].value().unwrap()["name"], "Hornos de leña");
}

#[tokio::test]
async fn a_server_that_is_down_is_a_network_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = Client::new(TrytonConnector::new("trato"), NativeTransport::new(&format!("http://127.0.0.1:{port}")));
    assert!(matches!(client.login(REP.0, REP.1).await, Err(ConnectorError::Network(_))));
}

#[tokio::test]
#[ignore = "needs a real Tryton: `cargo xtask test` installs one and runs these with --ignored"]
async fn a_party_s_name_e_mail_phone_and_city_go_back_to_tryton_and_its_other_fields_are_said_to_be_read_only() {
    let tryton = start();
    let client = signed_in(&tryton).await;
    let account = client.account("party-4").await.unwrap();
    let renamed = AccountPatch { name: Some(format!("{} Hermanos", account.name)), ..Default::default() };
    let updated = client.update_account("party-4", Some(account.meta.version), renamed).await.unwrap();
    assert_eq!(updated.name, format!("{} Hermanos", account.name));
    assert!(updated.meta.version > account.meta.version);
    assert_eq!(client.account("party-4").await.unwrap().name, updated.name);

    // A stale rename is a conflict, like a deal's.
    let stale = AccountPatch { name: Some("Otro".into()), ..Default::default() };
    let result = client.update_account("party-4", Some(account.meta.version), stale).await;
    assert!(matches!(result, Err(ConnectorError::Conflict(_))), "got {result:?}");

    // The phone is the party's first phone mechanism: rewritten in place, guarded by the party's version.
    let phone = AccountPatch { phone: Some(Some("+34 900 000 000".into())), ..Default::default() };
    let stale_phone = client.update_account("party-4", Some(account.meta.version), phone.clone()).await;
    assert!(matches!(stale_phone, Err(ConnectorError::Conflict(_))), "got {stale_phone:?}");
    let with_phone = client.update_account("party-4", Some(updated.meta.version), phone).await.unwrap();
    assert_eq!(with_phone.phone.as_deref(), Some("+34 900 000 000"));
    assert!(with_phone.meta.version > updated.meta.version, "the party's version moves");
    // The same party as a contact: a new e-mail, then none (every e-mail mechanism goes), then one made anew.
    let contact = client.contact("party-4").await.unwrap();
    assert_eq!(contact.phone.as_deref(), Some("+34 900 000 000"));
    let email = |value: Option<&str>| ContactPatch { email: Some(value.map(String::from)), ..Default::default() };
    let changed = client
        .update_contact("party-4", Some(contact.meta.version), email(Some("ventas@ferreteria.example")))
        .await
        .unwrap();
    assert_eq!(changed.email.as_deref(), Some("ventas@ferreteria.example"));
    let cleared = client.update_contact("party-4", Some(changed.meta.version), email(None)).await.unwrap();
    assert_eq!(cleared.email, None);
    let again =
        client.update_contact("party-4", Some(cleared.meta.version), email(Some("hola@gil.example"))).await.unwrap();
    assert_eq!(again.email.as_deref(), Some("hola@gil.example"));
    assert_eq!(client.account("party-4").await.unwrap().phone.as_deref(), Some("+34 900 000 000"), "the phone stays");

    // The city is the first address's: rewritten in place, made on a party without one, emptied when removed.
    let city = |value: Option<&str>| AccountPatch { city: Some(value.map(String::from)), ..Default::default() };
    let account = client.account("party-4").await.unwrap();
    assert_eq!(account.city.as_deref(), Some("Madrid"));
    let moved = client.update_account("party-4", Some(account.meta.version), city(Some("Alcalá de Henares"))).await;
    assert_eq!(moved.unwrap().city.as_deref(), Some("Alcalá de Henares"));
    let stale_city = client.update_account("party-4", Some(account.meta.version), city(Some("Toledo"))).await;
    assert!(matches!(stale_city, Err(ConnectorError::Conflict(_))), "got {stale_city:?}");
    let hotel = client.account("party-7").await.unwrap();
    assert_eq!(hotel.city, None, "a party without an address has no city");
    let made = client.update_account("party-7", Some(hotel.meta.version), city(Some("Cádiz"))).await.unwrap();
    assert_eq!((made.city.as_deref(), made.phone.as_deref()), (Some("Cádiz"), Some("+34 956 789 012")));
    let emptied = client.update_account("party-7", Some(made.meta.version), city(None)).await.unwrap();
    assert_eq!(emptied.city, None);
    let listed = client.accounts(ListQuery::default()).await.unwrap().items;
    let gil = listed.iter().find(|a| a.meta.id == "party-4").unwrap();
    assert_eq!(gil.city.as_deref(), Some("Alcalá de Henares"), "lists read the city too");

    // The sector, web and owner, and a person's names, are kept elsewhere in Tryton: refused before anything is
    // sent, and the desk shows them read only.
    let sector = AccountPatch { industry: Some(Some("Ferretería".into())), ..Default::default() };
    assert!(matches!(client.update_account("party-4", None, sector).await, Err(ConnectorError::Unsupported(_))));
    let names = ContactPatch { first_name: Some("Ana".into()), ..Default::default() };
    assert!(matches!(client.update_contact("party-4", None, names).await, Err(ConnectorError::Unsupported(_))));
    let capabilities = client.capabilities();
    assert_eq!(capabilities.account_fields, ["name", "phone", "city"]);
    assert_eq!(capabilities.contact_fields, ["email", "phone"]);
    assert!(!capabilities.new_customers);
}
