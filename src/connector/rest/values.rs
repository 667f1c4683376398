//! Values between a backend's shape and Trato's: the named transforms in both directions, a backend record read
//! into a Trato record (with the defaults a kind needs when the backend has no such field), Trato fields written
//! into a backend body, and a record's version.

use crate::connector::ConnectorError;
use crate::domain::time::{civil_from_days, timestamp_to_ms};
use serde_json::{json, Map, Value};
use trato_protocol::connector_file::{Concurrency, FieldRule, Resource, Transform};

const EPOCH: &str = "1970-01-01T00:00:00Z";

/// `ms` since 1970 as RFC 3339 UTC with milliseconds.
pub fn timestamp(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rest = ms.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    let (h, m, s, milli) = (rest / 3_600_000, rest / 60_000 % 60, rest / 1000 % 60, rest % 1000);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{milli:03}Z")
}

/// Milliseconds since 1970 of a backend's date-time text: RFC 3339 (`Z`, `+00:00`, or another offset),
/// `YYYY-MM-DD HH:MM:SS[.fff][Z]`, or a bare date.
pub fn millis(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.len() == 10 {
        return timestamp_to_ms(&format!("{text}T00:00:00Z"));
    }
    if let Some(ms) = timestamp_to_ms(text) {
        return Some(ms);
    }
    // No zone (taken as UTC), or an offset other than zero.
    let (base, offset) = match text.get(19..).map(|t| t.find(['+', '-'])) {
        Some(Some(at)) => text.split_at(19 + at),
        _ => (text, ""),
    };
    let ms = timestamp_to_ms(&format!("{}Z", base.trim_end_matches('Z')))?;
    if offset.is_empty() {
        return Some(ms);
    }
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    let digits: String = offset[1..].chars().filter(char::is_ascii_digit).collect();
    let hours: i64 = digits.get(0..2)?.parse().ok()?;
    let minutes: i64 = digits.get(2..4).unwrap_or("00").parse().ok()?;
    Some(ms - sign * (hours * 60 + minutes) * 60_000)
}

/// A value as text (numbers and booleans written out); `None` for an empty text, `null`, a list or an object.
pub fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Minor units of a decimal amount written as a number or text (`1250.5`, `"1.250,50"` is refused).
fn minor_of_decimal(value: &Value) -> Option<i64> {
    let text = as_text(value)?;
    let (whole, fraction) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
    let negative = whole.starts_with('-');
    let whole: i64 =
        whole.trim_start_matches(['-', '+']).parse().ok().or(if whole.is_empty() { Some(0) } else { None })?;
    if !fraction.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let cents: i64 = format!("{:0<2}", fraction.get(..2).unwrap_or(fraction)).parse().ok()?;
    let round_up = fraction.get(2..3).is_some_and(|d| d >= "5");
    let minor = whole.checked_mul(100)?.checked_add(cents + i64::from(round_up))?;
    Some(if negative { -minor } else { minor })
}

/// A backend value read into Trato's form for `field` under `rule`; `None` for an absent or empty value.
pub fn read(field: &str, rule: &FieldRule, value: Option<&Value>) -> Result<Option<Value>, String> {
    let Some(value) = value else { return Ok(None) };
    if let Some(values) = &rule.values {
        let found = values.iter().find(|(_, backend)| *backend == value).map(|(trato, _)| json!(trato));
        return Ok(found.or_else(|| as_text(value).map(Value::String)));
    }
    let bad = |what: &str| format!("`{field}`: {value} is not {what}");
    Ok(match rule.transform {
        Some(Transform::Decimal) => Some(json!(minor_of_decimal(value).ok_or_else(|| bad("a decimal amount"))?)),
        Some(Transform::Minor) => {
            let minor = value.as_i64().or_else(|| as_text(value).and_then(|t| t.parse().ok()));
            Some(json!(minor.ok_or_else(|| bad("an amount in minor units"))?))
        }
        Some(Transform::Date) => match as_text(value) {
            None => None,
            Some(text) => {
                let ms = millis(&text).ok_or_else(|| bad("a date"))?;
                Some(json!(timestamp(ms)[..10]))
            }
        },
        Some(Transform::Datetime) => match as_text(value) {
            None => None,
            Some(text) => Some(json!(timestamp(millis(&text).ok_or_else(|| bad("a date and time"))?))),
        },
        Some(Transform::UnixSeconds | Transform::UnixMillis) => {
            let factor = if rule.transform == Some(Transform::UnixSeconds) { 1000 } else { 1 };
            let number = value.as_f64().ok_or_else(|| bad("a number of seconds"))?;
            Some(json!(timestamp(number as i64 * factor)))
        }
        Some(Transform::Text | Transform::Integer) => as_text(value).map(Value::String),
        None => match value {
            // Ids and references are text in Trato, whatever they are on the backend; "" is no reference.
            Value::Number(_) if field.ends_with("_id") || field == "id" => as_text(value).map(Value::String),
            Value::String(s) if s.is_empty() && field != "name" => None,
            other => Some(other.clone()),
        },
    })
}

/// A Trato value written in the backend's form for `rule` (`null` stays `null`: a cleared field).
pub fn write(rule: &FieldRule, value: &Value) -> Value {
    if value.is_null() {
        return Value::Null;
    }
    if let Some(values) = &rule.values {
        if let Some(backend) = value.as_str().and_then(|v| values.get(v)) {
            return backend.clone();
        }
    }
    match rule.transform {
        Some(Transform::Decimal) => {
            let minor = value["minor"].as_i64().or(value.as_i64()).unwrap_or(0);
            let text = format!("{}{}.{:02}", if minor < 0 { "-" } else { "" }, minor.abs() / 100, minor.abs() % 100);
            text.parse::<f64>().map(|f| json!(f)).unwrap_or(Value::Null)
        }
        Some(Transform::Minor) => json!(value["minor"].as_i64().or(value.as_i64()).unwrap_or(0)),
        Some(Transform::UnixSeconds) => {
            value.as_str().and_then(millis).map(|ms| json!(ms / 1000)).unwrap_or(Value::Null)
        }
        Some(Transform::UnixMillis) => value.as_str().and_then(millis).map(|ms| json!(ms)).unwrap_or(Value::Null),
        Some(Transform::Integer) => {
            value.as_str().and_then(|t| t.parse::<i64>().ok()).map(|n| json!(n)).unwrap_or_else(|| value.clone())
        }
        _ => value.clone(),
    }
}

/// FNV-1a of a text, kept within JavaScript's safe integers (a version for backends that have none).
fn hash(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    (hash & ((1 << 53) - 1)).max(1)
}

/// A record's version: its version field, else its `updated_at` in milliseconds, else a hash of its contents
/// (which changes whenever the record does).
pub fn version_of(resource: &Resource, raw: &Value) -> u64 {
    if let Concurrency::VersionField { path, .. } = &resource.concurrency {
        if let Some(version) = path.get(raw).and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok())) {
            return version;
        }
    }
    let updated = resource.fields.get("updated_at").map(|m| m.rule());
    if let Some(rule) = updated {
        let text = rule.path.get(raw).and_then(as_text);
        let ms = match rule.transform {
            Some(Transform::UnixSeconds) => rule.path.get(raw).and_then(Value::as_i64).map(|s| s * 1000),
            Some(Transform::UnixMillis) => rule.path.get(raw).and_then(Value::as_i64),
            _ => text.as_deref().and_then(millis),
        };
        if let Some(ms) = ms.filter(|ms| *ms > 0) {
            return ms as u64;
        }
    }
    hash(&raw.to_string())
}

/// A record's id on the backend, as text.
pub fn id_of(resource: &Resource, raw: &Value) -> Result<String, ConnectorError> {
    resource
        .id
        .get(raw)
        .and_then(as_text)
        .ok_or_else(|| ConnectorError::Malformed(format!("a record without an id at `{}`", resource.id.as_str())))
}

/// A backend record read into Trato's JSON for `kind` (`deals`, `accounts`…), with what the kind needs and the
/// backend lacks filled in; `currency` is the connector's.
pub fn trato_record(kind: &str, resource: &Resource, raw: &Value, currency: &str) -> Result<Value, ConnectorError> {
    let id = id_of(resource, raw)?;
    let mut out = Map::new();
    for (field, map) in &resource.fields {
        let rule = map.rule();
        let value = read(field, &rule, rule.path.get(raw))
            .map_err(|why| ConnectorError::Malformed(format!("{kind} {id}: {why}")))?;
        if let Some(value) = value {
            out.insert(field.clone(), value);
        }
    }
    let text = |out: &Map<String, Value>, key: &str| out.get(key).and_then(Value::as_str).map(str::to_string);
    let updated = text(&out, "updated_at").or_else(|| text(&out, "created_at")).unwrap_or_else(|| EPOCH.into());
    let created = text(&out, "created_at").unwrap_or_else(|| updated.clone());
    out.insert("id".into(), json!(id));
    out.insert("version".into(), json!(version_of(resource, raw)));
    out.insert("created_at".into(), json!(created));
    out.insert("updated_at".into(), json!(updated));
    let mut default = |key: &str, value: Value| {
        out.entry(key.to_string()).or_insert(value);
    };
    match kind {
        "deals" => {
            default("pipeline_id", json!(super::context::ONE_PIPELINE));
            default("stage_entered_at", json!(updated));
            default("last_activity_at", json!(updated));
            default("position", json!(0.0));
            default("amount", json!(0));
            let minor = out.get("amount").and_then(Value::as_i64).unwrap_or(0);
            let money_currency = out.remove("currency").and_then(|c| c.as_str().map(str::to_string));
            out.insert("amount".into(), json!({"minor": minor, "currency": money_currency.unwrap_or(currency.into())}));
        }
        "contacts" => default("first_name", json!("")),
        "activities" => default("done", json!(false)),
        "users" => {
            default("email", json!(""));
            default("role", json!("rep"));
        }
        "stages" => {
            default("probability", json!(0));
            default("kind", json!("open"));
        }
        _ => {}
    }
    Ok(Value::Object(out))
}

/// Trato fields (a create's body or a patch, in Trato's JSON) written into a backend body: each mapped, writable
/// field at its path. Fields the file does not map are left out.
pub fn backend_body(resource: &Resource, fields: &Value, into: &mut Value) -> Result<(), ConnectorError> {
    let Some(fields) = fields.as_object() else { return Ok(()) };
    for (field, value) in fields {
        let Some(map) = resource.fields.get(field) else { continue };
        let rule = map.rule();
        if rule.read_only {
            continue;
        }
        rule.path.set(into, write(&rule, value)).map_err(ConnectorError::Unsupported)?;
        if field == "amount" {
            if let (Some(currency), Some(map)) = (value["currency"].as_str(), resource.fields.get("currency")) {
                map.rule().path.set(into, json!(currency)).map_err(ConnectorError::Unsupported)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use trato_protocol::connector_file::JsonPath;

    fn rule(transform: Option<Transform>) -> FieldRule {
        FieldRule { path: JsonPath::parse("$.x").unwrap(), transform, values: None, read_only: false }
    }

    #[test]
    fn transforms_read_and_write_back() {
        let decimal = rule(Some(Transform::Decimal));
        assert_eq!(read("amount", &decimal, Some(&json!(1250.5))).unwrap(), Some(json!(125050)));
        assert_eq!(read("amount", &decimal, Some(&json!("-3.999"))).unwrap(), Some(json!(-400)));
        assert!(read("amount", &decimal, Some(&json!("1.250,50"))).is_err());
        assert_eq!(write(&decimal, &json!({"minor": 125050, "currency": "EUR"})), json!(1250.5));
        let when = rule(Some(Transform::Datetime));
        let read_back = read("updated_at", &when, Some(&json!("2026-11-30 10:00:00.123Z"))).unwrap();
        assert_eq!(read_back, Some(json!("2026-11-30T10:00:00.123Z")));
        assert_eq!(millis("2026-11-30T11:00:00+01:00"), millis("2026-11-30T10:00:00Z"));
        let date = rule(Some(Transform::Date));
        assert_eq!(
            read("expected_close", &date, Some(&json!("2026-12-01 00:00:00.000Z"))).unwrap(),
            Some(json!("2026-12-01"))
        );
        assert_eq!(read("expected_close", &date, Some(&json!(""))).unwrap(), None);
        let unix = rule(Some(Transform::UnixSeconds));
        assert_eq!(read("updated_at", &unix, Some(&json!(0))).unwrap(), Some(json!("1970-01-01T00:00:00.000Z")));
        assert_eq!(write(&unix, &json!("1970-01-01T00:01:00Z")), json!(60));
        assert_eq!(read("account_id", &rule(None), Some(&json!(7))).unwrap(), Some(json!("7")));
        assert_eq!(read("account_id", &rule(None), Some(&json!(""))).unwrap(), None);
        assert_eq!(write(&rule(Some(Transform::Integer)), &json!("7")), json!(7));
        let mut kinds = rule(None);
        kinds.values = Some([("won".to_string(), json!("closed_won"))].into_iter().collect());
        assert_eq!(read("kind", &kinds, Some(&json!("closed_won"))).unwrap(), Some(json!("won")));
        assert_eq!(write(&kinds, &json!("won")), json!("closed_won"));
    }
}
