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

    /// Calls `handler` on every `event`, until the next [`redraw`] (which replaces the element anyway); a
    /// face that never redraws keeps its handlers for the life of the page.
    pub fn on(self, event: &str, handler: impl FnMut(web_sys::Event) + 'static) -> El {
        let closure = Handler::new(handler);
        let _ = self.0.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
        DRAWN.with(|drawn| drawn.borrow_mut().push(closure));
        self
    }
}

impl From<El> for Element {
    fn from(el: El) -> Element {
        el.0
    }
}

/// An element's event handler, kept alive while the element is shown.
type Handler = Closure<dyn FnMut(web_sys::Event)>;

thread_local! {
    /// The handlers of the elements drawn since the last [`redraw`].
    static DRAWN: std::cell::RefCell<Vec<Handler>> = const { std::cell::RefCell::new(Vec::new()) };
    /// The `data-key` of a control that had the focus and was drawn disabled (a button while its work runs).
    static WAITING_FOCUS: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Replaces everything in `<body>` with `children`, for the faces that redraw a whole page from their state (see
/// [`redraw`]).
pub fn redraw_body(children: impl FnOnce() -> Vec<Element>) {
    if let Some(body) = document().body() {
        redraw(&body, children);
    }
}

/// Replaces everything in `parent` with `children`. The control that had the focus (found again by its
/// `data-key`) gets it back with its caret or selection (or, drawn disabled, once it is enabled again). The
/// handlers of the elements drawn before are let go once the running handler (maybe one of them) has returned:
/// build the new elements inside `children`, since handlers added before the call count as the old drawing's.
pub fn redraw(parent: &Element, children: impl FnOnce() -> Vec<Element>) {
    let document = document();
    let focused = document.active_element();
    let on_page = focused.as_ref().is_some_and(|e| Some(e) != document.body().as_ref().map(|b| b.unchecked_ref()));
    let kept = WAITING_FOCUS.with(|waiting| waiting.take());
    let key = match &focused {
        Some(element) if on_page => element.get_attribute("data-key"),
        // Nothing has the focus: a control that was disabled while it had it gets it back once enabled.
        _ => kept,
    };
    let selection = focused.as_ref().and_then(selection_of);
    let old = DRAWN.with(|drawn| std::mem::take(&mut *drawn.borrow_mut()));
    replace_children(parent, children());
    wasm_bindgen_futures::spawn_local(async move { drop(old) });
    let Some(key) = key else { return };
    let Ok(Some(element)) = parent.query_selector(&format!("[data-key=\"{key}\"]")) else { return };
    if element.has_attribute("disabled") {
        WAITING_FOCUS.with(|waiting| waiting.replace(Some(key)));
        return;
    }
    if let Some(element) = element.dyn_ref::<web_sys::HtmlElement>() {
        let _ = element.focus();
    }
    if let Some((start, end)) = selection {
        if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
            let _ = input.set_selection_range(start, end);
        } else if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            let _ = area.set_selection_range(start, end);
        }
    }
}

/// The caret or selection of a text field (none for other controls).
fn selection_of(element: &Element) -> Option<(u32, u32)> {
    if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
        return Some((input.selection_start().ok()??, input.selection_end().ok()??));
    }
    let area = element.dyn_ref::<web_sys::HtmlTextAreaElement>()?;
    Some((area.selection_start().ok()??, area.selection_end().ok()??))
}

/// Calls `handler` on every `event` on `target`, for the life of the page.
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

/// Left clicks on links to this origin (not to a new tab, not downloads) are offered to `open` with the link's
/// path and query; when it takes the link (returns `true`), the browser does not follow it. For the faces that
/// move between their pages in place.
pub fn follow_links(open: impl Fn(&str, &str) -> bool + 'static) {
    listen(&document(), "click", move |event| {
        let Some(mouse) = event.dyn_ref::<web_sys::MouseEvent>() else { return };
        if mouse.default_prevented() || mouse.button() != 0 || mouse.ctrl_key() || mouse.meta_key() || mouse.shift_key()
        {
            return;
        }
        let link = event
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|e| e.closest("a[href]").ok().flatten())
            .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
        let Some(link) = link else { return };
        let here = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
        if link.origin() != here || !link.target().is_empty() || link.has_attribute("download") {
            return;
        }
        if open(&link.pathname(), &link.search()) {
            event.prevent_default();
        }
    });
}
