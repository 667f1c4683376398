//! Bulk import for reps: `POST /import/{accounts|contacts|deals}` creates or changes up to [`MAX_ROWS`] records
//! in one transaction, each row through the records layer and its rules, each on its own (a refused row does not
//! stop the others; its answer says why). With `Idempotency-Key` a batch sent again after a lost answer (or by a
//! desk that resumes an import) gets the first answer and changes nothing twice.

use crate::auth::Rep;
use crate::error::{json_body, Failure};
use crate::idempotency;
use crate::records::{self, Actor, Writable};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use trato_protocol::*;

/// Most rows in one request.
pub const MAX_ROWS: usize = MAX_IMPORT_ROWS;

fn invalid(error: serde_json::Error) -> Failure {
    Failure::new(ErrorCode::ValidationFailed, format!("The row could not be read: {error}."))
}

/// Writes one row; its record's id and version.
fn write_row<R: Writable>(
    conn: &rusqlite::Connection,
    actor: Actor<'_>,
    row: ImportRow,
) -> Result<(String, u64), Failure> {
    let record = match row {
        ImportRow::Create(body) => records::create::<R>(conn, actor, serde_json::from_value(body).map_err(invalid)?)?,
        ImportRow::Update { id, patch } => {
            records::update::<R>(conn, actor, &id, None, serde_json::from_value(patch).map_err(invalid)?)?
        }
    };
    Ok((record.meta().id.clone(), record.meta().version))
}

/// Writes every row, each inside a savepoint so a refused one leaves no trace; the answer of each.
fn write_rows<R: Writable>(
    conn: &rusqlite::Connection,
    actor: Actor<'_>,
    rows: Vec<ImportRow>,
) -> Result<Vec<ImportResult>, Failure> {
    let mut results = Vec::with_capacity(rows.len());
    for row in rows {
        conn.execute_batch("SAVEPOINT import_row")?;
        match write_row::<R>(conn, actor, row) {
            Ok((id, version)) => {
                conn.execute_batch("RELEASE import_row")?;
                results.push(ImportResult::Written { id, version });
            }
            Err(Failure(error)) => {
                conn.execute_batch("ROLLBACK TO import_row; RELEASE import_row")?;
                results.push(ImportResult::Refused { error });
            }
        }
    }
    Ok(results)
}

/// `POST /import/{kind}`: an [`ImportBatch`] (`{"rows": [{"create": {…}} | {"update": {"id", "patch"}}]}`) → an
/// [`ImportAnswer`] (`{"results": [{"id", "version"} | {"error": ApiError}]}`, in the rows' order).
pub async fn import(
    State(state): State<AppState>,
    rep: Rep,
    Path(kind): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, Failure> {
    let batch: ImportBatch = serde_json::from_slice(&body)
        .map_err(|e| Failure::new(ErrorCode::BadRequest, format!("The batch could not be read: {e}.")))?;
    if batch.rows.len() > MAX_ROWS {
        return Err(Failure::new(ErrorCode::BadRequest, format!("At most {MAX_ROWS} rows per batch.")));
    }
    let path = format!("{API_PREFIX}/import/{kind}");
    let conn = state.db();
    let keyed = idempotency::lookup(&conn, &rep.user.id, &headers, "POST", &path)?;
    if let Some(replay) = keyed.replay {
        return Ok(replay);
    }
    let tx = conn.unchecked_transaction()?;
    let actor = Actor::Rep(&rep.user.id);
    let results = match kind.as_str() {
        "accounts" => write_rows::<Account>(&tx, actor, batch.rows)?,
        "contacts" => write_rows::<Contact>(&tx, actor, batch.rows)?,
        "deals" => write_rows::<Deal>(&tx, actor, batch.rows)?,
        _ => return Err(Failure::not_found("import kind")),
    };
    let answer = ImportAnswer { results };
    let text = serde_json::to_string(&answer)
        .map_err(|_| Failure::new(ErrorCode::Internal, "The answer could not be written."))?;
    idempotency::remember(&tx, &rep.user.id, keyed.key.as_deref(), "POST", &path, StatusCode::OK, &text)?;
    tx.commit()?;
    Ok(json_body(&answer))
}

/// The import route (under `/api/v1`).
pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/import/{kind}", axum::routing::post(import))
}
