//! What the REST connector's parts share: the file and address they work for ([`Backend`]), the session a
//! sign-in leaves, and small readers of answers and of what an operation carried between rounds.

use crate::connector::{ConnectorError, HttpResponse, Rounds};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use trato_protocol::connector_file::{ConnectorFile, Resource};
use trato_protocol::User;

/// The id of the one pipeline of a backend whose file describes stages but no pipelines.
pub const ONE_PIPELINE: &str = "main";

/// A signed-in session of a REST backend: its token (the one typed, or the one a sign-in answered) and who it
/// belongs to.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RestSession {
    /// The credential sent with each request (`None` before sign-in).
    pub token: Option<String>,
    /// Who signed in.
    pub user: Option<User>,
}

/// The connector file and the backend's address.
#[derive(Clone, Copy)]
pub struct Backend<'a> {
    /// The file.
    pub file: &'a ConnectorFile,
    /// The backend's address, without a trailing slash.
    pub base_url: &'a str,
}

impl Backend<'_> {
    /// The resource of a Trato kind, or `Unsupported` when the file has none.
    pub fn resource(&self, kind: &str) -> Result<&Resource, ConnectorError> {
        self.file.resources.get(kind).ok_or_else(|| ConnectorError::Unsupported(format!("{kind} (not in the file)")))
    }
}

/// An answer's body as JSON (`null` when empty).
pub fn json_of(response: &HttpResponse) -> Result<Value, ConnectorError> {
    if response.body.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(&response.body).map_err(|_| ConnectorError::Malformed("an answer that is not JSON".into()))
}

/// The phase an operation carried to this round (`""` for its first answer).
pub fn phase(rounds: &Rounds) -> &str {
    rounds.carried.get("phase").and_then(Value::as_str).unwrap_or("")
}
