//! The realtime connection: a live socket (`ui::live`) to `/api/v1/widget/socket` whose first message is the
//! visitor's token; each reconnect backfills whatever was missed meanwhile.

use super::chat::Chat;
use crate::connector::widget::WidgetOp;
use trato_protocol::*;

fn handle(chat: &Chat, event: ChatEvent) {
    match event {
        ChatEvent::Message { message } => {
            if message.author == ChatAuthor::Rep {
                chat.update(|s| s.rep_typing = false);
            }
            chat.note_incoming(&message);
            chat.upsert(message);
        }
        ChatEvent::Typing { author: ChatAuthor::Rep, typing, .. } => chat.update(|s| s.rep_typing = typing),
        ChatEvent::Typing { .. } => {}
        ChatEvent::Read { reader: ChatAuthor::Rep, up_to, .. } => chat.update(|s| {
            for shown in s.messages.iter_mut() {
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
            super::host::tell_active(conversation.status == ConversationStatus::Open);
            chat.update(|s| s.conversation = Some(conversation));
        }
    }
}

/// Opens the connection and keeps it open; every reconnect backfills what was missed.
pub fn connect(chat: Chat) {
    let Some(token) = chat.with(|s| s.token.clone()) else { return };
    let (opened, received) = (chat.clone(), chat.clone());
    crate::ui::live::keep_open(crate::ui::live::Live {
        path: "/api/v1/widget/socket",
        hello: serde_json::to_string(&SocketHello { token: Some(token) }).ok(),
        on_open: Box::new(move |reconnect| {
            if reconnect {
                let chat = opened.clone();
                wasm_bindgen_futures::spawn_local(async move { chat.backfill().await });
            }
        }),
        on_text: Box::new(move |text| {
            if let Ok(event) = serde_json::from_str::<ChatEvent>(&text) {
                handle(&received, event);
            }
        }),
        on_down: Box::new(|| {}),
        wanted: Box::new(|| true),
    });
}

/// Tells the rep the visitor is typing (at most every few seconds) and stops after a pause.
pub fn typing(chat: &Chat) {
    let now = js_sys::Date::now();
    if chat.with(|s| s.token.is_none() || now - s.last_typing < 3_000.0) {
        return;
    }
    chat.update(|s| s.last_typing = now);
    let chat = chat.clone();
    wasm_bindgen_futures::spawn_local(async move {
        // Typing hints are best effort: losing one is harmless.
        let _ = chat.ask(WidgetOp::typing(true)).await;
        crate::browser::timer::sleep(4_000).await;
        if js_sys::Date::now() - chat.with(|s| s.last_typing) >= 3_900.0 {
            let _ = chat.ask(WidgetOp::typing(false)).await;
        }
    });
}
