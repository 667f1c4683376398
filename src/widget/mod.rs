//! The chat widget face, inside the iframe that `embed.js` creates on a host site (`widget.html`, no router).
//!
//! - The visitor's token lives in this frame's own storage (Trato's origin). When that storage is unavailable
//!   (a partitioned or blocked third-party frame), a new session is made and a signed `identify` from the host
//!   brings the visitor's earlier conversations back.
//! - Realtime events arrive over a WebSocket whose first message carries the token (never the URL). Every
//!   reconnect backfills what was missed.
//! - The host page is reached only through `postMessage`, to and from its exact origin (the `host` parameter,
//!   which the site's `frame-ancestors` list already vouches for) and `window.parent` only.

mod app;
mod chat;
mod host;
mod socket;
mod views;

pub use app::start;
