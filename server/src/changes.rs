//! `GET /changes`: the delta-sync feed. Every record written after a cursor, in write order, tombstones
//! included, decorated like a list, in pages with a `remaining` count for progress.

use crate::auth::Rep;
use crate::error::Failure;
use crate::records::query;
use crate::state::AppState;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use trato_protocol::*;

/// Changes per page when the request names no limit.
pub const DEFAULT_CHANGES: usize = 500;

fn bad_request(message: impl Into<String>) -> Failure {
    Failure::new(ErrorCode::BadRequest, message)
}

/// `GET /changes?since=N&limit=M`: every record written after cursor `N` (all records when `since` is absent),
/// in write order, tombstones included, about `M` (default 500, at most 1000) per page.
pub async fn changes(State(state): State<AppState>, rep: Rep, RawQuery(raw): RawQuery) -> Result<Response, Failure> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|_| bad_request("The query string could not be read."))?;
    let mut since: i64 = -1;
    let mut limit: usize = DEFAULT_CHANGES;
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
    let conn = state.read();
    let (rows, more) = query::changes_after(&conn, since, limit, &rep.user.id)?;
    let cursor = rows.last().map_or(since.max(0), |(seq, _)| *seq);
    let remaining = if more { query::count_after(&conn, cursor, &rep.user.id)? } else { 0 };
    let mut body = String::with_capacity(rows.iter().map(|r| r.1.len() + 1).sum::<usize>() + 96);
    body.push_str("{\"changes\":[");
    for (index, (_, json)) in rows.iter().enumerate() {
        if index > 0 {
            body.push(',');
        }
        body.push_str(json);
    }
    body.push_str(&format!("],\"cursor\":\"{cursor}\",\"more\":{more},\"remaining\":{remaining}}}"));
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response())
}
