//! Merging duplicates: `POST /accounts/{id}/merge` and `POST /contacts/{id}/merge` move everything of the other
//! record onto this one (an account's deals, contacts, activities, cases, orders and portal customers; a
//! contact's deals, activities and chats), guarded by both records' versions, then delete the other and write the
//! merge into the survivor's timeline, all in one transaction through the records layer.

use crate::auth::Rep;
use crate::error::{ApiJson, Failure};
use crate::records::{self, Actor};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rusqlite::{params, Connection};
use serde::Deserialize;
use trato_protocol::validate::MAX_TEXT;
use trato_protocol::*;

/// A merge request.
#[derive(Deserialize)]
pub struct MergeRequest {
    /// The duplicate that goes away.
    from: String,
    /// The version of it the rep saw.
    from_version: u64,
    /// What the survivor's timeline says of the merge, in the rep's words.
    note: String,
}

/// Ids of live records of `table` whose filter column `field` is `value`.
fn referring(conn: &Connection, table: &str, field: &str, value: &str) -> Result<Vec<String>, Failure> {
    let mut stmt = conn.prepare(&format!("SELECT id FROM {table} WHERE f_{field} = ?1 AND deleted = 0"))?;
    let ids = stmt.query_map(params![value], |row| row.get(0))?.collect::<Result<Vec<String>, _>>()?;
    Ok(ids)
}

fn version_from(headers: &HeaderMap) -> Option<u64> {
    let text = headers.get(header::IF_MATCH)?.to_str().ok()?;
    text.trim().trim_start_matches("W/").trim_matches('"').parse().ok()
}

/// Moves an account's records onto `into`.
fn move_account(conn: &Connection, actor: Actor<'_>, from: &str, into: &str) -> Result<(), Failure> {
    let to = || Some(Some(into.to_string()));
    for id in referring(conn, Deal::PATH, "account_id", from)? {
        records::update::<Deal>(conn, actor, &id, None, DealPatch { account_id: to(), ..Default::default() })?;
    }
    for id in referring(conn, Contact::PATH, "account_id", from)? {
        records::update::<Contact>(conn, actor, &id, None, ContactPatch { account_id: to(), ..Default::default() })?;
    }
    for id in referring(conn, Activity::PATH, "account_id", from)? {
        move_activity(conn, &id, "account_id", into)?;
    }
    crate::cases::move_account(conn, from, into)?;
    crate::orders::move_account(conn, from, into)?;
    crate::portal_auth::move_account(conn, from, into)?;
    Ok(())
}

/// Moves a contact's records onto `into`.
fn move_contact(conn: &Connection, actor: Actor<'_>, from: &str, into: &str) -> Result<(), Failure> {
    for id in referring(conn, Deal::PATH, "contact_id", from)? {
        let patch = DealPatch { contact_id: Some(Some(into.to_string())), ..Default::default() };
        records::update::<Deal>(conn, actor, &id, None, patch)?;
    }
    // Deals the duplicate takes part in.
    let mut stmt = conn.prepare("SELECT id FROM deals WHERE deleted = 0 AND instr(data, ?1) > 0")?;
    let quoted = format!("\"{from}\"");
    let ids = stmt.query_map(params![quoted], |row| row.get(0))?.collect::<Result<Vec<String>, _>>()?;
    for id in ids {
        let deal = records::get::<Deal>(conn, actor, &id)?;
        if deal.participant_ids.iter().any(|p| p == from) {
            let mut participants: Vec<String> =
                deal.participant_ids.iter().map(|p| if p == from { into.to_string() } else { p.clone() }).collect();
            participants.dedup();
            let patch = DealPatch { participant_ids: Some(participants), ..Default::default() };
            records::update::<Deal>(conn, actor, &id, None, patch)?;
        }
    }
    for id in referring(conn, Activity::PATH, "contact_id", from)? {
        move_activity(conn, &id, "contact_id", into)?;
    }
    crate::chat::move_contact(conn, from, into)?;
    Ok(())
}

/// Points one activity's `field` at `into` (activities' links are not part of their patch: they are moved as a
/// whole record through the records layer).
fn move_activity(conn: &Connection, id: &str, field: &str, into: &str) -> Result<(), Failure> {
    let Some(mut activity) = records::find::<Activity>(conn, Actor::System, id)? else { return Ok(()) };
    match field {
        "account_id" => activity.account_id = Some(into.to_string()),
        _ => activity.contact_id = Some(into.to_string()),
    }
    activity.meta.version += 1;
    activity.meta.updated_at = crate::clock::now();
    records::insert(conn, &activity)
}

fn merged<R: records::Writable + Clone>(
    state: &AppState,
    rep: &Rep,
    into: &str,
    headers: &HeaderMap,
    request: MergeRequest,
    move_records: fn(&Connection, Actor<'_>, &str, &str) -> Result<(), Failure>,
    link: fn(&str) -> (Option<String>, Option<String>),
) -> Result<Response, Failure> {
    if request.from == into {
        return Err(Failure::new(ErrorCode::ValidationFailed, "A record cannot be merged with itself."));
    }
    let note = request.note.trim().to_string();
    if note.is_empty() || note.chars().count() > MAX_TEXT {
        return Err(Failure::new(ErrorCode::ValidationFailed, "The merge note must be 1 to 20000 characters."));
    }
    let conn = state.db();
    let tx = conn.unchecked_transaction()?;
    let actor = Actor::Rep(&rep.user.id);
    let survivor = records::get::<R>(&tx, actor, into)?;
    if let Some(expected) = version_from(headers) {
        if expected != survivor.meta().version {
            return Err(Failure::new(ErrorCode::PreconditionFailed, "The record was changed by someone else."));
        }
    }
    let duplicate = records::get::<R>(&tx, actor, &request.from)?;
    if duplicate.meta().version != request.from_version {
        return Err(Failure::new(ErrorCode::PreconditionFailed, "The duplicate was changed by someone else."));
    }
    move_records(&tx, actor, &request.from, into)?;
    records::delete::<R>(&tx, actor, &request.from, Some(request.from_version))?;
    let (account_id, contact_id) = link(into);
    let new = NewActivity {
        kind: ActivityKind::Note,
        subject: note,
        body: None,
        deal_id: None,
        account_id,
        contact_id,
        owner_id: None,
        due_on: None,
        done: true,
    };
    records::create::<Activity>(&tx, actor, new)?;
    let survivor = records::get::<R>(&tx, actor, into)?;
    let body = records::query::served::<R>(&tx, into)?.ok_or_else(|| Failure::not_found(R::NOUN))?;
    tx.commit()?;
    let mut response = (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", survivor.meta().version)) {
        response.headers_mut().insert(header::ETAG, etag);
    }
    Ok(response)
}

/// `POST /accounts/{id}/merge`.
pub async fn merge_accounts(
    State(state): State<AppState>,
    rep: Rep,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<MergeRequest>,
) -> Result<Response, Failure> {
    merged::<Account>(&state, &rep, &id, &headers, request, move_account, |id| (Some(id.to_string()), None))
}

/// `POST /contacts/{id}/merge`.
pub async fn merge_contacts(
    State(state): State<AppState>,
    rep: Rep,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<MergeRequest>,
) -> Result<Response, Failure> {
    merged::<Contact>(&state, &rep, &id, &headers, request, move_contact, |id| (None, Some(id.to_string())))
}

/// The merge routes (under `/api/v1`).
pub fn router() -> axum::Router<AppState> {
    use axum::routing::post;
    axum::Router::new()
        .route("/accounts/{id}/merge", post(merge_accounts))
        .route("/contacts/{id}/merge", post(merge_contacts))
}
