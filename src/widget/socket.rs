//! The realtime connection: a WebSocket to `/api/v1/widget/socket` whose first message is the visitor's token.
//! It reconnects with growing pauses and backfills whatever was missed meanwhile.

use super::Chat;
use crate::connector::widget::WidgetOp;
use leptos::prelude::*;
use std::cell::Cell;
use std::rc::Rc;
use trato_protocol::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Longest pause between reconnection attempts.
const MAX_PAUSE_MS: u32 = 30_000;

fn socket_url() -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" { "wss" } else { "ws" };
    Some(format!("{scheme}://{}{API_PREFIX}/widget/socket", location.host().ok()?))
}

fn handle(chat: Chat, event: ChatEvent) {
    match event {
        ChatEvent::Message { message } => {
            if message.author == ChatAuthor::Rep {
                chat.rep_typing.set(false);
            }
            chat.note_incoming(&message);
            chat.upsert(message);
        }
        ChatEvent::Typing { author: ChatAuthor::Rep, typing, .. } => chat.rep_typing.set(typing),
        ChatEvent::Typing { .. } => {}
        ChatEvent::Read { reader: ChatAuthor::Rep, up_to, .. } => chat.messages.update(|list| {
            for shown in list.iter_mut() {
                if shown.message.author == ChatAuthor::Visitor
                    && shown.message.read_at.is_none()
                    && shown.message.created_at <= up_to
                {
                    shown.message.read_at = Some(up_to.clone());
                }
            }
        }),
        ChatEvent::Read { .. } => {}
        ChatEvent::Conversation { conversation } => {
            super::bridge::tell_active(conversation.status == ConversationStatus::Open);
            chat.conversation.set(Some(conversation));
        }
    }
}

/// Opens the connection and keeps it open.
pub fn connect(chat: Chat) {
    let pause = Rc::new(Cell::new(1_000u32));
    open(chat, pause, false);
}

fn open(chat: Chat, pause: Rc<Cell<u32>>, reconnect: bool) {
    let (Some(url), Some(token)) = (socket_url(), chat.token.get_untracked()) else { return };
    let Ok(socket) = web_sys::WebSocket::new(&url) else { return };
    let hello = serde_json::to_string(&SocketHello { token: Some(token) }).unwrap_or_default();
    let sender = socket.clone();
    let pause_on_open = pause.clone();
    let on_open = Closure::<dyn Fn()>::new(move || {
        let _ = sender.send_with_str(&hello);
        pause_on_open.set(1_000);
        chat.connected.set(true);
        if reconnect {
            leptos::task::spawn_local(async move { chat.backfill().await });
        }
    });
    let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        let Some(text) = event.data().as_string() else { return };
        if let Ok(event) = serde_json::from_str::<ChatEvent>(&text) {
            handle(chat, event);
        }
    });
    let on_close = Closure::<dyn Fn()>::new(move || {
        chat.connected.set(false);
        let wait = pause.get();
        pause.set((wait * 2).min(MAX_PAUSE_MS));
        let pause = pause.clone();
        leptos::task::spawn_local(async move {
            crate::store::desk::sleep(wait).await;
            open(chat, pause, true);
        });
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    on_open.forget();
    on_message.forget();
    on_close.forget();
}

/// Tells the rep the visitor is typing (at most every few seconds) and stops after a pause.
pub fn typing(chat: Chat, last: StoredValue<f64>) {
    let now = js_sys::Date::now();
    if chat.token.get_untracked().is_none() || now - last.get_value() < 3_000.0 {
        return;
    }
    last.set_value(now);
    leptos::task::spawn_local(async move {
        let _ = chat.run(WidgetOp::Typing(true)).await;
        crate::store::desk::sleep(4_000).await;
        if js_sys::Date::now() - last.try_get_value().unwrap_or(0.0) >= 3_900.0 {
            let _ = chat.run(WidgetOp::Typing(false)).await;
        }
    });
}
