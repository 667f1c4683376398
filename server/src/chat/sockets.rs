//! Realtime sockets: a visitor's (the events of its own audience only, after a first message with its token) and
//! the reps' inbox socket (every event; a connected rep counts as online). Both accept the page's own origin only,
//! read small frames only, count against the socket caps (in all, per IP and per session) and belong to their
//! session: they close when it ends (sign-out, a token moved to another identity) or expires.

use super::hub::HubEvent;
use super::visitors::visitor_by_token;
use crate::auth::Rep;
use crate::error::Failure;
use crate::limits::ClientIp;
use crate::serve::Pass;
use crate::state::AppState;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use std::time::Duration;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio::sync::broadcast;
use trato_protocol::*;

/// Largest frame or message a socket reads (clients only send their first message).
pub const MAX_SOCKET_MESSAGE: usize = 4 * 1024;
/// Open sockets per visitor (tabs of the same browser).
pub const SOCKETS_PER_VISITOR: usize = 8;
/// Open sockets per rep session.
pub const SOCKETS_PER_SESSION: usize = 8;
/// Time a visitor socket has to send its token.
pub const HELLO_SECONDS: u64 = 10;

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

/// Time left until `expires_at` (a protocol timestamp; none left when it cannot be read).
fn until(expires_at: &str) -> Duration {
    let left = OffsetDateTime::parse(expires_at, &Rfc3339).map(|at| at - OffsetDateTime::now_utc()).unwrap_or_default();
    left.try_into().unwrap_or_default()
}

/// Checks what every socket must pass before the upgrade: the page's own origin and room under the caps.
fn admit(state: &AppState, headers: &HeaderMap, ip: &str) -> Result<Pass, Failure> {
    if !same_origin(headers) {
        return Err(Failure::new(ErrorCode::Forbidden, "Wrong origin."));
    }
    let ip = ip.parse().unwrap_or(std::net::IpAddr::from([0, 0, 0, 0]));
    state.sockets.try_admit(ip).ok_or_else(crate::limits::refused)
}

fn limit(ws: WebSocketUpgrade) -> WebSocketUpgrade {
    ws.max_message_size(MAX_SOCKET_MESSAGE).max_frame_size(MAX_SOCKET_MESSAGE)
}

/// `GET /widget/socket`: the visitor's realtime events. The first message must be `{"token": "..."}`.
pub async fn widget_socket(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let pass = match admit(&state, &headers, &ip) {
        Ok(pass) => pass,
        Err(refusal) => return refusal.into_response(),
    };
    limit(ws).on_upgrade(move |mut socket| async move {
        let _pass = pass;
        let hello = tokio::time::timeout(Duration::from_secs(HELLO_SECONDS), socket.recv()).await;
        let token = match hello {
            Ok(Some(Ok(Message::Text(text)))) => serde_json::from_str::<SocketHello>(&text).ok().and_then(|h| h.token),
            _ => None,
        };
        let visitor = token.and_then(|t| visitor_by_token(&state.read(), &t).ok().flatten());
        let Some(session) = visitor else {
            let _ = socket.send(Message::Close(None)).await;
            return;
        };
        let Some(_open) = state.hub.open_socket(format!("visitor:{}", session.visitor.id), SOCKETS_PER_VISITOR) else {
            let _ = socket.send(Message::Close(None)).await;
            return;
        };
        let mut identity = session.identity();
        let expiry = tokio::time::sleep(until(&session.expires_at));
        tokio::pin!(expiry);
        let mut events = state.hub.subscribe();
        loop {
            tokio::select! {
                event = events.recv() => match event {
                    Ok(HubEvent::Chat { audience, event }) => {
                        let own_typing = matches!(*event, ChatEvent::Typing { author: ChatAuthor::Visitor, .. });
                        if audience.includes(&session.visitor.id, identity.as_deref())
                            && !own_typing
                            && !send_event(&mut socket, &event).await
                        {
                            break;
                        }
                    }
                    Ok(HubEvent::Identified { visitor_id, identity: verified }) if visitor_id == session.visitor.id => {
                        identity = Some(verified);
                    }
                    Ok(HubEvent::SessionEnded { token_hash }) if token_hash == session.token_hash => break,
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => break,
                },
                incoming = socket.recv() => match incoming {
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => {}
                },
                _ = &mut expiry => break,
            }
        }
        let _ = socket.send(Message::Close(None)).await;
    })
}

/// `GET /inbox/socket`: every chat event, for reps (session cookie; the page's own origin only). A connected rep
/// counts as online. It closes when the rep signs out or the session expires.
pub async fn inbox_socket(
    State(state): State<AppState>,
    rep: Rep,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let pass = match admit(&state, &headers, &ip) {
        Ok(pass) => pass,
        Err(refusal) => return refusal.into_response(),
    };
    let Some(open) = state.hub.open_socket(format!("rep:{}", rep.token_hash), SOCKETS_PER_SESSION) else {
        return crate::limits::refused().into_response();
    };
    limit(ws).on_upgrade(move |mut socket| async move {
        let (_pass, _open) = (pass, open);
        let _online = state.hub.rep_online();
        let expiry = tokio::time::sleep(until(&rep.expires_at));
        tokio::pin!(expiry);
        let mut events = state.hub.subscribe();
        loop {
            tokio::select! {
                event = events.recv() => match event {
                    Ok(HubEvent::Chat { event, .. }) => {
                        let own_typing = matches!(*event, ChatEvent::Typing { author: ChatAuthor::Rep, .. });
                        if !own_typing && !send_event(&mut socket, &event).await {
                            break;
                        }
                    }
                    Ok(HubEvent::SessionEnded { token_hash }) if token_hash == rep.token_hash => break,
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => break,
                },
                incoming = socket.recv() => match incoming {
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => {}
                },
                _ = &mut expiry => break,
            }
        }
        let _ = socket.send(Message::Close(None)).await;
    })
}
