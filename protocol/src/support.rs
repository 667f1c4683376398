//! Customer support wire types: portal customers and their sign-in, cases with their threads and attachments,
//! knowledge base articles and orders. The customer portal reaches them under `/api/v1/portal/`, reps under
//! `/api/v1/cases`, `/api/v1/kb` and `/api/v1/attachments`.

use crate::validate::{check_optional, check_optional_text, check_required, check_required_text, is_email};
use crate::FieldErrors;
use serde::{Deserialize, Deserializer, Serialize};

/// Longest case subject or article title, in characters.
pub const MAX_SUBJECT: usize = 200;
/// Longest case description, message or article body, in characters.
pub const MAX_BODY: usize = 20_000;
/// Longest CSAT comment, in characters.
pub const MAX_COMMENT: usize = 2_000;
/// Largest attachment, in bytes.
pub const MAX_ATTACHMENT: usize = 5 * 1024 * 1024;
/// Most attachments on one message.
pub const MAX_ATTACHMENTS_PER_MESSAGE: usize = 5;
/// Content types an attachment may have.
pub const ATTACHMENT_TYPES: [&str; 7] =
    ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain", "text/csv"];
/// Header carrying an uploaded file's name, percent-encoded (the body is the file itself).
pub const FILENAME_HEADER: &str = "x-trato-filename";
/// Name of the portal's HttpOnly session cookie (separate from the reps' cookie, scoped to `/api/v1/portal`).
pub const PORTAL_COOKIE: &str = "trato_portal";
/// Case categories a customer can choose.
pub const CASE_CATEGORIES: [&str; 4] = ["billing", "technical", "orders", "other"];

/// Deserializes a field that may be absent (`None`), `null` (`Some(None)`) or a value (`Some(Some(v))`).
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A customer who may use the portal: a person at one of the business's accounts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    /// Stable identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Sign-in address.
    pub email: String,
    /// Phone number.
    pub phone: Option<String>,
    /// Preferred language, `es` or `en`.
    pub locale: String,
    /// Whether case updates are mailed.
    pub notify: bool,
    /// The account (company) the customer belongs to.
    pub account_id: String,
    /// The company's name.
    pub company: String,
    /// Sees every case and order of the company, not only their own.
    pub is_admin: bool,
}

/// Body of `POST /portal/auth/link`: mail me a sign-in link.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkRequest {
    /// The customer's address.
    pub email: String,
    /// Language of the mail when the address is not known yet (`es` or `en`).
    #[serde(default)]
    pub locale: Option<String>,
}

/// Body of `POST /portal/auth/redeem`: the secret from a sign-in link.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedeemRequest {
    /// The link's token (it travels in the link's `#fragment`, never in a query string).
    pub token: String,
}

/// Answer of `POST /portal/auth/redeem`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortalSignIn {
    /// The signed-in customer.
    pub customer: Customer,
    /// The case the link was made for (a notification), if any.
    pub case_id: Option<String>,
}

/// Answer of `GET /portal/auth/session`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortalSessionState {
    /// The signed-in customer, or `null`.
    pub customer: Option<Customer>,
}

/// Body of `PATCH /portal/profile`; absent fields stay as they are.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfilePatch {
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Phone number; `null` clears it.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub phone: Option<Option<String>>,
    /// `es` or `en`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Mail notifications on or off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<bool>,
}

impl ProfilePatch {
    /// Field errors of this patch (empty when valid).
    pub fn errors(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if let Some(name) = &self.name {
            check_required(&mut errors, "name", name, crate::validate::MAX_NAME);
        }
        if let Some(phone) = &self.phone {
            check_optional(&mut errors, "phone", phone.as_deref(), 50);
        }
        if let Some(locale) = &self.locale {
            if !["es", "en"].contains(&locale.as_str()) {
                errors.insert("locale".into(), "must be es or en".into());
            }
        }
        errors
    }
}

/// Where a case stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Opened, nobody has answered yet.
    New,
    /// Being worked on.
    Open,
    /// Waiting for the customer.
    Pending,
    /// Solved; the customer can rate it or reopen it.
    Resolved,
    /// Finished.
    Closed,
}

impl CaseStatus {
    /// Every status, in workflow order.
    pub const ALL: [CaseStatus; 5] =
        [CaseStatus::New, CaseStatus::Open, CaseStatus::Pending, CaseStatus::Resolved, CaseStatus::Closed];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::New => "new",
            CaseStatus::Open => "open",
            CaseStatus::Pending => "pending",
            CaseStatus::Resolved => "resolved",
            CaseStatus::Closed => "closed",
        }
    }

    /// Parses a wire name.
    pub fn parse(text: &str) -> Option<CaseStatus> {
        CaseStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether the case still needs work (not resolved or closed).
    pub fn is_active(self) -> bool {
        matches!(self, CaseStatus::New | CaseStatus::Open | CaseStatus::Pending)
    }
}

/// How urgent a case is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CasePriority {
    /// Can wait.
    Low,
    /// The default.
    Normal,
    /// Hurts the customer's business.
    High,
    /// Stops the customer's business.
    Urgent,
}

impl CasePriority {
    /// Every priority, lowest first.
    pub const ALL: [CasePriority; 4] =
        [CasePriority::Low, CasePriority::Normal, CasePriority::High, CasePriority::Urgent];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            CasePriority::Low => "low",
            CasePriority::Normal => "normal",
            CasePriority::High => "high",
            CasePriority::Urgent => "urgent",
        }
    }

    /// Parses a wire name.
    pub fn parse(text: &str) -> Option<CasePriority> {
        CasePriority::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// Hours allowed until the first answer from a rep (the SLA target).
    pub fn response_hours(self) -> i64 {
        match self {
            CasePriority::Low => 72,
            CasePriority::Normal => 24,
            CasePriority::High => 8,
            CasePriority::Urgent => 2,
        }
    }
}

/// A customer's satisfaction rating of a resolved case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rating {
    /// 1 (very unhappy) to 5 (very happy).
    pub score: u8,
    /// Optional words.
    #[serde(default)]
    pub comment: String,
}

impl Rating {
    /// Field errors of this rating.
    pub fn errors(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if !(1..=5).contains(&self.score) {
            errors.insert("score".into(), "must be from 1 to 5".into());
        }
        check_optional_text(&mut errors, "comment", Some(&self.comment), MAX_COMMENT);
        errors
    }
}

/// A support case (ticket).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// Stable identifier.
    pub id: String,
    /// The number customers quote, for example 1042.
    pub number: u64,
    /// Grows by one on every change.
    pub version: u64,
    /// One line.
    pub subject: String,
    /// One of [`CASE_CATEGORIES`].
    pub category: String,
    /// Where the case stands.
    pub status: CaseStatus,
    /// How urgent it is.
    pub priority: CasePriority,
    /// The customer who opened it.
    pub customer_id: String,
    /// That customer's name.
    pub customer_name: String,
    /// The customer's account.
    pub account_id: String,
    /// Rep working on it.
    pub assignee_id: Option<String>,
    /// When it was opened.
    pub created_at: String,
    /// Last change or message.
    pub updated_at: String,
    /// When a rep's first answer is due; `null` once a rep has answered.
    pub sla_due_at: Option<String>,
    /// The customer's rating, once given.
    pub rating: Option<Rating>,
}

/// A file attached to a case message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    /// Stable identifier; download it from `…/attachments/{id}`.
    pub id: String,
    /// File name as uploaded.
    pub name: String,
    /// One of [`ATTACHMENT_TYPES`].
    pub content_type: String,
    /// Size in bytes.
    pub size: u64,
}

/// Who wrote a case message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    /// The customer.
    Customer,
    /// A rep.
    Rep,
}

/// One message of a case thread.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseMessage {
    /// Stable identifier.
    pub id: String,
    /// Customer or rep.
    pub author: Author,
    /// The writer's name.
    pub author_name: String,
    /// The text, plain.
    pub body: String,
    /// An internal note, only ever shown to reps.
    pub internal: bool,
    /// Attached files.
    pub attachments: Vec<Attachment>,
    /// When it was written.
    pub created_at: String,
}

/// A case with its thread (the customer's view holds no internal notes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseThread {
    /// The case.
    pub case: Case,
    /// Messages, oldest first.
    pub messages: Vec<CaseMessage>,
}

/// One message of a customer's cases, with its case (`GET /case-messages`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseMessageOf {
    /// The case it belongs to.
    pub case_id: String,
    /// The message.
    pub message: CaseMessage,
}

/// What a rep sees of a case: the thread, the customer, their account and their other cases.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseDesk {
    /// The case.
    pub case: Case,
    /// Messages, oldest first, internal notes included.
    pub messages: Vec<CaseMessage>,
    /// The customer.
    pub customer: Customer,
    /// The customer's account, when it still exists.
    pub account: Option<crate::Account>,
    /// The customer's company's other cases, newest first.
    pub other_cases: Vec<Case>,
}

/// Body of `POST /portal/cases`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCase {
    /// One line.
    pub subject: String,
    /// The problem in the customer's words.
    pub description: String,
    /// One of [`CASE_CATEGORIES`].
    pub category: String,
    /// How urgent it is.
    pub priority: CasePriority,
    /// Files uploaded before, by the same customer.
    #[serde(default)]
    pub attachment_ids: Vec<String>,
}

impl NewCase {
    /// Field errors of this case.
    pub fn errors(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check_required(&mut errors, "subject", &self.subject, MAX_SUBJECT);
        check_required_text(&mut errors, "description", &self.description, MAX_BODY);
        if !CASE_CATEGORIES.contains(&self.category.as_str()) {
            errors.insert("category".into(), "unknown category".into());
        }
        if self.attachment_ids.len() > MAX_ATTACHMENTS_PER_MESSAGE {
            errors.insert("attachment_ids".into(), format!("at most {MAX_ATTACHMENTS_PER_MESSAGE} files"));
        }
        errors
    }
}

/// Body of `POST …/cases/{id}/messages`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewMessage {
    /// The text.
    pub body: String,
    /// An internal note (reps only; the portal refuses it).
    #[serde(default)]
    pub internal: bool,
    /// Files uploaded before, by the same author.
    #[serde(default)]
    pub attachment_ids: Vec<String>,
}

impl NewMessage {
    /// Field errors of this message.
    pub fn errors(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check_required_text(&mut errors, "body", &self.body, MAX_BODY);
        if self.attachment_ids.len() > MAX_ATTACHMENTS_PER_MESSAGE {
            errors.insert("attachment_ids".into(), format!("at most {MAX_ATTACHMENTS_PER_MESSAGE} files"));
        }
        errors
    }
}

/// Body of a rep's `PATCH /cases/{id}`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CasePatch {
    /// New status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CaseStatus>,
    /// New priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<CasePriority>,
    /// New assignee; `null` unassigns.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub assignee_id: Option<Option<String>>,
}

/// Whether an article is visible in the portal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleStatus {
    /// Only reps see it.
    Draft,
    /// Everyone sees it.
    Published,
}

/// How an article's body is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleFormat {
    /// Plain text; blank lines separate paragraphs.
    Text,
    /// The safe markup subset: `## heading`, `- item`, `**bold**`, `[text](https://…)`.
    Markup,
}

/// A knowledge base category.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Category {
    /// Stable identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Published articles in it.
    pub articles: u64,
}

/// A knowledge base article.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Stable identifier.
    pub id: String,
    /// Grows on every change.
    pub version: u64,
    /// Category id.
    pub category_id: String,
    /// Title.
    pub title: String,
    /// Body, in `format`.
    pub body: String,
    /// Plain text or markup.
    pub format: ArticleFormat,
    /// Draft or published.
    pub status: ArticleStatus,
    /// Last change.
    pub updated_at: String,
    /// Readers who found it helpful.
    pub helpful: u64,
    /// Readers who did not.
    pub unhelpful: u64,
    /// Times customers opened it from a new-case suggestion and then sent no case.
    pub deflections: u64,
}

/// Body of `POST /kb/articles` (reps).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewArticle {
    /// Category id.
    pub category_id: String,
    /// Title.
    pub title: String,
    /// Body.
    pub body: String,
    /// Plain text or markup.
    pub format: ArticleFormat,
    /// Draft or published.
    pub status: ArticleStatus,
}

impl NewArticle {
    /// Field errors of this article.
    pub fn errors(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check_required(&mut errors, "title", &self.title, MAX_SUBJECT);
        check_required_text(&mut errors, "body", &self.body, MAX_BODY);
        errors
    }
}

/// Body of `PATCH /kb/articles/{id}` (reps).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticlePatch {
    /// Category id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_id: Option<String>,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Plain text or markup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<ArticleFormat>,
    /// Draft or published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ArticleStatus>,
}

impl ArticlePatch {
    /// Field errors of this patch.
    pub fn errors(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if let Some(title) = &self.title {
            check_required(&mut errors, "title", title, MAX_SUBJECT);
        }
        if let Some(body) = &self.body {
            check_required_text(&mut errors, "body", body, MAX_BODY);
        }
        errors
    }
}

/// Body of `POST /portal/kb/articles/{id}/feedback`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feedback {
    /// Whether the article helped.
    pub helpful: bool,
}

/// Body of `POST /portal/kb/articles/{id}/opened`: a suggested article was opened from the new-case form.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuggestionOpened {
    /// The subject typed so far.
    #[serde(default)]
    pub query: String,
}

/// A quote or an order of the customer's company.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Order {
    /// Stable identifier.
    pub id: String,
    /// The number on the paperwork, for example `PV-2026-0042`.
    pub number: String,
    /// `quote` or `order`.
    pub kind: String,
    /// `draft`, `sent`, `confirmed`, `shipped`, `delivered`, `invoiced`, `cancelled`.
    pub status: String,
    /// Date of the quote or order.
    pub ordered_on: String,
    /// Expected delivery (orders) or validity end (quotes).
    pub expected_on: Option<String>,
    /// Lines.
    pub lines: Vec<OrderLine>,
    /// Sum of the lines before tax.
    pub subtotal: crate::Money,
    /// Tax.
    pub tax: crate::Money,
    /// Total to pay.
    pub total: crate::Money,
}

/// One line of an order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderLine {
    /// Product or service.
    pub description: String,
    /// Units.
    pub quantity: u32,
    /// Price of one unit.
    pub unit_price: crate::Money,
    /// `quantity × unit_price`.
    pub amount: crate::Money,
}

/// Whether `email` is a plausible address (shared by the sign-in form and the server).
pub fn valid_email(email: &str) -> bool {
    email.chars().count() <= 254 && is_email(email.trim())
}
