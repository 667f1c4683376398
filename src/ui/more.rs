//! Long lists drawn a part at a time: the first items at once, and a "Show N more" button under the list that
//! draws the next part. Drawing a few hundred rows costs more than a frame; nobody reads them all at once.

use crate::i18n::{intl, Key};
use crate::ui::locale::use_i18n;
use leptos::prelude::*;

/// How many rows of a customer's lists (deals, people, the timeline) are drawn at first, and added by each
/// "Show more".
pub const PART: usize = 20;

/// The "Show N more" button of a list of `total` items of which the first `limit` are drawn: each press draws
/// `step` more. Absent while every item is drawn.
#[component]
pub fn ShowMore(
    /// How many items the list has.
    #[prop(into)]
    total: Signal<usize>,
    /// How many are drawn.
    limit: RwSignal<usize>,
    /// How many each press adds.
    #[prop(default = PART)]
    step: usize,
) -> impl IntoView {
    let i18n = use_i18n();
    let hidden = move || total.get().saturating_sub(limit.get());
    view! {
        <Show when=move || { hidden() > 0 }>
            <button type="button" class="link-button show-more" on:click=move |_| limit.update(|l| *l += step)>
                {move || i18n.locale().tf(Key::ShowMore, &[("count", &intl::number(i18n.locale(), hidden().min(step) as f64))])}
            </button>
        </Show>
    }
}
