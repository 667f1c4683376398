//! Browser primitives shared by every face (wasm only): timers, random keys, Web Locks, the device's `localStorage` and
//! performance marks. Nothing
//! here knows about records, screens or backends.

pub mod dom;
pub mod ids;
pub mod lock;
pub mod storage;
pub mod timer;
pub mod timing;
