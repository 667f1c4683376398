//! Activities (calls, meetings, tasks, notes, e-mails) on a deal, account or contact. Stage changes are
//! written by the deal rules only. A deal's `next_activity` depends on its activities, so writing one sends the
//! deal again in the changes feed.

use super::kind::{Listed, Writable, WriteCtx};
use crate::error::{check, Failure};
use rusqlite::Connection;
use trato_protocol::validate::*;
use trato_protocol::*;

impl Listed for Activity {
    const FILTERS: &'static [&'static str] = &["deal_id", "account_id", "contact_id", "owner_id", "kind"];
    const SORTS: &'static [(&'static str, &'static str)] = &[
        ("created_at", "json_extract(data, '$.created_at')"),
        ("due_on", "coalesce(json_extract(data, '$.due_on'), '9999-12-31')"),
        ("updated_at", "updated_at"),
    ];
    const DEFAULT_SORT: &'static str = "created_at";
    const SEARCH: &'static [&'static str] = &["subject"];
    const NOUN: &'static str = "activity";
}

impl Writable for Activity {
    type New = NewActivity;
    type Patch = ActivityPatch;
    const ID_PREFIX: &'static str = "act";

    fn create(new: NewActivity, meta: Meta, ctx: &WriteCtx<'_>) -> Result<Self, Failure> {
        let mut errors = FieldErrors::new();
        ctx.check_ref::<Deal>(&mut errors, "deal_id", new.deal_id.as_deref())?;
        ctx.check_ref::<Account>(&mut errors, "account_id", new.account_id.as_deref())?;
        ctx.check_ref::<Contact>(&mut errors, "contact_id", new.contact_id.as_deref())?;
        if new.kind == ActivityKind::StageChange {
            errors.insert("kind".into(), "stage changes are recorded by the server".into());
        }
        check(errors)?;
        let mut activity = Activity {
            meta,
            kind: new.kind,
            subject: String::new(),
            body: None,
            deal_id: new.deal_id,
            account_id: new.account_id,
            contact_id: new.contact_id,
            owner_id: ctx.actor.user_id().map(String::from),
            due_on: None,
            done: false,
            from_stage_id: None,
            to_stage_id: None,
        };
        let patch = ActivityPatch {
            subject: Some(new.subject),
            body: Some(new.body),
            owner_id: new.owner_id.map(Some),
            due_on: Some(new.due_on),
            done: Some(new.done),
        };
        activity.apply(patch, ctx)?;
        Ok(activity)
    }

    fn apply(&mut self, patch: ActivityPatch, ctx: &WriteCtx<'_>) -> Result<(), Failure> {
        let mut errors = FieldErrors::new();
        if let Some(subject) = patch.subject {
            check_required(&mut errors, "subject", &subject, MAX_NAME);
            self.subject = subject.trim().into();
        }
        if let Some(body) = patch.body {
            check_optional_text(&mut errors, "body", body.as_deref(), MAX_TEXT);
            self.body = body;
        }
        if let Some(due) = patch.due_on {
            check_date(&mut errors, "due_on", due.as_deref());
            self.due_on = due;
        }
        if let Some(owner) = patch.owner_id {
            ctx.check_user(&mut errors, "owner_id", owner.as_deref())?;
            self.owner_id = owner;
        }
        if let Some(done) = patch.done {
            self.done = done;
        }
        check(errors)
    }

    /// A deal's `next_activity` depends on its activities: the deal is sent again in the changes feed.
    fn after_write(conn: &Connection, activity: &Self) -> Result<(), Failure> {
        match &activity.deal_id {
            Some(deal_id) => super::rows::touch::<Deal>(conn, deal_id),
            None => Ok(()),
        }
    }
}
