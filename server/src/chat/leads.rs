//! What chats add to the CRM, always through the records layer: a contact (matched by a verified e-mail only), and
//! leads (a deal in the first stage of the first pipeline with the visitor's words as a note).

use crate::db;
use crate::error::Failure;
use crate::records::{self, Actor};
use rusqlite::{params, Connection, OptionalExtension};
use time::OffsetDateTime;
use trato_protocol::*;

/// `text` fit for a record field: control characters (but line feeds and tabs) dropped, at most `max`
/// characters.
fn fit(text: &str, max: usize) -> String {
    text.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\t')).take(max).collect()
}

/// The contact for a visitor's address: with a `verified` address (signed by the site), the contact with that
/// address (case-insensitively) or a new one; with an address typed in by anyone, always a new contact, so no
/// visitor is ever taken for an existing customer on their word. Returns its id.
pub fn contact_for(conn: &Connection, name: &str, email: &str, verified: bool) -> Result<String, Failure> {
    let found: Option<String> = if verified {
        conn.query_row(
            "SELECT id FROM contacts WHERE deleted = 0 AND json_extract(data, '$.email') = ?1 COLLATE NOCASE LIMIT 1",
            params![email],
            |row| row.get(0),
        )
        .optional()?
    } else {
        None
    };
    if let Some(id) = found {
        return Ok(id);
    }
    let name = fit(name.trim(), validate::MAX_NAME);
    let (first, last) = name.split_once(' ').unwrap_or((name.as_str(), ""));
    let new = NewContact {
        first_name: first.into(),
        last_name: last.into(),
        email: Some(email.into()),
        phone: None,
        title: None,
        account_id: None,
        owner_id: None,
    };
    Ok(records::create::<Contact>(conn, Actor::System, new)?.meta.id)
}

/// The first stage of the first pipeline, where new leads go.
fn lead_stage(conn: &Connection) -> Result<(String, String), Failure> {
    let mut pipelines: Vec<Pipeline> = {
        let mut stmt = conn.prepare("SELECT data FROM pipelines WHERE deleted = 0")?;
        let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
        rows.filter_map(|r| r.ok()).filter_map(|d| serde_json::from_str::<Pipeline>(&d).ok()).collect()
    };
    pipelines.sort_by(|a, b| a.meta.created_at.cmp(&b.meta.created_at).then_with(|| a.meta.id.cmp(&b.meta.id)));
    let pipeline = pipelines.into_iter().next().ok_or_else(|| Failure::new(ErrorCode::Internal, "no pipeline"))?;
    let stage = pipeline.stages.first().ok_or_else(|| Failure::new(ErrorCode::Internal, "no stage"))?;
    Ok((pipeline.meta.id.clone(), stage.id.clone()))
}

/// Creates a lead: a deal at the top of the first stage for the contact, with the message as a note; returns
/// the deal id.
pub fn create_lead(
    conn: &Connection,
    title: &str,
    contact_id: &str,
    note: &str,
    owner_id: Option<&str>,
) -> Result<String, Failure> {
    let (pipeline_id, stage_id) = lead_stage(conn)?;
    let currency = db::setting(conn, "currency")?.unwrap_or_else(|| "EUR".into());
    let title = fit(title, validate::MAX_NAME);
    let deal = NewDeal {
        name: title.clone(),
        pipeline_id,
        stage_id: Some(stage_id),
        account_id: None,
        contact_id: Some(contact_id.into()),
        participant_ids: vec![],
        owner_id: owner_id.map(str::to_string),
        amount: Money { minor: 0, currency },
        expected_close: None,
        position: Some(-(OffsetDateTime::now_utc().unix_timestamp() as f64)),
    };
    let deal = records::create::<Deal>(conn, Actor::System, deal)?;
    let note = NewActivity {
        kind: ActivityKind::Note,
        subject: title,
        body: Some(fit(note, validate::MAX_TEXT)),
        deal_id: Some(deal.meta.id.clone()),
        account_id: None,
        contact_id: Some(contact_id.into()),
        owner_id: None,
        due_on: None,
        done: true,
    };
    records::create::<Activity>(conn, Actor::System, note)?;
    Ok(deal.meta.id)
}
