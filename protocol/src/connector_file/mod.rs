//! Connector files: one TOML file describes a CRM's REST API (auth, resources, field maps, paging, writes,
//! concurrency, changes, errors) so that Trato can talk to it without new code. The client's `rest` connector
//! interprets it; the reference server offers named files to the desk (as JSON, the same structure); `trato-cli`
//! checks one against a live server. `docs/connect-your-crm.md` explains every key; `connectors/template.toml`
//! shows them all with comments.
//!
//! There is no expression language: [`JsonPath`] (a path to one place), [`Template`] (`{name}` placeholders),
//! value maps and the named [`Transform`]s. A file never holds a credential.

mod check;
#[cfg(not(target_arch = "wasm32"))]
mod parse;
mod path;
mod template;

pub use check::{check, Problem};
#[cfg(not(target_arch = "wasm32"))]
pub use parse::{parse, read, FileError};
pub use path::JsonPath;
pub use template::Template;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The newest format this build reads (`[connector] format`).
pub const FORMAT: u32 = 1;

/// A whole connector file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectorFile {
    /// Name, format and defaults.
    pub connector: About,
    /// How to sign in.
    #[serde(default)]
    pub auth: Auth,
    /// How the backend's failures read.
    #[serde(default)]
    pub errors: Errors,
    /// The record kinds.
    pub resources: Resources,
}

/// The `[connector]` table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct About {
    /// What the sign-in page calls this backend.
    pub name: String,
    /// The file format ([`FORMAT`]).
    pub format: u32,
    /// Where the backend usually is (the sign-in page offers it; `trato-cli --url` and the rep may change it).
    #[serde(default)]
    pub base_url: Option<String>,
    /// Currency of amounts that carry none (ISO 4217).
    #[serde(default = "euro")]
    pub currency: String,
    /// Headers sent with every request (never a credential).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

fn euro() -> String {
    "EUR".into()
}

/// Where a credential goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// A request header.
    #[default]
    Header,
    /// A query parameter (only for APIs that accept nothing else; the address may be logged by proxies).
    Query,
}

/// The `[auth]` table: how a rep signs in. The rep types the secret (password, token or key) on the sign-in page
/// or in `trato-cli`'s prompt.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Auth {
    /// No sign-in: the API is open (a local or internal service).
    #[default]
    None,
    /// The rep's API token, sent as `Authorization: Bearer <token>`.
    Bearer {
        /// A request that tells who the token belongs to.
        #[serde(default)]
        me: Option<Me>,
    },
    /// An API key in a header or the query.
    ApiKey {
        /// Header or parameter name.
        name: String,
        /// Where it goes.
        #[serde(default, rename = "in")]
        place: Place,
        /// Text before the key (for example `Token `).
        #[serde(default)]
        prefix: String,
        /// A request that tells who the key belongs to.
        #[serde(default)]
        me: Option<Me>,
    },
    /// HTTP basic authentication with the rep's login and password.
    Basic {
        /// A request that tells who signed in.
        #[serde(default)]
        me: Option<Me>,
    },
    /// A sign-in request answers a token, sent with every later request.
    Login {
        /// The sign-in request; its body may use `{login}` and `{password}`.
        request: RequestTemplate,
        /// Where the token is in the answer.
        token: JsonPath,
        /// The header the token goes in.
        #[serde(default = "authorization")]
        header: String,
        /// Text before the token (`Bearer ` by default; `""` for a raw token).
        #[serde(default = "bearer")]
        prefix: String,
        /// Who signed in, read from the same answer.
        #[serde(default)]
        user: Option<UserPaths>,
        /// A request that answers a fresh token for the current one; sent when the backend answers 401, then the
        /// refused request is sent again once.
        #[serde(default)]
        refresh: Option<RequestTemplate>,
    },
}

fn authorization() -> String {
    "Authorization".into()
}

fn bearer() -> String {
    "Bearer ".into()
}

/// A request the file spells out (sign-in, refresh, who-am-I).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestTemplate {
    /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
    #[serde(default = "post")]
    pub method: HttpMethod,
    /// Path and query after the base address.
    pub path: Template,
    /// A JSON body; its string values are templates.
    #[serde(default)]
    pub body: Option<serde_json::Value>,
}

fn post() -> HttpMethod {
    HttpMethod::Post
}

/// Who a credential belongs to: a request and where the user's fields are in its answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Me {
    /// Path of a GET request.
    pub path: Template,
    /// Where the user is.
    #[serde(flatten)]
    pub user: UserPaths,
}

/// Where a user's id, name and e-mail are in an answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserPaths {
    /// The user's id (it matches the `owner_id` of records).
    pub id: JsonPath,
    /// Display name.
    #[serde(default)]
    pub name: Option<JsonPath>,
    /// E-mail address.
    #[serde(default)]
    pub email: Option<JsonPath>,
}

/// An HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

/// The record kinds a file can describe. Stages and deals are needed for the board; the others are optional and
/// the desk hides what is missing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    /// Pipelines (without them, every stage belongs to one pipeline named after the connector).
    #[serde(default)]
    pub pipelines: Option<Resource>,
    /// Stages of the pipelines.
    pub stages: Resource,
    /// Deals.
    pub deals: Resource,
    /// Accounts (companies, organisations).
    #[serde(default)]
    pub accounts: Option<Resource>,
    /// Contacts (people).
    #[serde(default)]
    pub contacts: Option<Resource>,
    /// Activities (calls, meetings, tasks, notes).
    #[serde(default)]
    pub activities: Option<Resource>,
    /// Users (the reps).
    #[serde(default)]
    pub users: Option<Resource>,
}

impl Resources {
    /// The resources the file describes, with their Trato kind names, in the order changes are read.
    pub fn all(&self) -> Vec<(&'static str, &Resource)> {
        let mut out = vec![];
        let optional = [
            ("pipelines", self.pipelines.as_ref()),
            ("stages", Some(&self.stages)),
            ("accounts", self.accounts.as_ref()),
            ("contacts", self.contacts.as_ref()),
            ("deals", Some(&self.deals)),
            ("activities", self.activities.as_ref()),
            ("users", self.users.as_ref()),
        ];
        for (kind, resource) in optional {
            if let Some(resource) = resource {
                out.push((kind, resource));
            }
        }
        out
    }

    /// The resource of a Trato kind (`deals`, `accounts`…).
    pub fn get(&self, kind: &str) -> Option<&Resource> {
        self.all().into_iter().find(|(k, _)| *k == kind).map(|(_, r)| r)
    }
}

/// The type of a record's id on the backend.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdType {
    /// Text ids.
    #[default]
    String,
    /// Numeric ids (sent back as numbers).
    Integer,
}

/// One record kind on the backend.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    /// The collection's path, for example `/api/collections/deals/records`.
    pub path: Template,
    /// One record's path; `{id}` is its id (default: the collection's path, `/` and the id).
    #[serde(default)]
    pub item: Option<Template>,
    /// The field that holds the id.
    #[serde(default = "id")]
    pub id: JsonPath,
    /// The id's type.
    #[serde(default)]
    pub id_type: IdType,
    /// Where one record is in an answer that wraps it (for example `$.data`).
    #[serde(default)]
    pub envelope: Option<JsonPath>,
    /// Trato field name → where and how it is on the backend.
    pub fields: BTreeMap<String, FieldMap>,
    /// Reading lists.
    #[serde(default)]
    pub list: List,
    /// Creating (absent: the desk cannot create this kind).
    #[serde(default)]
    pub create: Option<Write>,
    /// Changing (absent: read only).
    #[serde(default)]
    pub update: Option<Write>,
    /// Deleting (absent: the desk cannot delete).
    #[serde(default)]
    pub delete: Option<Delete>,
    /// How stale writes are detected.
    #[serde(default)]
    pub concurrency: Concurrency,
    /// How deletions are seen.
    #[serde(default)]
    pub deletions: Deletions,
}

fn id() -> JsonPath {
    JsonPath::parse("$.id").expect("a valid path")
}

/// Where one Trato field is on the backend: a path, or a table with a transform or a value map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FieldMap {
    /// The value as it is, at this path.
    Path(JsonPath),
    /// With a transform, a value map or read-only.
    Full(FieldRule),
}

impl FieldMap {
    /// The rule, whichever way it was written.
    pub fn rule(&self) -> FieldRule {
        match self {
            FieldMap::Path(path) => FieldRule { path: path.clone(), transform: None, values: None, read_only: false },
            FieldMap::Full(rule) => rule.clone(),
        }
    }
}

/// A field with its transform.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldRule {
    /// Where the value is.
    pub path: JsonPath,
    /// How the backend writes it.
    #[serde(default)]
    pub transform: Option<Transform>,
    /// Trato value → backend value (for example a stage kind `won` ↔ `closed_won`).
    #[serde(default)]
    pub values: Option<BTreeMap<String, serde_json::Value>>,
    /// Read, never written (computed by the backend).
    #[serde(default)]
    pub read_only: bool,
}

/// The named value transforms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transform {
    /// Money as a decimal number or text (`1250.5`, `"1250.50"`) ↔ minor units.
    Decimal,
    /// Money already in minor units (cents).
    Minor,
    /// A date (`2026-11-30`, or the date of a date-time).
    Date,
    /// A date-time in RFC 3339 or `YYYY-MM-DD HH:MM:SS[.fff][Z]` ↔ RFC 3339 UTC.
    Datetime,
    /// Seconds since 1970 ↔ RFC 3339 UTC.
    UnixSeconds,
    /// Milliseconds since 1970 ↔ RFC 3339 UTC.
    UnixMillis,
    /// A number or text ↔ text (numeric references).
    Text,
    /// Text ↔ a number (references to integer ids).
    Integer,
}

/// How lists are read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct List {
    /// Where the records are in the answer (`$` when the answer is the list).
    #[serde(default = "root")]
    pub records: JsonPath,
    /// Where the total is: a path, or `header:X-Total-Count`.
    #[serde(default)]
    pub total: Option<String>,
    /// How pages follow one another.
    #[serde(default)]
    pub paging: Paging,
    /// Records per page.
    #[serde(default = "page_size")]
    pub page_size: u32,
    /// Query parameters sent with every list request (values are templates without placeholders).
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// Sort parameters: name → template using `{field}` (the backend's field) and `{-}` (`-` when descending)
    /// or `{dir}` (`asc`/`desc`).
    #[serde(default)]
    pub sort: BTreeMap<String, Template>,
    /// Equality filter parameters: name → template using `{field}` and `{value}`.
    #[serde(default)]
    pub filter: BTreeMap<String, Template>,
    /// Search parameters: name → template using `{q}`.
    #[serde(default)]
    pub search: BTreeMap<String, Template>,
    /// Changed-since parameters: name → template using `{since}` (RFC 3339), `{since_space}`
    /// (`YYYY-MM-DD HH:MM:SS.fffZ`), `{since_unix}` or `{since_unix_ms}`. Without them every pass reads all.
    #[serde(default)]
    pub updated_since: BTreeMap<String, Template>,
    /// Sort parameters that order a changed-since read oldest first.
    #[serde(default)]
    pub updated_sort: BTreeMap<String, String>,
    /// Seconds subtracted from the last change seen when asking again (writes committed late are not missed;
    /// records seen twice are told once).
    #[serde(default = "overlap")]
    pub overlap_seconds: u32,
    /// How two values of the same parameter are joined (`" && "`); repeated by default.
    #[serde(default)]
    pub join: BTreeMap<String, String>,
}

impl Default for List {
    /// The whole answer is the list, in one page.
    fn default() -> Self {
        List {
            records: root(),
            total: None,
            paging: Paging::None,
            page_size: page_size(),
            query: Default::default(),
            sort: Default::default(),
            filter: Default::default(),
            search: Default::default(),
            updated_since: Default::default(),
            updated_sort: Default::default(),
            overlap_seconds: overlap(),
            join: Default::default(),
        }
    }
}

fn root() -> JsonPath {
    JsonPath::parse("$").expect("a valid path")
}

fn page_size() -> u32 {
    100
}

fn overlap() -> u32 {
    2
}

/// How pages of a list follow one another.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Paging {
    /// One answer holds everything.
    #[default]
    None,
    /// Page numbers.
    Page {
        /// The page parameter.
        param: String,
        /// The page size parameter.
        size_param: String,
        /// The first page's number.
        #[serde(default = "one")]
        start: u64,
    },
    /// Offsets.
    Offset {
        /// The offset parameter.
        param: String,
        /// The size parameter (with `end = true`, the end offset instead: json-server's `_end`).
        size_param: String,
        /// `size_param` is an end offset, not a count.
        #[serde(default)]
        end: bool,
    },
    /// A cursor in the answer's body, sent back as a parameter.
    Cursor {
        /// Where the next cursor is (absent or empty: the last page).
        token: JsonPath,
        /// The parameter it goes in.
        param: String,
        /// The page size parameter.
        #[serde(default)]
        size_param: Option<String>,
    },
    /// The next page's address in the body.
    NextUrl {
        /// Where it is.
        path: JsonPath,
    },
    /// The next page's address in the `Link` header (`rel="next"`).
    LinkHeader {
        /// The page size parameter.
        #[serde(default)]
        size_param: Option<String>,
    },
}

fn one() -> u64 {
    1
}

/// What a write answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Returns {
    /// The record as saved.
    #[default]
    Record,
    /// Only its id (the record is read next).
    Id,
    /// Nothing useful (the record is read next).
    Nothing,
}

/// Which fields an update sends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Body {
    /// Only the changed fields.
    #[default]
    Changed,
    /// The whole record (read first, changed, sent back).
    Full,
}

/// A create or an update.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Write {
    /// The method (`POST` to create; `PATCH` or `PUT` to change).
    pub method: HttpMethod,
    /// The path (default: the collection's to create, the record's to change).
    #[serde(default)]
    pub path: Option<Template>,
    /// Where the fields go in the body (for example `$.data` for `{"data": {…}}`).
    #[serde(default)]
    pub wrap: Option<JsonPath>,
    /// Changed fields only, or the whole record.
    #[serde(default)]
    pub body: Body,
    /// What the answer holds.
    #[serde(default)]
    pub returns: Returns,
    /// Where the id is when `returns = "id"`.
    #[serde(default = "id")]
    pub id_path: JsonPath,
}

/// A delete.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delete {
    /// The method (`DELETE`).
    #[serde(default = "delete")]
    pub method: HttpMethod,
    /// The path (default: the record's).
    #[serde(default)]
    pub path: Option<Template>,
}

fn delete() -> HttpMethod {
    HttpMethod::Delete
}

/// How a stale write is detected.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Concurrency {
    /// It is not: the last write wins, and the desk says so.
    #[default]
    None,
    /// The record is read first and its `updated_at` compared with the one the change was made on (a write in
    /// the short moment between the two is not detected).
    UpdatedAt,
    /// An integer version field the backend increments; sent with the write, a stale one is refused by the
    /// backend (an error rule says which status means conflict).
    VersionField {
        /// The version's path in the record.
        path: JsonPath,
        /// Sent as `If-Match: "<version>"` (`header`) or in the body at the same path (`body`).
        #[serde(default, rename = "in")]
        place: VersionPlace,
    },
    /// The record is read first for its `ETag` and the write carries it as `If-Match`; the backend refuses a
    /// write after another (`412`).
    IfMatch,
}

/// Where a write carries the version it was made on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionPlace {
    /// `If-Match: "<version>"`.
    #[default]
    Header,
    /// In the body, at the version field's path.
    Body,
}

/// How deletions on the backend are seen.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Deletions {
    /// They are not (a deleted record stays in the desk until it is signed out).
    #[default]
    None,
    /// Records are kept with a field that marks them deleted.
    SoftField {
        /// The field.
        path: JsonPath,
        /// The value that means deleted (any true-ish value when absent).
        #[serde(default)]
        value: Option<serde_json::Value>,
    },
    /// The backend lists deletions: a GET of `path` (placeholders as in `updated_since`) answers the ids
    /// deleted since the last read; asked at the end of each changed-since read of the resource.
    Tombstones {
        /// The request's path and query.
        path: Template,
        /// Where the list is in the answer.
        #[serde(default = "root")]
        records: JsonPath,
        /// In each entry, where the deleted record's id is.
        id: JsonPath,
    },
    /// Every so often all ids are read; those gone are deletions.
    Sweep {
        /// Seconds between sweeps.
        #[serde(default = "hour")]
        every_seconds: u64,
    },
}

fn hour() -> u64 {
    3600
}

/// The `[errors]` table: how failures read. Rules are tried in order; a status no rule names keeps its usual
/// meaning (401 unauthorized, 403 forbidden, 404 not found, 409 and 412 conflict, 400 and 422 invalid, 429 rate
/// limited with `Retry-After`, 5xx server).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Errors {
    /// Where the message may be, tried in order.
    #[serde(default)]
    pub message: Vec<JsonPath>,
    /// Where per-field messages are.
    #[serde(default)]
    pub fields: Option<FieldErrorsAt>,
    /// Status (and body text) → kind.
    #[serde(default)]
    pub rules: Vec<ErrorRule>,
}

/// Where per-field messages are in an error's body: an object keyed by the backend's field names, or a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldErrorsAt {
    /// The object or list.
    pub path: JsonPath,
    /// In each entry, where the field's name is (lists only).
    #[serde(default)]
    pub field: Option<JsonPath>,
    /// In each entry, where the message is (`$` when the entry is the message).
    #[serde(default = "root")]
    pub message: JsonPath,
}

/// One error rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorRule {
    /// The statuses it applies to.
    pub status: Vec<u16>,
    /// Only when the body contains this text.
    #[serde(default)]
    pub body_contains: Option<String>,
    /// What it means.
    pub kind: ErrorKind,
}

/// The typed errors a rule can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Not signed in, or wrong credentials.
    Unauthorized,
    /// Not allowed.
    Forbidden,
    /// No such record.
    NotFound,
    /// A stale write.
    Conflict,
    /// Refused values.
    Invalid,
    /// Too many requests.
    RateLimited,
    /// The backend failed.
    Server,
}
