//! A case's thread: each message with its author, time, text (kept as text, line breaks shown) and attachments;
//! internal notes (only ever sent to reps) are marked as such.

use crate::i18n::{intl, Key};
use crate::ui::files::AttachmentLink;
use crate::ui::locale::use_i18n;
use leptos::prelude::*;
use trato_protocol::{Author, CaseMessage};

/// The messages of a case, oldest first; attachments download from `attachments_base`.
#[component]
pub fn Thread(#[prop(into)] messages: Signal<Vec<CaseMessage>>, attachments_base: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ol class="thread">
            <For each=move || messages.get() key=|m| m.id.clone() let:message>
                {
                    let class = match (message.author, message.internal) {
                        (_, true) => "message internal",
                        (Author::Rep, false) => "message rep",
                        (Author::Customer, false) => "message customer",
                    };
                    let at = message.created_at.clone();
                    let internal = message.internal;
                    view! {
                        <li class=class>
                            <p class="message-meta">
                                <strong>{message.author_name.clone()}</strong>
                                " · "
                                <time datetime=message.created_at.clone()>{move || intl::date_time(i18n.locale(), &at)}</time>
                                {internal.then(|| view! { " · " <span class="badge internal-badge">{move || i18n.t(Key::InternalNote)}</span> })}
                            </p>
                            <p class="message-body">{message.body.clone()}</p>
                            {(!message.attachments.is_empty()).then(|| view! {
                                <ul class="attachments">
                                    {message.attachments.clone().into_iter().map(|a| view! {
                                        <li><AttachmentLink attachment=a base=attachments_base /></li>
                                    }).collect_view()}
                                </ul>
                            })}
                        </li>
                    }
                }
            </For>
        </ol>
    }
}
