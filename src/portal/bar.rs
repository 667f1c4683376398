//! The portal's top bar, the same in the help centre and the signed-in pages: brand, the customer's company and
//! links (the page shown marked current), language, theme, and sign-out (or a sign-in link).

use super::state::client;
use crate::browser::dom::{self, El};
use crate::connector::portal::PortalOp;
use crate::i18n::{Key, Locale};
use crate::ui::drawn::{language_switch, theme_switch};
use trato_protocol::Customer;

/// The bar in `locale` for `customer` on the page at `current` (a path); a language picked with its switch is
/// given to `chosen`.
pub fn bar(locale: Locale, customer: Option<&Customer>, current: &str, chosen: impl Fn(Locale) + 'static) -> El {
    let t = |key| locale.t(key);
    let link = |href: &str, key| {
        let link = El::new("a").attr("href", href).text(t(key));
        if href == current {
            link.attr("aria-current", "page")
        } else {
            link
        }
    };
    let mut nav = El::new("nav")
        .class("portal-nav")
        .attr("aria-label", t(Key::PortalNav))
        .child(link("/portal", Key::HelpCenter));
    if customer.is_some() {
        for (href, key) in
            [("/portal/cases", Key::MyCases), ("/portal/orders", Key::MyOrders), ("/portal/profile", Key::Profile)]
        {
            nav = nav.child(link(href, key));
        }
    }
    let account = match customer {
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
        .child(El::new("span").class("company").text(customer.map(|c| c.company.as_str()).unwrap_or_default()))
        .child(nav)
        .child(El::new("span").class("spacer"))
        .child(language_switch(locale, chosen))
        .child(theme_switch(locale))
        .child(account)
}

/// Draws a portal page (the help centre's or a signed-in one) into `<body>` from scratch: the document's language
/// and title, the skip link, the [`bar`] and the page's `main`.
pub fn draw_page(
    locale: Locale,
    customer: Option<&Customer>,
    current: &str,
    chosen: impl Fn(Locale) + 'static,
    main: impl FnOnce() -> El,
) {
    let document = dom::document();
    if let Some(root) = document.document_element() {
        let _ = root.set_attribute("lang", locale.code());
    }
    document.set_title(locale.t(Key::PortalTitle));
    dom::redraw_body(|| {
        let skip = El::new("a").class("skip-link").attr("href", "#main").text(locale.t(Key::SkipToContent));
        vec![skip.into(), bar(locale, customer, current, chosen).into(), main().into()]
    });
}

/// A customer's preferred language, unless a language was picked on this device (that choice wins, so a reload
/// keeps the language just picked).
pub fn customer_locale(customer: &Customer) -> Option<Locale> {
    if crate::ui::locale::chosen_locale().is_some() {
        return None;
    }
    Locale::from_tag(&customer.locale)
}

/// Signs out whatever the server says (the cookie expires on its own), then opens the sign-in page afresh:
/// nothing of the signed-out customer stays in memory.
fn sign_out() {
    wasm_bindgen_futures::spawn_local(async move {
        let _ = client().ask(PortalOp::logout()).await;
        if let Some(window) = web_sys::window() {
            let _ = window.location().assign("/portal/signin");
        }
    });
}
