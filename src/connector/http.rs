//! HTTP requests and responses as plain values.

/// HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// A request for the transport to send. `path` is relative to the backend's base URL and includes the query.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpRequest {
    /// Method.
    pub method: Method,
    /// Path and query, for example `/api/v1/deals?limit=50`.
    pub path: String,
    /// Headers to send.
    pub headers: Vec<(String, String)>,
    /// Body bytes (JSON text, or a file being uploaded), if any.
    pub body: Option<Vec<u8>>,
}

impl HttpRequest {
    /// A request without headers or body.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        HttpRequest { method, path: path.into(), headers: vec![], body: None }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets a JSON body (and its content type).
    pub fn json<T: serde::Serialize>(self, body: &T) -> Self {
        let mut request = self.header("content-type", "application/json");
        request.body = Some(serde_json::to_vec(body).unwrap_or_default());
        request
    }

    /// Sets raw body bytes of the given content type (a file upload).
    pub fn bytes(self, content_type: &str, body: Vec<u8>) -> Self {
        let mut request = self.header("content-type", content_type);
        request.body = Some(body);
        request
    }

    /// The body as text, for tests and logs (lossy for binary bodies).
    pub fn body_text(&self) -> String {
        self.body.as_deref().map(String::from_utf8_lossy).unwrap_or_default().into_owned()
    }
}

/// A response as received by the transport.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers (names lower-case).
    pub headers: Vec<(String, String)>,
    /// Body text.
    pub body: String,
}

impl HttpResponse {
    /// The first header with this name, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}
