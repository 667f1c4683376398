//! Tryton's JSON-RPC wire: `POST /<database>/rpc/` calls with the session header (`Authorization: Session
//! base64(login:user_id:token)`, never in the URL) and the user's context as the last parameter, and answers read
//! into a result or a typed error carrying Tryton's own message.

use super::mapping::{malformed, timestamp_of};
use crate::connector::trato::encode_component;
use crate::connector::{ConnectorError, HttpRequest, HttpResponse, Method};
use serde_json::{json, Value};

/// A signed-in Tryton session.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TrytonSession {
    /// The login name.
    pub login: String,
    /// The user's id.
    pub user_id: i64,
    /// The session token.
    pub token: String,
    /// The user's context (company, employee, language), sent with every call.
    #[serde(default)]
    pub context: Value,
    /// The company's name and currency, once read.
    #[serde(default)]
    pub company: Option<(String, String)>,
}

/// Calls into one database as one session (or none, before sign-in).
pub struct Rpc<'a> {
    /// The database.
    pub database: &'a str,
    /// The signed-in session.
    pub session: Option<&'a TrytonSession>,
}

impl Rpc<'_> {
    /// The user's context (company, employee, language), or `{}` before sign-in.
    pub fn context(&self) -> Value {
        self.session.map(|s| s.context.clone()).filter(Value::is_object).unwrap_or_else(|| json!({}))
    }

    /// A call; `params` get the user's context appended.
    pub fn call(&self, method: &str, mut params: Vec<Value>) -> HttpRequest {
        params.push(self.context());
        self.raw_call(method, params)
    }

    /// A call with exactly these parameters.
    pub fn raw_call(&self, method: &str, params: Vec<Value>) -> HttpRequest {
        let mut request = HttpRequest::new(Method::Post, format!("/{}/rpc/", encode_component(self.database)))
            .header("x-requested-with", "XMLHttpRequest")
            .json(&json!({ "id": 1, "method": method, "params": params }));
        if let Some(session) = self.session {
            let secret = format!("{}:{}:{}", session.login, session.user_id, session.token);
            request = request.header("authorization", format!("Session {}", base64(secret.as_bytes())));
        }
        request
    }

    /// A write's call: the user's context plus the version the change was made on.
    pub fn call_at(
        &self,
        method: &str,
        model: &str,
        id: i64,
        version: Option<u64>,
        mut params: Vec<Value>,
    ) -> HttpRequest {
        let mut context = self.context();
        if let (Some(version), Some(map)) = (version, context.as_object_mut()) {
            map.insert("_timestamp".into(), json!({ format!("{model},{id}"): timestamp_of(version) }));
        }
        params.push(context);
        self.raw_call(method, params)
    }

    /// Reads one record by id (searching, so a missing one is an empty answer, not an error).
    pub fn read_one(&self, model: &str, id: i64, fields: &[&str]) -> HttpRequest {
        let domain = json!([["id", "=", id]]);
        self.call(&format!("model.{model}.search_read"), vec![domain, json!(0), json!(1), Value::Null, json!(fields)])
    }
}

/// Standard base64 (for the `Session` header).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Reads a JSON-RPC answer: the result, or the typed error Tryton gave.
pub fn result_of(response: &HttpResponse) -> Result<Value, ConnectorError> {
    match response.status {
        200 => {}
        401 => return Err(ConnectorError::Unauthorized("Tryton asks to sign in again".into())),
        403 => return Err(ConnectorError::Forbidden("Tryton does not allow this".into())),
        429 => return Err(ConnectorError::RateLimited(response.header("retry-after").and_then(|v| v.parse().ok()))),
        status @ 500..=599 => {
            return Err(ConnectorError::Server { status, message: format!("Tryton answered HTTP {status}") })
        }
        status => {
            return Err(ConnectorError::Invalid {
                message: format!("Tryton answered HTTP {status}"),
                fields: Default::default(),
            })
        }
    }
    let body: Value = serde_json::from_str(&response.body).map_err(|_| malformed("not JSON"))?;
    match &body["error"] {
        Value::Null => Ok(body["result"].clone()),
        error => Err(error_of(error)),
    }
}

/// Tryton's `["UserError", [message, description, domain]]` and friends as typed errors with Tryton's message.
pub fn error_of(error: &Value) -> ConnectorError {
    let kind = error.get(0).and_then(Value::as_str).unwrap_or_default();
    let detail = error.get(1).cloned().unwrap_or(Value::Null);
    let message = match &detail {
        Value::String(text) => text.clone(),
        Value::Array(parts) => {
            parts.iter().take(2).filter_map(Value::as_str).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
        }
        _ => kind.to_string(),
    };
    let message: String = message.chars().take(500).collect();
    match kind {
        "ConcurrencyException" => ConnectorError::Conflict(message),
        "UserError"
        | "UserWarning"
        | "DomainValidationError"
        | "RequiredValidationError"
        | "SizeValidationError"
        | "SelectionValidationError"
        | "ForeignKeyError"
        | "AccessError"
        | "AccessButtonError" => ConnectorError::Invalid { message, fields: Default::default() },
        "LoginException" | "RateLimitException" => ConnectorError::Unauthorized(message),
        _ => ConnectorError::Server { status: 200, message },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connector::HttpResponse;
    #[test]
    fn tryton_errors_become_typed_errors_with_tryton_s_message() {
        let answer = |body: &str| HttpResponse { status: 200, headers: vec![], body: body.into() };
        let user = answer(r#"{"id":1,"error":["UserError",["The party is missing.","Fill it in.",""]]}"#);
        assert_eq!(
            result_of(&user),
            Err(ConnectorError::Invalid {
                message: "The party is missing. Fill it in.".into(),
                fields: Default::default()
            })
        );
        let stale = answer(r#"{"id":1,"error":["ConcurrencyException","Records were modified in the meanwhile"]}"#);
        assert!(matches!(result_of(&stale), Err(ConnectorError::Conflict(_))));
        let bare = HttpResponse { status: 401, headers: vec![], body: String::new() };
        assert!(matches!(result_of(&bare), Err(ConnectorError::Unauthorized(_))));
        assert!(matches!(result_of(&answer("<html>")), Err(ConnectorError::Malformed(_))));
    }
}
