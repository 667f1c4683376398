//! The backend the desk talks to, as the rep chose it at sign-in: the Trato protocol on the page's own origin
//! (the default) or a Tryton server. [`AnyConnector`] runs whichever was chosen behind the one [`Connector`]
//! interface, so the store and the screens never know which it is (they ask [`Connector::capabilities`]).

use super::trato::TratoConnector;
use super::tryton::{TrytonConnector, TrytonSession};
use super::{Capabilities, Connector, ConnectorError, HttpRequest, HttpResponse, Operation, Rounds, Step};
use serde::{Deserialize, Serialize};

/// A kind of backend and where it is (never a credential: this is what the device remembers).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
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
}

impl BackendChoice {
    /// A Tryton choice, with the address tidied (no trailing slash, no spaces).
    pub fn tryton(url: &str, database: &str) -> BackendChoice {
        BackendChoice::Tryton { url: url.trim().trim_end_matches('/').into(), database: database.trim().into() }
    }

    /// The address requests go to (`""` for the page's own origin).
    pub fn base_url(&self) -> &str {
        match self {
            BackendChoice::Trato => "",
            BackendChoice::Tryton { url, .. } => url,
        }
    }

    /// A name for this backend, unique on the device (it names the cache databases), given the page's origin.
    pub fn name(&self, origin: &str) -> String {
        match self {
            BackendChoice::Trato => format!("trato@{origin}"),
            BackendChoice::Tryton { url, database } => format!("tryton@{url}/{database}"),
        }
    }

    /// Whether the choice can be used: a Tryton choice needs an `http(s)` address and a database.
    pub fn is_complete(&self) -> bool {
        match self {
            BackendChoice::Trato => true,
            BackendChoice::Tryton { url, database } => {
                (url.starts_with("https://") || url.starts_with("http://")) && !database.is_empty()
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
}

impl AnyConnector {
    /// The connector for `choice`.
    pub fn for_choice(choice: &BackendChoice) -> AnyConnector {
        match choice {
            BackendChoice::Trato => AnyConnector::Trato(TratoConnector),
            BackendChoice::Tryton { database, .. } => AnyConnector::Tryton(TrytonConnector::new(database)),
        }
    }
}

impl Connector for AnyConnector {
    /// A Tryton session to keep on the device (Trato's session is an HttpOnly cookie the page never sees).
    type Session = Option<TrytonSession>;

    fn capabilities(&self) -> Capabilities {
        match self {
            AnyConnector::Trato(c) => c.capabilities(),
            AnyConnector::Tryton(c) => c.capabilities(),
        }
    }

    fn request(&self, session: &Self::Session, op: &Operation) -> Result<HttpRequest, ConnectorError> {
        match self {
            AnyConnector::Trato(c) => c.request(&(), op),
            AnyConnector::Tryton(c) => c.request(session, op),
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
            AnyConnector::Tryton(c) => c.response(session, op, rounds, response),
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
