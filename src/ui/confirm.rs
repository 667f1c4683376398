//! A button whose action is confirmed first in a modal dialog (for what is hard to take back, such as deleting).
//! The dialog is the browser's own: focus moves into it, Escape cancels, and focus comes back to the button.

use crate::i18n::Key;
use crate::ui::locale::use_i18n;
use leptos::prelude::*;

/// A button that asks "title / body" with Cancel and a danger `confirm` button before running `on_confirm`.
#[component]
pub fn ConfirmButton<F>(
    /// A page-unique name for the dialog (its title's id is `confirm-{id}`).
    id: &'static str,
    /// The button's text.
    label: Key,
    /// The question (already translated, it may name the record).
    title: Signal<String>,
    /// What happens, in a sentence.
    body: Key,
    /// The confirming button's text.
    confirm: Key,
    /// Runs when the rep confirms.
    on_confirm: F,
) -> impl IntoView
where
    F: Fn() + Clone + Send + Sync + 'static,
{
    let i18n = use_i18n();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let title_id = format!("confirm-{id}");
    let labelled = title_id.clone();
    let close = move || {
        if let Some(dialog) = dialog.get() {
            dialog.close();
        }
    };
    view! {
        <button
            type="button"
            class="danger"
            aria-haspopup="dialog"
            on:click=move |_| {
                if let Some(dialog) = dialog.get() {
                    let _ = dialog.show_modal();
                }
            }
        >
            {move || i18n.t(label)}
        </button>
        <dialog node_ref=dialog class="dialog" aria-labelledby=labelled>
            <h2 id=title_id>{title}</h2>
            <p>{move || i18n.t(body)}</p>
            <div class="actions">
                <button type="button" class="secondary" autofocus on:click=move |_| close()>{move || i18n.t(Key::Cancel)}</button>
                <button
                    type="button"
                    class="danger"
                    on:click=move |_| {
                        close();
                        on_confirm();
                    }
                >
                    {move || i18n.t(confirm)}
                </button>
            </div>
        </dialog>
    }
}
