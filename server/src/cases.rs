//! Support cases: the customer's side under `/portal/cases` (own cases, or the company's for its admin), the
//! reps' queue under `/cases`, threads with public replies and internal notes, attachments with type and size
//! checks, close, reopen and the customer's rating. Every portal read checks visibility in its SQL, so a case of
//! another customer answers exactly like a case that does not exist (404).

use crate::auth::Rep;
use crate::error::{check, json_body, ApiJson, Failure};
use crate::mail_text::{render, MailKind};
use crate::portal_auth::{self, CustomerSession};
use crate::state::AppState;
use crate::{clock, db, kb};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use time::{Duration, OffsetDateTime};
use trato_protocol::*;

/// The case routes of both sides (under `/api/v1`): the reps' queue and case pages, the customers' cases.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/cases", get(queue).post(desk_create))
        .route("/cases/{id}", get(desk_get).patch(desk_update))
        .route("/cases/{id}/messages", post(desk_reply))
        .route("/case-messages", get(customer_messages))
        .route("/portal/cases", get(portal_list).post(portal_create))
        .route("/portal/cases/{id}", get(portal_get))
        .route("/portal/cases/{id}/messages", post(portal_reply))
        .route("/portal/cases/{id}/close", post(portal_close))
        .route("/portal/cases/{id}/reopen", post(portal_reopen))
        .route("/portal/cases/{id}/rating", post(portal_rate))
}

const CASE_COLUMNS: &str = "c.id, c.number, c.version, c.subject, c.category, c.status, c.priority, c.customer_id, \
    COALESCE(u.name, ''), c.account_id, c.assignee_id, c.created_at, c.updated_at, c.sla_due_at, c.rating_score, \
    c.rating_comment";
const CASE_FROM: &str = "cases c LEFT JOIN customers u ON u.id = c.customer_id";

fn case_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Case> {
    let status: String = row.get(5)?;
    let priority: String = row.get(6)?;
    let score: Option<u8> = row.get(14)?;
    Ok(Case {
        id: row.get(0)?,
        number: row.get::<_, i64>(1)? as u64,
        version: row.get::<_, i64>(2)? as u64,
        subject: row.get(3)?,
        category: row.get(4)?,
        status: CaseStatus::parse(&status).unwrap_or(CaseStatus::Open),
        priority: CasePriority::parse(&priority).unwrap_or(CasePriority::Normal),
        customer_id: row.get(7)?,
        customer_name: row.get(8)?,
        account_id: row.get(9)?,
        assignee_id: row.get(10)?,
        created_at: row.get(11)?,
        updated_at: row.get(12)?,
        sla_due_at: row.get(13)?,
        rating: score.map(|score| Rating {
            score,
            comment: row.get::<_, Option<String>>(15).ok().flatten().unwrap_or_default(),
        }),
    })
}

/// Reads a case by id (no visibility check: callers check).
pub fn load(conn: &Connection, id: &str) -> Result<Option<Case>, Failure> {
    let sql = format!("SELECT {CASE_COLUMNS} FROM {CASE_FROM} WHERE c.id = ?1");
    Ok(conn.query_row(&sql, params![id], case_row).optional()?)
}

/// The case if this customer may see it, else 404.
fn visible_case(conn: &Connection, session: &CustomerSession, id: &str) -> Result<Case, Failure> {
    load(conn, id)?.filter(|c| session.may_see(&c.customer_id, &c.account_id)).ok_or_else(|| Failure::not_found("case"))
}

/// The thread of a case, oldest first; internal notes only when asked for.
pub fn messages(conn: &Connection, case_id: &str, with_internal: bool) -> Result<Vec<CaseMessage>, Failure> {
    let condition = "m.case_id = ?1 AND (m.internal = 0 OR ?2 = 1) ORDER BY m.created_at, m.rowid";
    Ok(messages_where(conn, condition, params![case_id, with_internal as i64])?.into_iter().map(|(_, m)| m).collect())
}

/// Messages (with their case ids and attachments) matching `condition`, which also orders and limits them.
fn messages_where(
    conn: &Connection,
    condition: &str,
    values: impl rusqlite::Params,
) -> Result<Vec<(String, CaseMessage)>, Failure> {
    let mut stmt = conn.prepare(&format!(
        "SELECT m.id, m.author, m.author_name, m.body, m.internal, m.created_at, m.case_id FROM case_messages m \
         WHERE {condition}"
    ))?;
    let rows = stmt.query_map(values, |row| {
        let author: String = row.get(1)?;
        let message = CaseMessage {
            id: row.get(0)?,
            author: if author == "rep" { Author::Rep } else { Author::Customer },
            author_name: row.get(2)?,
            body: row.get(3)?,
            internal: row.get(4)?,
            attachments: vec![],
            created_at: row.get(5)?,
        };
        Ok((row.get(6)?, message))
    })?;
    let mut list: Vec<(String, CaseMessage)> = rows.collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare(
        "SELECT id, name, content_type, size FROM attachments WHERE message_id = ?1 ORDER BY created_at, id",
    )?;
    for (_, message) in &mut list {
        let rows = stmt.query_map(params![message.id], |row| {
            Ok(Attachment {
                id: row.get(0)?,
                name: row.get(1)?,
                content_type: row.get(2)?,
                size: row.get::<_, i64>(3)? as u64,
            })
        })?;
        message.attachments = rows.collect::<Result<_, _>>()?;
    }
    Ok(list)
}

pub(crate) fn invalid(field: &str, message: &str) -> Failure {
    let mut fields = FieldErrors::new();
    fields.insert(field.into(), message.into());
    Failure(ApiError::validation(fields))
}

/// Who writes a message or uploads a file.
#[derive(Clone, Copy)]
pub(crate) enum Writer<'a> {
    /// A portal customer.
    Customer(&'a Customer),
    /// A rep.
    Rep(&'a User),
}

impl Writer<'_> {
    /// `customer` or `rep`.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Writer::Customer(_) => "customer",
            Writer::Rep(_) => "rep",
        }
    }
    /// The writer's id.
    pub(crate) fn id(&self) -> &str {
        match self {
            Writer::Customer(c) => &c.id,
            Writer::Rep(u) => &u.id,
        }
    }
    fn name(&self) -> &str {
        match self {
            Writer::Customer(c) => &c.name,
            Writer::Rep(u) => &u.name,
        }
    }
}

/// Adds a message to a case, attaching files the same writer uploaded and has not attached yet.
fn add_message(
    conn: &Connection,
    case_id: &str,
    writer: Writer<'_>,
    body: &str,
    internal: bool,
    attachment_ids: &[String],
    now: &str,
) -> Result<String, Failure> {
    let id = db::new_id("msg");
    conn.execute(
        "INSERT INTO case_messages (id, case_id, author, author_id, author_name, body, internal, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id, case_id, writer.kind(), writer.id(), writer.name(), body.trim_end(), internal, now],
    )?;
    for attachment in attachment_ids {
        let changed = conn.execute(
            "UPDATE attachments SET message_id = ?1, case_id = ?2
             WHERE id = ?3 AND owner_kind = ?4 AND owner_id = ?5 AND message_id IS NULL",
            params![id, case_id, attachment, writer.kind(), writer.id()],
        )?;
        if changed == 0 {
            return Err(invalid("attachment_ids", "no such upload"));
        }
    }
    Ok(id)
}

/// Bumps a case's version and update time, optionally setting its status.
fn touch_case(conn: &Connection, id: &str, status: Option<CaseStatus>, now: &str) -> Result<(), Failure> {
    conn.execute(
        "UPDATE cases SET version = version + 1, updated_at = ?2, status = COALESCE(?3, status) WHERE id = ?1",
        params![id, now, status.map(|s| s.as_str())],
    )?;
    Ok(())
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// The pairs of a query string; one that cannot be read is a `400`.
pub fn query_pairs(raw: Option<String>) -> Result<Vec<(String, String)>, Failure> {
    serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|_| Failure::new(ErrorCode::BadRequest, "The query string could not be read."))
}

/// At most one of the parameters `choices` names (each with the SQL condition it stands for, on `?1`), as that
/// condition and the value; any other parameter, or two of them, is a `400`.
pub fn one_filter(
    raw: Option<String>,
    choices: &[(&str, &'static str)],
) -> Result<Option<(&'static str, String)>, Failure> {
    let names = choices.iter().map(|(name, _)| *name).collect::<Vec<_>>().join(" or ");
    let mut filter = None;
    for (key, value) in query_pairs(raw)? {
        let Some((_, condition)) = choices.iter().find(|(name, _)| *name == key) else {
            return Err(Failure::new(ErrorCode::BadRequest, format!("Unknown parameter {key:?}.")));
        };
        if filter.replace((*condition, value)).is_some() {
            return Err(Failure::new(ErrorCode::BadRequest, format!("Give {names}, not several.")));
        }
    }
    Ok(filter)
}

/// Adds `status`, `q` conditions shared by the customer's list and the reps' queue.
fn common_filter(
    key: &str,
    value: &str,
    conditions: &mut Vec<String>,
    values: &mut Vec<SqlValue>,
) -> Result<bool, Failure> {
    match key {
        "status" => {
            let statuses: Vec<&str> = match value {
                "active" => vec!["new", "open", "pending"],
                "done" => vec!["resolved", "closed"],
                other => vec![CaseStatus::parse(other)
                    .ok_or_else(|| Failure::new(ErrorCode::BadRequest, format!("Unknown status {other:?}.")))?
                    .as_str()],
            };
            let marks: Vec<String> = statuses
                .iter()
                .map(|s| {
                    values.push(SqlValue::Text(s.to_string()));
                    format!("?{}", values.len())
                })
                .collect();
            conditions.push(format!("c.status IN ({})", marks.join(", ")));
        }
        "q" if !value.trim().is_empty() => {
            let text = value.trim().trim_start_matches('#');
            values.push(SqlValue::Text(format!("%{}%", escape_like(text))));
            let like = values.len();
            values.push(SqlValue::Text(text.to_string()));
            conditions.push(format!(
                "(c.subject LIKE ?{like} ESCAPE '\\' OR u.name LIKE ?{like} ESCAPE '\\' OR CAST(c.number AS TEXT) = ?{})",
                like + 1
            ));
        }
        "q" => {}
        _ => return Ok(false),
    }
    Ok(true)
}

fn run_list(
    conn: &Connection,
    conditions: &[String],
    values: Vec<SqlValue>,
    order: &str,
) -> Result<Vec<Case>, Failure> {
    let filter = if conditions.is_empty() { "1 = 1".to_string() } else { conditions.join(" AND ") };
    let sql = format!("SELECT {CASE_COLUMNS} FROM {CASE_FROM} WHERE {filter} ORDER BY {order} LIMIT 500");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(values), case_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

// ---------------------------------------------------------------------------------------------------------------
// Customer side

/// `GET /portal/cases?status=&q=`: the customer's cases (the company's for its admin), last changed first.
pub async fn portal_list(
    State(state): State<AppState>,
    session: CustomerSession,
    RawQuery(raw): RawQuery,
) -> Result<Response, Failure> {
    let (customer_id, account_id, admin) = session.visible_params();
    let mut values = vec![SqlValue::Text(customer_id), SqlValue::Text(account_id), SqlValue::Integer(admin)];
    let mut conditions = vec!["(c.customer_id = ?1 OR (?3 = 1 AND c.account_id = ?2))".to_string()];
    for (key, value) in query_pairs(raw)? {
        if !common_filter(&key, &value, &mut conditions, &mut values)? {
            return Err(Failure::new(ErrorCode::BadRequest, format!("Unknown parameter {key:?}.")));
        }
    }
    let cases = run_list(&state.db(), &conditions, values, "c.updated_at DESC, c.number DESC")?;
    Ok(json_body(&cases))
}

/// Opens a case for a customer (inside the caller's transaction) and acknowledges it by mail; returns its id.
pub fn open_case(conn: &Connection, state: &AppState, customer: &Customer, new: &NewCase) -> Result<String, Failure> {
    let now = clock::now();
    let id = db::new_id("case");
    let number: i64 = conn.query_row("SELECT COALESCE(MAX(number), 1000) + 1 FROM cases", [], |row| row.get(0))?;
    let due = clock::timestamp(OffsetDateTime::now_utc() + Duration::hours(new.priority.response_hours()));
    conn.execute(
        "INSERT INTO cases (id, number, version, subject, category, status, priority, customer_id, account_id,
                            assignee_id, created_at, updated_at, sla_due_at)
         VALUES (?1, ?2, 1, ?3, ?4, 'new', ?5, ?6, ?7, NULL, ?8, ?8, ?9)",
        params![
            id,
            number,
            new.subject.trim(),
            new.category,
            new.priority.as_str(),
            customer.id,
            customer.account_id,
            now,
            due
        ],
    )?;
    add_message(conn, &id, Writer::Customer(customer), &new.description, false, &new.attachment_ids, &now)?;
    kb::case_submitted(conn, &customer.id)?;
    if customer.notify {
        let company = portal_auth::company(conn)?;
        portal_auth::mail_customer(conn, state, customer, Some(&id), |link| {
            let kind = MailKind::CaseReceived { number: number as u64, subject: new.subject.trim(), link };
            render(&kind, &customer.locale, &customer.name, &company)
        })?;
    }
    Ok(id)
}

/// `POST /portal/cases`: opens a case, acknowledges it by mail and answers with its number at once.
pub async fn portal_create(
    State(state): State<AppState>,
    session: CustomerSession,
    ApiJson(new): ApiJson<NewCase>,
) -> Result<Response, Failure> {
    check(new.errors())?;
    let conn = state.db();
    let tx = conn.unchecked_transaction()?;
    let id = open_case(&tx, &state, &session.customer, &new)?;
    tx.commit()?;
    let case = load(&conn, &id)?.ok_or_else(|| Failure::not_found("case"))?;
    let thread = CaseThread { messages: messages(&conn, &id, false)?, case };
    let mut response = json_body(&thread);
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

/// `GET /portal/cases/{id}`: the case and its public thread.
pub async fn portal_get(
    State(state): State<AppState>,
    session: CustomerSession,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let conn = state.db();
    let case = visible_case(&conn, &session, &id)?;
    Ok(json_body(&CaseThread { messages: messages(&conn, &id, false)?, case }))
}

/// `POST /portal/cases/{id}/messages`: the customer replies; a pending or resolved case opens again.
pub async fn portal_reply(
    State(state): State<AppState>,
    session: CustomerSession,
    Path(id): Path<String>,
    ApiJson(new): ApiJson<NewMessage>,
) -> Result<Response, Failure> {
    check(new.errors())?;
    if new.internal {
        return Err(Failure::new(ErrorCode::Forbidden, "Customers cannot write internal notes."));
    }
    let conn = state.db();
    let case = visible_case(&conn, &session, &id)?;
    if case.status == CaseStatus::Closed {
        return Err(invalid("body", "the case is closed; reopen it to write"));
    }
    let tx = conn.unchecked_transaction()?;
    let now = clock::now();
    add_message(&tx, &id, Writer::Customer(&session.customer), &new.body, false, &new.attachment_ids, &now)?;
    let status = matches!(case.status, CaseStatus::Pending | CaseStatus::Resolved).then_some(CaseStatus::Open);
    touch_case(&tx, &id, status, &now)?;
    tx.commit()?;
    let case = visible_case(&conn, &session, &id)?;
    Ok(json_body(&CaseThread { messages: messages(&conn, &id, false)?, case }))
}

/// `POST /portal/cases/{id}/close`: the customer closes the case.
pub async fn portal_close(
    State(state): State<AppState>,
    session: CustomerSession,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    set_status_by_customer(&state, &session, &id, CaseStatus::Closed)
}

/// `POST /portal/cases/{id}/reopen`: the customer reopens a resolved or closed case.
pub async fn portal_reopen(
    State(state): State<AppState>,
    session: CustomerSession,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    set_status_by_customer(&state, &session, &id, CaseStatus::Open)
}

fn set_status_by_customer(
    state: &AppState,
    session: &CustomerSession,
    id: &str,
    status: CaseStatus,
) -> Result<Response, Failure> {
    let conn = state.db();
    let case = visible_case(&conn, session, id)?;
    let allowed = match status {
        CaseStatus::Closed => case.status != CaseStatus::Closed,
        _ => !case.status.is_active(),
    };
    if !allowed {
        return Err(invalid("status", "the case is already so"));
    }
    touch_case(&conn, id, Some(status), &clock::now())?;
    let case = visible_case(&conn, session, id)?;
    Ok(json_body(&CaseThread { messages: messages(&conn, id, false)?, case }))
}

/// `POST /portal/cases/{id}/rating`: the customer rates a resolved or closed case (1–5 and a comment).
pub async fn portal_rate(
    State(state): State<AppState>,
    session: CustomerSession,
    Path(id): Path<String>,
    ApiJson(rating): ApiJson<Rating>,
) -> Result<Response, Failure> {
    check(rating.errors())?;
    let conn = state.db();
    let case = visible_case(&conn, &session, &id)?;
    if case.status.is_active() {
        return Err(invalid("score", "only a resolved or closed case can be rated"));
    }
    conn.execute(
        "UPDATE cases SET rating_score = ?2, rating_comment = ?3, rated_at = ?4, version = version + 1 WHERE id = ?1",
        params![id, rating.score, rating.comment.trim(), clock::now()],
    )?;
    let case = visible_case(&conn, &session, &id)?;
    Ok(json_body(&CaseThread { messages: messages(&conn, &id, false)?, case }))
}

// ---------------------------------------------------------------------------------------------------------------
// Rep side

/// `GET /cases?status=&priority=&assignee=&sla=&q=&account_id=&customer_email=`: the queue; cases whose answer is due soonest
/// first. `assignee` takes a rep id, `me` or `none`; `sla` takes `overdue` or `due_soon` (within 4 hours).
pub async fn queue(State(state): State<AppState>, rep: Rep, RawQuery(raw): RawQuery) -> Result<Response, Failure> {
    let mut values = vec![];
    let mut conditions = vec![];
    for (key, value) in query_pairs(raw)? {
        if common_filter(&key, &value, &mut conditions, &mut values)? {
            continue;
        }
        match key.as_str() {
            "priority" => {
                let priority = CasePriority::parse(&value)
                    .ok_or_else(|| Failure::new(ErrorCode::BadRequest, format!("Unknown priority {value:?}.")))?;
                values.push(SqlValue::Text(priority.as_str().into()));
                conditions.push(format!("c.priority = ?{}", values.len()));
            }
            "assignee" => match value.as_str() {
                "none" => conditions.push("c.assignee_id IS NULL".into()),
                other => {
                    let id = if other == "me" { rep.user.id.clone() } else { other.to_string() };
                    values.push(SqlValue::Text(id));
                    conditions.push(format!("c.assignee_id = ?{}", values.len()));
                }
            },
            "sla" => {
                let now = OffsetDateTime::now_utc();
                match value.as_str() {
                    "overdue" => {
                        values.push(SqlValue::Text(clock::timestamp(now)));
                        conditions.push(format!("c.sla_due_at <= ?{}", values.len()));
                    }
                    "due_soon" => {
                        values.push(SqlValue::Text(clock::timestamp(now)));
                        values.push(SqlValue::Text(clock::timestamp(now + Duration::hours(4))));
                        conditions.push(format!(
                            "c.sla_due_at > ?{} AND c.sla_due_at <= ?{}",
                            values.len() - 1,
                            values.len()
                        ));
                    }
                    other => return Err(Failure::new(ErrorCode::BadRequest, format!("Unknown sla filter {other:?}."))),
                }
                conditions.push("c.status IN ('new', 'open', 'pending')".into());
            }
            "account_id" => {
                values.push(SqlValue::Text(value));
                conditions.push(format!("c.account_id = ?{}", values.len()));
            }
            // A contact's cases: those of the portal customer with the contact's address.
            "customer_email" => {
                values.push(SqlValue::Text(value));
                conditions.push(format!("u.email = ?{} COLLATE NOCASE", values.len()));
            }
            other => return Err(Failure::new(ErrorCode::BadRequest, format!("Unknown parameter {other:?}."))),
        }
    }
    let order = "c.sla_due_at IS NULL, c.sla_due_at, c.updated_at DESC";
    Ok(json_body(&run_list(&state.db(), &conditions, values, order)?))
}

/// `GET /case-messages?account_id=|customer_email=`: the messages of one customer's cases (an account's, or
/// those of the portal customer with that address), internal notes included, newest first, at most
/// [`CUSTOMER_MESSAGES_LIMIT`].
pub async fn customer_messages(
    State(state): State<AppState>,
    _rep: Rep,
    RawQuery(raw): RawQuery,
) -> Result<Response, Failure> {
    let choices = [
        ("account_id", "c.account_id = ?1"),
        ("customer_email", "c.customer_id IN (SELECT id FROM customers WHERE email = ?1 COLLATE NOCASE)"),
    ];
    let Some((condition, value)) = one_filter(raw, &choices)? else {
        return Err(Failure::new(ErrorCode::BadRequest, "Give account_id or customer_email."));
    };
    let condition = format!(
        "m.case_id IN (SELECT c.id FROM cases c WHERE {condition}) \
         ORDER BY m.created_at DESC, m.rowid DESC LIMIT {CUSTOMER_MESSAGES_LIMIT}"
    );
    let list = messages_where(&state.db(), &condition, params![value])?;
    let list: Vec<CaseMessageOf> =
        list.into_iter().map(|(case_id, message)| CaseMessageOf { case_id, message }).collect();
    Ok(json_body(&list))
}

/// Most messages `GET /case-messages` answers with.
pub const CUSTOMER_MESSAGES_LIMIT: u32 = 500;

fn case_desk(conn: &Connection, id: &str) -> Result<CaseDesk, Failure> {
    let case = load(conn, id)?.ok_or_else(|| Failure::not_found("case"))?;
    let customer = portal_auth::customer(conn, &case.customer_id)?.ok_or_else(|| Failure::not_found("customer"))?;
    let account = crate::records::find::<Account>(conn, crate::records::Actor::System, &case.account_id)?;
    let values = vec![SqlValue::Text(case.account_id.clone()), SqlValue::Text(case.id.clone())];
    let conditions = vec!["c.account_id = ?1".to_string(), "c.id <> ?2".to_string()];
    let other_cases = run_list(conn, &conditions, values, "c.created_at DESC")?;
    Ok(CaseDesk { messages: messages(conn, id, true)?, case, customer, account, other_cases })
}

/// `GET /cases/{id}`: the case, its whole thread with internal notes, the customer, their account and other cases.
pub async fn desk_get(State(state): State<AppState>, _rep: Rep, Path(id): Path<String>) -> Result<Response, Failure> {
    Ok(json_body(&case_desk(&state.db(), &id)?))
}

/// `PATCH /cases/{id}`: status, priority, assignee; `If-Match` guards against stale changes. Resolving a case
/// mails the customer a link to rate it.
pub async fn desk_update(
    State(state): State<AppState>,
    _rep: Rep,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(patch): ApiJson<CasePatch>,
) -> Result<Response, Failure> {
    let conn = state.db();
    let case = load(&conn, &id)?.ok_or_else(|| Failure::not_found("case"))?;
    if let Some(expected) = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) {
        let expected = expected.trim_start_matches("W/").trim_matches('"');
        if expected != "*" && expected != case.version.to_string() {
            return Err(Failure::new(
                ErrorCode::PreconditionFailed,
                format!("The case was changed by someone else (version {} is current).", case.version),
            ));
        }
    }
    if let Some(Some(assignee)) = &patch.assignee_id {
        if !crate::users::exists(&conn, assignee)? {
            return Err(invalid("assignee_id", "no such user"));
        }
    }
    let tx = conn.unchecked_transaction()?;
    let now = clock::now();
    if let Some(priority) = patch.priority {
        // An unanswered case's deadline follows its priority.
        let due = case.sla_due_at.as_ref().and_then(|_| {
            let created =
                OffsetDateTime::parse(&case.created_at, &time::format_description::well_known::Rfc3339).ok()?;
            Some(clock::timestamp(created + Duration::hours(priority.response_hours())))
        });
        tx.execute(
            "UPDATE cases SET priority = ?2, sla_due_at = ?3 WHERE id = ?1",
            params![id, priority.as_str(), due],
        )?;
    }
    if let Some(assignee) = &patch.assignee_id {
        tx.execute("UPDATE cases SET assignee_id = ?2 WHERE id = ?1", params![id, assignee])?;
    }
    touch_case(&tx, &id, patch.status, &now)?;
    if patch.status == Some(CaseStatus::Resolved) && case.status != CaseStatus::Resolved {
        notify(&tx, &state, &case, Notice::Resolved)?;
    }
    tx.commit()?;
    Ok(json_body(&load(&conn, &id)?.ok_or_else(|| Failure::not_found("case"))?))
}

/// What a case notification tells the customer.
enum Notice<'a> {
    /// A rep's public answer.
    Reply(&'a str),
    /// The case was resolved.
    Resolved,
}

/// Mails the case's customer (when they want mail) with a fresh link straight to the case.
fn notify(conn: &Connection, state: &AppState, case: &Case, notice: Notice<'_>) -> Result<(), Failure> {
    let Some(customer) = portal_auth::customer(conn, &case.customer_id)? else { return Ok(()) };
    if !customer.notify {
        return Ok(());
    }
    let company = portal_auth::company(conn)?;
    portal_auth::mail_customer(conn, state, &customer, Some(&case.id), |link| {
        let (number, subject) = (case.number, case.subject.as_str());
        let kind = match notice {
            Notice::Reply(body) => MailKind::CaseReply { number, subject, body, link },
            Notice::Resolved => MailKind::CaseResolved { number, subject, link },
        };
        render(&kind, &customer.locale, &customer.name, &company)
    })?;
    Ok(())
}

/// `POST /cases/{id}/messages`: a public reply (mailed to the customer, ends the SLA clock) or an internal note.
pub async fn desk_reply(
    State(state): State<AppState>,
    rep: Rep,
    Path(id): Path<String>,
    ApiJson(new): ApiJson<NewMessage>,
) -> Result<Response, Failure> {
    check(new.errors())?;
    let conn = state.db();
    let case = load(&conn, &id)?.ok_or_else(|| Failure::not_found("case"))?;
    let tx = conn.unchecked_transaction()?;
    let now = clock::now();
    add_message(&tx, &id, Writer::Rep(&rep.user), &new.body, new.internal, &new.attachment_ids, &now)?;
    if new.internal {
        touch_case(&tx, &id, None, &now)?;
    } else {
        let status = (case.status == CaseStatus::New).then_some(CaseStatus::Open);
        touch_case(&tx, &id, status, &now)?;
        tx.execute("UPDATE cases SET sla_due_at = NULL WHERE id = ?1", params![id])?;
        notify(&tx, &state, &case, Notice::Reply(new.body.trim()))?;
    }
    tx.commit()?;
    Ok(json_body(&case_desk(&conn, &id)?))
}

/// Gives the cases of the account `from` to `into` (a merge of duplicate accounts).
pub fn move_account(conn: &Connection, from: &str, into: &str) -> Result<(), Failure> {
    conn.execute("UPDATE cases SET account_id = ?2 WHERE account_id = ?1", params![from, into])?;
    Ok(())
}

/// A case a rep opens for a contact.
#[derive(serde::Deserialize)]
pub struct CaseForContact {
    /// The contact: their e-mail makes them the case's customer.
    contact_id: String,
    /// The case.
    #[serde(flatten)]
    case: NewCase,
}

/// `POST /cases`: a rep opens a case for a contact (on the phone, at a visit). The contact's e-mail is their
/// portal customer, made on first use (in the contact's account), so they follow the case in the portal.
pub async fn desk_create(
    State(state): State<AppState>,
    rep: Rep,
    ApiJson(body): ApiJson<CaseForContact>,
) -> Result<Response, Failure> {
    check(body.case.errors())?;
    let conn = state.db();
    let tx = conn.unchecked_transaction()?;
    let contact = crate::records::get::<Contact>(&tx, crate::records::Actor::Rep(&rep.user.id), &body.contact_id)?;
    let refuse = |message: &str| {
        let mut errors = FieldErrors::new();
        errors.insert("contact_id".into(), message.into());
        check(errors).err().unwrap_or_else(|| Failure::new(ErrorCode::ValidationFailed, message))
    };
    let Some(email) = contact.email.clone().filter(|e| trato_protocol::validate::is_email(e)) else {
        return Err(refuse("the contact needs an e-mail address to follow a case"));
    };
    let Some(account_id) = contact.account_id.clone() else {
        return Err(refuse("the contact needs an account"));
    };
    let known: Option<String> = tx
        .query_row("SELECT id FROM customers WHERE email = ?1 COLLATE NOCASE", params![email], |row| row.get(0))
        .optional()?;
    let customer_id = match known {
        Some(id) => id,
        None => {
            let id = db::new_id("cus");
            let name = format!("{} {}", contact.first_name, contact.last_name).trim().to_string();
            portal_auth::create_customer(&tx, &id, &name, &email, &account_id, false)?;
            id
        }
    };
    let customer = portal_auth::customer(&tx, &customer_id)?.ok_or_else(|| Failure::not_found("customer"))?;
    let id = open_case(&tx, &state, &customer, &body.case)?;
    tx.commit()?;
    let mut response = json_body(&case_desk(&conn, &id)?);
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}
