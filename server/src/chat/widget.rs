//! The visitor's chat endpoints: the current conversation, writing (the first message opens a conversation, rate
//! limited per IP), typing, read marks, rating, and leaving a message when nobody is there (a lead).

use super::conversations::{add_message, current_conversation, load_conversation, mark_read, messages};
use super::leads::create_lead;
use super::visitors::{set_visitor, VisitorSession};
use crate::error::{check, json_body, ApiJson, Failure};
use crate::portal_auth::{rate_limit, ClientIp};
use crate::state::AppState;
use crate::{clock, db};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rusqlite::{params, OptionalExtension};
use serde::Deserialize;
use trato_protocol::*;

/// New conversations allowed per IP in the rate-limit window.
pub const CONVERSATIONS_PER_IP: i64 = 10;

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
    let conn = state.db();
    let Some(id) = current_conversation(&conn, &session.visitor.id)? else {
        return Ok(json_body(&None::<ConversationView>));
    };
    let conversation = load_conversation(&conn, &id)?.ok_or_else(|| Failure::not_found("conversation"))?;
    Ok(json_body(&Some(ConversationView { messages: messages(&conn, &id, query.after.as_deref())?, conversation })))
}

/// `POST /widget/messages`: the visitor writes; the first message opens a conversation (rate limited per IP).
pub async fn widget_message(
    State(state): State<AppState>,
    session: VisitorSession,
    ClientIp(ip): ClientIp,
    ApiJson(new): ApiJson<NewChatMessage>,
) -> Result<Response, Failure> {
    check(new.errors())?;
    let conn = state.db();
    let open: Option<String> = conn
        .query_row(
            "SELECT id FROM conversations WHERE visitor_id = ?1 AND status = 'open' ORDER BY created_at DESC LIMIT 1",
            params![session.visitor.id],
            |row| row.get(0),
        )
        .optional()?;
    let tx = conn.unchecked_transaction()?;
    let (id, started) = match open {
        Some(id) => (id, false),
        None => {
            rate_limit(&tx, "conversation_ip", &ip, CONVERSATIONS_PER_IP)?;
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
    tx.commit()?;
    if started {
        if let Some(conversation) = load_conversation(&conn, &id)? {
            state.hub.send(&session.visitor.id, ChatEvent::Conversation { conversation });
        }
    }
    state.hub.send(&session.visitor.id, ChatEvent::Message { message: message.clone() });
    let mut response = json_body(&message);
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

/// `POST /widget/typing`.
pub async fn widget_typing(
    State(state): State<AppState>,
    session: VisitorSession,
    ApiJson(body): ApiJson<Typing>,
) -> Result<Response, Failure> {
    if let Some(id) = current_conversation(&state.db(), &session.visitor.id)? {
        let event = ChatEvent::Typing { conversation_id: id, author: ChatAuthor::Visitor, typing: body.typing };
        state.hub.send(&session.visitor.id, event);
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /widget/read`: the visitor has seen the rep's messages.
pub async fn widget_read(State(state): State<AppState>, session: VisitorSession) -> Result<Response, Failure> {
    let conn = state.db();
    if let Some(id) = current_conversation(&conn, &session.visitor.id)? {
        mark_read(&state, &conn, &id, &session.visitor.id, ChatAuthor::Visitor)?;
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
    let id = current_conversation(&conn, &session.visitor.id)?.ok_or_else(|| Failure::not_found("conversation"))?;
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
    state.hub.send(&session.visitor.id, ChatEvent::Conversation { conversation: conversation.clone() });
    Ok(json_body(&conversation))
}

/// `POST /widget/offline`: nobody is there; the message becomes a lead (a contact and a deal with the message).
pub async fn widget_offline(
    State(state): State<AppState>,
    session: VisitorSession,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<OfflineMessage>,
) -> Result<Response, Failure> {
    check(body.errors())?;
    let conn = state.db();
    rate_limit(&conn, "conversation_ip", &ip, CONVERSATIONS_PER_IP)?;
    let tx = conn.unchecked_transaction()?;
    let visitor = set_visitor(&tx, &session.visitor.id, Some(body.name.trim()), Some(body.email.trim()), None)?;
    let contact = visitor.contact_id.clone().ok_or_else(|| Failure::new(ErrorCode::Internal, "no contact"))?;
    let title = format!("Mensaje del chat: {}", body.name.trim());
    let id = create_lead(&tx, &title, &contact, &body.body)?;
    tx.commit()?;
    let mut response = json_body(&Converted { kind: "deal".into(), id });
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}
