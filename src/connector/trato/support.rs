//! The reps' support operations over the Trato protocol: the case queue, case pages, replies and internal notes,
//! attachments, knowledge base editing and the chat inbox.

use super::wire::{done, encode_component, encode_filename, mutating, parse, query_string, with_version};
use crate::connector::support::{CaseFilter, SupportOp, SupportReply};
use crate::connector::{ConnectorError, HttpRequest, HttpResponse, Method};
use trato_protocol::*;

/// The case queue's filter as a query string (with the leading `?` when not empty).
pub fn case_query(filter: &CaseFilter) -> String {
    query_string(&[
        ("status", filter.status.clone()),
        ("priority", filter.priority.clone()),
        ("assignee", filter.assignee.clone()),
        ("sla", filter.sla.clone()),
        ("q", filter.search.clone()),
        ("account_id", filter.account_id.clone()),
        ("customer_email", filter.customer_email.clone()),
    ])
}

fn inbox(id: &str, rest: &str) -> String {
    format!("{API_PREFIX}/inbox/{}{rest}", encode_component(id))
}

/// The request that performs `op`.
pub fn request(op: &SupportOp) -> HttpRequest {
    let case = |id: &str| format!("{API_PREFIX}/cases/{}", encode_component(id));
    match op {
        SupportOp::Cases(filter) => HttpRequest::new(Method::Get, format!("{API_PREFIX}/cases{}", case_query(filter))),
        SupportOp::Case(id) => HttpRequest::new(Method::Get, case(id)),
        SupportOp::UpdateCase { id, version, patch } => {
            with_version(mutating(Method::Patch, case(id)), *version).json(patch)
        }
        SupportOp::Reply { id, message } => mutating(Method::Post, format!("{}/messages", case(id))).json(message),
        SupportOp::OpenCase { contact_id, new } => {
            let mut body = serde_json::to_value(new).unwrap_or_default();
            body["contact_id"] = serde_json::Value::String(contact_id.clone());
            mutating(Method::Post, format!("{API_PREFIX}/cases")).json(&body)
        }
        SupportOp::Upload(upload) => mutating(Method::Post, format!("{API_PREFIX}/attachments"))
            .header(FILENAME_HEADER, encode_filename(&upload.name))
            .bytes(&upload.content_type, upload.bytes.clone()),
        SupportOp::Categories => HttpRequest::new(Method::Get, format!("{API_PREFIX}/kb/categories")),
        SupportOp::Articles(search) => {
            let query = search.as_ref().map(|q| format!("?q={}", encode_component(q))).unwrap_or_default();
            HttpRequest::new(Method::Get, format!("{API_PREFIX}/kb/articles{query}"))
        }
        SupportOp::CreateArticle(new) => mutating(Method::Post, format!("{API_PREFIX}/kb/articles")).json(new),
        SupportOp::CaseMessages { account_id, customer_email } => {
            let query = query_string(&[("account_id", account_id.clone()), ("customer_email", customer_email.clone())]);
            HttpRequest::new(Method::Get, format!("{API_PREFIX}/case-messages{query}"))
        }
        SupportOp::CustomerChats { account_id, contact_id } => {
            let query = query_string(&[("account_id", account_id.clone()), ("contact_id", contact_id.clone())]);
            HttpRequest::new(Method::Get, format!("{API_PREFIX}/inbox{query}"))
        }
        SupportOp::Inbox => HttpRequest::new(Method::Get, format!("{API_PREFIX}/inbox")),
        SupportOp::InboxConversation(id) => HttpRequest::new(Method::Get, inbox(id, "")),
        SupportOp::InboxReply { id, message } => mutating(Method::Post, inbox(id, "/messages")).json(message),
        SupportOp::InboxTyping { id, typing } => {
            mutating(Method::Post, inbox(id, "/typing")).json(&Typing { typing: *typing })
        }
        SupportOp::UpdateConversation { id, patch } => mutating(Method::Patch, inbox(id, "")).json(patch),
        SupportOp::ConvertConversation { id, to, deal_name } => mutating(Method::Post, inbox(id, "/convert"))
            .json(&Convert { to: to.clone(), deal_name: deal_name.clone() }),
        SupportOp::UpdateArticle { id, version, patch } => with_version(
            mutating(Method::Patch, format!("{API_PREFIX}/kb/articles/{}", encode_component(id))),
            *version,
        )
        .json(patch),
    }
}

/// Reads the answer to `op`.
pub fn response(op: &SupportOp, response: &HttpResponse) -> Result<SupportReply, ConnectorError> {
    Ok(match op {
        SupportOp::Cases(_) => SupportReply::Cases(parse(response)?),
        SupportOp::Case(_) | SupportOp::Reply { .. } | SupportOp::OpenCase { .. } => {
            SupportReply::Case(Box::new(parse(response)?))
        }
        SupportOp::UpdateCase { .. } => SupportReply::Updated(parse(response)?),
        SupportOp::Upload(_) => SupportReply::Uploaded(parse(response)?),
        SupportOp::Categories => SupportReply::Categories(parse(response)?),
        SupportOp::Articles(_) => SupportReply::Articles(parse(response)?),
        SupportOp::CreateArticle(_) | SupportOp::UpdateArticle { .. } => SupportReply::Article(parse(response)?),
        SupportOp::CaseMessages { .. } => SupportReply::CaseMessages(parse(response)?),
        SupportOp::Inbox | SupportOp::CustomerChats { .. } => SupportReply::Conversations(parse(response)?),
        SupportOp::InboxConversation(_) => SupportReply::Conversation(Box::new(parse(response)?)),
        SupportOp::InboxReply { .. } => SupportReply::ChatMessage(parse(response)?),
        SupportOp::UpdateConversation { .. } => SupportReply::ConversationUpdated(Box::new(parse(response)?)),
        SupportOp::ConvertConversation { .. } => SupportReply::Converted(parse(response)?),
        SupportOp::InboxTyping { .. } => {
            done(response)?;
            SupportReply::Done
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connector::support::Upload;

    #[test]
    fn the_queue_filter_becomes_an_encoded_query() {
        let filter = CaseFilter {
            status: Some("active".into()),
            assignee: Some("me".into()),
            search: Some("caja & aceite".into()),
            ..Default::default()
        };
        assert_eq!(case_query(&filter), "?status=active&assignee=me&q=caja%20%26%20aceite");
        assert_eq!(case_query(&CaseFilter::default()), "");
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
