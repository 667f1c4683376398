//! Records as the cache keeps them: which kind, which id, and the fields the cache indexes.

use serde::Deserialize;
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

    /// The text fields copied out of this kind's records onto their rows: what the screens look records up by
    /// (the cache indexes them, alone or in compound indexes).
    pub fn indexed_fields(self) -> &'static [&'static str] {
        match self {
            Kind::Deals => &["stage_id", "account_id", "contact_id"],
            Kind::Accounts => &["updated_at"],
            Kind::Contacts => &["account_id"],
            Kind::Activities => &["deal_id", "account_id", "contact_id"],
            Kind::Pipelines | Kind::Views => &[],
        }
    }

    /// The number fields copied out of this kind's records (for compound indexes).
    pub fn number_fields(self) -> &'static [&'static str] {
        match self {
            Kind::Deals => &["position"],
            _ => &[],
        }
    }
}

/// The index of deals by stage, then position: the first cards of a column without reading the others.
pub const STAGE_POSITION: &str = "stage_position";

/// A value copied out of a record for an index.
#[derive(Clone, Debug, PartialEq)]
pub enum IndexValue {
    /// A text field.
    Text(String),
    /// A number field.
    Number(f64),
}

/// One record as stored in the cache: its id, the indexed fields copied out, and the record itself as JSON text
/// (parsing JSON in wasm is much faster than walking a JavaScript object field by field).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Record id (the object store key).
    pub id: String,
    /// `(field, value)` for each indexed field the record has a value for.
    pub indexed: Vec<(&'static str, IndexValue)>,
    /// The record, JSON.
    pub json: String,
}

/// The fields any kind may index, read without building the whole record.
#[derive(Deserialize)]
struct Indexed {
    id: Option<String>,
    stage_id: Option<String>,
    account_id: Option<String>,
    owner_id: Option<String>,
    updated_at: Option<String>,
    deal_id: Option<String>,
    contact_id: Option<String>,
    position: Option<f64>,
}

impl Row {
    /// The row for a record of `kind` given as JSON text, kept as it is; `None` when it is not a record with an
    /// id.
    pub fn from_json(kind: Kind, json: &str) -> Option<Row> {
        let fields: Indexed = serde_json::from_str(json).ok()?;
        let id = fields.id.clone()?;
        let text = |name: &str| -> Option<String> {
            match name {
                "stage_id" => fields.stage_id.clone(),
                "account_id" => fields.account_id.clone(),
                "owner_id" => fields.owner_id.clone(),
                "updated_at" => fields.updated_at.clone(),
                "deal_id" => fields.deal_id.clone(),
                "contact_id" => fields.contact_id.clone(),
                _ => None,
            }
        };
        let mut indexed: Vec<(&'static str, IndexValue)> =
            kind.indexed_fields().iter().filter_map(|f| Some((*f, IndexValue::Text(text(f)?)))).collect();
        for field in kind.number_fields() {
            if let (&"position", Some(position)) = (field, fields.position.filter(|p| p.is_finite())) {
                indexed.push((field, IndexValue::Number(position)));
            }
        }
        Some(Row { id, indexed, json: json.to_string() })
    }

    /// The row for a record of `kind` given as a JSON value; `None` when it has no id.
    pub fn from_value(kind: Kind, value: &Value) -> Option<Row> {
        Row::from_json(kind, &value.to_string())
    }

    /// The row for a typed record.
    pub fn from_record<R: Record>(kind: Kind, record: &R) -> Option<Row> {
        Row::from_json(kind, &serde_json::to_string(record).ok()?)
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
    fn rows_copy_out_the_indexed_fields_and_keep_the_text() {
        let json = r#"{"id":"deal_1","stage_id":"s1","account_id":null,"owner_id":"u1","updated_at":"2026-01-01T00:00:00Z","name":"<b>x</b>","position":2048.5}"#;
        let row = Row::from_json(Kind::Deals, json).unwrap();
        assert_eq!(row.id, "deal_1");
        assert_eq!(
            row.indexed,
            vec![("stage_id", IndexValue::Text("s1".into())), ("position", IndexValue::Number(2048.5)),]
        );
        assert_eq!(row.json, json, "the record is stored exactly as it came");
        assert!(Row::from_json(Kind::Deals, r#"{"name": "no id"}"#).is_none());
        assert!(Row::from_json(Kind::Deals, "not json").is_none());
        assert_eq!(Kind::from_name("activities"), Some(Kind::Activities));
        assert_eq!(Kind::from_name("users"), None);
    }
}
