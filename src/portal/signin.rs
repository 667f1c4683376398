//! Passwordless sign-in: the customer asks for a link by mail; opening the link (`/portal/signin#token=…`)
//! trades the token for a session. The token is taken out of the address bar at once and sent in a request body.

use super::forms::Work;
use super::state::{Page, Portal, State};
use crate::browser::dom::El;
use crate::connector::portal::PortalOp;
use crate::connector::ConnectorError;
use crate::i18n::Key;
use crate::ui::drawn::{field, main_element};
use crate::ui::error::describe;
use trato_protocol::LinkRequest;

/// The token in the address's fragment, removed from the address bar and history.
fn take_token() -> Option<String> {
    let window = web_sys::window()?;
    let hash = window.location().hash().ok()?;
    let token = hash.strip_prefix("#token=")?.to_string();
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/portal/signin"));
    }
    (!token.is_empty()).then_some(token)
}

/// Redeems the link the address holds, if any (then returns `true`): the customer is signed in and taken to the
/// case the link is about, or to their cases; a used or expired link is said so.
pub fn redeem_link(portal: &Portal) -> bool {
    let Some(token) = take_token() else { return false };
    portal.update(|s| s.signin.work.start());
    let portal = portal.clone();
    wasm_bindgen_futures::spawn_local(async move {
        match portal.ask(PortalOp::redeem(token)).await {
            Ok(signed) => {
                portal.quietly(|s| {
                    if let Some(locale) = super::bar::customer_locale(&signed.customer) {
                        s.locale = locale;
                    }
                    s.customer = Some(signed.customer);
                    s.checked = true;
                    s.signin.work = Work::default();
                });
                portal.replace(match signed.case_id {
                    Some(id) => Page::Case { id, created: false },
                    None => Page::Cases,
                });
            }
            Err(error) => {
                portal.update(|s| {
                    s.signin.work.failed(match error {
                        ConnectorError::Unauthorized(_) => s.locale.t(Key::LinkExpired).into(),
                        other => describe(s.locale, &other),
                    })
                });
                // Someone already signed in on this device is taken on to their cases.
                portal.check_session();
            }
        }
    });
    true
}

/// Mails a sign-in link to the address typed.
fn request_link(portal: &Portal) {
    if portal.with(|s| s.signin.work.busy) {
        return;
    }
    let (address, locale) = portal.with(|s| (s.signin.email.trim().to_string(), s.locale));
    portal.update(|s| s.signin.work.start());
    let portal = portal.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let request = LinkRequest { email: address.clone(), locale: Some(locale.code().into()) };
        let answer = portal.ask(PortalOp::request_link(request)).await;
        portal.update(|s| match answer {
            Ok(()) => s.signin.work.done(s.locale.tf(Key::LinkSent, &[("email", &address)])),
            Err(ConnectorError::RateLimited(_)) => s.signin.work.failed(s.locale.t(Key::TooManyLinks).into()),
            Err(ConnectorError::Invalid { .. }) => s.signin.work.failed(s.locale.t(Key::InvalidEmail).into()),
            Err(other) => s.signin.work.failed(describe(s.locale, &other)),
        });
    });
}

/// The sign-in page.
pub fn page(portal: &Portal, state: &State) -> El {
    let t = |key| state.locale.t(key);
    let form = &state.signin;
    let email = portal
        .text_field("input", "email", |s| &mut s.signin.email)
        .attr("type", "email")
        .attr("name", "email")
        .attr("autocomplete", "email")
        .attr("required", "");
    let work = &form.work;
    let submit =
        work.button("submit", "primary", "send-link").text(if work.busy { t(Key::Sending) } else { t(Key::SendLink) });
    let sending = portal.clone();
    let card = El::new("form")
        .class("login-card")
        .child(El::new("h1").text(t(Key::PortalSignInTitle)))
        .child(El::new("p").class("muted").text(t(Key::PortalSignInIntro)))
        .child(field(t(Key::Email), email))
        .maybe(work.alert())
        .child(work.notice())
        .child(submit)
        .on("submit", move |event| {
            event.prevent_default();
            request_link(&sending);
        });
    main_element("login-page").child(card)
}
