//! The help centre's top bar, the same as the portal's: brand, the customer's company and links, language,
//! theme, and sign-out (or a sign-in link).

use super::state::{client, Help, State};
use crate::browser::dom::El;
use crate::connector::portal::PortalOp;
use crate::i18n::Key;
use crate::ui::drawn::{language_switch, theme_switch};

/// The bar for `state`.
pub fn bar(help: &Help, state: &State) -> El {
    let t = |key| state.locale.t(key);
    let mut home = El::new("a").attr("href", "/portal").text(t(Key::HelpCenter));
    if state.page == Some(super::state::Page::Home) {
        home = home.attr("aria-current", "page");
    }
    let mut nav = El::new("nav").class("portal-nav").attr("aria-label", t(Key::PortalNav)).child(home);
    if state.customer.is_some() {
        for (href, key) in
            [("/portal/cases", Key::MyCases), ("/portal/orders", Key::MyOrders), ("/portal/profile", Key::Profile)]
        {
            nav = nav.child(El::new("a").attr("href", href).text(t(key)));
        }
    }
    let company = state.customer.as_ref().map(|c| c.company.as_str()).unwrap_or_default();
    let account = match state.customer {
        Some(_) => El::new("button")
            .attr("type", "button")
            .class("secondary")
            .attr("data-key", "sign-out")
            .text(t(Key::SignOut))
            .on("click", |_| sign_out()),
        None => El::new("a").attr("href", "/portal/signin").class("button secondary").text(t(Key::SignIn)),
    };
    El::new("header")
        .class("topbar portal-bar")
        .child(El::new("span").class("brand").text(t(Key::AppName)))
        .child(El::new("span").class("company").text(company))
        .child(nav)
        .child(El::new("span").class("spacer"))
        .child({
            let help = help.clone();
            language_switch(state.locale, move |locale| help.update(|s| s.locale = locale))
        })
        .child(theme_switch(state.locale))
        .child(account)
}

/// Signs out whatever the server says (the cookie expires on its own), then opens the sign-in page afresh.
fn sign_out() {
    wasm_bindgen_futures::spawn_local(async move {
        let _ = client().ask(PortalOp::logout()).await;
        if let Some(window) = web_sys::window() {
            let _ = window.location().assign("/portal/signin");
        }
    });
}
