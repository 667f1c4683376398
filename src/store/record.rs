//! Records as the cache keeps them: which kind, which id, and the fields the cache indexes.

use serde_json::Value;
use trato_protocol::*;

/// A kind of cached record; each has its own IndexedDB object store named like the protocol collection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Pipelines with their stages.
    Pipelines,
    /// Accounts.
    Accounts,
    /// Contacts.
    Contacts,
    /// Deals.
    Deals,
    /// Activities.
    Activities,
    /// The rep's saved views.
    Views,
}

impl Kind {
    /// Every cached kind.
    pub const ALL: [Kind; 6] =
        [Kind::Pipelines, Kind::Accounts, Kind::Contacts, Kind::Deals, Kind::Activities, Kind::Views];

    /// The object store (and protocol collection) name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Pipelines => "pipelines",
            Kind::Accounts => "accounts",
            Kind::Contacts => "contacts",
            Kind::Deals => "deals",
            Kind::Activities => "activities",
            Kind::Views => "views",
        }
    }

    /// The kind named `name` in the changes feed; `None` for kinds the desk does not cache.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The fields this kind is indexed by (each becomes an IndexedDB index of the same name): what the screens
    /// look records up by.
    pub fn indexed_fields(self) -> &'static [&'static str] {
        match self {
            Kind::Deals => &["stage_id", "account_id", "owner_id", "updated_at"],
            Kind::Accounts => &["updated_at"],
            Kind::Contacts => &["account_id"],
            Kind::Activities => &["deal_id"],
            Kind::Pipelines | Kind::Views => &[],
        }
    }
}

/// One record as stored in the cache: its id, the indexed fields copied out, and the record itself as JSON text
/// (parsing JSON in wasm is much faster than walking a JavaScript object field by field).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Record id (the object store key).
    pub id: String,
    /// `(field, value)` for each of [`Kind::indexed_fields`] the record has a value for.
    pub indexed: Vec<(&'static str, String)>,
    /// The record, JSON.
    pub json: String,
}

impl Row {
    /// The row for a record of `kind` given as a JSON value; `None` when it has no id.
    pub fn from_value(kind: Kind, value: &Value) -> Option<Row> {
        let id = value["id"].as_str()?.to_string();
        let indexed =
            kind.indexed_fields().iter().filter_map(|f| Some((*f, value[*f].as_str()?.to_string()))).collect();
        Some(Row { id, indexed, json: value.to_string() })
    }

    /// The row for a typed record.
    pub fn from_record<R: Record>(kind: Kind, record: &R) -> Option<Row> {
        Row::from_value(kind, &serde_json::to_value(record).ok()?)
    }

    /// The typed record back; `None` when the stored text does not decode (a bad row is skipped, never fatal).
    pub fn decode<R: serde::de::DeserializeOwned>(json: &str) -> Option<R> {
        serde_json::from_str(json).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_copy_out_the_indexed_fields() {
        let value = serde_json::json!({"id": "deal_1", "stage_id": "s1", "account_id": null, "owner_id": "u1",
            "updated_at": "2026-01-01T00:00:00Z", "name": "<b>x</b>"});
        let row = Row::from_value(Kind::Deals, &value).unwrap();
        assert_eq!(row.id, "deal_1");
        assert_eq!(
            row.indexed,
            vec![
                ("stage_id", "s1".to_string()),
                ("owner_id", "u1".into()),
                ("updated_at", "2026-01-01T00:00:00Z".into())
            ]
        );
        assert_eq!(serde_json::from_str::<Value>(&row.json).unwrap(), value);
        assert!(Row::from_value(Kind::Deals, &serde_json::json!({"name": "no id"})).is_none());
        assert_eq!(Kind::from_name("activities"), Some(Kind::Activities));
        assert_eq!(Kind::from_name("users"), None);
    }
}
