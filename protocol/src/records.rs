//! Records, create bodies, partial-update bodies and list pages.
//!
//! Every stored record carries a [`Meta`]: a stable `id`, a `version` that grows on each write (sent as the
//! `ETag`, checked through `If-Match`) and `created_at` / `updated_at` timestamps (RFC 3339, UTC).
//! Money is always integer minor units plus an ISO 4217 currency code. Dates are `YYYY-MM-DD`.

use serde::{Deserialize, Deserializer, Serialize};

/// Identity and versioning fields common to every record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// Stable identifier, never reused.
    pub id: String,
    /// Starts at 1 and grows by one on every write.
    pub version: u64,
    /// When the record was created (RFC 3339, UTC).
    pub created_at: String,
    /// When the record was last written (RFC 3339, UTC).
    pub updated_at: String,
}

/// A record kind served under `/api/v1/<PATH>`.
pub trait Record: Serialize + for<'de> Deserialize<'de> + Clone {
    /// The collection's path segment, for example `deals`.
    const PATH: &'static str;
    /// The record's identity and version.
    fn meta(&self) -> &Meta;
    /// Mutable access to the identity and version.
    fn meta_mut(&mut self) -> &mut Meta;
}

macro_rules! record {
    ($ty:ty, $path:literal) => {
        impl Record for $ty {
            const PATH: &'static str = $path;
            fn meta(&self) -> &Meta {
                &self.meta
            }
            fn meta_mut(&mut self) -> &mut Meta {
                &mut self.meta
            }
        }
    };
}

/// An amount of money: integer minor units (cents) and an ISO 4217 currency code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Money {
    /// Amount in the currency's minor unit, for example cents.
    pub minor: i64,
    /// Three upper-case letters, for example `EUR`.
    pub currency: String,
}

/// A rep (sales or support user) of the company.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// Stable identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Sign-in address.
    pub email: String,
    /// `admin` or `rep`.
    pub role: String,
}

/// Body of `POST /auth/login`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Sign-in address.
    pub email: String,
    /// Password in clear, only ever sent over the request body.
    pub password: String,
}

/// Answer of `POST /auth/login` and `GET /auth/me`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// The signed-in rep.
    pub user: User,
    /// Company name, shown in the desk header.
    pub company: String,
    /// The company's default currency.
    pub currency: String,
}

/// Answer of `GET /auth/session`: the session, or `null` when signed out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionState {
    /// The signed-in session, if any.
    pub session: Option<SessionInfo>,
}

/// Whether a stage is still open or closes the deal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    /// The deal is still being worked.
    Open,
    /// The deal is won.
    Won,
    /// The deal is lost.
    Lost,
}

/// One column of a pipeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    /// Stable identifier, unique across pipelines.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Win probability in percent, 0..=100.
    pub probability: u8,
    /// Open, won or lost.
    pub kind: StageKind,
    /// Days without activity after which a deal in this stage is rotting; `null` for never.
    pub rotting_days: Option<u32>,
}

/// A sales pipeline: ordered stages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pipeline {
    /// Identity and version.
    #[serde(flatten)]
    pub meta: Meta,
    /// Display name.
    pub name: String,
    /// Stages in board order.
    pub stages: Vec<Stage>,
}
record!(Pipeline, "pipelines");

/// A company the business sells to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// Identity and version.
    #[serde(flatten)]
    pub meta: Meta,
    /// Company name.
    pub name: String,
    /// Sector, free text.
    pub industry: Option<String>,
    /// Web site.
    pub website: Option<String>,
    /// Main phone number.
    pub phone: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Rep who owns the account.
    pub owner_id: Option<String>,
}
record!(Account, "accounts");

/// A person, usually working for an account.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    /// Identity and version.
    #[serde(flatten)]
    pub meta: Meta,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Job title.
    pub title: Option<String>,
    /// Company the contact works for.
    pub account_id: Option<String>,
    /// Rep who owns the contact.
    pub owner_id: Option<String>,
}
record!(Contact, "contacts");

/// A sales opportunity in a pipeline stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Deal {
    /// Identity and version.
    #[serde(flatten)]
    pub meta: Meta,
    /// What is being sold.
    pub name: String,
    /// Pipeline the deal belongs to.
    pub pipeline_id: String,
    /// Current stage; always a stage of `pipeline_id`.
    pub stage_id: String,
    /// Buying company.
    pub account_id: Option<String>,
    /// Main contact person.
    pub contact_id: Option<String>,
    /// Other contacts taking part in the deal.
    #[serde(default)]
    pub participant_ids: Vec<String>,
    /// Rep who owns the deal.
    pub owner_id: Option<String>,
    /// Expected value.
    pub amount: Money,
    /// Expected close date.
    pub expected_close: Option<String>,
    /// When the deal entered its current stage (RFC 3339).
    pub stage_entered_at: String,
    /// Last time anything happened on the deal (RFC 3339); drives rotting.
    pub last_activity_at: String,
    /// Order inside its stage column (ascending).
    pub position: f64,
    /// Why a lost deal was lost.
    pub lost_reason: Option<String>,
    /// When the deal was won or lost (date).
    pub closed_on: Option<String>,
    /// Win probability in percent set on this deal; `null` means the stage's probability.
    #[serde(default)]
    pub probability: Option<u8>,
    /// The earliest open task, call or meeting of the deal (computed by the server on every read).
    #[serde(default)]
    pub next_activity: Option<NextActivity>,
}
record!(Deal, "deals");

/// Summary of a deal's next planned activity, for board cards.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NextActivity {
    /// The activity's id.
    pub id: String,
    /// Call, meeting or task.
    pub kind: ActivityKind,
    /// One-line summary.
    pub subject: String,
    /// Due date, if planned.
    pub due_on: Option<String>,
}

/// What kind of activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// A written note.
    Note,
    /// A phone call.
    Call,
    /// A meeting.
    Meeting,
    /// A to-do with a due date.
    Task,
    /// An e-mail logged by hand.
    Email,
    /// A move between stages, recorded by the server (read only).
    StageChange,
}

/// A note, call, meeting or task linked to a deal, account or contact.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    /// Identity and version.
    #[serde(flatten)]
    pub meta: Meta,
    /// Note, call, meeting or task.
    pub kind: ActivityKind,
    /// One-line summary.
    pub subject: String,
    /// Longer text.
    pub body: Option<String>,
    /// Linked deal.
    pub deal_id: Option<String>,
    /// Linked account.
    pub account_id: Option<String>,
    /// Linked contact.
    pub contact_id: Option<String>,
    /// Rep responsible.
    pub owner_id: Option<String>,
    /// Due date (`YYYY-MM-DD`), for tasks and planned calls or meetings.
    pub due_on: Option<String>,
    /// Whether the task is done.
    pub done: bool,
    /// For `stage_change`: the stage left.
    #[serde(default)]
    pub from_stage_id: Option<String>,
    /// For `stage_change`: the stage entered.
    #[serde(default)]
    pub to_stage_id: Option<String>,
}
record!(Activity, "activities");

/// Filters of a saved board view.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViewFilters {
    /// Text searched in deal names and account names.
    #[serde(default)]
    pub q: Option<String>,
    /// Only deals of this owner; `"me"` means the rep looking at the view.
    #[serde(default)]
    pub owner_id: Option<String>,
    /// Expected close on or after this date.
    #[serde(default)]
    pub close_from: Option<String>,
    /// Expected close on or before this date.
    #[serde(default)]
    pub close_to: Option<String>,
    /// Smallest amount, in minor units.
    #[serde(default)]
    pub amount_min: Option<i64>,
    /// Largest amount, in minor units.
    #[serde(default)]
    pub amount_max: Option<i64>,
    /// Only rotting deals.
    #[serde(default)]
    pub rotting_only: bool,
    /// Sort within columns: `position`, `amount`, `-amount`, `expected_close`, `name`, `next_activity`.
    #[serde(default)]
    pub sort: Option<String>,
}

/// A named board view saved by a rep (visible to that rep only).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedView {
    /// Identity and version.
    #[serde(flatten)]
    pub meta: Meta,
    /// The view's name.
    pub name: String,
    /// The rep who owns the view.
    pub user_id: String,
    /// Pipeline shown.
    pub pipeline_id: String,
    /// Filters and sort.
    pub filters: ViewFilters,
}
record!(SavedView, "views");

/// Body of `POST /views`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewView {
    /// Name (required).
    pub name: String,
    /// Pipeline (required).
    pub pipeline_id: String,
    /// Filters.
    #[serde(default)]
    pub filters: ViewFilters,
}

/// Body of `PATCH /views/{id}`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViewPatch {
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New pipeline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline_id: Option<String>,
    /// New filters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<ViewFilters>,
}

/// One page of a list endpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// Records of this page.
    pub items: Vec<T>,
    /// Opaque cursor of the next page, `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Deserializes a field that may be absent (`None`), `null` (`Some(None)`) or a value (`Some(Some(v))`).
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Body of `POST /accounts`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    /// Company name (required).
    pub name: String,
    /// Sector.
    #[serde(default)]
    pub industry: Option<String>,
    /// Web site.
    #[serde(default)]
    pub website: Option<String>,
    /// Phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// City.
    #[serde(default)]
    pub city: Option<String>,
    /// Owner; the caller when absent.
    #[serde(default)]
    pub owner_id: Option<String>,
}

/// Body of `PATCH /accounts/{id}`: only the fields present change; `null` clears an optional field.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountPatch {
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New sector or `null`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub industry: Option<Option<String>>,
    /// New web site or `null`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub website: Option<Option<String>>,
    /// New phone or `null`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub phone: Option<Option<String>>,
    /// New city or `null`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub city: Option<Option<String>>,
    /// New owner or `null`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<Option<String>>,
}

/// Body of `POST /contacts`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewContact {
    /// Given name (required).
    pub first_name: String,
    /// Family name.
    #[serde(default)]
    pub last_name: String,
    /// E-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// Phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// Job title.
    #[serde(default)]
    pub title: Option<String>,
    /// Company.
    #[serde(default)]
    pub account_id: Option<String>,
    /// Owner; the caller when absent.
    #[serde(default)]
    pub owner_id: Option<String>,
}

/// Body of `PATCH /contacts/{id}`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactPatch {
    /// New given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// New family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// New e-mail or `null`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub email: Option<Option<String>>,
    /// New phone or `null`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub phone: Option<Option<String>>,
    /// New title or `null`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub title: Option<Option<String>>,
    /// New company or `null`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub account_id: Option<Option<String>>,
    /// New owner or `null`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<Option<String>>,
}

/// Body of `POST /deals`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewDeal {
    /// What is being sold (required).
    pub name: String,
    /// Pipeline (required).
    pub pipeline_id: String,
    /// Stage; the pipeline's first stage when absent.
    #[serde(default)]
    pub stage_id: Option<String>,
    /// Buying company.
    #[serde(default)]
    pub account_id: Option<String>,
    /// Main contact.
    #[serde(default)]
    pub contact_id: Option<String>,
    /// Other contacts taking part.
    #[serde(default)]
    pub participant_ids: Vec<String>,
    /// Owner; the caller when absent.
    #[serde(default)]
    pub owner_id: Option<String>,
    /// Expected value (required).
    pub amount: Money,
    /// Expected close date.
    #[serde(default)]
    pub expected_close: Option<String>,
    /// Position in the column; after the last card when absent.
    #[serde(default)]
    pub position: Option<f64>,
}

/// Body of `PATCH /deals/{id}`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DealPatch {
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New pipeline (then `stage_id` must be given too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline_id: Option<String>,
    /// New stage; entering a won or lost stage sets `closed_on`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage_id: Option<String>,
    /// New company or `null`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub account_id: Option<Option<String>>,
    /// New contact or `null`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<Option<String>>,
    /// New owner or `null`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<Option<String>>,
    /// New amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    /// New expected close date or `null`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub expected_close: Option<Option<String>>,
    /// New position in the column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<f64>,
    /// New lost reason or `null`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub lost_reason: Option<Option<String>>,
    /// New list of other contacts taking part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participant_ids: Option<Vec<String>>,
    /// New probability override (0..=100) or `null` for the stage's.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub probability: Option<Option<u8>>,
    /// Only with `stage_id`, when a move is undone: when the deal had entered the stage it goes back to (not in
    /// the future), so its days in the stage are what they were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage_entered_at: Option<String>,
    /// Only with `stage_id`, when a move is undone: the deal's last activity time before the move (not in the
    /// future), so a stalled deal stays stalled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_activity_at: Option<String>,
}

/// Body of `POST /activities`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewActivity {
    /// Note, call, meeting or task (required).
    pub kind: ActivityKind,
    /// One-line summary (required).
    pub subject: String,
    /// Longer text.
    #[serde(default)]
    pub body: Option<String>,
    /// Linked deal.
    #[serde(default)]
    pub deal_id: Option<String>,
    /// Linked account.
    #[serde(default)]
    pub account_id: Option<String>,
    /// Linked contact.
    #[serde(default)]
    pub contact_id: Option<String>,
    /// Responsible rep; the caller when absent.
    #[serde(default)]
    pub owner_id: Option<String>,
    /// Due date.
    #[serde(default)]
    pub due_on: Option<String>,
    /// Done flag.
    #[serde(default)]
    pub done: bool,
}

/// Body of `PATCH /activities/{id}`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivityPatch {
    /// New subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// New body or `null`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub body: Option<Option<String>>,
    /// New owner or `null`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<Option<String>>,
    /// New due date or `null`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub due_on: Option<Option<String>>,
    /// New done flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done: Option<bool>,
}

/// One entry of the changes feed: the current state of a record written after the client's cursor.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Change {
    /// The record's collection, for example `deals`.
    pub kind: String,
    /// The record's id.
    pub id: String,
    /// Its version after the change.
    pub version: u64,
    /// Whether the record was deleted (a tombstone: `record` is `null`).
    pub deleted: bool,
    /// The record as stored, or `null` for a tombstone; kept as its JSON text (a client stores it as it came,
    /// without building a tree of it).
    pub record: Option<Box<serde_json::value::RawValue>>,
}

impl Change {
    /// A change carrying `record` (a tombstone when `None`).
    pub fn new(kind: &str, id: &str, version: u64, record: Option<&serde_json::Value>) -> Change {
        Change {
            kind: kind.into(),
            id: id.into(),
            version,
            deleted: record.is_none(),
            record: record.and_then(|r| serde_json::value::to_raw_value(r).ok()),
        }
    }

    /// The record as a JSON value.
    pub fn value(&self) -> Option<serde_json::Value> {
        serde_json::from_str(self.record.as_ref()?.get()).ok()
    }
}

impl PartialEq for Change {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
            && self.id == other.id
            && self.version == other.version
            && self.deleted == other.deleted
            && self.record.as_ref().map(|r| r.get()) == other.record.as_ref().map(|r| r.get())
    }
}

/// Answer of `GET /changes`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChangesPage {
    /// Changes in the order they were made.
    pub changes: Vec<Change>,
    /// Cursor to pass as `since` next time.
    pub cursor: String,
    /// Whether more changes are waiting (ask again at once).
    pub more: bool,
    /// About how many records are still to come after this page (for progress; 0 when `more` is false).
    #[serde(default)]
    pub remaining: u64,
}

/// One row of a bulk import (`POST /import/{accounts|contacts|deals}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportRow {
    /// A new record: its kind's create body.
    Create(serde_json::Value),
    /// A change of an existing record, on any version: its kind's patch.
    Update {
        /// The record.
        id: String,
        /// The fields.
        patch: serde_json::Value,
    },
}

/// A bulk import's request: at most [`MAX_IMPORT_ROWS`] rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportBatch {
    /// The rows, in order.
    pub rows: Vec<ImportRow>,
}

/// Most rows in one import request.
pub const MAX_IMPORT_ROWS: usize = 500;

/// What became of one imported row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ImportResult {
    /// Written: the record's id and version.
    Written {
        /// The record.
        id: String,
        /// Its version now.
        version: u64,
    },
    /// Refused, with the reason.
    Refused {
        /// Why.
        error: crate::ApiError,
    },
}

/// A bulk import's answer: one result per row, in the rows' order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportAnswer {
    /// The results.
    pub results: Vec<ImportResult>,
}
