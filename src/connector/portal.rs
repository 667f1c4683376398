//! The customer portal's operations (sign-in links, the customer's cases, knowledge base, orders and profile) and
//! their answers. Only the Trato protocol serves them ([`trato::portal`](super::trato::portal));
//! [`PortalClient`](crate::client::PortalClient) runs them.

use super::ask::{asks, Ask};
use super::support::Upload;
use trato_protocol::*;

/// Everything the portal can ask.
#[derive(Clone, Debug)]
pub enum PortalOp {
    /// Mail me a sign-in link.
    RequestLink(LinkRequest),
    /// Trade a link's token for a session.
    Redeem(String),
    /// The signed-in customer, if any.
    Session,
    /// Sign out.
    Logout,
    /// Change the profile.
    UpdateProfile(ProfilePatch),
    /// My cases (`status`: `active`, `done` or one status; `search`: words or a number).
    Cases {
        /// Status filter.
        status: Option<String>,
        /// Search words.
        search: Option<String>,
    },
    /// One case with its public thread.
    Case(String),
    /// Open a case.
    CreateCase(NewCase),
    /// Reply to a case.
    Reply {
        /// Case id.
        id: String,
        /// The reply.
        message: NewMessage,
    },
    /// Close a case.
    Close(String),
    /// Reopen a case.
    Reopen(String),
    /// Rate a resolved case.
    Rate {
        /// Case id.
        id: String,
        /// The rating.
        rating: Rating,
    },
    /// Upload a file to attach.
    Upload(Upload),
    /// Knowledge base categories.
    Categories,
    /// Published articles, optionally searched, in a category, or at most `limit`.
    Articles {
        /// Search words.
        search: Option<String>,
        /// Category id.
        category: Option<String>,
        /// Most results.
        limit: Option<u32>,
    },
    /// One article.
    Article(String),
    /// "Was this helpful?"
    Feedback {
        /// Article id.
        id: String,
        /// The answer.
        helpful: bool,
    },
    /// A suggested article was opened from the new-case form.
    SuggestionOpened {
        /// Article id.
        id: String,
        /// The subject typed so far.
        query: String,
    },
    /// My quotes and orders.
    Orders,
}

/// Answers to [`PortalOp`]s.
#[derive(Clone, Debug, PartialEq)]
pub enum PortalReply {
    /// Nothing to return.
    Done,
    /// Signed in.
    SignedIn(PortalSignIn),
    /// The session, if any.
    Session(Option<Customer>),
    /// The customer's profile.
    Profile(Customer),
    /// Cases.
    Cases(Vec<Case>),
    /// A case with its thread.
    Thread(Box<CaseThread>),
    /// An uploaded file.
    Uploaded(Attachment),
    /// Categories.
    Categories(Vec<Category>),
    /// Articles.
    Articles(Vec<Article>),
    /// One article.
    Article(Article),
    /// Quotes and orders.
    Orders(Vec<Order>),
}

asks! { PortalOp, PortalReply;
    /// Mails a sign-in link.
    request_link(body: LinkRequest) -> () = PortalOp::RequestLink(body), PortalReply::Done => ();
    /// Trades a link's token for a session.
    redeem(token: String) -> PortalSignIn = PortalOp::Redeem(token), PortalReply::SignedIn(signed) => signed;
    /// The signed-in customer, if any.
    session() -> Option<Customer> = PortalOp::Session, PortalReply::Session(customer) => customer;
    /// Signs out.
    logout() -> () = PortalOp::Logout, PortalReply::Done => ();
    /// Changes the profile.
    update_profile(patch: ProfilePatch) -> Customer =
        PortalOp::UpdateProfile(patch), PortalReply::Profile(customer) => customer;
    /// The customer's cases.
    cases(status: Option<String>, search: Option<String>) -> Vec<Case> =
        PortalOp::Cases { status, search }, PortalReply::Cases(list) => list;
    /// One case with its public thread.
    case(id: String) -> CaseThread = PortalOp::Case(id), PortalReply::Thread(thread) => *thread;
    /// Opens a case.
    create_case(new: NewCase) -> CaseThread = PortalOp::CreateCase(new), PortalReply::Thread(thread) => *thread;
    /// Replies to a case.
    reply(id: String, message: NewMessage) -> CaseThread =
        PortalOp::Reply { id, message }, PortalReply::Thread(thread) => *thread;
    /// Closes a case.
    close(id: String) -> CaseThread = PortalOp::Close(id), PortalReply::Thread(thread) => *thread;
    /// Reopens a case.
    reopen(id: String) -> CaseThread = PortalOp::Reopen(id), PortalReply::Thread(thread) => *thread;
    /// Rates a resolved case.
    rate(id: String, rating: Rating) -> CaseThread =
        PortalOp::Rate { id, rating }, PortalReply::Thread(thread) => *thread;
    /// Uploads a file to attach.
    upload(file: Upload) -> Attachment = PortalOp::Upload(file), PortalReply::Uploaded(attachment) => attachment;
    /// Knowledge base categories.
    categories() -> Vec<Category> = PortalOp::Categories, PortalReply::Categories(list) => list;
    /// Published articles, optionally searched, in a category, or at most `limit`.
    articles(search: Option<String>, category: Option<String>, limit: Option<u32>) -> Vec<Article> =
        PortalOp::Articles { search, category, limit }, PortalReply::Articles(list) => list;
    /// One article.
    article(id: String) -> Article = PortalOp::Article(id), PortalReply::Article(article) => article;
    /// "Was this helpful?"
    feedback(id: String, helpful: bool) -> () = PortalOp::Feedback { id, helpful }, PortalReply::Done => ();
    /// A suggested article was opened from the new-case form.
    suggestion_opened(id: String, query: String) -> () =
        PortalOp::SuggestionOpened { id, query }, PortalReply::Done => ();
    /// The customer's quotes and orders.
    orders() -> Vec<Order> = PortalOp::Orders, PortalReply::Orders(list) => list;
}
