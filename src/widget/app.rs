//! The widget's start: the panel drawn, the host page listened to, and the session begun (the stored token when
//! it still works, else a new one), then the live connection.

use super::chat::{Chat, State};
use super::host::{self, HostMessage};
use super::{socket, views};
use crate::browser::storage;
use crate::connector::widget::WidgetOp;
use crate::i18n::{Key, Locale};

/// Starts the widget: draws the panel into `<body>` and connects.
pub fn start() {
    console_error_panic_hook::set_once();
    let locale =
        query_param("lang").as_deref().and_then(Locale::from_tag).unwrap_or_else(crate::ui::locale::initial_locale);
    let chat = Chat::new(State {
        site: query_param("site").unwrap_or_default(),
        host: query_param("host").unwrap_or_default(),
        locale,
        ..State::default()
    });
    // The host page may pick the theme (`data-theme` on the loader); otherwise the visitor's preference applies.
    if let Some(theme) = query_param("theme").filter(|t| t == "light" || t == "dark") {
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = root.set_attribute("data-theme", &theme);
        }
    }
    views::mount(&chat);
    let host = chat.with(|s| s.host.clone());
    let listening = chat.clone();
    host::listen(host, move |message| on_host_message(&listening, message));
    wasm_bindgen_futures::spawn_local(begin(chat));
}

fn query_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
}

const TOKEN_PREFIX: &str = "trato.widget.";

fn stored_token(site: &str) -> Option<String> {
    storage::get(&format!("{TOKEN_PREFIX}{site}"))
}

fn store_token(site: &str, token: &str) {
    // Unavailable storage only means a new session next time (and re-identification by the host).
    storage::set(&format!("{TOKEN_PREFIX}{site}"), token);
}

/// Starts a session: the stored token when it still works, else a new one.
async fn begin(chat: Chat) {
    let site = chat.with(|s| s.site.clone());
    if site.is_empty() {
        // Opened without a site (not through embed.js): nothing to connect to.
        let message = chat.t(Key::WidgetNoSite).to_string();
        chat.update(|s| s.error = Some(message));
        return;
    }
    match chat.ask(WidgetOp::config(site.clone())).await {
        Ok(config) => chat.update(|s| s.config = Some(config)),
        Err(error) => return chat.set_error(Some(&error)),
    }
    if let Some(token) = stored_token(&site) {
        chat.update(|s| s.token = Some(token));
        match chat.ask(WidgetOp::me()).await {
            Ok(visitor) => chat.update(|s| s.visitor = Some(visitor)),
            Err(_) => chat.update(|s| s.token = None),
        }
    }
    if chat.with(|s| s.token.is_none()) {
        match chat.ask(WidgetOp::new_session(site.clone())).await {
            Ok(session) => {
                store_token(&site, &session.token);
                chat.update(|s| {
                    s.token = Some(session.token);
                    s.visitor = Some(session.visitor);
                });
            }
            Err(error) => return chat.set_error(Some(&error)),
        }
    }
    chat.backfill().await;
    socket::connect(chat);
}

/// What the widget does when the host page opens or closes it, or says who the visitor is.
fn on_host_message(chat: &Chat, message: HostMessage) {
    let chat = chat.clone();
    match message {
        HostMessage::Open => {
            chat.update(|s| {
                s.open = true;
                s.unread = 0;
            });
            if chat.with(|s| s.token.is_some()) {
                wasm_bindgen_futures::spawn_local(async move {
                    // A read mark that does not arrive only leaves the rep's "Visto" late.
                    let _ = chat.ask(WidgetOp::read()).await;
                });
            }
        }
        HostMessage::Close => chat.update(|s| s.open = false),
        HostMessage::Identify(identify) => {
            wasm_bindgen_futures::spawn_local(async move {
                match chat.ask(WidgetOp::identify(identify)).await {
                    Ok(visitor) => {
                        chat.update(|s| s.visitor = Some(visitor));
                        chat.backfill().await;
                    }
                    Err(error) => chat.set_error(Some(&error)),
                }
            });
        }
    }
}
