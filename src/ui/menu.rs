//! A menu button: a button that shows and hides a small panel of links or controls under it (the disclosure
//! pattern, so links stay links and checkboxes stay checkboxes). Escape closes the panel and gives focus back to
//! the button; so does a press outside it; following a link in it closes it.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The button (its content drawn by `trigger`) and the panel `id` with `children`, closed at first.
#[component]
pub fn Menu(
    /// The panel's element id.
    id: &'static str,
    /// What the button shows.
    trigger: ViewFn,
    /// Classes of the whole menu.
    #[prop(optional, into)]
    class: String,
    /// Classes of the button.
    #[prop(optional, into)]
    button_class: String,
    /// The panel's content.
    children: Children,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let root = NodeRef::<leptos::html::Div>::new();
    let button = NodeRef::<leptos::html::Button>::new();
    let close = move |refocus: bool| {
        open.set(false);
        if let Some(button) = button.get_untracked().filter(|_| refocus) {
            let _ = button.focus();
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" && open.get_untracked() {
            ev.stop_propagation();
            close(true);
        }
    };
    // A press anywhere else closes it (focus stays where the press put it).
    let outside = window_event_listener(leptos::ev::pointerdown, move |ev| {
        if !open.get_untracked() {
            return;
        }
        let target = ev.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok());
        let inside = root.get_untracked().is_some_and(|root| root.contains(target.as_ref()));
        if !inside {
            close(false);
        }
    });
    on_cleanup(move || outside.remove());
    // A followed link closes it.
    let on_panel_click = move |ev: leptos::ev::MouseEvent| {
        let target = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        if target.and_then(|t| t.closest("a").ok().flatten()).is_some() {
            open.set(false);
        }
    };
    view! {
        <div class=format!("menu {class}") node_ref=root on:keydown=on_key>
            <button
                type="button"
                class=button_class
                node_ref=button
                aria-expanded=move || open.get().to_string()
                aria-controls=id
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {trigger.run()}
            </button>
            <div id=id class="menu-panel" class:open=move || open.get() on:click=on_panel_click>
                {children()}
            </div>
        </div>
    }
}
