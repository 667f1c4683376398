//! Web Locks: work that only one tab of the origin may do at a time.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Runs `work` while holding the Web Lock `name`, so only one tab does it at a time (the next tab takes over when
/// this one closes). Without the Web Locks API the work simply runs.
pub fn with_lock(name: &str, work: impl std::future::Future<Output = ()> + 'static) {
    let locks = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &"locks".into()).ok())
        .filter(|l| !l.is_undefined() && !l.is_null());
    let request = locks
        .as_ref()
        .and_then(|l| js_sys::Reflect::get(l, &"request".into()).ok())
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let (Some(locks), Some(request)) = (locks, request) else {
        wasm_bindgen_futures::spawn_local(work);
        return;
    };
    let held = Closure::once_into_js(move |_lock: JsValue| -> js_sys::Promise {
        wasm_bindgen_futures::future_to_promise(async move {
            work.await;
            Ok(JsValue::UNDEFINED)
        })
    });
    let _ = request.call2(&locks, &JsValue::from_str(name), &held);
}
