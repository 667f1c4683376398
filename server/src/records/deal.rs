//! Deals: the sales opportunities on the board, with their rules (a stage of their pipeline, positions in the
//! column, close dates set by won and lost stages, a stage-change activity for every move) and the computed
//! `next_activity` that SQL fills in when a deal is served.

use super::kind::{Listed, Writable, WriteCtx};
use crate::error::{check, Failure};
use rusqlite::{params, Connection};
use trato_protocol::validate::*;
use trato_protocol::*;

impl Listed for Deal {
    const FILTERS: &'static [&'static str] = &["pipeline_id", "stage_id", "account_id", "contact_id", "owner_id"];
    const SORTS: &'static [(&'static str, &'static str)] = &[
        ("position", "json_extract(data, '$.position')"),
        ("name", "lower(json_extract(data, '$.name'))"),
        ("amount", "json_extract(data, '$.amount.minor')"),
        ("expected_close", "coalesce(json_extract(data, '$.expected_close'), '9999-12-31')"),
        ("updated_at", "updated_at"),
        ("created_at", "json_extract(data, '$.created_at')"),
    ];
    const DEFAULT_SORT: &'static str = "position";
    const SEARCH: &'static [&'static str] = &["name"];
    const NOUN: &'static str = "deal";

    /// The stored deal with `next_activity`: its open call, meeting or task due first (undated ones last).
    const SERVED: &'static str = "json_set(t.data, '$.next_activity', json((SELECT json_object('id', a.id, \
        'kind', a.f_kind, 'subject', json_extract(a.data, '$.subject'), 'due_on', json_extract(a.data, '$.due_on')) \
        FROM activities a INDEXED BY activities_f_deal_id WHERE a.f_deal_id = t.id AND a.deleted = 0 AND json_extract(a.data, '$.done') = 0 \
        AND a.f_kind IN ('task', 'call', 'meeting') ORDER BY a.s_due_on, a.id LIMIT 1)))";
}

/// Records a stage change in the deal's timeline.
fn record_stage_change(ctx: &WriteCtx<'_>, deal: &Deal, from: &Stage, to: &Stage) -> Result<(), Failure> {
    let activity = Activity {
        meta: Meta { id: crate::db::new_id("act"), version: 1, created_at: ctx.now.into(), updated_at: ctx.now.into() },
        kind: ActivityKind::StageChange,
        subject: format!("{} → {}", from.name, to.name),
        body: None,
        deal_id: Some(deal.meta.id.clone()),
        account_id: deal.account_id.clone(),
        contact_id: None,
        owner_id: ctx.actor.user_id().map(String::from),
        due_on: None,
        done: true,
        from_stage_id: Some(from.id.clone()),
        to_stage_id: Some(to.id.clone()),
    };
    super::rows::put(ctx.conn, &activity)
}

/// Most contacts that can take part in one deal.
const MAX_PARTICIPANTS: usize = 50;

/// Every participant must be an existing contact, listed once.
fn check_participants(ctx: &WriteCtx<'_>, errors: &mut FieldErrors, ids: &[String]) -> Result<(), Failure> {
    let unique: std::collections::HashSet<&String> = ids.iter().collect();
    if ids.len() > MAX_PARTICIPANTS || unique.len() != ids.len() {
        errors.insert("participant_ids".into(), format!("must be at most {MAX_PARTICIPANTS} different contacts"));
        return Ok(());
    }
    for id in ids {
        ctx.check_ref::<Contact>(errors, "participant_ids", Some(id))?;
    }
    Ok(())
}

/// Position after the last live card of a stage.
fn next_position(conn: &Connection, stage_id: &str) -> Result<f64, Failure> {
    let max: Option<f64> = conn.query_row(
        "SELECT max(s_position) FROM deals WHERE deleted = 0 AND f_stage_id = ?1",
        params![stage_id],
        |row| row.get(0),
    )?;
    Ok(max.map_or(1024.0, |max| max + 1024.0))
}

impl Writable for Deal {
    type New = NewDeal;
    type Patch = DealPatch;
    const ID_PREFIX: &'static str = "deal";

    fn create(new: NewDeal, meta: Meta, ctx: &WriteCtx<'_>) -> Result<Self, Failure> {
        let mut errors = FieldErrors::new();
        check_required(&mut errors, "name", &new.name, MAX_NAME);
        check_money(&mut errors, "amount", &new.amount);
        check_date(&mut errors, "expected_close", new.expected_close.as_deref());
        check_finite(&mut errors, "position", new.position);
        ctx.check_ref::<Account>(&mut errors, "account_id", new.account_id.as_deref())?;
        ctx.check_ref::<Contact>(&mut errors, "contact_id", new.contact_id.as_deref())?;
        check_participants(ctx, &mut errors, &new.participant_ids)?;
        ctx.check_user(&mut errors, "owner_id", new.owner_id.as_deref())?;
        let pipeline = super::rows::get::<Pipeline>(ctx.conn, &new.pipeline_id)?;
        let stage = match &pipeline {
            None => {
                errors.insert("pipeline_id".into(), "no such pipeline".into());
                None
            }
            Some(pipeline) => {
                let stage = match &new.stage_id {
                    Some(id) => pipeline.stages.iter().find(|s| &s.id == id),
                    None => pipeline.stages.first(),
                };
                if stage.is_none() {
                    errors.insert("stage_id".into(), "not a stage of this pipeline".into());
                }
                stage.cloned()
            }
        };
        check(errors)?;
        let Some(stage) = stage else {
            return Err(Failure::new(ErrorCode::Internal, "stage"));
        };
        let position = match new.position {
            Some(position) => position,
            None => next_position(ctx.conn, &stage.id)?,
        };
        Ok(Deal {
            name: new.name.trim().into(),
            pipeline_id: new.pipeline_id,
            stage_id: stage.id,
            account_id: new.account_id,
            contact_id: new.contact_id,
            participant_ids: new.participant_ids,
            owner_id: new.owner_id.or_else(|| ctx.actor.user_id().map(String::from)),
            amount: new.amount,
            expected_close: new.expected_close,
            stage_entered_at: ctx.now.into(),
            last_activity_at: ctx.now.into(),
            position,
            lost_reason: None,
            closed_on: (stage.kind != StageKind::Open).then(|| ctx.now[..10].to_string()),
            probability: None,
            next_activity: None,
            meta,
        })
    }

    fn apply(&mut self, patch: DealPatch, ctx: &WriteCtx<'_>) -> Result<(), Failure> {
        let mut errors = FieldErrors::new();
        if let Some(name) = patch.name {
            check_required(&mut errors, "name", &name, MAX_NAME);
            self.name = name.trim().into();
        }
        if let Some(amount) = patch.amount {
            check_money(&mut errors, "amount", &amount);
            self.amount = amount;
        }
        if let Some(date) = patch.expected_close {
            check_date(&mut errors, "expected_close", date.as_deref());
            self.expected_close = date;
        }
        if let Some(position) = patch.position {
            check_finite(&mut errors, "position", Some(position));
            self.position = position;
        }
        if let Some(reason) = patch.lost_reason {
            check_optional(&mut errors, "lost_reason", reason.as_deref(), MAX_NAME);
            self.lost_reason = reason;
        }
        if let Some(probability) = patch.probability {
            if probability.is_some_and(|p| p > 100) {
                errors.insert("probability".into(), "must be from 0 to 100".into());
            }
            self.probability = probability;
        }
        if let Some(account) = patch.account_id {
            ctx.check_ref::<Account>(&mut errors, "account_id", account.as_deref())?;
            self.account_id = account;
        }
        if let Some(contact) = patch.contact_id {
            ctx.check_ref::<Contact>(&mut errors, "contact_id", contact.as_deref())?;
            self.contact_id = contact;
        }
        if let Some(participants) = patch.participant_ids {
            check_participants(ctx, &mut errors, &participants)?;
            self.participant_ids = participants;
        }
        if let Some(owner) = patch.owner_id {
            ctx.check_user(&mut errors, "owner_id", owner.as_deref())?;
            self.owner_id = owner;
        }
        if patch.pipeline_id.is_some() && patch.stage_id.is_none() {
            errors.insert("stage_id".into(), "is required when the pipeline changes".into());
        }
        let restore = (patch.stage_entered_at, patch.last_activity_at);
        if patch.stage_id.is_none() {
            for (field, value) in [("stage_entered_at", &restore.0), ("last_activity_at", &restore.1)] {
                if value.is_some() {
                    errors.insert(field.into(), "can only be given with stage_id, to undo a move".into());
                }
            }
        }
        if let Some(stage_id) = patch.stage_id {
            let pipeline_id = patch.pipeline_id.unwrap_or_else(|| self.pipeline_id.clone());
            let old_stage = super::rows::get::<Pipeline>(ctx.conn, &self.pipeline_id)?
                .and_then(|p| p.stages.into_iter().find(|s| s.id == self.stage_id));
            match super::rows::get::<Pipeline>(ctx.conn, &pipeline_id)? {
                None => {
                    errors.insert("pipeline_id".into(), "no such pipeline".into());
                }
                Some(pipeline) => match pipeline.stages.iter().find(|s| s.id == stage_id) {
                    None => {
                        errors.insert("stage_id".into(), "not a stage of this pipeline".into());
                    }
                    Some(stage) if stage.id != self.stage_id => {
                        self.pipeline_id = pipeline_id;
                        self.stage_id = stage.id.clone();
                        self.stage_entered_at = restored(&mut errors, "stage_entered_at", restore.0, ctx.now);
                        self.last_activity_at = restored(&mut errors, "last_activity_at", restore.1, ctx.now);
                        self.closed_on = (stage.kind != StageKind::Open).then(|| ctx.now[..10].to_string());
                        if stage.kind != StageKind::Lost {
                            self.lost_reason = None;
                        }
                        if let Some(old) = &old_stage {
                            record_stage_change(ctx, self, old, stage)?;
                        }
                    }
                    Some(_) => {}
                },
            }
        }
        check(errors)
    }
}

/// The time a moved deal takes for `field`: `now`, or the earlier time an undo restores (a protocol timestamp not
/// after `now`; anything else is a field error).
fn restored(errors: &mut FieldErrors, field: &str, value: Option<String>, now: &str) -> String {
    match value {
        None => now.into(),
        Some(at) if crate::clock::is_timestamp(&at) && at.as_str() <= now => at,
        Some(_) => {
            errors.insert(field.into(), "must be a past time such as 2026-11-23T09:30:00.000Z".into());
            now.into()
        }
    }
}
