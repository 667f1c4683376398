//! The customer portal's operations over the Trato protocol (`/api/v1/portal/…`): sign-in links, the customer's
//! cases, knowledge base, orders and profile.

use super::wire::{done, encode_component, encode_filename, parse, query_string};
use crate::connector::portal::{PortalOp, PortalReply};
use crate::connector::{ConnectorError, HttpRequest, HttpResponse, Method};
use trato_protocol::*;

fn path(rest: &str) -> String {
    format!("{API_PREFIX}/portal/{rest}")
}

fn post(rest: &str) -> HttpRequest {
    HttpRequest::new(Method::Post, path(rest)).header(CSRF_HEADER, CSRF_VALUE)
}

/// The request that performs `op`.
pub fn request(op: &PortalOp) -> HttpRequest {
    let case = |id: &str| format!("cases/{}", encode_component(id));
    match op {
        PortalOp::RequestLink(body) => post("auth/link").json(body),
        PortalOp::Redeem(token) => post("auth/redeem").json(&RedeemRequest { token: token.clone() }),
        PortalOp::Session => HttpRequest::new(Method::Get, path("auth/session")),
        PortalOp::Logout => post("auth/logout"),
        PortalOp::UpdateProfile(patch) => {
            HttpRequest::new(Method::Patch, path("profile")).header(CSRF_HEADER, CSRF_VALUE).json(patch)
        }
        PortalOp::Cases { status, search } => HttpRequest::new(
            Method::Get,
            path(&format!("cases{}", query_string(&[("status", status.clone()), ("q", search.clone())]))),
        ),
        PortalOp::Case(id) => HttpRequest::new(Method::Get, path(&case(id))),
        PortalOp::CreateCase(new) => post("cases").json(new),
        PortalOp::Reply { id, message } => post(&format!("{}/messages", case(id))).json(message),
        PortalOp::Close(id) => post(&format!("{}/close", case(id))),
        PortalOp::Reopen(id) => post(&format!("{}/reopen", case(id))),
        PortalOp::Rate { id, rating } => post(&format!("{}/rating", case(id))).json(rating),
        PortalOp::Upload(upload) => post("attachments")
            .header(FILENAME_HEADER, encode_filename(&upload.name))
            .bytes(&upload.content_type, upload.bytes.clone()),
        PortalOp::Categories => HttpRequest::new(Method::Get, path("kb/categories")),
        PortalOp::Articles { search, category, limit } => HttpRequest::new(
            Method::Get,
            path(&format!(
                "kb/articles{}",
                query_string(&[
                    ("q", search.clone()),
                    ("category", category.clone()),
                    ("limit", limit.map(|l| l.to_string()))
                ])
            )),
        ),
        PortalOp::Article(id) => HttpRequest::new(Method::Get, path(&format!("kb/articles/{}", encode_component(id)))),
        PortalOp::Feedback { id, helpful } => {
            post(&format!("kb/articles/{}/feedback", encode_component(id))).json(&Feedback { helpful: *helpful })
        }
        PortalOp::SuggestionOpened { id, query } => post(&format!("kb/articles/{}/opened", encode_component(id)))
            .json(&SuggestionOpened { query: query.clone() }),
        PortalOp::Orders => HttpRequest::new(Method::Get, path("orders")),
    }
}

/// Reads the answer to `op`.
pub fn response(op: &PortalOp, response: &HttpResponse) -> Result<PortalReply, ConnectorError> {
    Ok(match op {
        PortalOp::RequestLink(_) | PortalOp::Logout | PortalOp::Feedback { .. } | PortalOp::SuggestionOpened { .. } => {
            done(response)?;
            PortalReply::Done
        }
        PortalOp::Redeem(_) => PortalReply::SignedIn(parse(response)?),
        PortalOp::Session => PortalReply::Session(parse::<PortalSessionState>(response)?.customer),
        PortalOp::UpdateProfile(_) => PortalReply::Profile(parse(response)?),
        PortalOp::Cases { .. } => PortalReply::Cases(parse(response)?),
        PortalOp::Case(_)
        | PortalOp::CreateCase(_)
        | PortalOp::Reply { .. }
        | PortalOp::Close(_)
        | PortalOp::Reopen(_)
        | PortalOp::Rate { .. } => PortalReply::Thread(Box::new(parse(response)?)),
        PortalOp::Upload(_) => PortalReply::Uploaded(parse(response)?),
        PortalOp::Categories => PortalReply::Categories(parse(response)?),
        PortalOp::Articles { .. } => PortalReply::Articles(parse(response)?),
        PortalOp::Article(_) => PortalReply::Article(parse(response)?),
        PortalOp::Orders => PortalReply::Orders(parse(response)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_token_travels_in_the_body_never_the_path() {
        let request = request(&PortalOp::Redeem("s3cr3t".into()));
        assert_eq!(request.path, "/api/v1/portal/auth/redeem");
        assert!(request.body_text().contains("s3cr3t"));
        assert!(request.headers.contains(&(CSRF_HEADER.into(), CSRF_VALUE.into())));
    }

    #[test]
    fn searches_are_encoded() {
        let op = PortalOp::Articles { search: Some("factura ñ?".into()), category: None, limit: Some(5) };
        assert_eq!(request(&op).path, "/api/v1/portal/kb/articles?q=factura%20%C3%B1%3F&limit=5");
    }

    #[test]
    fn an_empty_session_is_none_and_errors_are_typed() {
        let answer = HttpResponse { status: 200, headers: vec![], body: r#"{"customer":null}"#.into() };
        assert_eq!(response(&PortalOp::Session, &answer), Ok(PortalReply::Session(None)));
        let limited =
            HttpResponse { status: 429, headers: vec![("retry-after".into(), "60".into())], body: String::new() };
        let op = PortalOp::RequestLink(LinkRequest { email: "a@b.example".into(), locale: None });
        assert_eq!(response(&op, &limited), Err(ConnectorError::RateLimited(Some(60))));
    }
}
