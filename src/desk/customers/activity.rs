//! Logging and planning work on a customer from the desk: an activity shown at once and queued in the outbox,
//! linked to an account, a contact and a deal as given.

use crate::desk::context::Store;
use crate::store::error::CacheError;
use crate::store::outbox::TEMP_PREFIX;
use trato_protocol::*;

/// The records an activity belongs to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Links {
    /// Its account.
    pub account_id: Option<String>,
    /// Its contact.
    pub contact_id: Option<String>,
    /// Its deal.
    pub deal_id: Option<String>,
}

/// What the rep wrote.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    /// Call, meeting, note, task or e-mail.
    pub kind: ActivityKind,
    /// Subject.
    pub subject: String,
    /// Details.
    pub body: Option<String>,
    /// Due date (planned work).
    pub due_on: Option<String>,
}

/// Logs `draft` for `links` as the rep `me`: shown at once, sent when the backend can be reached.
pub async fn log(store: &Store, draft: Draft, links: Links, me: &str) -> Result<Activity, CacheError> {
    let done = crate::domain::customer::already_happened(draft.kind, draft.due_on.as_deref());
    let new = NewActivity {
        kind: draft.kind,
        subject: draft.subject,
        body: draft.body,
        deal_id: links.deal_id,
        account_id: links.account_id,
        contact_id: links.contact_id,
        owner_id: None,
        due_on: draft.due_on,
        done,
    };
    let key = crate::browser::ids::new_key();
    let now = js_sys::Date::new_0().to_iso_string().as_string().unwrap_or_default();
    let local = Activity {
        meta: Meta { id: format!("{TEMP_PREFIX}{key}"), version: 0, created_at: now.clone(), updated_at: now },
        kind: new.kind,
        subject: new.subject.clone(),
        body: new.body.clone(),
        deal_id: new.deal_id.clone(),
        account_id: new.account_id.clone(),
        contact_id: new.contact_id.clone(),
        owner_id: (!me.is_empty()).then(|| me.to_string()),
        due_on: new.due_on.clone(),
        done,
        from_stage_id: None,
        to_stage_id: None,
    };
    store.create_activity(&local, new, key).await?;
    Ok(local)
}

/// Marks an open activity done (or open again), as the rep's change on the version shown.
pub async fn set_done(store: &Store, activity: &Activity, done: bool) -> Result<Activity, CacheError> {
    let patch = ActivityPatch { done: Some(done), ..Default::default() };
    store.update_activity(activity, patch, crate::browser::ids::new_key()).await
}

/// Moves an open activity to another day or rep.
pub async fn reschedule(
    store: &Store,
    activity: &Activity,
    due_on: Option<String>,
    owner_id: Option<Option<String>>,
) -> Result<Activity, CacheError> {
    let patch = ActivityPatch { due_on: due_on.map(Some), owner_id, ..Default::default() };
    store.update_activity(activity, patch, crate::browser::ids::new_key()).await
}
