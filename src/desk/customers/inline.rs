//! A field edited where it is shown: its value (a link for a phone, an e-mail or a web address), an "edit" button,
//! then an input that Enter saves and Escape cancels, with the field's own message when the value is refused.

use super::call_back::Callee;
use super::cells::{EmailLink, PhoneLink};
use crate::i18n::Key;
use crate::ui::locale::use_i18n;
use leptos::prelude::*;

/// How a field's value is shown.
#[derive(Clone, Debug, PartialEq)]
pub enum Shown {
    /// As text.
    Text,
    /// As a `tel:` link that remembers the call.
    Phone(Callee),
    /// As a `mailto:` link.
    Email,
    /// As a link to a web site (opened in a new tab, without the desk as opener).
    Web,
}

fn value_view(shown: Shown, value: String) -> AnyView {
    match shown {
        Shown::Text => view! { <span>{value}</span> }.into_any(),
        Shown::Phone(callee) => view! { <PhoneLink phone=value callee /> }.into_any(),
        Shown::Email => view! { <EmailLink email=value /> }.into_any(),
        Shown::Web => match crate::domain::customer::web_address(&value) {
            Some(href) => view! { <a href=href target="_blank" rel="noopener noreferrer">{value}</a> }.into_any(),
            None => view! { <span>{value}</span> }.into_any(),
        },
    }
}

/// One editable field of a record's details (`<dt>` and `<dd>`).
#[component]
pub fn InlineField(
    /// The field's name, shown.
    label: Key,
    /// The value now.
    #[prop(into)]
    value: Signal<Option<String>>,
    /// How the value is shown.
    #[prop(default = Shown::Text)]
    shown: Shown,
    /// The message about the value, when refused.
    #[prop(into)]
    message: Signal<Option<String>>,
    /// Saves a new value (`None`: emptied); answers whether it was accepted.
    save: Callback<Option<String>, bool>,
    /// Whether the value may be emptied.
    #[prop(default = true)]
    optional: bool,
    /// Whether the backend takes changes of this field (otherwise the reason is shown).
    #[prop(optional, into)]
    read_only: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let input = NodeRef::<leptos::html::Input>::new();
    let edit_button = NodeRef::<leptos::html::Button>::new();
    let shown = StoredValue::new(shown);
    let locked = move || read_only.and_then(|r| r.get());
    let start = move |_| {
        draft.set(value.get_untracked().unwrap_or_default());
        editing.set(true);
        request_animation_frame(move || {
            if let Some(input) = input.get_untracked() {
                let _ = input.focus();
                input.select();
            }
        });
    };
    let stop = move || {
        editing.set(false);
        request_animation_frame(move || {
            if let Some(button) = edit_button.get_untracked() {
                let _ = button.focus();
            }
        });
    };
    let commit = move || {
        let text = draft.get_untracked().trim().to_string();
        let new = (!text.is_empty() || !optional).then_some(text);
        // Nothing changed, or the change is saved: back to showing the value.
        if new == value.get_untracked() || save.run(new) {
            stop();
        }
    };
    view! {
        <dt>{move || i18n.t(label)}</dt>
        <dd class="inline-field">
            {move || {
                if editing.get() {
                    view! {
                        <span class="inline-edit">
                            <input
                                node_ref=input
                                type="text"
                                aria-label=move || i18n.t(label)
                                prop:value=move || draft.get()
                                on:input=move |ev| draft.set(event_target_value(&ev))
                                on:keydown=move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
                                    "Enter" => { ev.prevent_default(); commit(); }
                                    "Escape" => { ev.prevent_default(); ev.stop_propagation(); stop(); }
                                    _ => {}
                                }
                            />
                            <button type="button" class="primary" on:click=move |_| commit()>{move || i18n.t(Key::Save)}</button>
                            <button type="button" class="secondary" on:click=move |_| stop()>{move || i18n.t(Key::Cancel)}</button>
                        </span>
                    }
                    .into_any()
                } else {
                    view! {
                        {move || match value.get() {
                            Some(v) if !v.is_empty() => value_view(shown.get_value(), v),
                            _ => view! { <span class="muted">"—"</span> }.into_any(),
                        }}
                        {move || match locked() {
                            Some(reason) => view! { <span class="hint">{reason}</span> }.into_any(),
                            None => view! {
                                <button
                                    type="button"
                                    class="icon-button edit-button"
                                    node_ref=edit_button
                                    aria-label=move || i18n.0.get().tf(Key::EditField, &[("field", i18n.t(label))])
                                    on:click=start
                                >
                                    <span aria-hidden="true">"✎"</span>
                                </button>
                            }.into_any(),
                        }}
                    }
                    .into_any()
                }
            }}
            {move || message.get().map(|m| view! { <span class="field-error" role="alert">{m}</span> })}
        </dd>
    }
}
