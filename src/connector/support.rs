//! The reps' side of customer support in the Trato protocol: the case queue, case pages, replies and internal
//! notes, attachments and knowledge base editing. Sans-IO like the rest of the connector: [`request`] builds the
//! request value, [`response`] reads the answer.

use super::trato::{encode_component, error_from};
use super::{ConnectorError, HttpRequest, HttpResponse, Method};
use serde::de::DeserializeOwned;
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
}

impl CaseFilter {
    /// The filter as a query string (with the leading `?` when not empty).
    pub fn query(&self) -> String {
        query_string(&[
            ("status", self.status.clone()),
            ("priority", self.priority.clone()),
            ("assignee", self.assignee.clone()),
            ("sla", self.sla.clone()),
            ("q", self.search.clone()),
        ])
    }
}

/// The query string of the `pairs` whose value is present and not blank, encoded, with the leading `?` when not
/// empty.
pub fn query_string(pairs: &[(&str, Option<String>)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| {
            v.as_ref().filter(|v| !v.trim().is_empty()).map(|v| format!("{k}={}", encode_component(v)))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
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

fn mutating(method: Method, path: String) -> HttpRequest {
    HttpRequest::new(method, path).header(CSRF_HEADER, CSRF_VALUE)
}

fn versioned(request: HttpRequest, version: Option<u64>) -> HttpRequest {
    match version {
        Some(v) => request.header("if-match", format!("\"{v}\"")),
        None => request,
    }
}

/// Percent-encodes a file name for [`FILENAME_HEADER`].
pub fn encode_filename(name: &str) -> String {
    encode_component(name)
}

fn inbox(id: &str, rest: &str) -> String {
    format!("{API_PREFIX}/inbox/{}{rest}", encode_component(id))
}

/// The request that performs `op`.
pub fn request(op: &SupportOp) -> HttpRequest {
    let case = |id: &str| format!("{API_PREFIX}/cases/{}", encode_component(id));
    match op {
        SupportOp::Cases(filter) => HttpRequest::new(Method::Get, format!("{API_PREFIX}/cases{}", filter.query())),
        SupportOp::Case(id) => HttpRequest::new(Method::Get, case(id)),
        SupportOp::UpdateCase { id, version, patch } => {
            versioned(mutating(Method::Patch, case(id)), *version).json(patch)
        }
        SupportOp::Reply { id, message } => mutating(Method::Post, format!("{}/messages", case(id))).json(message),
        SupportOp::Upload(upload) => mutating(Method::Post, format!("{API_PREFIX}/attachments"))
            .header(FILENAME_HEADER, encode_filename(&upload.name))
            .bytes(&upload.content_type, upload.bytes.clone()),
        SupportOp::Categories => HttpRequest::new(Method::Get, format!("{API_PREFIX}/kb/categories")),
        SupportOp::Articles(search) => {
            let query = search.as_ref().map(|q| format!("?q={}", encode_component(q))).unwrap_or_default();
            HttpRequest::new(Method::Get, format!("{API_PREFIX}/kb/articles{query}"))
        }
        SupportOp::CreateArticle(new) => mutating(Method::Post, format!("{API_PREFIX}/kb/articles")).json(new),
        SupportOp::Inbox => HttpRequest::new(Method::Get, format!("{API_PREFIX}/inbox")),
        SupportOp::InboxConversation(id) => HttpRequest::new(Method::Get, inbox(id, "")),
        SupportOp::InboxReply { id, message } => mutating(Method::Post, inbox(id, "/messages")).json(message),
        SupportOp::InboxTyping { id, typing } => {
            mutating(Method::Post, inbox(id, "/typing")).json(&Typing { typing: *typing })
        }
        SupportOp::UpdateConversation { id, patch } => mutating(Method::Patch, inbox(id, "")).json(patch),
        SupportOp::ConvertConversation { id, to } => {
            mutating(Method::Post, inbox(id, "/convert")).json(&Convert { to: to.clone() })
        }
        SupportOp::UpdateArticle { id, version, patch } => {
            versioned(mutating(Method::Patch, format!("{API_PREFIX}/kb/articles/{}", encode_component(id))), *version)
                .json(patch)
        }
    }
}

/// Reads a JSON answer, or the protocol's error.
pub fn parse<T: DeserializeOwned>(response: &HttpResponse) -> Result<T, ConnectorError> {
    if !response.is_success() {
        return Err(error_from(response));
    }
    serde_json::from_str(&response.body)
        .map_err(|error| ConnectorError::Malformed(format!("unexpected answer from the server ({error})")))
}

/// Reads the answer to `op`.
pub fn response(op: &SupportOp, response: &HttpResponse) -> Result<SupportReply, ConnectorError> {
    Ok(match op {
        SupportOp::Cases(_) => SupportReply::Cases(parse(response)?),
        SupportOp::Case(_) | SupportOp::Reply { .. } => SupportReply::Case(Box::new(parse(response)?)),
        SupportOp::UpdateCase { .. } => SupportReply::Updated(parse(response)?),
        SupportOp::Upload(_) => SupportReply::Uploaded(parse(response)?),
        SupportOp::Categories => SupportReply::Categories(parse(response)?),
        SupportOp::Articles(_) => SupportReply::Articles(parse(response)?),
        SupportOp::CreateArticle(_) | SupportOp::UpdateArticle { .. } => SupportReply::Article(parse(response)?),
        SupportOp::Inbox => SupportReply::Conversations(parse(response)?),
        SupportOp::InboxConversation(_) => SupportReply::Conversation(Box::new(parse(response)?)),
        SupportOp::InboxReply { .. } => SupportReply::ChatMessage(parse(response)?),
        SupportOp::UpdateConversation { .. } => SupportReply::ConversationUpdated(Box::new(parse(response)?)),
        SupportOp::ConvertConversation { .. } => SupportReply::Converted(parse(response)?),
        SupportOp::InboxTyping { .. } => {
            if response.is_success() {
                SupportReply::Done
            } else {
                return Err(error_from(response));
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_filter_becomes_an_encoded_query() {
        let filter = CaseFilter {
            status: Some("active".into()),
            assignee: Some("me".into()),
            search: Some("caja & aceite".into()),
            ..Default::default()
        };
        assert_eq!(filter.query(), "?status=active&assignee=me&q=caja%20%26%20aceite");
        assert_eq!(CaseFilter::default().query(), "");
    }

    #[test]
    fn an_upload_carries_its_type_and_encoded_name() {
        let op = SupportOp::Upload(Upload {
            name: "factura marzo.pdf".into(),
            content_type: "application/pdf".into(),
            bytes: b"%PDF-1.4".to_vec(),
        });
        let request = request(&op);
        assert_eq!(request.body.as_deref(), Some(&b"%PDF-1.4"[..]));
        assert!(request.headers.contains(&("content-type".into(), "application/pdf".into())));
        assert!(request.headers.contains(&(FILENAME_HEADER.into(), "factura%20marzo.pdf".into())));
    }

    #[test]
    fn a_garbled_answer_is_a_clear_error() {
        let answer = HttpResponse { status: 200, headers: vec![], body: "<html>".into() };
        assert!(matches!(response(&SupportOp::Categories, &answer), Err(ConnectorError::Malformed(_))));
        let refused = HttpResponse {
            status: 404,
            headers: vec![],
            body: r#"{"code":"not_found","message":"No such case."}"#.into(),
        };
        assert_eq!(
            response(&SupportOp::Case("x".into()), &refused),
            Err(ConnectorError::NotFound("No such case.".into()))
        );
    }
}
