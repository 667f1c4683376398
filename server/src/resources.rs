//! Record kinds served as REST collections, and the generic handlers that serve them:
//! list (filters, sort, cursor pages), get, create (idempotent), partial update (`If-Match`) and delete.

use crate::auth::{self, Rep};
use crate::error::{json_body, ApiJson, Failure};
use crate::{clock, db, AppState};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use trato_protocol::validate::*;
use trato_protocol::*;

/// A record kind that can be listed and read.
pub trait Listed: Record {
    /// Fields filterable by equality (`?owner_id=...`); each becomes an indexed column.
    const FILTERS: &'static [&'static str];
    /// Sort keys and the SQL expression over `data` each sorts by.
    const SORTS: &'static [(&'static str, &'static str)];
    /// Sort used when the request names none.
    const DEFAULT_SORT: &'static str;
    /// Text fields matched by `?q=`.
    const SEARCH: &'static [&'static str];
    /// Singular noun for messages.
    const NOUN: &'static str;
    /// A field that must equal the caller's user id for a record to be visible (private records such as saved
    /// views); `None` when every rep sees every record.
    const OWNER_SCOPE: Option<&'static str> = None;

    /// Fills computed, read-only fields before records are returned.
    fn decorate(_conn: &Connection, _records: &mut [Self]) -> Result<(), Failure> {
        Ok(())
    }
}

/// Whether the caller may see this record (see [`Listed::OWNER_SCOPE`]).
fn visible<R: Listed>(record: &R, user_id: &str) -> bool {
    match R::OWNER_SCOPE {
        None => true,
        Some(field) => {
            serde_json::to_value(record).ok().and_then(|v| v[field].as_str().map(|s| s == user_id)).unwrap_or(false)
        }
    }
}

/// Reads a live record the caller may see, else 404.
fn get_visible<R: Listed>(conn: &Connection, id: &str, user_id: &str) -> Result<R, Failure> {
    db::get::<R>(conn, id)?.filter(|r| visible(r, user_id)).ok_or_else(|| Failure::not_found(R::NOUN))
}

/// A record kind that clients can create, update and delete.
pub trait Writable: Listed {
    /// Body of a create.
    type New: DeserializeOwned;
    /// Body of a partial update.
    type Patch: DeserializeOwned;
    /// Prefix of generated ids.
    const ID_PREFIX: &'static str;
    /// Validates a create body and builds the record.
    fn create(new: Self::New, meta: Meta, ctx: &WriteCtx<'_>) -> Result<Self, Failure>;
    /// Validates a patch and applies it.
    fn apply(&mut self, patch: Self::Patch, ctx: &WriteCtx<'_>) -> Result<(), Failure>;
    /// Runs after the record was written (created, changed, deleted or restored), in the same transaction: lets
    /// records whose computed fields depend on this one reappear in the changes feed.
    fn after_write(_conn: &Connection, _record: &Self) -> Result<(), Failure> {
        Ok(())
    }
}

/// What a create or update may consult: the database, the caller and the time of the write.
pub struct WriteCtx<'a> {
    /// Open connection (inside the write's transaction).
    pub conn: &'a Connection,
    /// The rep making the change.
    pub user_id: &'a str,
    /// Timestamp of this write.
    pub now: &'a str,
}

impl WriteCtx<'_> {
    /// Adds a field error when `id` names no live record of kind `R`.
    pub fn check_ref<R: Record>(&self, errors: &mut FieldErrors, field: &str, id: Option<&str>) -> Result<(), Failure> {
        if let Some(id) = id {
            if !db::exists::<R>(self.conn, id)? {
                errors.insert(field.into(), format!("no such {}", R::PATH.trim_end_matches('s')));
            }
        }
        Ok(())
    }

    /// Adds a field error when `id` names no rep.
    pub fn check_user(&self, errors: &mut FieldErrors, field: &str, id: Option<&str>) -> Result<(), Failure> {
        if let Some(id) = id {
            if !auth::user_exists(self.conn, id)? {
                errors.insert(field.into(), "no such user".into());
            }
        }
        Ok(())
    }
}

fn finish(errors: FieldErrors) -> Result<(), Failure> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Failure(ApiError::validation(errors)))
    }
}

/// The `CREATE TABLE` statements of every record kind.
pub fn all_tables() -> Vec<String> {
    vec![
        db::table_sql::<Pipeline>(),
        db::table_sql::<Account>(),
        db::table_sql::<Contact>(),
        db::table_sql::<Deal>(),
        db::table_sql::<Activity>(),
        db::table_sql::<SavedView>(),
    ]
}

// ---------------------------------------------------------------------------------------------------------------
// Generic handlers

fn bad_request(message: impl Into<String>) -> Failure {
    Failure::new(ErrorCode::BadRequest, message)
}

/// A record with its version as `ETag`.
fn record_response<R: Record>(status: StatusCode, record: &R) -> Response {
    let mut response = json_body(record);
    *response.status_mut() = status;
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", record.meta().version)) {
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

fn check_version<R: Record>(headers: &HeaderMap, current: &R) -> Result<(), Failure> {
    match if_match(headers)? {
        Some(expected) if expected != current.meta().version => Err(Failure::new(
            ErrorCode::PreconditionFailed,
            format!(
                "The {} was changed by someone else (version {} is current, the change was made on {expected}).",
                R::PATH.trim_end_matches('s'),
                current.meta().version
            ),
        )),
        _ => Ok(()),
    }
}

struct ListQuery {
    limit: u32,
    sort: String,
    descending: bool,
    cursor: Option<(SqlValue, String)>,
    filters: Vec<(String, String)>,
    search: Option<String>,
}

fn parse_list_query<R: Listed>(raw: Option<String>) -> Result<ListQuery, Failure> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|_| bad_request("The query string could not be read."))?;
    let mut query = ListQuery {
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
                query.limit = value
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
                query.sort = name.into();
                query.descending = descending;
            }
            "cursor" => cursor_text = Some(value),
            "q" if !R::SEARCH.is_empty() => {
                if value.chars().count() > MAX_SHORT {
                    return Err(bad_request("q is too long."));
                }
                query.search = Some(value);
            }
            field if R::FILTERS.contains(&field) => {
                if value.len() > MAX_SHORT {
                    return Err(bad_request(format!("{field} is too long.")));
                }
                query.filters.push((key, value));
            }
            _ => return Err(bad_request(format!("Unknown query parameter {key:?}."))),
        }
    }
    if let Some(text) = cursor_text {
        query.cursor = Some(decode_cursor(&text, &query)?);
    }
    Ok(query)
}

fn sort_spec(query: &ListQuery) -> String {
    format!("{}{}", if query.descending { "-" } else { "" }, query.sort)
}

fn encode_cursor(query: &ListQuery, value: &SqlValue, id: &str) -> String {
    let value = match value {
        SqlValue::Integer(n) => json!(n),
        SqlValue::Real(x) => json!(x),
        SqlValue::Text(s) => json!(s),
        _ => Value::Null,
    };
    let doc = json!({ "s": sort_spec(query), "v": value, "id": id });
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(doc.to_string())
}

fn decode_cursor(text: &str, query: &ListQuery) -> Result<(SqlValue, String), Failure> {
    let invalid = || bad_request("cursor is not valid for this list.");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text).map_err(|_| invalid())?;
    let doc: Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if doc["s"].as_str() != Some(sort_spec(query).as_str()) {
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

/// `GET /<kind>`: a page of live records.
pub async fn list<R: Listed>(
    State(state): State<AppState>,
    rep: Rep,
    RawQuery(raw): RawQuery,
) -> Result<Response, Failure> {
    let mut query = parse_list_query::<R>(raw)?;
    if let Some(field) = R::OWNER_SCOPE {
        // Private records: whatever the request asked, only the caller's own.
        query.filters.retain(|(f, _)| f != field);
        query.filters.push((field.to_string(), rep.user.id.clone()));
    }
    let column = format!("s_{}", query.sort);
    let mut sql = format!("SELECT data, {column}, id FROM {} WHERE deleted = 0", R::PATH);
    let mut args: Vec<SqlValue> = vec![];
    for (field, value) in &query.filters {
        sql.push_str(&format!(" AND f_{field} = ?"));
        args.push(SqlValue::Text(value.clone()));
    }
    if let Some(search) = &query.search {
        let pattern =
            format!("%{}%", search.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let clauses: Vec<String> = R::SEARCH
            .iter()
            .map(|field| format!("lower(json_extract(data, '$.{field}')) LIKE ? ESCAPE '\\'"))
            .collect();
        sql.push_str(&format!(" AND ({})", clauses.join(" OR ")));
        args.extend(R::SEARCH.iter().map(|_| SqlValue::Text(pattern.clone())));
    }
    let (cmp, dir) = if query.descending { ("<", "DESC") } else { (">", "ASC") };
    if let Some((value, id)) = &query.cursor {
        sql.push_str(&format!(" AND ({column} {cmp} ? OR ({column} = ? AND id {cmp} ?))"));
        args.extend([value.clone(), value.clone(), SqlValue::Text(id.clone())]);
    }
    sql.push_str(&format!(" ORDER BY {column} {dir}, id {dir} LIMIT {}", query.limit + 1));
    let conn = state.db();
    let mut stmt = conn.prepare(&sql)?;
    let mut rows: Vec<(String, SqlValue, String)> = stmt
        .query_map(params_from_iter(args), |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let next_cursor = if rows.len() > query.limit as usize {
        rows.truncate(query.limit as usize);
        rows.last().map(|(_, value, id)| encode_cursor(&query, value, id))
    } else {
        None
    };
    let mut items = rows.iter().map(|(data, _, _)| db::decode::<R>(data)).collect::<Result<Vec<_>, _>>()?;
    R::decorate(&conn, &mut items)?;
    Ok(json_body(&Page { items, next_cursor }))
}

/// `GET /<kind>/{id}`.
pub async fn get<R: Listed>(
    State(state): State<AppState>,
    rep: Rep,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let conn = state.db();
    let mut record = get_visible::<R>(&conn, &id, &rep.user.id)?;
    R::decorate(&conn, std::slice::from_mut(&mut record))?;
    Ok(record_response(StatusCode::OK, &record))
}

/// `POST /<kind>`: creates a record; with `Idempotency-Key` a replay returns the first result.
pub async fn create<R: Writable>(
    State(state): State<AppState>,
    rep: Rep,
    headers: HeaderMap,
    ApiJson(body): ApiJson<R::New>,
) -> Result<Response, Failure> {
    let path = format!("{API_PREFIX}/{}", R::PATH);
    let conn = state.db();
    let (key, replay) = replayed(&conn, &rep.user.id, &headers, "POST", &path)?;
    if let Some(replay) = replay {
        return Ok(replay);
    }
    let tx = conn.unchecked_transaction()?;
    let now = clock::now();
    let meta = Meta { id: db::new_id(R::ID_PREFIX), version: 1, created_at: now.clone(), updated_at: now.clone() };
    let ctx = WriteCtx { conn: &tx, user_id: &rep.user.id, now: &now };
    let mut record = R::create(body, meta, &ctx)?;
    db::put(&tx, &record)?;
    R::after_write(&tx, &record)?;
    R::decorate(&tx, std::slice::from_mut(&mut record))?;
    remember(&tx, &rep.user.id, key.as_deref(), "POST", &path, StatusCode::CREATED, Some(&record))?;
    tx.commit()?;
    Ok(record_response(StatusCode::CREATED, &record))
}

/// Stores the answer to a keyed write so that a retry with the same `Idempotency-Key` gets it again instead of
/// applying the write twice.
fn remember<R: Serialize>(
    conn: &Connection,
    user_id: &str,
    key: Option<&str>,
    method: &str,
    path: &str,
    status: StatusCode,
    record: Option<&R>,
) -> Result<(), Failure> {
    let Some(key) = key else { return Ok(()) };
    let body = record.and_then(|r| serde_json::to_string(r).ok()).unwrap_or_default();
    conn.execute(
        "INSERT INTO idempotency (user_id, key, method, path, status, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![user_id, key, method, path, status.as_u16(), body, clock::now()],
    )?;
    Ok(())
}

/// A replayed answer when this keyed request was already applied.
fn replayed(
    conn: &Connection,
    user_id: &str,
    headers: &HeaderMap,
    method: &str,
    path: &str,
) -> Result<(Option<String>, Option<Response>), Failure> {
    let key = idempotency_key(headers)?;
    let replay = match &key {
        Some(key) => replay(conn, user_id, key, method, path)?,
        None => None,
    };
    Ok((key, replay))
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, Failure> {
    let Some(value) = headers.get(IDEMPOTENCY_HEADER) else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or("").trim();
    if key.is_empty() || key.len() > 200 {
        return Err(bad_request("Idempotency-Key must be 1 to 200 visible characters."));
    }
    Ok(Some(key.to_string()))
}

fn replay(conn: &Connection, user_id: &str, key: &str, method: &str, path: &str) -> Result<Option<Response>, Failure> {
    let stored: Option<(String, String, u16, String)> = conn
        .query_row(
            "SELECT method, path, status, body FROM idempotency WHERE user_id = ?1 AND key = ?2",
            params![user_id, key],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .optional()?;
    let Some((stored_method, stored_path, status, body)) = stored else {
        return Ok(None);
    };
    if stored_method != method || stored_path != path {
        return Err(Failure::new(
            ErrorCode::ValidationFailed,
            "This Idempotency-Key was already used for another request.",
        ));
    }
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    if status == StatusCode::NO_CONTENT {
        let mut response = status.into_response();
        response.headers_mut().insert("idempotent-replay", HeaderValue::from_static("true"));
        return Ok(Some(response));
    }
    let version = serde_json::from_str::<Value>(&body).ok().and_then(|v| v["version"].as_u64()).unwrap_or(1);
    let mut response = (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    response.headers_mut().insert("idempotent-replay", HeaderValue::from_static("true"));
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{version}\"")) {
        response.headers_mut().insert(header::ETAG, etag);
    }
    Ok(Some(response))
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
    let conn = state.db();
    let (key, replay) = replayed(&conn, &rep.user.id, &headers, "PATCH", &path)?;
    if let Some(replay) = replay {
        return Ok(replay);
    }
    let tx = conn.unchecked_transaction()?;
    let mut record = get_visible::<R>(&tx, &id, &rep.user.id)?;
    check_version(&headers, &record)?;
    let now = clock::now();
    let ctx = WriteCtx { conn: &tx, user_id: &rep.user.id, now: &now };
    record.apply(patch, &ctx)?;
    let meta = record.meta_mut();
    meta.version += 1;
    meta.updated_at = now.clone();
    db::put(&tx, &record)?;
    R::after_write(&tx, &record)?;
    R::decorate(&tx, std::slice::from_mut(&mut record))?;
    remember(&tx, &rep.user.id, key.as_deref(), "PATCH", &path, StatusCode::OK, Some(&record))?;
    tx.commit()?;
    Ok(record_response(StatusCode::OK, &record))
}

/// `DELETE /<kind>/{id}`: removes the record (a tombstone stays for sync).
pub async fn delete<R: Writable>(
    State(state): State<AppState>,
    rep: Rep,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let path = format!("{API_PREFIX}/{}/{id}", R::PATH);
    let conn = state.db();
    let (key, replay) = replayed(&conn, &rep.user.id, &headers, "DELETE", &path)?;
    if let Some(replay) = replay {
        return Ok(replay);
    }
    let tx = conn.unchecked_transaction()?;
    let record = get_visible::<R>(&tx, &id, &rep.user.id)?;
    check_version(&headers, &record)?;
    db::delete::<R>(&tx, &id, record.meta().version + 1, &clock::now())?;
    R::after_write(&tx, &record)?;
    remember::<R>(&tx, &rep.user.id, key.as_deref(), "DELETE", &path, StatusCode::NO_CONTENT, None)?;
    tx.commit()?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /<kind>/{id}/restore`: brings back a deleted record (undo of a delete), with a new version.
pub async fn restore<R: Writable>(
    State(state): State<AppState>,
    rep: Rep,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let path = format!("{API_PREFIX}/{}/{id}/restore", R::PATH);
    let conn = state.db();
    let (key, replay) = replayed(&conn, &rep.user.id, &headers, "POST", &path)?;
    if let Some(replay) = replay {
        return Ok(replay);
    }
    let tx = conn.unchecked_transaction()?;
    let sql = format!("SELECT data, version FROM {} WHERE id = ?1 AND deleted = 1", R::PATH);
    let found: Option<(String, i64)> =
        tx.query_row(&sql, params![id], |row| Ok((row.get(0)?, row.get(1)?))).optional()?;
    let Some((data, version)) = found else { return Err(Failure::not_found(R::NOUN)) };
    let mut record = db::decode::<R>(&data)?;
    if !visible(&record, &rep.user.id) {
        return Err(Failure::not_found(R::NOUN));
    }
    let meta = record.meta_mut();
    meta.version = version as u64 + 1;
    meta.updated_at = clock::now();
    db::put(&tx, &record)?;
    R::after_write(&tx, &record)?;
    R::decorate(&tx, std::slice::from_mut(&mut record))?;
    remember(&tx, &rep.user.id, key.as_deref(), "POST", &path, StatusCode::OK, Some(&record))?;
    tx.commit()?;
    Ok(record_response(StatusCode::OK, &record))
}

/// `GET /changes?since=N&limit=M`: every record written after cursor `N` (all records when `since` is absent),
/// in write order, tombstones included, at most `M` (default 500, at most 1000). One indexed range query per kind.
pub async fn changes(State(state): State<AppState>, rep: Rep, RawQuery(raw): RawQuery) -> Result<Response, Failure> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|_| bad_request("The query string could not be read."))?;
    let mut since: i64 = -1;
    let mut limit: usize = 500;
    for (key, value) in pairs {
        match key.as_str() {
            "since" => {
                since = value
                    .parse::<i64>()
                    .ok()
                    .filter(|s| *s >= 0)
                    .ok_or_else(|| bad_request("since must be a cursor from an earlier answer."))?
            }
            "limit" => {
                limit = value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=MAX_PAGE_SIZE as usize).contains(n))
                    .ok_or_else(|| bad_request(format!("limit must be a number from 1 to {MAX_PAGE_SIZE}.")))?
            }
            _ => return Err(bad_request(format!("Unknown query parameter {key:?}."))),
        }
    }
    let conn = state.db();
    let mut rows: Vec<(i64, Change)> = Vec::new();
    for table in db::RECORD_TABLES {
        // Saved views are private: only the caller's own appear in their feed.
        let scope = if table == SavedView::PATH { " AND f_user_id = ?3" } else { "" };
        let sql =
            format!("SELECT id, version, deleted, seq, data FROM {table} WHERE seq > ?1{scope} ORDER BY seq LIMIT ?2");
        let mut stmt = conn.prepare(&sql)?;
        let map = |row: &rusqlite::Row<'_>| -> rusqlite::Result<(i64, Change)> {
            let deleted: bool = row.get(2)?;
            let data: String = row.get(4)?;
            let record = if deleted { None } else { serde_json::from_str(&data).ok() };
            Ok((
                row.get(3)?,
                Change { kind: table.into(), id: row.get(0)?, version: row.get::<_, i64>(1)? as u64, deleted, record },
            ))
        };
        let fetched: Vec<(i64, Change)> = if scope.is_empty() {
            stmt.query_map(params![since, limit as i64 + 1], map)?.collect::<Result<_, _>>()?
        } else {
            stmt.query_map(params![since, limit as i64 + 1, rep.user.id], map)?.collect::<Result<_, _>>()?
        };
        rows.extend(fetched);
    }
    rows.sort_by_key(|(seq, change)| (*seq, change.kind.clone(), change.id.clone()));
    let more = rows.len() > limit;
    rows.truncate(limit);
    let cursor = rows.last().map_or(since.max(0), |(seq, _)| *seq);
    let mut changes: Vec<Change> = rows.into_iter().map(|(_, change)| change).collect();
    decorate_changed_deals(&conn, &mut changes)?;
    let remaining = if more { db::count_after(&conn, cursor, &rep.user.id)? } else { 0 };
    Ok(json_body(&ChangesPage { changes, cursor: cursor.to_string(), more, remaining }))
}

/// Fills the computed fields of the deals in a changes page, as a list would.
fn decorate_changed_deals(conn: &Connection, changes: &mut [Change]) -> Result<(), Failure> {
    let slots: Vec<usize> =
        (0..changes.len()).filter(|&i| changes[i].kind == Deal::PATH && changes[i].record.is_some()).collect();
    let mut deals = slots
        .iter()
        .map(|&i| serde_json::from_value::<Deal>(changes[i].record.clone().unwrap_or_default()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| Failure::new(ErrorCode::Internal, "The server could not complete the request."))?;
    Deal::decorate(conn, &mut deals)?;
    for (slot, deal) in slots.into_iter().zip(deals) {
        changes[slot].record = serde_json::to_value(deal).ok();
    }
    Ok(())
}

/// Fallback for a method a path does not serve.
pub async fn method_not_allowed(method: Method) -> Failure {
    Failure::new(ErrorCode::MethodNotAllowed, format!("{method} is not allowed here."))
}

/// Fallback for an unknown API path.
pub async fn unknown_path() -> Failure {
    Failure::new(ErrorCode::NotFound, "No such endpoint.")
}

// ---------------------------------------------------------------------------------------------------------------
// Record kinds

impl Listed for Pipeline {
    const FILTERS: &'static [&'static str] = &[];
    const SORTS: &'static [(&'static str, &'static str)] =
        &[("created_at", "json_extract(data, '$.created_at')"), ("name", "lower(json_extract(data, '$.name'))")];
    const DEFAULT_SORT: &'static str = "created_at";
    const SEARCH: &'static [&'static str] = &[];
    const NOUN: &'static str = "pipeline";
}

impl Listed for Account {
    const FILTERS: &'static [&'static str] = &["owner_id"];
    const SORTS: &'static [(&'static str, &'static str)] =
        &[("name", "lower(json_extract(data, '$.name'))"), ("updated_at", "updated_at")];
    const DEFAULT_SORT: &'static str = "name";
    const SEARCH: &'static [&'static str] = &["name", "city"];
    const NOUN: &'static str = "account";
}

impl Writable for Account {
    type New = NewAccount;
    type Patch = AccountPatch;
    const ID_PREFIX: &'static str = "acc";

    fn create(new: NewAccount, meta: Meta, ctx: &WriteCtx<'_>) -> Result<Self, Failure> {
        let mut account = Account {
            meta,
            name: String::new(),
            industry: None,
            website: None,
            phone: None,
            city: None,
            owner_id: Some(ctx.user_id.into()),
        };
        let patch = AccountPatch {
            name: Some(new.name),
            industry: Some(new.industry),
            website: Some(new.website),
            phone: Some(new.phone),
            city: Some(new.city),
            owner_id: new.owner_id.map(Some),
        };
        account.apply(patch, ctx)?;
        Ok(account)
    }

    fn apply(&mut self, patch: AccountPatch, ctx: &WriteCtx<'_>) -> Result<(), Failure> {
        let mut errors = FieldErrors::new();
        if let Some(name) = patch.name {
            check_required(&mut errors, "name", &name, MAX_NAME);
            self.name = name.trim().into();
        }
        for (field, change, target) in [
            ("industry", patch.industry, &mut self.industry),
            ("website", patch.website, &mut self.website),
            ("phone", patch.phone, &mut self.phone),
            ("city", patch.city, &mut self.city),
        ] {
            if let Some(value) = change {
                check_optional(&mut errors, field, value.as_deref(), MAX_SHORT);
                *target = value;
            }
        }
        if let Some(owner) = patch.owner_id {
            ctx.check_user(&mut errors, "owner_id", owner.as_deref())?;
            self.owner_id = owner;
        }
        finish(errors)
    }
}

impl Listed for Contact {
    const FILTERS: &'static [&'static str] = &["account_id", "owner_id"];
    const SORTS: &'static [(&'static str, &'static str)] = &[
        ("name", "lower(json_extract(data, '$.last_name') || ' ' || json_extract(data, '$.first_name'))"),
        ("updated_at", "updated_at"),
    ];
    const DEFAULT_SORT: &'static str = "name";
    const SEARCH: &'static [&'static str] = &["first_name", "last_name", "email"];
    const NOUN: &'static str = "contact";
}

impl Writable for Contact {
    type New = NewContact;
    type Patch = ContactPatch;
    const ID_PREFIX: &'static str = "con";

    fn create(new: NewContact, meta: Meta, ctx: &WriteCtx<'_>) -> Result<Self, Failure> {
        let mut contact = Contact {
            meta,
            first_name: String::new(),
            last_name: String::new(),
            email: None,
            phone: None,
            title: None,
            account_id: None,
            owner_id: Some(ctx.user_id.into()),
        };
        let patch = ContactPatch {
            first_name: Some(new.first_name),
            last_name: Some(new.last_name),
            email: Some(new.email),
            phone: Some(new.phone),
            title: Some(new.title),
            account_id: Some(new.account_id),
            owner_id: new.owner_id.map(Some),
        };
        contact.apply(patch, ctx)?;
        Ok(contact)
    }

    fn apply(&mut self, patch: ContactPatch, ctx: &WriteCtx<'_>) -> Result<(), Failure> {
        let mut errors = FieldErrors::new();
        if let Some(first) = patch.first_name {
            check_required(&mut errors, "first_name", &first, MAX_NAME);
            self.first_name = first.trim().into();
        }
        if let Some(last) = patch.last_name {
            check_optional(&mut errors, "last_name", Some(&last), MAX_NAME);
            self.last_name = last.trim().into();
        }
        if let Some(email) = patch.email {
            check_email(&mut errors, "email", email.as_deref());
            self.email = email;
        }
        for (field, change, target) in
            [("phone", patch.phone, &mut self.phone), ("title", patch.title, &mut self.title)]
        {
            if let Some(value) = change {
                check_optional(&mut errors, field, value.as_deref(), MAX_SHORT);
                *target = value;
            }
        }
        if let Some(account) = patch.account_id {
            ctx.check_ref::<Account>(&mut errors, "account_id", account.as_deref())?;
            self.account_id = account;
        }
        if let Some(owner) = patch.owner_id {
            ctx.check_user(&mut errors, "owner_id", owner.as_deref())?;
            self.owner_id = owner;
        }
        finish(errors)
    }
}

impl Listed for Deal {
    const FILTERS: &'static [&'static str] = &["pipeline_id", "stage_id", "account_id", "contact_id", "owner_id"];
    const SORTS: &'static [(&'static str, &'static str)] = &[
        ("position", "json_extract(data, '$.position')"),
        ("name", "lower(json_extract(data, '$.name'))"),
        ("amount", "json_extract(data, '$.amount.minor')"),
        ("expected_close", "coalesce(json_extract(data, '$.expected_close'), '9999-12-31')"),
        ("updated_at", "updated_at"),
        ("created_at", "json_extract(data, '$.created_at')"),
    ];
    const DEFAULT_SORT: &'static str = "position";
    const SEARCH: &'static [&'static str] = &["name"];
    const NOUN: &'static str = "deal";

    /// Sets each deal's `next_activity`: its open call, meeting or task due first (undated ones last).
    fn decorate(conn: &Connection, deals: &mut [Self]) -> Result<(), Failure> {
        if deals.is_empty() {
            return Ok(());
        }
        let placeholders = vec!["?"; deals.len()].join(",");
        let sql = format!(
            "SELECT f_deal_id, data FROM activities WHERE deleted = 0 AND f_deal_id IN ({placeholders}) \
             AND json_extract(data, '$.done') = 0 AND f_kind IN ('task', 'call', 'meeting') \
             ORDER BY s_due_on, id"
        );
        let mut stmt = conn.prepare(&sql)?;
        let ids = deals.iter().map(|d| d.meta.id.clone());
        let mut next = std::collections::HashMap::<String, NextActivity>::new();
        let rows =
            stmt.query_map(params_from_iter(ids), |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?;
        for row in rows {
            let (deal_id, data) = row?;
            if next.contains_key(&deal_id) {
                continue;
            }
            let activity = db::decode::<Activity>(&data)?;
            next.insert(
                deal_id,
                NextActivity {
                    id: activity.meta.id,
                    kind: activity.kind,
                    subject: activity.subject,
                    due_on: activity.due_on,
                },
            );
        }
        for deal in deals {
            deal.next_activity = next.remove(&deal.meta.id);
        }
        Ok(())
    }
}

/// Records a stage change in the deal's timeline.
fn record_stage_change(ctx: &WriteCtx<'_>, deal: &Deal, from: &Stage, to: &Stage) -> Result<(), Failure> {
    let activity = Activity {
        meta: Meta { id: db::new_id("act"), version: 1, created_at: ctx.now.into(), updated_at: ctx.now.into() },
        kind: ActivityKind::StageChange,
        subject: format!("{} → {}", from.name, to.name),
        body: None,
        deal_id: Some(deal.meta.id.clone()),
        account_id: deal.account_id.clone(),
        contact_id: None,
        owner_id: Some(ctx.user_id.into()),
        due_on: None,
        done: true,
        from_stage_id: Some(from.id.clone()),
        to_stage_id: Some(to.id.clone()),
    };
    db::put(ctx.conn, &activity)
}

/// Most contacts that can take part in one deal.
const MAX_PARTICIPANTS: usize = 50;

/// Every participant must be an existing contact, listed once.
fn check_participants(ctx: &WriteCtx<'_>, errors: &mut FieldErrors, ids: &[String]) -> Result<(), Failure> {
    let unique: std::collections::HashSet<&String> = ids.iter().collect();
    if ids.len() > MAX_PARTICIPANTS || unique.len() != ids.len() {
        errors.insert("participant_ids".into(), format!("must be at most {MAX_PARTICIPANTS} different contacts"));
        return Ok(());
    }
    for id in ids {
        ctx.check_ref::<Contact>(errors, "participant_ids", Some(id))?;
    }
    Ok(())
}

/// Position after the last live card of a stage.
fn next_position(conn: &Connection, stage_id: &str) -> Result<f64, Failure> {
    let max: Option<f64> = conn.query_row(
        "SELECT max(s_position) FROM deals WHERE deleted = 0 AND f_stage_id = ?1",
        params![stage_id],
        |row| row.get(0),
    )?;
    Ok(max.map_or(1024.0, |max| max + 1024.0))
}

impl Writable for Deal {
    type New = NewDeal;
    type Patch = DealPatch;
    const ID_PREFIX: &'static str = "deal";

    fn create(new: NewDeal, meta: Meta, ctx: &WriteCtx<'_>) -> Result<Self, Failure> {
        let mut errors = FieldErrors::new();
        check_required(&mut errors, "name", &new.name, MAX_NAME);
        check_money(&mut errors, "amount", &new.amount);
        check_date(&mut errors, "expected_close", new.expected_close.as_deref());
        check_finite(&mut errors, "position", new.position);
        ctx.check_ref::<Account>(&mut errors, "account_id", new.account_id.as_deref())?;
        ctx.check_ref::<Contact>(&mut errors, "contact_id", new.contact_id.as_deref())?;
        check_participants(ctx, &mut errors, &new.participant_ids)?;
        ctx.check_user(&mut errors, "owner_id", new.owner_id.as_deref())?;
        let pipeline = db::get::<Pipeline>(ctx.conn, &new.pipeline_id)?;
        let stage = match &pipeline {
            None => {
                errors.insert("pipeline_id".into(), "no such pipeline".into());
                None
            }
            Some(pipeline) => {
                let stage = match &new.stage_id {
                    Some(id) => pipeline.stages.iter().find(|s| &s.id == id),
                    None => pipeline.stages.first(),
                };
                if stage.is_none() {
                    errors.insert("stage_id".into(), "not a stage of this pipeline".into());
                }
                stage.cloned()
            }
        };
        finish(errors)?;
        let Some(stage) = stage else {
            return Err(Failure::new(ErrorCode::Internal, "stage"));
        };
        let position = match new.position {
            Some(position) => position,
            None => next_position(ctx.conn, &stage.id)?,
        };
        Ok(Deal {
            name: new.name.trim().into(),
            pipeline_id: new.pipeline_id,
            stage_id: stage.id,
            account_id: new.account_id,
            contact_id: new.contact_id,
            participant_ids: new.participant_ids,
            owner_id: new.owner_id.or_else(|| Some(ctx.user_id.into())),
            amount: new.amount,
            expected_close: new.expected_close,
            stage_entered_at: ctx.now.into(),
            last_activity_at: ctx.now.into(),
            position,
            lost_reason: None,
            closed_on: (stage.kind != StageKind::Open).then(|| ctx.now[..10].to_string()),
            probability: None,
            next_activity: None,
            meta,
        })
    }

    fn apply(&mut self, patch: DealPatch, ctx: &WriteCtx<'_>) -> Result<(), Failure> {
        let mut errors = FieldErrors::new();
        if let Some(name) = patch.name {
            check_required(&mut errors, "name", &name, MAX_NAME);
            self.name = name.trim().into();
        }
        if let Some(amount) = patch.amount {
            check_money(&mut errors, "amount", &amount);
            self.amount = amount;
        }
        if let Some(date) = patch.expected_close {
            check_date(&mut errors, "expected_close", date.as_deref());
            self.expected_close = date;
        }
        if let Some(position) = patch.position {
            check_finite(&mut errors, "position", Some(position));
            self.position = position;
        }
        if let Some(reason) = patch.lost_reason {
            check_optional(&mut errors, "lost_reason", reason.as_deref(), MAX_NAME);
            self.lost_reason = reason;
        }
        if let Some(probability) = patch.probability {
            if probability.is_some_and(|p| p > 100) {
                errors.insert("probability".into(), "must be from 0 to 100".into());
            }
            self.probability = probability;
        }
        if let Some(account) = patch.account_id {
            ctx.check_ref::<Account>(&mut errors, "account_id", account.as_deref())?;
            self.account_id = account;
        }
        if let Some(contact) = patch.contact_id {
            ctx.check_ref::<Contact>(&mut errors, "contact_id", contact.as_deref())?;
            self.contact_id = contact;
        }
        if let Some(participants) = patch.participant_ids {
            check_participants(ctx, &mut errors, &participants)?;
            self.participant_ids = participants;
        }
        if let Some(owner) = patch.owner_id {
            ctx.check_user(&mut errors, "owner_id", owner.as_deref())?;
            self.owner_id = owner;
        }
        if patch.pipeline_id.is_some() && patch.stage_id.is_none() {
            errors.insert("stage_id".into(), "is required when the pipeline changes".into());
        }
        if let Some(stage_id) = patch.stage_id {
            let pipeline_id = patch.pipeline_id.unwrap_or_else(|| self.pipeline_id.clone());
            let old_stage = db::get::<Pipeline>(ctx.conn, &self.pipeline_id)?
                .and_then(|p| p.stages.into_iter().find(|s| s.id == self.stage_id));
            match db::get::<Pipeline>(ctx.conn, &pipeline_id)? {
                None => {
                    errors.insert("pipeline_id".into(), "no such pipeline".into());
                }
                Some(pipeline) => match pipeline.stages.iter().find(|s| s.id == stage_id) {
                    None => {
                        errors.insert("stage_id".into(), "not a stage of this pipeline".into());
                    }
                    Some(stage) if stage.id != self.stage_id => {
                        self.pipeline_id = pipeline_id;
                        self.stage_id = stage.id.clone();
                        self.stage_entered_at = ctx.now.into();
                        self.last_activity_at = ctx.now.into();
                        self.closed_on = (stage.kind != StageKind::Open).then(|| ctx.now[..10].to_string());
                        if stage.kind != StageKind::Lost {
                            self.lost_reason = None;
                        }
                        if let Some(old) = &old_stage {
                            record_stage_change(ctx, self, old, stage)?;
                        }
                    }
                    Some(_) => {}
                },
            }
        }
        finish(errors)
    }
}

impl Listed for Activity {
    const FILTERS: &'static [&'static str] = &["deal_id", "account_id", "contact_id", "owner_id", "kind"];
    const SORTS: &'static [(&'static str, &'static str)] = &[
        ("created_at", "json_extract(data, '$.created_at')"),
        ("due_on", "coalesce(json_extract(data, '$.due_on'), '9999-12-31')"),
        ("updated_at", "updated_at"),
    ];
    const DEFAULT_SORT: &'static str = "created_at";
    const SEARCH: &'static [&'static str] = &["subject"];
    const NOUN: &'static str = "activity";
}

impl Writable for Activity {
    type New = NewActivity;
    type Patch = ActivityPatch;
    const ID_PREFIX: &'static str = "act";

    fn create(new: NewActivity, meta: Meta, ctx: &WriteCtx<'_>) -> Result<Self, Failure> {
        let mut errors = FieldErrors::new();
        ctx.check_ref::<Deal>(&mut errors, "deal_id", new.deal_id.as_deref())?;
        ctx.check_ref::<Account>(&mut errors, "account_id", new.account_id.as_deref())?;
        ctx.check_ref::<Contact>(&mut errors, "contact_id", new.contact_id.as_deref())?;
        if new.kind == ActivityKind::StageChange {
            errors.insert("kind".into(), "stage changes are recorded by the server".into());
        }
        finish(errors)?;
        let mut activity = Activity {
            meta,
            kind: new.kind,
            subject: String::new(),
            body: None,
            deal_id: new.deal_id,
            account_id: new.account_id,
            contact_id: new.contact_id,
            owner_id: Some(ctx.user_id.into()),
            due_on: None,
            done: false,
            from_stage_id: None,
            to_stage_id: None,
        };
        let patch = ActivityPatch {
            subject: Some(new.subject),
            body: Some(new.body),
            owner_id: new.owner_id.map(Some),
            due_on: Some(new.due_on),
            done: Some(new.done),
        };
        activity.apply(patch, ctx)?;
        Ok(activity)
    }

    fn apply(&mut self, patch: ActivityPatch, ctx: &WriteCtx<'_>) -> Result<(), Failure> {
        let mut errors = FieldErrors::new();
        if let Some(subject) = patch.subject {
            check_required(&mut errors, "subject", &subject, MAX_NAME);
            self.subject = subject.trim().into();
        }
        if let Some(body) = patch.body {
            check_optional(&mut errors, "body", body.as_deref(), MAX_TEXT);
            self.body = body;
        }
        if let Some(due) = patch.due_on {
            check_date(&mut errors, "due_on", due.as_deref());
            self.due_on = due;
        }
        if let Some(owner) = patch.owner_id {
            ctx.check_user(&mut errors, "owner_id", owner.as_deref())?;
            self.owner_id = owner;
        }
        if let Some(done) = patch.done {
            self.done = done;
        }
        finish(errors)
    }

    /// A deal's `next_activity` depends on its activities: the deal is sent again in the changes feed.
    fn after_write(conn: &Connection, activity: &Self) -> Result<(), Failure> {
        match &activity.deal_id {
            Some(deal_id) => db::touch::<Deal>(conn, deal_id),
            None => Ok(()),
        }
    }
}

impl Listed for SavedView {
    const FILTERS: &'static [&'static str] = &["user_id", "pipeline_id"];
    const SORTS: &'static [(&'static str, &'static str)] =
        &[("name", "lower(json_extract(data, '$.name'))"), ("updated_at", "updated_at")];
    const DEFAULT_SORT: &'static str = "name";
    const SEARCH: &'static [&'static str] = &[];
    const NOUN: &'static str = "view";
    const OWNER_SCOPE: Option<&'static str> = Some("user_id");
}

fn check_view_filters(errors: &mut FieldErrors, filters: &ViewFilters) {
    check_optional(errors, "filters.q", filters.q.as_deref(), MAX_SHORT);
    check_optional(errors, "filters.owner_id", filters.owner_id.as_deref(), MAX_SHORT);
    check_date(errors, "filters.close_from", filters.close_from.as_deref());
    check_date(errors, "filters.close_to", filters.close_to.as_deref());
    check_optional(errors, "filters.sort", filters.sort.as_deref(), 40);
}

impl Writable for SavedView {
    type New = NewView;
    type Patch = ViewPatch;
    const ID_PREFIX: &'static str = "view";

    fn create(new: NewView, meta: Meta, ctx: &WriteCtx<'_>) -> Result<Self, Failure> {
        let mut view = SavedView {
            meta,
            name: String::new(),
            user_id: ctx.user_id.into(),
            pipeline_id: String::new(),
            filters: ViewFilters::default(),
        };
        view.apply(
            ViewPatch { name: Some(new.name), pipeline_id: Some(new.pipeline_id), filters: Some(new.filters) },
            ctx,
        )?;
        Ok(view)
    }

    fn apply(&mut self, patch: ViewPatch, ctx: &WriteCtx<'_>) -> Result<(), Failure> {
        let mut errors = FieldErrors::new();
        if let Some(name) = patch.name {
            check_required(&mut errors, "name", &name, MAX_NAME);
            self.name = name.trim().into();
        }
        if let Some(pipeline) = patch.pipeline_id {
            ctx.check_ref::<Pipeline>(&mut errors, "pipeline_id", Some(&pipeline))?;
            self.pipeline_id = pipeline;
        }
        if let Some(filters) = patch.filters {
            check_view_filters(&mut errors, &filters);
            self.filters = filters;
        }
        finish(errors)
    }
}
