//! Timers: waiting some milliseconds, an [`Alarm`] a background loop naps on until a deadline or until
//! something wakes it, and freeing large lists a part at a time.

use futures::channel::oneshot;
use futures::future::{select, Either};
use std::cell::RefCell;

/// Waits `ms` milliseconds.
pub async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Frees `lists` a part at a time once the page that replaced their owner has drawn: freeing a whole board of
/// 50,000 deals at once holds the main thread for tens of milliseconds, right when the next page is drawn. A list
/// still shared elsewhere is only let go of.
pub fn drop_in_parts<T: 'static>(lists: Vec<std::sync::Arc<Vec<T>>>) {
    const PART: usize = 2_000;
    if lists.iter().all(|list| list.is_empty()) {
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        sleep(250).await;
        for list in lists {
            let Ok(mut list) = std::sync::Arc::try_unwrap(list) else { continue };
            while !list.is_empty() {
                list.truncate(list.len().saturating_sub(PART));
                sleep(0).await;
            }
        }
    });
}

/// A wake-up for one napping loop.
#[derive(Default)]
pub struct Alarm {
    slot: RefCell<Option<oneshot::Sender<()>>>,
}

impl Alarm {
    /// Waits until [`Alarm::wake`] is called or `ms` milliseconds pass.
    pub async fn nap(&self, ms: u32) {
        let (tx, rx) = oneshot::channel();
        *self.slot.borrow_mut() = Some(tx);
        match select(rx, Box::pin(sleep(ms))).await {
            Either::Left(_) | Either::Right(_) => {}
        }
    }

    /// Ends the current nap, if any.
    pub fn wake(&self) {
        if let Some(tx) = self.slot.borrow_mut().take() {
            let _ = tx.send(());
        }
    }
}
