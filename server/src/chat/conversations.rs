//! Conversations and their messages as stored: reading them with unread counts and waiting times, adding a
//! message, and read marks (announced through the hub).

use super::hub::Audience;
use super::visitors::{visitor_by_id, VisitorSession};
use crate::error::Failure;
use crate::state::AppState;
use crate::{clock, db};
use rusqlite::{params, Connection, OptionalExtension};
use trato_protocol::*;

const CONVERSATION_COLUMNS: &str = "c.id, c.site_key, c.visitor_id, c.status, c.assignee_id, c.created_at, c.last_message_at, \
    (SELECT COUNT(*) FROM chat_messages m WHERE m.conversation_id = c.id AND m.author = 'visitor' AND m.read_at IS NULL), \
    (SELECT MIN(m.created_at) FROM chat_messages m WHERE m.conversation_id = c.id AND m.author = 'visitor' \
       AND m.created_at > COALESCE((SELECT MAX(r.created_at) FROM chat_messages r WHERE r.conversation_id = c.id AND r.author = 'rep'), '')), \
    c.rating_score, c.rating_comment, \
    (SELECT substr(m.body, 1, 140) FROM chat_messages m WHERE m.conversation_id = c.id AND m.author = 'visitor' \
       ORDER BY m.created_at, m.rowid LIMIT 1)";

pub(super) fn load_conversation(conn: &Connection, id: &str) -> Result<Option<Conversation>, Failure> {
    let sql = format!("SELECT {CONVERSATION_COLUMNS} FROM conversations c WHERE c.id = ?1");
    let row = conn
        .query_row(&sql, params![id], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, Option<String>>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, String>(6)?,
                row.get::<_, i64>(7)?,
                row.get::<_, Option<String>>(8)?,
                row.get::<_, Option<u8>>(9)?,
                row.get::<_, Option<String>>(10)?,
                row.get::<_, Option<String>>(11)?,
            ))
        })
        .optional()?;
    let Some((
        id,
        site,
        visitor_id,
        status,
        assignee_id,
        created_at,
        last_message_at,
        unread,
        waiting,
        score,
        comment,
        preview,
    )) = row
    else {
        return Ok(None);
    };
    let visitor = visitor_by_id(conn, &visitor_id)?.ok_or_else(|| Failure::not_found("visitor"))?;
    let id_for_links = id.clone();
    Ok(Some(Conversation {
        id,
        site,
        visitor,
        status: if status == "closed" { ConversationStatus::Closed } else { ConversationStatus::Open },
        assignee_id,
        created_at,
        last_message_at,
        unread: unread as u32,
        waiting_since: waiting,
        rating: score.map(|score| Rating { score, comment: comment.unwrap_or_default() }),
        links: links(conn, &id_for_links)?,
        preview,
    }))
}

/// The records made from conversation `id`, oldest first.
pub(super) fn links(conn: &Connection, id: &str) -> Result<Vec<Converted>, Failure> {
    let mut stmt = conn.prepare(
        "SELECT kind, target_id FROM conversation_links WHERE conversation_id = ?1 ORDER BY created_at, kind",
    )?;
    let rows = stmt.query_map(params![id], |row| Ok(Converted { kind: row.get(0)?, id: row.get(1)? }))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Records that conversation `id` was made into `converted`.
pub(super) fn link(conn: &Connection, id: &str, converted: &Converted) -> Result<(), Failure> {
    conn.execute(
        "INSERT INTO conversation_links (conversation_id, kind, target_id, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![id, converted.kind, converted.id, crate::clock::now()],
    )?;
    Ok(())
}

pub(super) fn messages(
    conn: &Connection,
    conversation_id: &str,
    after: Option<&str>,
) -> Result<Vec<ChatMessage>, Failure> {
    let mut stmt = conn.prepare(
        "SELECT id, conversation_id, author, author_name, body, client_id, created_at, read_at FROM chat_messages
         WHERE conversation_id = ?1 AND created_at > ?2 ORDER BY created_at, rowid",
    )?;
    let rows = stmt.query_map(params![conversation_id, after.unwrap_or("")], message_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn message_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<ChatMessage> {
    let author: String = row.get(2)?;
    Ok(ChatMessage {
        id: row.get(0)?,
        conversation_id: row.get(1)?,
        author: if author == "rep" { ChatAuthor::Rep } else { ChatAuthor::Visitor },
        author_name: row.get(3)?,
        body: row.get(4)?,
        client_id: row.get(5)?,
        created_at: row.get(6)?,
        read_at: row.get(7)?,
    })
}

/// The visitor's latest conversation (open first, else the last closed one; only open ones with `open_only`),
/// among their own and, when their identity is verified, those of every session of the same user on the site.
pub(super) fn current_conversation(
    conn: &Connection,
    session: &VisitorSession,
    open_only: bool,
) -> Result<Option<String>, Failure> {
    Ok(conn
        .prepare_cached(
            "SELECT c.id FROM conversations c
             WHERE (c.visitor_id = ?1 OR (?2 IS NOT NULL AND c.visitor_id IN
                     (SELECT v.id FROM visitors v WHERE v.site_key = ?3 AND v.verified_user_id = ?2)))
               AND (?4 = 0 OR c.status = 'open')
             ORDER BY c.status = 'open' DESC, c.created_at DESC LIMIT 1",
        )?
        .query_row(params![session.visitor.id, session.visitor.user_id, session.site, open_only], |row| row.get(0))
        .optional()?)
}

pub(super) fn add_message(
    conn: &Connection,
    conversation_id: &str,
    author: ChatAuthor,
    author_name: &str,
    new: &NewChatMessage,
) -> Result<ChatMessage, Failure> {
    let id = db::new_id("chm");
    let now = clock::now();
    let author_text = if author == ChatAuthor::Rep { "rep" } else { "visitor" };
    conn.execute(
        "INSERT INTO chat_messages (id, conversation_id, author, author_name, body, client_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, conversation_id, author_text, author_name, new.body.trim_end(), new.client_id, now],
    )?;
    conn.execute("UPDATE conversations SET last_message_at = ?2 WHERE id = ?1", params![conversation_id, now])?;
    Ok(conn.query_row(
        "SELECT id, conversation_id, author, author_name, body, client_id, created_at, read_at FROM chat_messages WHERE id = ?1",
        params![id],
        message_row,
    )?)
}

pub(super) fn mark_read(
    state: &AppState,
    conn: &Connection,
    conversation: &Conversation,
    reader: ChatAuthor,
) -> Result<(), Failure> {
    let conversation_id = conversation.id.as_str();
    let now = clock::now();
    let written_by = if reader == ChatAuthor::Rep { "visitor" } else { "rep" };
    let changed = conn.execute(
        "UPDATE chat_messages SET read_at = ?3 WHERE conversation_id = ?1 AND author = ?2 AND read_at IS NULL",
        params![conversation_id, written_by, now],
    )?;
    if changed > 0 {
        let event = ChatEvent::Read { conversation_id: conversation_id.into(), reader, up_to: now };
        state.hub.send(Audience::of(conversation), event);
    }
    Ok(())
}
