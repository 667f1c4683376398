//! What every portal page shares: the customer's session state, the client for the portal API on this origin,
//! and typed portal operations through it (a 401 means the session ended: the customer is shown as signed out).

use crate::client::PortalClient;
use crate::connector::portal::{PortalOp, PortalReply};
use crate::connector::{Ask, ConnectorError};
use crate::i18n::Key;
use crate::i18n::Locale;
use crate::transport::BrowserTransport;
use crate::ui::locale::{provide_i18n, I18n};
use leptos::prelude::*;
use trato_protocol::Customer;

/// Path of the portal's pages.
pub const BASE: &str = "/portal";
/// Path attachments are downloaded from.
pub const ATTACHMENTS: &str = "/api/v1/portal/attachments";

/// The signed-in customer (`None` when signed out) and whether the first check has answered.
#[derive(Clone, Copy)]
pub struct PortalState {
    /// The customer.
    pub customer: RwSignal<Option<Customer>>,
    /// Set once the first session check has answered.
    pub checked: RwSignal<bool>,
}

/// A client for the portal API on this origin.
pub fn client() -> PortalClient<BrowserTransport> {
    PortalClient::new(BrowserTransport::new(""))
}

/// Runs an operation and returns its typed answer; a 401 means the session ended, so the customer is shown as
/// signed out.
pub async fn ask<A>(ask: Ask<PortalOp, PortalReply, A>) -> Result<A, ConnectorError> {
    let result = client().ask(ask).await;
    if let Err(ConnectorError::Unauthorized(_)) = &result {
        if let Some(state) = STATE.with(std::cell::Cell::get) {
            state.customer.set(None);
        }
    }
    result
}

thread_local! {
    /// The portal's session state, for code that runs outside the component tree (after an `await`).
    static STATE: std::cell::Cell<Option<PortalState>> = const { std::cell::Cell::new(None) };
}

/// Makes `state` the session state [`ask`] signs out on a 401.
pub fn remember_state(state: PortalState) {
    STATE.with(|cell| cell.set(Some(state)));
}

/// Applies a customer's preferred language, unless a language was picked on this device (that choice wins, so
/// a reload keeps the language just picked).
pub fn apply_customer_locale(i18n: I18n, customer: &Customer) {
    if crate::ui::locale::chosen_locale().is_some() {
        return;
    }
    if let Some(locale) = Locale::from_tag(&customer.locale) {
        i18n.0.set(locale);
    }
}

/// Switches to the language the customer just saved in their profile, and remembers it on this device.
pub fn choose_customer_locale(i18n: I18n, customer: &Customer) {
    if let Some(locale) = Locale::from_tag(&customer.locale) {
        crate::ui::locale::choose_locale(i18n, locale);
    }
}

/// Sets up a portal page: its translations, the session state (given as context), and the session check, which
/// applies the customer's language and sets `checked` when it answers.
pub fn start_session() -> (I18n, PortalState) {
    let i18n = provide_i18n(Key::PortalTitle);
    let state = PortalState { customer: RwSignal::new(None), checked: RwSignal::new(false) };
    provide_context(state);
    remember_state(state);
    leptos::task::spawn_local(async move {
        if let Ok(customer) = client().ask(PortalOp::session()).await {
            if let Some(customer) = &customer {
                apply_customer_locale(i18n, customer);
            }
            state.customer.try_set(customer);
        }
        state.checked.try_set(true);
    });
    (i18n, state)
}
