//! The company's reps as stored (`users` table): reads for owners, assignees and sessions, and creation with an
//! already hashed password (hashing is [`crate::auth`]'s).

use crate::clock;
use rusqlite::{params, Connection, OptionalExtension};
use trato_protocol::User;

fn user_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User { id: row.get(0)?, name: row.get(1)?, email: row.get(2)?, role: row.get(3)? })
}

/// Reads a rep by id.
pub fn user(conn: &Connection, id: &str) -> rusqlite::Result<Option<User>> {
    conn.prepare_cached("SELECT id, name, email, role FROM users WHERE id = ?1")?
        .query_row(params![id], user_row)
        .optional()
}

/// Whether a rep with this id exists.
pub fn exists(conn: &Connection, id: &str) -> rusqlite::Result<bool> {
    Ok(user(conn, id)?.is_some())
}

/// Every rep, by name.
pub fn all(conn: &Connection) -> rusqlite::Result<Vec<User>> {
    let mut stmt = conn.prepare_cached("SELECT id, name, email, role FROM users ORDER BY name, id")?;
    let rows = stmt.query_map([], user_row)?;
    rows.collect()
}

/// The id and password hash of the rep signing in with `email` (case-insensitive).
pub fn credentials(conn: &Connection, email: &str) -> rusqlite::Result<Option<(String, String)>> {
    conn.query_row("SELECT id, password_hash FROM users WHERE email = ?1", params![email], |row| {
        Ok((row.get(0)?, row.get(1)?))
    })
    .optional()
}

/// Stores a rep.
pub fn insert(
    conn: &Connection,
    id: &str,
    name: &str,
    email: &str,
    password_hash: &str,
    role: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO users (id, name, email, password_hash, role, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, name, email, password_hash, role, clock::now()],
    )?;
    Ok(())
}
