//! The pull, decided in plain Rust: what to write and what to tell the screens for each page of the backend's
//! changes feed. Pure and natively tested; the browser side only fetches pages and applies the plans.
//!
//! - Each page and its cursor are written in one transaction, so an interrupted pull resumes where it stopped.
//! - Records with queued changes keep their local state (the local change wins until it is settled).
//! - A first pull, or one that needs several pages, ends with a reload of the screens instead of per-record
//!   events; during a first pull account names are told as they come (the cards of a board shown early need
//!   them).

use super::batch::Batch;
use super::event::StoreEvent;
use super::record::{Kind, Row};
use std::collections::HashSet;
use trato_protocol::*;

/// One pull in progress.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pull {
    first: bool,
    /// The cursor the pull started from.
    since: Option<String>,
    received: u64,
    reload: bool,
    wrote: bool,
}

/// What to do with one page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PagePlan {
    /// The records and the cursor, to write in one transaction.
    pub batch: Batch,
    /// What to tell the screens once the batch is written.
    pub events: Vec<StoreEvent>,
    /// Records received so far and the expected total, while more pages follow.
    pub progress: Option<(u64, u64)>,
}

/// How a pull ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PullEnd {
    /// The screens must read the cache again (a first or large pull, pipelines or views changed).
    pub reload: bool,
    /// Records were written that other tabs have not heard about.
    pub changed: bool,
}

/// How a record with queued changes is named in the set [`Pull::page`] leaves alone: its kind and its id (one
/// backend record can be two kinds with one id, like a Tryton party, which is an account and a contact).
pub fn held_key(kind: Kind, id: &str) -> String {
    format!("{}:{id}", kind.name())
}

impl Pull {
    /// A pull from the stored cursor; `first` when the cache has never been filled.
    pub fn new(first: bool) -> Pull {
        Pull { first, ..Pull::default() }
    }

    /// A pull from the stored cursor `since` (`None`: the cache has never been filled).
    pub fn since(since: Option<String>) -> Pull {
        Pull { first: since.is_none(), since, ..Pull::default() }
    }

    /// Plans one page. `held` holds the [`held_key`]s of records with queued changes.
    pub fn page(&mut self, page: ChangesPage, held: &HashSet<String>) -> PagePlan {
        self.received += page.changes.len() as u64;
        let nothing_new = page.changes.is_empty() && self.since.as_deref() == Some(page.cursor.as_str());
        let mut plan = PagePlan::default();
        plan.batch.refill = true;
        if page.more {
            self.reload = true;
            plan.progress = Some((self.received, self.received + page.remaining));
        }
        let mut deals = Vec::new();
        let mut removed = Vec::new();
        let mut accounts = Vec::new();
        let mut contacts = Vec::new();
        let mut timelines = Vec::new();
        let mut activities = false;
        for change in page.changes {
            let Some(kind) = Kind::from_name(&change.kind) else { continue };
            if held.contains(&held_key(kind, &change.id)) {
                continue;
            }
            match change.record.as_ref().filter(|_| !change.deleted) {
                None => {
                    if kind == Kind::Deals {
                        removed.push(change.id.clone());
                    }
                    plan.batch.delete.push((kind, change.id));
                }
                Some(raw) => {
                    let Some(row) = Row::from_json(kind, raw.get()) else { continue };
                    match kind {
                        Kind::Deals if !self.bulk() => deals.extend(Row::decode::<Deal>(raw.get())),
                        Kind::Accounts => accounts.extend(Row::decode::<Account>(raw.get())),
                        Kind::Contacts if !self.bulk() => contacts.extend(Row::decode::<Contact>(raw.get())),
                        Kind::Activities if !self.bulk() => {
                            activities = true;
                            timelines.extend(Row::decode::<Activity>(raw.get()).and_then(|a| a.deal_id))
                        }
                        Kind::Pipelines | Kind::Views => self.reload = true,
                        _ => {}
                    }
                    plan.batch.put.push((kind, row));
                }
            }
        }
        self.wrote |= !plan.batch.put.is_empty() || !plan.batch.delete.is_empty();
        // Nothing since the stored cursor: nothing is written (a write locks every store while pages read them).
        if !nothing_new {
            plan.batch.meta.push(("cursor".into(), page.cursor));
        }
        if (!self.bulk() || self.first) && !accounts.is_empty() {
            plan.events.push(StoreEvent::Accounts(accounts));
        }
        if !self.bulk() {
            if !deals.is_empty() || !removed.is_empty() {
                plan.events.push(StoreEvent::Deals { put: deals, removed });
            }
            if !contacts.is_empty() {
                plan.events.push(StoreEvent::Contacts(contacts));
            }
            if activities {
                plan.events.push(StoreEvent::Activities(timelines));
            }
        }
        plan
    }

    /// Whether this pull fills an empty cache.
    pub fn first(&self) -> bool {
        self.first
    }

    /// Whether the screens will read everything again at the end, so per-record events are not needed.
    fn bulk(&self) -> bool {
        self.first || self.reload
    }

    /// How the pull ended (also after a page failed half-way: what was written must be shown).
    pub fn end(&self) -> PullEnd {
        PullEnd { reload: self.wrote && self.bulk(), changed: self.wrote }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(kind: &str, id: &str, record: Option<serde_json::Value>) -> Change {
        Change::new(kind, id, 1, record.as_ref())
    }

    fn deal(id: &str) -> serde_json::Value {
        serde_json::json!({
            "id": id, "version": 1, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
            "name": "Trato", "pipeline_id": "p1", "stage_id": "s1", "account_id": null, "contact_id": null,
            "owner_id": null, "amount": {"minor": 100, "currency": "EUR"}, "expected_close": null,
            "stage_entered_at": "2026-01-01T00:00:00Z", "last_activity_at": "2026-01-01T00:00:00Z",
            "position": 1.0, "lost_reason": null, "closed_on": null
        })
    }

    fn page(changes: Vec<Change>, more: bool, cursor: &str) -> ChangesPage {
        ChangesPage { changes, cursor: cursor.into(), more, remaining: if more { 10 } else { 0 } }
    }

    #[test]
    fn each_page_writes_its_records_and_its_cursor_together() {
        let mut pull = Pull::new(false);
        let plan = pull.page(
            page(vec![change("deals", "d1", Some(deal("d1"))), change("deals", "d2", None)], false, "9"),
            &HashSet::new(),
        );
        assert_eq!(plan.batch.put.len(), 1);
        assert_eq!(plan.batch.delete, vec![(Kind::Deals, "d2".to_string())]);
        assert_eq!(plan.batch.meta, vec![("cursor".to_string(), "9".to_string())]);
        match &plan.events[..] {
            [StoreEvent::Deals { put, removed }] => {
                assert_eq!(put[0].meta.id, "d1");
                assert_eq!(removed, &vec!["d2".to_string()]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(pull.end(), PullEnd { reload: false, changed: true });
    }

    #[test]
    fn a_pull_that_finds_nothing_new_writes_nothing() {
        let plan = Pull::since(Some("7".into())).page(page(vec![], false, "7"), &HashSet::new());
        assert!(plan.batch.is_empty() && plan.events.is_empty(), "{plan:?}");
        let moved = Pull::since(Some("7".into())).page(page(vec![], false, "8"), &HashSet::new());
        assert_eq!(moved.batch.meta, vec![("cursor".to_string(), "8".to_string())], "a moved cursor is kept");
    }

    #[test]
    fn a_queued_account_change_does_not_hold_the_contact_with_the_same_id() {
        let held: HashSet<String> = [held_key(Kind::Accounts, "party-5")].into();
        let contact = serde_json::json!({"id": "party-5", "version": 2, "first_name": "Ana", "last_name": "",
            "created_at": "2026-11-01T00:00:00Z", "updated_at": "2026-11-01T00:00:00Z"});
        let changes =
            vec![change("accounts", "party-5", Some(contact.clone())), change("contacts", "party-5", Some(contact))];
        let plan = Pull::new(false).page(page(changes, false, "4"), &held);
        let kinds: Vec<Kind> = plan.batch.put.iter().map(|(kind, _)| *kind).collect();
        assert_eq!(kinds, [Kind::Contacts], "the account waits for its queued change; the contact is refreshed");
    }

    #[test]
    fn records_with_queued_changes_keep_their_local_state() {
        let held: HashSet<String> = [held_key(Kind::Deals, "d1")].into();
        let plan = Pull::new(false).page(page(vec![change("deals", "d1", Some(deal("d1")))], false, "3"), &held);
        assert!(plan.batch.put.is_empty() && plan.events.is_empty());
        assert_eq!(plan.batch.meta.len(), 1, "the cursor still moves on");
    }

    #[test]
    fn a_large_pull_reports_progress_and_ends_with_a_reload_not_one_event_per_record() {
        let mut pull = Pull::new(false);
        let first = pull.page(page(vec![change("deals", "d1", Some(deal("d1")))], true, "1"), &HashSet::new());
        assert_eq!(first.progress, Some((1, 11)));
        assert!(first.events.is_empty());
        let last = pull.page(page(vec![change("deals", "d2", Some(deal("d2")))], false, "2"), &HashSet::new());
        assert!(last.events.is_empty() && last.progress.is_none());
        assert_eq!(pull.end(), PullEnd { reload: true, changed: true });
    }

    #[test]
    fn a_first_pull_tells_account_names_as_they_come() {
        let account = serde_json::json!({"id": "a1", "version": 1, "created_at": "x", "updated_at": "x",
            "name": "Bodegas Sol", "industry": null, "website": null, "phone": null, "city": null, "owner_id": null});
        let plan =
            Pull::new(true).page(page(vec![change("accounts", "a1", Some(account))], true, "1"), &HashSet::new());
        assert!(matches!(&plan.events[..], [StoreEvent::Accounts(list)] if list[0].name == "Bodegas Sol"));
    }

    #[test]
    fn unknown_kinds_and_unreadable_records_are_skipped_and_nothing_written_needs_no_reload() {
        let mut pull = Pull::new(false);
        let odd = Change {
            deleted: false,
            record: serde_json::value::to_raw_value(&serde_json::json!({"no": "id"})).ok(),
            ..change("deals", "x", None)
        };
        let plan = pull.page(page(vec![change("cases", "c1", Some(deal("c1"))), odd], false, "4"), &HashSet::new());
        assert!(plan.batch.put.is_empty() && plan.batch.delete.is_empty());
        assert_eq!(pull.end(), PullEnd { reload: false, changed: false });
    }
}
