//! The current locale as a reactive context, chosen from the browser's languages and a remembered choice.

use crate::i18n::{Key, Locale};
use leptos::prelude::*;

const STORAGE_KEY: &str = "trato.locale";

/// The reactive locale shared by a face's components.
#[derive(Clone, Copy)]
pub struct I18n(pub RwSignal<Locale>);

impl I18n {
    /// The current locale (tracked).
    pub fn locale(&self) -> Locale {
        self.0.get()
    }

    /// The text of a key in the current locale (tracked).
    pub fn t(&self, key: Key) -> &'static str {
        self.0.get().t(key)
    }

    /// The text of a key in the current locale, without tracking.
    pub fn t_untracked(&self, key: Key) -> &'static str {
        self.0.get_untracked().t(key)
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The language picked on this device with the switch (or saved in a profile here), if any: it wins over a
/// profile's language read from the backend.
pub fn chosen_locale() -> Option<Locale> {
    storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten()).and_then(|code| Locale::from_tag(&code))
}

/// Remembers `locale` as this device's choice.
pub fn remember_locale(locale: Locale) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(STORAGE_KEY, locale.code());
    }
}

/// Switches to `locale` and remembers it on this device.
pub fn choose_locale(i18n: I18n, locale: Locale) {
    i18n.0.set(locale);
    remember_locale(locale);
}

/// The locale remembered from an earlier switch, else the browser's preferred languages.
pub fn initial_locale() -> Locale {
    chosen_locale().unwrap_or_else(|| {
        let languages: Vec<String> = web_sys::window()
            .map(|w| w.navigator().languages().iter().filter_map(|v| v.as_string()).collect())
            .unwrap_or_default();
        Locale::negotiate(&languages)
    })
}

/// Creates the locale context, keeps `<html lang>` and the page title in step, and returns it.
pub fn provide_i18n(title: Key) -> I18n {
    let i18n = I18n(RwSignal::new(initial_locale()));
    provide_context(i18n);
    Effect::new(move |_| {
        let locale = i18n.locale();
        CURRENT.with(|c| c.set(locale));
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            if let Some(root) = document.document_element() {
                let _ = root.set_attribute("lang", locale.code());
            }
            document.set_title(locale.t(title));
        }
    });
    i18n
}

/// The current locale without tracking, for event handlers (which run outside any reactive owner).
pub fn use_i18n_untracked() -> Locale {
    CURRENT.with(std::cell::Cell::get)
}

thread_local! {
    static CURRENT: std::cell::Cell<Locale> = const { std::cell::Cell::new(Locale::Es) };
}

/// The locale context of the current face.
pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| I18n(RwSignal::new(Locale::default())))
}

/// A select to switch between Spanish and English; the choice is remembered on this device.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let on_change = move |ev: leptos::ev::Event| {
        if let Some(locale) = Locale::from_tag(&event_target_value(&ev)) {
            choose_locale(i18n, locale);
        }
    };
    view! {
        <label class="language-switch">
            <span class="visually-hidden">{move || i18n.t(Key::Language)}</span>
            <select on:change=on_change title=move || i18n.t(Key::SwitchLanguage)>
                {Locale::ALL
                    .into_iter()
                    .map(|locale| {
                        view! {
                            <option value=locale.code() lang=locale.code() selected=move || i18n.locale() == locale>
                                {locale.t(Key::LanguageName)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}
