//! The one way records are written: create, update, delete, restore (each applying its kind's rules, bumping
//! the version and taking a place in the change sequence), and `insert` for complete records from a trusted
//! source (demo data, imports). Callers own the transaction; every call here belongs to it.

use super::kind::{Actor, Listed, Writable, WriteCtx};
use super::rows;
use crate::clock;
use crate::error::Failure;
use rusqlite::Connection;
use trato_protocol::*;

/// Whether `actor` may see `record` (see [`Listed::OWNER_SCOPE`]).
pub fn visible<R: Listed>(record: &R, actor: Actor<'_>) -> bool {
    match R::OWNER_SCOPE {
        None => true,
        Some(field) => serde_json::to_value(record)
            .ok()
            .and_then(|v| v[field].as_str().map(|owner| Some(owner) == actor.user_id()))
            .unwrap_or(false),
    }
}

/// A live record `actor` may see, if there is one.
pub fn find<R: Listed>(conn: &Connection, actor: Actor<'_>, id: &str) -> Result<Option<R>, Failure> {
    Ok(rows::get::<R>(conn, id)?.filter(|r| visible(r, actor)))
}

/// A live record `actor` may see, else 404 (exactly like a record that does not exist).
pub fn get<R: Listed>(conn: &Connection, actor: Actor<'_>, id: &str) -> Result<R, Failure> {
    find::<R>(conn, actor, id)?.ok_or_else(|| Failure::not_found(R::NOUN))
}

/// 412 when the record's version is not `expected` (the change was made on an older copy).
fn check_version<R: Record>(current: &R, expected: Option<u64>) -> Result<(), Failure> {
    match expected {
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

/// Creates a record from a create body (validated by its kind) at version 1.
pub fn create<R: Writable>(conn: &Connection, actor: Actor<'_>, new: R::New) -> Result<R, Failure> {
    let now = clock::now();
    let meta =
        Meta { id: crate::db::new_id(R::ID_PREFIX), version: 1, created_at: now.clone(), updated_at: now.clone() };
    let ctx = WriteCtx { conn, actor, now: &now };
    let record = R::create(new, meta, &ctx)?;
    rows::put(conn, &record)?;
    R::after_write(conn, &record)?;
    Ok(record)
}

/// Applies a partial update made on version `expected` (any version when `None`).
pub fn update<R: Writable>(
    conn: &Connection,
    actor: Actor<'_>,
    id: &str,
    expected: Option<u64>,
    patch: R::Patch,
) -> Result<R, Failure> {
    let mut record = get::<R>(conn, actor, id)?;
    check_version(&record, expected)?;
    let now = clock::now();
    let ctx = WriteCtx { conn, actor, now: &now };
    record.apply(patch, &ctx)?;
    let meta = record.meta_mut();
    meta.version += 1;
    meta.updated_at = now;
    rows::put(conn, &record)?;
    R::after_write(conn, &record)?;
    Ok(record)
}

/// Deletes a record decided on version `expected`, leaving a tombstone; returns the record as it was.
pub fn delete<R: Writable>(conn: &Connection, actor: Actor<'_>, id: &str, expected: Option<u64>) -> Result<R, Failure> {
    let record = get::<R>(conn, actor, id)?;
    check_version(&record, expected)?;
    rows::tombstone::<R>(conn, id, record.meta().version + 1, &clock::now())?;
    R::after_write(conn, &record)?;
    Ok(record)
}

/// Brings back a deleted record (the undo of a delete), with a new version.
pub fn restore<R: Writable>(conn: &Connection, actor: Actor<'_>, id: &str) -> Result<R, Failure> {
    let (mut record, version) = rows::get_deleted::<R>(conn, id)?.ok_or_else(|| Failure::not_found(R::NOUN))?;
    if !visible(&record, actor) {
        return Err(Failure::not_found(R::NOUN));
    }
    let meta = record.meta_mut();
    meta.version = version + 1;
    meta.updated_at = clock::now();
    rows::put(conn, &record)?;
    R::after_write(conn, &record)?;
    Ok(record)
}

/// Stores a complete record as given (its id, version and timestamps included), from a trusted source.
pub fn insert<R: Listed>(conn: &Connection, record: &R) -> Result<(), Failure> {
    rows::put(conn, record)
}
