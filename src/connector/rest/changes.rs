//! The changes feed of a REST backend, polled: the pipelines (with their stages) first, then accounts, contacts,
//! deals and activities, one page per call. Each resource is read changed-since the newest change seen (minus
//! the file's overlap, so a write committed late is not missed; records seen at the boundary are not told twice)
//! when the file says how, in full otherwise. Deletions are soft-delete fields, or ids missing from a full read
//! (a sweep, every `every_seconds` by the backend's own `Date` header). Everything a pass needs travels in the
//! cursor text (`r1:` and JSON).

use super::context::{json_of, phase, Backend, RestSession, ONE_PIPELINE};
use super::requests::{list_request, read_page};
use super::values::{id_of, millis, trato_record, version_of};
use crate::connector::{ConnectorError, HttpRequest, HttpResponse, ListQuery, Reply, Rounds, Step};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use trato_protocol::connector_file::{ConnectorFile, Deletions, Resource};
use trato_protocol::{Change, ChangesPage, Pipeline};

/// Where a pass of the changes feed is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Cursor {
    /// Index in [`phases`].
    phase: usize,
    /// The list cursor of the page to read next in this phase.
    page: Option<String>,
    /// The changed-since bound this phase reads from (`""`: a full read); set by its first page.
    reading: Option<String>,
    /// Per kind: the newest change seen (RFC 3339), the next pass's bound.
    since: BTreeMap<String, String>,
    /// Newest change seen in this phase (ms).
    newest: i64,
    /// This phase's (id, version, ms) near its newest change.
    near: Vec<(String, u64, i64)>,
    /// Per kind: (id, version) already told at the last bound.
    told: BTreeMap<String, Vec<(String, u64)>>,
    /// Ids read in this phase (a sweep).
    seen: Vec<String>,
    /// Per kind: the ids told since the last full read (a sweep's reference).
    known: BTreeMap<String, BTreeSet<String>>,
    /// Per kind: when the last full read ended (ms, by the backend's clock).
    swept_at: BTreeMap<String, i64>,
    /// The backend's clock at the last answer (ms).
    clock: i64,
    /// Records read in this phase.
    count: u64,
    /// A hash of the pipelines last told.
    pipelines: u64,
}

impl Cursor {
    fn parse(text: Option<&str>) -> Cursor {
        text.and_then(|t| t.strip_prefix("r1:")).and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default()
    }

    fn text(&self) -> String {
        format!("r1:{}", serde_json::to_string(self).unwrap_or_default())
    }
}

/// The kinds read, in order.
fn phases(file: &ConnectorFile) -> Vec<&'static str> {
    let r = &file.resources;
    let mut out = vec!["pipelines"];
    for (kind, present) in [
        ("accounts", r.accounts.is_some()),
        ("contacts", r.contacts.is_some()),
        ("deals", true),
        ("activities", r.activities.is_some()),
    ] {
        if present {
            out.push(kind);
        }
    }
    out
}

/// The changed-since bound of the phase's read (`None`: read everything).
fn bound(cursor: &Cursor, resource: &Resource, kind: &str) -> Option<String> {
    if cursor.page.is_some() {
        return cursor.reading.clone().filter(|r| !r.is_empty());
    }
    if resource.list.updated_since.is_empty() {
        return None;
    }
    if let Deletions::Sweep { every_seconds } = resource.deletions {
        let last = cursor.swept_at.get(kind).copied().unwrap_or(0);
        if cursor.clock - last >= every_seconds as i64 * 1000 {
            return None;
        }
    }
    let since = millis(cursor.since.get(kind)?)?;
    Some(super::values::timestamp(since - i64::from(resource.list.overlap_seconds) * 1000))
}

/// The request of the changes page after `since`.
pub fn request(
    c: &Backend<'_>,
    session: &RestSession,
    since: Option<&str>,
    limit: Option<u32>,
) -> Result<HttpRequest, ConnectorError> {
    let cursor = Cursor::parse(since);
    let kinds = phases(c.file);
    let kind = kinds.get(cursor.phase).copied().unwrap_or("pipelines");
    if kind == "pipelines" {
        return pipelines_request(c.file, session, c.base_url, 0);
    }
    let resource = c.resource(kind)?;
    let query = ListQuery { cursor: cursor.page.clone(), limit, ..Default::default() };
    list_request(c.file, session, resource, &query, bound(&cursor, resource, kind).as_deref(), c.base_url)
}

/// Seconds since 1970 of an HTTP date (`Mon, 30 Nov 2026 10:10:01 GMT`), in ms.
fn http_date(text: &str) -> Option<i64> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [_, day, month, year, time, _] = parts.as_slice() else { return None };
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = MONTHS.iter().position(|m| m == month)? + 1;
    millis(&format!("{year}-{month:02}-{:02}T{time}Z", day.parse::<u32>().ok()?))
}

fn hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Reads a changes page.
pub fn response(
    c: &Backend<'_>,
    session: &RestSession,
    since: Option<&str>,
    limit: Option<u32>,
    rounds: &mut Rounds,
    response: &HttpResponse,
) -> Result<Step, ConnectorError> {
    let mut cursor = Cursor::parse(since);
    let file = c.file;
    let kinds = phases(file);
    let kind = kinds.get(cursor.phase).copied().unwrap_or("pipelines");
    if !response.is_success() {
        return Err(super::errors::error_of(file, file.resources.get(kind), response));
    }
    if phase(rounds) == "tombstones" {
        return tombstones_response(c, kind, rounds, response);
    }
    if let Some(clock) = response.header("date").and_then(http_date) {
        cursor.clock = clock;
    }
    let mut changes = vec![];
    let mut remaining = 0;
    let phase_done = if kind == "pipelines" {
        let pipelines = match pipelines_response(c, session, rounds, response)? {
            Step::Next(next) => return Ok(Step::Next(next)),
            Step::Reply(Reply::Pipelines(pipelines)) => pipelines,
            Step::Reply(_) => vec![],
        };
        let told = hash(&serde_json::to_string(&pipelines).unwrap_or_default());
        if told != cursor.pipelines {
            for pipeline in &pipelines {
                let record = serde_json::to_value(pipeline).ok();
                changes.push(Change::new("pipelines", &pipeline.meta.id, pipeline.meta.version, record.as_ref()));
            }
            cursor.pipelines = told;
        }
        true
    } else {
        let resource = c.resource(kind)?;
        let reading = bound(&cursor, resource, kind);
        let query = ListQuery { cursor: cursor.page.clone(), limit, ..Default::default() };
        let page = read_page(resource, &query, response, c.base_url)?;
        if cursor.page.is_none() {
            cursor.reading = Some(reading.clone().unwrap_or_default());
        }
        let full = reading.is_none();
        let told: BTreeSet<(String, u64)> = cursor.told.get(kind).cloned().unwrap_or_default().into_iter().collect();
        let overlap = i64::from(resource.list.overlap_seconds) * 1000;
        for raw in &page.records {
            let id = id_of(resource, raw)?;
            let version = version_of(resource, raw);
            let record = trato_record(kind, resource, raw, &file.connector.currency)?;
            let at = record["updated_at"].as_str().and_then(millis).unwrap_or(0);
            if matches!(resource.deletions, Deletions::Sweep { .. }) {
                if full {
                    cursor.seen.push(id.clone());
                } else {
                    cursor.known.entry(kind.into()).or_default().insert(id.clone());
                }
            }
            cursor.newest = cursor.newest.max(at);
            cursor.near.push((id.clone(), version, at));
            if !full && told.contains(&(id.clone(), version)) {
                continue;
            }
            let deleted = match &resource.deletions {
                Deletions::SoftField { path, value } => match (path.get(raw), value) {
                    (Some(found), Some(value)) => found == value,
                    (Some(found), None) => {
                        !matches!(found, Value::Bool(false)) && found != &json!(0) && found != &json!("")
                    }
                    (None, _) => false,
                },
                _ => false,
            };
            changes.push(Change::new(kind, &id, version, (!deleted).then_some(&record)));
        }
        let newest = cursor.newest;
        cursor.near.retain(|(_, _, at)| *at >= newest - overlap);
        cursor.count += page.records.len() as u64;
        remaining = page.total.map(|t| t.saturating_sub(cursor.count)).unwrap_or(0);
        match page.next {
            Some(next) => {
                cursor.page = Some(next);
                false
            }
            None => {
                if full && matches!(resource.deletions, Deletions::Sweep { .. }) {
                    let seen: BTreeSet<&String> = cursor.seen.iter().collect();
                    for gone in cursor.known.get(kind).into_iter().flatten().filter(|id| !seen.contains(id)) {
                        changes.push(Change::new(kind, gone, 0, None));
                    }
                    cursor.known.insert(kind.into(), std::mem::take(&mut cursor.seen).into_iter().collect());
                    cursor.swept_at.insert(kind.into(), cursor.clock);
                }
                if newest > 0 {
                    let previous = cursor.since.get(kind).and_then(|s| millis(s)).unwrap_or(0);
                    cursor.since.insert(kind.into(), super::values::timestamp(newest.max(previous)));
                }
                let near = std::mem::take(&mut cursor.near);
                cursor.told.insert(kind.into(), near.into_iter().map(|(id, v, _)| (id, v)).collect());
                true
            }
        }
    };
    // A resource whose backend lists its deletions: that list, since the same bound, ends the phase.
    let tombstones = match (phase_done, kind) {
        (true, "pipelines") | (false, _) => None,
        (true, _) => match (&c.resource(kind)?.deletions, cursor.reading.as_deref().filter(|r| !r.is_empty())) {
            (Deletions::Tombstones { path, .. }, Some(bound)) => Some(tombstones_request(c, session, path, bound)?),
            _ => None,
        },
    };
    let mut more = true;
    if phase_done {
        cursor = Cursor {
            phase: cursor.phase + 1,
            page: None,
            reading: None,
            newest: 0,
            count: 0,
            seen: vec![],
            near: vec![],
            ..cursor
        };
        if cursor.phase >= kinds.len() {
            cursor.phase = 0;
            more = false;
        }
    }
    let page = ChangesPage { changes, cursor: cursor.text(), more, remaining };
    match tombstones {
        Some(request) => {
            rounds.carried = json!({ "phase": "tombstones", "page": serde_json::to_value(&page).unwrap_or_default() });
            Ok(Step::Next(request))
        }
        None => Ok(Step::Reply(Reply::Changes(page))),
    }
}

/// The request for a resource's deletions since `bound` (RFC 3339).
fn tombstones_request(
    c: &Backend<'_>,
    session: &RestSession,
    path: &trato_protocol::connector_file::Template,
    bound: &str,
) -> Result<HttpRequest, ConnectorError> {
    let path = super::requests::render_path(path, super::requests::since_value(bound))?;
    Ok(super::requests::request(c.file, session, None, crate::connector::Method::Get, path))
}

/// The page carried to the deletions' round, with the deletions added.
fn tombstones_response(
    c: &Backend<'_>,
    kind: &str,
    rounds: &Rounds,
    response: &HttpResponse,
) -> Result<Step, ConnectorError> {
    let mut page: ChangesPage = serde_json::from_value(rounds.carried["page"].clone())
        .map_err(|_| ConnectorError::Malformed("a lost changes page".into()))?;
    let Deletions::Tombstones { records, id, .. } = &c.resource(kind)?.deletions else {
        return Ok(Step::Reply(Reply::Changes(page)));
    };
    let body = json_of(response)?;
    let gone = records
        .get(&body)
        .and_then(Value::as_array)
        .ok_or_else(|| ConnectorError::Malformed(format!("no list of deletions at `{}`", records.as_str())))?;
    for entry in gone {
        let found = id.get(entry).and_then(super::values::as_text);
        if let Some(found) = found {
            page.changes.push(Change::new(kind, &found, 0, None));
        }
    }
    Ok(Step::Reply(Reply::Changes(page)))
}

/// The request of round `round` of reading the pipelines: the pipelines (when the file has them), then the stages.
pub fn pipelines_request(
    file: &ConnectorFile,
    session: &RestSession,
    base_url: &str,
    round: u8,
) -> Result<HttpRequest, ConnectorError> {
    let resources = &file.resources;
    let resource = match (&resources.pipelines, round) {
        (Some(pipelines), 0) => pipelines,
        _ => &resources.stages,
    };
    let query = ListQuery { limit: Some(resource.list.page_size), ..Default::default() };
    list_request(file, session, resource, &query, None, base_url)
}

/// Reads a round of the pipelines: the pipelines are carried to the stages' round; the stages end it.
pub fn pipelines_response(
    c: &Backend<'_>,
    session: &RestSession,
    rounds: &mut Rounds,
    response: &HttpResponse,
) -> Result<Step, ConnectorError> {
    let file = c.file;
    if !response.is_success() {
        return Err(super::errors::error_of(file, None, response));
    }
    let everything = ListQuery::default();
    if let (Some(pipelines), "") = (&file.resources.pipelines, phase(rounds)) {
        let page = read_page(pipelines, &everything, response, c.base_url)?;
        rounds.carried = json!({ "phase": "stages", "pipelines": page.records });
        return Ok(Step::Next(pipelines_request(file, session, c.base_url, 1)?));
    }
    let _ = json_of(response)?;
    let stages = read_page(&file.resources.stages, &everything, response, c.base_url)?.records;
    let pipelines = rounds.carried.get("pipelines").and_then(Value::as_array).map(|p| p.as_slice());
    Ok(Step::Reply(Reply::Pipelines(pipelines_of(file, pipelines, &stages)?)))
}

/// Pipelines with their stages in order, from the backend's records (one pipeline named after the connector
/// when the file has no pipelines).
pub fn pipelines_of(
    file: &ConnectorFile,
    pipelines: Option<&[Value]>,
    stages: &[Value],
) -> Result<Vec<Pipeline>, ConnectorError> {
    let currency = &file.connector.currency;
    let resources = &file.resources;
    let mut stages: Vec<Value> =
        stages.iter().map(|raw| trato_record("stages", &resources.stages, raw, currency)).collect::<Result<_, _>>()?;
    stages.sort_by(|a, b| {
        let position = |s: &Value| s.get("position").and_then(Value::as_f64).unwrap_or(0.0);
        position(a).total_cmp(&position(b))
    });
    let malformed = |e: serde_json::Error| ConnectorError::Malformed(format!("a stage Trato cannot read: {e}"));
    let of = |pipeline: &str| -> Result<Vec<trato_protocol::Stage>, ConnectorError> {
        stages
            .iter()
            .filter(|s| pipelines.is_none() || s.get("pipeline_id").and_then(Value::as_str) == Some(pipeline))
            .map(|s| serde_json::from_value(s.clone()).map_err(malformed))
            .collect()
    };
    match (pipelines, &resources.pipelines) {
        (Some(records), Some(resource)) => records
            .iter()
            .map(|raw| {
                let mut record = trato_record("pipelines", resource, raw, currency)?;
                let id = record["id"].as_str().unwrap_or_default().to_string();
                record["stages"] = serde_json::to_value(of(&id)?).unwrap_or_default();
                serde_json::from_value(record).map_err(malformed)
            })
            .collect(),
        _ => {
            let stages = of(ONE_PIPELINE)?;
            let version = hash(&serde_json::to_string(&stages).unwrap_or_default()) & ((1 << 53) - 1);
            let record = json!({
                "id": ONE_PIPELINE, "version": version.max(1), "created_at": "1970-01-01T00:00:00Z",
                "updated_at": "1970-01-01T00:00:00Z", "name": file.connector.name, "stages": stages,
            });
            Ok(vec![serde_json::from_value(record).map_err(malformed)?])
        }
    }
}
