//! The connector files this server offers the desk (`--connector NAME=FILE`): `GET /connectors` lists them, each
//! with its name, title, usual address and the checked file as JSON, so the sign-in page can offer a REST
//! backend beside Trato and Tryton. Public (the sign-in page needs it before anyone signs in): a file holds no
//! credential. Each file's address is also in the pages' `connect-src`.

use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Serialize;
use trato_protocol::connector_file::{read, Auth, ConnectorFile, Place};

/// A connector file the server offers.
#[derive(Clone, Debug, Serialize)]
pub struct Offered {
    /// The name it is offered under (unique).
    pub name: String,
    /// The file's own name for the backend.
    pub title: String,
    /// Where the backend is.
    pub base_url: String,
    /// The checked file.
    pub file: ConnectorFile,
}

/// Reads `NAME=FILE`: the file, checked, with every mistake on its own line (`FILE:LINE: message`).
pub fn offered(argument: &str) -> Result<Offered, String> {
    let (name, path) = argument.split_once('=').ok_or("--connector takes NAME=FILE")?;
    let name = name.trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(format!("--connector: `{name}` is not a name (letters, digits, - and _)"));
    }
    let file = read(path)?;
    if let Auth::ApiKey { place: Place::Query, .. } = file.auth {
        return Err(format!(
            "{path}: [auth] puts the key in the query: the desk keeps credentials out of addresses (they end up in \
             logs and history); offer a file that sends it in a header (trato-cli can still use this one)"
        ));
    }
    let base_url = file
        .connector
        .base_url
        .clone()
        .ok_or_else(|| format!("{path}: [connector] base_url is needed to offer the file to the desk"))?;
    Ok(Offered { name: name.into(), title: file.connector.name.clone(), base_url, file })
}

/// The origin (`scheme://host[:port]`) of an address, for `connect-src`.
pub fn origin(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let host = rest.split('/').next().unwrap_or_default();
    format!("{scheme}://{host}")
}

async fn list(State(state): State<AppState>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], state.connectors.to_string())
}

/// `GET /connectors`.
pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/connectors", axum::routing::get(list))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_offered_checked_and_their_mistakes_have_lines() {
        let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../connectors/pocketbase.toml");
        let offered = offered(&format!("pb={example}")).unwrap();
        assert_eq!((offered.title.as_str(), offered.base_url.as_str()), ("PocketBase", "http://127.0.0.1:8090"));
        assert_eq!(origin(&offered.base_url), "http://127.0.0.1:8090");
        assert_eq!(origin("https://crm.example/api/v2"), "https://crm.example");
        let broken = std::env::temp_dir().join(format!("trato-broken-{}.toml", std::process::id()));
        let text = std::fs::read_to_string(example).unwrap().replace("kind = \"login\"", "kind = \"magic\"");
        std::fs::write(&broken, text).unwrap();
        let error = super::offered(&format!("pb={}", broken.display())).unwrap_err();
        assert!(error.contains(&format!("{}:13:", broken.display())), "{error}");
        assert!(super::offered(&format!("bad name={example}")).is_err());
        let in_query = std::env::temp_dir().join(format!("trato-query-key-{}.toml", std::process::id()));
        let text = std::fs::read_to_string(example).unwrap();
        let start = text.find("[auth]").unwrap();
        let end = text.find("[errors]").unwrap();
        let replaced =
            format!("{}[auth]\nkind = \"api_key\"\nname = \"key\"\nin = \"query\"\n\n{}", &text[..start], &text[end..]);
        std::fs::write(&in_query, replaced).unwrap();
        let refused = super::offered(&format!("pb={}", in_query.display())).unwrap_err();
        assert!(refused.contains("the desk keeps credentials out of addresses"), "{refused}");
        assert!(super::offered("pb").is_err());
    }
}
