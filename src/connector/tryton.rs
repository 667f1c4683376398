//! The Tryton connector: Tryton's JSON-RPC (`POST /<database>/rpc/`) behind the same sans-IO [`Connector`] as
//! the Trato protocol. Facts it relies on are in `shared/reference/backends.md`, checked against Tryton 8.2.
//!
//! - **Session**: `common.db.login` answers a user id and a token; every later call carries
//!   `Authorization: Session base64(login:user_id:token)` (never the URL) and `X-Requested-With`, and the user's
//!   context (company, employee, language) from `res.user.get_preferences` as its last parameter.
//! - **Records**: opportunities are deals (their states are the stages of one pipeline, named by Tryton in the
//!   user's language), parties are accounts and contacts (e-mail and phone from their contact mechanisms),
//!   employees are the reps. Ids are prefixed by kind (`opp-3`, `party-4`, `emp-2`).
//! - **Versions**: a record's `_timestamp` is its version (as microseconds); a write sends it back in the
//!   context and a stale one comes back as `ConcurrencyException`, the client's `Conflict`.
//! - **Moves**: a stage change is Tryton's button for that state (`lead`, `opportunity`, `convert`, `lost`,
//!   `cancel`); "won" has no button (it follows the confirmed sale) and a delete cancels first. When Tryton
//!   leaves the state as it was, the move is refused.
//! - **Changes**: polled by `write_date`/`create_date`, one model at a time, paged; the cursor says where.
//!   Deletions are not visible that way.

use super::{
    Capabilities, Connector, ConnectorError, HttpRequest, HttpResponse, ListQuery, Method, Operation, RecordOp,
    RecordReply, Reply, Step,
};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
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
const DEAL_FIELDS: [&str; 16] = [
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
const SALE_FIELDS: [&str; 10] = [
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
const PARTY_FIELDS: [&str; 7] = ["name", "email", "phone", "create_date", "write_date", "_timestamp", "rec_name"];

/// A signed-in Tryton session.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TrytonSession {
    /// The login name.
    pub login: String,
    /// The user's id.
    pub user_id: i64,
    /// The session token.
    pub token: String,
    /// The user's context (company, employee, language), sent with every call.
    #[serde(default)]
    pub context: Value,
    /// The company's name and currency, once read.
    #[serde(default)]
    pub company: Option<(String, String)>,
}

/// Connector for a Tryton server's database.
#[derive(Clone, Debug)]
pub struct TrytonConnector {
    database: String,
    session: Arc<Mutex<Option<TrytonSession>>>,
    /// Records created by an operation that needs more rounds (keyed by idempotency key).
    created: Arc<Mutex<HashMap<String, i64>>>,
}

impl TrytonConnector {
    /// A connector for `database` on the server the transport points at, signed out.
    pub fn new(database: &str) -> Self {
        TrytonConnector {
            database: database.to_string(),
            session: Arc::new(Mutex::new(None)),
            created: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// The current session (to keep it across page loads).
    pub fn session(&self) -> Option<TrytonSession> {
        self.session.lock().ok()?.clone()
    }

    /// Resumes a kept session.
    pub fn resume(&self, session: TrytonSession) {
        if let Ok(mut slot) = self.session.lock() {
            *slot = Some(session);
        }
    }

    fn context(&self) -> Value {
        self.session().map(|s| s.context).filter(Value::is_object).unwrap_or_else(|| json!({}))
    }

    fn update_session(&self, change: impl FnOnce(&mut TrytonSession)) {
        if let Ok(mut slot) = self.session.lock() {
            if let Some(session) = slot.as_mut() {
                change(session);
            }
        }
    }

    /// A JSON-RPC call; `params` get the user's context appended.
    fn call(&self, method: &str, mut params: Vec<Value>) -> HttpRequest {
        params.push(self.context());
        self.raw_call(method, params)
    }

    fn raw_call(&self, method: &str, params: Vec<Value>) -> HttpRequest {
        let mut request = HttpRequest::new(Method::Post, format!("/{}/rpc/", encode_path(&self.database)))
            .header("x-requested-with", "XMLHttpRequest")
            .json(&json!({ "id": 1, "method": method, "params": params }));
        if let Some(session) = self.session() {
            let secret = format!("{}:{}:{}", session.login, session.user_id, session.token);
            request = request.header("authorization", format!("Session {}", base64(secret.as_bytes())));
        }
        request
    }

    /// A write's context: the user's, plus the version the change was made on.
    fn call_at(&self, method: &str, model: &str, id: i64, version: Option<u64>, mut params: Vec<Value>) -> HttpRequest {
        let mut context = self.context();
        if let (Some(version), Some(map)) = (version, context.as_object_mut()) {
            map.insert("_timestamp".into(), json!({ format!("{model},{id}"): timestamp_of(version) }));
        }
        params.push(context);
        self.raw_call(method, params)
    }

    /// Reads one record by id (searching, so a missing one is an empty answer, not an error).
    fn read_one(&self, model: &str, id: i64, fields: &[&str]) -> HttpRequest {
        let domain = json!([["id", "=", id]]);
        self.call(&format!("model.{model}.search_read"), vec![domain, json!(0), json!(1), Value::Null, json!(fields)])
    }

    fn read_deal(&self, id: i64) -> HttpRequest {
        self.read_one("sale.opportunity", id, &DEAL_FIELDS)
    }

    fn session_rounds(&self, round: u8, result: Value) -> Result<Step, ConnectorError> {
        match round {
            0 => {
                self.update_session(|s| s.context = result);
                let company = self.context()["company"].as_i64().ok_or_else(|| ConnectorError::Invalid {
                    message: "this Tryton user has no company".into(),
                    fields: Default::default(),
                })?;
                Ok(Step::Next(
                    self.call(
                        "model.company.company.read",
                        vec![json!([company]), json!(["rec_name", "currency.code"])],
                    ),
                ))
            }
            1 => {
                let company = first(&result)?;
                let name = text(company, "rec_name");
                let currency = company["currency."]["code"].as_str().unwrap_or("EUR").to_string();
                self.update_session(|s| s.company = Some((name, currency)));
                let user = self.session().map(|s| s.user_id).unwrap_or_default();
                Ok(Step::Next(
                    self.call("model.res.user.read", vec![json!([user]), json!(["name", "email", "employee"])]),
                ))
            }
            _ => {
                let user = first(&result)?;
                let session = self.session().ok_or_else(|| ConnectorError::Unauthorized("signed out".into()))?;
                let (company, currency) = session.company.unwrap_or_default();
                let id = match user["employee"].as_i64() {
                    Some(employee) => format!("emp-{employee}"),
                    None => format!("user-{}", session.user_id),
                };
                Ok(Step::Reply(Reply::Session(SessionInfo {
                    user: User { id, name: text(user, "name"), email: text(user, "email"), role: "rep".into() },
                    company,
                    currency,
                })))
            }
        }
    }
}

fn encode_path(text: &str) -> String {
    super::trato::encode_component(text)
}

/// Standard base64 (for the `Session` header).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

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

fn text(value: &Value, key: &str) -> String {
    value[key].as_str().unwrap_or_default().to_string()
}

fn first(result: &Value) -> Result<&Value, ConnectorError> {
    result.get(0).ok_or_else(|| ConnectorError::NotFound("no such record".into()))
}

fn malformed(what: &str) -> ConnectorError {
    ConnectorError::Malformed(format!("unexpected answer from Tryton ({what})"))
}

/// Tryton's `{"__class__": "datetime", …}` as RFC 3339 UTC.
fn datetime(value: &Value) -> Option<String> {
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
fn precise(value: &Value) -> Option<String> {
    let seconds = datetime(value)?;
    let micros = value["microsecond"].as_u64().unwrap_or(0);
    Some(format!("{}.{micros:06}Z", seconds.trim_end_matches('Z')))
}

/// Tryton's `{"__class__": "date", …}` as `YYYY-MM-DD`.
fn date(value: &Value) -> Option<String> {
    let part = |k: &str| value[k].as_u64();
    Some(format!("{:04}-{:02}-{:02}", part("year")?, part("month")?, part("day")?))
}

/// `YYYY-MM-DD` as Tryton's date.
fn to_date(text: &str) -> Value {
    let mut parts = text.splitn(3, '-').map(|p| p.parse::<u32>().unwrap_or(0));
    json!({ "__class__": "date", "year": parts.next(), "month": parts.next(), "day": parts.next() })
}

/// RFC 3339 (UTC, with or without microseconds) as Tryton's datetime.
fn to_datetime(text: &str) -> Value {
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
fn minor_units(value: &Value, digits: u32) -> i64 {
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
fn decimal(minor: i64, digits: u32) -> Value {
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
fn tryton_id(id: &str, prefix: &str) -> Result<i64, ConnectorError> {
    id.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('-'))
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| ConnectorError::NotFound(format!("{id} is not a Tryton {prefix} id")))
}

fn meta(record: &Value, prefix: &str) -> Meta {
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
        city: None,
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
fn button_for(state: &str) -> Result<&'static str, ConnectorError> {
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
fn deal_values(
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

/// Where a changes pass is: the phase (0 the pipeline, 1 parties, 2 opportunities), the offset in it, the lower
/// bound of this pass and the newest write seen in it.
#[derive(Clone, Debug, PartialEq)]
struct Cursor {
    phase: u8,
    offset: u64,
    since: Option<String>,
    newest: Option<String>,
}

impl Cursor {
    fn parse(text: Option<&str>) -> Cursor {
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

    fn text(&self) -> String {
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

impl TrytonConnector {
    fn changes_request(&self, cursor: &Cursor, limit: u32) -> HttpRequest {
        match cursor.phase {
            0 => self.call("model.sale.opportunity.fields_get", vec![json!(["state"])]),
            phase => {
                let (model, fields) = if phase == 1 {
                    ("party.party", &PARTY_FIELDS[..])
                } else {
                    ("sale.opportunity", &DEAL_FIELDS[..])
                };
                let params = vec![
                    changed_since(&cursor.since),
                    json!(cursor.offset),
                    json!(limit),
                    json!([["id", "ASC"]]),
                    json!(fields),
                ];
                self.call(&format!("model.{model}.search_read"), params)
            }
        }
    }

    fn changes_reply(&self, mut cursor: Cursor, limit: u32, result: Value) -> Result<Step, ConnectorError> {
        let mut changes = vec![];
        let mut page_full = false;
        match cursor.phase {
            0 => {
                let pipeline = pipeline_of(&result);
                changes.push(Change {
                    kind: "pipelines".into(),
                    id: PIPELINE_ID.into(),
                    version: 1,
                    deleted: false,
                    record: serde_json::to_value(pipeline).ok(),
                });
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
}

fn change(kind: &str, meta: &Meta, record: Option<Value>) -> Change {
    Change { kind: kind.into(), id: meta.id.clone(), version: meta.version, deleted: false, record }
}

/// The pipeline of opportunity states, named as `fields_get` names them in the user's language.
fn pipeline_of(fields: &Value) -> Pipeline {
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

/// Reads a JSON-RPC answer: the result, or the typed error Tryton gave.
fn result_of(response: &HttpResponse) -> Result<Value, ConnectorError> {
    match response.status {
        200 => {}
        401 => return Err(ConnectorError::Unauthorized("Tryton asks to sign in again".into())),
        403 => return Err(ConnectorError::Forbidden("Tryton does not allow this".into())),
        429 => return Err(ConnectorError::RateLimited(response.header("retry-after").and_then(|v| v.parse().ok()))),
        status @ 500..=599 => {
            return Err(ConnectorError::Server { status, message: format!("Tryton answered HTTP {status}") })
        }
        status => {
            return Err(ConnectorError::Invalid {
                message: format!("Tryton answered HTTP {status}"),
                fields: Default::default(),
            })
        }
    }
    let body: Value = serde_json::from_str(&response.body).map_err(|_| malformed("not JSON"))?;
    match &body["error"] {
        Value::Null => Ok(body["result"].clone()),
        error => Err(error_of(error)),
    }
}

/// Tryton's `["UserError", [message, description, domain]]` and friends as typed errors with Tryton's message.
fn error_of(error: &Value) -> ConnectorError {
    let kind = error.get(0).and_then(Value::as_str).unwrap_or_default();
    let detail = error.get(1).cloned().unwrap_or(Value::Null);
    let message = match &detail {
        Value::String(text) => text.clone(),
        Value::Array(parts) => {
            parts.iter().take(2).filter_map(Value::as_str).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
        }
        _ => kind.to_string(),
    };
    let message: String = message.chars().take(500).collect();
    match kind {
        "ConcurrencyException" => ConnectorError::Conflict(message),
        "UserError"
        | "UserWarning"
        | "DomainValidationError"
        | "RequiredValidationError"
        | "SizeValidationError"
        | "SelectionValidationError"
        | "ForeignKeyError"
        | "AccessError"
        | "AccessButtonError" => ConnectorError::Invalid { message, fields: Default::default() },
        "LoginException" | "RateLimitException" => ConnectorError::Unauthorized(message),
        _ => ConnectorError::Server { status: 200, message },
    }
}

/// Parties read as accounts or contacts: a page for a list, one record otherwise.
fn party_reply<R, N, P>(
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

fn unsupported(what: &str) -> ConnectorError {
    ConnectorError::Unsupported(format!("Tryton has no {what}"))
}

fn page<T>(items: Vec<T>, query: &ListQuery, limit: u32) -> Page<T> {
    let offset: u64 = query.cursor.as_deref().and_then(|c| c.parse().ok()).unwrap_or(0);
    let next_cursor = (items.len() as u64 >= u64::from(limit)).then(|| (offset + u64::from(limit)).to_string());
    Page { items, next_cursor }
}

fn list_params(query: &ListQuery, fields: &[&str], search_field: &str) -> Vec<Value> {
    let offset: u64 = query.cursor.as_deref().and_then(|c| c.parse().ok()).unwrap_or(0);
    let limit = query.limit.unwrap_or(DEFAULT_PAGE_SIZE);
    let domain = match &query.search {
        Some(words) if !words.trim().is_empty() => json!([[search_field, "ilike", format!("%{}%", words.trim())]]),
        _ => json!([]),
    };
    vec![domain, json!(offset), json!(limit), json!([["id", "ASC"]]), json!(fields)]
}

impl Connector for TrytonConnector {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            pipelines: false,
            free_stages: false,
            versioned_writes: true,
            cases: false,
            chat: false,
            knowledge_base: false,
            activities: false,
            saved_views: false,
        }
    }

    fn request(&self, op: &Operation) -> Result<HttpRequest, ConnectorError> {
        Ok(match op {
            Operation::Login { email, password } => {
                if let Ok(mut slot) = self.session.lock() {
                    *slot = None;
                }
                self.raw_call("common.db.login", vec![json!(email), json!({ "password": password })])
            }
            Operation::Logout => self.raw_call("common.db.logout", vec![]),
            Operation::CurrentSession => {
                if self.session().is_none() {
                    return Err(ConnectorError::Unauthorized("signed out".into()));
                }
                self.raw_call("model.res.user.get_preferences", vec![json!(true), json!({})])
            }
            Operation::ListUsers => self.call(
                "model.company.employee.search_read",
                vec![
                    json!([]),
                    json!(0),
                    Value::Null,
                    json!([["id", "ASC"]]),
                    json!(["party.rec_name", "party.email"]),
                ],
            ),
            Operation::ListPipelines => self.call("model.sale.opportunity.fields_get", vec![json!(["state"])]),
            Operation::Deals(op) => match op {
                RecordOp::List(query) => {
                    self.call("model.sale.opportunity.search_read", list_params(query, &DEAL_FIELDS, "description"))
                }
                RecordOp::Get(id) => self.read_deal(tryton_id(id, "opp")?),
                RecordOp::Create { new, .. } => {
                    let mut values = deal_values(
                        Some(&new.name),
                        Some(new.account_id.as_ref()),
                        Some(new.owner_id.as_ref()),
                        Some(&new.amount),
                        new.expected_close.as_ref().map(Some),
                        None,
                        None,
                    )?;
                    let context = self.context();
                    for (field, key) in [("company", "company"), ("employee", "employee")] {
                        if values.get(field).is_none_or(Value::is_null) {
                            values.insert(field.into(), context[key].clone());
                        }
                    }
                    self.call("model.sale.opportunity.create", vec![json!([values])])
                }
                RecordOp::Update { id, version, patch, .. } => {
                    let id = tryton_id(id, "opp")?;
                    self.update_plan(id, *version, patch)?.into_iter().next().unwrap_or_else(|| self.read_deal(id))
                }
                RecordOp::Delete { id, version, .. } => {
                    let id = tryton_id(id, "opp")?;
                    self.call_at("model.sale.opportunity.cancel", "sale.opportunity", id, *version, vec![json!([id])])
                }
            },
            Operation::Accounts(RecordOp::List(query)) | Operation::Contacts(RecordOp::List(query)) => {
                self.call("model.party.party.search_read", list_params(query, &PARTY_FIELDS, "name"))
            }
            Operation::Accounts(RecordOp::Get(id)) | Operation::Contacts(RecordOp::Get(id)) => {
                self.read_one("party.party", tryton_id(id, "party")?, &PARTY_FIELDS)
            }
            Operation::Accounts(_) | Operation::Contacts(_) => return Err(unsupported("party changes from Trato yet")),
            Operation::Activities(_) => return Err(unsupported("activities")),
            Operation::Views(_) => return Err(unsupported("saved board views")),
            Operation::RestoreDeal { .. } => return Err(unsupported("undelete")),
            Operation::Support(_) => return Err(unsupported("support cases or knowledge base")),
            Operation::Changes { since, limit } => {
                self.changes_request(&Cursor::parse(since.as_deref()), limit.unwrap_or(DEFAULT_PAGE_SIZE))
            }
            Operation::Orders(query) => {
                let mut params = list_params(query, &SALE_FIELDS, "description");
                if let Some((_, account)) = query.filters.iter().find(|(field, _)| field == "account_id") {
                    params[0] = json!([["party", "=", tryton_id(account, "party")?]]);
                }
                self.call("model.sale.sale.search_read", params)
            }
        })
    }

    fn response(&self, op: &Operation, round: u8, response: HttpResponse) -> Result<Step, ConnectorError> {
        let result = result_of(&response)?;
        match op {
            Operation::Login { email, .. } if round == 0 => {
                let user_id = result.get(0).and_then(Value::as_i64).ok_or_else(|| malformed("login"))?;
                let token = result.get(1).and_then(Value::as_str).ok_or_else(|| malformed("login"))?;
                self.resume(TrytonSession {
                    login: email.clone(),
                    user_id,
                    token: token.into(),
                    context: json!({}),
                    company: None,
                });
                Ok(Step::Next(self.raw_call("model.res.user.get_preferences", vec![json!(true), json!({})])))
            }
            Operation::Login { .. } => self.session_rounds(round - 1, result),
            Operation::CurrentSession => self.session_rounds(round, result),
            Operation::Logout => {
                if let Ok(mut slot) = self.session.lock() {
                    *slot = None;
                }
                Ok(Step::Reply(Reply::Done))
            }
            Operation::ListUsers => {
                let employees = result.as_array().ok_or_else(|| malformed("employees"))?;
                let users = employees
                    .iter()
                    .map(|e| User {
                        id: format!("emp-{}", e["id"].as_i64().unwrap_or_default()),
                        name: e["party."]["rec_name"].as_str().unwrap_or_default().into(),
                        email: e["party."]["email"].as_str().unwrap_or_default().into(),
                        role: "rep".into(),
                    })
                    .collect();
                Ok(Step::Reply(Reply::Users(users)))
            }
            Operation::ListPipelines => Ok(Step::Reply(Reply::Pipelines(vec![pipeline_of(&result)]))),
            Operation::Deals(op) => self.deal_response(op, round, result),
            Operation::Accounts(op) => Ok(Step::Reply(Reply::Accounts(party_reply(op, &result, account_of)?))),
            Operation::Contacts(op) => Ok(Step::Reply(Reply::Contacts(party_reply(op, &result, contact_of)?))),
            Operation::Changes { since, limit } => {
                self.changes_reply(Cursor::parse(since.as_deref()), limit.unwrap_or(DEFAULT_PAGE_SIZE), result)
            }
            Operation::Orders(query) => {
                let records = result.as_array().ok_or_else(|| malformed("sales"))?;
                let items = records.iter().map(order_of).collect();
                Ok(Step::Reply(Reply::Orders(page(items, query, query.limit.unwrap_or(DEFAULT_PAGE_SIZE)))))
            }
            _ => Err(unsupported("such operation")),
        }
    }
}

impl TrytonConnector {
    /// The calls an update makes before reading the deal back: a write of the changed fields, then the button for
    /// a new stage.
    fn update_plan(
        &self,
        id: i64,
        version: Option<u64>,
        patch: &DealPatch,
    ) -> Result<Vec<HttpRequest>, ConnectorError> {
        let values = deal_values(
            patch.name.as_ref(),
            patch.account_id.as_ref().map(Option::as_ref),
            patch.owner_id.as_ref().map(Option::as_ref),
            patch.amount.as_ref(),
            patch.expected_close.as_ref().map(Option::as_ref),
            patch.probability,
            patch.lost_reason.as_ref().map(Option::as_ref),
        )?;
        let mut calls = vec![];
        let mut guarded = version;
        if !values.is_empty() {
            calls.push(self.call_at(
                "model.sale.opportunity.write",
                "sale.opportunity",
                id,
                guarded,
                vec![json!([id]), Value::Object(values)],
            ));
            // The write changed the timestamp: the button that follows is part of the same change.
            guarded = None;
        }
        if let Some(stage) = &patch.stage_id {
            let button = button_for(stage)?;
            calls.push(self.call_at(
                &format!("model.sale.opportunity.{button}"),
                "sale.opportunity",
                id,
                guarded,
                vec![json!([id])],
            ));
        }
        Ok(calls)
    }

    fn deal_response(
        &self,
        op: &RecordOp<NewDeal, DealPatch>,
        round: u8,
        result: Value,
    ) -> Result<Step, ConnectorError> {
        let one = |result: &Value| -> Result<Deal, ConnectorError> { Ok(deal_of(first(result)?)) };
        match op {
            RecordOp::List(query) => {
                let records = result.as_array().ok_or_else(|| malformed("opportunities"))?;
                let items = records.iter().map(deal_of).collect();
                Ok(Step::Reply(Reply::Deals(RecordReply::Page(page(
                    items,
                    query,
                    query.limit.unwrap_or(DEFAULT_PAGE_SIZE),
                )))))
            }
            RecordOp::Get(_) => Ok(Step::Reply(Reply::Deals(RecordReply::One(one(&result)?)))),
            RecordOp::Create { new, idempotency_key } => {
                let wanted = new.stage_id.as_deref().filter(|s| *s != "lead");
                match round {
                    0 => {
                        let id = first(&result)?.as_i64().ok_or_else(|| malformed("a new id"))?;
                        if let Ok(mut created) = self.created.lock() {
                            created.insert(idempotency_key.clone(), id);
                        }
                        Ok(Step::Next(match wanted {
                            Some(stage) => {
                                self.call(&format!("model.sale.opportunity.{}", button_for(stage)?), vec![json!([id])])
                            }
                            None => self.read_deal(id),
                        }))
                    }
                    1 if wanted.is_some() => {
                        let id = self
                            .created
                            .lock()
                            .ok()
                            .and_then(|c| c.get(idempotency_key).copied())
                            .ok_or_else(|| malformed("a new id"))?;
                        Ok(Step::Next(self.read_deal(id)))
                    }
                    _ => {
                        if let Ok(mut created) = self.created.lock() {
                            created.remove(idempotency_key);
                        }
                        Ok(Step::Reply(Reply::Deals(RecordReply::One(one(&result)?))))
                    }
                }
            }
            RecordOp::Update { id, version, patch, .. } => {
                let tryton = tryton_id(id, "opp")?;
                let plan = self.update_plan(tryton, *version, patch)?;
                let round = usize::from(round);
                if round + 1 < plan.len() {
                    return Ok(Step::Next(plan[round + 1].clone()));
                }
                if round + 1 == plan.len() {
                    return Ok(Step::Next(self.read_deal(tryton)));
                }
                let deal = one(&result)?;
                if let Some(stage) = &patch.stage_id {
                    if deal.stage_id != *stage {
                        // Tryton ignores a transition its workflow does not allow: the move is refused.
                        return Err(ConnectorError::Invalid {
                            message: format!("Tryton keeps \"{}\" in state {}", deal.name, deal.stage_id),
                            fields: Default::default(),
                        });
                    }
                }
                Ok(Step::Reply(Reply::Deals(RecordReply::One(deal))))
            }
            RecordOp::Delete { id, .. } => {
                let tryton = tryton_id(id, "opp")?;
                if round == 0 {
                    return Ok(Step::Next(self.call("model.sale.opportunity.delete", vec![json!([tryton])])));
                }
                Ok(Step::Reply(Reply::Deals(RecordReply::Deleted)))
            }
        }
    }
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

    #[test]
    fn session_header_is_base64_of_login_user_and_token() {
        assert_eq!(base64(b"admin:1:abc"), "YWRtaW46MTphYmM=");
        assert_eq!(base64(b"ab"), "YWI=");
        let connector = TrytonConnector::new("trato");
        connector.resume(TrytonSession {
            login: "admin".into(),
            user_id: 1,
            token: "abc".into(),
            ..Default::default()
        });
        let request = connector.request(&Operation::ListUsers).unwrap();
        assert_eq!(request.path, "/trato/rpc/");
        assert!(request.headers.iter().any(|(n, v)| n == "authorization" && v == "Session YWRtaW46MTphYmM="));
        assert!(!request.path.contains("abc"), "the token never goes in the URL");
    }

    #[test]
    fn tryton_errors_become_typed_errors_with_tryton_s_message() {
        let answer = |body: &str| HttpResponse { status: 200, headers: vec![], body: body.into() };
        let user = answer(r#"{"id":1,"error":["UserError",["The party is missing.","Fill it in.",""]]}"#);
        assert_eq!(
            result_of(&user),
            Err(ConnectorError::Invalid {
                message: "The party is missing. Fill it in.".into(),
                fields: Default::default()
            })
        );
        let stale = answer(r#"{"id":1,"error":["ConcurrencyException","Records were modified in the meanwhile"]}"#);
        assert!(matches!(result_of(&stale), Err(ConnectorError::Conflict(_))));
        let bare = HttpResponse { status: 401, headers: vec![], body: String::new() };
        assert!(matches!(result_of(&bare), Err(ConnectorError::Unauthorized(_))));
        assert!(matches!(result_of(&answer("<html>")), Err(ConnectorError::Malformed(_))));
    }

    #[test]
    fn cursors_walk_the_phases_and_start_a_new_pass_from_the_newest_write() {
        let cursor = Cursor { phase: 2, offset: 100, since: Some("2026-11-01T00:00:00Z".into()), newest: None };
        assert_eq!(Cursor::parse(Some(&cursor.text())), cursor);
        assert_eq!(Cursor::parse(Some("garbage")).phase, 0);
    }
}
