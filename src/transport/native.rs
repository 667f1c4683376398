//! Native transport over reqwest with a cookie jar (the session cookie stays inside it).

use super::Transport;
use crate::connector::{ConnectorError, HttpRequest, HttpResponse, Method};

/// Sends requests to `base_url` with reqwest, keeping cookies between requests.
#[derive(Clone, Debug)]
pub struct NativeTransport {
    base_url: String,
    client: reqwest::Client,
}

impl NativeTransport {
    /// A transport for the backend at `base_url` (for example `http://127.0.0.1:8080`).
    pub fn new(base_url: &str) -> Self {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .unwrap_or_default();
        NativeTransport { base_url: base_url.trim_end_matches('/').to_string(), client }
    }
}

impl Transport for NativeTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, ConnectorError> {
        let method = match request.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut builder = self.client.request(method, format!("{}{}", self.base_url, request.path));
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = request.body {
            builder = builder.body(body);
        }
        let response = builder.send().await.map_err(|e| ConnectorError::Network(e.to_string()))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_string(), v.to_str().unwrap_or_default().to_string()))
            .collect();
        let body = response.text().await.map_err(|e| ConnectorError::Network(e.to_string()))?;
        Ok(HttpResponse { status, headers, body })
    }
}
