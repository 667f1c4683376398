//! The list of every keyboard shortcut, opened with `?` or from the palette.

use crate::i18n::Key;
use crate::ui::locale::use_i18n;
use leptos::prelude::*;

/// Every shortcut: the keys (as shown) and what they do.
const SHORTCUTS: [(&str, Key); 8] = [
    ("Ctrl K · ⌘K", Key::ShortcutPalette),
    ("?", Key::ShortcutHelp),
    ("Espacio / Space", Key::ShortcutPick),
    ("← → ↑ ↓", Key::ShortcutMove),
    ("Intro / Enter", Key::ShortcutOpen),
    ("Alt ↑ · Alt ↓", Key::ShortcutNextDeal),
    ("Esc", Key::ShortcutClose),
    ("Ctrl Z · ⌘Z", Key::ShortcutUndo),
];

/// The shortcuts dialog.
#[component]
pub fn ShortcutsDialog(node_ref: NodeRef<leptos::html::Dialog>) -> impl IntoView {
    let i18n = use_i18n();
    let close = move || {
        if let Some(dialog) = node_ref.get() {
            dialog.close();
        }
    };
    view! {
        <dialog node_ref=node_ref class="dialog shortcuts" aria-labelledby="shortcuts-title">
            <h2 id="shortcuts-title">{move || i18n.t(Key::ShortcutsTitle)}</h2>
            <dl class="shortcut-list">
                {SHORTCUTS
                    .into_iter()
                    .map(|(keys, what)| view! { <dt><kbd>{keys}</kbd></dt><dd>{move || i18n.t(what)}</dd> })
                    .collect_view()}
            </dl>
            <div class="actions">
                <button type="button" class="primary" on:click=move |_| close()>{move || i18n.t(Key::Close)}</button>
            </div>
        </dialog>
    }
}
