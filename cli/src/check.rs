//! `trato-cli check`: signs in, reads each resource, creates, changes and deletes a throwaway deal, tries a stale
//! write, polls the changes feed, and prints what works, what the desk will hide, and what failed and why. The
//! exit status is non-zero when something the desk needs failed.

use crate::backend::{credentials, Target};
use std::process::ExitCode;
use trato::client::Client;
use trato::connector::backend::AnyConnector;
use trato::connector::{ConnectorError, ListQuery};
use trato::transport::NativeTransport;
use trato_protocol::{Change, DealPatch, Money, NewDeal, StageKind};

type Desk = Client<AnyConnector, NativeTransport>;

/// What became of one check.
enum Outcome {
    /// It works.
    Works(String),
    /// The desk will hide it (the backend cannot); not a failure.
    Hidden(String),
    /// It failed; `needed` when the desk cannot work without it.
    Failed { what: String, why: String, needed: bool },
}

/// The report, printed as it goes.
#[derive(Default)]
struct Report {
    failures: usize,
    hidden: usize,
}

impl Report {
    fn say(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Works(what) => println!("  ok      {what}"),
            Outcome::Hidden(what) => {
                self.hidden += 1;
                println!("  hidden  {what}");
            }
            Outcome::Failed { what, why, needed } => {
                if needed {
                    self.failures += 1;
                }
                println!("  {}  {what}: {why}", if needed { "FAILED" } else { "failed" });
            }
        }
    }

    fn needed<T>(
        &mut self,
        what: &str,
        result: Result<T, ConnectorError>,
        works: impl FnOnce(&T) -> String,
    ) -> Option<T> {
        match result {
            Ok(value) => {
                self.say(Outcome::Works(format!("{what}: {}", works(&value))));
                Some(value)
            }
            Err(error) => {
                self.say(Outcome::Failed { what: what.into(), why: describe(&error), needed: true });
                None
            }
        }
    }
}

fn describe(error: &ConnectorError) -> String {
    match error {
        ConnectorError::Invalid { message, fields } if !fields.is_empty() => {
            let fields: Vec<String> = fields.iter().map(|(f, m)| format!("{f}: {m}")).collect();
            format!("refused: {message} ({})", fields.join("; "))
        }
        ConnectorError::Network(m) => format!("cannot reach the backend ({m})"),
        ConnectorError::Unauthorized(m) => format!("not signed in ({m})"),
        ConnectorError::Unsupported(m) => format!("not supported: {m}"),
        other => format!("{other:?}"),
    }
}

/// Reads the changes feed from `since` to the end of a pass: the changes and the cursor.
async fn pass(desk: &Desk, since: Option<String>) -> Result<(Vec<Change>, String), ConnectorError> {
    let mut since = since;
    let mut changes = vec![];
    for _ in 0..100_000 {
        let page = desk.changes(since.as_deref(), None).await?;
        changes.extend(page.changes);
        since = Some(page.cursor);
        if !page.more {
            break;
        }
    }
    Ok((changes, since.unwrap_or_default()))
}

/// Runs every check against `target`.
pub async fn run(target: &Target) -> ExitCode {
    let (user, password) = match credentials() {
        Ok(credentials) => credentials,
        Err(message) => {
            eprintln!("trato-cli: {message}");
            return ExitCode::from(2);
        }
    };
    let desk = target.client();
    let mut report = Report::default();
    println!("Checking {} for Trato's desk\n", target.url);
    let Some(session) = report.needed("sign in", desk.login(&user, &password).await, |s| {
        format!("{} <{}> at {}", s.user.name, s.user.email, s.company)
    }) else {
        return ExitCode::FAILURE;
    };
    let currency = session.currency.clone();
    report.needed("the current session", desk.session().await, |s| s.user.name.clone());

    let capabilities = desk.capabilities();
    println!("\nWhat the desk will hide:");
    let hidden_before = report.hidden;
    for (has, what) in [
        (capabilities.pipelines, "several pipelines (one is shown)"),
        (capabilities.activities, "activities (calls, meetings, tasks, notes)"),
        (capabilities.cases, "support cases"),
        (capabilities.chat, "live chat"),
        (capabilities.knowledge_base, "knowledge base"),
        (capabilities.orders, "quotes and orders"),
        (capabilities.saved_views, "saved board views"),
        (capabilities.new_customers, "new accounts and contacts"),
        (capabilities.import, "spreadsheet import"),
        (capabilities.merge, "merging duplicates"),
    ] {
        if !has {
            report.say(Outcome::Hidden(what.into()));
        }
    }
    if !capabilities.versioned_writes {
        report.say(Outcome::Hidden(
            "conflict detection: the backend cannot refuse a stale write; the last write wins".into(),
        ));
    }
    if report.hidden == hidden_before {
        println!("  nothing");
    }

    println!("\nReading:");
    report.needed("reps", desk.users().await, |u| format!("{} found", u.len()));
    let pipelines = report.needed("pipelines and stages", desk.pipelines().await, |p| {
        format!("{} pipelines, {} stages", p.len(), p.iter().map(|p| p.stages.len()).sum::<usize>())
    });
    let first_page = ListQuery { limit: Some(50), ..Default::default() };
    report.needed("deals", desk.deals(first_page.clone()).await, |p| format!("{} on the first page", p.items.len()));
    // The throwaway deal belongs to the first account, as a rep's would (some backends require one to move it).
    let account = match desk.accounts(first_page.clone()).await {
        Err(ConnectorError::Unsupported(_)) => {
            report.say(Outcome::Hidden("accounts".into()));
            None
        }
        other => report
            .needed("accounts", other, |p| format!("{} on the first page", p.items.len()))
            .and_then(|page| page.items.first().map(|a| a.meta.id.clone())),
    };
    match desk.contacts(first_page.clone()).await {
        Err(ConnectorError::Unsupported(_)) => report.say(Outcome::Hidden("contacts".into())),
        other => {
            report.needed("contacts", other, |p| format!("{} on the first page", p.items.len()));
        }
    }
    let before =
        report.needed("changes feed (a whole pass)", pass(&desk, None).await, |(c, _)| format!("{} records", c.len()));

    println!("\nWriting (a throwaway deal, deleted at the end):");
    let stages: Vec<_> = pipelines
        .iter()
        .flatten()
        .flat_map(|p| {
            p.stages.iter().filter(|s| s.kind == StageKind::Open).map(move |s| (p.meta.id.clone(), s.id.clone()))
        })
        .collect();
    let Some((pipeline_id, stage_id)) = stages.first().cloned() else {
        report.say(Outcome::Failed {
            what: "writing".into(),
            why: "no open stage to put a deal in".into(),
            needed: true,
        });
        return summary(&report);
    };
    let key = format!("trato-check-{}", std::process::id());
    let new = NewDeal {
        name: format!("Trato check {}", std::process::id()),
        pipeline_id,
        stage_id: Some(stage_id),
        account_id: account,
        contact_id: None,
        participant_ids: vec![],
        owner_id: None,
        amount: Money { minor: 100, currency },
        expected_close: None,
        position: None,
    };
    let Some(created) =
        report.needed("create a deal", desk.create_deal(new, &key).await, |d| format!("id {}", d.meta.id))
    else {
        return summary(&report);
    };
    let next_stage = stages.get(1).map(|(_, s)| s.clone()).unwrap_or(created.stage_id.clone());
    let patch = DealPatch {
        name: Some(format!("{} (changed)", created.name)),
        stage_id: Some(next_stage),
        ..Default::default()
    };
    let changed = report.needed(
        "change it (name and stage)",
        desk.update_deal(&created.meta.id, Some(created.meta.version), patch).await,
        |d| format!("now \"{}\"", d.name),
    );
    if let Some(changed) = &changed {
        let stale = DealPatch { name: Some("stale".into()), ..Default::default() };
        match (
            desk.update_deal(&changed.meta.id, Some(created.meta.version), stale).await,
            capabilities.versioned_writes,
        ) {
            (Err(ConnectorError::Conflict(_)), _) => {
                report.say(Outcome::Works("a stale write is refused as a conflict".into()))
            }
            (Ok(_), false) => report
                .say(Outcome::Hidden("a stale write was accepted (as the connector says: last write wins)".into())),
            (Ok(_), true) => report.say(Outcome::Failed {
                what: "stale write".into(),
                why: "accepted, though the connector says the backend refuses them".into(),
                needed: true,
            }),
            (Err(e), _) => report.say(Outcome::Failed { what: "stale write".into(), why: describe(&e), needed: true }),
        }
    }
    if let Some((_, cursor)) = &before {
        match pass(&desk, Some(cursor.clone())).await {
            Ok((changes, _)) if changes.iter().any(|c| c.id == created.meta.id && !c.deleted) => {
                report.say(Outcome::Works("the changes feed tells the new deal".into()))
            }
            Ok(_) => report.say(Outcome::Failed {
                what: "changes feed".into(),
                why: "the new deal is not in the next pass: the desk would not see it".into(),
                needed: true,
            }),
            Err(e) => report.say(Outcome::Failed { what: "changes feed".into(), why: describe(&e), needed: true }),
        }
    }
    let version = changed.as_ref().map(|d| d.meta.version).unwrap_or(created.meta.version);
    match desk.delete_deal(&created.meta.id, Some(version)).await {
        Ok(()) => report.say(Outcome::Works("delete it".into())),
        Err(ConnectorError::Unsupported(why)) => report.say(Outcome::Hidden(format!("deleting deals ({why})"))),
        Err(e) => report.say(Outcome::Failed { what: "delete it".into(), why: describe(&e), needed: true }),
    }
    summary(&report)
}

fn summary(report: &Report) -> ExitCode {
    if report.failures == 0 {
        println!("\nThe desk can work with this backend.");
        ExitCode::SUCCESS
    } else {
        println!("\n{} check(s) the desk needs failed.", report.failures);
        ExitCode::FAILURE
    }
}
