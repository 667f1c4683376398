//! The Tryton connector: Tryton's JSON-RPC (`POST /<database>/rpc/`) behind the same sans-IO [`Connector`] as
//! the Trato protocol. Facts it relies on are in `shared/reference/backends.md`, checked against Tryton 8.2.
//!
//! - **Session**: `common.db.login` answers a user id and a token; every later call carries
//!   `Authorization: Session base64(login:user_id:token)` (never the URL) and `X-Requested-With`, and the user's
//!   context (company, employee, language) from `res.user.get_preferences` as its last parameter. The session is
//!   the client's to keep ([`Connector::Session`]); this module keeps no state.
//! - **Records**: opportunities are deals (their states are the stages of one pipeline, named by Tryton in the
//!   user's language), parties are accounts and contacts (e-mail and phone from their contact mechanisms),
//!   employees are the reps. Ids are prefixed by kind (`opp-3`, `party-4`, `emp-2`).
//! - **Versions**: a record's `_timestamp` is its version (as microseconds); a write sends it back in the
//!   context and a stale one comes back as `ConcurrencyException`, the client's `Conflict`.
//! - **Moves**: a stage change is Tryton's button for that state (`lead`, `opportunity`, `convert`, `lost`,
//!   `cancel`); "won" has no button (it follows the confirmed sale) and a delete cancels first. When Tryton
//!   leaves the state as it was, the move is refused.
//! - **Several rounds**: a create answers an id, a button nothing: a read follows. What an operation learns
//!   between its rounds (the new id) travels in [`Rounds::carried`].
//! - **Changes**: polled ([`changes`]).

pub mod changes;
pub mod mapping;
pub mod party;
pub mod rpc;

pub use mapping::{deal_of, timestamp_of, version_of, PIPELINE_ID};
pub use rpc::TrytonSession;

use crate::connector::{
    Capabilities, Connector, ConnectorError, HttpRequest, HttpResponse, Operation, RecordOp, RecordReply, Reply,
    Rounds, Step,
};
use changes::Cursor;
use mapping::{
    account_of, button_for, contact_of, deal_values, first, list_params, malformed, order_of, page, party_reply,
    pipeline_of, text, tryton_id, unsupported, DEAL_FIELDS, PARTY_FIELDS, SALE_FIELDS,
};
use party::PartyChange;
use rpc::{result_of, Rpc};
use serde_json::{json, Value};
use trato_protocol::*;

/// Connector for a Tryton server's database.
#[derive(Clone, Debug)]
pub struct TrytonConnector {
    database: String,
}

impl TrytonConnector {
    /// A connector for `database` on the server the transport points at.
    pub fn new(database: &str) -> Self {
        TrytonConnector { database: database.to_string() }
    }

    fn rpc<'a>(&'a self, session: &'a Option<TrytonSession>) -> Rpc<'a> {
        Rpc { database: &self.database, session: session.as_ref() }
    }
}

fn read_deal(rpc: &Rpc<'_>, id: i64) -> HttpRequest {
    rpc.read_one("sale.opportunity", id, &DEAL_FIELDS)
}

/// The rounds after the login token (or of a session check): preferences, then the company, then the user.
fn session_rounds(
    database: &str,
    session: &mut Option<TrytonSession>,
    round: u8,
    result: Value,
) -> Result<Step, ConnectorError> {
    let signed_out = || ConnectorError::Unauthorized("signed out".into());
    match round {
        0 => {
            session.as_mut().ok_or_else(signed_out)?.context = result;
            let rpc = Rpc { database, session: session.as_ref() };
            let company = rpc.context()["company"].as_i64().ok_or_else(|| ConnectorError::Invalid {
                message: "this Tryton user has no company".into(),
                fields: Default::default(),
            })?;
            let fields = json!(["rec_name", "currency.code"]);
            Ok(Step::Next(rpc.call("model.company.company.read", vec![json!([company]), fields])))
        }
        1 => {
            let company = first(&result)?;
            let name = text(company, "rec_name");
            let currency = company["currency."]["code"].as_str().unwrap_or("EUR").to_string();
            let current = session.as_mut().ok_or_else(signed_out)?;
            current.company = Some((name, currency));
            let user = current.user_id;
            let rpc = Rpc { database, session: session.as_ref() };
            Ok(Step::Next(rpc.call("model.res.user.read", vec![json!([user]), json!(["name", "email", "employee"])])))
        }
        _ => {
            let user = first(&result)?;
            let current = session.as_ref().ok_or_else(signed_out)?;
            let (company, currency) = current.company.clone().unwrap_or_default();
            let id = match user["employee"].as_i64() {
                Some(employee) => format!("emp-{employee}"),
                None => format!("user-{}", current.user_id),
            };
            Ok(Step::Reply(Reply::Session(SessionInfo {
                user: User { id, name: text(user, "name"), email: text(user, "email"), role: "rep".into() },
                company,
                currency,
            })))
        }
    }
}

impl Connector for TrytonConnector {
    /// The signed-in session (token and the user's context), `None` when signed out.
    type Session = Option<TrytonSession>;

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            pipelines: false,
            free_stages: false,
            versioned_writes: true,
            cases: false,
            chat: false,
            knowledge_base: false,
            activities: false,
            saved_views: false,
            orders: true,
            account_fields: party::ACCOUNT_FIELDS,
            contact_fields: party::CONTACT_FIELDS,
            new_customers: false,
            import: false,
            merge: false,
        }
    }

    fn request(&self, session: &Self::Session, op: &Operation) -> Result<HttpRequest, ConnectorError> {
        let rpc = self.rpc(session);
        Ok(match op {
            Operation::Login { email, password } => {
                let rpc = Rpc { database: &self.database, session: None };
                rpc.raw_call("common.db.login", vec![json!(email), json!({ "password": password })])
            }
            Operation::Logout => rpc.raw_call("common.db.logout", vec![]),
            Operation::CurrentSession => {
                if session.is_none() {
                    return Err(ConnectorError::Unauthorized("signed out".into()));
                }
                rpc.raw_call("model.res.user.get_preferences", vec![json!(true), json!({})])
            }
            Operation::ListUsers => rpc.call(
                "model.company.employee.search_read",
                vec![
                    json!([]),
                    json!(0),
                    Value::Null,
                    json!([["id", "ASC"]]),
                    json!(["party.rec_name", "party.email"]),
                ],
            ),
            Operation::ListPipelines => rpc.call("model.sale.opportunity.fields_get", vec![json!(["state"])]),
            Operation::Deals(op) => match op {
                RecordOp::List(query) => {
                    let mut params = list_params(query, &DEAL_FIELDS, "description");
                    // The board asks for one stage at a time: Tryton's state.
                    if let Some((_, state)) = query.filters.iter().find(|(field, _)| field == "stage_id") {
                        if let Some(domain) = params[0].as_array_mut() {
                            domain.push(json!(["state", "=", state]));
                        }
                    }
                    rpc.call("model.sale.opportunity.search_read", params)
                }
                RecordOp::Get(id) => read_deal(&rpc, tryton_id(id, "opp")?),
                RecordOp::Create { new, .. } => {
                    let mut values = deal_values(
                        Some(&new.name),
                        Some(new.account_id.as_ref()),
                        Some(new.owner_id.as_ref()),
                        Some(&new.amount),
                        new.expected_close.as_ref().map(Some),
                        None,
                        None,
                    )?;
                    let context = rpc.context();
                    for (field, key) in [("company", "company"), ("employee", "employee")] {
                        if values.get(field).is_none_or(Value::is_null) {
                            values.insert(field.into(), context[key].clone());
                        }
                    }
                    rpc.call("model.sale.opportunity.create", vec![json!([values])])
                }
                RecordOp::Update { id, version, patch, .. } => {
                    let id = tryton_id(id, "opp")?;
                    update_plan(&rpc, id, *version, patch)?.into_iter().next().unwrap_or_else(|| read_deal(&rpc, id))
                }
                RecordOp::Delete { id, version, .. } => {
                    let id = tryton_id(id, "opp")?;
                    rpc.call_at("model.sale.opportunity.cancel", "sale.opportunity", id, *version, vec![json!([id])])
                }
            },
            Operation::Accounts(RecordOp::List(query)) | Operation::Contacts(RecordOp::List(query)) => {
                rpc.call("model.party.party.search_read", list_params(query, &PARTY_FIELDS, "name"))
            }
            Operation::Accounts(RecordOp::Get(id)) | Operation::Contacts(RecordOp::Get(id)) => {
                rpc.read_one("party.party", tryton_id(id, "party")?, &PARTY_FIELDS)
            }
            // A party's name is its own field; its e-mail and phone are contact mechanisms (see `party`).
            Operation::Accounts(RecordOp::Update { id, version, patch, .. }) => {
                party::first_call(&rpc, tryton_id(id, "party")?, *version, &PartyChange::of_account(patch)?)
            }
            Operation::Contacts(RecordOp::Update { id, version, patch, .. }) => {
                party::first_call(&rpc, tryton_id(id, "party")?, *version, &PartyChange::of_contact(patch)?)
            }
            Operation::Accounts(_) | Operation::Contacts(_) => {
                return Err(unsupported("new or deleted parties from Trato"))
            }
            Operation::Activities(_) => return Err(unsupported("activities")),
            Operation::Views(_) => return Err(unsupported("saved board views")),
            Operation::RestoreDeal { .. } => return Err(unsupported("undelete")),
            Operation::Support(_) => return Err(unsupported("support cases or knowledge base")),
            Operation::Import { .. } => return Err(unsupported("bulk import from Trato")),
            Operation::Merge { .. } => return Err(unsupported("merging parties from Trato")),
            Operation::Changes { since, limit } => {
                changes::request(&rpc, &Cursor::parse(since.as_deref()), limit.unwrap_or(DEFAULT_PAGE_SIZE))
            }
            Operation::Orders(query) => {
                let mut params = list_params(query, &SALE_FIELDS, "description");
                if let Some((_, account)) = query.filters.iter().find(|(field, _)| field == "account_id") {
                    params[0] = json!([["party", "=", tryton_id(account, "party")?]]);
                }
                rpc.call("model.sale.sale.search_read", params)
            }
        })
    }

    fn response(
        &self,
        session: &mut Self::Session,
        op: &Operation,
        rounds: &mut Rounds,
        response: HttpResponse,
    ) -> Result<Step, ConnectorError> {
        let result = result_of(&response)?;
        let round = rounds.round;
        match op {
            Operation::Login { email, .. } if round == 0 => {
                let user_id = result.get(0).and_then(Value::as_i64).ok_or_else(|| malformed("login"))?;
                let token = result.get(1).and_then(Value::as_str).ok_or_else(|| malformed("login"))?;
                *session = Some(TrytonSession {
                    login: email.clone(),
                    user_id,
                    token: token.into(),
                    context: json!({}),
                    company: None,
                });
                let rpc = self.rpc(session);
                Ok(Step::Next(rpc.raw_call("model.res.user.get_preferences", vec![json!(true), json!({})])))
            }
            Operation::Login { .. } => session_rounds(&self.database, session, round - 1, result),
            Operation::CurrentSession => session_rounds(&self.database, session, round, result),
            Operation::Logout => {
                *session = None;
                Ok(Step::Reply(Reply::Done))
            }
            Operation::ListUsers => {
                let employees = result.as_array().ok_or_else(|| malformed("employees"))?;
                let users = employees
                    .iter()
                    .map(|e| User {
                        id: format!("emp-{}", e["id"].as_i64().unwrap_or_default()),
                        name: e["party."]["rec_name"].as_str().unwrap_or_default().into(),
                        email: e["party."]["email"].as_str().unwrap_or_default().into(),
                        role: "rep".into(),
                    })
                    .collect();
                Ok(Step::Reply(Reply::Users(users)))
            }
            Operation::ListPipelines => Ok(Step::Reply(Reply::Pipelines(vec![pipeline_of(&result)]))),
            Operation::Deals(op) => deal_response(&self.rpc(session), op, rounds, result),
            Operation::Accounts(update @ RecordOp::Update { id, version, patch, .. }) => {
                let change = PartyChange::of_account(patch)?;
                let id = tryton_id(id, "party")?;
                match party::next_call(&self.rpc(session), id, *version, &change, round, &result)? {
                    Some(call) => Ok(Step::Next(call)),
                    None => Ok(Step::Reply(Reply::Accounts(party_reply(update, &result, account_of)?))),
                }
            }
            Operation::Contacts(update @ RecordOp::Update { id, version, patch, .. }) => {
                let change = PartyChange::of_contact(patch)?;
                let id = tryton_id(id, "party")?;
                match party::next_call(&self.rpc(session), id, *version, &change, round, &result)? {
                    Some(call) => Ok(Step::Next(call)),
                    None => Ok(Step::Reply(Reply::Contacts(party_reply(update, &result, contact_of)?))),
                }
            }
            Operation::Accounts(op) => Ok(Step::Reply(Reply::Accounts(party_reply(op, &result, account_of)?))),
            Operation::Contacts(op) => Ok(Step::Reply(Reply::Contacts(party_reply(op, &result, contact_of)?))),
            Operation::Changes { since, limit } => {
                changes::reply(Cursor::parse(since.as_deref()), limit.unwrap_or(DEFAULT_PAGE_SIZE), result)
            }
            Operation::Orders(query) => {
                let records = result.as_array().ok_or_else(|| malformed("sales"))?;
                let items = records.iter().map(order_of).collect();
                Ok(Step::Reply(Reply::Orders(page(items, query, query.limit.unwrap_or(DEFAULT_PAGE_SIZE)))))
            }
            _ => Err(unsupported("such operation")),
        }
    }
}

/// The calls an update makes before reading the deal back: a write of the changed fields, then the button for
/// a new stage.
fn update_plan(
    rpc: &Rpc<'_>,
    id: i64,
    version: Option<u64>,
    patch: &DealPatch,
) -> Result<Vec<HttpRequest>, ConnectorError> {
    let values = deal_values(
        patch.name.as_ref(),
        patch.account_id.as_ref().map(Option::as_ref),
        patch.owner_id.as_ref().map(Option::as_ref),
        patch.amount.as_ref(),
        patch.expected_close.as_ref().map(Option::as_ref),
        patch.probability,
        patch.lost_reason.as_ref().map(Option::as_ref),
    )?;
    let mut calls = vec![];
    let mut guarded = version;
    if !values.is_empty() {
        calls.push(rpc.call_at(
            "model.sale.opportunity.write",
            "sale.opportunity",
            id,
            guarded,
            vec![json!([id]), Value::Object(values)],
        ));
        // The write changed the timestamp: the button that follows is part of the same change.
        guarded = None;
    }
    if let Some(stage) = &patch.stage_id {
        let button = button_for(stage)?;
        calls.push(rpc.call_at(
            &format!("model.sale.opportunity.{button}"),
            "sale.opportunity",
            id,
            guarded,
            vec![json!([id])],
        ));
    }
    Ok(calls)
}

fn deal_response(
    rpc: &Rpc<'_>,
    op: &RecordOp<NewDeal, DealPatch>,
    rounds: &mut Rounds,
    result: Value,
) -> Result<Step, ConnectorError> {
    let one = |result: &Value| -> Result<Deal, ConnectorError> { Ok(deal_of(first(result)?)) };
    let round = rounds.round;
    match op {
        RecordOp::List(query) => {
            let records = result.as_array().ok_or_else(|| malformed("opportunities"))?;
            let items = records.iter().map(deal_of).collect();
            let limit = query.limit.unwrap_or(DEFAULT_PAGE_SIZE);
            Ok(Step::Reply(Reply::Deals(RecordReply::Page(page(items, query, limit)))))
        }
        RecordOp::Get(_) => Ok(Step::Reply(Reply::Deals(RecordReply::One(one(&result)?)))),
        RecordOp::Create { new, .. } => {
            let wanted = new.stage_id.as_deref().filter(|s| *s != "lead");
            match round {
                0 => {
                    let id = first(&result)?.as_i64().ok_or_else(|| malformed("a new id"))?;
                    // The new id is needed by the read that follows the button.
                    rounds.carried = json!(id);
                    Ok(Step::Next(match wanted {
                        Some(stage) => {
                            rpc.call(&format!("model.sale.opportunity.{}", button_for(stage)?), vec![json!([id])])
                        }
                        None => read_deal(rpc, id),
                    }))
                }
                1 if wanted.is_some() => {
                    let id = rounds.carried.as_i64().ok_or_else(|| malformed("a new id"))?;
                    Ok(Step::Next(read_deal(rpc, id)))
                }
                _ => Ok(Step::Reply(Reply::Deals(RecordReply::One(one(&result)?)))),
            }
        }
        RecordOp::Update { id, version, patch, .. } => {
            let tryton = tryton_id(id, "opp")?;
            let plan = update_plan(rpc, tryton, *version, patch)?;
            let round = usize::from(round);
            if round + 1 < plan.len() {
                return Ok(Step::Next(plan[round + 1].clone()));
            }
            if round + 1 == plan.len() {
                return Ok(Step::Next(read_deal(rpc, tryton)));
            }
            let deal = one(&result)?;
            if let Some(stage) = &patch.stage_id {
                if deal.stage_id != *stage {
                    // Tryton ignores a transition its workflow does not allow: the move is refused.
                    return Err(ConnectorError::Invalid {
                        message: format!("Tryton keeps \"{}\" in state {}", deal.name, deal.stage_id),
                        fields: Default::default(),
                    });
                }
            }
            Ok(Step::Reply(Reply::Deals(RecordReply::One(deal))))
        }
        RecordOp::Delete { id, .. } => {
            let tryton = tryton_id(id, "opp")?;
            if round == 0 {
                return Ok(Step::Next(rpc.call("model.sale.opportunity.delete", vec![json!([tryton])])));
            }
            Ok(Step::Reply(Reply::Deals(RecordReply::Deleted)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_header_is_base64_of_login_user_and_token() {
        assert_eq!(rpc::base64(b"admin:1:abc"), "YWRtaW46MTphYmM=");
        assert_eq!(rpc::base64(b"ab"), "YWI=");
        let session = TrytonSession { login: "admin".into(), user_id: 1, token: "abc".into(), ..Default::default() };
        let request = TrytonConnector::new("trato").request(&Some(session), &Operation::ListUsers).unwrap();
        assert_eq!(request.path, "/trato/rpc/");
        assert!(request.headers.iter().any(|(n, v)| n == "authorization" && v == "Session YWRtaW46MTphYmM="));
        assert!(!request.path.contains("abc"), "the token never goes in the URL");
    }
}
