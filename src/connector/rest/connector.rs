//! [`RestConnector`]: a connector file interpreted behind the sans-IO [`Connector`]: sign-in and sessions here;
//! records, writes and the changes feed in the sibling modules, which see only the file and the address.

use super::context::{json_of, phase, Backend, RestSession};
use super::errors::error_of;
use super::requests::{self, method, render_path, request};
use super::{changes, values, writes};
use crate::connector::{
    Capabilities, Connector, ConnectorError, HttpRequest, HttpResponse, ListQuery, Method, Operation, Reply, Rounds,
    Step,
};
use serde_json::{json, Value};
use std::sync::Arc;
use trato_protocol::connector_file::{Auth, Concurrency, ConnectorFile, JsonPath, RequestTemplate, Resource};
use trato_protocol::{SessionInfo, User};

/// A connector interpreting one connector file for the backend at one address.
#[derive(Clone, Debug)]
pub struct RestConnector {
    file: Arc<ConnectorFile>,
    base_url: String,
    capabilities: Capabilities,
}

/// The fields of `resource` the desk may change, among `all` (Trato's), kept for the connector's life.
fn writable(resource: Option<&Resource>, all: &'static [&'static str]) -> &'static [&'static str] {
    let Some(resource) = resource.filter(|r| r.update.is_some()) else { return &[] };
    let fields: Vec<&'static str> =
        all.iter().copied().filter(|f| resource.fields.get(*f).is_some_and(|m| !m.rule().read_only)).collect();
    // One small list per connector built (a sign-in), never per request.
    Box::leak(fields.into_boxed_slice())
}

impl RestConnector {
    /// A connector for `file`, talking to `base_url` (used to read the backend's absolute next-page links).
    pub fn new(file: ConnectorFile, base_url: &str) -> RestConnector {
        let r = &file.resources;
        let all = Capabilities::ALL;
        let capabilities = Capabilities {
            pipelines: r.pipelines.is_some(),
            free_stages: true,
            versioned_writes: !matches!(r.deals.concurrency, Concurrency::None),
            cases: false,
            chat: false,
            knowledge_base: false,
            activities: r.activities.as_ref().is_some_and(|a| a.create.is_some()),
            saved_views: false,
            orders: false,
            account_fields: writable(r.accounts.as_ref(), all.account_fields),
            contact_fields: writable(r.contacts.as_ref(), all.contact_fields),
            new_customers: r.accounts.as_ref().is_some_and(|a| a.create.is_some())
                && r.contacts.as_ref().is_some_and(|c| c.create.is_some()),
            import: false,
            merge: false,
        };
        RestConnector { file: Arc::new(file), base_url: base_url.trim_end_matches('/').into(), capabilities }
    }

    /// The file this connector interprets.
    pub fn file(&self) -> &ConnectorFile {
        &self.file
    }

    /// The file and the address, for the modules that build and read requests.
    fn backend(&self) -> Backend<'_> {
        Backend { file: &self.file, base_url: &self.base_url }
    }

    /// A small read that proves the address and the credential: the first stage.
    fn probe(&self, session: &RestSession, secret: Option<&str>) -> Result<HttpRequest, ConnectorError> {
        let stages = &self.file.resources.stages;
        let query = ListQuery { limit: Some(1), ..Default::default() };
        let mut probe = requests::list_request(&self.file, session, stages, &query, None, &self.base_url)?;
        if let Some(secret) = secret {
            probe = request(&self.file, &RestSession::default(), Some(secret), probe.method, probe.path);
        }
        Ok(probe)
    }

    fn sign_in_request(&self, login: &str, password: &str) -> Result<HttpRequest, ConnectorError> {
        let empty = RestSession::default();
        let secret = match &self.file.auth {
            Auth::None => return self.probe(&empty, None),
            Auth::Login { request: template, .. } => return self.templated(template, login, password),
            Auth::Basic { .. } => base64(format!("{login}:{password}").as_bytes()),
            Auth::Bearer { .. } | Auth::ApiKey { .. } => password.trim().to_string(),
        };
        if secret.is_empty() {
            return Err(ConnectorError::Unauthorized("no token".into()));
        }
        match self.me() {
            Some(me) => Ok(request(&self.file, &empty, Some(&secret), Method::Get, render_path(&me.path, |_| None)?)),
            None => self.probe(&empty, Some(&secret)),
        }
    }

    fn me(&self) -> Option<&trato_protocol::connector_file::Me> {
        match &self.file.auth {
            Auth::Bearer { me } | Auth::ApiKey { me, .. } | Auth::Basic { me } => me.as_ref(),
            _ => None,
        }
    }

    /// A request the file spells out, its body's strings filled with the login and the password.
    fn templated(
        &self,
        template: &RequestTemplate,
        login: &str,
        password: &str,
    ) -> Result<HttpRequest, ConnectorError> {
        fn fill(value: &Value, login: &str, password: &str) -> Value {
            match value {
                Value::String(s) => json!(s.replace("{login}", login).replace("{password}", password)),
                Value::Object(o) => {
                    Value::Object(o.iter().map(|(k, v)| (k.clone(), fill(v, login, password))).collect())
                }
                Value::Array(a) => Value::Array(a.iter().map(|v| fill(v, login, password)).collect()),
                other => other.clone(),
            }
        }
        let path = render_path(&template.path, |_| None)?;
        let mut out = request(&self.file, &RestSession::default(), None, method(template.method), path);
        if let Some(body) = &template.body {
            out = out.json(&fill(body, login, password));
        }
        Ok(out)
    }

    fn session_info(&self, user: User) -> SessionInfo {
        SessionInfo { user, company: self.file.connector.name.clone(), currency: self.file.connector.currency.clone() }
    }

    /// Who signed in, from a sign-in or who-am-I answer (the login itself when the backend does not say).
    fn user_from(&self, body: &Value, login: &str) -> User {
        let paths = match &self.file.auth {
            Auth::Login { user, .. } => user.clone(),
            _ => self.me().map(|me| me.user.clone()),
        };
        let get = |path: Option<&JsonPath>| path.and_then(|p| p.get(body)).and_then(values::as_text);
        let Some(paths) = paths else {
            return User { id: login.into(), name: login.into(), email: login.into(), role: "rep".into() };
        };
        let email = get(paths.email.as_ref()).unwrap_or_else(|| login.into());
        User {
            id: get(Some(&paths.id)).unwrap_or_else(|| login.into()),
            name: get(paths.name.as_ref()).filter(|n| !n.is_empty()).unwrap_or_else(|| email.clone()),
            email,
            role: "rep".into(),
        }
    }

    fn refresh_request(&self, session: &RestSession) -> Option<HttpRequest> {
        let Auth::Login { refresh: Some(refresh), .. } = &self.file.auth else { return None };
        let path = render_path(&refresh.path, |_| None).ok()?;
        let mut out = request(&self.file, session, None, method(refresh.method), path);
        if let Some(body) = &refresh.body {
            out = out.json(body);
        }
        Some(out)
    }

    fn token_from(&self, body: &Value) -> Option<String> {
        let Auth::Login { token, .. } = &self.file.auth else { return None };
        token.get(body).and_then(Value::as_str).map(str::to_string)
    }
}

/// Base64 (standard alphabet, padded) of `bytes`, for basic authentication.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

impl Connector for RestConnector {
    type Session = RestSession;

    fn capabilities(&self) -> Capabilities {
        self.capabilities
    }

    fn request(&self, session: &RestSession, op: &Operation) -> Result<HttpRequest, ConnectorError> {
        let signed_in = session.token.is_some() || matches!(self.file.auth, Auth::None);
        match op {
            Operation::Login { email, password } => return self.sign_in_request(email, password),
            Operation::Logout => {
                return Err(ConnectorError::Unsupported("signing out on the backend (the token is forgotten)".into()))
            }
            _ if !signed_in => return Err(ConnectorError::Unauthorized("signed out".into())),
            _ => {}
        }
        match op {
            Operation::CurrentSession => match self.me() {
                Some(me) => Ok(request(&self.file, session, None, Method::Get, render_path(&me.path, |_| None)?)),
                None => self.probe(session, None),
            },
            Operation::ListUsers => match &self.file.resources.users {
                Some(users) => {
                    let query = ListQuery { limit: Some(users.list.page_size), ..Default::default() };
                    requests::list_request(&self.file, session, users, &query, None, &self.base_url)
                }
                None => self.probe(session, None),
            },
            Operation::ListPipelines => changes::pipelines_request(&self.file, session, &self.base_url, 0),
            Operation::Deals(op) => writes::first(&self.backend(), session, "deals", &writes::plain(op)?),
            Operation::Accounts(op) => writes::first(&self.backend(), session, "accounts", &writes::plain(op)?),
            Operation::Contacts(op) => writes::first(&self.backend(), session, "contacts", &writes::plain(op)?),
            Operation::Activities(op) => writes::first(&self.backend(), session, "activities", &writes::plain(op)?),
            Operation::Changes { since, limit } => changes::request(&self.backend(), session, since.as_deref(), *limit),
            Operation::Views(_) => Err(ConnectorError::Unsupported("saved board views".into())),
            Operation::RestoreDeal { .. } => Err(ConnectorError::Unsupported("undelete".into())),
            Operation::Support(_) => Err(ConnectorError::Unsupported("support cases or knowledge base".into())),
            Operation::Orders(_) => Err(ConnectorError::Unsupported("orders".into())),
            Operation::Import { .. } => Err(ConnectorError::Unsupported("bulk import".into())),
            Operation::Merge { .. } => Err(ConnectorError::Unsupported("merging".into())),
            Operation::Login { .. } | Operation::Logout => unreachable!("answered above"),
        }
    }

    fn response(
        &self,
        session: &mut RestSession,
        op: &Operation,
        rounds: &mut Rounds,
        response: HttpResponse,
    ) -> Result<Step, ConnectorError> {
        // A refused token: refresh it once and send the first request again.
        if phase(rounds) == "refresh" {
            let token = response.is_success().then(|| json_of(&response).ok()).flatten();
            let Some(token) = token.as_ref().and_then(|body| self.token_from(body)) else {
                session.token = None;
                return Err(ConnectorError::Unauthorized("the session ended".into()));
            };
            session.token = Some(token);
            rounds.carried = json!({ "refreshed": true });
            return Ok(Step::Next(self.request(session, op)?));
        }
        if phase(rounds) == "whoami" {
            let Some(mut user) = session.user.clone() else {
                return Err(ConnectorError::Unauthorized("signed out".into()));
            };
            if let (true, Some(users)) = (response.is_success(), &self.file.resources.users) {
                let page = requests::read_page(users, &ListQuery::default(), &response, &self.base_url)?;
                let currency = &self.file.connector.currency;
                let found = page.records.iter().find_map(|raw| {
                    let record = values::trato_record("users", users, raw, currency).ok()?;
                    let found: User = serde_json::from_value(record).ok()?;
                    found.email.eq_ignore_ascii_case(&user.email).then_some(found)
                });
                if let Some(found) = found {
                    user = found;
                }
            }
            session.user = Some(user.clone());
            return Ok(Step::Reply(Reply::Session(self.session_info(user))));
        }
        let first = rounds.carried.get("phase").is_none();
        let refreshed = rounds.carried.get("refreshed").is_some();
        if response.status == 401 && first && !refreshed && !matches!(op, Operation::Login { .. }) {
            if let Some(refresh) = self.refresh_request(session) {
                rounds.carried = json!({ "phase": "refresh" });
                return Ok(Step::Next(refresh));
            }
        }
        match op {
            Operation::Login { .. } | Operation::CurrentSession if !response.is_success() => {
                if matches!(op, Operation::Login { .. }) || response.status == 401 {
                    *session = RestSession::default();
                }
                Err(match error_of(&self.file, None, &response) {
                    ConnectorError::Forbidden(m)
                    | ConnectorError::NotFound(m)
                    | ConnectorError::Invalid { message: m, .. } => ConnectorError::Unauthorized(m),
                    other => other,
                })
            }
            Operation::Login { email, password } => {
                let body = json_of(&response)?;
                let token = match &self.file.auth {
                    Auth::None => None,
                    Auth::Login { token, .. } => {
                        Some(token.get(&body).and_then(Value::as_str).map(str::to_string).ok_or_else(|| {
                            ConnectorError::Malformed(format!("no token at `{}` in the sign-in answer", token.as_str()))
                        })?)
                    }
                    Auth::Basic { .. } => Some(base64(format!("{email}:{password}").as_bytes())),
                    _ => Some(password.trim().to_string()),
                };
                let user = self.user_from(&body, email);
                *session = RestSession { token, user: Some(user.clone()) };
                // Without a who-am-I answer, the rep is the user with the address they signed in with (so "mine"
                // matches the owner of their records).
                let told = matches!(self.file.auth, Auth::Login { user: Some(_), .. }) || self.me().is_some();
                match (&self.file.resources.users, told) {
                    (Some(users), false) => {
                        rounds.carried = json!({ "phase": "whoami" });
                        let query = ListQuery { limit: Some(users.list.page_size), ..Default::default() };
                        Ok(Step::Next(requests::list_request(
                            &self.file,
                            session,
                            users,
                            &query,
                            None,
                            &self.base_url,
                        )?))
                    }
                    _ => Ok(Step::Reply(Reply::Session(self.session_info(user)))),
                }
            }
            Operation::CurrentSession => {
                let body = json_of(&response)?;
                let user = match (self.me(), &session.user) {
                    (Some(_), _) | (None, None) => {
                        let login = session.user.as_ref().map(|u| u.email.clone()).unwrap_or_default();
                        self.user_from(&body, &login)
                    }
                    (None, Some(user)) => user.clone(),
                };
                session.user = Some(user.clone());
                Ok(Step::Reply(Reply::Session(self.session_info(user))))
            }
            _ if !response.is_success()
                && !matches!(
                    op,
                    Operation::Deals(_) | Operation::Accounts(_) | Operation::Contacts(_) | Operation::Activities(_)
                ) =>
            {
                Err(error_of(&self.file, None, &response))
            }
            Operation::ListUsers => match &self.file.resources.users {
                Some(users) => {
                    let page = requests::read_page(users, &ListQuery::default(), &response, &self.base_url)?;
                    let currency = &self.file.connector.currency;
                    let users = page
                        .records
                        .iter()
                        .map(|raw| {
                            let record = values::trato_record("users", users, raw, currency)?;
                            serde_json::from_value::<User>(record).map_err(|e| ConnectorError::Malformed(e.to_string()))
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok(Step::Reply(Reply::Users(users)))
                }
                None => Ok(Step::Reply(Reply::Users(session.user.clone().into_iter().collect()))),
            },
            Operation::ListPipelines => changes::pipelines_response(&self.backend(), session, rounds, &response),
            Operation::Deals(op) => {
                writes::next(&self.backend(), session, "deals", &writes::plain(op)?, rounds, &response)
            }
            Operation::Accounts(op) => {
                writes::next(&self.backend(), session, "accounts", &writes::plain(op)?, rounds, &response)
            }
            Operation::Contacts(op) => {
                writes::next(&self.backend(), session, "contacts", &writes::plain(op)?, rounds, &response)
            }
            Operation::Activities(op) => {
                writes::next(&self.backend(), session, "activities", &writes::plain(op)?, rounds, &response)
            }
            Operation::Changes { since, limit } => {
                changes::response(&self.backend(), session, since.as_deref(), *limit, rounds, &response)
            }
            _ => Err(ConnectorError::Unsupported(format!("{op:?}"))),
        }
    }
}
