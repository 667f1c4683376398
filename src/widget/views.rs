//! The widget's screens, drawn by hand from [`State`]: pre-chat, leave a message (nobody there), the conversation
//! with its composer, and the rating once a conversation has ended. The panel is built once; [`refresh`] redraws
//! only what a change touched, so the composer keeps its focus and text and the live region announces only new
//! messages. User text is only ever rendered as text.

use super::chat::{Chat, Screen, Shown, State};
use super::socket;
use crate::browser::dom::{self, El};
use crate::connector::widget::{WidgetOp, WidgetReply};
use crate::connector::{Ask, ConnectorError};
use crate::i18n::{intl, Key, Locale};
use std::cell::RefCell;
use trato_protocol::*;
use web_sys::Element;

/// The drawn panel and the parts that change.
pub struct Panel {
    main: Element,
    company: Element,
    alert: Element,
    screen: Option<Screen>,
    /// The current screen's top-level elements (children of `main`).
    shown: Vec<Element>,
    /// The conversation screen's parts.
    conversation: Option<ConversationParts>,
    /// The form of the current screen (pre-chat, offline) and its submit button.
    submit: Option<Element>,
}

struct ConversationParts {
    log: Element,
    /// One `<li>` per message, keyed like the message list (a message's key changes when it is confirmed or fails).
    items: Vec<(MessageKey, Element)>,
    status: Element,
    ended: Element,
    /// What `ended` shows: (closed, rated).
    ended_for: Option<(bool, bool)>,
}

type MessageKey = (String, bool, bool);

fn key_of(shown: &Shown) -> MessageKey {
    (shown.message.id.clone(), shown.pending, shown.failed)
}

/// Draws the panel into `<body>` and sets the page's language and title.
pub fn mount(chat: &Chat) {
    let document = dom::document();
    let locale = chat.with(|s| s.locale);
    if let Some(root) = document.document_element() {
        let _ = root.set_attribute("lang", locale.code());
    }
    document.set_title(locale.t(Key::WidgetTitle));
    let close_chat = El::new("button")
        .attr("type", "button")
        .class("icon-button")
        .attr("aria-label", locale.t(Key::CloseChat))
        .text("×")
        .on("click", |_| super::host::ask_close());
    let company = El::new("p").class("muted").0;
    let head = El::new("header")
        .class("widget-head")
        .child(El::new("div").child(El::new("h1").text(locale.t(Key::WidgetHeading))).child(company.clone()))
        .child(close_chat);
    let alert = El::new("p").class("alert").attr("role", "alert").attr("hidden", "").0;
    let main = El::new("main")
        .attr("id", "main")
        .class("widget-panel")
        .attr("aria-label", locale.t(Key::WidgetHeading))
        .child(head)
        .child(alert.clone())
        .0;
    if let Some(body) = document.body() {
        let _ = body.append_with_node_1(&main);
    }
    let panel =
        RefCell::new(Panel { main, company, alert, screen: None, shown: vec![], conversation: None, submit: None });
    chat.set_render(move |chat| {
        if let Ok(mut panel) = panel.try_borrow_mut() {
            refresh(chat, &mut panel);
        }
    });
}

/// Brings the panel in line with the state.
fn refresh(chat: &Chat, panel: &mut Panel) {
    let state = chat.state();
    dom::set_text(&panel.company, state.config.as_ref().map(|c| c.name.as_str()).unwrap_or(""));
    dom::set_text(&panel.alert, state.error.as_deref().unwrap_or(""));
    dom::set_flag(&panel.alert, "hidden", state.error.is_none());
    if let Some(submit) = &panel.submit {
        dom::set_flag(submit, "disabled", state.busy);
    }
    let screen = state.screen();
    if panel.screen != Some(screen) {
        for element in panel.shown.drain(..) {
            element.remove();
        }
        panel.conversation = None;
        panel.submit = None;
        let (shown, submit) = match screen {
            Screen::Loading => (vec![loading(&state)], None),
            Screen::Offline => offline_form(chat, &state),
            Screen::MessageLeft => (
                vec![El::new("p").class("notice").attr("role", "status").text(state.locale.t(Key::MessageLeft)).0],
                None,
            ),
            Screen::PreChat => pre_chat_form(chat, &state),
            Screen::Conversation => {
                let (shown, parts) = conversation(chat, state.locale);
                panel.conversation = Some(parts);
                (shown, None)
            }
        };
        for element in &shown {
            let _ = panel.main.append_with_node_1(element);
        }
        panel.shown = shown;
        panel.submit = submit;
        panel.screen = Some(screen);
    }
    if screen == Screen::Loading {
        if let Some(status) = panel.shown.first() {
            dom::set_text(status, if state.error.is_none() { state.locale.t(Key::Loading) } else { "" });
        }
    }
    if let Some(parts) = panel.conversation.as_mut() {
        update_conversation(chat, parts, &state);
    }
}

fn loading(state: &State) -> Element {
    El::new("p").attr("role", "status").class("muted").text(state.locale.t(Key::Loading)).0
}

/// A labelled field: `<label class="field"><span>label</span><input …></label>`; returns the label and the input.
fn field(label: &str, input: El) -> (El, Element) {
    let control = input.0.clone();
    (El::new("label").class("field").child(El::new("span").text(label)).child(input), control)
}

fn text_input(kind: &str, autocomplete: &str, value: &str) -> El {
    let input = El::new("input").attr("type", kind).attr("autocomplete", autocomplete).attr("required", "");
    let input = if kind == "text" { input.attr("maxlength", "200") } else { input };
    dom::set_value(&input.0, value);
    input
}

/// Sends a form's operation; `done` runs with its answer on success.
fn submit<A: 'static>(chat: &Chat, op: Ask<WidgetOp, WidgetReply, A>, done: impl FnOnce(&Chat, A) + 'static) {
    chat.update(|s| s.busy = true);
    let chat = chat.clone();
    wasm_bindgen_futures::spawn_local(async move {
        match chat.ask(op).await {
            Ok(reply) => {
                chat.update(|s| s.error = None);
                done(&chat, reply);
            }
            Err(error) => chat.set_error(Some(&error)),
        }
        chat.update(|s| s.busy = false);
    });
}

/// Name and e-mail before the first message.
fn pre_chat_form(chat: &Chat, state: &State) -> (Vec<Element>, Option<Element>) {
    let t = |key| state.locale.t(key);
    let (name_field, name) = field(t(Key::NameLabel), text_input("text", "name", ""));
    let (email_field, email) = field(t(Key::Email), text_input("email", "email", ""));
    let button = El::new("button").attr("type", "submit").class("primary").text(t(Key::StartChat)).0;
    let owner = chat.clone();
    let form = El::new("form")
        .class("widget-form")
        .child(El::new("p").text(t(Key::PreChatIntro)))
        .child(name_field)
        .child(email_field)
        .child(button.clone())
        .on("submit", move |event| {
            event.prevent_default();
            let body = PreChat { name: dom::value(&name), email: dom::value(&email) };
            if !body.errors().is_empty() {
                let message = owner.t(Key::FixFields).to_string();
                return owner.update(|s| s.error = Some(message));
            }
            submit(&owner, WidgetOp::prechat(body), |chat, visitor| chat.update(|s| s.visitor = Some(visitor)));
        });
    (vec![form.0], Some(button))
}

/// Leave a message when nobody is there or the site is closed.
fn offline_form(chat: &Chat, state: &State) -> (Vec<Element>, Option<Element>) {
    let t = |key| state.locale.t(key);
    let known =
        |pick: fn(&Visitor) -> Option<&String>| state.visitor.as_ref().and_then(pick).cloned().unwrap_or_default();
    let (name_field, name) = field(t(Key::NameLabel), text_input("text", "name", &known(|v| v.name.as_ref())));
    let (email_field, email) = field(t(Key::Email), text_input("email", "email", &known(|v| v.email.as_ref())));
    let area =
        El::new("textarea").attr("rows", "4").attr("required", "").attr("maxlength", &MAX_CHAT_MESSAGE.to_string());
    let (body_field, body) = field(t(Key::YourMessage), area);
    let button = El::new("button").attr("type", "submit").class("primary").text(t(Key::LeaveMessage)).0;
    let owner = chat.clone();
    let form = El::new("form")
        .class("widget-form")
        .child(El::new("p").text(t(Key::NobodyThere)))
        .child(name_field)
        .child(email_field)
        .child(body_field)
        .child(button.clone())
        .on("submit", move |event| {
            event.prevent_default();
            let message =
                OfflineMessage { name: dom::value(&name), email: dom::value(&email), body: dom::value(&body) };
            if !message.errors().is_empty() {
                let text = owner.t(Key::FixFields).to_string();
                return owner.update(|s| s.error = Some(text));
            }
            submit(&owner, WidgetOp::offline(message), |chat, _lead| chat.update(|s| s.message_left = true));
        });
    (vec![form.0], Some(button))
}

fn new_client_id() -> String {
    format!("c{}-{}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e9) as u64)
}

/// Sends a message optimistically; the echo (by client id) confirms it. A message the server refuses is put back
/// in the (empty) draft, so nothing typed is lost.
fn send(chat: &Chat, body: String, draft: Element) {
    let client_id = new_client_id();
    let now = js_sys::Date::new_0().to_iso_string().as_string().unwrap_or_default();
    let local = ChatMessage {
        id: client_id.clone(),
        conversation_id: String::new(),
        author: ChatAuthor::Visitor,
        author_name: String::new(),
        body: body.clone(),
        client_id: Some(client_id.clone()),
        created_at: now,
        read_at: None,
    };
    chat.update(|s| {
        s.error = None;
        // Sent: the next keystroke starts a new "typing" at once.
        s.last_typing = 0.0;
        s.messages.push(Shown { message: local, pending: true, failed: false });
    });
    let chat = chat.clone();
    wasm_bindgen_futures::spawn_local(async move {
        match chat.ask(WidgetOp::send(NewChatMessage { body: body.clone(), client_id: Some(client_id.clone()) })).await
        {
            Ok(message) => {
                chat.upsert(message);
                if chat.with(|s| s.conversation.as_ref().is_none_or(|c| c.status == ConversationStatus::Closed)) {
                    chat.backfill().await;
                }
            }
            Err(error) => {
                let restore = dom::value(&draft).is_empty();
                chat.update(|s| {
                    let mine = |m: &Shown| m.message.client_id.as_deref() == Some(&client_id);
                    if restore {
                        s.messages.retain(|m| !mine(m));
                    } else if let Some(shown) = s.messages.iter_mut().find(|m| mine(m)) {
                        shown.failed = true;
                    }
                });
                if restore {
                    dom::set_value(&draft, &body);
                }
                if matches!(error, ConnectorError::RateLimited(_)) {
                    let message = chat.t(Key::ChatTooFast).to_string();
                    chat.update(|s| s.error = Some(message));
                } else {
                    chat.set_error(Some(&error));
                }
            }
        }
    });
}

/// The conversation screen: the log, the status line, the ended part and the composer.
fn conversation(chat: &Chat, locale: Locale) -> (Vec<Element>, ConversationParts) {
    let t = |key| locale.t(key);
    let log = El::new("ol").class("chat-log").attr("aria-live", "polite").attr("aria-label", t(Key::Conversation)).0;
    let status = El::new("p").class("chat-status").attr("role", "status").0;
    let ended = El::new("div").attr("hidden", "").0;
    let draft = El::new("textarea")
        .attr("id", "chat-draft")
        .attr("rows", "2")
        .attr("maxlength", &MAX_CHAT_MESSAGE.to_string())
        .attr("placeholder", t(Key::WriteHere))
        .0;
    let submit_draft = {
        let (chat, draft) = (chat.clone(), draft.clone());
        move || {
            let body = dom::value(&draft);
            if body.trim().is_empty() {
                return;
            }
            dom::set_value(&draft, "");
            send(&chat, body, draft.clone());
        }
    };
    let on_key = submit_draft.clone();
    dom::listen(&draft, "keydown", move |event| {
        let Some(key) = wasm_bindgen::JsCast::dyn_ref::<web_sys::KeyboardEvent>(&event) else { return };
        if key.key() == "Enter" && !key.shift_key() {
            event.prevent_default();
            on_key();
        }
    });
    let typist = chat.clone();
    dom::listen(&draft, "input", move |_| socket::typing(&typist));
    let composer = El::new("form")
        .class("composer")
        .child(El::new("label").class("visually-hidden").attr("for", "chat-draft").text(t(Key::YourMessage)))
        .child(draft)
        .child(El::new("button").attr("type", "submit").class("primary").text(t(Key::Send)))
        .on("submit", move |event| {
            event.prevent_default();
            submit_draft();
        });
    let shown = vec![log.clone(), status.clone(), ended.clone(), composer.0];
    (shown, ConversationParts { log, items: vec![], status, ended, ended_for: None })
}

fn bubble(shown: &Shown, locale: Locale) -> Element {
    let mine = shown.message.author == ChatAuthor::Visitor;
    let meta = if shown.failed {
        locale.t(Key::NotSent).to_string()
    } else if shown.pending {
        locale.t(Key::Sending).to_string()
    } else {
        intl::date_time(locale, &shown.message.created_at)
    };
    El::new("li")
        .class(if mine { "bubble mine" } else { "bubble theirs" })
        .maybe((!mine).then(|| El::new("span").class("bubble-author").text(&shown.message.author_name)))
        .child(El::new("p").class("message-body").text(&shown.message.body))
        .child(El::new("span").class("bubble-meta").text(&meta))
        .0
}

fn update_conversation(chat: &Chat, parts: &mut ConversationParts, state: &State) {
    let locale = state.locale;
    // The log: keep the `<li>` of every message whose key is unchanged, in order; draw the others.
    let mut old = std::mem::take(&mut parts.items);
    let mut items = Vec::with_capacity(state.messages.len());
    for shown in &state.messages {
        let key = key_of(shown);
        let element = match old.iter().position(|(k, _)| *k == key) {
            Some(index) => old.swap_remove(index).1,
            None => bubble(shown, locale),
        };
        items.push((key, element));
    }
    for (_, gone) in old {
        gone.remove();
    }
    if items.is_empty() {
        if parts.log.child_element_count() == 0 {
            let _ = parts.log.append_with_node_1(&El::new("li").class("muted").text(locale.t(Key::ChatWelcome)).0);
        }
    } else {
        let children = parts.log.children();
        for (index, (_, element)) in items.iter().enumerate() {
            let current = children.item(index as u32);
            if current.as_ref() != Some(element) {
                let _ = parts.log.insert_before(element, current.as_ref().map(|c| c.as_ref()));
            }
        }
        while parts.log.child_element_count() as usize > items.len() {
            if let Some(extra) = parts.log.last_element_child() {
                extra.remove();
            }
        }
    }
    parts.items = items;

    let last_own_read = state
        .messages
        .iter()
        .rev()
        .find(|s| s.message.author == ChatAuthor::Visitor && !s.pending)
        .map(|s| s.message.read_at.is_some());
    let status = if state.rep_typing {
        locale.t(Key::RepTyping)
    } else if last_own_read == Some(true) {
        locale.t(Key::SeenByRep)
    } else {
        ""
    };
    dom::set_text(&parts.status, status);

    let rated = state.conversation.as_ref().is_some_and(|c| c.rating.is_some());
    let ended_for = (state.closed(), rated);
    if parts.ended_for != Some(ended_for) {
        parts.ended_for = Some(ended_for);
        dom::set_flag(&parts.ended, "hidden", !state.closed());
        let children: Vec<Element> = match ended_for {
            (false, _) => vec![],
            (true, true) => vec![
                El::new("p").class("muted").text(locale.t(Key::ChatEnded)).0,
                El::new("p").class("notice").text(locale.t(Key::ThanksForRating)).0,
            ],
            (true, false) => {
                vec![El::new("p").class("muted").text(locale.t(Key::ChatEnded)).0, rating_form(chat, locale)]
            }
        };
        dom::replace_children(&parts.ended, children);
    }
}

/// The rating of an ended conversation: 1–5 and an optional comment (the same fields as the portal's).
fn rating_form(chat: &Chat, locale: Locale) -> Element {
    let t = |key| locale.t(key);
    let scores = crate::ui::rating::score_fieldset(locale, Key::RateChat, |n| {
        El::new("input").attr("type", "radio").attr("name", "chat-score").attr("value", &n.to_string())
    });
    let chosen = scores.0.clone();
    let comment = El::new("textarea").attr("rows", "2").attr("maxlength", &MAX_COMMENT.to_string());
    let (comment_field, comment) = field(t(Key::RateComment), comment);
    let owner = chat.clone();
    El::new("form")
        .class("widget-form")
        .child(scores)
        .child(comment_field)
        .child(El::new("button").attr("type", "submit").class("secondary").text(t(Key::SendRating)))
        .on("submit", move |event| {
            event.prevent_default();
            let checked = chosen.query_selector("input:checked").ok().flatten().and_then(|r| r.get_attribute("value"));
            let Some(score) = checked.and_then(|value| value.parse::<u8>().ok()) else {
                let message = owner.t(Key::PickScore).to_string();
                return owner.update(|s| s.error = Some(message));
            };
            let rating = Rating { score, comment: dom::value(&comment) };
            submit(&owner, WidgetOp::rate(rating), |chat, conversation| {
                chat.update(|s| s.conversation = Some(conversation));
            });
        })
        .0
}
