//! The portal's state (one value behind [`Portal::update`], which redraws), its pages, and the one way pages ask
//! the backend ([`Portal::ask`]: a 401 shows the customer as signed out).

use super::forms::{CaseList, CaseState, NewCaseForm, OrderList, ProfileForm, SignInForm};
use crate::client::PortalClient;
use crate::connector::portal::{PortalOp, PortalReply};
use crate::connector::{Ask, ConnectorError};
use crate::i18n::Locale;
use crate::transport::BrowserTransport;
use std::cell::RefCell;
use std::rc::Rc;
use trato_protocol::Customer;

/// A client for the portal API on this origin.
pub fn client() -> PortalClient<BrowserTransport> {
    PortalClient::new(BrowserTransport::new(""))
}

/// A signed-in page of the portal (the help centre's pages are its own build, `crate::help`).
#[derive(Clone, Debug, PartialEq)]
pub enum Page {
    /// Asking for a sign-in link, or redeeming one.
    SignIn,
    /// My cases.
    Cases,
    /// The new-case form.
    NewCase,
    /// One case, by id; `created` when the customer just opened it.
    Case { id: String, created: bool },
    /// My orders.
    Orders,
    /// My profile.
    Profile,
}

impl Page {
    /// The page at `path` (and `search`, the address's `?…`), when it is one of these.
    pub fn of_path(path: &str, search: &str) -> Option<Page> {
        let rest = path.strip_prefix("/portal/")?.trim_end_matches('/');
        Some(match rest {
            "signin" => Page::SignIn,
            "cases" => Page::Cases,
            "cases/new" => Page::NewCase,
            "orders" => Page::Orders,
            "profile" => Page::Profile,
            _ => {
                let id = rest.strip_prefix("cases/").filter(|raw| !raw.is_empty() && !raw.contains('/'))?;
                // Decoded after splitting: an id may hold an encoded `/`.
                let id = js_sys::decode_uri_component(id).ok()?.as_string()?;
                Page::Case { id, created: search.contains("created=1") }
            }
        })
    }

    /// Its address.
    pub fn path(&self) -> String {
        match self {
            Page::SignIn => "/portal/signin".into(),
            Page::Cases => "/portal/cases".into(),
            Page::NewCase => "/portal/cases/new".into(),
            Page::Case { id, created } => {
                let id = crate::connector::trato::encode_component(id);
                if *created {
                    format!("/portal/cases/{id}?created=1")
                } else {
                    format!("/portal/cases/{id}")
                }
            }
            Page::Orders => "/portal/orders".into(),
            Page::Profile => "/portal/profile".into(),
        }
    }
}

/// Everything the portal shows.
#[derive(Clone, Debug, Default)]
pub struct State {
    /// The language of the texts.
    pub locale: Locale,
    /// The signed-in customer, if any.
    pub customer: Option<Customer>,
    /// Set once the first session check (or link) has answered.
    pub checked: bool,
    /// The page shown (`None` before the first).
    pub page: Option<Page>,
    /// Counts the pages opened: an answer for an earlier visit is dropped.
    pub visit: u32,
    /// The sign-in page.
    pub signin: SignInForm,
    /// The case list.
    pub cases: CaseList,
    /// The case page.
    pub case: CaseState,
    /// The new-case form.
    pub new_case: NewCaseForm,
    /// The orders.
    pub orders: OrderList,
    /// The profile form.
    pub profile: ProfileForm,
}

/// The portal: its state, redrawn on every change.
#[derive(Clone)]
pub struct Portal(Rc<RefCell<State>>);

impl Portal {
    /// A portal in the device's language.
    pub(crate) fn new() -> Portal {
        Portal(Rc::new(RefCell::new(State { locale: crate::ui::locale::initial_locale(), ..State::default() })))
    }

    /// Reads the state.
    pub fn with<R>(&self, read: impl FnOnce(&State) -> R) -> R {
        read(&self.0.borrow())
    }

    /// Changes the state without redrawing (what the customer is typing).
    pub fn quietly<R>(&self, change: impl FnOnce(&mut State) -> R) -> R {
        change(&mut self.0.borrow_mut())
    }

    /// Changes the state, then redraws.
    pub fn update(&self, change: impl FnOnce(&mut State)) {
        change(&mut self.0.borrow_mut());
        self.render();
    }

    /// The visit now (see [`State::visit`]).
    pub fn visit(&self) -> u32 {
        self.with(|s| s.visit)
    }

    /// Changes the state and redraws, only if the page opened at `visit` is still the one shown.
    pub fn answer(&self, visit: u32, change: impl FnOnce(&mut State)) {
        if self.visit() == visit {
            self.update(change);
        }
    }

    /// Runs an operation; a 401 means the session ended, so the customer is shown as signed out.
    pub async fn ask<A>(&self, ask: Ask<PortalOp, PortalReply, A>) -> Result<A, ConnectorError> {
        let result = client().ask(ask).await;
        if let Err(ConnectorError::Unauthorized(_)) = &result {
            if self.with(|s| s.customer.is_some()) {
                self.update(|s| s.customer = None);
            }
        }
        result
    }

    /// Runs `work` in the background.
    pub fn spawn(&self, work: impl std::future::Future<Output = ()> + 'static) {
        wasm_bindgen_futures::spawn_local(work);
    }
}
