//! Housekeeping: what the server holds for a while is deleted when its time is up, so nothing a caller can make
//! the server keep grows without end. Runs at start and every [`EVERY_MINUTES`] minutes: expired rep and portal
//! sessions and sign-in links, rate-limit events out of their window, uploads never attached, and visitors whose
//! token expired without ever writing.

use crate::db::Db;
use crate::{attachments, clock, limits};
use rusqlite::{params, Connection};
use std::sync::Arc;
use std::time::Duration;

/// Minutes between two rounds.
pub const EVERY_MINUTES: u64 = 10;

/// One round of deletions.
pub fn sweep(conn: &Connection) -> rusqlite::Result<()> {
    let now = clock::now();
    conn.execute("DELETE FROM sessions WHERE expires_at <= ?1", params![now])?;
    conn.execute("DELETE FROM portal_sessions WHERE expires_at <= ?1", params![now])?;
    conn.execute("DELETE FROM portal_links WHERE expires_at <= ?1 OR used_at IS NOT NULL", params![now])?;
    conn.execute(
        "DELETE FROM visitors WHERE expires_at <= ?1
           AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.visitor_id = visitors.id)",
        params![now],
    )?;
    limits::prune(conn)?;
    attachments::purge_loose(conn)?;
    Ok(())
}

/// Runs [`sweep`] now and then every [`EVERY_MINUTES`] minutes, in the background.
pub fn start(database: Arc<Db>) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(EVERY_MINUTES * 60));
        loop {
            every.tick().await;
            if let Err(error) = sweep(&database.write()) {
                tracing::warn!(%error, "housekeeping failed");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::{Duration as Span, OffsetDateTime};

    #[test]
    fn a_sweep_deletes_what_expired_and_keeps_the_rest() {
        let conn = Connection::open_in_memory().unwrap();
        crate::schema::migrate(&conn).unwrap();
        let past = clock::timestamp(OffsetDateTime::now_utc() - Span::days(2));
        let future = clock::timestamp(OffsetDateTime::now_utc() + Span::days(2));
        crate::users::insert(&conn, "usr_a", "Ana", "ana@x.es", "hash", "rep").unwrap();
        for (token, expires) in [("old", &past), ("new", &future)] {
            conn.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?1, 'usr_a', ?2, ?3)",
                params![token, past, expires],
            )
            .unwrap();
        }
        for (id, expires) in [("vis_silent", &past), ("vis_talked", &past), ("vis_fresh", &future)] {
            conn.execute(
                "INSERT INTO visitors (id, site_key, token_hash, created_at, expires_at) VALUES (?1, 's', ?1, ?2, ?3)",
                params![id, past, expires],
            )
            .unwrap();
        }
        conn.execute(
            "INSERT INTO conversations (id, site_key, visitor_id, status, created_at, last_message_at)
             VALUES ('cnv_1', 's', 'vis_talked', 'closed', ?1, ?1)",
            params![past],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO attachments (id, owner_kind, owner_id, name, content_type, size, data, created_at)
             VALUES ('att_loose', 'customer', 'c', 'a.txt', 'text/plain', 1, x'61', ?1)",
            params![past],
        )
        .unwrap();
        sweep(&conn).unwrap();
        let ids = |sql: &str| -> Vec<String> {
            let mut stmt = conn.prepare(sql).unwrap();
            let rows = stmt.query_map([], |row| row.get(0)).unwrap();
            rows.map(Result::unwrap).collect()
        };
        assert_eq!(ids("SELECT token_hash FROM sessions"), ["new"]);
        assert_eq!(ids("SELECT id FROM visitors ORDER BY id"), ["vis_fresh", "vis_talked"]);
        assert!(ids("SELECT id FROM attachments").is_empty());
    }
}
