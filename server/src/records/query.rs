//! Reading records as served: pages of a list (filters, search, keyset cursor), one record, and the changes feed.
//! The JSON comes out of SQLite ready to send ([`Listed::SERVED`]): computed fields are filled in by SQL and no
//! record is decoded and encoded again on the way out.

use super::kind::Listed;
use super::schema::FEED;
use crate::error::Failure;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};

/// What a list asks for (already checked against the kind's filters and sorts).
#[derive(Clone, Debug, PartialEq)]
pub struct ListSpec {
    /// Equality filters on declared fields.
    pub filters: Vec<(String, String)>,
    /// Words matched case-insensitively in the kind's search fields.
    pub search: Option<String>,
    /// A declared sort key.
    pub sort: String,
    /// Descending order.
    pub descending: bool,
    /// Start after this (sort value, id).
    pub cursor: Option<(SqlValue, String)>,
    /// Page size.
    pub limit: u32,
}

/// One listed record: its served JSON, its sort value and id (for the next cursor).
pub type ListedRow = (String, SqlValue, String);

/// Up to `spec.limit + 1` live records of kind `R` in order (one more than asked tells whether a next page
/// exists). The page is chosen on the indexes first, and only its rows are turned into served JSON.
pub fn list<R: Listed>(conn: &Connection, spec: &ListSpec) -> Result<Vec<ListedRow>, Failure> {
    let column = format!("s_{}", spec.sort);
    let table = R::PATH;
    let mut inner = format!("SELECT id, {column} AS v FROM {table} WHERE deleted = 0");
    let mut args: Vec<SqlValue> = vec![];
    for (field, value) in &spec.filters {
        inner.push_str(&format!(" AND f_{field} = ?"));
        args.push(SqlValue::Text(value.clone()));
    }
    if let Some(search) = &spec.search {
        let pattern =
            format!("%{}%", search.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let clauses: Vec<String> = R::SEARCH
            .iter()
            .map(|field| format!("lower(json_extract(data, '$.{field}')) LIKE ? ESCAPE '\\'"))
            .collect();
        inner.push_str(&format!(" AND ({})", clauses.join(" OR ")));
        args.extend(R::SEARCH.iter().map(|_| SqlValue::Text(pattern.clone())));
    }
    let (cmp, dir) = if spec.descending { ("<", "DESC") } else { (">", "ASC") };
    if let Some((value, id)) = &spec.cursor {
        inner.push_str(&format!(" AND ({column} {cmp} ? OR ({column} = ? AND id {cmp} ?))"));
        args.extend([value.clone(), value.clone(), SqlValue::Text(id.clone())]);
    }
    inner.push_str(&format!(" ORDER BY {column} {dir}, id {dir} LIMIT {}", spec.limit + 1));
    let sql = format!(
        "SELECT {served}, p.v, p.id FROM ({inner}) p JOIN {table} t ON t.id = p.id ORDER BY p.v {dir}, p.id {dir}",
        served = R::SERVED
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args), |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One live record as served.
pub fn served<R: Listed>(conn: &Connection, id: &str) -> Result<Option<String>, Failure> {
    let sql = format!("SELECT {} FROM {} t WHERE t.id = ?1 AND t.deleted = 0", R::SERVED, R::PATH);
    Ok(conn.prepare_cached(&sql)?.query_row(params![id], |row| row.get(0)).optional()?)
}

/// One entry of the changes feed: its place in the write sequence and its JSON
/// (`{"kind", "id", "version", "deleted", "record"}`).
pub type FeedRow = (i64, String);

/// The records of every kind written after `since`, in write order: about `limit` of them (rows that share a
/// place in the sequence are never split across pages) and whether more follow. Saved views are only the
/// caller's (`user_id`).
pub fn changes_after(
    conn: &Connection,
    since: i64,
    limit: usize,
    user_id: &str,
) -> Result<(Vec<FeedRow>, bool), Failure> {
    // The places in the sequence of the first `limit + 1` writes, read from the `seq` indexes only.
    let parts: Vec<String> = FEED
        .iter()
        .map(|(table, _, scope)| {
            let scope = scope.map(|field| format!(" AND f_{field} = ?3")).unwrap_or_default();
            format!("SELECT seq FROM (SELECT seq FROM {table} WHERE seq > ?1{scope} ORDER BY seq LIMIT ?2)")
        })
        .collect();
    let sql = format!("SELECT seq FROM ({}) ORDER BY seq LIMIT ?2", parts.join(" UNION ALL "));
    let seqs: Vec<i64> = conn
        .prepare_cached(&sql)?
        .query_map(params![since, limit as i64 + 1, user_id], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let more = seqs.len() > limit;
    let Some(&last) = seqs.get(..limit.min(seqs.len())).and_then(<[i64]>::last) else { return Ok((vec![], false)) };
    let mut rows: Vec<FeedRow> = vec![];
    for (table, served, scope) in FEED {
        let scope = scope.map(|field| format!(" AND t.f_{field} = ?3")).unwrap_or_else(|| " AND ?3 = ?3".into());
        let sql = format!(
            "SELECT t.seq, t.id, t.version, t.deleted, CASE WHEN t.deleted THEN NULL ELSE {served} END \
             FROM {table} t WHERE t.seq > ?1 AND t.seq <= ?2{scope} ORDER BY t.seq"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let found = stmt.query_map(params![since, last, user_id], |row| {
            let id: String = row.get(1)?;
            let version: i64 = row.get(2)?;
            let deleted: bool = row.get(3)?;
            let record: Option<String> = row.get(4)?;
            let id = serde_json::to_string(&id).unwrap_or_else(|_| "\"\"".into());
            let record = record.as_deref().unwrap_or("null").to_string();
            let json =
                format!(r#"{{"kind":"{table}","id":{id},"version":{version},"deleted":{deleted},"record":{record}}}"#);
            Ok((row.get::<_, i64>(0)?, json))
        })?;
        rows.extend(found.collect::<Result<Vec<_>, _>>()?);
    }
    rows.sort_by_key(|(seq, _)| *seq);
    Ok((rows, more))
}

/// How many records of every kind were written after `seq` (the sync work left; saved views count only the
/// caller's own).
pub fn count_after(conn: &Connection, seq: i64, user_id: &str) -> Result<u64, Failure> {
    let mut total = 0u64;
    for (table, _, scope) in FEED {
        let scope = scope.map(|field| format!(" AND f_{field} = ?2")).unwrap_or_else(|| " AND ?2 = ?2".into());
        let sql = format!("SELECT count(*) FROM {table} WHERE seq > ?1{scope}");
        total += conn.prepare_cached(&sql)?.query_row(params![seq, user_id], |row| row.get::<_, i64>(0))? as u64;
    }
    Ok(total)
}
