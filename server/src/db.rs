//! The bottom layer: the SQLite database as one writer connection and a pool of read-only connections over
//! WAL, the settings table, and fresh ids. It knows no table but `settings`: schemas belong to [`crate::schema`],
//! record rows to [`crate::records`].

use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

/// How many read-only connections the pool keeps (reads run in parallel with each other and with the writer).
pub const READERS: usize = 4;

/// One writer and [`READERS`] readers on one SQLite file in WAL mode.
pub struct Db {
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next: AtomicUsize,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("readers", &self.readers.len()).finish()
    }
}

fn connect(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

impl Db {
    /// Opens (creating when missing) the database at `path`: the writer first, then the readers, which refuse
    /// to write (`query_only`). The caller brings the schema up to date through [`Db::write`] before serving.
    pub fn open(path: &Path) -> rusqlite::Result<Db> {
        let writer = connect(path)?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let reader = connect(path)?;
            reader.pragma_update(None, "query_only", true)?;
            readers.push(Mutex::new(reader));
        }
        Ok(Db { writer: Mutex::new(writer), readers, next: AtomicUsize::new(0) })
    }

    /// The one connection that writes (writes are serialised through it).
    pub fn write(&self) -> MutexGuard<'_, Connection> {
        self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A read-only connection: a free one if there is any, else the next in turn.
    pub fn read(&self) -> MutexGuard<'_, Connection> {
        for reader in &self.readers {
            if let Ok(guard) = reader.try_lock() {
                return guard;
            }
        }
        let index = self.next.fetch_add(1, Ordering::Relaxed) % self.readers.len();
        self.readers[index].lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Reads a setting.
pub fn setting(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row(params![key], |row| row.get(0))
        .optional()
}

/// Writes a setting.
pub fn set_setting(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
        params![key, value],
    )?;
    Ok(())
}

/// A fresh random identifier with a kind prefix, for example `deal_3f9a...`.
pub fn new_id(prefix: &str) -> String {
    use rand::Rng;
    let bytes: [u8; 10] = rand::rng().random();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}_{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_cannot_write_and_see_what_the_writer_committed() {
        let path = std::env::temp_dir().join(format!("trato-db-{}.sqlite", new_id("t")));
        let db = Db::open(&path).unwrap();
        db.write().execute_batch("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)").unwrap();
        set_setting(&db.write(), "company", "Alameda").unwrap();
        assert_eq!(setting(&db.read(), "company").unwrap().as_deref(), Some("Alameda"));
        assert!(set_setting(&db.read(), "company", "Otra").is_err(), "readers are query-only");
        drop(db);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
