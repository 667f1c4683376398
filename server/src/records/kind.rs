//! What a record kind declares: how it is listed (filters, sorts, search, privacy, the JSON it is served as) and
//! how it is written (the rules of a create and of a partial update, and what else a write touches).

use crate::error::Failure;
use rusqlite::Connection;
use serde::de::DeserializeOwned;
use trato_protocol::*;

/// A record kind that can be listed and read.
pub trait Listed: Record {
    /// Fields filterable by equality (`?owner_id=...`); each becomes an indexed column `f_<field>`.
    const FILTERS: &'static [&'static str];
    /// Sort keys and the SQL expression over `data` each sorts by (a column `s_<name>`).
    const SORTS: &'static [(&'static str, &'static str)];
    /// Sort used when the request names none.
    const DEFAULT_SORT: &'static str;
    /// Text fields matched by `?q=`.
    const SEARCH: &'static [&'static str];
    /// Singular noun for messages.
    const NOUN: &'static str;
    /// A field that must equal the caller's user id for a record to be visible (private records such as saved
    /// views); `None` when every rep sees every record.
    const OWNER_SCOPE: Option<&'static str> = None;
    /// SQL expression (over the row aliased `t`) of the record as served: its stored JSON plus any computed,
    /// read-only fields, made by SQLite so a list is never decoded and encoded again.
    const SERVED: &'static str = "t.data";
}

/// A record kind that clients can create, update and delete.
pub trait Writable: Listed {
    /// Body of a create.
    type New: DeserializeOwned;
    /// Body of a partial update.
    type Patch: DeserializeOwned;
    /// Prefix of generated ids.
    const ID_PREFIX: &'static str;
    /// Validates a create body and builds the record.
    fn create(new: Self::New, meta: Meta, ctx: &WriteCtx<'_>) -> Result<Self, Failure>;
    /// Validates a patch and applies it.
    fn apply(&mut self, patch: Self::Patch, ctx: &WriteCtx<'_>) -> Result<(), Failure>;
    /// Runs after the record was written (created, changed, deleted or restored), in the same transaction: lets
    /// records whose computed fields depend on this one reappear in the changes feed.
    fn after_write(_conn: &Connection, _record: &Self) -> Result<(), Failure> {
        Ok(())
    }
}

/// Who makes a write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor<'a> {
    /// A signed-in rep (by user id): new records are theirs unless the body names another owner.
    Rep(&'a str),
    /// The server itself (a chat lead, demo data): new records have no owner unless the body names one.
    System,
}

impl Actor<'_> {
    /// The rep's id, if a rep writes.
    pub fn user_id(&self) -> Option<&str> {
        match self {
            Actor::Rep(id) => Some(id),
            Actor::System => None,
        }
    }
}

/// What a create or update may consult: the database, who writes and the time of the write.
pub struct WriteCtx<'a> {
    /// Open connection (inside the write's transaction).
    pub conn: &'a Connection,
    /// Who writes.
    pub actor: Actor<'a>,
    /// Timestamp of this write.
    pub now: &'a str,
}

impl WriteCtx<'_> {
    /// Adds a field error when `id` names no live record of kind `R`.
    pub fn check_ref<R: Record>(&self, errors: &mut FieldErrors, field: &str, id: Option<&str>) -> Result<(), Failure> {
        if let Some(id) = id {
            if !super::rows::exists::<R>(self.conn, id)? {
                errors.insert(field.into(), format!("no such {}", R::PATH.trim_end_matches('s')));
            }
        }
        Ok(())
    }

    /// Adds a field error when `id` names no rep.
    pub fn check_user(&self, errors: &mut FieldErrors, field: &str, id: Option<&str>) -> Result<(), Failure> {
        if let Some(id) = id {
            if !crate::users::exists(self.conn, id)? {
                errors.insert(field.into(), "no such user".into());
            }
        }
        Ok(())
    }
}
