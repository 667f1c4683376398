//! A handful of helpers that build DOM nodes by hand, for the faces drawn without a view framework (the chat
//! widget and the portal's help centre: a framework would double the weight every visitor downloads; see
//! ARCHITECTURE.md). Text always goes in as text nodes, never as HTML.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

/// The page's document.
pub fn document() -> Document {
    web_sys::window().and_then(|w| w.document()).expect("runs in a page")
}

/// An element being built.
pub struct El(pub Element);

impl El {
    /// A new `<tag>` element.
    pub fn new(tag: &str) -> El {
        El(document().create_element(tag).expect("a valid tag name"))
    }

    /// Sets an attribute.
    pub fn attr(self, name: &str, value: &str) -> El {
        let _ = self.0.set_attribute(name, value);
        self
    }

    /// Sets the `class` attribute.
    pub fn class(self, class: &str) -> El {
        self.attr("class", class)
    }

    /// Appends text (as a text node: markup in it stays visible text).
    pub fn text(self, text: &str) -> El {
        let _ = self.0.append_with_str_1(text);
        self
    }

    /// Appends a child element.
    pub fn child(self, child: impl Into<Element>) -> El {
        let _ = self.0.append_with_node_1(&child.into());
        self
    }

    /// Appends a child element when there is one.
    pub fn maybe(self, child: Option<El>) -> El {
        match child {
            Some(child) => self.child(child),
            None => self,
        }
    }

    /// Calls `handler` on every `event` (for the life of the page: the widget builds few handlers).
    pub fn on(self, event: &str, handler: impl FnMut(web_sys::Event) + 'static) -> El {
        listen(&self.0, event, handler);
        self
    }
}

impl From<El> for Element {
    fn from(el: El) -> Element {
        el.0
    }
}

/// Calls `handler` on every `event` on `target`.
pub fn listen(target: &web_sys::EventTarget, event: &str, handler: impl FnMut(web_sys::Event) + 'static) {
    let closure = Closure::<dyn FnMut(web_sys::Event)>::new(handler);
    let _ = target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    closure.forget();
}

/// Replaces the children of `parent` with `children`.
pub fn replace_children(parent: &Element, children: impl IntoIterator<Item = Element>) {
    parent.set_text_content(None);
    for child in children {
        let _ = parent.append_with_node_1(&child);
    }
}

/// Sets the text of `element` (as text).
pub fn set_text(element: &Element, text: &str) {
    if element.text_content().as_deref() != Some(text) {
        element.set_text_content(Some(text));
    }
}

/// The current value of an `<input>` or `<textarea>`.
pub fn value(element: &Element) -> String {
    if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
        return input.value();
    }
    element.dyn_ref::<web_sys::HtmlTextAreaElement>().map(|t| t.value()).unwrap_or_default()
}

/// Sets the value of an `<input>` or `<textarea>`.
pub fn set_value(element: &Element, value: &str) {
    if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
        input.set_value(value);
    } else if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        area.set_value(value);
    }
}

/// Sets or removes a boolean attribute such as `disabled`.
pub fn set_flag(element: &Element, name: &str, on: bool) {
    let _ = if on { element.set_attribute(name, "") } else { element.remove_attribute(name) };
}

/// After moving to another page drawn in place: back to its top, with the focus on its content (`#main`, which
/// takes focus with `tabindex="-1"`).
pub fn focus_main() {
    if let Some(window) = web_sys::window() {
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }
    if let Some(main) = document().get_element_by_id("main").and_then(|m| m.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = main.focus();
    }
}
