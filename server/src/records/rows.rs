//! Record rows as stored: each kind has a table `(id, version, updated_at, deleted, seq, data)` where `data` is
//! the record's wire JSON and `seq` its place in the database-wide write sequence that the changes feed reads.
//! Deleted records stay as tombstones (`deleted = 1`). Only the records layer calls these.

use crate::error::Failure;
use rusqlite::{params, Connection, OptionalExtension};
use trato_protocol::{ErrorCode, Record};

/// Inserts or replaces a record (the caller has set its version and timestamps).
pub fn put<R: Record>(conn: &Connection, record: &R) -> Result<(), Failure> {
    let meta = record.meta();
    let data = serde_json::to_string(record).map_err(|_| Failure::new(ErrorCode::Internal, "encode"))?;
    let seq = next_seq(conn)?;
    let sql = format!(
        "INSERT INTO {} (id, version, updated_at, deleted, seq, data) VALUES (?1, ?2, ?3, 0, ?4, ?5)
         ON CONFLICT(id) DO UPDATE SET version = ?2, updated_at = ?3, deleted = 0, seq = ?4, data = ?5",
        R::PATH
    );
    conn.prepare_cached(&sql)?.execute(params![meta.id, meta.version as i64, meta.updated_at, seq, data])?;
    Ok(())
}

/// The next value of the database-wide change sequence (every write of a record takes one, so the changes feed
/// can ask for "everything after N").
fn next_seq(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("UPDATE change_seq SET value = value + 1 WHERE id = 1 RETURNING value")?
        .query_row([], |row| row.get(0))
}

/// Gives a live record a new place in the change sequence without changing it (its computed fields changed).
pub fn touch<R: Record>(conn: &Connection, id: &str) -> Result<(), Failure> {
    let seq = next_seq(conn)?;
    conn.execute(&format!("UPDATE {} SET seq = ?2 WHERE id = ?1 AND deleted = 0", R::PATH), params![id, seq])?;
    Ok(())
}

/// Marks a record deleted, keeping a tombstone with a new version.
pub fn tombstone<R: Record>(conn: &Connection, id: &str, version: u64, at: &str) -> Result<(), Failure> {
    let seq = next_seq(conn)?;
    let sql = format!("UPDATE {} SET deleted = 1, version = ?2, updated_at = ?3, seq = ?4 WHERE id = ?1", R::PATH);
    conn.execute(&sql, params![id, version as i64, at, seq])?;
    Ok(())
}

/// Reads one live record by id.
pub fn get<R: Record>(conn: &Connection, id: &str) -> Result<Option<R>, Failure> {
    let sql = format!("SELECT data FROM {} WHERE id = ?1 AND deleted = 0", R::PATH);
    let data: Option<String> = conn.prepare_cached(&sql)?.query_row(params![id], |row| row.get(0)).optional()?;
    data.map(|data| decode(&data)).transpose()
}

/// Reads one deleted record by id, with its tombstone's version.
pub fn get_deleted<R: Record>(conn: &Connection, id: &str) -> Result<Option<(R, u64)>, Failure> {
    let sql = format!("SELECT data, version FROM {} WHERE id = ?1 AND deleted = 1", R::PATH);
    let found: Option<(String, i64)> =
        conn.query_row(&sql, params![id], |row| Ok((row.get(0)?, row.get(1)?))).optional()?;
    found.map(|(data, version)| Ok((decode(&data)?, version as u64))).transpose()
}

/// Whether a live record with this id exists.
pub fn exists<R: Record>(conn: &Connection, id: &str) -> Result<bool, Failure> {
    let sql = format!("SELECT 1 FROM {} WHERE id = ?1 AND deleted = 0", R::PATH);
    Ok(conn.prepare_cached(&sql)?.query_row(params![id], |_| Ok(())).optional()?.is_some())
}

/// Decodes a stored document.
pub fn decode<R: Record>(data: &str) -> Result<R, Failure> {
    serde_json::from_str(data).map_err(|error| {
        tracing::error!(kind = R::PATH, %error, "stored document does not decode");
        Failure::new(ErrorCode::Internal, "The server could not complete the request.")
    })
}
