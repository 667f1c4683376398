//! Tabs (`role="tablist"` of `role="tab"` buttons), as the WAI-ARIA tabs pattern has them: one tab is selected
//! and is the only one reached with Tab; the arrow keys, Home and End select another and move focus with it.
//! The caller keeps which tab is selected and draws the panel (`role="tabpanel"`, labelled by the selected tab).

use crate::domain::roving::next_index;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A row of [`Tab`]s named `label`, with the keyboard of the tabs pattern: a key that moves selects the next tab
/// (by clicking it, so the tab's own handler runs) and focuses it.
#[component]
pub fn Tabs(
    /// The accessible name of the row.
    #[prop(into)]
    label: Signal<String>,
    /// Extra classes of the row.
    #[prop(optional, into)]
    class: String,
    /// The tabs.
    children: Children,
) -> impl IntoView {
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let Some(list) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        let Ok(found) = list.query_selector_all("[role=\"tab\"]") else { return };
        let tabs: Vec<web_sys::HtmlElement> =
            (0..found.length()).filter_map(|i| found.item(i)?.dyn_into::<web_sys::HtmlElement>().ok()).collect();
        let focused = document().active_element();
        let Some(from) = tabs.iter().position(|t| focused.as_ref() == Some(t.unchecked_ref())) else { return };
        let Some(to) = next_index(&ev.key(), from, tabs.len()) else { return };
        ev.prevent_default();
        tabs[to].click();
        let _ = tabs[to].focus();
    };
    view! {
        <div class=format!("tabs {class}") role="tablist" aria-label=move || label.get() on:keydown=on_key>
            {children()}
        </div>
    }
}

/// One tab of [`Tabs`]: selected or not, reached with Tab only when selected, and naming the panel it shows.
#[component]
pub fn Tab(
    /// Its element id (the panel is labelled by it).
    #[prop(into)]
    id: String,
    /// The id of the panel it shows.
    #[prop(into)]
    controls: String,
    /// Whether it is the selected tab.
    #[prop(into)]
    selected: Signal<bool>,
    /// Selects it.
    on_select: Callback<()>,
    /// Extra classes.
    #[prop(optional, into)]
    class: String,
    /// Its label.
    children: Children,
) -> impl IntoView {
    view! {
        <button
            type="button"
            role="tab"
            class=format!("tab {class}")
            id=id
            aria-controls=controls
            aria-selected=move || selected.get().to_string()
            tabindex=move || if selected.get() { "0" } else { "-1" }
            on:click=move |_| on_select.run(())
        >
            {children()}
        </button>
    }
}
