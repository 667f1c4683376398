//! The backend the desk talks to, as the rep chose it at sign-in: the Trato protocol on the page's own origin
//! (the default), a Tryton server, or a REST backend a connector file describes. [`AnyConnector`] runs whichever was chosen behind the one [`Connector`]
//! interface, so the store and the screens never know which it is (they ask [`Connector::capabilities`]).

use super::rest::{RestConnector, RestSession};
use super::trato::TratoConnector;
use super::tryton::{TrytonConnector, TrytonSession};
use super::{Capabilities, Connector, ConnectorError, HttpRequest, HttpResponse, Operation, Rounds, Step};
use serde::{Deserialize, Serialize};
use trato_protocol::connector_file::ConnectorFile;

/// A kind of backend and where it is (never a credential: this is what the device remembers).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BackendChoice {
    /// The Trato protocol, served by the page's own origin.
    #[default]
    Trato,
    /// A Tryton server.
    Tryton {
        /// Its address, for example `https://erp.example` (no trailing slash).
        url: String,
        /// The database on it.
        database: String,
    },
    /// A REST backend described by a connector file the page's server offers.
    Rest {
        /// The name the server offers the file under.
        name: String,
        /// The backend's address (no trailing slash).
        url: String,
        /// The file, as JSON as the server gave it (read into a [`ConnectorFile`] once, by the connector: the
        /// desk never writes one, which keeps that code out of its wasm).
        file: serde_json::Value,
    },
}

impl BackendChoice {
    /// A Tryton choice, with the address tidied (no trailing slash, no spaces).
    pub fn tryton(url: &str, database: &str) -> BackendChoice {
        BackendChoice::Tryton { url: url.trim().trim_end_matches('/').into(), database: database.trim().into() }
    }

    /// A REST choice, with the address tidied.
    pub fn rest(name: &str, url: &str, file: serde_json::Value) -> BackendChoice {
        BackendChoice::Rest { name: name.into(), url: url.trim().trim_end_matches('/').into(), file }
    }

    /// The connector file of a REST choice, read.
    fn connector_file(&self) -> Option<ConnectorFile> {
        match self {
            BackendChoice::Rest { file, .. } => serde_json::from_value(file.clone()).ok(),
            _ => None,
        }
    }

    /// The address requests go to (`""` for the page's own origin).
    pub fn base_url(&self) -> &str {
        match self {
            BackendChoice::Trato => "",
            BackendChoice::Tryton { url, .. } | BackendChoice::Rest { url, .. } => url,
        }
    }

    /// A name for this backend, unique on the device (it names the cache databases), given the page's origin.
    pub fn name(&self, origin: &str) -> String {
        match self {
            BackendChoice::Trato => format!("trato@{origin}"),
            BackendChoice::Tryton { url, database } => format!("tryton@{url}/{database}"),
            BackendChoice::Rest { name, url, .. } => format!("rest-{name}@{url}"),
        }
    }

    /// Whether the choice can be used: a Tryton choice needs an `http(s)` address and a database.
    pub fn is_complete(&self) -> bool {
        match self {
            BackendChoice::Trato => true,
            BackendChoice::Tryton { url, database } => {
                (url.starts_with("https://") || url.starts_with("http://")) && !database.is_empty()
            }
            BackendChoice::Rest { url, .. } => {
                (url.starts_with("https://") || url.starts_with("http://")) && self.connector_file().is_some()
            }
        }
    }
}

/// The connector of a [`BackendChoice`].
#[derive(Clone, Debug)]
pub enum AnyConnector {
    /// The Trato protocol.
    Trato(TratoConnector),
    /// Tryton's JSON-RPC.
    Tryton(TrytonConnector),
    /// A connector file's REST backend.
    Rest(RestConnector),
}

impl AnyConnector {
    /// The connector for `choice` (a complete one: see [`BackendChoice::is_complete`]; a REST choice whose file
    /// does not read falls back to the page's own backend, which the desk never offers).
    pub fn for_choice(choice: &BackendChoice) -> AnyConnector {
        match (choice, choice.connector_file()) {
            (BackendChoice::Tryton { database, .. }, _) => AnyConnector::Tryton(TrytonConnector::new(database)),
            (BackendChoice::Rest { url, .. }, Some(file)) => AnyConnector::Rest(RestConnector::new(file, url)),
            (BackendChoice::Trato | BackendChoice::Rest { .. }, _) => AnyConnector::Trato(TratoConnector),
        }
    }
}

/// The session a backend leaves on the device: none for Trato (an HttpOnly cookie the page never sees), a Tryton
/// session, or a REST backend's token.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "session", rename_all = "snake_case")]
pub enum AnySession {
    /// Nothing kept.
    #[default]
    None,
    /// A Tryton session.
    Tryton(TrytonSession),
    /// A REST backend's token and user.
    Rest(RestSession),
}

impl AnySession {
    /// Whether there is anything to keep.
    pub fn is_none(&self) -> bool {
        matches!(self, AnySession::None)
    }
}

impl Connector for AnyConnector {
    type Session = AnySession;

    fn capabilities(&self) -> Capabilities {
        match self {
            AnyConnector::Trato(c) => c.capabilities(),
            AnyConnector::Tryton(c) => c.capabilities(),
            AnyConnector::Rest(c) => c.capabilities(),
        }
    }

    fn request(&self, session: &Self::Session, op: &Operation) -> Result<HttpRequest, ConnectorError> {
        match (self, session) {
            (AnyConnector::Trato(c), _) => c.request(&(), op),
            (AnyConnector::Tryton(c), AnySession::Tryton(s)) => c.request(&Some(s.clone()), op),
            (AnyConnector::Tryton(c), _) => c.request(&None, op),
            (AnyConnector::Rest(c), AnySession::Rest(s)) => c.request(s, op),
            (AnyConnector::Rest(c), _) => c.request(&RestSession::default(), op),
        }
    }

    fn response(
        &self,
        session: &mut Self::Session,
        op: &Operation,
        rounds: &mut Rounds,
        response: HttpResponse,
    ) -> Result<Step, ConnectorError> {
        match self {
            AnyConnector::Trato(c) => c.response(&mut (), op, rounds, response),
            AnyConnector::Tryton(c) => {
                let mut tryton = match session {
                    AnySession::Tryton(s) => Some(s.clone()),
                    _ => None,
                };
                let step = c.response(&mut tryton, op, rounds, response);
                *session = tryton.map(AnySession::Tryton).unwrap_or_default();
                step
            }
            AnyConnector::Rest(c) => {
                let mut rest = match session {
                    AnySession::Rest(s) => s.clone(),
                    _ => RestSession::default(),
                };
                let step = c.response(&mut rest, op, rounds, response);
                *session = if rest == RestSession::default() { AnySession::None } else { AnySession::Rest(rest) };
                step
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_are_remembered_without_credentials_and_name_their_caches() {
        let choice = BackendChoice::tryton(" http://erp.example:8000/ ", " ventas ");
        assert_eq!(choice.base_url(), "http://erp.example:8000");
        assert_eq!(choice.name("http://desk"), "tryton@http://erp.example:8000/ventas");
        assert_eq!(BackendChoice::Trato.name("http://desk"), "trato@http://desk");
        let saved = serde_json::to_string(&choice).unwrap();
        assert_eq!(serde_json::from_str::<BackendChoice>(&saved).unwrap(), choice);
        assert!(!saved.contains("password"));
        assert!(choice.is_complete());
        assert!(!BackendChoice::tryton("ftp://x", "db").is_complete());
        assert!(!BackendChoice::tryton("http://x", "").is_complete());
        assert!(AnyConnector::for_choice(&BackendChoice::Trato).capabilities().free_stages);
        assert!(!AnyConnector::for_choice(&choice).capabilities().cases);
    }
}
