//! What each portal page holds while it is shown (parts of the portal's state): the forms as typed, what was
//! loaded, and where a form's work stands.

use crate::ui::drawn::Loaded;
use std::collections::HashSet;
use trato_protocol::*;

/// Where a form's work stands: on its way, what went wrong, what was done.
#[derive(Clone, Debug, Default)]
pub struct Work {
    /// On its way (its button is disabled).
    pub busy: bool,
    /// What went wrong.
    pub error: Option<String>,
    /// What was done.
    pub notice: Option<String>,
}

impl Work {
    /// The work starts: on its way, nothing said yet.
    pub fn start(&mut self) {
        *self = Work { busy: true, ..Work::default() };
    }

    /// The work failed with `error`.
    pub fn failed(&mut self, error: String) {
        *self = Work { error: Some(error), ..Work::default() };
    }

    /// The work is done, and `notice` is said.
    pub fn done(&mut self, notice: String) {
        *self = Work { notice: Some(notice), ..Work::default() };
    }
}

/// What the sign-in page holds.
#[derive(Clone, Debug, Default)]
pub struct SignInForm {
    /// The address typed.
    pub email: String,
    /// A link asked for, or being redeemed; its notice says the link is mailed.
    pub work: Work,
}

/// What the case list holds.
#[derive(Clone, Debug)]
pub struct CaseList {
    /// The words of the search.
    pub search: String,
    /// The selected tab's status.
    pub status: &'static str,
    /// The cases found.
    pub found: Loaded<Vec<Case>>,
}

impl Default for CaseList {
    fn default() -> Self {
        CaseList { search: String::new(), status: "active", found: Loaded::Loading }
    }
}

/// What the case page holds.
#[derive(Clone, Debug, Default)]
pub struct CaseState {
    /// The case and its messages.
    pub thread: Loaded<CaseThread>,
    /// The customer just opened it.
    pub created: bool,
    /// The reply being written.
    pub reply: String,
    /// The reply's files.
    pub files: Files,
    /// The score picked (0 before a choice).
    pub score: u8,
    /// The rating's comment.
    pub comment: String,
    /// The action on its way or done.
    pub work: Work,
}

/// What the new-case form holds.
#[derive(Clone, Debug)]
pub struct NewCaseForm {
    /// The case as typed.
    pub case: NewCase,
    /// Its files.
    pub files: Files,
    /// Articles that match the subject.
    pub suggestions: Vec<Article>,
    /// The suggestion opened.
    pub open: Option<String>,
    /// Suggestions opened so far (each is recorded once).
    pub recorded: HashSet<String>,
    /// Counts the subject's changes: a late lookup for an older subject is dropped.
    pub typed: u32,
    /// The fields the backend or the rules refused.
    pub field_errors: FieldErrors,
    /// The case on its way, or what went wrong.
    pub work: Work,
}

impl Default for NewCaseForm {
    fn default() -> Self {
        NewCaseForm {
            case: NewCase {
                subject: String::new(),
                description: String::new(),
                category: CASE_CATEGORIES[0].into(),
                priority: CasePriority::Normal,
                attachment_ids: vec![],
            },
            files: Files::default(),
            suggestions: vec![],
            open: None,
            recorded: HashSet::new(),
            typed: 0,
            field_errors: FieldErrors::new(),
            work: Work::default(),
        }
    }
}

/// What the orders page holds.
#[derive(Clone, Debug, Default)]
pub struct OrderList {
    /// The orders.
    pub found: Loaded<Vec<Order>>,
    /// The numbers of the orders opened to their lines (kept across redraws).
    pub open: HashSet<String>,
}

/// What the profile form holds.
#[derive(Clone, Debug, Default)]
pub struct ProfileForm {
    /// The name typed.
    pub name: String,
    /// The phone typed.
    pub phone: String,
    /// The preferred language's code.
    pub locale: String,
    /// Mail notifications wanted.
    pub notify: bool,
    /// The change on its way or done.
    pub work: Work,
}

/// The files of one form: attached, on their way, and what went wrong.
#[derive(Clone, Debug, Default)]
pub struct Files {
    /// Uploaded, in order.
    pub attached: Vec<Attachment>,
    /// How many uploads are on their way.
    pub uploading: usize,
    /// What was refused or failed.
    pub problems: Vec<String>,
}

impl Files {
    /// The ids to send with the form.
    pub fn ids(&self) -> Vec<String> {
        self.attached.iter().map(|a| a.id.clone()).collect()
    }
}
