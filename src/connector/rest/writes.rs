//! One record operation of a REST backend, round by round: lists and reads; creates whose answer is the record,
//! an id (then a read) or nothing (then a read of the `Location`); updates and deletes guarded as the file's
//! concurrency says (a read first to compare `updated_at` or take the `ETag`; a version field in a header or
//! the body), sending changed fields or the whole record.

use super::context::{json_of, phase, Backend, RestSession};
use super::requests::{item_path, list_request, method, read_page, render_path, request};
use super::values::{backend_body, id_of, trato_record, version_of};
use crate::connector::{
    ConnectorError, HttpRequest, HttpResponse, ListQuery, Method, RecordOp, RecordReply, Reply, Rounds, Step,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use trato_protocol::connector_file::{Body, Concurrency, Resource, Returns, VersionPlace};
use trato_protocol::Page;

/// A record operation with its record types turned into Trato JSON.
pub enum Plain<'a> {
    /// A page.
    List(&'a ListQuery),
    /// One record.
    Get(&'a str),
    /// A new record's fields.
    Create(Value),
    /// Changed fields, on a version.
    Update {
        /// The record.
        id: &'a str,
        /// The version the change was made on.
        version: Option<u64>,
        /// The fields.
        patch: Value,
    },
    /// A delete, on a version.
    Delete {
        /// The record.
        id: &'a str,
        /// The version it was decided on.
        version: Option<u64>,
    },
}

/// `op` as [`Plain`].
pub fn plain<N: Serialize, P: Serialize>(op: &RecordOp<N, P>) -> Result<Plain<'_>, ConnectorError> {
    let json = |v: &dyn erased::Json| v.json();
    Ok(match op {
        RecordOp::List(query) => Plain::List(query),
        RecordOp::Get(id) => Plain::Get(id),
        RecordOp::Create { new, .. } => Plain::Create(json(new)?),
        RecordOp::Update { id, version, patch, .. } => Plain::Update { id, version: *version, patch: json(patch)? },
        RecordOp::Delete { id, version, .. } => Plain::Delete { id, version: *version },
    })
}

mod erased {
    use crate::connector::ConnectorError;

    /// Anything serialisable, as JSON.
    pub trait Json {
        fn json(&self) -> Result<serde_json::Value, ConnectorError>;
    }

    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> Result<serde_json::Value, ConnectorError> {
            serde_json::to_value(self).map_err(|e| ConnectorError::Malformed(e.to_string()))
        }
    }
}

/// Whether a write reads the record first: to compare its `updated_at`, take its `ETag`, or send it whole.
fn reads_first(resource: &Resource, plain: &Plain<'_>) -> bool {
    let guarded = matches!(resource.concurrency, Concurrency::UpdatedAt | Concurrency::IfMatch);
    match plain {
        Plain::Update { version, .. } => {
            (guarded && version.is_some()) || resource.update.as_ref().is_some_and(|w| w.body == Body::Full)
        }
        Plain::Delete { version, .. } => guarded && version.is_some(),
        _ => false,
    }
}

fn get(
    c: &Backend<'_>,
    session: &RestSession,
    resource: &Resource,
    id: &str,
    fields: &Value,
) -> Result<HttpRequest, ConnectorError> {
    Ok(request(c.file, session, None, Method::Get, item_path(resource, id, fields)?))
}

fn unsupported(what: &str, kind: &str) -> ConnectorError {
    ConnectorError::Unsupported(format!("{what} {kind} (the connector file has no [{what}] for them)"))
}

fn wrapped(
    write_wrap: Option<&trato_protocol::connector_file::JsonPath>,
    inner: Value,
) -> Result<Value, ConnectorError> {
    match write_wrap {
        None => Ok(inner),
        Some(path) => {
            let mut body = json!({});
            path.set(&mut body, inner).map_err(ConnectorError::Unsupported)?;
            Ok(body)
        }
    }
}

fn create_request(
    c: &Backend<'_>,
    session: &RestSession,
    kind: &str,
    fields: &Value,
) -> Result<HttpRequest, ConnectorError> {
    let resource = c.resource(kind)?;
    let write = resource.create.as_ref().ok_or_else(|| unsupported("create", kind))?;
    let path = match &write.path {
        Some(path) => render_path(path, |n| fields.get(n).and_then(Value::as_str).map(str::to_string))?,
        None => render_path(&resource.path, |_| None)?,
    };
    let mut inner = json!({});
    backend_body(resource, fields, &mut inner)?;
    Ok(request(c.file, session, None, method(write.method), path).json(&wrapped(write.wrap.as_ref(), inner)?))
}

fn record_path(
    resource: &Resource,
    path: Option<&trato_protocol::connector_file::Template>,
    id: &str,
    fields: &Value,
) -> Result<String, ConnectorError> {
    match path {
        Some(path) => render_path(path, |n| match n {
            "id" => Some(id.to_string()),
            other => fields.get(other).and_then(Value::as_str).map(str::to_string),
        }),
        None => item_path(resource, id, fields),
    }
}

fn version_header(resource: &Resource, version: Option<u64>, etag: Option<&str>, mut out: HttpRequest) -> HttpRequest {
    match (&resource.concurrency, version, etag) {
        (Concurrency::VersionField { place: VersionPlace::Header, .. }, Some(version), _) => {
            out = out.header("if-match", format!("\"{version}\""));
        }
        (Concurrency::IfMatch, _, Some(etag)) => out = out.header("if-match", etag),
        _ => {}
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn update_request(
    c: &Backend<'_>,
    session: &RestSession,
    kind: &str,
    id: &str,
    version: Option<u64>,
    patch: &Value,
    current: Option<&Value>,
    etag: Option<&str>,
) -> Result<HttpRequest, ConnectorError> {
    let resource = c.resource(kind)?;
    let write = resource.update.as_ref().ok_or_else(|| unsupported("update", kind))?;
    let mut inner = match (write.body, current) {
        (Body::Full, Some(current)) => current.clone(),
        _ => json!({}),
    };
    backend_body(resource, patch, &mut inner)?;
    if let (Concurrency::VersionField { path, place: VersionPlace::Body }, Some(version)) =
        (&resource.concurrency, version)
    {
        path.set(&mut inner, json!(version)).map_err(ConnectorError::Unsupported)?;
    }
    let path = record_path(resource, write.path.as_ref(), id, patch)?;
    let out = request(c.file, session, None, method(write.method), path).json(&wrapped(write.wrap.as_ref(), inner)?);
    Ok(version_header(resource, version, etag, out))
}

fn delete_request(
    c: &Backend<'_>,
    session: &RestSession,
    kind: &str,
    id: &str,
    version: Option<u64>,
    etag: Option<&str>,
) -> Result<HttpRequest, ConnectorError> {
    let resource = c.resource(kind)?;
    let delete = resource.delete.as_ref().ok_or_else(|| unsupported("delete", kind))?;
    let path = record_path(resource, delete.path.as_ref(), id, &json!({}))?;
    Ok(version_header(resource, version, etag, request(c.file, session, None, method(delete.method), path)))
}

/// The first request of a record operation.
pub fn first(
    c: &Backend<'_>,
    session: &RestSession,
    kind: &str,
    plain: &Plain<'_>,
) -> Result<HttpRequest, ConnectorError> {
    let resource = c.resource(kind)?;
    match plain {
        Plain::List(query) => list_request(c.file, session, resource, query, None, c.base_url),
        Plain::Get(id) => get(c, session, resource, id, &json!({})),
        Plain::Create(fields) => create_request(c, session, kind, fields),
        Plain::Update { id, patch, .. } if reads_first(resource, plain) => get(c, session, resource, id, patch),
        Plain::Update { id, version, patch } => update_request(c, session, kind, id, *version, patch, None, None),
        Plain::Delete { id, .. } if reads_first(resource, plain) => get(c, session, resource, id, &json!({})),
        Plain::Delete { id, version } => delete_request(c, session, kind, id, *version, None),
    }
}

/// One record out of a single-record answer (inside the file's envelope).
fn one_of(resource: &Resource, body: &Value) -> Result<Value, ConnectorError> {
    let record = match &resource.envelope {
        Some(envelope) => envelope.get(body).cloned(),
        None => Some(body.clone()).filter(|b| !b.is_null()),
    };
    record.filter(Value::is_object).ok_or_else(|| ConnectorError::Malformed("an answer without the record".into()))
}

fn typed<T: DeserializeOwned>(record: Value) -> Result<T, ConnectorError> {
    serde_json::from_value(record).map_err(|e| ConnectorError::Malformed(format!("a record Trato cannot read: {e}")))
}

fn records<T: DeserializeOwned>(reply: RecordReply<Value>) -> Result<RecordReply<T>, ConnectorError> {
    Ok(match reply {
        RecordReply::Page(page) => RecordReply::Page(Page {
            items: page.items.into_iter().map(typed).collect::<Result<_, _>>()?,
            next_cursor: page.next_cursor,
        }),
        RecordReply::One(record) => RecordReply::One(typed(record)?),
        RecordReply::Deleted => RecordReply::Deleted,
    })
}

/// A reply of `kind` from Trato JSON.
fn reply(kind: &str, json: RecordReply<Value>) -> Result<Step, ConnectorError> {
    Ok(Step::Reply(match kind {
        "deals" => Reply::Deals(records(json)?),
        "accounts" => Reply::Accounts(records(json)?),
        "contacts" => Reply::Contacts(records(json)?),
        "activities" => Reply::Activities(records(json)?),
        other => return Err(ConnectorError::Unsupported(other.into())),
    }))
}

fn one(c: &Backend<'_>, kind: &str, resource: &Resource, body: &Value) -> Result<Step, ConnectorError> {
    let record = trato_record(kind, resource, &one_of(resource, body)?, &c.file.connector.currency)?;
    reply(kind, RecordReply::One(record))
}

/// After a write whose answer is not the record: read it.
fn reread(
    c: &Backend<'_>,
    session: &RestSession,
    kind: &str,
    rounds: &mut Rounds,
    id: &str,
    fields: &Value,
) -> Result<Step, ConnectorError> {
    let resource = c.resource(kind)?;
    rounds.carried = json!({ "phase": "reread" });
    Ok(Step::Next(get(c, session, resource, id, fields)?))
}

/// The record read before a guarded write: refused when it changed since `version`.
fn checked(resource: &Resource, body: &Value, version: Option<u64>) -> Result<Value, ConnectorError> {
    let current = one_of(resource, body)?;
    if let (Concurrency::UpdatedAt, Some(version)) = (&resource.concurrency, version) {
        if version_of(resource, &current) != version {
            return Err(ConnectorError::Conflict("the record changed on the backend since it was read".into()));
        }
    }
    Ok(current)
}

/// Reads the answer to one round of a record operation: the reply, or the next request.
pub fn next(
    c: &Backend<'_>,
    session: &RestSession,
    kind: &str,
    plain: &Plain<'_>,
    rounds: &mut Rounds,
    response: &HttpResponse,
) -> Result<Step, ConnectorError> {
    let resource = c.resource(kind)?;
    let stage = phase(rounds).to_string();
    // A record already gone is deleted, whether its read or its delete says so.
    if matches!(plain, Plain::Delete { .. }) && matches!(response.status, 404 | 410) {
        return reply(kind, RecordReply::Deleted);
    }
    if !response.is_success() {
        return Err(super::errors::error_of(c.file, Some(resource), response));
    }
    let body = json_of(response)?;
    if stage == "reread" {
        return one(c, kind, resource, &body);
    }
    match plain {
        Plain::List(query) => {
            let page = read_page(resource, query, response, c.base_url)?;
            let currency = &c.file.connector.currency;
            let items =
                page.records.iter().map(|raw| trato_record(kind, resource, raw, currency)).collect::<Result<_, _>>()?;
            reply(kind, RecordReply::Page(Page { items, next_cursor: page.next }))
        }
        Plain::Get(_) => one(c, kind, resource, &body),
        Plain::Create(fields) => {
            let write = resource.create.as_ref().ok_or_else(|| unsupported("create", kind))?;
            let answered = write.id_path.get(&body).and_then(super::values::as_text);
            if let (Returns::Id, Some(id)) = (write.returns, &answered) {
                return reread(c, session, kind, rounds, id, fields);
            }
            match write.returns {
                Returns::Record if body.is_object() => one(c, kind, resource, &body),
                _ => match response.header("location") {
                    Some(location) => {
                        rounds.carried = json!({ "phase": "reread" });
                        let path = super::requests::relative_path(location, c.base_url);
                        Ok(Step::Next(request(c.file, session, None, Method::Get, path)))
                    }
                    None => Err(ConnectorError::Malformed(
                        "a create's answer without the record, its id or a Location".into(),
                    )),
                },
            }
        }
        Plain::Update { id, version, patch } => {
            if stage.is_empty() && reads_first(resource, plain) {
                let current = checked(resource, &body, *version)?;
                rounds.carried = json!({ "phase": "write" });
                let etag = response.header("etag");
                return Ok(Step::Next(update_request(c, session, kind, id, *version, patch, Some(&current), etag)?));
            }
            let write = resource.update.as_ref().ok_or_else(|| unsupported("update", kind))?;
            match write.returns {
                Returns::Record if body.is_object() => {
                    // The answer must be this record (a backend may answer the record's parent or a summary).
                    let record = one_of(resource, &body)?;
                    if id_of(resource, &record).ok().as_deref() == Some(*id) {
                        return one(c, kind, resource, &body);
                    }
                    reread(c, session, kind, rounds, id, patch)
                }
                _ => reread(c, session, kind, rounds, id, patch),
            }
        }
        Plain::Delete { id, version } => {
            if stage.is_empty() && reads_first(resource, plain) {
                checked(resource, &body, *version)?;
                rounds.carried = json!({ "phase": "write" });
                let etag = response.header("etag");
                return Ok(Step::Next(delete_request(c, session, kind, id, *version, etag)?));
            }
            reply(kind, RecordReply::Deleted)
        }
    }
}
