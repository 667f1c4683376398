//! The chat widget's operations over the Trato protocol (`/api/v1/widget/…`): the visitor's token goes in the
//! `Authorization` header, never in the URL.

use super::wire::{done, parse, query_string};
use crate::connector::widget::{WidgetOp, WidgetReply};
use crate::connector::{ConnectorError, HttpRequest, HttpResponse, Method};
use trato_protocol::*;

fn path(rest: &str) -> String {
    format!("{API_PREFIX}/widget/{rest}")
}

/// The request that performs `op` for the visitor holding `token`.
pub fn request(op: &WidgetOp, token: Option<&str>) -> HttpRequest {
    let post = |rest: &str| HttpRequest::new(Method::Post, path(rest)).header(CSRF_HEADER, CSRF_VALUE);
    let request = match op {
        WidgetOp::Config(site) => {
            HttpRequest::new(Method::Get, path(&format!("config{}", query_string(&[("site", Some(site.clone()))]))))
        }
        WidgetOp::NewSession(site) => post("session").json(&NewWidgetSession { site: site.clone() }),
        WidgetOp::Me => HttpRequest::new(Method::Get, path("me")),
        WidgetOp::PreChat(body) => post("prechat").json(body),
        WidgetOp::Identify(body) => post("identify").json(body),
        WidgetOp::Conversation(after) => {
            HttpRequest::new(Method::Get, path(&format!("conversation{}", query_string(&[("after", after.clone())]))))
        }
        WidgetOp::Send(body) => post("messages").json(body),
        WidgetOp::Typing(typing) => post("typing").json(&Typing { typing: *typing }),
        WidgetOp::Read => post("read"),
        WidgetOp::Rate(rating) => post("rating").json(rating),
        WidgetOp::Offline(body) => post("offline").json(body),
    };
    match token {
        Some(token) => request.header(VISITOR_HEADER, format!("Bearer {token}")),
        None => request,
    }
}

/// Reads the answer to `op`.
pub fn response(op: &WidgetOp, response: &HttpResponse) -> Result<WidgetReply, ConnectorError> {
    Ok(match op {
        WidgetOp::Config(_) => WidgetReply::Config(parse(response)?),
        WidgetOp::NewSession(_) => WidgetReply::Session(parse(response)?),
        WidgetOp::Me | WidgetOp::PreChat(_) | WidgetOp::Identify(_) => WidgetReply::Visitor(parse(response)?),
        WidgetOp::Conversation(_) => {
            WidgetReply::Conversation(parse::<Option<ConversationView>>(response)?.map(Box::new))
        }
        WidgetOp::Send(_) => WidgetReply::Message(parse(response)?),
        WidgetOp::Rate(_) => WidgetReply::Updated(Box::new(parse(response)?)),
        WidgetOp::Offline(_) => WidgetReply::Converted(parse(response)?),
        WidgetOp::Typing(_) | WidgetOp::Read => {
            done(response)?;
            WidgetReply::Done
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_a_header_never_part_of_the_path() {
        let request = request(&WidgetOp::Conversation(Some("2026-11-23T10:00:00.000Z".into())), Some("tok3n"));
        assert!(!request.path.contains("tok3n"));
        assert_eq!(request.path, "/api/v1/widget/conversation?after=2026-11-23T10%3A00%3A00.000Z");
        assert!(request.headers.contains(&("authorization".into(), "Bearer tok3n".into())));
    }

    #[test]
    fn no_conversation_yet_is_none() {
        let answer = HttpResponse { status: 200, headers: vec![], body: "null".into() };
        assert_eq!(response(&WidgetOp::Conversation(None), &answer), Ok(WidgetReply::Conversation(None)));
    }
}
