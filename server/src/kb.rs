//! The knowledge base: categories and articles, full-text search (SQLite FTS5, accent-insensitive, prefix
//! matching so suggestions work while the subject is being typed), "was this helpful?" votes and deflection
//! counting. Published articles are public under `/portal/kb`; reps read drafts and write under `/kb`.
//!
//! Deflection: when a customer opens an article suggested by the new-case form, the opening is recorded; if the
//! same customer submits a case within [`DEFLECTION_WINDOW_MINUTES`], it is not a deflection, otherwise it is.

use crate::auth::Rep;
use crate::error::{json_body, ApiJson, Failure};
use crate::limits::{self, ClientIp};
use crate::portal_auth::CustomerSession;
use crate::state::AppState;
use crate::{clock, db};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use time::{Duration, OffsetDateTime};
use trato_protocol::*;

/// The knowledge base routes (under `/api/v1`): the reps' editor and the customers' help center.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/kb/categories", get(desk_categories))
        .route("/kb/articles", get(desk_articles).post(desk_create))
        .route("/kb/articles/{id}", get(desk_article).patch(desk_update))
        .route("/portal/kb/categories", get(portal_categories))
        .route("/portal/kb/articles", get(portal_articles))
        .route("/portal/kb/articles/{id}", get(portal_article))
        .route("/portal/kb/articles/{id}/feedback", post(portal_feedback))
        .route("/portal/kb/articles/{id}/opened", post(portal_opened))
}

/// A case submitted this long after opening a suggestion means the suggestion did not help.
pub const DEFLECTION_WINDOW_MINUTES: i64 = 60;
/// Most results of one search.
const MAX_RESULTS: u32 = 50;
/// Words too common to search for.
const STOP_WORDS: &[&str] = &[
    "los", "las", "una", "uno", "por", "que", "con", "del", "para", "como", "mis", "sus", "pero", "the", "and", "for",
    "with", "not", "can", "how", "you", "are", "was", "this", "that",
];

const ARTICLE_COLUMNS: &str = "a.id, a.version, a.category_id, a.title, a.body, a.format, a.status, a.updated_at, \
    a.helpful, a.unhelpful, (SELECT COUNT(*) FROM kb_opened o WHERE o.article_id = a.id AND o.case_created = 0)";

fn article_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Article> {
    let format: String = row.get(5)?;
    let status: String = row.get(6)?;
    Ok(Article {
        id: row.get(0)?,
        version: row.get::<_, i64>(1)? as u64,
        category_id: row.get(2)?,
        title: row.get(3)?,
        body: row.get(4)?,
        format: if format == "markup" { ArticleFormat::Markup } else { ArticleFormat::Text },
        status: if status == "published" { ArticleStatus::Published } else { ArticleStatus::Draft },
        updated_at: row.get(7)?,
        helpful: row.get::<_, i64>(8)? as u64,
        unhelpful: row.get::<_, i64>(9)? as u64,
        deflections: row.get::<_, i64>(10)? as u64,
    })
}

fn format_name(format: ArticleFormat) -> &'static str {
    match format {
        ArticleFormat::Text => "text",
        ArticleFormat::Markup => "markup",
    }
}

fn status_name(status: ArticleStatus) -> &'static str {
    match status {
        ArticleStatus::Draft => "draft",
        ArticleStatus::Published => "published",
    }
}

/// The FTS5 query for what a person typed: each meaningful word as a prefix, any of them matching (ranked by
/// relevance). `None` when nothing searchable is left.
pub fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .map(|w| w.to_lowercase())
        .filter(|w| w.chars().count() >= 3 && !STOP_WORDS.contains(&w.as_str()))
        .take(12)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" OR "))
}

/// Reads one article (any status).
fn load(conn: &Connection, id: &str) -> Result<Option<Article>, Failure> {
    let sql = format!("SELECT {ARTICLE_COLUMNS} FROM kb_articles a WHERE a.id = ?1");
    Ok(conn.query_row(&sql, params![id], article_row).optional()?)
}

/// Searches or lists articles; only published ones unless `drafts`.
fn search(conn: &Connection, raw: Option<String>, drafts: bool) -> Result<Vec<Article>, Failure> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|_| Failure::new(ErrorCode::BadRequest, "The query string could not be read."))?;
    let mut conditions = vec![];
    let mut values: Vec<SqlValue> = vec![];
    let mut limit = MAX_RESULTS;
    let mut ranked = false;
    if !drafts {
        conditions.push("a.status = 'published'".to_string());
    }
    for (key, value) in pairs {
        match key.as_str() {
            "q" => {
                if let Some(query) = fts_query(&value) {
                    values.push(SqlValue::Text(query));
                    conditions.push(format!("kb_fts MATCH ?{}", values.len()));
                    ranked = true;
                } else if !value.trim().is_empty() {
                    return Ok(vec![]);
                }
            }
            "category" => {
                values.push(SqlValue::Text(value));
                conditions.push(format!("a.category_id = ?{}", values.len()));
            }
            "limit" => {
                limit = value.parse().ok().filter(|n| (1..=MAX_RESULTS).contains(n)).ok_or_else(|| {
                    Failure::new(ErrorCode::BadRequest, format!("limit must be from 1 to {MAX_RESULTS}."))
                })?;
            }
            other => return Err(Failure::new(ErrorCode::BadRequest, format!("Unknown parameter {other:?}."))),
        }
    }
    let from = if ranked { "kb_fts JOIN kb_articles a ON a.id = kb_fts.article_id" } else { "kb_articles a" };
    let order = if ranked { "bm25(kb_fts, 0.0, 5.0, 1.0)" } else { "a.title COLLATE NOCASE" };
    let filter = if conditions.is_empty() { "1 = 1".into() } else { conditions.join(" AND ") };
    let sql = format!("SELECT {ARTICLE_COLUMNS} FROM {from} WHERE {filter} ORDER BY {order} LIMIT {limit}");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(values), article_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn categories(conn: &Connection) -> Result<Vec<Category>, Failure> {
    let mut stmt = conn.prepare(
        "SELECT c.id, c.name, (SELECT COUNT(*) FROM kb_articles a WHERE a.category_id = c.id AND a.status = 'published')
         FROM kb_categories c ORDER BY c.position, c.name",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok(Category { id: row.get(0)?, name: row.get(1)?, articles: row.get::<_, i64>(2)? as u64 })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Creates a category; demo data and tests.
pub fn create_category(conn: &Connection, id: &str, name: &str, position: i64) -> rusqlite::Result<()> {
    conn.execute("INSERT INTO kb_categories (id, name, position) VALUES (?1, ?2, ?3)", params![id, name, position])?;
    Ok(())
}

/// Writes an article and its search entry.
fn store(conn: &Connection, article: &Article, created_at: &str) -> Result<(), Failure> {
    conn.execute(
        "INSERT INTO kb_articles (id, version, category_id, title, body, format, status, created_at, updated_at,
                                  helpful, unhelpful)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, 0)
         ON CONFLICT(id) DO UPDATE SET version = ?2, category_id = ?3, title = ?4, body = ?5, format = ?6,
                                       status = ?7, updated_at = ?9",
        params![
            article.id,
            article.version as i64,
            article.category_id,
            article.title,
            article.body,
            format_name(article.format),
            status_name(article.status),
            created_at,
            article.updated_at
        ],
    )?;
    conn.execute("DELETE FROM kb_fts WHERE article_id = ?1", params![article.id])?;
    conn.execute(
        "INSERT INTO kb_fts (article_id, title, body) VALUES (?1, ?2, ?3)",
        params![article.id, article.title, article.body],
    )?;
    Ok(())
}

/// Creates an article; demo data, tests and `POST /kb/articles`.
pub fn create_article(conn: &Connection, new: NewArticle) -> Result<Article, Failure> {
    let mut errors = new.errors();
    if !category_exists(conn, &new.category_id)? {
        errors.insert("category_id".into(), "no such category".into());
    }
    if !errors.is_empty() {
        return Err(Failure(ApiError::validation(errors)));
    }
    let now = clock::now();
    let article = Article {
        id: db::new_id("art"),
        version: 1,
        category_id: new.category_id,
        title: new.title.trim().into(),
        body: new.body,
        format: new.format,
        status: new.status,
        updated_at: now.clone(),
        helpful: 0,
        unhelpful: 0,
        deflections: 0,
    };
    store(conn, &article, &now)?;
    Ok(article)
}

fn category_exists(conn: &Connection, id: &str) -> Result<bool, Failure> {
    Ok(conn.query_row("SELECT 1 FROM kb_categories WHERE id = ?1", params![id], |_| Ok(())).optional()?.is_some())
}

/// Marks the customer's recent suggestion openings as followed by a case (so they are not deflections).
pub fn case_submitted(conn: &Connection, customer_id: &str) -> Result<(), Failure> {
    let since = clock::timestamp(OffsetDateTime::now_utc() - Duration::minutes(DEFLECTION_WINDOW_MINUTES));
    conn.execute(
        "UPDATE kb_opened SET case_created = 1 WHERE customer_id = ?1 AND at > ?2",
        params![customer_id, since],
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------------
// Public (portal)

/// `GET /portal/kb/categories`.
pub async fn portal_categories(State(state): State<AppState>) -> Result<Response, Failure> {
    Ok(json_body(&categories(&state.db())?))
}

/// `GET /portal/kb/articles?q=&category=&limit=`: published articles, best match first when searching.
pub async fn portal_articles(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, Failure> {
    Ok(json_body(&search(&state.db(), raw, false)?))
}

/// `GET /portal/kb/articles/{id}`: a published article.
pub async fn portal_article(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, Failure> {
    let article = load(&state.db(), &id)?.filter(|a| a.status == ArticleStatus::Published);
    Ok(json_body(&article.ok_or_else(|| Failure::not_found("article"))?))
}

/// `POST /portal/kb/articles/{id}/feedback`: "was this helpful?" (rate limited per IP).
pub async fn portal_feedback(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiJson(feedback): ApiJson<Feedback>,
) -> Result<Response, Failure> {
    let conn = state.db();
    load(&conn, &id)?.filter(|a| a.status == ArticleStatus::Published).ok_or_else(|| Failure::not_found("article"))?;
    limits::check(&conn, &limits::FEEDBACK_PER_IP, &ip)?;
    let column = if feedback.helpful { "helpful" } else { "unhelpful" };
    conn.execute(&format!("UPDATE kb_articles SET {column} = {column} + 1 WHERE id = ?1"), params![id])?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /portal/kb/articles/{id}/opened`: the customer opened this suggestion from the new-case form. It counts
/// once per customer and article within the deflection window (opening it again changes nothing), and a customer
/// may send at most [`limits::OPENED_PER_CUSTOMER`] such notices.
pub async fn portal_opened(
    State(state): State<AppState>,
    session: CustomerSession,
    Path(id): Path<String>,
    ApiJson(opened): ApiJson<SuggestionOpened>,
) -> Result<Response, Failure> {
    let conn = state.db();
    load(&conn, &id)?.filter(|a| a.status == ArticleStatus::Published).ok_or_else(|| Failure::not_found("article"))?;
    limits::check(&conn, &limits::OPENED_PER_CUSTOMER, &session.customer.id)?;
    let since = clock::timestamp(OffsetDateTime::now_utc() - Duration::minutes(DEFLECTION_WINDOW_MINUTES));
    let counted = conn
        .query_row(
            "SELECT 1 FROM kb_opened WHERE customer_id = ?1 AND article_id = ?2 AND at > ?3",
            params![session.customer.id, id, since],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if counted {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let query: String = opened.query.chars().filter(|c| !c.is_control()).take(MAX_SUBJECT).collect();
    conn.execute(
        "INSERT INTO kb_opened (id, article_id, customer_id, query, at, case_created) VALUES (?1, ?2, ?3, ?4, ?5, 0)",
        params![db::new_id("opn"), id, session.customer.id, query, clock::now()],
    )?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ---------------------------------------------------------------------------------------------------------------
// Reps

/// `GET /kb/categories`.
pub async fn desk_categories(State(state): State<AppState>, _rep: Rep) -> Result<Response, Failure> {
    Ok(json_body(&categories(&state.db())?))
}

/// `GET /kb/articles?q=&category=`: every article, drafts included.
pub async fn desk_articles(
    State(state): State<AppState>,
    _rep: Rep,
    RawQuery(raw): RawQuery,
) -> Result<Response, Failure> {
    Ok(json_body(&search(&state.db(), raw, true)?))
}

/// `GET /kb/articles/{id}`.
pub async fn desk_article(
    State(state): State<AppState>,
    _rep: Rep,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    Ok(json_body(&load(&state.db(), &id)?.ok_or_else(|| Failure::not_found("article"))?))
}

/// `POST /kb/articles`: a new draft or published article.
pub async fn desk_create(
    State(state): State<AppState>,
    _rep: Rep,
    ApiJson(new): ApiJson<NewArticle>,
) -> Result<Response, Failure> {
    let article = create_article(&state.db(), new)?;
    let mut response = json_body(&article);
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

/// `PATCH /kb/articles/{id}`: edit, publish or unpublish; `If-Match` guards against stale edits.
pub async fn desk_update(
    State(state): State<AppState>,
    _rep: Rep,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(patch): ApiJson<ArticlePatch>,
) -> Result<Response, Failure> {
    let conn = state.db();
    let mut article = load(&conn, &id)?.ok_or_else(|| Failure::not_found("article"))?;
    if let Some(expected) = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) {
        let expected = expected.trim_start_matches("W/").trim_matches('"');
        if expected != "*" && expected != article.version.to_string() {
            return Err(Failure::new(
                ErrorCode::PreconditionFailed,
                format!("The article was changed by someone else (version {} is current).", article.version),
            ));
        }
    }
    let mut errors = patch.errors();
    if let Some(category) = &patch.category_id {
        if !category_exists(&conn, category)? {
            errors.insert("category_id".into(), "no such category".into());
        }
    }
    if !errors.is_empty() {
        return Err(Failure(ApiError::validation(errors)));
    }
    if let Some(v) = patch.category_id {
        article.category_id = v;
    }
    if let Some(v) = patch.title {
        article.title = v.trim().into();
    }
    if let Some(v) = patch.body {
        article.body = v;
    }
    if let Some(v) = patch.format {
        article.format = v;
    }
    if let Some(v) = patch.status {
        article.status = v;
    }
    article.version += 1;
    article.updated_at = clock::now();
    store(&conn, &article, &article.updated_at)?;
    Ok(json_body(&load(&conn, &id)?.ok_or_else(|| Failure::not_found("article"))?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_use_meaningful_words_as_prefixes() {
        assert_eq!(
            fts_query("No puedo descargar la factura").as_deref(),
            Some("\"puedo\"* OR \"descargar\"* OR \"factura\"*")
        );
        assert_eq!(fts_query("la de el"), None);
        assert_eq!(fts_query("\"*) OR x NEAR(").as_deref(), Some("\"near\"*"), "operators become plain words");
        assert_eq!(fts_query("contraseña").as_deref(), Some("\"contraseña\"*"));
    }
}
