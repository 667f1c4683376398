//! Keeping keyboard focus where the person was when a part of the page is drawn again.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The position of the focused element among the elements `selector` matches, if it is one of them.
pub fn focused_index(selector: &str) -> Option<usize> {
    let active = document().active_element()?;
    let list = document().query_selector_all(selector).ok()?;
    (0..list.length()).position(|i| list.item(i).is_some_and(|node| node.is_same_node(Some(&active))))
}

/// Focuses the `index`th element `selector` matches once the page has been drawn, unless focus went elsewhere
/// meanwhile.
pub fn focus_index_later(selector: &'static str, index: usize) {
    request_animation_frame(move || {
        let lost = document().active_element().is_none_or(|a| a.tag_name().eq_ignore_ascii_case("body"));
        if !lost {
            return;
        }
        let element = document()
            .query_selector_all(selector)
            .ok()
            .and_then(|list| list.item(index as u32))
            .and_then(|node| node.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element {
            let _ = element.focus();
        }
    });
}
