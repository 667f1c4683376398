//! Browser primitives shared by every face (wasm only): timers, Web Locks and the device's `localStorage`. Nothing
//! here knows about records, screens or backends.

pub mod lock;
pub mod storage;
pub mod timer;
