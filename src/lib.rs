//! Trato, the client: a fast, offline-capable CRM front end in Rust/WebAssembly with three faces.
//!
//! - [`domain`]: plain-Rust types and rules (money, board totals, rotting), tested natively.
//! - [`connector`]: sans-IO backend protocols (the Trato protocol, Tryton).
//! - [`transport`]: the one place requests are sent (fetch in the browser, reqwest natively).
//! - [`client`]: runs connector operations over a transport.
//! - [`store`]: the desk's only path to backend data.
//! - [`i18n`]: Spanish and English texts, `Intl` formatting.
//! - `browser` (browser only): timers, Web Locks, `localStorage`.
//! - `ui`, `desk`, `portal`, `widget` (browser only): the faces, grouped by feature; shared pieces in `ui`.

pub mod client;
pub mod connector;
pub mod domain;
pub mod i18n;
pub mod store;
pub mod transport;

#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod desk;
#[cfg(target_arch = "wasm32")]
pub mod help;
#[cfg(target_arch = "wasm32")]
pub mod portal;
#[cfg(target_arch = "wasm32")]
pub mod signin;
#[cfg(target_arch = "wasm32")]
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod widget;
