//! Tryton's records as the client's: opportunities as deals, parties as accounts and contacts, sales as quotes
//! and orders, the opportunity states as the stages of one pipeline; and the encodings this needs (Decimal money
//! in minor units, dates and datetimes, `_timestamp` as a version, prefixed ids).

use crate::connector::{ConnectorError, ListQuery, RecordOp, RecordReply};
use serde_json::{json, Value};
use std::collections::HashMap;
use trato_protocol::*;

/// The one pipeline: Tryton's opportunity workflow.
pub const PIPELINE_ID: &str = "tryton";
/// Opportunity states in workflow order, with their kind and a default probability.
const STATES: [(&str, StageKind, u8); 6] = [
    ("lead", StageKind::Open, 10),
    ("opportunity", StageKind::Open, 50),
    ("converted", StageKind::Open, 80),
    ("won", StageKind::Won, 100),
    ("lost", StageKind::Lost, 0),
    ("cancelled", StageKind::Lost, 0),
];
pub const DEAL_FIELDS: [&str; 16] = [
    "description",
    "number",
    "party",
    "employee",
    "amount",
    "currency.code",
    "currency.digits",
    "conversion_probability",
    "state",
    "start_date",
    "end_date",
    "lost_reason",
    "create_date",
    "write_date",
    "_timestamp",
    "rec_name",
];
pub const SALE_FIELDS: [&str; 10] = [
    "number",
    "rec_name",
    "state",
    "sale_date",
    "create_date",
    "untaxed_amount",
    "tax_amount",
    "total_amount",
    "currency.code",
    "currency.digits",
];
pub const PARTY_FIELDS: [&str; 8] =
    ["name", "email", "phone", "addresses.city", "create_date", "write_date", "_timestamp", "rec_name"];

/// A `_timestamp` ("1795421527.05142": seconds since the epoch as the database prints them) as a version.
pub fn version_of(timestamp: &str) -> u64 {
    let (seconds, fraction) = timestamp.split_once('.').unwrap_or((timestamp, ""));
    let micros: String = fraction.chars().chain(std::iter::repeat('0')).take(6).collect();
    seconds.parse::<u64>().unwrap_or(0) * 1_000_000 + micros.parse::<u64>().unwrap_or(0)
}

/// The `_timestamp` text of a version (the inverse of [`version_of`]).
pub fn timestamp_of(version: u64) -> String {
    let (seconds, micros) = (version / 1_000_000, version % 1_000_000);
    let fraction = format!("{micros:06}");
    let fraction = fraction.trim_end_matches('0');
    format!("{seconds}.{}", if fraction.is_empty() { "0" } else { fraction })
}

/// A text field, empty when missing.
pub fn text(value: &Value, key: &str) -> String {
    value[key].as_str().unwrap_or_default().to_string()
}

/// The first record of a result, or `NotFound`.
pub fn first(result: &Value) -> Result<&Value, ConnectorError> {
    result.get(0).ok_or_else(|| ConnectorError::NotFound("no such record".into()))
}

/// An answer this connector cannot read.
pub fn malformed(what: &str) -> ConnectorError {
    ConnectorError::Malformed(format!("unexpected answer from Tryton ({what})"))
}

/// Tryton's `{"__class__": "datetime", …}` as RFC 3339 UTC.
pub fn datetime(value: &Value) -> Option<String> {
    let part = |k: &str| value[k].as_u64();
    Some(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        part("year")?,
        part("month")?,
        part("day")?,
        part("hour").unwrap_or(0),
        part("minute").unwrap_or(0),
        part("second").unwrap_or(0)
    ))
}

/// Tryton's datetime with its microseconds (for change cursors, which must not skip or repeat a write).
pub fn precise(value: &Value) -> Option<String> {
    let seconds = datetime(value)?;
    let micros = value["microsecond"].as_u64().unwrap_or(0);
    Some(format!("{}.{micros:06}Z", seconds.trim_end_matches('Z')))
}

/// Tryton's `{"__class__": "date", …}` as `YYYY-MM-DD`.
pub fn date(value: &Value) -> Option<String> {
    let part = |k: &str| value[k].as_u64();
    Some(format!("{:04}-{:02}-{:02}", part("year")?, part("month")?, part("day")?))
}

/// `YYYY-MM-DD` as Tryton's date.
pub fn to_date(text: &str) -> Value {
    let mut parts = text.splitn(3, '-').map(|p| p.parse::<u32>().unwrap_or(0));
    json!({ "__class__": "date", "year": parts.next(), "month": parts.next(), "day": parts.next() })
}

/// RFC 3339 (UTC, with or without microseconds) as Tryton's datetime.
pub fn to_datetime(text: &str) -> Value {
    let number = |range: std::ops::Range<usize>| text.get(range).and_then(|p| p.parse::<u32>().ok()).unwrap_or(0);
    let micros = text.get(19..).and_then(|rest| rest.strip_prefix('.')).map(|f| {
        let digits: String = f.chars().take_while(char::is_ascii_digit).chain(std::iter::repeat('0')).take(6).collect();
        digits.parse::<u32>().unwrap_or(0)
    });
    json!({ "__class__": "datetime", "year": number(0..4), "month": number(5..7), "day": number(8..10),
            "hour": number(11..13), "minute": number(14..16), "second": number(17..19),
            "microsecond": micros.unwrap_or(0) })
}

/// Tryton's Decimal in minor units of a currency with `digits` decimals.
pub fn minor_units(value: &Value, digits: u32) -> i64 {
    let text = value["decimal"].as_str().map(String::from).unwrap_or_else(|| value.to_string());
    let negative = text.starts_with('-');
    let (whole, fraction) = text.trim_start_matches('-').split_once('.').unwrap_or((text.trim_start_matches('-'), ""));
    let fraction: String = fraction.chars().chain(std::iter::repeat('0')).take(digits as usize).collect();
    let minor = whole.parse::<i64>().unwrap_or(0) * 10i64.pow(digits) + fraction.parse::<i64>().unwrap_or(0);
    if negative {
        -minor
    } else {
        minor
    }
}

/// Minor units as Tryton's Decimal.
pub fn decimal(minor: i64, digits: u32) -> Value {
    let scale = 10i64.pow(digits);
    let sign = if minor < 0 { "-" } else { "" };
    let (whole, fraction) = (minor.abs() / scale, minor.abs() % scale);
    let text = if digits == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction:0width$}", width = digits as usize)
    };
    json!({ "__class__": "Decimal", "decimal": text })
}

/// Tryton's integer id of a Trato id with `prefix` (`opp-3` → 3).
pub fn tryton_id(id: &str, prefix: &str) -> Result<i64, ConnectorError> {
    id.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('-'))
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| ConnectorError::NotFound(format!("{id} is not a Tryton {prefix} id")))
}

/// Identity and version of a Tryton record with a Trato id prefix.
pub fn meta(record: &Value, prefix: &str) -> Meta {
    let created = datetime(&record["create_date"]).unwrap_or_default();
    Meta {
        id: format!("{prefix}-{}", record["id"].as_i64().unwrap_or_default()),
        version: version_of(record["_timestamp"].as_str().unwrap_or("0")),
        updated_at: datetime(&record["write_date"]).unwrap_or_else(|| created.clone()),
        created_at: created,
    }
}

/// An opportunity as a deal.
pub fn deal_of(record: &Value) -> Deal {
    let meta = meta(record, "opp");
    let digits = record["currency."]["digits"].as_u64().unwrap_or(2) as u32;
    let state = text(record, "state");
    let name =
        Some(text(record, "description")).filter(|d| !d.trim().is_empty()).unwrap_or_else(|| text(record, "rec_name"));
    let closed = matches!(state.as_str(), "won" | "lost" | "cancelled");
    Deal {
        name,
        pipeline_id: PIPELINE_ID.into(),
        account_id: record["party"].as_i64().map(|id| format!("party-{id}")),
        contact_id: None,
        participant_ids: vec![],
        owner_id: record["employee"].as_i64().map(|id| format!("emp-{id}")),
        amount: Money {
            minor: minor_units(&record["amount"], digits),
            currency: record["currency."]["code"].as_str().unwrap_or("EUR").into(),
        },
        expected_close: date(&record["end_date"]),
        stage_entered_at: meta.updated_at.clone(),
        last_activity_at: meta.updated_at.clone(),
        position: record["id"].as_f64().unwrap_or_default(),
        lost_reason: record["lost_reason"].as_str().filter(|r| !r.is_empty()).map(String::from),
        closed_on: closed.then(|| date(&record["end_date"])).flatten(),
        probability: record["conversion_probability"].as_f64().map(|p| (p * 100.0).round().clamp(0.0, 100.0) as u8),
        next_activity: None,
        stage_id: state,
        meta,
    }
}

/// A party as an account.
pub fn account_of(record: &Value) -> Account {
    Account {
        meta: meta(record, "party"),
        name: text(record, "name"),
        industry: None,
        website: None,
        phone: Some(text(record, "phone")).filter(|p| !p.is_empty()),
        city: record["addresses."][0]["city"].as_str().filter(|c| !c.is_empty()).map(String::from),
        owner_id: None,
    }
}

/// A party as a contact (of itself as an account): its name, e-mail and phone.
pub fn contact_of(record: &Value) -> Contact {
    let name = text(record, "name");
    let (first, last) =
        name.split_once(' ').map(|(f, l)| (f.to_string(), l.to_string())).unwrap_or((name, String::new()));
    let meta = meta(record, "party");
    Contact {
        account_id: Some(meta.id.clone()),
        meta,
        first_name: first,
        last_name: last,
        email: Some(text(record, "email")).filter(|e| !e.is_empty()),
        phone: Some(text(record, "phone")).filter(|p| !p.is_empty()),
        title: None,
        owner_id: None,
    }
}

/// A sale as a quote or an order (read only; its lines are not read).
pub fn order_of(record: &Value) -> support::Order {
    let digits = record["currency."]["digits"].as_u64().unwrap_or(2) as u32;
    let currency = record["currency."]["code"].as_str().unwrap_or("EUR").to_string();
    let money = |field: &str| Money { minor: minor_units(&record[field], digits), currency: currency.clone() };
    let state = text(record, "state");
    let (kind, status) = match state.as_str() {
        "draft" => ("quote", "draft"),
        "quotation" => ("quote", "sent"),
        "confirmed" => ("order", "confirmed"),
        "processing" => ("order", "shipped"),
        "done" => ("order", "delivered"),
        "cancelled" => ("order", "cancelled"),
        _ => ("order", "draft"),
    };
    let created = datetime(&record["create_date"]).unwrap_or_default();
    support::Order {
        id: format!("sale-{}", record["id"].as_i64().unwrap_or_default()),
        number: record["number"].as_str().map(String::from).unwrap_or_else(|| text(record, "rec_name")),
        kind: kind.into(),
        status: status.into(),
        ordered_on: date(&record["sale_date"]).unwrap_or_else(|| created.chars().take(10).collect()),
        expected_on: None,
        lines: vec![],
        subtotal: money("untaxed_amount"),
        tax: money("tax_amount"),
        total: money("total_amount"),
    }
}

/// The button that takes an opportunity to `state`.
pub fn button_for(state: &str) -> Result<&'static str, ConnectorError> {
    Ok(match state {
        "lead" => "lead",
        "opportunity" => "opportunity",
        "converted" => "convert",
        "lost" => "lost",
        "cancelled" => "cancel",
        _ => return Err(ConnectorError::Unsupported(format!("Tryton has no move to \"{state}\""))),
    })
}

/// The opportunity fields a deal patch or a new deal sets.
pub fn deal_values(
    name: Option<&String>,
    account: Option<Option<&String>>,
    owner: Option<Option<&String>>,
    amount: Option<&Money>,
    close: Option<Option<&String>>,
    probability: Option<Option<u8>>,
    lost_reason: Option<Option<&String>>,
) -> Result<serde_json::Map<String, Value>, ConnectorError> {
    let mut values = serde_json::Map::new();
    if let Some(name) = name {
        values.insert("description".into(), json!(name));
    }
    if let Some(account) = account {
        values.insert("party".into(), json!(account.map(|a| tryton_id(a, "party")).transpose()?));
    }
    if let Some(owner) = owner {
        values.insert("employee".into(), json!(owner.map(|o| tryton_id(o, "emp")).transpose()?));
    }
    if let Some(amount) = amount {
        values.insert("amount".into(), decimal(amount.minor, 2));
    }
    if let Some(close) = close {
        values.insert("end_date".into(), close.map(|c| to_date(c)).unwrap_or(Value::Null));
    }
    if let Some(probability) = probability {
        let value = probability.map(|p| f64::from(p) / 100.0);
        values.insert("conversion_probability".into(), json!(value));
    }
    if let Some(reason) = lost_reason {
        values.insert("lost_reason".into(), json!(reason));
    }
    Ok(values)
}

/// The pipeline of opportunity states, named as `fields_get` names them in the user's language.
pub fn pipeline_of(fields: &Value) -> Pipeline {
    let labels: HashMap<String, String> = fields["state"]["selection"]
        .as_array()
        .map(|pairs| {
            pairs
                .iter()
                .filter_map(|pair| Some((pair.get(0)?.as_str()?.to_string(), pair.get(1)?.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    let stages = STATES
        .iter()
        .map(|(id, kind, probability)| Stage {
            id: (*id).into(),
            name: labels.get(*id).cloned().unwrap_or_else(|| (*id).into()),
            probability: *probability,
            kind: *kind,
            rotting_days: None,
        })
        .collect();
    let label = fields["state"]["string"].as_str().unwrap_or("Tryton").to_string();
    Pipeline {
        meta: Meta { id: PIPELINE_ID.into(), version: 1, created_at: String::new(), updated_at: String::new() },
        name: label,
        stages,
    }
}

/// Parties read as accounts or contacts: a page for a list, one record otherwise.
pub fn party_reply<R, N, P>(
    op: &RecordOp<N, P>,
    result: &Value,
    map: fn(&Value) -> R,
) -> Result<RecordReply<R>, ConnectorError> {
    let records = result.as_array().ok_or_else(|| malformed("parties"))?;
    let mut items: Vec<R> = records.iter().map(map).collect();
    Ok(match op {
        RecordOp::List(query) => RecordReply::Page(page(items, query, query.limit.unwrap_or(DEFAULT_PAGE_SIZE))),
        _ if items.is_empty() => return Err(ConnectorError::NotFound("no such party".into())),
        _ => RecordReply::One(items.swap_remove(0)),
    })
}

/// What Tryton cannot do.
pub fn unsupported(what: &str) -> ConnectorError {
    ConnectorError::Unsupported(format!("Tryton has no {what}"))
}

/// A page of `items` from an offset cursor.
pub fn page<T>(items: Vec<T>, query: &ListQuery, limit: u32) -> Page<T> {
    let offset: u64 = query.cursor.as_deref().and_then(|c| c.parse().ok()).unwrap_or(0);
    let next_cursor = (items.len() as u64 >= u64::from(limit)).then(|| (offset + u64::from(limit)).to_string());
    Page { items, next_cursor }
}

/// `search_read` parameters of a list: the search domain, offset, limit, order and fields.
pub fn list_params(query: &ListQuery, fields: &[&str], search_field: &str) -> Vec<Value> {
    let offset: u64 = query.cursor.as_deref().and_then(|c| c.parse().ok()).unwrap_or(0);
    let limit = query.limit.unwrap_or(DEFAULT_PAGE_SIZE);
    let domain = match &query.search {
        Some(words) if !words.trim().is_empty() => json!([[search_field, "ilike", format!("%{}%", words.trim())]]),
        _ => json!([]),
    };
    vec![domain, json!(offset), json!(limit), json!([["id", "ASC"]]), json!(fields)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_round_trip_through_tryton_timestamps() {
        for text in ["1795421527.05142", "1795421527.5", "1795421527.0", "1795421527.051419"] {
            assert_eq!(timestamp_of(version_of(text)), text);
        }
        assert!(version_of("1795421527.5") > version_of("1795421527.05142"));
    }

    #[test]
    fn money_and_dates_use_tryton_encodings() {
        assert_eq!(minor_units(&json!({"__class__": "Decimal", "decimal": "8500.50"}), 2), 850_050);
        assert_eq!(minor_units(&json!({"__class__": "Decimal", "decimal": "-3.1"}), 2), -310);
        assert_eq!(decimal(850_050, 2), json!({"__class__": "Decimal", "decimal": "8500.50"}));
        assert_eq!(decimal(-5, 2)["decimal"], "-0.05");
        assert_eq!(date(&to_date("2026-12-03")).as_deref(), Some("2026-12-03"));
        let at =
            json!({"__class__": "datetime", "year": 2026, "month": 11, "day": 23, "hour": 8, "minute": 5, "second": 7});
        assert_eq!(datetime(&at).as_deref(), Some("2026-11-23T08:05:07Z"));
        assert_eq!(datetime(&to_datetime("2026-11-23T08:05:07Z")).as_deref(), Some("2026-11-23T08:05:07Z"));
        let exact = "2026-11-23T08:05:07.000120Z";
        assert_eq!(precise(&to_datetime(exact)).as_deref(), Some(exact));
    }
}
