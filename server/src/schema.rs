//! The database schema and its migrations: the version in `PRAGMA user_version`, the tables of reps, sessions,
//! idempotency keys and the change sequence, the support and chat tables, and the record tables of
//! [`crate::records::schema`]. Every statement is `IF NOT EXISTS`, so an older database gains what it lacks.

use rusqlite::{params, Connection, OptionalExtension};

/// Current schema version, kept in `PRAGMA user_version`.
pub const SCHEMA_VERSION: i64 = 7;

/// Brings the schema to [`SCHEMA_VERSION`]. Every statement is `IF NOT EXISTS`, so running the batch on an older
/// database adds what it lacks (version 2 added saved views, version 3 the change sequence) and keeps its data.
pub fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version >= SCHEMA_VERSION {
        return Ok(());
    }
    if (1..3).contains(&version) {
        // Tables made before version 3 lack the change sequence; their rows start at 0 (in every first sync).
        for (table, _, _) in crate::records::schema::FEED {
            let exists: bool = conn
                .query_row("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", params![table], |_| Ok(()))
                .optional()?
                .is_some();
            if exists {
                conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;"))?;
            }
        }
    }
    if version == 5 {
        // Version 6: visitors carry their verified identity and an expiry (tokens from before get 30 days).
        conn.execute_batch(
            "ALTER TABLE visitors ADD COLUMN verified_user_id TEXT;
             ALTER TABLE visitors ADD COLUMN email_verified INTEGER NOT NULL DEFAULT 0;
             ALTER TABLE visitors ADD COLUMN expires_at TEXT NOT NULL DEFAULT '';",
        )?;
        let expires = crate::clock::timestamp(time::OffsetDateTime::now_utc() + time::Duration::days(30));
        conn.execute("UPDATE visitors SET expires_at = ?1", params![expires])?;
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
         DROP TABLE IF EXISTS login_attempts;
         CREATE TABLE IF NOT EXISTS change_seq (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
         INSERT OR IGNORE INTO change_seq (id, value) VALUES (1, 0);
        ",
    );
    sql.push_str(SUPPORT_TABLES);
    for table in crate::records::schema::tables() {
        sql.push_str(&table);
    }
    sql.push_str(&format!("PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"));
    conn.execute_batch(&sql)
}

/// Version 4: portal customers and their sign-in, cases, attachments, the knowledge base, orders, mail.
/// Version 5: chat sites, visitors, conversations and messages.
/// Version 6: visitors' verified identity and token expiry; attachments found by age for the purge.
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
    CREATE INDEX IF NOT EXISTS attachments_loose ON attachments(owner_kind, owner_id, created_at) WHERE message_id IS NULL;
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
        user_id TEXT, contact_id TEXT, created_at TEXT NOT NULL, verified_user_id TEXT,
        email_verified INTEGER NOT NULL DEFAULT 0, expires_at TEXT NOT NULL DEFAULT '');
    CREATE INDEX IF NOT EXISTS visitors_identity ON visitors(site_key, verified_user_id);
    CREATE INDEX IF NOT EXISTS visitors_expiry ON visitors(expires_at);
    CREATE INDEX IF NOT EXISTS visitors_contact ON visitors(contact_id);
    CREATE TABLE IF NOT EXISTS conversations (
        id TEXT PRIMARY KEY, site_key TEXT NOT NULL, visitor_id TEXT NOT NULL, status TEXT NOT NULL,
        assignee_id TEXT, created_at TEXT NOT NULL, last_message_at TEXT NOT NULL, rating_score INTEGER,
        rating_comment TEXT);
    CREATE INDEX IF NOT EXISTS conversations_visitor ON conversations(visitor_id, status, created_at);
    CREATE INDEX IF NOT EXISTS conversations_recent ON conversations(status, last_message_at);
    CREATE TABLE IF NOT EXISTS conversation_links (
        conversation_id TEXT NOT NULL, kind TEXT NOT NULL, target_id TEXT NOT NULL, created_at TEXT NOT NULL,
        PRIMARY KEY (conversation_id, kind));
    CREATE TABLE IF NOT EXISTS chat_messages (
        id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, author TEXT NOT NULL, author_name TEXT NOT NULL,
        body TEXT NOT NULL, client_id TEXT, created_at TEXT NOT NULL, read_at TEXT);
    CREATE INDEX IF NOT EXISTS chat_messages_conversation ON chat_messages(conversation_id, created_at);
    CREATE TABLE IF NOT EXISTS mail_outbox (
        id TEXT PRIMARY KEY, to_addr TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,
        created_at TEXT NOT NULL, sent_at TEXT, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT);
";

#[cfg(test)]
mod tests {
    use super::*;
    use trato_protocol::Account;

    #[test]
    fn a_version_2_database_gains_the_change_sequence_and_keeps_its_data() {
        let path = std::env::temp_dir().join(format!("trato-migrate-{}.sqlite", crate::db::new_id("t")));
        {
            // The version 2 schema: the same tables without the `seq` column.
            let conn = Connection::open(&path).unwrap();
            for table in crate::records::schema::tables() {
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
        let conn = Connection::open(&path).unwrap();
        migrate(&conn).unwrap();
        let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0)).unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let account =
            crate::records::get::<Account>(&conn, crate::records::Actor::System, "acc_old").expect("data kept");
        assert_eq!(account.name, "Antigua");
        let seq: i64 = conn.query_row("SELECT seq FROM accounts WHERE id = 'acc_old'", [], |r| r.get(0)).unwrap();
        assert_eq!(seq, 0, "old rows are in every first sync");
        crate::records::insert(&conn, &account).unwrap();
        let seq: i64 = conn.query_row("SELECT seq FROM accounts WHERE id = 'acc_old'", [], |r| r.get(0)).unwrap();
        assert_eq!(seq, 1);
        drop(conn);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
