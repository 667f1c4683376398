//! The language and theme switches drawn by hand, for the faces built without a view framework (the help centre
//! and the desk's sign-in page): the same controls, classes and names as [`LanguageSwitch`] and [`ThemeSwitch`].
//!
//! [`LanguageSwitch`]: crate::ui::locale::LanguageSwitch
//! [`ThemeSwitch`]: crate::ui::theme::ThemeSwitch

use crate::browser::dom::El;
use crate::i18n::{Key, Locale};
use wasm_bindgen::JsCast;

/// The language select showing `current`; a choice is remembered on the device and given to `chosen`.
pub fn language_switch(current: Locale, chosen: impl Fn(Locale) + 'static) -> El {
    let mut select = El::new("select").attr("title", current.t(Key::SwitchLanguage)).attr("data-key", "language");
    for locale in Locale::ALL {
        let mut option = El::new("option").attr("value", locale.code()).attr("lang", locale.code());
        if locale == current {
            option = option.attr("selected", "");
        }
        select = select.child(option.text(locale.t(Key::LanguageName)));
    }
    let select = select.on("change", move |event| {
        if let Some(locale) = Locale::from_tag(&target_value(&event)) {
            crate::ui::locale::remember_locale(locale);
            chosen(locale);
        }
    });
    El::new("label")
        .class("language-switch")
        .child(El::new("span").class("visually-hidden").text(current.t(Key::Language)))
        .child(select)
}

/// The theme select (system, light, dark), in `locale`; a choice applies at once and is remembered.
pub fn theme_switch(locale: Locale) -> El {
    let saved = crate::ui::theme::saved();
    let mut select = El::new("select").attr("title", locale.t(Key::Theme)).attr("data-key", "theme");
    for (code, key) in crate::ui::theme::THEMES {
        let mut option = El::new("option").attr("value", code);
        if code == saved {
            option = option.attr("selected", "");
        }
        select = select.child(option.text(locale.t(key)));
    }
    let select = select.on("change", |event| crate::ui::theme::remember(&target_value(&event)));
    El::new("label")
        .class("theme-switch")
        .child(El::new("span").class("visually-hidden").text(locale.t(Key::Theme)))
        .child(select)
}

/// The value of the `<select>` an event came from.
pub fn target_value(event: &web_sys::Event) -> String {
    event.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()).map(|s| s.value()).unwrap_or_default()
}
