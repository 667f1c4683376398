//! Typed errors every connector reports, whatever the backend's own error format.

use trato_protocol::FieldErrors;

/// Why an operation failed.
#[derive(Clone, Debug, PartialEq)]
pub enum ConnectorError {
    /// The request did not reach the backend or no answer came back.
    Network(String),
    /// Not signed in, or wrong credentials.
    Unauthorized(String),
    /// Signed in but not allowed.
    Forbidden(String),
    /// No such record.
    NotFound(String),
    /// The record changed since the version the change was made on.
    Conflict(String),
    /// The backend refused the values; per-field messages when it gave them.
    Invalid {
        /// The backend's message.
        message: String,
        /// Per-field messages.
        fields: FieldErrors,
    },
    /// Too many requests; retry after this many seconds when known.
    RateLimited(Option<u32>),
    /// The backend failed (5xx).
    Server {
        /// Status code.
        status: u16,
        /// The backend's message.
        message: String,
    },
    /// The answer could not be understood.
    Malformed(String),
    /// The backend cannot do this at all.
    Unsupported(String),
}

impl ConnectorError {
    /// Whether trying the same request again later may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, ConnectorError::Network(_) | ConnectorError::RateLimited(_) | ConnectorError::Server { .. })
    }

    /// The backend's own message, if it gave one.
    pub fn message(&self) -> Option<&str> {
        match self {
            ConnectorError::Network(m)
            | ConnectorError::Unauthorized(m)
            | ConnectorError::Forbidden(m)
            | ConnectorError::NotFound(m)
            | ConnectorError::Conflict(m)
            | ConnectorError::Malformed(m)
            | ConnectorError::Unsupported(m) => Some(m),
            ConnectorError::Invalid { message, .. } | ConnectorError::Server { message, .. } => Some(message),
            ConnectorError::RateLimited(_) => None,
        }
    }
}

impl std::fmt::Display for ConnectorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnectorError::RateLimited(Some(seconds)) => {
                write!(f, "rate limited, retry in {seconds} s")
            }
            ConnectorError::RateLimited(None) => write!(f, "rate limited"),
            ConnectorError::Server { status, message } => {
                write!(f, "server error {status}: {message}")
            }
            other => write!(f, "{}", other.message().unwrap_or_default()),
        }
    }
}

impl std::error::Error for ConnectorError {}
