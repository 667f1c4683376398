//! Fresh random keys: idempotency keys of queued changes, and the tails of temporary ids of records made here.

/// A fresh key: the time and a random number, in hexadecimal.
pub fn new_key() -> String {
    let random = (js_sys::Math::random() * 9.0e15) as u64;
    format!("{:x}-{:x}", js_sys::Date::now() as u64, random)
}
