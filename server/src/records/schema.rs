//! The tables of the record kinds: one per kind, with a generated, indexed column for every field lists filter
//! (`f_<field>`) or sort (`s_<name>`) on, so a list never scans every document.

use super::kind::Listed;
use trato_protocol::*;

/// Each kind's table, the SQL of its served JSON and its owner-scope field, in the order the changes feed
/// lists kinds.
pub const FEED: [(&str, &str, Option<&str>); 6] = [
    (Pipeline::PATH, Pipeline::SERVED, Pipeline::OWNER_SCOPE),
    (Account::PATH, Account::SERVED, Account::OWNER_SCOPE),
    (Contact::PATH, Contact::SERVED, Contact::OWNER_SCOPE),
    (Deal::PATH, Deal::SERVED, Deal::OWNER_SCOPE),
    (Activity::PATH, Activity::SERVED, Activity::OWNER_SCOPE),
    (SavedView::PATH, SavedView::SERVED, SavedView::OWNER_SCOPE),
];

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

/// The `CREATE TABLE` statements of every record kind.
pub fn tables() -> Vec<String> {
    vec![
        table_sql::<Pipeline>(),
        table_sql::<Account>(),
        table_sql::<Contact>(),
        table_sql::<Deal>(),
        table_sql::<Activity>(),
        table_sql::<SavedView>(),
    ]
}
