use super::*;
use trato_protocol::{Meta, Money, Stage};

fn meta(id: &str, created: &str) -> Meta {
    Meta { id: id.into(), version: 1, created_at: created.into(), updated_at: created.into() }
}

fn deal(id: &str, stage: &str, minor: i64, closed: Option<&str>) -> Deal {
    Deal {
        meta: meta(id, "2026-01-01T00:00:00Z"),
        name: id.into(),
        pipeline_id: "p".into(),
        stage_id: stage.into(),
        account_id: Some("acc".into()),
        contact_id: None,
        participant_ids: vec![],
        owner_id: None,
        amount: Money { minor, currency: "EUR".into() },
        expected_close: None,
        stage_entered_at: "2026-01-01T00:00:00Z".into(),
        last_activity_at: "2026-01-01T00:00:00Z".into(),
        position: 1.0,
        lost_reason: None,
        closed_on: closed.map(String::from),
        probability: None,
        next_activity: None,
    }
}

fn activity(id: &str, kind: ActivityKind, created: &str, due: Option<&str>, done: bool, owner: &str) -> Activity {
    Activity {
        meta: meta(id, created),
        kind,
        subject: id.into(),
        body: None,
        deal_id: None,
        account_id: Some("acc".into()),
        contact_id: None,
        owner_id: Some(owner.into()),
        due_on: due.map(String::from),
        done,
        from_stage_id: None,
        to_stage_id: None,
    }
}

fn stages() -> HashMap<String, StageKind> {
    let stage = |id: &str, kind| Stage { id: id.into(), name: id.into(), probability: 50, kind, rotting_days: None };
    let pipeline = Pipeline {
        meta: meta("p", ""),
        name: "P".into(),
        stages: vec![stage("open", StageKind::Open), stage("won", StageKind::Won), stage("lost", StageKind::Lost)],
    };
    stage_kinds(&[pipeline])
}

#[test]
fn figures_sum_open_and_recently_won_deals_and_find_the_last_and_next_contact() {
    let deals = vec![
        deal("a", "open", 1000, None),
        deal("b", "open", 2500, None),
        deal("c", "won", 7000, Some("2026-03-01")),
        deal("d", "won", 9000, Some("2025-01-01")), // more than a year ago
        deal("e", "lost", 4000, Some("2026-05-01")),
        deal("f", "gone-stage", 10, None), // a stage no pipeline has counts as open
    ];
    let activities = vec![
        activity("note", ActivityKind::Note, "2026-11-20T10:00:00Z", None, true, "u1"),
        activity("call", ActivityKind::Call, "2026-11-10T10:00:00Z", None, true, "u1"),
        activity("planned-call", ActivityKind::Call, "2026-11-01T10:00:00Z", Some("2026-12-05"), false, "u1"),
        activity("task", ActivityKind::Task, "2026-11-01T10:00:00Z", Some("2026-12-02"), false, "u1"),
        activity("done-task", ActivityKind::Task, "2026-11-01T10:00:00Z", Some("2026-11-02"), true, "u1"),
    ];
    let f = figures(&deals, &activities, &stages(), "2026-11-30");
    assert_eq!(f.open_deals, 3);
    assert_eq!(f.open_pipeline.get("EUR"), 3510);
    assert_eq!(f.won_last_year.get("EUR"), 7000);
    assert_eq!(f.last_contact.as_deref(), Some("2026-11-10"), "a note is not contact with the customer");
    assert_eq!(f.next_activity.map(|a| a.meta.id).as_deref(), Some("task"));
    assert_eq!(figures(&[], &[], &stages(), "2026-11-30"), Figures::default());
}

#[test]
fn the_timeline_merges_kinds_newest_first_once_each_and_filters() {
    let call = activity("call", ActivityKind::Call, "2026-11-10T10:00:00Z", None, true, "u1");
    let note = activity("note", ActivityKind::Note, "2026-11-20T09:00:00Z", None, true, "u1");
    let planned = activity("planned", ActivityKind::Meeting, "2026-11-01T09:00:00Z", Some("2026-12-01"), false, "u1");
    let case: Case = serde_json::from_value(serde_json::json!({
        "id": "case1", "number": 7, "version": 1, "subject": "Rotura", "category": "general", "status": "new",
        "priority": "normal", "customer_id": "cu", "customer_name": "Ana", "account_id": "acc",
        "created_at": "2026-11-15T08:00:00Z", "updated_at": "2026-11-15T08:00:00Z"
    }))
    .unwrap();
    let message: CaseMessage = serde_json::from_value(serde_json::json!({
        "id": "msg1", "author": "customer", "author_name": "Ana", "body": "Sigue roto", "internal": false,
        "attachments": [], "created_at": "2026-11-18T08:00:00Z"
    }))
    .unwrap();
    let chat: Conversation = serde_json::from_value(serde_json::json!({
        "id": "chat1", "site": "demo", "status": "closed", "assignee_id": null,
        "visitor": {"id": "v1", "name": "Ana", "email": "ana@example.com", "email_verified": false},
        "created_at": "2026-11-12T08:00:00Z", "last_message_at": "2026-11-12T08:05:00Z", "unread": 0,
        "waiting_since": null, "rating": null, "preview": "¿Tenéis repuestos?"
    }))
    .unwrap();
    let remote =
        Remote { cases: vec![case.clone()], messages: vec![(case, message)], chats: vec![chat], orders: vec![] };
    let all = timeline(vec![call.clone(), note.clone(), call.clone(), planned], remote, &[]);
    let ids: Vec<&str> = all
        .iter()
        .map(|m| match m {
            Moment::Activity(a) => a.meta.id.as_str(),
            Moment::Case(c) => c.id.as_str(),
            Moment::CaseMessage(m) => m.1.id.as_str(),
            Moment::Chat(c) => c.id.as_str(),
            Moment::Order(o) => o.id.as_str(),
        })
        .collect();
    assert_eq!(
        ids,
        ["planned", "note", "msg1", "case1", "chat1", "call"],
        "planned work sorts by its due date; a case's message by its time; a chat by its start; the call once"
    );
    assert_eq!(all[2].kind(), MomentKind::Case, "a case's messages filter with cases");
    assert_eq!(all[4].kind(), MomentKind::Chat);
    let calls = timeline(vec![call, note], Remote::default(), &[MomentKind::Call]);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].kind(), MomentKind::Call);
}

#[test]
fn the_day_groups_open_work_of_the_rep_around_today() {
    let activities = vec![
        activity("late", ActivityKind::Task, "2026-11-01T00:00:00Z", Some("2026-11-28"), false, "me"),
        activity("today-b", ActivityKind::Call, "2026-11-01T00:00:00Z", Some("2026-11-30"), false, "me"),
        activity("today-a", ActivityKind::Meeting, "2026-11-01T00:00:00Z", Some("2026-11-30T15:00:00Z"), false, "me"),
        activity("soon", ActivityKind::Call, "2026-11-01T00:00:00Z", Some("2026-12-03"), false, "me"),
        activity("far", ActivityKind::Call, "2026-11-01T00:00:00Z", Some("2027-02-01"), false, "me"),
        activity("done", ActivityKind::Call, "2026-11-01T00:00:00Z", Some("2026-11-30"), true, "me"),
        activity("someone-else", ActivityKind::Call, "2026-11-01T00:00:00Z", Some("2026-11-30"), false, "other"),
        activity("undated", ActivityKind::Task, "2026-11-01T00:00:00Z", None, false, "me"),
    ];
    let mine = day(&activities, Some("me"), "2026-11-30", 7);
    let ids = |list: &[Activity]| list.iter().map(|a| a.meta.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&mine.overdue), ["late"]);
    assert_eq!(ids(&mine.today), ["today-b", "today-a"]);
    assert_eq!(ids(&mine.upcoming), ["soon"]);
    let team = day(&activities, None, "2026-11-30", 7);
    assert_eq!(team.today.len(), 3, "an admin sees the team's work");
    assert!(is_overdue(&activities[0], "2026-11-30"));
    assert!(!is_overdue(&activities[1], "2026-11-30"));
}

#[test]
fn finishing_a_call_suggests_calling_again_in_three_days() {
    assert_eq!(next_step(ActivityKind::Call), Some((ActivityKind::Call, 3)));
    assert_eq!(next_step(ActivityKind::Note), None);
    assert_eq!(date_after("2026-11-30", 3).as_deref(), Some("2026-12-03"));
    assert_eq!(date_after("2028-02-28", 1).as_deref(), Some("2028-02-29"));
    assert_eq!(date_after("no", 1), None);
}

#[test]
fn logged_work_has_happened_unless_it_is_a_task_or_dated() {
    assert!(already_happened(ActivityKind::Call, None));
    assert!(!already_happened(ActivityKind::Call, Some("2026-12-01")));
    assert!(!already_happened(ActivityKind::Task, None));
    assert!(already_happened(ActivityKind::Note, Some("2026-12-01")));
}

#[test]
fn only_web_addresses_become_links() {
    assert_eq!(web_address("bodegas-sol.es").as_deref(), Some("https://bodegas-sol.es"));
    assert_eq!(web_address(" http://x.es ").as_deref(), Some("http://x.es"));
    assert_eq!(web_address("javascript:alert(1)"), None);
    assert_eq!(web_address("data:text/html,x"), None);
    assert_eq!(web_address("two words"), None);
}
