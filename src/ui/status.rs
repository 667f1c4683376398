//! What a list or a page shows while it loads (a skeleton of placeholder lines, "Loading…" for screen readers)
//! and when it has nothing to show (an empty state); the faces drawn by hand draw the same (`ui::drawn`).

use crate::i18n::Key;
use crate::ui::locale::use_i18n;
use leptos::prelude::*;

/// Placeholder lines where content is on its way (still under `prefers-reduced-motion`, like every animation).
#[component]
pub fn Skeleton(
    /// How many lines to draw.
    #[prop(default = 3)]
    lines: usize,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="skeleton" role="status">
            <span class="visually-hidden">{move || i18n.t(Key::Loading)}</span>
            {(0..lines).map(|_| view! { <span class="skeleton-line" aria-hidden="true"></span> }).collect_view()}
        </div>
    }
}

/// Said where a list has nothing to show.
#[component]
pub fn EmptyState(
    /// What to say.
    message: Key,
) -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="empty-state" role="status">{move || i18n.t(message)}</p> }
}
