//! The widget's screens: pre-chat, leave a message (offline), the conversation with its composer, and the rating
//! once a conversation has ended. User text is only ever rendered as text.

use super::{describe_error, socket, Chat, Shown};
use crate::connector::widget::{WidgetOp, WidgetReply};
use crate::i18n::{intl, Key};
use crate::ui::locale::use_i18n;
use crate::ui::rating::RatingFields;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use trato_protocol::*;

/// The whole panel.
#[component]
pub fn ChatPanel() -> impl IntoView {
    let i18n = use_i18n();
    let chat = expect_context::<Chat>();
    let closed = move || chat.conversation.with(|c| c.as_ref().is_some_and(|c| c.status == ConversationStatus::Closed));
    let has_open = move || chat.conversation.with(|c| c.as_ref().is_some_and(|c| c.status == ConversationStatus::Open));
    let needs_prechat = move || {
        chat.config.with(|c| c.as_ref().is_some_and(|c| c.prechat))
            && chat.visitor.with(|v| v.as_ref().is_some_and(|v| v.email.is_none()))
            && !has_open()
    };
    let offline = move || chat.config.with(|c| c.as_ref().is_some_and(|c| !c.online)) && !has_open() && !closed();
    let company = move || chat.config.with(|c| c.as_ref().map(|c| c.name.clone()).unwrap_or_default());
    view! {
        <main id="main" class="widget-panel" aria-label=move || i18n.t(Key::WidgetHeading)>
            <header class="widget-head">
                <div>
                    <h1>{move || i18n.t(Key::WidgetHeading)}</h1>
                    <p class="muted">{company}</p>
                </div>
                <button type="button" class="icon-button" aria-label=move || i18n.t(Key::CloseChat) on:click=move |_| super::bridge::ask_close()>
                    "×"
                </button>
            </header>
            {move || chat.error.get().map(|message| view! { <p class="alert" role="alert">{message}</p> })}
            {move || {
                if chat.config.with(Option::is_none) || chat.token.with(Option::is_none) {
                    let loading = move || chat.error.with(Option::is_none).then(|| i18n.t(Key::Loading));
                    view! { <p role="status" class="muted">{loading}</p> }.into_any()
                } else if offline() {
                    view! { <OfflineForm /> }.into_any()
                } else if needs_prechat() {
                    view! { <PreChatForm /> }.into_any()
                } else {
                    view! { <ConversationView /> }.into_any()
                }
            }}
        </main>
    }
}

/// Name and e-mail before the first message.
#[component]
fn PreChatForm() -> impl IntoView {
    let i18n = use_i18n();
    let chat = expect_context::<Chat>();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let body = PreChat { name: name.get_untracked(), email: email.get_untracked() };
        if !body.errors().is_empty() {
            chat.error.set(Some(i18n.t(Key::FixFields).into()));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match chat.run(WidgetOp::PreChat(body)).await {
                Ok(WidgetReply::Visitor(visitor)) => {
                    chat.error.set(None);
                    chat.visitor.set(Some(visitor));
                }
                Ok(_) => {}
                Err(error) => chat.error.set(Some(describe_error(&error))),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="widget-form" on:submit=on_submit>
            <p>{move || i18n.t(Key::PreChatIntro)}</p>
            <label class="field">
                <span>{move || i18n.t(Key::NameLabel)}</span>
                <input type="text" autocomplete="name" required maxlength="200" bind:value=name />
            </label>
            <label class="field">
                <span>{move || i18n.t(Key::Email)}</span>
                <input type="email" autocomplete="email" required bind:value=email />
            </label>
            <button type="submit" class="primary" disabled=move || busy.get()>{move || i18n.t(Key::StartChat)}</button>
        </form>
    }
}

/// Leave a message when nobody is there or the site is closed.
#[component]
fn OfflineForm() -> impl IntoView {
    let i18n = use_i18n();
    let chat = expect_context::<Chat>();
    let name =
        RwSignal::new(chat.visitor.with_untracked(|v| v.as_ref().and_then(|v| v.name.clone())).unwrap_or_default());
    let email =
        RwSignal::new(chat.visitor.with_untracked(|v| v.as_ref().and_then(|v| v.email.clone())).unwrap_or_default());
    let body = RwSignal::new(String::new());
    let sent = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let message =
            OfflineMessage { name: name.get_untracked(), email: email.get_untracked(), body: body.get_untracked() };
        if !message.errors().is_empty() {
            chat.error.set(Some(i18n.t(Key::FixFields).into()));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match chat.run(WidgetOp::Offline(message)).await {
                Ok(_) => {
                    chat.error.set(None);
                    sent.set(true);
                }
                Err(error) => chat.error.set(Some(describe_error(&error))),
            }
            busy.set(false);
        });
    };
    view! {
        <Show
            when=move || !sent.get()
            fallback=move || view! { <p class="notice" role="status">{move || i18n.t(Key::MessageLeft)}</p> }
        >
            <form class="widget-form" on:submit=on_submit>
                <p>{move || i18n.t(Key::NobodyThere)}</p>
                <label class="field">
                    <span>{move || i18n.t(Key::NameLabel)}</span>
                    <input type="text" autocomplete="name" required maxlength="200" bind:value=name />
                </label>
                <label class="field">
                    <span>{move || i18n.t(Key::Email)}</span>
                    <input type="email" autocomplete="email" required bind:value=email />
                </label>
                <label class="field">
                    <span>{move || i18n.t(Key::YourMessage)}</span>
                    <textarea rows="4" required maxlength=MAX_CHAT_MESSAGE.to_string() bind:value=body></textarea>
                </label>
                <button type="submit" class="primary" disabled=move || busy.get()>{move || i18n.t(Key::LeaveMessage)}</button>
            </form>
        </Show>
    }
}

fn new_client_id() -> String {
    format!("c{}-{}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e9) as u64)
}

/// Sends a message optimistically; the echo (by client id) confirms it.
fn send(chat: Chat, body: String, client_id: String) {
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
    chat.messages.update(|list| {
        list.retain(|s| s.message.client_id.as_deref() != Some(client_id.as_str()));
        list.push(Shown { message: local, pending: true, failed: false });
    });
    leptos::task::spawn_local(async move {
        match chat.run(WidgetOp::Send(NewChatMessage { body, client_id: Some(client_id.clone()) })).await {
            Ok(WidgetReply::Message(message)) => {
                chat.upsert(message);
                if chat
                    .conversation
                    .with_untracked(|c| c.as_ref().is_none_or(|c| c.status == ConversationStatus::Closed))
                {
                    chat.backfill().await;
                }
            }
            Ok(_) => {}
            Err(error) => {
                chat.messages.update(|list| {
                    if let Some(shown) =
                        list.iter_mut().find(|s| s.message.client_id.as_deref() == Some(client_id.as_str()))
                    {
                        shown.failed = true;
                    }
                });
                chat.error.set(Some(describe_error(&error)));
            }
        }
    });
}

/// The messages, the typing indicator, the composer, and the rating once ended.
#[component]
fn ConversationView() -> impl IntoView {
    let i18n = use_i18n();
    let chat = expect_context::<Chat>();
    let draft = RwSignal::new(String::new());
    let last_typing = StoredValue::new(0.0f64);
    let closed = move || chat.conversation.with(|c| c.as_ref().is_some_and(|c| c.status == ConversationStatus::Closed));
    let submit = move || {
        let body = draft.get_untracked();
        if body.trim().is_empty() {
            return;
        }
        draft.set(String::new());
        chat.error.set(None);
        // Sent: the next keystroke starts a new "typing" at once.
        last_typing.set_value(0.0);
        send(chat, body, new_client_id());
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        submit();
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() {
            ev.prevent_default();
            submit();
        }
    };
    let last_own_read = move || {
        chat.messages.with(|list| {
            list.iter()
                .rev()
                .find(|s| s.message.author == ChatAuthor::Visitor && !s.pending)
                .map(|s| s.message.read_at.is_some())
        })
    };
    view! {
        <ol class="chat-log" aria-live="polite" aria-label=move || i18n.t(Key::Conversation)>
            <Show when=move || chat.messages.with(Vec::is_empty)>
                <li class="muted">{move || i18n.t(Key::ChatWelcome)}</li>
            </Show>
            <For each=move || chat.messages.get() key=|s| (s.message.id.clone(), s.pending, s.failed) let:shown>
                {
                    let mine = shown.message.author == ChatAuthor::Visitor;
                    let at = shown.message.created_at.clone();
                    let author = shown.message.author_name.clone();
                    view! {
                        <li class=if mine { "bubble mine" } else { "bubble theirs" }>
                            {(!mine).then(|| view! { <span class="bubble-author">{author}</span> })}
                            <p class="message-body">{shown.message.body.clone()}</p>
                            <span class="bubble-meta">
                                {move || if shown.failed {
                                    i18n.t(Key::NotSent).to_string()
                                } else if shown.pending {
                                    i18n.t(Key::Sending).to_string()
                                } else {
                                    intl::date_time(i18n.locale(), &at)
                                }}
                            </span>
                        </li>
                    }
                }
            </For>
        </ol>
        <p class="chat-status" role="status">
            {move || chat.rep_typing.get().then(|| i18n.t(Key::RepTyping))}
            {move || (!chat.rep_typing.get() && last_own_read() == Some(true)).then(|| i18n.t(Key::SeenByRep))}
        </p>
        <Show when=closed>
            <p class="muted">{move || i18n.t(Key::ChatEnded)}</p>
            <ChatRating />
        </Show>
        <form class="composer" on:submit=on_submit>
            <label class="visually-hidden" for="chat-draft">{move || i18n.t(Key::YourMessage)}</label>
            <textarea
                id="chat-draft"
                rows="2"
                maxlength=MAX_CHAT_MESSAGE.to_string()
                placeholder=move || i18n.t(Key::WriteHere)
                prop:value=move || draft.get()
                on:input=move |ev| {
                    draft.set(event_target_value(&ev));
                    socket::typing(chat, last_typing);
                }
                on:keydown=on_keydown
            ></textarea>
            <button type="submit" class="primary">{move || i18n.t(Key::Send)}</button>
        </form>
    }
}

/// The rating of an ended conversation.
#[component]
fn ChatRating() -> impl IntoView {
    let i18n = use_i18n();
    let chat = expect_context::<Chat>();
    let score = RwSignal::new(0u8);
    let comment = RwSignal::new(String::new());
    let rated = move || chat.conversation.with(|c| c.as_ref().and_then(|c| c.rating.as_ref().map(|r| r.score)));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if score.get_untracked() == 0 {
            chat.error.set(Some(i18n.t(Key::PickScore).into()));
            return;
        }
        let rating = Rating { score: score.get_untracked(), comment: comment.get_untracked() };
        leptos::task::spawn_local(async move {
            match chat.run(WidgetOp::Rate(rating)).await {
                Ok(WidgetReply::Updated(conversation)) => {
                    chat.error.set(None);
                    chat.conversation.set(Some(*conversation));
                }
                Ok(_) => {}
                Err(error) => chat.error.set(Some(describe_error(&error))),
            }
        });
    };
    view! {
        <Show
            when=move || rated().is_none()
            fallback=move || view! { <p class="notice">{move || i18n.t(Key::ThanksForRating)}</p> }
        >
            <form class="widget-form" on:submit=on_submit>
                <RatingFields legend=Key::RateChat name="chat-score" score=score comment=comment />
                <button type="submit" class="secondary">{move || i18n.t(Key::SendRating)}</button>
            </form>
        </Show>
    }
}
