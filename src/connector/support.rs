//! The reps' support operations, backend-neutral: the case queue, case pages, replies and internal notes,
//! attachments, knowledge base editing and the chat inbox. A backend without cases answers them with
//! `Unsupported`; [`trato::support`](super::trato::support) maps them onto the Trato protocol.

use super::ask::{asks, Ask};
use trato_protocol::*;

/// Filters of the case queue.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CaseFilter {
    /// `active`, `done` or one status.
    pub status: Option<String>,
    /// One priority.
    pub priority: Option<String>,
    /// A rep id, `me` or `none`.
    pub assignee: Option<String>,
    /// `overdue` or `due_soon`.
    pub sla: Option<String>,
    /// Words of the subject or customer name, or a case number.
    pub search: Option<String>,
    /// One account's cases.
    pub account_id: Option<String>,
    /// The cases of the customer with this address (a contact's).
    pub customer_email: Option<String>,
}

/// A file to upload.
#[derive(Clone, Debug, PartialEq)]
pub struct Upload {
    /// File name.
    pub name: String,
    /// Declared content type.
    pub content_type: String,
    /// The file.
    pub bytes: Vec<u8>,
}

/// Support operations of a rep.
#[derive(Clone, Debug)]
pub enum SupportOp {
    /// The case queue.
    Cases(CaseFilter),
    /// One case with thread, customer, account and other cases.
    Case(String),
    /// Change status, priority or assignee.
    UpdateCase {
        /// Case id.
        id: String,
        /// Version the change was made on.
        version: Option<u64>,
        /// Changes.
        patch: CasePatch,
    },
    /// Opens a case for a contact (who becomes, by their e-mail, the case's customer).
    OpenCase {
        /// The contact.
        contact_id: String,
        /// The case.
        new: NewCase,
    },
    /// A public reply or internal note.
    Reply {
        /// Case id.
        id: String,
        /// The message.
        message: NewMessage,
    },
    /// Upload a file to attach to a reply.
    Upload(Upload),
    /// Knowledge base categories.
    Categories,
    /// Articles, drafts included; optional search.
    Articles(Option<String>),
    /// A new article.
    CreateArticle(NewArticle),
    /// The chat inbox: conversations, open ones first.
    Inbox,
    /// One conversation with its messages (marks the visitor's messages read).
    InboxConversation(String),
    /// A rep's chat answer.
    InboxReply {
        /// Conversation id.
        id: String,
        /// The message.
        message: NewChatMessage,
    },
    /// The rep is typing or stopped.
    InboxTyping {
        /// Conversation id.
        id: String,
        /// Typing now.
        typing: bool,
    },
    /// Assign, close or reopen a conversation.
    UpdateConversation {
        /// Conversation id.
        id: String,
        /// Changes.
        patch: ConversationPatch,
    },
    /// Turn a conversation into a contact, deal or case.
    ConvertConversation {
        /// Conversation id.
        id: String,
        /// `contact`, `deal` or `case`.
        to: String,
        /// The new deal's name, in the rep's language.
        deal_name: Option<String>,
    },
    /// The messages of one customer's cases, newest first: an account's, or the customer's with this address.
    CaseMessages {
        /// The account.
        account_id: Option<String>,
        /// The customer's address (a contact's).
        customer_email: Option<String>,
    },
    /// One customer's chats, newest first: those of a contact, or of any contact of an account.
    CustomerChats {
        /// The account.
        account_id: Option<String>,
        /// The contact.
        contact_id: Option<String>,
    },
    /// Edit, publish or unpublish an article.
    UpdateArticle {
        /// Article id.
        id: String,
        /// Version the change was made on.
        version: Option<u64>,
        /// Changes.
        patch: ArticlePatch,
    },
}

/// Answers to [`SupportOp`]s.
#[derive(Clone, Debug, PartialEq)]
pub enum SupportReply {
    /// Cases.
    Cases(Vec<Case>),
    /// A case page.
    Case(Box<CaseDesk>),
    /// A changed case.
    Updated(Case),
    /// An uploaded file.
    Uploaded(Attachment),
    /// Categories.
    Categories(Vec<Category>),
    /// Articles.
    Articles(Vec<Article>),
    /// One article.
    Article(Article),
    /// Messages of a customer's cases.
    CaseMessages(Vec<CaseMessageOf>),
    /// Conversations.
    Conversations(Vec<Conversation>),
    /// A conversation with its messages.
    Conversation(Box<ConversationView>),
    /// A changed conversation.
    ConversationUpdated(Box<Conversation>),
    /// A stored chat message.
    ChatMessage(ChatMessage),
    /// What a conversation became.
    Converted(Converted),
    /// Nothing to return.
    Done,
}

asks! { SupportOp, SupportReply;
    /// The case queue.
    cases(filter: CaseFilter) -> Vec<Case> = SupportOp::Cases(filter), SupportReply::Cases(list) => list;
    /// A case page.
    case(id: String) -> CaseDesk = SupportOp::Case(id), SupportReply::Case(desk) => *desk;
    /// Changes a case's status, priority or assignee.
    update_case(id: String, version: Option<u64>, patch: CasePatch) -> Case =
        SupportOp::UpdateCase { id, version, patch }, SupportReply::Updated(case) => case;
    /// Opens a case for a contact; its page.
    open_case(contact_id: String, new: NewCase) -> CaseDesk =
        SupportOp::OpenCase { contact_id, new }, SupportReply::Case(desk) => *desk;
    /// A public reply or an internal note; the case page after it.
    reply(id: String, message: NewMessage) -> CaseDesk =
        SupportOp::Reply { id, message }, SupportReply::Case(desk) => *desk;
    /// Uploads a file to attach.
    upload(file: Upload) -> Attachment = SupportOp::Upload(file), SupportReply::Uploaded(attachment) => attachment;
    /// Knowledge base categories.
    categories() -> Vec<Category> = SupportOp::Categories, SupportReply::Categories(list) => list;
    /// Articles, drafts included, optionally searched.
    articles(search: Option<String>) -> Vec<Article> =
        SupportOp::Articles(search), SupportReply::Articles(list) => list;
    /// A new article.
    create_article(new: NewArticle) -> Article = SupportOp::CreateArticle(new), SupportReply::Article(a) => a;
    /// Edits, publishes or unpublishes an article.
    update_article(id: String, version: Option<u64>, patch: ArticlePatch) -> Article =
        SupportOp::UpdateArticle { id, version, patch }, SupportReply::Article(a) => a;
    /// The messages of an account's cases, or of the customer's with an address, newest first.
    case_messages(account_id: Option<String>, customer_email: Option<String>) -> Vec<CaseMessageOf> =
        SupportOp::CaseMessages { account_id, customer_email }, SupportReply::CaseMessages(list) => list;
    /// A contact's chats, or those of an account's contacts, newest first.
    customer_chats(account_id: Option<String>, contact_id: Option<String>) -> Vec<Conversation> =
        SupportOp::CustomerChats { account_id, contact_id }, SupportReply::Conversations(list) => list;
    /// The chat inbox.
    inbox() -> Vec<Conversation> = SupportOp::Inbox, SupportReply::Conversations(list) => list;
    /// One conversation with its messages.
    conversation(id: String) -> ConversationView =
        SupportOp::InboxConversation(id), SupportReply::Conversation(view) => *view;
    /// A rep's chat answer.
    inbox_reply(id: String, message: NewChatMessage) -> ChatMessage =
        SupportOp::InboxReply { id, message }, SupportReply::ChatMessage(message) => message;
    /// The rep is typing or stopped.
    inbox_typing(id: String, typing: bool) -> () =
        SupportOp::InboxTyping { id, typing }, SupportReply::Done => ();
    /// Assigns, closes or reopens a conversation.
    update_conversation(id: String, patch: ConversationPatch) -> Conversation =
        SupportOp::UpdateConversation { id, patch }, SupportReply::ConversationUpdated(c) => *c;
    /// Turns a conversation into a contact, deal or case.
    convert_conversation(id: String, to: String, deal_name: Option<String>) -> Converted =
        SupportOp::ConvertConversation { id, to, deal_name }, SupportReply::Converted(converted) => converted;
}
