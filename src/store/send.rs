//! The send side, decided in plain Rust: what an attempt's outcome means for its outbox entry, how a success is
//! settled into the cache (the backend's record, a temporary id becoming the backend's everywhere, versions handed
//! on), and how an entry queued before a rename learns the new id. Pure and natively tested; the browser side only
//! sends, reads what a plan needs and writes what it says.

use super::batch::Batch;
use super::event::StoreEvent;
use super::outbox::{settle, CacheWrite, Entry, EntryState, Outcome, ParkReason, TEMP_PREFIX};
use super::record::{Kind, Row};
use serde_json::Value;
use trato_protocol::*;

/// What to do after an attempt to send an entry.
#[derive(Clone, Debug, PartialEq)]
pub enum AfterAttempt {
    /// It was applied: settle it with the backend's record.
    Settle(Option<Value>),
    /// Store the entry (one more failed attempt) and try again after this many milliseconds.
    Retry(Entry, u32),
    /// The session ended: nothing changes, look again after a while.
    SignedOut,
    /// Store the entry as refused, with the backend's reason. For a move the backend's workflow does not allow,
    /// the move is also put back at once and the screens are told (`refused_move`).
    Park {
        /// The entry, now parked.
        entry: Entry,
        /// The deal and the backend's message to tell, when the refused change is a workflow move.
        refused_move: Option<(String, Option<String>)>,
    },
    /// The record changed on the backend: read its copy, then store the entry in conflict with it.
    Conflict(Entry, String),
}

/// How long the background sender waits when there is nothing else to go by.
pub const IDLE_MS: u32 = 30_000;

/// Decides what `outcome` means for `entry`; `free_stages` tells whether the backend moves deals freely.
pub fn after_attempt(mut entry: Entry, outcome: Outcome, free_stages: bool) -> AfterAttempt {
    match outcome {
        Outcome::Done(record) => AfterAttempt::Settle(record),
        Outcome::Retry(ms) => {
            entry.attempts += 1;
            AfterAttempt::Retry(entry, ms.min(u64::from(u32::MAX)) as u32)
        }
        Outcome::SignedOut => AfterAttempt::SignedOut,
        Outcome::Park { reason, message, fields } => {
            let workflow_move = !free_stages && entry.change.is_stage_move();
            let said = (reason != ParkReason::Unsupported).then(|| message.clone());
            let refused_move = workflow_move.then(|| (entry.change.id().to_string(), said));
            entry.state = EntryState::Parked { reason, message, fields };
            AfterAttempt::Park { entry, refused_move }
        }
        Outcome::Conflict(message) => AfterAttempt::Conflict(entry, message),
    }
}

/// Everything one success writes, and what the screens are told once it is written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SettlePlan {
    /// The writes, in one transaction (the entry leaves the outbox in it).
    pub batch: Batch,
    /// The record as the cache keeps it now.
    pub stored: Option<Value>,
    /// A temporary id that became the backend's: `(temporary, backend's)`.
    pub renamed: Option<(String, String)>,
    /// Events to emit after the write (before the stored record's own).
    pub events: Vec<StoreEvent>,
}

/// The field by which records of other kinds refer to a record of `kind`, and those kinds.
pub fn referrers(kind: Kind) -> Option<(&'static str, &'static [Kind])> {
    match kind {
        Kind::Accounts => Some(("account_id", &[Kind::Deals, Kind::Contacts, Kind::Activities])),
        Kind::Contacts => Some(("contact_id", &[Kind::Deals, Kind::Activities])),
        Kind::Deals => Some(("deal_id", &[Kind::Activities])),
        _ => None,
    }
}

/// Plans the settlement of entry `index` of `entries` (the outbox as it is now, read again after the answer),
/// given the backend's `record` and the cache's `local` copy of the record (JSON).
pub fn settle_plan(entries: &[Entry], index: usize, record: Option<Value>, local: Option<&str>) -> SettlePlan {
    let kind = entries[index].change.kind();
    let settlement = settle(entries, index, record.clone());
    let mut plan = SettlePlan {
        batch: Batch { dequeue: vec![settlement.done_seq], requeue: settlement.rewritten, ..Default::default() },
        renamed: settlement.renamed.clone(),
        ..Default::default()
    };
    if let Some((from, to)) = &settlement.renamed {
        let version = record.as_ref().and_then(|r| r["version"].as_u64()).unwrap_or(1);
        plan.batch.meta.push((format!("renamed:{from}"), format!("{to} {version}")));
        plan.batch.delete.push((kind, from.clone()));
        if kind == Kind::Deals {
            plan.events.push(StoreEvent::Deals { put: vec![], removed: vec![from.clone()] });
        }
    }
    plan.stored = match settlement.write {
        CacheWrite::Nothing => None,
        CacheWrite::Put(record) => Some(record),
        CacheWrite::KeepLocal(record) => {
            let mut kept: Value = local.and_then(|j| serde_json::from_str(j).ok()).unwrap_or_else(|| record.clone());
            kept["id"] = record["id"].clone();
            kept["version"] = record["version"].clone();
            kept["updated_at"] = record["updated_at"].clone();
            Some(kept)
        }
    };
    if let Some(row) = plan.stored.as_ref().and_then(|value| Row::from_value(kind, value)) {
        plan.batch.put.push((kind, row));
    }
    plan
}

/// `json` (a cached record that refers to a temporary id through `field`) pointing at the backend's id `to`.
pub fn repoint(kind: Kind, json: &str, field: &str, to: &str) -> Option<(Row, Value)> {
    let mut value: Value = serde_json::from_str(json).ok()?;
    value[field] = Value::String(to.into());
    Some((Row::from_value(kind, &value)?, value))
}

/// The temporary ids an entry mentions (its own record's and the records it refers to).
pub fn temporary_ids(entry: &Entry) -> Vec<String> {
    std::iter::once(entry.change.id().to_string())
        .chain(entry.change.refs().into_iter().map(String::from))
        .filter(|id| id.starts_with(TEMP_PREFIX))
        .collect()
}

/// Gives an entry queued before a record it mentions got the backend's id that id (and, for its own record, the
/// version it was created with). `known` is what the cache remembers of a temporary id (`"<id> <version>"`).
/// Returns whether the entry changed.
pub fn apply_renames(entry: &mut Entry, known: &[(String, String)]) -> bool {
    let mut changed = false;
    for (temp, remembered) in known {
        let (real, version) = remembered.split_once(' ').unwrap_or((remembered.as_str(), ""));
        let about_it = entry.change.id() == temp;
        entry.change.rename(temp, real);
        if let (true, Ok(version)) = (about_it, version.parse::<u64>()) {
            entry.change.set_version(version);
        }
        changed = true;
    }
    changed
}

/// The events that tell the screens about `value`, a record of `kind` now in the cache.
pub fn announce(kind: Kind, value: &Value) -> Option<StoreEvent> {
    match kind {
        Kind::Deals => serde_json::from_value::<Deal>(value.clone())
            .ok()
            .map(|deal| StoreEvent::Deals { put: vec![deal], removed: vec![] }),
        Kind::Accounts => serde_json::from_value::<Account>(value.clone()).ok().map(|a| StoreEvent::Accounts(vec![a])),
        Kind::Contacts => serde_json::from_value::<Contact>(value.clone()).ok().map(|c| StoreEvent::Contacts(vec![c])),
        Kind::Activities => {
            Some(StoreEvent::Activities(value["deal_id"].as_str().map(String::from).into_iter().collect()))
        }
        _ => None,
    }
}

/// Whether the backend's answer to `change` also changed other records, so a pull should follow at once: an
/// activity changes its deal's `next_activity` (the card shows it); an account or a contact may be one record of
/// the backend seen twice (a Tryton party is both), whose other side has a new version too.
pub fn pull_after(change: &super::outbox::Change) -> bool {
    matches!(change.kind(), Kind::Activities | Kind::Accounts | Kind::Contacts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::outbox::Change;

    fn update(seq: u64, id: &str, version: u64, stage: Option<&str>) -> Entry {
        let patch = DealPatch { stage_id: stage.map(Into::into), ..Default::default() };
        Entry { seq, ..Entry::new(format!("k{seq}"), Change::UpdateDeal { id: id.into(), version, patch }, None) }
    }

    #[test]
    fn saved_activities_accounts_and_contacts_are_followed_by_a_pull() {
        assert!(!pull_after(&update(1, "d1", 1, Some("won")).change));
        let done = ActivityPatch { done: Some(true), ..Default::default() };
        assert!(pull_after(&Change::UpdateActivity { id: "a1".into(), version: 1, patch: done }));
        let renamed = AccountPatch { name: Some("Gil".into()), ..Default::default() };
        assert!(pull_after(&Change::UpdateAccount { id: "party-4".into(), version: 1, patch: renamed }));
    }

    #[test]
    fn a_retry_counts_the_attempt_and_waits_as_told() {
        match after_attempt(update(1, "d1", 1, None), Outcome::Retry(1500), true) {
            AfterAttempt::Retry(entry, ms) => assert_eq!((entry.attempts, ms), (1, 1500)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_refused_workflow_move_is_put_back_with_the_backend_s_reason() {
        let park = |reason| Outcome::Park { reason, message: "Tryton keeps it".into(), fields: FieldErrors::new() };
        match after_attempt(update(1, "d1", 1, Some("won")), park(ParkReason::Invalid), false) {
            AfterAttempt::Park { entry, refused_move } => {
                assert!(entry.needs_attention());
                assert_eq!(refused_move, Some(("d1".to_string(), Some("Tryton keeps it".to_string()))));
            }
            other => panic!("{other:?}"),
        }
        match after_attempt(update(1, "d1", 1, Some("won")), park(ParkReason::Unsupported), false) {
            AfterAttempt::Park { refused_move, .. } => assert_eq!(refused_move, Some(("d1".to_string(), None))),
            other => panic!("{other:?}"),
        }
        // A backend that moves deals freely keeps the refused change for the rep to review.
        match after_attempt(update(1, "d1", 1, Some("won")), park(ParkReason::Invalid), true) {
            AfterAttempt::Park { refused_move, .. } => assert_eq!(refused_move, None),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_success_with_later_changes_keeps_the_local_record_with_the_backend_s_version() {
        let entries = vec![update(1, "d1", 1, Some("s2")), update(2, "d1", 1, Some("s3"))];
        let theirs = serde_json::json!({"id": "d1", "version": 2, "updated_at": "t2", "stage_id": "s2"});
        let local = r#"{"id":"d1","version":1,"updated_at":"t1","stage_id":"s3"}"#;
        let plan = settle_plan(&entries, 0, Some(theirs), Some(local));
        assert_eq!(plan.batch.dequeue, vec![1]);
        let stored = plan.stored.unwrap();
        assert_eq!((stored["stage_id"].as_str(), stored["version"].as_u64()), (Some("s3"), Some(2)));
        match &plan.batch.requeue[..] {
            [later] => assert!(matches!(later.change, Change::UpdateDeal { version: 2, .. })),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_created_record_takes_the_backend_s_id_everywhere() {
        let new =
            NewAccount { name: "Nueva".into(), industry: None, website: None, phone: None, city: None, owner_id: None };
        let create =
            Entry { seq: 1, ..Entry::new("k1".into(), Change::CreateAccount { id: "tmp-a".into(), new }, None) };
        let theirs = serde_json::json!({"id": "acc_9", "version": 1, "name": "Nueva", "updated_at": "t"});
        let plan = settle_plan(&[create], 0, Some(theirs), None);
        assert_eq!(plan.renamed, Some(("tmp-a".to_string(), "acc_9".to_string())));
        assert!(plan.batch.delete.contains(&(Kind::Accounts, "tmp-a".to_string())));
        assert!(plan.batch.meta.contains(&("renamed:tmp-a".to_string(), "acc_9 1".to_string())));
        let (row, value) = repoint(Kind::Deals, r#"{"id":"d1","account_id":"tmp-a"}"#, "account_id", "acc_9").unwrap();
        assert_eq!((row.id.as_str(), value["account_id"].as_str()), ("d1", Some("acc_9")));
        assert_eq!(referrers(Kind::Accounts).map(|r| r.0), Some("account_id"));
    }

    #[test]
    fn an_entry_queued_before_a_rename_learns_the_id_and_the_version() {
        let mut entry = update(2, "tmp-d", 0, Some("s2"));
        assert_eq!(temporary_ids(&entry), vec!["tmp-d".to_string()]);
        assert!(apply_renames(&mut entry, &[("tmp-d".into(), "deal_7 3".into())]));
        assert!(matches!(&entry.change, Change::UpdateDeal { id, version: 3, .. } if id == "deal_7"));
        assert!(!apply_renames(&mut entry, &[]));
    }
}
