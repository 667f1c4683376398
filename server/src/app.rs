//! Starting the server: [`Config`], and [`start`], which opens the database, brings its schema up to date,
//! seeds demo data when asked, binds the listener and serves the application of [`crate::web`] through
//! [`crate::serve`], with the periodic [`crate::housekeeping`].

use crate::db::{self, Db};
use crate::serve::{self, ConnectionLimits, Gate};
use crate::state::AppState;
use crate::{chat, demo, demo_support, housekeeping, mail, schema, web};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// How to run the server.
#[derive(Clone, Debug)]
pub struct Config {
    /// SQLite file; created when missing.
    pub db_path: PathBuf,
    /// Address to bind; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Folder with the built faces (`desk/`, `portal/`, `widget/`, `demo/`), if the server should serve them.
    pub static_dir: Option<PathBuf>,
    /// Seed the Spanish demo dataset when the database has no users.
    pub demo: Option<demo::DemoSize>,
    /// Mark the session cookie `Secure`.
    pub secure_cookies: bool,
    /// Base URL for links in mails; `None` means `http://<bound address>`.
    pub public_url: Option<String>,
    /// Mail folder and SMTP relay.
    pub mail: mail::MailConfig,
    /// Origins of other CRM backends (for example a Tryton server) the desk may connect to.
    pub backends: Vec<String>,
    /// What bounds connections, sockets and requests.
    pub limits: ConnectionLimits,
    /// Connector files offered to the desk (their addresses are added to `connect-src`).
    pub connectors: Vec<crate::connectors::Offered>,
}

impl Config {
    /// A configuration for tests: a fresh database file in the temp folder, an ephemeral loopback port, demo data.
    pub fn for_tests() -> Config {
        let name = format!("trato-test-{}.sqlite", db::new_id("db"));
        Config {
            db_path: std::env::temp_dir().join(name),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            static_dir: None,
            demo: Some(demo::DemoSize::default()),
            secure_cookies: false,
            public_url: None,
            mail: mail::MailConfig::default(),
            backends: vec![],
            limits: ConnectionLimits::default(),
            connectors: vec![],
        }
    }
}

/// A started server.
pub struct Running {
    /// The address actually bound.
    pub addr: SocketAddr,
    /// The serving task.
    pub task: tokio::task::JoinHandle<()>,
}

/// Opens the database, seeds demo data if asked, binds and starts serving in a background task.
pub async fn start(config: Config) -> std::io::Result<Running> {
    let database = Arc::new(Db::open(&config.db_path).map_err(std::io::Error::other)?);
    {
        let conn = database.write();
        schema::migrate(&conn).map_err(std::io::Error::other)?;
        if let Some(size) = &config.demo {
            demo::seed_if_empty(&conn, size).map_err(std::io::Error::other)?;
            demo_support::seed_if_empty(&conn).map_err(|e| std::io::Error::other(format!("{e:?}")))?;
        }
    }
    tokio::task::spawn_blocking(crate::auth::warm_up).await.map_err(std::io::Error::other)?;
    let limits = config.limits.clone().within_file_limit();
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let public_url = config.public_url.clone().unwrap_or_else(|| format!("http://{addr}"));
    let mut backends = config.backends.clone();
    backends.extend(config.connectors.iter().map(|c| crate::connectors::origin(&c.base_url)));
    let state = AppState {
        database,
        secure_cookies: config.secure_cookies,
        public_url: public_url.trim_end_matches('/').into(),
        mail: Arc::new(config.mail.clone()),
        hub: chat::hub::Hub::default(),
        page_csp: web::page_csp(&backends).into(),
        connectors: serde_json::to_string(&config.connectors).unwrap_or_else(|_| "[]".into()).into(),
        sockets: Gate::new(limits.max_sockets, limits.max_per_ip),
        limits: Arc::new(limits.clone()),
    };
    if config.demo.is_some() {
        chat::sites::ensure_demo_site(&state.db(), &state.public_url).map_err(std::io::Error::other)?;
    }
    mail::start_relay(state.database.clone(), state.mail.clone());
    housekeeping::start(state.database.clone());
    let app = web::router(state, config.static_dir.clone());
    let task = tokio::spawn(serve::serve(listener, app, limits));
    Ok(Running { addr, task })
}
