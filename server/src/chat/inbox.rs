//! The reps' inbox: conversations (open first, longest waiting first), answering, typing, assigning, closing,
//! and converting a conversation into a contact, a lead or (for a portal customer) a case.

use super::conversations::{add_message, link, load_conversation, mark_read, messages};
use super::hub::Audience;
use super::leads::{contact_for, create_lead};
use super::visitors::link_contact;
use crate::auth::Rep;
use crate::error::{check, json_body, ApiJson, Failure};
use crate::state::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rusqlite::{params, OptionalExtension};
use trato_protocol::*;

/// Most conversations `GET /inbox` answers with.
pub const INBOX_LIMIT: u32 = 200;

/// `GET /inbox[?contact_id=|account_id=]`: conversations, open ones first, the longest waiting first; or one
/// customer's: those of the visitors linked to the contact, or to any contact of the account, newest first.
pub async fn inbox(State(state): State<AppState>, _rep: Rep, RawQuery(raw): RawQuery) -> Result<Response, Failure> {
    let conn = state.db();
    let choices = [
        ("contact_id", "v.contact_id = ?1"),
        ("account_id", "v.contact_id IN (SELECT id FROM contacts WHERE f_account_id = ?1 AND deleted = 0)"),
    ];
    let filter = crate::cases::one_filter(raw, &choices)?;
    let ids: Vec<String> = match &filter {
        None => {
            let mut stmt = conn.prepare(&format!(
                "SELECT id FROM conversations ORDER BY status = 'open' DESC, last_message_at DESC LIMIT {INBOX_LIMIT}"
            ))?;
            let rows = stmt.query_map([], |row| row.get(0))?;
            rows.collect::<Result<_, _>>()?
        }
        Some((condition, value)) => {
            let mut stmt = conn.prepare(&format!(
                "SELECT c.id FROM conversations c JOIN visitors v ON v.id = c.visitor_id WHERE {condition} \
                 ORDER BY c.last_message_at DESC LIMIT {INBOX_LIMIT}"
            ))?;
            let rows = stmt.query_map(params![value], |row| row.get(0))?;
            rows.collect::<Result<_, _>>()?
        }
    };
    let mut list = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(conversation) = load_conversation(&conn, &id)? {
            list.push(conversation);
        }
    }
    Ok(json_body(&list))
}

/// `GET /inbox/{id}`: a conversation with its messages; the visitor's messages are now read.
pub async fn inbox_get(State(state): State<AppState>, _rep: Rep, Path(id): Path<String>) -> Result<Response, Failure> {
    let conn = state.db();
    let conversation = load_conversation(&conn, &id)?.ok_or_else(|| Failure::not_found("conversation"))?;
    mark_read(&state, &conn, &conversation, ChatAuthor::Rep)?;
    let conversation = load_conversation(&conn, &id)?.ok_or_else(|| Failure::not_found("conversation"))?;
    Ok(json_body(&ConversationView { messages: messages(&conn, &id, None)?, conversation }))
}

/// `POST /inbox/{id}/messages`: a rep answers.
pub async fn inbox_message(
    State(state): State<AppState>,
    rep: Rep,
    Path(id): Path<String>,
    ApiJson(new): ApiJson<NewChatMessage>,
) -> Result<Response, Failure> {
    check(new.errors())?;
    let conn = state.db();
    let conversation = load_conversation(&conn, &id)?.ok_or_else(|| Failure::not_found("conversation"))?;
    let message = add_message(&conn, &id, ChatAuthor::Rep, &rep.user.name, &new)?;
    mark_read(&state, &conn, &conversation, ChatAuthor::Rep)?;
    if conversation.assignee_id.is_none() {
        conn.execute("UPDATE conversations SET assignee_id = ?2 WHERE id = ?1", params![id, rep.user.id])?;
    }
    state.hub.send(Audience::of(&conversation), ChatEvent::Message { message: message.clone() });
    let mut response = json_body(&message);
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

/// `POST /inbox/{id}/typing`.
pub async fn inbox_typing(
    State(state): State<AppState>,
    _rep: Rep,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Typing>,
) -> Result<Response, Failure> {
    let conversation = load_conversation(&state.db(), &id)?.ok_or_else(|| Failure::not_found("conversation"))?;
    let event = ChatEvent::Typing { conversation_id: id, author: ChatAuthor::Rep, typing: body.typing };
    state.hub.send(Audience::of(&conversation), event);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `PATCH /inbox/{id}`: assign, close or reopen.
pub async fn inbox_update(
    State(state): State<AppState>,
    _rep: Rep,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<ConversationPatch>,
) -> Result<Response, Failure> {
    let conn = state.db();
    load_conversation(&conn, &id)?.ok_or_else(|| Failure::not_found("conversation"))?;
    if let Some(assignee) = &patch.assignee_id {
        let assignee = (!assignee.is_empty()).then_some(assignee.as_str());
        if let Some(user) = assignee {
            if !crate::users::exists(&conn, user)? {
                let mut fields = FieldErrors::new();
                fields.insert("assignee_id".into(), "no such user".into());
                return Err(Failure(ApiError::validation(fields)));
            }
        }
        conn.execute("UPDATE conversations SET assignee_id = ?2 WHERE id = ?1", params![id, assignee])?;
    }
    if let Some(status) = patch.status {
        let text = if status == ConversationStatus::Closed { "closed" } else { "open" };
        conn.execute("UPDATE conversations SET status = ?2 WHERE id = ?1", params![id, text])?;
    }
    let conversation = load_conversation(&conn, &id)?.ok_or_else(|| Failure::not_found("conversation"))?;
    state.hub.send(Audience::of(&conversation), ChatEvent::Conversation { conversation: conversation.clone() });
    Ok(json_body(&conversation))
}

/// `POST /inbox/{id}/convert`: the conversation becomes a contact, a deal (lead) or, for a portal customer whose
/// address the site verified, a case. A typed-in address never matches an existing contact or customer.
pub async fn inbox_convert(
    State(state): State<AppState>,
    rep: Rep,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Convert>,
) -> Result<Response, Failure> {
    let conn = state.db();
    let conversation = load_conversation(&conn, &id)?.ok_or_else(|| Failure::not_found("conversation"))?;
    // Converting again (a second click, a retry) returns what the first conversion made.
    if let Some(made) = conversation.links.iter().find(|l| l.kind == body.to) {
        return Ok(json_body(made));
    }
    let refuse_field = |field: &str, message: &str| {
        let mut fields = FieldErrors::new();
        fields.insert(field.into(), message.into());
        Failure(ApiError::validation(fields))
    };
    let refuse = |message: &str| refuse_field("to", message);
    let deal_name = match body.deal_name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => {
            let mut fields = FieldErrors::new();
            validate::check_required(&mut fields, "deal_name", name, validate::MAX_NAME);
            if !fields.is_empty() {
                return Err(Failure(ApiError::validation(fields)));
            }
            Some(name.to_string())
        }
        None => None,
    };
    let visitor = conversation.visitor;
    let Some(email) = visitor.email.clone() else { return Err(refuse("the visitor has not given an e-mail")) };
    let name = visitor.name.clone().unwrap_or_else(|| email.clone());
    let transcript: String = messages(&conn, &id, None)?
        .iter()
        .map(|m| format!("{}: {}", if m.author_name.is_empty() { &name } else { &m.author_name }, m.body))
        .collect::<Vec<_>>()
        .join("\n");
    let tx = conn.unchecked_transaction()?;
    // The visitor's contact: the one linked already, else one for their address (matched only when verified).
    let contact = || -> Result<String, Failure> {
        if let Some(contact) = &visitor.contact_id {
            return Ok(contact.clone());
        }
        let contact = contact_for(&tx, &name, &email, visitor.email_verified)?;
        link_contact(&tx, &visitor.id, &contact)?;
        Ok(contact)
    };
    let converted = match body.to.as_str() {
        "contact" => Converted { kind: "contact".into(), id: contact()? },
        "deal" => {
            let contact = contact()?;
            let title = deal_name.unwrap_or_else(|| name.clone());
            let deal = create_lead(&tx, &title, &contact, &transcript, Some(&rep.user.id))?;
            Converted { kind: "deal".into(), id: deal }
        }
        "case" if !visitor.email_verified => {
            return Err(refuse(
                "the visitor's e-mail was typed in, not verified by the site; a case needs a verified one",
            ))
        }
        "case" => {
            let customer_id: Option<String> = tx
                .query_row("SELECT id FROM customers WHERE email = ?1", params![email], |row| row.get(0))
                .optional()?;
            let customer = customer_id
                .and_then(|cid| crate::portal_auth::customer(&tx, &cid).ok().flatten())
                .ok_or_else(|| refuse("the visitor is not a portal customer"))?;
            let first = messages(&tx, &id, None)?.into_iter().find(|m| m.author == ChatAuthor::Visitor);
            let subject: String = first.map(|m| m.body).unwrap_or_else(|| name.clone()).chars().take(120).collect();
            let new = NewCase {
                subject,
                description: transcript,
                category: "other".into(),
                priority: CasePriority::Normal,
                attachment_ids: vec![],
            };
            Converted { kind: "case".into(), id: crate::cases::open_case(&tx, &state, &customer, &new)? }
        }
        _ => return Err(refuse("must be contact, deal or case")),
    };
    link(&tx, &id, &converted)?;
    tx.commit()?;
    // Every rep's inbox shows the link from the chat to what it became.
    if let Some(conversation) = load_conversation(&conn, &id)? {
        state.hub.send(Audience::of(&conversation), ChatEvent::Conversation { conversation });
    }
    Ok(json_body(&converted))
}
