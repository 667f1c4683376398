//! The security suite: each test reproduces an attack on a real `trato-server` (loopback only, a fresh SQLite
//! file, callers on several loopback addresses) and checks that it fails. Every loop is bounded and every wait
//! has a deadline; the slowest test waits about 11 seconds for the server's own timeouts.
#![cfg(not(target_arch = "wasm32"))]

mod chat;
mod connectors;
mod import;
mod merge;
mod sign_in;
mod support;
mod transport;

use reqwest::header::{HeaderMap, HeaderValue};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;
use trato_protocol::{CSRF_HEADER, CSRF_VALUE};
use trato_server::demo::{DEMO_PASSWORD, REPS};
use trato_server::Config;

/// A running server and where its database is.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The bound address.
    pub addr: SocketAddr,
    /// The SQLite file.
    pub db: PathBuf,
}

/// Starts a server with `config` (see [`Config::for_tests`]).
pub async fn start(config: Config) -> Server {
    let db = config.db_path.clone();
    let running = trato_server::start(config).await.expect("the server starts");
    Server { base: format!("http://{}", running.addr), addr: running.addr, db }
}

/// Starts a server with the test defaults.
pub async fn server() -> Server {
    start(Config::for_tests()).await
}

/// An answer: status, headers and body text.
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The protocol error code of an error answer.
    pub fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or_default().to_string()
    }
}

/// A caller on loopback address `127.0.0.<last>`, keeping cookies.
pub struct Caller {
    client: reqwest::Client,
    jar: std::sync::Arc<reqwest::cookie::Jar>,
    base: String,
}

impl Server {
    /// A caller from `127.0.0.<last>`.
    pub fn caller(&self, last: u8) -> Caller {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .local_address(IpAddr::from([127, 0, 0, last]))
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        Caller { client, jar, base: self.base.clone() }
    }

    /// A rep signed in from `127.0.0.1`.
    pub async fn rep(&self) -> Caller {
        let rep = self.caller(1);
        let answer = rep.sign_in(REPS[0].2, DEMO_PASSWORD).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        rep
    }

    /// A read-only look at the database.
    pub fn sql(&self) -> rusqlite::Connection {
        rusqlite::Connection::open_with_flags(&self.db, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE).unwrap()
    }

    /// The bytes the database takes on disk (main file and write-ahead log).
    pub fn db_bytes(&self) -> u64 {
        ["", "-wal"]
            .iter()
            .filter_map(|suffix| std::fs::metadata(format!("{}{suffix}", self.db.display())).ok())
            .map(|m| m.len())
            .sum()
    }
}

impl Caller {
    async fn answer(response: reqwest::Response) -> Answer {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.text().await.unwrap_or_default();
        Answer { status, headers, body }
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> Answer {
        Self::answer(self.client.get(format!("{}{path}", self.base)).send().await.unwrap()).await
    }

    /// `GET path` with a bearer token.
    pub async fn get_as(&self, path: &str, token: &str) -> Answer {
        let request = self.client.get(format!("{}{path}", self.base)).bearer_auth(token);
        Self::answer(request.send().await.unwrap()).await
    }

    /// `POST path` with a JSON body (and the CSRF header), optionally with a bearer token.
    pub async fn post(&self, path: &str, body: &serde_json::Value, token: Option<&str>) -> Answer {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .header(CSRF_HEADER, CSRF_VALUE)
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Self::answer(request.send().await.unwrap()).await
    }

    /// `POST path` with raw bytes of `content_type` and extra headers.
    pub async fn post_bytes(&self, path: &str, content_type: &str, bytes: Vec<u8>, extra: &[(&str, &str)]) -> Answer {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .header(CSRF_HEADER, CSRF_VALUE)
            .header("content-type", content_type)
            .body(bytes);
        for (name, value) in extra {
            request = request.header(*name, HeaderValue::from_str(value).unwrap());
        }
        Self::answer(request.send().await.unwrap()).await
    }

    /// Signs in as a rep.
    pub async fn sign_in(&self, email: &str, password: &str) -> Answer {
        self.post("/api/v1/auth/login", &serde_json::json!({"email": email, "password": password}), None).await
    }

    /// The cookies this caller sends to the API, as a `Cookie` header value.
    pub fn cookies(&self) -> String {
        use reqwest::cookie::CookieStore;
        let url: reqwest::Url = format!("{}/api/v1/inbox/socket", self.base).parse().unwrap();
        self.jar.cookies(&url).and_then(|v| v.to_str().ok().map(String::from)).unwrap_or_default()
    }
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// A WebSocket client.
pub type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens the WebSocket at `path` from the server's own origin, with `cookies` when given.
pub async fn socket(server: &Server, path: &str, cookies: Option<&str>) -> Socket {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = format!("ws://{}{path}", server.addr).into_client_request().unwrap();
    request.headers_mut().insert("origin", server.base.parse().unwrap());
    if let Some(cookies) = cookies {
        request.headers_mut().insert("cookie", cookies.parse().unwrap());
    }
    tokio_tungstenite::connect_async(request).await.expect("the socket opens").0
}

/// Whether the server closes `socket` within `within` (messages before the close are skipped).
pub async fn closed_within(socket: &mut Socket, within: Duration) -> bool {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    let closing = async {
        while let Some(message) = socket.next().await {
            if matches!(message, Ok(Message::Close(_)) | Err(_)) {
                return;
            }
        }
    };
    tokio::time::timeout(within, closing).await.is_ok()
}

/// The next text message on `socket` within `within`.
pub async fn next_text(socket: &mut Socket, within: Duration) -> Option<String> {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    let next = async {
        while let Some(Ok(message)) = socket.next().await {
            if let Message::Text(text) = message {
                return Some(text.to_string());
            }
        }
        None
    };
    tokio::time::timeout(within, next).await.ok().flatten()
}
