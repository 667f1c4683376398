//! The shared pieces drawn by hand, for the faces built without a view framework (the portal, its help centre
//! and the desk's sign-in page): the language and theme switches (the same controls, classes and names as
//! [`LanguageSwitch`] and [`ThemeSwitch`]), page parts (status, alert, skeleton, empty state, field), an article
//! body, and what a page shows of something it asked for ([`Loaded`]).
//!
//! [`LanguageSwitch`]: crate::ui::locale::LanguageSwitch
//! [`ThemeSwitch`]: crate::ui::theme::ThemeSwitch

use crate::browser::dom::El;
use crate::domain::markup::{self, Block, Inline};
use crate::i18n::{Key, Locale};
use trato_protocol::ArticleFormat;
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

/// A page's `<main>` (`#main`, the skip link's target, focusable to be moved to) with `class`.
pub fn main_element(class: &str) -> El {
    El::new("main").attr("id", "main").attr("tabindex", "-1").class(class)
}

/// A line announced politely (`role="status"`).
pub fn status(text: &str) -> El {
    El::new("p").attr("role", "status").text(text)
}

/// An error box (`role="alert"`), as text.
pub fn alert(text: &str) -> El {
    El::new("p").class("alert").attr("role", "alert").text(text)
}

/// The loading skeleton of [`Skeleton`](crate::ui::status::Skeleton): placeholder lines, "Loading…" for screen
/// readers.
pub fn skeleton(locale: Locale) -> El {
    (0..3).fold(
        El::new("div")
            .class("skeleton")
            .attr("role", "status")
            .child(El::new("span").class("visually-hidden").text(locale.t(Key::Loading))),
        |skeleton, _| skeleton.child(El::new("span").class("skeleton-line").attr("aria-hidden", "true")),
    )
}

/// The empty state of [`EmptyState`](crate::ui::status::EmptyState).
pub fn empty_state(text: &str) -> El {
    El::new("p").class("empty-state").attr("role", "status").text(text)
}

/// A [`Field`](crate::ui::field::Field): the label's text and the control inside the label.
pub fn field(label: &str, control: El) -> El {
    El::new("label").class("field").child(El::new("span").text(label)).child(control)
}

/// A text field or text area whose value is `value`, found again after a redraw by `key`, telling `typed` what
/// is typed (without a redraw: the field is being typed in).
pub fn text_input(tag: &str, key: &str, value: &str, typed: impl Fn(String) + 'static) -> El {
    let element = El::new(tag).attr("data-key", key);
    crate::browser::dom::set_value(&element.0, value);
    element.on("input", move |event| {
        if let Some(target) = event.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
            typed(crate::browser::dom::value(&target));
        }
    })
}

/// An article body (plain text or the safe markup subset) as elements and text nodes: user text is only ever
/// text, links only ever the safe addresses the markup parser lets through.
pub fn article_body(body: &str, format: ArticleFormat) -> El {
    let blocks = match format {
        ArticleFormat::Markup => markup::parse(body),
        ArticleFormat::Text => markup::plain(body),
    };
    blocks.into_iter().fold(El::new("div").class("article-body"), |div, block| {
        div.child(match block {
            Block::Heading(parts) => inlines(El::new("h2"), parts),
            Block::Paragraph(parts) => inlines(El::new("p"), parts),
            Block::List(items) => {
                items.into_iter().fold(El::new("ul"), |list, item| list.child(inlines(El::new("li"), item)))
            }
        })
    })
}

/// `parts` as text, bold and links inside `element`.
fn inlines(element: El, parts: Vec<Inline>) -> El {
    parts.into_iter().fold(element, |element, part| match part {
        Inline::Text(text) => element.text(&text),
        Inline::Bold(text) => element.child(El::new("strong").text(&text)),
        Inline::Link { text, href } => {
            element.child(El::new("a").attr("href", &href).attr("rel", "noopener noreferrer").text(&text))
        }
    })
}

/// Something asked of the backend: not answered yet, or its answer (an error already put in words).
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Loaded<T> {
    /// Asked, not answered.
    #[default]
    Loading,
    /// Answered.
    Ready(T),
    /// Refused or failed, with the reason to show.
    Failed(String),
}
