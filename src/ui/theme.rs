//! Light and dark themes: the system's preference unless the person picks one; the pick is remembered on this
//! device and applied as `data-theme` on the root element (the style sheet's tokens follow it).

use crate::i18n::Key;
use crate::ui::locale::use_i18n;
use leptos::prelude::*;

const STORAGE_KEY: &str = "trato.theme";

/// The themes offered: following the system, light, dark.
pub const THEMES: [(&str, Key); 3] = [("", Key::ThemeSystem), ("light", Key::ThemeLight), ("dark", Key::ThemeDark)];

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The theme picked on this device (`"light"`, `"dark"`), or `""` to follow the system.
pub fn saved() -> String {
    storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .filter(|t| THEMES.iter().any(|(code, _)| code == t))
        .unwrap_or_default()
}

/// Applies `theme` to the page (`""` follows the system).
pub fn apply(theme: &str) {
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else {
        return;
    };
    let _ =
        if theme.is_empty() { root.remove_attribute("data-theme") } else { root.set_attribute("data-theme", theme) };
}

/// Applies the theme remembered on this device (call at start-up).
pub fn apply_saved() {
    apply(&saved());
}

thread_local! {
    /// The theme picked, one for the page, so that a change made elsewhere (the command palette) shows in the
    /// switch.
    /// (Reference-counted, not owned by the first component that read it, which may be gone.)
    static CURRENT: std::cell::OnceCell<ArcRwSignal<String>> = const { std::cell::OnceCell::new() };
}

fn current() -> ArcRwSignal<String> {
    CURRENT.with(|cell| cell.get_or_init(|| ArcRwSignal::new(saved())).clone())
}

/// Applies `theme` (`""` follows the system) and remembers it on this device.
pub fn remember(theme: &str) {
    apply(theme);
    if let Some(storage) = storage() {
        let _ = if theme.is_empty() { storage.remove_item(STORAGE_KEY) } else { storage.set_item(STORAGE_KEY, theme) };
    }
}

/// Switches to `theme` (`""` follows the system) and remembers it on this device.
pub fn choose(theme: &str) {
    remember(theme);
    current().set(theme.to_string());
}

/// A select between the system's theme, light and dark; the choice is remembered on this device.
#[component]
pub fn ThemeSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let current = current();
    let on_change = move |ev: leptos::ev::Event| choose(&event_target_value(&ev));
    view! {
        <label class="theme-switch">
            <span class="visually-hidden">{move || i18n.t(Key::Theme)}</span>
            <select on:change=on_change title=move || i18n.t(Key::Theme)>
                {THEMES
                    .into_iter()
                    .map(|(code, key)| {
                        let current = current.clone();
                        view! { <option value=code prop:selected=move || current.get() == code>{move || i18n.t(key)}</option> }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}
