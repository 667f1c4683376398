//! SQLite storage: schema, and reading and writing records kept as JSON documents.
//!
//! Each record kind has a table `(id, version, updated_at, deleted, data)` where `data` is the record's wire JSON.
//! The fields that lists filter or sort on are SQLite generated columns over `data`, with indexes, so a list
//! query never scans every document. Deleted records stay as tombstones (`deleted = 1`) for later delta sync.

use crate::error::Failure;
use crate::resources::Listed;
use rusqlite::{params, Connection, OptionalExtension};
use trato_protocol::Record;

/// Opens (creating when missing) the database at `path` and brings its schema up to date.
pub fn open(path: &std::path::Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    migrate(&conn)?;
    Ok(conn)
}

/// Current schema version, kept in `PRAGMA user_version`.
const SCHEMA_VERSION: i64 = 5;

/// Record tables in the order the changes feed lists kinds.
pub const RECORD_TABLES: [&str; 6] = ["pipelines", "accounts", "contacts", "deals", "activities", "views"];

/// Brings the schema to [`SCHEMA_VERSION`]. Every statement is `IF NOT EXISTS`, so running the batch on an older
/// database adds what it lacks (version 2 added saved views, version 3 the change sequence) and keeps its data.
fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version >= SCHEMA_VERSION {
        return Ok(());
    }
    if (1..3).contains(&version) {
        // Tables made before version 3 lack the change sequence; their rows start at 0 (in every first sync).
        for table in RECORD_TABLES {
            let exists: bool = conn
                .query_row("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", params![table], |_| Ok(()))
                .optional()?
                .is_some();
            if exists {
                conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;"))?;
            }
        }
    }
    let mut sql = String::from(
        "BEGIN;
         CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
         CREATE TABLE IF NOT EXISTS users (
             id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE COLLATE NOCASE,
             password_hash TEXT NOT NULL, role TEXT NOT NULL, created_at TEXT NOT NULL);
         CREATE TABLE IF NOT EXISTS sessions (
             token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
             created_at TEXT NOT NULL, expires_at TEXT NOT NULL);
         CREATE TABLE IF NOT EXISTS idempotency (
             user_id TEXT NOT NULL, key TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL,
             status INTEGER NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL,
             PRIMARY KEY (user_id, key));
         CREATE TABLE IF NOT EXISTS login_attempts (email TEXT NOT NULL, at TEXT NOT NULL);
         CREATE INDEX IF NOT EXISTS login_attempts_email ON login_attempts(email, at);
         CREATE TABLE IF NOT EXISTS change_seq (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
         INSERT OR IGNORE INTO change_seq (id, value) VALUES (1, 0);
        ",
    );
    sql.push_str(SUPPORT_TABLES);
    for table in crate::resources::all_tables() {
        sql.push_str(&table);
    }
    sql.push_str(&format!("PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"));
    conn.execute_batch(&sql)
}

/// Version 4: portal customers and their sign-in, cases, attachments, the knowledge base, orders, mail.
/// Version 5: chat sites, visitors, conversations and messages.
const SUPPORT_TABLES: &str = "
    CREATE TABLE IF NOT EXISTS customers (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE COLLATE NOCASE, phone TEXT,
        locale TEXT NOT NULL DEFAULT 'es', notify INTEGER NOT NULL DEFAULT 1, account_id TEXT NOT NULL,
        is_admin INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS customers_account ON customers(account_id);
    CREATE TABLE IF NOT EXISTS portal_links (
        token_hash TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        case_id TEXT, created_at TEXT NOT NULL, expires_at TEXT NOT NULL, used_at TEXT);
    CREATE TABLE IF NOT EXISTS portal_sessions (
        token_hash TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL, expires_at TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS rate_events (kind TEXT NOT NULL, key TEXT NOT NULL, at TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS rate_events_key ON rate_events(kind, key, at);
    CREATE TABLE IF NOT EXISTS cases (
        id TEXT PRIMARY KEY, number INTEGER NOT NULL UNIQUE, version INTEGER NOT NULL, subject TEXT NOT NULL,
        category TEXT NOT NULL, status TEXT NOT NULL, priority TEXT NOT NULL, customer_id TEXT NOT NULL,
        account_id TEXT NOT NULL, assignee_id TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        sla_due_at TEXT, rating_score INTEGER, rating_comment TEXT, rated_at TEXT);
    CREATE INDEX IF NOT EXISTS cases_customer ON cases(customer_id, updated_at);
    CREATE INDEX IF NOT EXISTS cases_account ON cases(account_id, updated_at);
    CREATE INDEX IF NOT EXISTS cases_queue ON cases(status, sla_due_at);
    CREATE TABLE IF NOT EXISTS case_messages (
        id TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE, author TEXT NOT NULL,
        author_id TEXT NOT NULL, author_name TEXT NOT NULL, body TEXT NOT NULL, internal INTEGER NOT NULL,
        created_at TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS case_messages_case ON case_messages(case_id, created_at);
    CREATE TABLE IF NOT EXISTS attachments (
        id TEXT PRIMARY KEY, owner_kind TEXT NOT NULL, owner_id TEXT NOT NULL, case_id TEXT, message_id TEXT,
        name TEXT NOT NULL, content_type TEXT NOT NULL, size INTEGER NOT NULL, data BLOB NOT NULL,
        created_at TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS attachments_message ON attachments(message_id);
    CREATE TABLE IF NOT EXISTS kb_categories (id TEXT PRIMARY KEY, name TEXT NOT NULL, position INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS kb_articles (
        id TEXT PRIMARY KEY, version INTEGER NOT NULL, category_id TEXT NOT NULL, title TEXT NOT NULL,
        body TEXT NOT NULL, format TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL, helpful INTEGER NOT NULL DEFAULT 0, unhelpful INTEGER NOT NULL DEFAULT 0);
    CREATE VIRTUAL TABLE IF NOT EXISTS kb_fts USING fts5(
        article_id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2');
    CREATE TABLE IF NOT EXISTS kb_opened (
        id TEXT PRIMARY KEY, article_id TEXT NOT NULL, customer_id TEXT NOT NULL, query TEXT NOT NULL,
        at TEXT NOT NULL, case_created INTEGER NOT NULL DEFAULT 0);
    CREATE INDEX IF NOT EXISTS kb_opened_customer ON kb_opened(customer_id, at);
    CREATE INDEX IF NOT EXISTS kb_opened_article ON kb_opened(article_id, case_created);
    CREATE TABLE IF NOT EXISTS orders (
        id TEXT PRIMARY KEY, number TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
        account_id TEXT NOT NULL, customer_id TEXT NOT NULL, ordered_on TEXT NOT NULL, expected_on TEXT,
        currency TEXT NOT NULL, tax_bp INTEGER NOT NULL, lines TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS orders_account ON orders(account_id, ordered_on);
    CREATE TABLE IF NOT EXISTS sites (
        key TEXT PRIMARY KEY, name TEXT NOT NULL, allowed_origins TEXT NOT NULL, business_hours TEXT,
        enforce_identity INTEGER NOT NULL DEFAULT 0, identity_secret TEXT NOT NULL, prechat INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE IF NOT EXISTS visitors (
        id TEXT PRIMARY KEY, site_key TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, name TEXT, email TEXT,
        user_id TEXT, contact_id TEXT, created_at TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS conversations (
        id TEXT PRIMARY KEY, site_key TEXT NOT NULL, visitor_id TEXT NOT NULL, status TEXT NOT NULL,
        assignee_id TEXT, created_at TEXT NOT NULL, last_message_at TEXT NOT NULL, rating_score INTEGER,
        rating_comment TEXT);
    CREATE INDEX IF NOT EXISTS conversations_visitor ON conversations(visitor_id, status, created_at);
    CREATE INDEX IF NOT EXISTS conversations_recent ON conversations(status, last_message_at);
    CREATE TABLE IF NOT EXISTS chat_messages (
        id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, author TEXT NOT NULL, author_name TEXT NOT NULL,
        body TEXT NOT NULL, client_id TEXT, created_at TEXT NOT NULL, read_at TEXT);
    CREATE INDEX IF NOT EXISTS chat_messages_conversation ON chat_messages(conversation_id, created_at);
    CREATE TABLE IF NOT EXISTS mail_outbox (
        id TEXT PRIMARY KEY, to_addr TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,
        created_at TEXT NOT NULL, sent_at TEXT, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT);
";

/// `CREATE TABLE` and `CREATE INDEX` statements for one record kind.
pub fn table_sql<R: Listed>() -> String {
    let table = R::PATH;
    let mut columns = String::new();
    let mut indexes = String::new();
    for field in R::FILTERS {
        columns.push_str(&format!(", f_{field} TEXT GENERATED ALWAYS AS (json_extract(data, '$.{field}')) VIRTUAL"));
        indexes.push_str(&format!("CREATE INDEX IF NOT EXISTS {table}_f_{field} ON {table}(f_{field}, deleted);\n"));
    }
    for (name, expr) in R::SORTS {
        columns.push_str(&format!(", s_{name} GENERATED ALWAYS AS ({expr}) VIRTUAL"));
        indexes.push_str(&format!("CREATE INDEX IF NOT EXISTS {table}_s_{name} ON {table}(deleted, s_{name}, id);\n"));
    }
    format!(
        "CREATE TABLE IF NOT EXISTS {table} (id TEXT PRIMARY KEY, version INTEGER NOT NULL, \
         updated_at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, seq INTEGER NOT NULL DEFAULT 0, \
         data TEXT NOT NULL{columns});\n\
         CREATE INDEX IF NOT EXISTS {table}_updated ON {table}(updated_at, id);\n\
         CREATE INDEX IF NOT EXISTS {table}_seq ON {table}(seq);\n{indexes}"
    )
}

/// Reads one live record by id.
pub fn get<R: Record>(conn: &Connection, id: &str) -> Result<Option<R>, Failure> {
    let sql = format!("SELECT data FROM {} WHERE id = ?1 AND deleted = 0", R::PATH);
    let data: Option<String> = conn.query_row(&sql, params![id], |row| row.get(0)).optional()?;
    data.map(|data| decode(&data)).transpose()
}

/// Whether a live record with this id exists.
pub fn exists<R: Record>(conn: &Connection, id: &str) -> Result<bool, Failure> {
    let sql = format!("SELECT 1 FROM {} WHERE id = ?1 AND deleted = 0", R::PATH);
    Ok(conn.query_row(&sql, params![id], |_| Ok(())).optional()?.is_some())
}

/// Inserts or replaces a record (the caller has set its version and timestamps).
pub fn put<R: Record>(conn: &Connection, record: &R) -> Result<(), Failure> {
    let meta = record.meta();
    let data =
        serde_json::to_string(record).map_err(|_| Failure::new(trato_protocol::ErrorCode::Internal, "encode"))?;
    let seq = next_seq(conn)?;
    let sql = format!(
        "INSERT INTO {} (id, version, updated_at, deleted, seq, data) VALUES (?1, ?2, ?3, 0, ?4, ?5)
         ON CONFLICT(id) DO UPDATE SET version = ?2, updated_at = ?3, deleted = 0, seq = ?4, data = ?5",
        R::PATH
    );
    conn.execute(&sql, params![meta.id, meta.version as i64, meta.updated_at, seq, data])?;
    Ok(())
}

/// The next value of the database-wide change sequence (every write of a record takes one, so the changes feed
/// can ask for "everything after N").
fn next_seq(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("UPDATE change_seq SET value = value + 1 WHERE id = 1 RETURNING value", [], |row| row.get(0))
}

/// Gives a live record a new place in the change sequence without changing it (its computed fields changed).
pub fn touch<R: Record>(conn: &Connection, id: &str) -> Result<(), Failure> {
    let seq = next_seq(conn)?;
    conn.execute(&format!("UPDATE {} SET seq = ?2 WHERE id = ?1 AND deleted = 0", R::PATH), params![id, seq])?;
    Ok(())
}

/// How many records of every kind were written after `seq` (an estimate of the sync work left; saved views count
/// only the caller's own).
pub fn count_after(conn: &Connection, seq: i64, user_id: &str) -> Result<u64, Failure> {
    let mut total = 0u64;
    for table in RECORD_TABLES {
        let scope = if table == "views" { " AND f_user_id = ?2" } else { " AND ?2 = ?2" };
        let sql = format!("SELECT count(*) FROM {table} WHERE seq > ?1{scope}");
        total += conn.query_row(&sql, params![seq, user_id], |row| row.get::<_, i64>(0))? as u64;
    }
    Ok(total)
}

/// Marks a record deleted, keeping a tombstone with a new version.
pub fn delete<R: Record>(conn: &Connection, id: &str, version: u64, at: &str) -> Result<(), Failure> {
    let seq = next_seq(conn)?;
    let sql = format!("UPDATE {} SET deleted = 1, version = ?2, updated_at = ?3, seq = ?4 WHERE id = ?1", R::PATH);
    conn.execute(&sql, params![id, version as i64, at, seq])?;
    Ok(())
}

/// Decodes a stored document.
pub fn decode<R: Record>(data: &str) -> Result<R, Failure> {
    serde_json::from_str(data).map_err(|error| {
        eprintln!("stored {} document does not decode: {error}", R::PATH);
        Failure::new(trato_protocol::ErrorCode::Internal, "The server could not complete the request.")
    })
}

/// Reads a setting.
pub fn setting(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM settings WHERE key = ?1", params![key], |row| row.get(0)).optional()
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
    use trato_protocol::Account;

    #[test]
    fn a_version_2_database_gains_the_change_sequence_and_keeps_its_data() {
        let path = std::env::temp_dir().join(format!("trato-migrate-{}.sqlite", new_id("t")));
        {
            // The version 2 schema: the same tables without the `seq` column.
            let conn = Connection::open(&path).unwrap();
            for table in crate::resources::all_tables() {
                let old = table.replace("seq INTEGER NOT NULL DEFAULT 0, ", "");
                let old: String = old.lines().filter(|l| !l.contains("_seq ON")).collect::<Vec<_>>().join("\n");
                conn.execute_batch(&old).unwrap();
            }
            conn.execute(
                "INSERT INTO accounts (id, version, updated_at, deleted, data) VALUES ('acc_old', 1, 'x', 0, ?1)",
                params![r#"{"id":"acc_old","version":1,"created_at":"x","updated_at":"x","name":"Antigua","industry":null,"website":null,"phone":null,"city":null,"owner_id":null}"#],
            )
            .unwrap();
            conn.pragma_update(None, "user_version", 2).unwrap();
        }
        let conn = open(&path).unwrap();
        let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0)).unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let account = get::<Account>(&conn, "acc_old").unwrap().expect("data kept");
        assert_eq!(account.name, "Antigua");
        let seq: i64 = conn.query_row("SELECT seq FROM accounts WHERE id = 'acc_old'", [], |r| r.get(0)).unwrap();
        assert_eq!(seq, 0, "old rows are in every first sync");
        put(&conn, &account).unwrap();
        let seq: i64 = conn.query_row("SELECT seq FROM accounts WHERE id = 'acc_old'", [], |r| r.get(0)).unwrap();
        assert_eq!(seq, 1);
        drop(conn);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
