//! The backend named on the command line, its client, and the rep's credentials (from the environment or a
//! prompt).

use std::io::{BufRead, IsTerminal, Write};
use trato::client::Client;
use trato::connector::backend::{AnyConnector, BackendChoice};
use trato::transport::NativeTransport;
use trato_protocol::connector_file::read;

/// The backend to talk to.
pub struct Target {
    /// What kind, and where.
    pub choice: BackendChoice,
    /// Its address.
    pub url: String,
}

impl Target {
    /// The backend the arguments name; a connector file is read and checked here, each mistake with its line.
    pub fn from_args(
        url: &Option<String>,
        tryton: &Option<String>,
        connector: &Option<String>,
    ) -> Result<Target, String> {
        let choice = match (tryton, connector) {
            (Some(_), Some(_)) => return Err("--tryton and --connector name two backends: give one".into()),
            (Some(database), None) => BackendChoice::tryton(url.as_deref().ok_or("--tryton needs --url")?, database),
            (None, Some(path)) => {
                let file = read(path)?;
                let url = url
                    .clone()
                    .or(file.connector.base_url.clone())
                    .ok_or("--connector needs --url (the file has no base_url)")?;
                BackendChoice::rest("cli", &url, serde_json::to_value(&file).map_err(|e| e.to_string())?)
            }
            (None, None) => BackendChoice::Trato,
        };
        let url = match &choice {
            BackendChoice::Trato => url.as_deref().ok_or("--url is needed")?.trim().trim_end_matches('/').to_string(),
            other => other.base_url().to_string(),
        };
        if !(url.starts_with("http://") || url.starts_with("https://")) || !choice.is_complete() {
            return Err("the address must start with http:// or https://".into());
        }
        Ok(Target { choice, url })
    }

    /// A client for the backend.
    pub fn client(&self) -> Client<AnyConnector, NativeTransport> {
        Client::new(AnyConnector::for_choice(&self.choice), NativeTransport::new(&self.url))
    }
}

/// The rep's login and secret: `TRATO_USER` and `TRATO_PASSWORD`, or asked for on the terminal (the secret
/// without echo).
pub fn credentials() -> Result<(String, String), String> {
    let user = match std::env::var("TRATO_USER") {
        Ok(user) => user,
        Err(_) if std::io::stdin().is_terminal() => {
            eprint!("User: ");
            let _ = std::io::stderr().flush();
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line).map_err(|e| e.to_string())?;
            line.trim().to_string()
        }
        Err(_) => return Err("set TRATO_USER (and TRATO_PASSWORD), or run in a terminal to be asked".into()),
    };
    let password = match std::env::var("TRATO_PASSWORD") {
        Ok(password) => password,
        Err(_) if std::io::stdin().is_terminal() => {
            rpassword::prompt_password("Password or token: ").map_err(|e| e.to_string())?
        }
        Err(_) => return Err("set TRATO_PASSWORD, or run in a terminal to be asked".into()),
    };
    Ok((user, password))
}
