//! Browser transport over `fetch` (gloo-net). Same-origin credentials: the session cookie is sent by the
//! browser and is never readable by the page.

use super::Transport;
use crate::connector::{ConnectorError, HttpRequest, HttpResponse, Method};
use gloo_net::http::RequestBuilder;
use web_sys::RequestCredentials;

/// Sends requests with the browser's fetch to `base_url` (empty for the page's own origin).
#[derive(Clone, Debug, Default)]
pub struct BrowserTransport {
    base_url: String,
}

impl BrowserTransport {
    /// A transport for the backend at `base_url`; `""` means the page's origin.
    pub fn new(base_url: &str) -> Self {
        BrowserTransport { base_url: base_url.trim_end_matches('/').to_string() }
    }
}

impl Transport for BrowserTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, ConnectorError> {
        let method = match request.method {
            Method::Get => gloo_net::http::Method::GET,
            Method::Post => gloo_net::http::Method::POST,
            Method::Put => gloo_net::http::Method::PUT,
            Method::Patch => gloo_net::http::Method::PATCH,
            Method::Delete => gloo_net::http::Method::DELETE,
        };
        let mut builder = RequestBuilder::new(&format!("{}{}", self.base_url, request.path))
            .method(method)
            .credentials(RequestCredentials::SameOrigin);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let built = match request.body {
            Some(body) => builder.body(js_sys::Uint8Array::from(body.as_slice())),
            None => builder.build(),
        }
        .map_err(|e| ConnectorError::Network(e.to_string()))?;
        let response = built.send().await.map_err(|e| ConnectorError::Network(e.to_string()))?;
        let headers = response.headers().entries().collect();
        let status = response.status();
        let body = response.text().await.map_err(|e| ConnectorError::Network(e.to_string()))?;
        Ok(HttpResponse { status, headers, body })
    }
}
