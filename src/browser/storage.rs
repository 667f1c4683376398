//! The device's `localStorage`: small remembered values (a language, a backend choice, the last session seen),
//! never a secret the page does not already hold.

/// The origin's `localStorage`, when the browser allows it.
pub fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// A remembered value.
pub fn get(key: &str) -> Option<String> {
    local()?.get_item(key).ok()?
}

/// Remembers a value (silently not, when storage is unavailable or full: these are conveniences).
pub fn set(key: &str, value: &str) {
    if let Some(storage) = local() {
        let _ = storage.set_item(key, value);
    }
}

/// Forgets a value.
pub fn remove(key: &str) {
    if let Some(storage) = local() {
        let _ = storage.remove_item(key);
    }
}
