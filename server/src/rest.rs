//! The records' HTTP surface: every record kind as a REST collection (list with filters, sort, search and
//! keyset cursors; get; idempotent create; partial update guarded by `If-Match`; delete; restore) and the
//! changes feed. Handlers parse and answer HTTP; the rules and the writes are the records layer's.

use crate::auth::Rep;
use crate::error::{ApiJson, Failure};
use crate::idempotency;
use crate::records::query::{self, ListSpec};
use crate::records::{self, Actor, Listed, Writable};
use crate::state::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use rusqlite::types::Value as SqlValue;
use serde_json::{json, Value};
use trato_protocol::validate::MAX_SHORT;
use trato_protocol::*;

/// The records' routes (under `/api/v1`).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/changes", get(crate::changes::changes))
        .route("/pipelines", get(list::<Pipeline>))
        .route("/pipelines/{id}", get(get_one::<Pipeline>))
        .route("/accounts", get(list::<Account>).post(create::<Account>))
        .route("/accounts/{id}", get(get_one::<Account>).patch(update::<Account>).delete(delete::<Account>))
        .route("/contacts", get(list::<Contact>).post(create::<Contact>))
        .route("/contacts/{id}", get(get_one::<Contact>).patch(update::<Contact>).delete(delete::<Contact>))
        .route("/deals", get(list::<Deal>).post(create::<Deal>))
        .route("/deals/{id}", get(get_one::<Deal>).patch(update::<Deal>).delete(delete::<Deal>))
        .route("/deals/{id}/restore", post(restore::<Deal>))
        .route("/activities", get(list::<Activity>).post(create::<Activity>))
        .route("/activities/{id}", get(get_one::<Activity>).patch(update::<Activity>).delete(delete::<Activity>))
        .route("/views", get(list::<SavedView>).post(create::<SavedView>))
        .route("/views/{id}", get(get_one::<SavedView>).patch(update::<SavedView>).delete(delete::<SavedView>))
}

fn bad_request(message: impl Into<String>) -> Failure {
    Failure::new(ErrorCode::BadRequest, message)
}

/// A JSON body that is already text.
fn json_text(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
}

/// A record's served JSON with its version as `ETag`.
fn record_response(status: StatusCode, version: u64, body: String) -> Response {
    let mut response = json_text(status, body);
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{version}\"")) {
        response.headers_mut().insert(header::ETAG, etag);
    }
    response
}

/// The version named by `If-Match` (`"3"`, `W/"3"` or `3`), if the header is present.
fn if_match(headers: &HeaderMap) -> Result<Option<u64>, Failure> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or("").trim();
    if text == "*" {
        return Ok(None);
    }
    let text = text.trim_start_matches("W/").trim_matches('"');
    text.parse::<u64>().map(Some).map_err(|_| bad_request("If-Match must be a record version such as \"3\"."))
}

fn parse_list_query<R: Listed>(raw: Option<String>) -> Result<ListSpec, Failure> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|_| bad_request("The query string could not be read."))?;
    let mut spec = ListSpec {
        limit: DEFAULT_PAGE_SIZE,
        sort: R::DEFAULT_SORT.into(),
        descending: false,
        cursor: None,
        filters: vec![],
        search: None,
    };
    let mut cursor_text = None;
    for (key, value) in pairs {
        match key.as_str() {
            "limit" => {
                spec.limit = value
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
                    .ok_or_else(|| bad_request(format!("limit must be a number from 1 to {MAX_PAGE_SIZE}.")))?;
            }
            "sort" => {
                let (descending, name) = match value.strip_prefix('-') {
                    Some(name) => (true, name),
                    None => (false, value.as_str()),
                };
                if !R::SORTS.iter().any(|(sort, _)| *sort == name) {
                    let known: Vec<_> = R::SORTS.iter().map(|(s, _)| *s).collect();
                    return Err(bad_request(format!(
                        "sort must be one of {} (prefix - for descending).",
                        known.join(", ")
                    )));
                }
                spec.sort = name.into();
                spec.descending = descending;
            }
            "cursor" => cursor_text = Some(value),
            "q" if !R::SEARCH.is_empty() => {
                if value.chars().count() > MAX_SHORT {
                    return Err(bad_request("q is too long."));
                }
                spec.search = Some(value);
            }
            field if R::FILTERS.contains(&field) => {
                if value.len() > MAX_SHORT {
                    return Err(bad_request(format!("{field} is too long.")));
                }
                spec.filters.push((key, value));
            }
            _ => return Err(bad_request(format!("Unknown query parameter {key:?}."))),
        }
    }
    if let Some(text) = cursor_text {
        spec.cursor = Some(decode_cursor(&text, &spec)?);
    }
    Ok(spec)
}

fn sort_spec(spec: &ListSpec) -> String {
    format!("{}{}", if spec.descending { "-" } else { "" }, spec.sort)
}

fn encode_cursor(spec: &ListSpec, value: &SqlValue, id: &str) -> String {
    let value = match value {
        SqlValue::Integer(n) => json!(n),
        SqlValue::Real(x) => json!(x),
        SqlValue::Text(s) => json!(s),
        _ => Value::Null,
    };
    let doc = json!({ "s": sort_spec(spec), "v": value, "id": id });
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(doc.to_string())
}

fn decode_cursor(text: &str, spec: &ListSpec) -> Result<(SqlValue, String), Failure> {
    let invalid = || bad_request("cursor is not valid for this list.");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text).map_err(|_| invalid())?;
    let doc: Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if doc["s"].as_str() != Some(sort_spec(spec).as_str()) {
        return Err(invalid());
    }
    let id = doc["id"].as_str().ok_or_else(invalid)?.to_string();
    let value = match &doc["v"] {
        Value::Number(n) if n.is_i64() => SqlValue::Integer(n.as_i64().unwrap_or_default()),
        Value::Number(n) => SqlValue::Real(n.as_f64().unwrap_or_default()),
        Value::String(s) => SqlValue::Text(s.clone()),
        Value::Null => SqlValue::Null,
        _ => return Err(invalid()),
    };
    Ok((value, id))
}

/// `GET /<kind>`: a page of live records (private kinds: only the caller's own).
pub async fn list<R: Listed>(
    State(state): State<AppState>,
    rep: Rep,
    RawQuery(raw): RawQuery,
) -> Result<Response, Failure> {
    let mut spec = parse_list_query::<R>(raw)?;
    if let Some(field) = R::OWNER_SCOPE {
        // Private records: whatever the request asked, only the caller's own.
        spec.filters.retain(|(f, _)| f != field);
        spec.filters.push((field.to_string(), rep.user.id.clone()));
    }
    let mut rows = query::list::<R>(&state.read(), &spec)?;
    let next_cursor = if rows.len() > spec.limit as usize {
        rows.truncate(spec.limit as usize);
        rows.last().map(|(_, value, id)| encode_cursor(&spec, value, id))
    } else {
        None
    };
    let mut body = String::with_capacity(rows.iter().map(|r| r.0.len() + 1).sum::<usize>() + 64);
    body.push_str("{\"items\":[");
    for (index, (json, _, _)) in rows.iter().enumerate() {
        if index > 0 {
            body.push(',');
        }
        body.push_str(json);
    }
    body.push_str("],\"next_cursor\":");
    body.push_str(&serde_json::to_string(&next_cursor).unwrap_or_else(|_| "null".into()));
    body.push('}');
    Ok(json_text(StatusCode::OK, body))
}

/// `GET /<kind>/{id}`.
pub async fn get_one<R: Listed>(
    State(state): State<AppState>,
    rep: Rep,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let conn = state.read();
    let record = records::get::<R>(&conn, Actor::Rep(&rep.user.id), &id)?;
    let body = served::<R>(&conn, &id)?;
    Ok(record_response(StatusCode::OK, record.meta().version, body))
}

fn served<R: Listed>(conn: &rusqlite::Connection, id: &str) -> Result<String, Failure> {
    query::served::<R>(conn, id)?.ok_or_else(|| Failure::not_found(R::NOUN))
}

/// Runs a keyed write in one transaction: a replayed answer when the key was already used, else `write`'s
/// answer (status, the record's version and its served JSON), remembered under the key.
fn keyed_write(
    state: &AppState,
    rep: &Rep,
    headers: &HeaderMap,
    method: &str,
    path: &str,
    write: impl FnOnce(&rusqlite::Connection, Actor<'_>) -> Result<(StatusCode, Option<(u64, String)>), Failure>,
) -> Result<Response, Failure> {
    let conn = state.db();
    let keyed = idempotency::lookup(&conn, &rep.user.id, headers, method, path)?;
    if let Some(replay) = keyed.replay {
        return Ok(replay);
    }
    let tx = conn.unchecked_transaction()?;
    let (status, answer) = write(&tx, Actor::Rep(&rep.user.id))?;
    let body = answer.as_ref().map_or("", |(_, body)| body.as_str());
    idempotency::remember(&tx, &rep.user.id, keyed.key.as_deref(), method, path, status, body)?;
    tx.commit()?;
    Ok(match answer {
        Some((version, body)) => record_response(status, version, body),
        None => status.into_response(),
    })
}

/// `POST /<kind>`: creates a record; with `Idempotency-Key` a replay returns the first result.
pub async fn create<R: Writable>(
    State(state): State<AppState>,
    rep: Rep,
    headers: HeaderMap,
    ApiJson(body): ApiJson<R::New>,
) -> Result<Response, Failure> {
    let path = format!("{API_PREFIX}/{}", R::PATH);
    keyed_write(&state, &rep, &headers, "POST", &path, |conn, actor| {
        let record = records::create::<R>(conn, actor, body)?;
        Ok((StatusCode::CREATED, Some((record.meta().version, served::<R>(conn, &record.meta().id)?))))
    })
}

/// `PATCH /<kind>/{id}`: changes only the fields present; `If-Match` guards against lost updates.
pub async fn update<R: Writable>(
    State(state): State<AppState>,
    rep: Rep,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(patch): ApiJson<R::Patch>,
) -> Result<Response, Failure> {
    let path = format!("{API_PREFIX}/{}/{id}", R::PATH);
    let expected = if_match(&headers)?;
    keyed_write(&state, &rep, &headers, "PATCH", &path, |conn, actor| {
        let record = records::update::<R>(conn, actor, &id, expected, patch)?;
        Ok((StatusCode::OK, Some((record.meta().version, served::<R>(conn, &id)?))))
    })
}

/// `DELETE /<kind>/{id}`: removes the record (a tombstone stays for sync).
pub async fn delete<R: Writable>(
    State(state): State<AppState>,
    rep: Rep,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let path = format!("{API_PREFIX}/{}/{id}", R::PATH);
    let expected = if_match(&headers)?;
    keyed_write(&state, &rep, &headers, "DELETE", &path, |conn, actor| {
        records::delete::<R>(conn, actor, &id, expected)?;
        Ok((StatusCode::NO_CONTENT, None))
    })
}

/// `POST /<kind>/{id}/restore`: brings back a deleted record (undo of a delete), with a new version.
pub async fn restore<R: Writable>(
    State(state): State<AppState>,
    rep: Rep,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let path = format!("{API_PREFIX}/{}/{id}/restore", R::PATH);
    keyed_write(&state, &rep, &headers, "POST", &path, |conn, actor| {
        let record = records::restore::<R>(conn, actor, &id)?;
        Ok((StatusCode::OK, Some((record.meta().version, served::<R>(conn, &id)?))))
    })
}

/// Fallback for a method a path does not serve.
pub async fn method_not_allowed(method: Method) -> Failure {
    Failure::new(ErrorCode::MethodNotAllowed, format!("{method} is not allowed here."))
}

/// Fallback for an unknown API path.
pub async fn unknown_path() -> Failure {
    Failure::new(ErrorCode::NotFound, "No such endpoint.")
}
