//! The live chat inbox: conversations (unread, waiting time), a conversation with the visitor's details and
//! history, reply with typing indicators both ways, assign, close or reopen, and turning the conversation into
//! a contact, a deal or a case. Updates arrive through the desk's chat feed.

use super::common::{ask, store, StoreValue};
use super::feed::use_feed;
use crate::connector::support::SupportOp;
use crate::connector::trato::encode_component;
use crate::i18n::{intl, Key};
use crate::ui::error::{describe, ErrorMessage};
use crate::ui::field::Field;
use crate::ui::locale::use_i18n;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use trato_protocol::*;

/// How a visitor is called: their name, else their address, else `anonymous`.
pub fn visitor_name(visitor: &Visitor, anonymous: &str) -> String {
    visitor.name.clone().or_else(|| visitor.email.clone()).unwrap_or_else(|| anonymous.to_string())
}

/// The inbox page (`/inbox` and `/inbox/{id}`: the open conversation is the child route).
#[component]
pub fn InboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let store = store();
    // One page for the list and the open conversation: moving between conversations keeps the list.
    let location = use_location();
    let selected = Memo::new(move |_| {
        location.pathname.with(|path| {
            let id = path.strip_prefix("/inbox/")?.trim_end_matches('/');
            let id = js_sys::decode_uri_component(id).ok().and_then(|d| d.as_string()).unwrap_or_else(|| id.into());
            (!id.is_empty()).then_some(id)
        })
    });
    // The conversations: loaded with the page, asked again when the feed says something changed.
    let list = LocalResource::new(move || ask(store, SupportOp::inbox()));
    let view_ = RwSignal::new(None::<ConversationView>);
    let visitor_typing = RwSignal::new(false);
    // Kept here, so a live update of the conversation never loses what the rep is typing.
    let draft = RwSignal::new(String::new());
    // Kept across the pane being drawn again (a conversion refreshes it).
    let notice = RwSignal::new(None::<(String, String)>);
    let error = RwSignal::new(None::<String>);
    let reload_list = move || list.refetch();
    let load = move |id: String| {
        leptos::task::spawn_local(async move {
            match ask(store, SupportOp::conversation(id)).await {
                Ok(found) => {
                    view_.try_set(Some(found));
                    reload_list();
                }
                Err(e) => {
                    error.try_set(Some(describe(i18n.0.get_untracked(), &e)));
                }
            }
        });
    };
    Effect::new(move |_| match selected.get() {
        Some(id) => load(id),
        None => view_.set(None),
    });
    if let Some(feed) = use_feed() {
        Effect::new(move |_| {
            let Some(event) = feed.last.get() else { return };
            let current = view_.with_untracked(|v| v.as_ref().map(|v| v.conversation.id.clone()));
            match event {
                ChatEvent::Message { message } => {
                    if current.as_deref() == Some(message.conversation_id.as_str()) {
                        visitor_typing.set(false);
                        load(message.conversation_id);
                    } else {
                        reload_list();
                    }
                }
                ChatEvent::Typing { conversation_id, author: ChatAuthor::Visitor, typing }
                    if current.as_deref() == Some(conversation_id.as_str()) =>
                {
                    visitor_typing.set(typing);
                }
                ChatEvent::Conversation { conversation } => {
                    if current.as_deref() == Some(conversation.id.as_str()) {
                        view_.update(|v| {
                            if let Some(v) = v {
                                v.conversation = conversation;
                            }
                        });
                    }
                    reload_list();
                }
                _ => {}
            }
        });
    }
    view! {
        <main id="main" class="support-page with-side inbox">
            <section aria-labelledby="inbox-title">
                <h1 id="inbox-title">{move || i18n.t(Key::InboxTitle)}</h1>
                {move || error.get().map(|message| view! { <ErrorMessage message=message /> })}
                <Transition fallback=|| view! { <crate::ui::status::Skeleton /> }>
                    {move || Suspend::new(async move {
                        match list.await {
                            Err(e) => view! { <ErrorMessage message=describe(i18n.0.get_untracked(), &e) /> }.into_any(),
                            Ok(items) if items.is_empty() => view! { <crate::ui::status::EmptyState message=Key::NoConversations /> }.into_any(),
                            Ok(items) => view! {
                                <ul class="case-list">
                                    {items.into_iter().map(|c| view! { <ConversationRow conversation=c /> }).collect_view()}
                                </ul>
                            }
                            .into_any(),
                        }
                    })}
                </Transition>
            </section>
            <section class="side" aria-label=move || i18n.t(Key::Conversation)>
                {move || match view_.get() {
                    None => view! { <p class="muted">{move || i18n.t(Key::PickConversation)}</p> }.into_any(),
                    Some(current) => view! { <ConversationPane current=current typing=visitor_typing draft=draft notice=notice store=store on_change=move |v| { view_.try_set(Some(v)); } /> }.into_any(),
                }}
            </section>
        </main>
    }
}

#[component]
fn ConversationRow(conversation: Conversation) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/inbox/{}", crate::connector::trato::encode_component(&conversation.id));
    let name = conversation.visitor.clone();
    let waiting = conversation.waiting_since.clone();
    let unread = conversation.unread;
    let closed = conversation.status == ConversationStatus::Closed;
    view! {
        <li class="case-row">
            <A href=href>{move || visitor_name(&name, i18n.t(Key::VisitorAnonymous))}</A>
            {(unread > 0).then(|| view! {
                <span class="badge status-new">{move || i18n.0.get().tf(Key::UnreadCount, &[("count", &unread.to_string())])}</span>
            })}
            {closed.then(|| view! { <span class="badge status-closed">{move || i18n.t(Key::Closed)}</span> })}
            {conversation.preview.clone().map(|preview| view! { <span class="chat-preview muted">{preview}</span> })}
            {waiting.map(|w| view! {
                <span class="muted">{move || i18n.0.get().tf(Key::WaitingFor, &[("when", &intl::date_time(i18n.locale(), &w))])}</span>
            })}
        </li>
    }
}

/// One conversation: details, messages, reply, actions.
#[component]
fn ConversationPane(
    current: ConversationView,
    typing: RwSignal<bool>,
    draft: RwSignal<String>,
    notice: RwSignal<Option<(String, String)>>,
    store: StoreValue,
    on_change: impl Fn(ConversationView) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let conversation = current.conversation.clone();
    let id = StoredValue::new(conversation.id.clone());
    let error = RwSignal::new(None::<String>);
    let last_typing = StoredValue::new(0.0f64);
    let reps = RwSignal::new(Vec::<User>::new());
    leptos::task::spawn_local(async move {
        if let Some(store) = store.try_get_value().flatten() {
            if let Ok(list) = store.reps().await {
                reps.try_set(list);
            }
        }
    });
    let refresh = move || {
        let Some(id) = id.try_get_value() else { return };
        leptos::task::spawn_local(async move {
            if let Ok(found) = ask(store, SupportOp::conversation(id)).await {
                on_change(found);
            }
        });
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let body = draft.get_untracked();
        if body.trim().is_empty() {
            return;
        }
        draft.set(String::new());
        last_typing.set_value(0.0);
        let id = id.get_value();
        leptos::task::spawn_local(async move {
            let message = NewChatMessage { body, client_id: None };
            match ask(store, SupportOp::inbox_reply(id.clone(), message)).await {
                Ok(_sent) => {
                    error.try_set(None);
                    // Only a hint for the visitor: the message is already sent.
                    let _ = ask(store, SupportOp::inbox_typing(id.clone(), false)).await;
                    refresh();
                }
                Err(e) => {
                    error.try_set(Some(describe(i18n.0.get_untracked(), &e)));
                }
            }
        });
    };
    let on_input = move |ev: leptos::ev::Event| {
        draft.set(event_target_value(&ev));
        let now = js_sys::Date::now();
        if now - last_typing.get_value() > 3_000.0 {
            last_typing.set_value(now);
            let id = id.get_value();
            leptos::task::spawn_local(async move {
                // Only a hint for the visitor: losing one is harmless.
                let _ = ask(store, SupportOp::inbox_typing(id, true)).await;
            });
        }
    };
    let update = move |patch: ConversationPatch| {
        let id = id.get_value();
        leptos::task::spawn_local(async move {
            match ask(store, SupportOp::update_conversation(id, patch)).await {
                Ok(_updated) => refresh(),
                Err(e) => {
                    error.try_set(Some(describe(i18n.0.get_untracked(), &e)));
                }
            }
        });
    };
    let deal_name = {
        let locale = i18n.0.get_untracked();
        let who = visitor_name(&conversation.visitor, locale.t(Key::VisitorAnonymous));
        StoredValue::new(locale.tf(Key::ChatDealName, &[("name", &who)]))
    };
    let convert = move |to: &'static str, label: Key| {
        let id = id.get_value();
        let deal_name = (to == "deal").then(|| deal_name.get_value());
        let id_for_notice = id.clone();
        leptos::task::spawn_local(async move {
            match ask(store, SupportOp::convert_conversation(id, to.into(), deal_name)).await {
                Ok(_converted) => {
                    error.try_set(None);
                    // The new records reach this device's cache at once, so the link to them opens them.
                    if let Some(store) = store.try_get_value().flatten() {
                        store.sync_soon();
                    }
                    let locale = i18n.0.get_untracked();
                    let text = locale.tf(Key::Converted, &[("kind", locale.t(label))]);
                    notice.try_set(Some((id_for_notice, text)));
                    refresh();
                }
                Err(e) => {
                    error.try_set(Some(describe(i18n.0.get_untracked(), &e)));
                }
            }
        });
    };
    let visitor = conversation.visitor.clone();
    let closed = conversation.status == ConversationStatus::Closed;
    let assignee = conversation.assignee_id.clone();
    let rating = conversation.rating.clone();
    let links = conversation.links.clone();
    view! {
        <h2>{visitor_name(&visitor, i18n.t_untracked(Key::VisitorAnonymous))}</h2>
        <dl class="case-facts">
            {visitor.email.clone().map(|e| {
                let status = if visitor.email_verified { Key::EmailVerified } else { Key::EmailUnverified };
                view! {
                    <dt>{move || i18n.t(Key::Email)}</dt>
                    <dd>{e}" "<span class=if visitor.email_verified { "badge kind-badge" } else { "badge rotting-badge" }>{move || i18n.t(status)}</span></dd>
                }
            })}
            {visitor.user_id.clone().map(|u| view! { <dt>{move || i18n.t(Key::SiteUserId)}</dt><dd>{u}</dd> })}
        </dl>
        {rating.map(|r| view! { <p>{move || i18n.0.get().tf(Key::CustomerRating, &[("score", &r.score.to_string())])}</p> })}
        <ol class="chat-log">
            {current.messages.into_iter().map(|m| {
                let mine = m.author == ChatAuthor::Rep;
                let at = m.created_at.clone();
                view! {
                    <li class=if mine { "bubble mine" } else { "bubble theirs" }>
                        <span class="bubble-author">{if mine { m.author_name.clone() } else { visitor_name(&visitor, i18n.t_untracked(Key::VisitorAnonymous)) }}</span>
                        <p class="message-body">{m.body.clone()}</p>
                        <span class="bubble-meta">{move || intl::date_time(i18n.locale(), &at)}</span>
                    </li>
                }
            }).collect_view()}
        </ol>
        <p class="chat-status" role="status">{move || typing.get().then(|| i18n.t(Key::VisitorTyping))}</p>
        {move || error.get().map(|message| view! { <ErrorMessage message=message /> })}
        <p class="notice" role="status">
            {move || notice.get().filter(|(about, _)| *about == id.get_value()).map(|(_, text)| text)}
        </p>
        <form class="composer" on:submit=on_submit>
            <Field label=Key::ChatReply>
                <textarea rows="3" maxlength=MAX_CHAT_MESSAGE.to_string() prop:value=move || draft.get() on:input=on_input></textarea>
            </Field>
            <button type="submit" class="primary">{move || i18n.t(Key::Send)}</button>
        </form>
        <Field label=Key::AssigneeLabel>
            <select on:change=move |ev| update(ConversationPatch { assignee_id: Some(event_target_value(&ev)), ..Default::default() })>
                <option value="" selected=assignee.is_none()>{move || i18n.t(Key::Unassigned)}</option>
                <For each=move || reps.get() key=|u| u.id.clone() let:rep>
                    <option value=rep.id.clone() selected=assignee.as_deref() == Some(rep.id.as_str())>{rep.name.clone()}</option>
                </For>
            </select>
        </Field>
        <div class="case-buttons">
            {if closed {
                view! { <button type="button" class="secondary" on:click=move |_| update(ConversationPatch { status: Some(ConversationStatus::Open), ..Default::default() })>{move || i18n.t(Key::ReopenConversation)}</button> }.into_any()
            } else {
                view! { <button type="button" class="secondary" on:click=move |_| update(ConversationPatch { status: Some(ConversationStatus::Closed), ..Default::default() })>{move || i18n.t(Key::CloseConversation)}</button> }.into_any()
            }}
        </div>
        {(!links.is_empty()).then(|| view! {
            <section class="made-from-chat" aria-labelledby="made-from-chat">
                <h3 id="made-from-chat">{move || i18n.t(Key::MadeFromChat)}</h3>
                <ul>
                    {links.iter().map(|made| {
                        let (href, text) = match made.kind.as_str() {
                            "deal" => (format!("/deals/{}", encode_component(&made.id)), i18n.t_untracked(Key::ConvertDeal)),
                            "case" => (format!("/cases/{}", encode_component(&made.id)), i18n.t_untracked(Key::ConvertCase)),
                            _ => (format!("/contacts/{}", encode_component(&made.id)), i18n.t_untracked(Key::ConvertContact)),
                        };
                        let id = made.id.clone();
                        view! {
                            <li>
                                {if href.is_empty() {
                                    view! { <span>{text}" · "{id}</span> }.into_any()
                                } else {
                                    view! { <a href=href>{text}" · "{id}</a> }.into_any()
                                }}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })}
        <fieldset class="reply-kind">
            <legend>{move || i18n.t(Key::ConvertTo)}</legend>
            <button type="button" class="secondary" on:click=move |_| convert("contact", Key::ConvertContact)>{move || i18n.t(Key::ConvertContact)}</button>
            <button type="button" class="secondary" on:click=move |_| convert("deal", Key::ConvertDeal)>{move || i18n.t(Key::ConvertDeal)}</button>
            <button type="button" class="secondary" disabled=!visitor.email_verified aria-describedby="case-needs-verified"
                on:click=move |_| convert("case", Key::ConvertCase)>{move || i18n.t(Key::ConvertCase)}</button>
            {(!visitor.email_verified).then(|| view! { <p id="case-needs-verified" class="hint">{move || i18n.t(Key::CaseNeedsVerifiedEmail)}</p> })}
        </fieldset>
    }
}
