//! The help centre's top bar, the same as the portal's: brand, the customer's company and links, language,
//! theme, and sign-out (or a sign-in link).

use super::state::{client, Help, State};
use crate::browser::dom::El;
use crate::connector::portal::PortalOp;
use crate::i18n::{Key, Locale};
use wasm_bindgen::JsCast;

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
        .child(language_switch(help, state.locale))
        .child(theme_switch(state.locale))
        .child(account)
}

fn language_switch(help: &Help, current: Locale) -> El {
    let mut select = El::new("select").attr("title", current.t(Key::SwitchLanguage)).attr("data-key", "language");
    for locale in Locale::ALL {
        let mut option = El::new("option").attr("value", locale.code()).attr("lang", locale.code());
        if locale == current {
            option = option.attr("selected", "");
        }
        select = select.child(option.text(locale.t(Key::LanguageName)));
    }
    let help = help.clone();
    let select = select.on("change", move |event| {
        if let Some(locale) = Locale::from_tag(&target_value(&event)) {
            crate::ui::locale::remember_locale(locale);
            help.update(|s| s.locale = locale);
        }
    });
    El::new("label")
        .class("language-switch")
        .child(El::new("span").class("visually-hidden").text(current.t(Key::Language)))
        .child(select)
}

fn theme_switch(locale: Locale) -> El {
    let saved = crate::ui::theme::saved();
    let mut select = El::new("select").attr("title", locale.t(Key::Theme)).attr("data-key", "theme");
    for (code, key) in crate::ui::theme::THEMES {
        let mut option = El::new("option").attr("value", code);
        if code == saved {
            option = option.attr("selected", "");
        }
        select = select.child(option.text(locale.t(key)));
    }
    let select = select.on("change", |event| crate::ui::theme::remember(&target_value(&event)));
    El::new("label")
        .class("theme-switch")
        .child(El::new("span").class("visually-hidden").text(locale.t(Key::Theme)))
        .child(select)
}

fn target_value(event: &web_sys::Event) -> String {
    event.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()).map(|s| s.value()).unwrap_or_default()
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
