//! The visitor's chat endpoints: the current conversation, writing and typing (rate limited per visitor and per
//! IP; the first message opens a conversation, rate limited per IP), read marks, rating, and leaving a message
//! when nobody is there (a lead).

use super::conversations::{add_message, current_conversation, load_conversation, mark_read, messages};
use super::hub::Audience;
use super::leads::{contact_for, create_lead};
use super::visitors::{claim, extend, link_contact, VisitorSession};
use crate::error::{check, json_body, ApiJson, Failure};
use crate::limits::{self, ClientIp};
use crate::state::AppState;
use crate::{clock, db};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rusqlite::params;
use serde::Deserialize;
use trato_protocol::*;

/// Query of `GET /widget/conversation`.
#[derive(Deserialize)]
pub struct AfterQuery {
    after: Option<String>,
}

/// `GET /widget/conversation?after=`: the visitor's current conversation and its messages (after a time, for a
/// backfill after reconnecting), or `null`.
pub async fn widget_conversation(
    State(state): State<AppState>,
    session: VisitorSession,
    Query(query): Query<AfterQuery>,
) -> Result<Response, Failure> {
    let conn = state.read();
    let Some(id) = current_conversation(&conn, &session, false)? else {
        return Ok(json_body(&None::<ConversationView>));
    };
    let conversation = load_conversation(&conn, &id)?.ok_or_else(|| Failure::not_found("conversation"))?;
    Ok(json_body(&Some(ConversationView { messages: messages(&conn, &id, query.after.as_deref())?, conversation })))
}

/// `POST /widget/messages`: the visitor writes (rate limited per visitor and per IP); the first message opens a
/// conversation (rate limited per IP) and keeps the visitor's token for another month.
pub async fn widget_message(
    State(state): State<AppState>,
    session: VisitorSession,
    ClientIp(ip): ClientIp,
    ApiJson(new): ApiJson<NewChatMessage>,
) -> Result<Response, Failure> {
    check(new.errors())?;
    let conn = state.db();
    limits::check(&conn, &limits::MESSAGES_PER_VISITOR, &session.visitor.id)?;
    limits::check(&conn, &limits::MESSAGES_PER_IP, &ip)?;
    let open = current_conversation(&conn, &session, true)?;
    let tx = conn.unchecked_transaction()?;
    let (id, started) = match open {
        Some(id) => (id, false),
        None => {
            limits::check(&tx, &limits::CONVERSATIONS_PER_IP, &ip)?;
            let id = db::new_id("cnv");
            let now = clock::now();
            tx.execute(
                "INSERT INTO conversations (id, site_key, visitor_id, status, created_at, last_message_at)
                 VALUES (?1, ?2, ?3, 'open', ?4, ?4)",
                params![id, session.site, session.visitor.id, now],
            )?;
            (id, true)
        }
    };
    let name = session.visitor.name.clone().unwrap_or_default();
    let message = add_message(&tx, &id, ChatAuthor::Visitor, &name, &new)?;
    extend(&tx, &session.visitor.id)?;
    tx.commit()?;
    let conversation = load_conversation(&conn, &id)?.ok_or_else(|| Failure::not_found("conversation"))?;
    let audience = Audience::of(&conversation);
    if started {
        state.hub.send(audience.clone(), ChatEvent::Conversation { conversation });
    }
    state.hub.send(audience, ChatEvent::Message { message: message.clone() });
    let mut response = json_body(&message);
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

/// `POST /widget/typing` (rate limited per visitor and per IP).
pub async fn widget_typing(
    State(state): State<AppState>,
    session: VisitorSession,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<Typing>,
) -> Result<Response, Failure> {
    let conn = state.db();
    limits::check(&conn, &limits::TYPING_PER_VISITOR, &session.visitor.id)?;
    limits::check(&conn, &limits::TYPING_PER_IP, &ip)?;
    if let Some(id) = current_conversation(&conn, &session, false)? {
        let conversation = load_conversation(&conn, &id)?.ok_or_else(|| Failure::not_found("conversation"))?;
        let event = ChatEvent::Typing { conversation_id: id, author: ChatAuthor::Visitor, typing: body.typing };
        state.hub.send(Audience::of(&conversation), event);
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /widget/read`: the visitor has seen the rep's messages.
pub async fn widget_read(State(state): State<AppState>, session: VisitorSession) -> Result<Response, Failure> {
    let conn = state.db();
    if let Some(id) = current_conversation(&conn, &session, false)? {
        let conversation = load_conversation(&conn, &id)?.ok_or_else(|| Failure::not_found("conversation"))?;
        mark_read(&state, &conn, &conversation, ChatAuthor::Visitor)?;
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /widget/rating`: rates the visitor's closed conversation.
pub async fn widget_rating(
    State(state): State<AppState>,
    session: VisitorSession,
    ApiJson(rating): ApiJson<Rating>,
) -> Result<Response, Failure> {
    check(rating.errors())?;
    let conn = state.db();
    let id = current_conversation(&conn, &session, false)?.ok_or_else(|| Failure::not_found("conversation"))?;
    let changed = conn.execute(
        "UPDATE conversations SET rating_score = ?2, rating_comment = ?3 WHERE id = ?1 AND status = 'closed'",
        params![id, rating.score, rating.comment.trim()],
    )?;
    if changed == 0 {
        let mut fields = FieldErrors::new();
        fields.insert("score".into(), "only an ended conversation can be rated".into());
        return Err(Failure(ApiError::validation(fields)));
    }
    let conversation = load_conversation(&conn, &id)?.ok_or_else(|| Failure::not_found("conversation"))?;
    state.hub.send(Audience::of(&conversation), ChatEvent::Conversation { conversation: conversation.clone() });
    Ok(json_body(&conversation))
}

/// `POST /widget/offline`: nobody is there; the message becomes a lead: a new contact with the address given
/// (typed in, so unverified: never matched to an existing contact) and a deal with the message.
pub async fn widget_offline(
    State(state): State<AppState>,
    session: VisitorSession,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<OfflineMessage>,
) -> Result<Response, Failure> {
    check(body.errors())?;
    let conn = state.db();
    limits::check(&conn, &limits::CONVERSATIONS_PER_IP, &ip)?;
    let tx = conn.unchecked_transaction()?;
    let visitor = claim(&tx, &session.visitor, body.name.trim(), body.email.trim())?;
    let contact = match visitor.contact_id {
        Some(contact) => contact,
        None => {
            let email = visitor.email.as_deref().unwrap_or_default();
            let contact = contact_for(&tx, body.name.trim(), email, visitor.email_verified)?;
            link_contact(&tx, &visitor.id, &contact)?;
            contact
        }
    };
    let title = format!("Mensaje del chat: {}", body.name.trim());
    let id = create_lead(&tx, &title, &contact, &body.body, None)?;
    tx.commit()?;
    let mut response = json_body(&Converted { kind: "deal".into(), id });
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}
