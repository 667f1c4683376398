//! The `postMessage` bridge with `embed.js` on the host page: versioned `{trato: 1, type, ...}` messages, sent to
//! the host's exact origin and accepted only from it and from `window.parent`. Nothing in a message is ever used
//! as a URL or a credential.

use js_sys::{Object, Reflect};
use std::cell::RefCell;
use trato_protocol::Identify;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    /// The host origin, once known.
    static HOST: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn message(kind: &str, fields: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    let _ = Reflect::set(&object, &"trato".into(), &1.into());
    let _ = Reflect::set(&object, &"type".into(), &kind.into());
    for (key, value) in fields {
        let _ = Reflect::set(&object, &(*key).into(), value);
    }
    object
}

/// Sends a message to the host page (nothing when the widget is not framed or the host is unknown).
fn send(kind: &str, fields: &[(&str, JsValue)]) {
    let Some(host) = HOST.with(|h| h.borrow().clone()) else { return };
    let Some(window) = web_sys::window() else { return };
    let Ok(Some(parent)) = window.parent() else { return };
    if parent == window {
        return;
    }
    let _ = parent.post_message(&message(kind, fields), &host);
}

/// Tells the host how many rep messages are unread.
pub fn tell_unread(count: u32) {
    send("unread", &[("count", count.into())]);
}

/// Tells the host a rep message arrived.
pub fn tell_message(text: &str) {
    send("message", &[("text", text.into())]);
}

/// Tells the host whether a conversation is going on (so it loads the frame on the next page).
pub fn tell_active(active: bool) {
    send("active", &[("active", active.into())]);
}

/// Asks the host to close the chat.
pub fn ask_close() {
    send("close", &[]);
}

fn text(value: &JsValue, key: &str) -> Option<String> {
    Reflect::get(value, &key.into()).ok().and_then(|v| v.as_string()).filter(|s| !s.is_empty())
}

/// What the host page asks of the widget.
#[derive(Clone, Debug)]
pub enum HostMessage {
    /// The visitor opened the chat.
    Open,
    /// The visitor closed it.
    Close,
    /// The host site says who the visitor is.
    Identify(Identify),
}

/// Listens to the host page `host` (its exact origin, and the parent window only), passing each message on, and
/// says `ready`.
pub fn listen(host: String, on_message: impl Fn(HostMessage) + 'static) {
    let valid_host = host.starts_with("https://") || host.starts_with("http://");
    if !valid_host {
        return;
    }
    HOST.with(|h| *h.borrow_mut() = Some(host.clone()));
    let Some(window) = web_sys::window() else { return };
    let parent = window.parent().ok().flatten();
    let on_event = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        if event.origin() != host {
            return;
        }
        // The exact parent window (compared as JS values: a cross-origin WindowProxy is not a `Window` here).
        let from_parent = match (event.source(), &parent) {
            (Some(source), Some(parent)) => JsValue::from(source) == JsValue::from(parent.clone()),
            _ => false,
        };
        if !from_parent {
            return;
        }
        let data = event.data();
        if Reflect::get(&data, &"trato".into()).ok().and_then(|v| v.as_f64()) != Some(1.0) {
            return;
        }
        match text(&data, "type").as_deref() {
            Some("open") => on_message(HostMessage::Open),
            Some("close") => on_message(HostMessage::Close),
            Some("identify") => {
                let Ok(identity) = Reflect::get(&data, &"identity".into()) else { return };
                let Some(user_id) = text(&identity, "userId") else { return };
                on_message(HostMessage::Identify(Identify {
                    user_id,
                    name: text(&identity, "name"),
                    email: text(&identity, "email"),
                    hmac: text(&identity, "hmac"),
                    expires: Reflect::get(&identity, &"expires".into()).ok().and_then(|v| v.as_f64()).map(|v| v as i64),
                }));
            }
            _ => {}
        }
    });
    let _ = window.add_event_listener_with_callback("message", on_event.as_ref().unchecked_ref());
    on_event.forget();
    send("ready", &[]);
}
