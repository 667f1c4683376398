//! A WebSocket to this page's own backend that stays open: after a drop it reconnects with growing pauses (1 s,
//! 2 s, … 30 s) for as long as its owner wants it. Used by the chat widget and the desk's chat feed.

use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Longest pause between reconnection attempts.
const MAX_PAUSE_MS: u32 = 30_000;

/// What a live socket does.
pub struct Live {
    /// Path on this origin, for example `/api/v1/inbox/socket`.
    pub path: &'static str,
    /// First message after each connect (a credential; never in the URL).
    pub hello: Option<String>,
    /// Connected; `true` after a reconnect (time to backfill what was missed).
    pub on_open: Box<dyn Fn(bool)>,
    /// A text message arrived.
    pub on_text: Box<dyn Fn(String)>,
    /// The connection dropped.
    pub on_down: Box<dyn Fn()>,
    /// Whether to keep reconnecting (false once the owner is gone).
    pub wanted: Box<dyn Fn() -> bool>,
}

fn url(path: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" { "wss" } else { "ws" };
    Some(format!("{scheme}://{}{path}", location.host().ok()?))
}

/// Opens the socket and keeps it open.
pub fn keep_open(live: Live) {
    open(Rc::new(live), Rc::new(Cell::new(1_000)), false);
}

fn open(live: Rc<Live>, pause: Rc<Cell<u32>>, reconnect: bool) {
    let Some(address) = url(live.path) else { return };
    let Ok(socket) = web_sys::WebSocket::new(&address) else { return };
    let sender = socket.clone();
    let (opened, reset) = (live.clone(), pause.clone());
    let on_open = Closure::<dyn Fn()>::new(move || {
        if let Some(hello) = &opened.hello {
            let _ = sender.send_with_str(hello);
        }
        reset.set(1_000);
        (opened.on_open)(reconnect);
    });
    let received = live.clone();
    let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        if let Some(text) = event.data().as_string() {
            (received.on_text)(text);
        }
    });
    let on_close = Closure::<dyn Fn()>::new(move || {
        (live.on_down)();
        if !(live.wanted)() {
            return;
        }
        let wait = pause.get();
        pause.set((wait * 2).min(MAX_PAUSE_MS));
        let (live, pause) = (live.clone(), pause.clone());
        wasm_bindgen_futures::spawn_local(async move {
            crate::browser::timer::sleep(wait).await;
            open(live, pause, true);
        });
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    on_open.forget();
    on_message.forget();
    on_close.forget();
}
