//! Polling Tryton for changes: by `write_date`/`create_date`, one model at a time (the pipeline, parties, then
//! opportunities), paged. The cursor (`t1|phase|offset|since|newest`) keeps microseconds, so no write is skipped or
//! repeated; a pass that ends starts the next one from the newest write it saw. Deletions are not visible this way.

use super::mapping::{
    account_of, contact_of, deal_of, malformed, pipeline_of, precise, to_datetime, DEAL_FIELDS, PARTY_FIELDS,
    PIPELINE_ID,
};
use super::rpc::Rpc;
use crate::connector::{ConnectorError, HttpRequest, Reply, Step};
use serde_json::{json, Value};
use trato_protocol::*;

/// Where a changes pass is: the phase (0 the pipeline, 1 parties, 2 opportunities), the offset in it, the lower
/// bound of this pass and the newest write seen in it.
#[derive(Clone, Debug, PartialEq)]
pub struct Cursor {
    phase: u8,
    offset: u64,
    since: Option<String>,
    newest: Option<String>,
}

impl Cursor {
    /// The cursor in `text`; a fresh pass when there is none or it cannot be read.
    pub fn parse(text: Option<&str>) -> Cursor {
        let fresh = Cursor { phase: 0, offset: 0, since: None, newest: None };
        let Some(text) = text else { return fresh };
        let parts: Vec<&str> = text.split('|').collect();
        match parts.as_slice() {
            ["t1", phase, offset, since, newest] => Cursor {
                phase: phase.parse().unwrap_or(0),
                offset: offset.parse().unwrap_or(0),
                since: Some(since.to_string()).filter(|s| !s.is_empty()),
                newest: Some(newest.to_string()).filter(|s| !s.is_empty()),
            },
            _ => fresh,
        }
    }

    /// The cursor as text.
    pub fn text(&self) -> String {
        format!(
            "t1|{}|{}|{}|{}",
            self.phase,
            self.offset,
            self.since.as_deref().unwrap_or(""),
            self.newest.as_deref().unwrap_or("")
        )
    }
}

fn changed_since(since: &Option<String>) -> Value {
    match since {
        None => json!([]),
        Some(since) => {
            let at = to_datetime(since);
            json!([["OR", ["write_date", ">", at], ["create_date", ">", at]]])
        }
    }
}

/// The call that reads the next page of changes after `cursor`.
pub fn request(rpc: &Rpc<'_>, cursor: &Cursor, limit: u32) -> HttpRequest {
    match cursor.phase {
        0 => rpc.call("model.sale.opportunity.fields_get", vec![json!(["state"])]),
        phase => {
            let (model, fields) =
                if phase == 1 { ("party.party", &PARTY_FIELDS[..]) } else { ("sale.opportunity", &DEAL_FIELDS[..]) };
            let params = vec![
                changed_since(&cursor.since),
                json!(cursor.offset),
                json!(limit),
                json!([["id", "ASC"]]),
                json!(fields),
            ];
            rpc.call(&format!("model.{model}.search_read"), params)
        }
    }
}

/// The page of changes in `result`, read after `cursor`.
pub fn reply(mut cursor: Cursor, limit: u32, result: Value) -> Result<Step, ConnectorError> {
    let mut changes = vec![];
    let mut page_full = false;
    match cursor.phase {
        0 => {
            let pipeline = pipeline_of(&result);
            changes.push(Change::new("pipelines", PIPELINE_ID, 1, serde_json::to_value(pipeline).ok().as_ref()));
        }
        phase => {
            let records = result.as_array().ok_or_else(|| malformed("a list of records"))?;
            page_full = records.len() as u64 >= u64::from(limit);
            for record in records {
                let seen = precise(&record["write_date"]).or_else(|| precise(&record["create_date"]));
                if seen > cursor.newest {
                    cursor.newest = seen;
                }
                if phase == 1 {
                    let account = account_of(record);
                    let contact = contact_of(record);
                    changes.push(change("accounts", &account.meta, serde_json::to_value(&account).ok()));
                    changes.push(change("contacts", &contact.meta, serde_json::to_value(&contact).ok()));
                } else {
                    let deal = deal_of(record);
                    changes.push(change("deals", &deal.meta, serde_json::to_value(&deal).ok()));
                }
            }
        }
    }
    // Next: the rest of this phase, the next phase, or (after the last) a new pass from the newest write.
    let more = if page_full {
        cursor.offset += u64::from(limit);
        true
    } else if cursor.phase < 2 {
        cursor.phase += 1;
        cursor.offset = 0;
        true
    } else {
        cursor = Cursor { phase: 1, offset: 0, since: cursor.newest.clone().or(cursor.since), newest: None };
        false
    };
    Ok(Step::Reply(Reply::Changes(ChangesPage { changes, cursor: cursor.text(), more, remaining: 0 })))
}

fn change(kind: &str, meta: &Meta, record: Option<Value>) -> Change {
    Change::new(kind, &meta.id, meta.version, record.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_walk_the_phases_and_start_a_new_pass_from_the_newest_write() {
        let cursor = Cursor { phase: 2, offset: 100, since: Some("2026-11-01T00:00:00Z".into()), newest: None };
        assert_eq!(Cursor::parse(Some(&cursor.text())), cursor);
        assert_eq!(Cursor::parse(Some("garbage")).phase, 0);
    }
}
