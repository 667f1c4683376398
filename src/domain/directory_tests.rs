use super::*;
use trato_protocol::{ActivityKind, Meta, Money, Pipeline, Stage};

fn meta(id: &str) -> Meta {
    Meta { id: id.into(), version: 1, created_at: "2026-11-01T10:00:00Z".into(), updated_at: String::new() }
}

fn account(id: &str, name: &str, city: &str, sector: &str, owner: Option<&str>) -> Account {
    Account {
        meta: meta(id),
        name: name.into(),
        industry: Some(sector.into()),
        website: None,
        phone: None,
        city: Some(city.into()),
        owner_id: owner.map(String::from),
    }
}

fn deal(id: &str, account: &str, contact: Option<&str>, stage: &str) -> Deal {
    Deal {
        meta: meta(id),
        name: id.into(),
        pipeline_id: "p".into(),
        stage_id: stage.into(),
        account_id: Some(account.into()),
        contact_id: contact.map(String::from),
        participant_ids: vec![],
        owner_id: None,
        amount: Money { minor: 100, currency: "EUR".into() },
        expected_close: None,
        stage_entered_at: String::new(),
        last_activity_at: String::new(),
        position: 1.0,
        lost_reason: None,
        closed_on: None,
        probability: None,
        next_activity: None,
    }
}

fn call(id: &str, deal: Option<&str>, account: Option<&str>, created: &str) -> Activity {
    Activity {
        meta: Meta { id: id.into(), version: 1, created_at: created.into(), updated_at: created.into() },
        kind: ActivityKind::Call,
        subject: id.into(),
        body: None,
        deal_id: deal.map(String::from),
        account_id: account.map(String::from),
        contact_id: None,
        owner_id: None,
        due_on: None,
        done: true,
        from_stage_id: None,
        to_stage_id: None,
    }
}

fn stages() -> HashMap<String, StageKind> {
    let stage = |id: &str, kind| Stage { id: id.into(), name: id.into(), probability: 10, kind, rotting_days: None };
    super::super::customer::stage_kinds(&[Pipeline {
        meta: meta("p"),
        name: "P".into(),
        stages: vec![stage("open", StageKind::Open), stage("won", StageKind::Won)],
    }])
}

fn rows() -> Vec<Row<Account>> {
    let accounts = vec![
        account("a1", "Bodegas Sol", "Jerez", "Vino", Some("u1")),
        account("a2", "Cafetería Martín", "Sevilla", "Hostelería", Some("u2")),
        account("a3", "Hotel Mar", "Cádiz", "Hostelería", None),
    ];
    let deals = vec![deal("d1", "a1", None, "open"), deal("d2", "a1", None, "won"), deal("d3", "a2", None, "won")];
    let activities = vec![
        call("c1", Some("d1"), None, "2026-11-25T10:00:00Z"), // through its deal
        call("c2", None, Some("a2"), "2026-06-01T10:00:00Z"),
    ];
    account_rows(accounts, &deals, &activities, &stages())
}

fn ids<R>(rows: &[Row<R>]) -> Vec<String>
where
    Row<R>: Listed,
{
    rows.iter().map(|r| r.text(Column::Name).unwrap_or_default().to_string()).collect()
}

#[test]
fn rows_count_open_deals_and_the_last_contact_through_deals_too() {
    let rows = rows();
    assert_eq!(rows[0].open_deals, 1);
    assert_eq!(rows[0].last_contact.as_deref(), Some("2026-11-25"));
    assert_eq!(rows[1].open_deals, 0);
    assert_eq!(rows[1].last_contact.as_deref(), Some("2026-06-01"));
    assert_eq!(rows[2].last_contact, None);
}

#[test]
fn filters_ignore_accents_and_case_and_combine() {
    let rows = rows();
    let by = |f: ListFilter| ids(&filter(&rows, &f, "2026-11-30"));
    assert_eq!(by(ListFilter { q: "cafeteria MARTIN".into(), ..Default::default() }), ["Cafetería Martín"]);
    assert_eq!(by(ListFilter { q: "hosteleria".into(), ..Default::default() }).len(), 2);
    assert_eq!(by(ListFilter { city: Some("cadiz".into()), ..Default::default() }), ["Hotel Mar"]);
    assert_eq!(
        by(ListFilter { sector: Some("Hostelería".into()), owner: Some("u2".into()), ..Default::default() }),
        ["Cafetería Martín"]
    );
    assert_eq!(by(ListFilter { owner: Some(String::new()), ..Default::default() }), ["Hotel Mar"], "no owner");
    assert_eq!(by(ListFilter { open_deals: true, ..Default::default() }), ["Bodegas Sol"]);
    assert_eq!(
        by(ListFilter { quiet_days: Some(30), ..Default::default() }),
        ["Cafetería Martín", "Hotel Mar"],
        "no contact in 30 days, never contacted included"
    );
}

#[test]
fn sorting_and_choices() {
    let mut rows = rows();
    sort(&mut rows, Column::City, false);
    assert_eq!(ids(&rows), ["Hotel Mar", "Bodegas Sol", "Cafetería Martín"], "Cádiz sorts as cadiz");
    sort(&mut rows, Column::OpenDeals, true);
    assert_eq!(ids(&rows)[0], "Bodegas Sol");
    sort(&mut rows, Column::LastContact, true);
    assert_eq!(ids(&rows), ["Bodegas Sol", "Cafetería Martín", "Hotel Mar"]);
    assert_eq!(choices(&rows, Column::Sector), ["Hostelería", "Vino"]);
    assert_eq!(Column::from_code(&Column::ACCOUNTS, "city"), Some(Column::City));
    assert_eq!(Column::from_code(&Column::ACCOUNTS, "email"), None);
}

#[test]
fn contact_rows_sort_by_surname_and_know_their_account() {
    let contact = |id: &str, first: &str, last: &str| Contact {
        meta: meta(id),
        first_name: first.into(),
        last_name: last.into(),
        email: Some(format!("{id}@x.es")),
        phone: None,
        title: None,
        account_id: Some("a1".into()),
        owner_id: None,
    };
    let names = HashMap::from([("a1".to_string(), "Bodegas Sol".to_string())]);
    let deals = vec![deal("d1", "a1", Some("c2"), "open")];
    let mut rows =
        contact_rows(vec![contact("c1", "Ana", "Ruiz"), contact("c2", "Luis", "Abad")], &names, &deals, &[], &stages());
    sort(&mut rows, Column::Name, false);
    assert_eq!(rows[0].full_name(), "Luis Abad");
    assert_eq!(rows[0].open_deals, 1);
    assert_eq!(rows[1].account_name.as_deref(), Some("Bodegas Sol"));
    assert_eq!(filter(&rows, &ListFilter { q: "c1@x".into(), ..Default::default() }, "2026-11-30").len(), 1);
}
