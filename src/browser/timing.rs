//! Named moments on the page's performance timeline (`performance.mark`), which `cargo xtask bench` reads to say
//! where the time to a first screen goes. Cheap enough to leave in.

/// Marks `name` at this moment.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}
