//! The outbox: changes made on this device that have not reached the backend yet, and the rules for sending
//! them. Everything here is plain data and pure functions (the IndexedDB side lives in `store::cache`), so the
//! rules are tested natively:
//!
//! - entries go out in the order they were made; an entry waits while an earlier unsettled one (parked or in
//!   conflict) touches the same records, and every other entry goes on;
//! - each entry keeps one idempotency key for all its attempts, so a retry after a lost answer is replayed by the
//!   backend instead of applied twice;
//! - failures are classified: retry later (network, 5xx, 429: exponential backoff with jitter, honouring
//!   `Retry-After`), conflict (412: the rep chooses), parked (the backend refused the values: kept with its
//!   message), or signed out (everything waits for the next sign-in);
//! - a success renames a record created here (temporary id to the server's) in every later entry and hands the
//!   new version on to later changes of the same record.

use super::record::Kind;
use crate::connector::{ConnectorError, Operation, RecordOp, RecordReply, Reply};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use trato_protocol::*;

/// Prefix of the ids given to records created on this device until the backend assigns theirs.
pub const TEMP_PREFIX: &str = "tmp-";

/// One change to send.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Change {
    /// Create a deal; `id` is the temporary id it has here.
    CreateDeal {
        /// Temporary id.
        id: String,
        /// The deal.
        new: NewDeal,
    },
    /// Change fields of a deal made on `version`.
    UpdateDeal {
        /// Deal id.
        id: String,
        /// Version the change was made on.
        version: u64,
        /// The fields.
        patch: DealPatch,
    },
    /// Delete a deal decided on `version`.
    DeleteDeal {
        /// Deal id.
        id: String,
        /// Version the delete was decided on.
        version: u64,
    },
    /// Bring a deleted deal back.
    RestoreDeal {
        /// Deal id.
        id: String,
    },
    /// Create an account (quick add with a new company name).
    CreateAccount {
        /// Temporary id.
        id: String,
        /// The account.
        new: NewAccount,
    },
    /// Change fields of an account made on `version`.
    UpdateAccount {
        /// Account id.
        id: String,
        /// Version the change was made on.
        version: u64,
        /// The fields.
        patch: AccountPatch,
    },
    /// Create a contact; `id` is the temporary id it has here.
    CreateContact {
        /// Temporary id.
        id: String,
        /// The contact.
        new: NewContact,
    },
    /// Change fields of a contact made on `version`.
    UpdateContact {
        /// Contact id.
        id: String,
        /// Version the change was made on.
        version: u64,
        /// The fields.
        patch: ContactPatch,
    },
    /// Log an activity.
    CreateActivity {
        /// Temporary id.
        id: String,
        /// The activity.
        new: NewActivity,
    },
    /// Change an activity (tick a task done).
    UpdateActivity {
        /// Activity id.
        id: String,
        /// Version the change was made on.
        version: u64,
        /// The fields.
        patch: ActivityPatch,
    },
}

impl Change {
    /// Whether this only moves a deal to another stage.
    pub fn is_stage_move(&self) -> bool {
        matches!(self, Change::UpdateDeal { patch, .. } if patch.stage_id.is_some() && patch.name.is_none() && patch.amount.is_none())
    }

    /// The kind of record the change is about.
    pub fn kind(&self) -> Kind {
        match self {
            Change::CreateDeal { .. }
            | Change::UpdateDeal { .. }
            | Change::DeleteDeal { .. }
            | Change::RestoreDeal { .. } => Kind::Deals,
            Change::CreateAccount { .. } | Change::UpdateAccount { .. } => Kind::Accounts,
            Change::CreateContact { .. } | Change::UpdateContact { .. } => Kind::Contacts,
            Change::CreateActivity { .. } | Change::UpdateActivity { .. } => Kind::Activities,
        }
    }

    /// The id of the record the change is about.
    pub fn id(&self) -> &str {
        match self {
            Change::CreateDeal { id, .. }
            | Change::UpdateDeal { id, .. }
            | Change::DeleteDeal { id, .. }
            | Change::RestoreDeal { id }
            | Change::CreateAccount { id, .. }
            | Change::UpdateAccount { id, .. }
            | Change::CreateContact { id, .. }
            | Change::UpdateContact { id, .. }
            | Change::CreateActivity { id, .. }
            | Change::UpdateActivity { id, .. } => id,
        }
    }

    /// Ids of other records the change refers to (they must reach the backend first).
    pub fn refs(&self) -> Vec<&str> {
        let mut refs: Vec<&str> = match self {
            Change::CreateDeal { new, .. } => {
                [&new.account_id, &new.contact_id].into_iter().flatten().map(String::as_str).collect()
            }
            Change::UpdateDeal { patch, .. } => {
                [&patch.account_id, &patch.contact_id].into_iter().flatten().flatten().map(String::as_str).collect()
            }
            Change::CreateActivity { new, .. } => {
                [&new.deal_id, &new.account_id, &new.contact_id].into_iter().flatten().map(String::as_str).collect()
            }
            Change::CreateContact { new, .. } => new.account_id.iter().map(String::as_str).collect(),
            Change::UpdateContact { patch, .. } => patch.account_id.iter().flatten().map(String::as_str).collect(),
            _ => vec![],
        };
        refs.retain(|r| r.starts_with(TEMP_PREFIX));
        refs
    }

    /// Replaces the temporary id `from` by the backend's `to`, wherever the change mentions it.
    pub fn rename(&mut self, from: &str, to: &str) {
        let swap = |slot: &mut String| {
            if slot == from {
                *slot = to.to_string();
            }
        };
        let swap_opt = |slot: &mut Option<String>| {
            if slot.as_deref() == Some(from) {
                *slot = Some(to.to_string());
            }
        };
        match self {
            Change::CreateDeal { id, new } => {
                swap(id);
                swap_opt(&mut new.account_id);
                swap_opt(&mut new.contact_id);
            }
            Change::UpdateDeal { id, patch, .. } => {
                swap(id);
                if let Some(account) = &mut patch.account_id {
                    swap_opt(account);
                }
                if let Some(contact) = &mut patch.contact_id {
                    swap_opt(contact);
                }
            }
            Change::CreateActivity { id, new } => {
                swap(id);
                swap_opt(&mut new.deal_id);
                swap_opt(&mut new.account_id);
                swap_opt(&mut new.contact_id);
            }
            Change::CreateContact { id, new } => {
                swap(id);
                swap_opt(&mut new.account_id);
            }
            Change::UpdateContact { id, patch, .. } => {
                swap(id);
                if let Some(account) = &mut patch.account_id {
                    swap_opt(account);
                }
            }
            Change::DeleteDeal { id, .. }
            | Change::RestoreDeal { id }
            | Change::CreateAccount { id, .. }
            | Change::UpdateAccount { id, .. }
            | Change::UpdateActivity { id, .. } => swap(id),
        }
    }

    /// Sets the version an update or delete is made on.
    pub fn set_version(&mut self, to: u64) {
        match self {
            Change::UpdateDeal { version, .. }
            | Change::DeleteDeal { version, .. }
            | Change::UpdateAccount { version, .. }
            | Change::UpdateContact { version, .. }
            | Change::UpdateActivity { version, .. } => *version = to,
            _ => {}
        }
    }

    /// The version an update or delete is made on (none for creations and restorations).
    pub fn version(&self) -> Option<u64> {
        match self {
            Change::UpdateDeal { version, .. }
            | Change::DeleteDeal { version, .. }
            | Change::UpdateAccount { version, .. }
            | Change::UpdateContact { version, .. }
            | Change::UpdateActivity { version, .. } => Some(*version),
            _ => None,
        }
    }

    /// Whether the change creates its record.
    pub fn is_create(&self) -> bool {
        matches!(
            self,
            Change::CreateDeal { .. }
                | Change::CreateAccount { .. }
                | Change::CreateContact { .. }
                | Change::CreateActivity { .. }
        )
    }

    /// Whether the change deletes its record.
    pub fn is_delete(&self) -> bool {
        matches!(self, Change::DeleteDeal { .. })
    }

    /// The connector operation that sends the change, with its idempotency key.
    pub fn operation(&self, key: &str) -> Operation {
        let keyed = Some(key.to_string());
        let key = key.to_string();
        match self.clone() {
            Change::CreateDeal { new, .. } => Operation::Deals(RecordOp::Create { new, idempotency_key: key }),
            Change::UpdateDeal { id, version, patch } => {
                Operation::Deals(RecordOp::Update { id, version: Some(version), patch, idempotency_key: keyed })
            }
            Change::DeleteDeal { id, version } => {
                Operation::Deals(RecordOp::Delete { id, version: Some(version), idempotency_key: keyed })
            }
            Change::RestoreDeal { id } => Operation::RestoreDeal { id, idempotency_key: keyed },
            Change::CreateAccount { new, .. } => Operation::Accounts(RecordOp::Create { new, idempotency_key: key }),
            Change::UpdateAccount { id, version, patch } => {
                Operation::Accounts(RecordOp::Update { id, version: Some(version), patch, idempotency_key: keyed })
            }
            Change::CreateContact { new, .. } => Operation::Contacts(RecordOp::Create { new, idempotency_key: key }),
            Change::UpdateContact { id, version, patch } => {
                Operation::Contacts(RecordOp::Update { id, version: Some(version), patch, idempotency_key: keyed })
            }
            Change::CreateActivity { new, .. } => Operation::Activities(RecordOp::Create { new, idempotency_key: key }),
            Change::UpdateActivity { id, version, patch } => {
                Operation::Activities(RecordOp::Update { id, version: Some(version), patch, idempotency_key: keyed })
            }
        }
    }
}

/// Where an entry stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum EntryState {
    /// Waiting to be sent (again).
    Pending,
    /// The backend refused it; kept with its message until the rep retries or discards it.
    Parked {
        /// Why, in words the screen translates.
        #[serde(default)]
        reason: ParkReason,
        /// The backend's message.
        message: String,
        /// Per-field messages.
        #[serde(default)]
        fields: FieldErrors,
    },
    /// The record changed on the backend since the change was made; the rep chooses.
    Conflict {
        /// The backend's message.
        message: String,
        /// The backend's record now (`None` when it could not be read yet).
        theirs: Option<Value>,
    },
}

/// Why the backend refused a change.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParkReason {
    /// The values were refused (see the message and fields).
    #[default]
    Invalid,
    /// The record no longer exists on the backend.
    Gone,
    /// The rep may not make this change.
    Forbidden,
    /// The backend cannot do this at all (for example a move its workflow has no step for).
    Unsupported,
    /// Anything else (an answer the client could not read).
    Other,
}

/// One queued change.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Entry {
    /// Position in the outbox (assigned by the cache, increasing).
    pub seq: u64,
    /// Idempotency key, the same for every attempt.
    pub key: String,
    /// The change.
    pub change: Change,
    /// Where it stands.
    pub state: EntryState,
    /// Failed attempts so far.
    #[serde(default)]
    pub attempts: u32,
    /// The record before the change (put back if the rep discards a refused change).
    #[serde(default)]
    pub before: Option<Value>,
}

impl PartialEq for Entry {
    /// Entries are the same when they are the same queued change in the same state.
    fn eq(&self, other: &Self) -> bool {
        self.seq == other.seq
            && self.key == other.key
            && self.change.id() == other.change.id()
            && self.state == other.state
            && self.attempts == other.attempts
    }
}

impl Entry {
    /// A new pending entry.
    pub fn new(key: String, change: Change, before: Option<Value>) -> Self {
        Entry { seq: 0, key, change, state: EntryState::Pending, attempts: 0, before }
    }

    /// Whether the entry waits for the rep (parked or in conflict).
    pub fn needs_attention(&self) -> bool {
        self.state != EntryState::Pending
    }
}

/// Index of the entry to send next: the first pending one that no earlier unsettled entry holds back.
pub fn next_sendable(entries: &[Entry]) -> Option<usize> {
    let mut held: Vec<&str> = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let id = entry.change.id();
        let refs = entry.change.refs();
        if entry.needs_attention() || held.contains(&id) || refs.iter().any(|r| held.contains(r)) {
            held.push(id);
            continue;
        }
        return Some(index);
    }
    None
}

/// Delay before the next attempt after `attempts` failures: exponential from 1 s up to 60 s with "equal jitter"
/// (`jitter` in 0..1 picks a point in the upper half), never shorter than the backend's `Retry-After`.
pub fn backoff_ms(attempts: u32, jitter: f64, retry_after_seconds: Option<u32>) -> u64 {
    let cap = (1000u64 << attempts.min(6)).min(60_000);
    let delay = (cap as f64 * (0.5 + jitter.clamp(0.0, 1.0) * 0.5)) as u64;
    let asked = u64::from(retry_after_seconds.unwrap_or(0)).min(600) * 1000;
    delay.max(asked)
}

/// What an attempt came to.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Applied; the backend's record (`None` after a delete).
    Done(Option<Value>),
    /// Try again after this many milliseconds.
    Retry(u64),
    /// The backend refused the change.
    Park {
        /// Why.
        reason: ParkReason,
        /// Its message.
        message: String,
        /// Per-field messages.
        fields: FieldErrors,
    },
    /// The record changed on the backend.
    Conflict(String),
    /// The session ended: stop until the rep signs in again.
    SignedOut,
}

fn record_value(reply: Reply) -> Option<Value> {
    let one = |value: Result<Value, serde_json::Error>| value.ok();
    match reply {
        Reply::Deals(RecordReply::One(r)) => one(serde_json::to_value(r)),
        Reply::Accounts(RecordReply::One(r)) => one(serde_json::to_value(r)),
        Reply::Activities(RecordReply::One(r)) => one(serde_json::to_value(r)),
        _ => None,
    }
}

/// Classifies the result of sending `change` for the `attempts`-th time.
pub fn outcome(change: &Change, result: Result<Reply, ConnectorError>, attempts: u32, jitter: f64) -> Outcome {
    match result {
        Ok(reply) => Outcome::Done(record_value(reply)),
        Err(ConnectorError::Network(_) | ConnectorError::Server { .. }) => {
            Outcome::Retry(backoff_ms(attempts, jitter, None))
        }
        Err(ConnectorError::RateLimited(after)) => Outcome::Retry(backoff_ms(attempts, jitter, after)),
        Err(ConnectorError::Unauthorized(_)) => Outcome::SignedOut,
        Err(ConnectorError::Conflict(message)) => Outcome::Conflict(message),
        Err(ConnectorError::NotFound(_)) if change.is_delete() => Outcome::Done(None),
        Err(ConnectorError::Invalid { message, fields }) => {
            Outcome::Park { reason: ParkReason::Invalid, message, fields }
        }
        Err(error) => {
            let reason = match error {
                ConnectorError::NotFound(_) => ParkReason::Gone,
                ConnectorError::Forbidden(_) => ParkReason::Forbidden,
                ConnectorError::Unsupported(_) => ParkReason::Unsupported,
                _ => ParkReason::Other,
            };
            Outcome::Park { reason, message: error.to_string(), fields: FieldErrors::new() }
        }
    }
}

/// How the cache's copy of the record changes after a success.
#[derive(Clone, Debug, PartialEq)]
pub enum CacheWrite {
    /// Store the backend's record.
    Put(Value),
    /// Later changes of the record are still queued: keep the local record (they are in it) and only take the
    /// backend's version and update time.
    KeepLocal(Value),
    /// Nothing to store (the record is deleted).
    Nothing,
}

/// Everything to write, in one transaction, after entry `index` succeeded.
#[derive(Clone, Debug)]
pub struct Settlement {
    /// The entry to remove.
    pub done_seq: u64,
    /// Later entries that now name the backend's id or version.
    pub rewritten: Vec<Entry>,
    /// A record created here got the backend's id: `(temporary, backend's)`.
    pub renamed: Option<(String, String)>,
    /// The cache's copy of the record.
    pub write: CacheWrite,
}

/// What to write after entry `index` of `entries` succeeded with `record`.
pub fn settle(entries: &[Entry], index: usize, record: Option<Value>) -> Settlement {
    let done = &entries[index];
    let temp = done.change.id().to_string();
    let real = record.as_ref().and_then(|r| r["id"].as_str()).map(str::to_string).unwrap_or_else(|| temp.clone());
    let renamed = (done.change.is_create() && real != temp).then(|| (temp.clone(), real.clone()));
    let version = record.as_ref().and_then(|r| r["version"].as_u64());
    let mut rewritten = Vec::new();
    let mut later_same_record = false;
    for entry in &entries[index + 1..] {
        let mut changed = entry.clone();
        if let Some((from, to)) = &renamed {
            changed.change.rename(from, to);
        }
        if changed.change.id() == real && changed.change.kind() == done.change.kind() {
            later_same_record = true;
            if let Some(version) = version {
                changed.change.set_version(version);
            }
        }
        let differs = serde_json::to_value(&changed.change).ok() != serde_json::to_value(&entry.change).ok();
        if differs {
            rewritten.push(changed);
        }
    }
    let write = match record {
        None => CacheWrite::Nothing,
        Some(record) if later_same_record => CacheWrite::KeepLocal(record),
        Some(record) => CacheWrite::Put(record),
    };
    Settlement { done_seq: done.seq, rewritten, renamed, write }
}

/// Versions this device's own changes replaced: a change made on a version that one of them replaced (a screen
/// that had not yet seen the backend's answer, such as Undo pressed at once) is made on the replacement instead of
/// being refused as someone else's edit. A version changed by anyone else is never in it, so such edits still
/// conflict.
#[derive(Clone, Debug, Default)]
pub struct Replaced {
    versions: std::collections::HashMap<(Kind, String), (u64, u64)>,
}

impl Replaced {
    /// Records that this device's change of record `id` of `kind` turned version `from` into `to`. Only the
    /// latest replacement of a record is kept.
    pub fn record(&mut self, kind: Kind, id: &str, from: u64, to: u64) {
        let key = (kind, id.to_string());
        // A chain (1 → 2, then 2 → 3) still takes a change made on 1 to 3.
        let first = match self.versions.get(&key) {
            Some(&(start, end)) if end == from => start,
            _ => from,
        };
        self.versions.insert(key, (first, to));
    }

    /// The version a change of `id` made on `version` should be sent with.
    pub fn current(&self, kind: Kind, id: &str, version: u64) -> u64 {
        match self.versions.get(&(kind, id.to_string())) {
            Some(&(start, end)) if (start..end).contains(&version) => end,
            _ => version,
        }
    }

    /// Forgets everything (another rep's data, after signing out).
    pub fn clear(&mut self) {
        self.versions.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_versions_this_device_replaced_are_moved_on() {
        let mut replaced = Replaced::default();
        replaced.record(Kind::Deals, "d1", 1, 2);
        assert_eq!(replaced.current(Kind::Deals, "d1", 1), 2);
        replaced.record(Kind::Deals, "d1", 2, 3);
        assert_eq!(replaced.current(Kind::Deals, "d1", 1), 3, "a chain of own changes");
        assert_eq!(replaced.current(Kind::Deals, "d1", 3), 3);
        assert_eq!(replaced.current(Kind::Deals, "d1", 4), 4, "a version someone else made is kept: it conflicts");
        assert_eq!(replaced.current(Kind::Activities, "d1", 1), 1, "another kind");
        assert_eq!(replaced.current(Kind::Deals, "d2", 1), 1, "another record");
        // A gap (someone else made 4 from 3) starts a new chain: a change made on 3 is not taken past 4's owner.
        replaced.record(Kind::Deals, "d1", 4, 5);
        assert_eq!(replaced.current(Kind::Deals, "d1", 3), 3);
        assert_eq!(replaced.current(Kind::Deals, "d1", 4), 5);
    }

    fn update(seq: u64, id: &str, version: u64) -> Entry {
        let patch = DealPatch { position: Some(seq as f64), ..Default::default() };
        Entry { seq, ..Entry::new(format!("k{seq}"), Change::UpdateDeal { id: id.into(), version, patch }, None) }
    }

    fn create_deal(seq: u64, id: &str, account: Option<&str>) -> Entry {
        let new = NewDeal {
            name: "Nuevo".into(),
            pipeline_id: "p".into(),
            stage_id: None,
            account_id: account.map(Into::into),
            contact_id: None,
            participant_ids: vec![],
            owner_id: None,
            amount: Money { minor: 0, currency: "EUR".into() },
            expected_close: None,
            position: None,
        };
        Entry { seq, ..Entry::new(format!("k{seq}"), Change::CreateDeal { id: id.into(), new }, None) }
    }

    fn parked(mut entry: Entry) -> Entry {
        entry.state =
            EntryState::Parked { reason: ParkReason::Invalid, message: "no".into(), fields: FieldErrors::new() };
        entry
    }

    #[test]
    fn sends_in_order_and_only_holds_back_what_depends_on_an_unsettled_entry() {
        let entries = vec![update(1, "d1", 1), update(2, "d2", 1)];
        assert_eq!(next_sendable(&entries), Some(0));
        let entries = vec![parked(update(1, "d1", 1)), update(2, "d1", 1), update(3, "d2", 1)];
        assert_eq!(next_sendable(&entries), Some(2), "d1 waits for the rep, d2 goes on");
        let account = Entry {
            seq: 1,
            ..Entry::new("a".into(), Change::CreateAccount { id: "tmp-a".into(), new: NewAccount::default() }, None)
        };
        let entries = vec![parked(account), create_deal(2, "tmp-d", Some("tmp-a")), update(3, "tmp-d", 0)];
        assert_eq!(next_sendable(&entries), None, "a deal of a refused new account waits, and so do its edits");
        assert_eq!(next_sendable(&[]), None);
    }

    #[test]
    fn a_created_record_takes_the_backend_id_and_version_in_later_entries() {
        let account = Entry {
            seq: 1,
            ..Entry::new("a".into(), Change::CreateAccount { id: "tmp-a".into(), new: NewAccount::default() }, None)
        };
        let entries = vec![account, create_deal(2, "tmp-d", Some("tmp-a")), update(3, "tmp-d", 0)];
        let settled = settle(&entries, 0, Some(serde_json::json!({"id": "acc_9", "version": 1})));
        assert_eq!(settled.renamed, Some(("tmp-a".into(), "acc_9".into())));
        assert_eq!(settled.rewritten.len(), 1);
        match &settled.rewritten[0].change {
            Change::CreateDeal { new, .. } => assert_eq!(new.account_id.as_deref(), Some("acc_9")),
            other => panic!("{other:?}"),
        }
        assert!(matches!(settled.write, CacheWrite::Put(_)));

        let entries = vec![create_deal(2, "tmp-d", None), update(3, "tmp-d", 0), update(4, "d7", 2)];
        let settled = settle(&entries, 0, Some(serde_json::json!({"id": "deal_5", "version": 1})));
        assert_eq!(settled.rewritten.len(), 1, "the unrelated entry is untouched");
        match &settled.rewritten[0].change {
            Change::UpdateDeal { id, version, .. } => assert_eq!((id.as_str(), *version), ("deal_5", 1)),
            other => panic!("{other:?}"),
        }
        assert!(matches!(settled.write, CacheWrite::KeepLocal(_)), "the queued move is kept on screen");
    }

    #[test]
    fn later_changes_of_a_record_are_made_on_the_version_the_backend_returned() {
        let entries = vec![update(1, "d1", 4), update(2, "d1", 4)];
        let settled = settle(&entries, 0, Some(serde_json::json!({"id": "d1", "version": 5})));
        assert_eq!(settled.done_seq, 1);
        match &settled.rewritten[0].change {
            Change::UpdateDeal { version, .. } => assert_eq!(*version, 5),
            other => panic!("{other:?}"),
        }
        let settled = settle(&entries, 1, Some(serde_json::json!({"id": "d1", "version": 6})));
        assert!(matches!(settled.write, CacheWrite::Put(_)));
    }

    #[test]
    fn failures_are_classified() {
        let change = update(1, "d1", 1).change;
        let network = outcome(&change, Err(ConnectorError::Network("down".into())), 0, 0.0);
        assert_eq!(network, Outcome::Retry(500));
        let limited = outcome(&change, Err(ConnectorError::RateLimited(Some(30))), 0, 1.0);
        assert_eq!(limited, Outcome::Retry(30_000), "Retry-After wins over a shorter backoff");
        assert_eq!(
            outcome(&change, Err(ConnectorError::Conflict("412".into())), 0, 0.0),
            Outcome::Conflict("412".into())
        );
        assert_eq!(outcome(&change, Err(ConnectorError::Unauthorized("x".into())), 0, 0.0), Outcome::SignedOut);
        let invalid =
            ConnectorError::Invalid { message: "bad".into(), fields: [("name".into(), "empty".into())].into() };
        assert!(
            matches!(outcome(&change, Err(invalid), 0, 0.0), Outcome::Park { fields, .. } if fields["name"] == "empty")
        );
        assert!(matches!(
            outcome(&change, Err(ConnectorError::NotFound("gone".into())), 0, 0.0),
            Outcome::Park { reason: ParkReason::Gone, .. }
        ));
        assert!(matches!(
            outcome(&change, Err(ConnectorError::Unsupported("no such move".into())), 0, 0.0),
            Outcome::Park { reason: ParkReason::Unsupported, .. }
        ));
        let delete = Change::DeleteDeal { id: "d1".into(), version: 1 };
        assert_eq!(outcome(&delete, Err(ConnectorError::NotFound("gone".into())), 0, 0.0), Outcome::Done(None));
    }

    #[test]
    fn only_stage_changes_are_stage_moves() {
        let patch = |stage: Option<&str>, name: Option<&str>| Change::UpdateDeal {
            id: "d1".into(),
            version: 1,
            patch: DealPatch { stage_id: stage.map(Into::into), name: name.map(Into::into), ..Default::default() },
        };
        assert!(patch(Some("won"), None).is_stage_move());
        assert!(!patch(None, Some("x")).is_stage_move());
        assert!(!patch(Some("won"), Some("x")).is_stage_move());
        assert!(!Change::DeleteDeal { id: "d1".into(), version: 1 }.is_stage_move());
    }

    #[test]
    fn backoff_grows_with_jitter_up_to_a_minute() {
        assert_eq!(backoff_ms(0, 0.0, None), 500);
        assert_eq!(backoff_ms(0, 1.0, None), 1000);
        assert_eq!(backoff_ms(3, 1.0, None), 8000);
        assert_eq!(backoff_ms(40, 1.0, None), 60_000);
        assert!((30_000..=60_000).contains(&backoff_ms(10, 0.3, None)));
        assert_eq!(backoff_ms(0, 0.0, Some(100_000)), 600_000, "a huge Retry-After is capped at ten minutes");
    }

    #[test]
    fn every_attempt_carries_the_entry_key() {
        let entry = update(1, "d1", 3);
        match entry.change.operation(&entry.key) {
            Operation::Deals(RecordOp::Update { idempotency_key, version, .. }) => {
                assert_eq!((idempotency_key.as_deref(), version), (Some("k1"), Some(3)))
            }
            other => panic!("{other:?}"),
        }
        let json = serde_json::to_string(&entry).unwrap();
        let back: Entry = serde_json::from_str(&json).unwrap();
        assert_eq!(back.key, "k1");
        assert_eq!(back.change.id(), "d1");
    }
}
