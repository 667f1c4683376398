//! Realtime sockets: a visitor's (its own conversation's events only, after a first message with its token) and
//! the reps' inbox socket (every event; a connected rep counts as online). Both accept the page's own origin only.

use super::visitors::visitor_by_token;
use crate::auth::Rep;
use crate::error::Failure;
use crate::state::AppState;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast;
use trato_protocol::*;

/// Whether a socket's `Origin` is the server's own (browsers always send it on WebSocket upgrades).
fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()).unwrap_or("");
    !host.is_empty() && (origin == format!("http://{host}") || origin == format!("https://{host}"))
}

async fn send_event(socket: &mut WebSocket, event: &ChatEvent) -> bool {
    let Ok(text) = serde_json::to_string(event) else { return true };
    socket.send(Message::Text(text.into())).await.is_ok()
}

/// `GET /widget/socket`: the visitor's realtime events. The first message must be `{"token": "..."}`.
pub async fn widget_socket(State(state): State<AppState>, headers: HeaderMap, ws: WebSocketUpgrade) -> Response {
    if !same_origin(&headers) {
        return Failure::new(ErrorCode::Forbidden, "Wrong origin.").into_response();
    }
    ws.on_upgrade(move |mut socket| async move {
        let hello = tokio::time::timeout(std::time::Duration::from_secs(10), socket.recv()).await;
        let token = match hello {
            Ok(Some(Ok(Message::Text(text)))) => serde_json::from_str::<SocketHello>(&text).ok().and_then(|h| h.token),
            _ => None,
        };
        let visitor = token.and_then(|t| visitor_by_token(&state.db(), &t).ok().flatten());
        let Some(session) = visitor else {
            let _ = socket.send(Message::Close(None)).await;
            return;
        };
        let mut events = state.hub.subscribe();
        loop {
            tokio::select! {
                event = events.recv() => match event {
                    Ok(event) if event.visitor_id == session.visitor.id => {
                        let own_typing = matches!(event.event, ChatEvent::Typing { author: ChatAuthor::Visitor, .. });
                        if !own_typing && !send_event(&mut socket, &event.event).await {
                            break;
                        }
                    }
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => break,
                },
                incoming = socket.recv() => match incoming {
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => {}
                },
            }
        }
    })
}

/// `GET /inbox/socket`: every chat event, for reps (session cookie; the page's own origin only). A connected rep
/// counts as online.
pub async fn inbox_socket(
    State(state): State<AppState>,
    _rep: Rep,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if !same_origin(&headers) {
        return Failure::new(ErrorCode::Forbidden, "Wrong origin.").into_response();
    }
    ws.on_upgrade(move |mut socket| async move {
        let _online = state.hub.rep_online();
        let mut events = state.hub.subscribe();
        loop {
            tokio::select! {
                event = events.recv() => match event {
                    Ok(event) => {
                        let own_typing = matches!(event.event, ChatEvent::Typing { author: ChatAuthor::Rep, .. });
                        if !own_typing && !send_event(&mut socket, &event.event).await {
                            break;
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => break,
                },
                incoming = socket.recv() => match incoming {
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => {}
                },
            }
        }
    })
}
