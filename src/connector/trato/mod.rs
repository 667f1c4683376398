//! The Trato HTTP protocol v1 (served by `trato-server`; see `protocol/PROTOCOL.md`): [`TratoConnector`] for the
//! desk's records and sync, and the protocol's mappings of the support, portal and widget operations.
//!
//! Same-origin deployments authenticate with the backend's HttpOnly session cookie, which the transport keeps;
//! no token ever passes through this code, and every mutating request carries the CSRF header.

pub mod portal;
pub mod support;
pub mod widget;
pub mod wire;

pub use wire::encode_component;

use crate::connector::{
    Capabilities, Connector, ConnectorError, HttpRequest, HttpResponse, ListQuery, Method, Operation, RecordOp,
    RecordReply, Reply, Rounds, Step,
};
use serde::Serialize;
use trato_protocol::*;
use wire::{error_from, mutating, parse_ok, query_string, with_key, with_version};

/// Connector for the Trato protocol.
#[derive(Clone, Debug, Default)]
pub struct TratoConnector;

fn list_path(collection: &str, query: &ListQuery) -> String {
    let mut params: Vec<String> =
        query.filters.iter().map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v))).collect();
    if let Some(sort) = &query.sort {
        params.push(format!("sort={}", encode_component(sort)));
    }
    if let Some(search) = &query.search {
        params.push(format!("q={}", encode_component(search)));
    }
    if let Some(cursor) = &query.cursor {
        params.push(format!("cursor={}", encode_component(cursor)));
    }
    if let Some(limit) = query.limit {
        params.push(format!("limit={limit}"));
    }
    let mut path = format!("{API_PREFIX}/{collection}");
    if !params.is_empty() {
        path.push('?');
        path.push_str(&params.join("&"));
    }
    path
}

fn record_request<R: Record, N: Serialize, P: Serialize>(op: &RecordOp<N, P>) -> HttpRequest {
    let one = |id: &str| format!("{API_PREFIX}/{}/{}", R::PATH, encode_component(id));
    match op {
        RecordOp::List(query) => HttpRequest::new(Method::Get, list_path(R::PATH, query)),
        RecordOp::Get(id) => HttpRequest::new(Method::Get, one(id)),
        RecordOp::Create { new, idempotency_key } => mutating(Method::Post, format!("{API_PREFIX}/{}", R::PATH))
            .header(IDEMPOTENCY_HEADER, idempotency_key.clone())
            .json(new),
        RecordOp::Update { id, version, patch, idempotency_key } => {
            with_key(with_version(mutating(Method::Patch, one(id)), *version), idempotency_key).json(patch)
        }
        RecordOp::Delete { id, version, idempotency_key } => {
            with_key(with_version(mutating(Method::Delete, one(id)), *version), idempotency_key)
        }
    }
}

fn record_reply<R: Record, N, P>(
    op: &RecordOp<N, P>,
    response: &HttpResponse,
) -> Result<RecordReply<R>, ConnectorError> {
    Ok(match op {
        RecordOp::List(_) => RecordReply::Page(parse_ok::<Page<R>>(response)?),
        RecordOp::Delete { .. } => RecordReply::Deleted,
        _ => RecordReply::One(parse_ok::<R>(response)?),
    })
}

impl Connector for TratoConnector {
    /// The session is an HttpOnly cookie the transport keeps: nothing for the client to hold.
    type Session = ();

    fn capabilities(&self) -> Capabilities {
        Capabilities::ALL
    }

    fn request(&self, _session: &(), op: &Operation) -> Result<HttpRequest, ConnectorError> {
        Ok(match op {
            // Reps read one account's orders at a time.
            Operation::Orders(query) => {
                let account = query.filters.iter().find(|(field, _)| field == "account_id").map(|(_, v)| v.clone());
                let Some(account) = account else {
                    return Err(ConnectorError::Unsupported("orders without an account".into()));
                };
                HttpRequest::new(
                    Method::Get,
                    format!("{API_PREFIX}/orders{}", query_string(&[("account_id", Some(account))])),
                )
            }
            Operation::Login { email, password } => mutating(Method::Post, format!("{API_PREFIX}/auth/login"))
                .json(&LoginRequest { email: email.clone(), password: password.clone() }),
            Operation::Logout => mutating(Method::Post, format!("{API_PREFIX}/auth/logout")),
            Operation::CurrentSession => HttpRequest::new(Method::Get, format!("{API_PREFIX}/auth/session")),
            Operation::ListUsers => HttpRequest::new(Method::Get, format!("{API_PREFIX}/users")),
            Operation::ListPipelines => {
                HttpRequest::new(Method::Get, format!("{API_PREFIX}/pipelines?limit={MAX_PAGE_SIZE}"))
            }
            Operation::Deals(op) => record_request::<Deal, _, _>(op),
            Operation::Accounts(op) => record_request::<Account, _, _>(op),
            Operation::Contacts(op) => record_request::<Contact, _, _>(op),
            Operation::Activities(op) => record_request::<Activity, _, _>(op),
            Operation::Views(op) => record_request::<SavedView, _, _>(op),
            Operation::Merge { kind, into, into_version, from, from_version, note } => {
                let path =
                    format!("{API_PREFIX}/{}/{}/merge", wire::encode_component(kind), wire::encode_component(into));
                let body = serde_json::json!({ "from": from, "from_version": from_version, "note": note });
                with_version(mutating(Method::Post, path), Some(*into_version)).json(&body)
            }
            Operation::Import { kind, batch, idempotency_key } => {
                let path = format!("{API_PREFIX}/import/{}", wire::encode_component(kind));
                with_key(mutating(Method::Post, path), &Some(idempotency_key.clone())).json(batch)
            }
            Operation::Changes { since, limit } => {
                let mut params = vec![];
                if let Some(since) = since {
                    params.push(format!("since={}", encode_component(since)));
                }
                if let Some(limit) = limit {
                    params.push(format!("limit={limit}"));
                }
                let query = if params.is_empty() { String::new() } else { format!("?{}", params.join("&")) };
                HttpRequest::new(Method::Get, format!("{API_PREFIX}/changes{query}"))
            }
            Operation::Support(op) => support::request(op),
            Operation::RestoreDeal { id, idempotency_key } => with_key(
                mutating(Method::Post, format!("{API_PREFIX}/deals/{}/restore", encode_component(id))),
                idempotency_key,
            ),
        })
    }

    fn response(
        &self,
        _session: &mut (),
        op: &Operation,
        _rounds: &mut Rounds,
        response: HttpResponse,
    ) -> Result<Step, ConnectorError> {
        if !response.is_success() {
            return Err(error_from(&response));
        }
        Ok(Step::Reply(match op {
            Operation::Login { .. } => Reply::Session(parse_ok(&response)?),
            Operation::CurrentSession => match parse_ok::<SessionState>(&response)?.session {
                Some(session) => Reply::Session(session),
                None => return Err(ConnectorError::Unauthorized("signed out".into())),
            },
            Operation::Logout => Reply::Done,
            Operation::ListUsers => Reply::Users(parse_ok(&response)?),
            Operation::ListPipelines => Reply::Pipelines(parse_ok::<Page<Pipeline>>(&response)?.items),
            Operation::Deals(op) => Reply::Deals(record_reply(op, &response)?),
            Operation::Accounts(op) => Reply::Accounts(record_reply(op, &response)?),
            Operation::Contacts(op) => Reply::Contacts(record_reply(op, &response)?),
            Operation::Activities(op) => Reply::Activities(record_reply(op, &response)?),
            Operation::Views(op) => Reply::Views(record_reply(op, &response)?),
            Operation::RestoreDeal { .. } => Reply::Deals(RecordReply::One(parse_ok(&response)?)),
            Operation::Changes { .. } => Reply::Changes(parse_ok(&response)?),
            Operation::Support(op) => Reply::Support(support::response(op, &response)?),
            Operation::Import { .. } => Reply::Imported(parse_ok(&response)?),
            Operation::Merge { kind, .. } if kind == "contacts" => {
                Reply::Contacts(RecordReply::One(parse_ok(&response)?))
            }
            Operation::Merge { .. } => Reply::Accounts(RecordReply::One(parse_ok(&response)?)),
            Operation::Orders(_) => {
                let items: Vec<trato_protocol::support::Order> = parse_ok(&response)?;
                Reply::Orders(Page { items, next_cursor: None })
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::wire::error_from;
    use super::*;

    fn response(status: u16, body: &str) -> HttpResponse {
        HttpResponse { status, headers: vec![("retry-after".into(), "7".into())], body: body.into() }
    }

    #[test]
    fn builds_list_requests_with_encoded_filters() {
        let query =
            ListQuery { filters: vec![("stage_id".into(), "a b&c".into())], limit: Some(10), ..Default::default() };
        let request = TratoConnector.request(&(), &Operation::Deals(RecordOp::List(query))).unwrap();
        assert_eq!(request.method, Method::Get);
        assert_eq!(request.path, "/api/v1/deals?stage_id=a%20b%26c&limit=10");
        assert!(request.body.is_none());
    }

    #[test]
    fn mutations_carry_csrf_version_and_idempotency() {
        let op = Operation::Deals(RecordOp::Update {
            id: "d/1".into(),
            version: Some(4),
            patch: DealPatch::default(),
            idempotency_key: Some("k-1".into()),
        });
        let request = TratoConnector.request(&(), &op).unwrap();
        assert_eq!(request.path, "/api/v1/deals/d%2F1");
        assert!(request.headers.contains(&(IDEMPOTENCY_HEADER.into(), "k-1".into())));
        assert!(request.headers.contains(&(CSRF_HEADER.into(), CSRF_VALUE.into())));
        assert!(request.headers.contains(&("if-match".into(), "\"4\"".into())));
        let login =
            TratoConnector.request(&(), &Operation::Login { email: "a@b.es".into(), password: "x".into() }).unwrap();
        assert!(!login.path.contains("x"), "credentials never go in the URL");
    }

    #[test]
    fn errors_are_typed_even_when_the_body_is_not_json() {
        assert!(matches!(
            error_from(&response(502, "<html>Bad gateway</html>")),
            ConnectorError::Server { status: 502, .. }
        ));
        assert_eq!(error_from(&response(429, "")), ConnectorError::RateLimited(Some(7)));
        let invalid =
            error_from(&response(422, r#"{"code":"validation_failed","message":"m","fields":{"name":"empty"}}"#));
        match invalid {
            ConnectorError::Invalid { fields, .. } => assert_eq!(fields["name"], "empty"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(error_from(&response(412, "{}")), ConnectorError::Conflict(_)));
    }

    #[test]
    fn malformed_success_bodies_are_reported_not_panicked() {
        let op = Operation::ListPipelines;
        let result = TratoConnector.response(&mut (), &op, &mut Rounds::default(), response(200, "{\"items\": 5}"));
        assert!(matches!(result, Err(ConnectorError::Malformed(_))));
    }
}
