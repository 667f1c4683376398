//! Transports execute the [`HttpRequest`] values that connectors build. One per platform: the browser's fetch
//! through gloo-net, and reqwest natively (tests, tools).

use crate::connector::{ConnectorError, HttpRequest, HttpResponse};
use std::future::Future;

#[cfg(target_arch = "wasm32")]
mod browser;
#[cfg(not(target_arch = "wasm32"))]
mod native;

#[cfg(target_arch = "wasm32")]
pub use browser::BrowserTransport;
#[cfg(not(target_arch = "wasm32"))]
pub use native::NativeTransport;

/// Sends one request and returns the response; failures to reach the backend are [`ConnectorError::Network`].
pub trait Transport {
    /// Sends the request.
    fn send(&self, request: HttpRequest) -> impl Future<Output = Result<HttpResponse, ConnectorError>>;
}
