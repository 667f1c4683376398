//! The desk's sign-in page as its own small build (`signin.html`, served as `login.html` for a fresh load of
//! `/login`), drawn by hand like the help centre: it is the first thing a rep downloads, often on a phone, and
//! the whole desk is several times its weight. After signing in it loads the desk (`/`), which picks up the
//! backend and session remembered here; a desk already open that needs a new sign-in uses its own sign-in page.
//!
//! - The form is the desk's: which CRM backend (this server's Trato protocol, a Tryton server with its address
//!   and database, or a REST backend the server offers a connector file for), then the rep's credentials. The
//!   choice is remembered, never the password.
//! - A rep who is still signed in goes straight on to the desk.
//! - Language and theme switches as elsewhere; user text is only ever text.

use crate::browser::dom::{self, El};
use crate::client::Client;
use crate::connector::backend::AnyConnector;
use crate::desk::backend::{self, Offered};
use crate::i18n::{Key, Locale};
use crate::transport::BrowserTransport;
use crate::ui::drawn::{language_switch, target_value, theme_switch};
use std::cell::RefCell;
use std::rc::Rc;

/// What the page shows (the typed values live in the inputs and are carried over each redraw).
#[derive(Clone)]
struct State {
    locale: Locale,
    /// `"trato"`, `"tryton"` or `"rest:<name>"`.
    chosen: String,
    offered: Vec<Offered>,
    error: Option<String>,
    busy: bool,
}

/// The page: its state, redrawn as a whole on every change.
#[derive(Clone)]
struct Page(Rc<RefCell<State>>);

/// Starts the sign-in page: draws it, asks whether the rep is still signed in, and which REST backends the
/// server offers.
pub fn start() {
    console_error_panic_hook::set_once();
    crate::ui::theme::apply_saved();
    let remembered = backend::remembered();
    let (chosen, url, database) = backend::form_fields(&remembered);
    let page = Page(Rc::new(RefCell::new(State {
        locale: crate::ui::locale::initial_locale(),
        chosen,
        offered: vec![],
        error: None,
        busy: false,
    })));
    page.render();
    page.set_value("backend-url", &url);
    page.set_value("backend-database", &database);
    let still = page.clone();
    wasm_bindgen_futures::spawn_local(async move {
        match backend::client_for(&remembered).session().await {
            Ok(_) => go_to_desk(),
            Err(crate::connector::ConnectorError::Network(_)) => {
                still.update(|s| s.error = Some(s.locale.t(Key::NetworkError).to_string()))
            }
            Err(_) => {}
        }
    });
    let offers = page.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let offered = backend::offered().await;
        if !offered.is_empty() {
            offers.update(|s| s.offered = offered);
        }
    });
}

fn go_to_desk() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().replace("/");
    }
}

impl Page {
    fn update(&self, change: impl FnOnce(&mut State)) {
        change(&mut self.0.borrow_mut());
        self.render();
    }

    fn input(&self, name: &str) -> Option<web_sys::Element> {
        dom::document().query_selector(&format!("[name=\"{name}\"]")).ok().flatten()
    }

    fn value(&self, name: &str) -> String {
        self.input(name).map(|i| dom::value(&i)).unwrap_or_default()
    }

    fn set_value(&self, name: &str, value: &str) {
        if let Some(input) = self.input(name) {
            dom::set_value(&input, value);
        }
    }

    /// Draws the page again, keeping what was typed and where the focus was.
    fn render(&self) {
        const KEPT: [&str; 4] = ["backend-url", "backend-database", "email", "password"];
        let typed: Vec<(&str, String)> = KEPT.iter().map(|name| (*name, self.value(name))).collect();
        let focused = dom::document().active_element().and_then(|e| e.get_attribute("name"));
        let state = self.0.borrow().clone();
        let t = |key| state.locale.t(key);
        let document = dom::document();
        document.set_title(t(Key::DeskTitle));
        if let Some(html) = document.document_element() {
            let _ = html.set_attribute("lang", state.locale.code());
        }
        // Drawn inside the redraw, which lets go of the handlers of what it replaces.
        dom::redraw_body(|| {
            let skip = El::new("a").class("skip-link").attr("href", "#main").text(t(Key::SkipToContent));
            let page = self.clone();
            let bar = El::new("header")
                .class("topbar")
                .child(El::new("span").class("brand").text(t(Key::AppName)))
                .child(language_switch(state.locale, move |locale| page.update(|s| s.locale = locale)))
                .child(theme_switch(state.locale));
            let main =
                El::new("main").attr("id", "main").attr("tabindex", "-1").class("login-page").child(self.form(&state));
            vec![skip.0, bar.0, main.0]
        });
        for (name, value) in typed.iter().filter(|(_, v)| !v.is_empty()) {
            self.set_value(name, value);
        }
        if let Some(input) = focused.and_then(|name| self.input(&name)) {
            use wasm_bindgen::JsCast;
            if let Some(input) = input.dyn_ref::<web_sys::HtmlElement>() {
                let _ = input.focus();
            }
        }
    }

    fn form(&self, state: &State) -> El {
        let t = |key| state.locale.t(key);
        let tryton = state.chosen == "tryton";
        let rest = state.chosen.starts_with("rest:");
        let mut choices = El::new("select").attr("name", "backend");
        let mut options = vec![("trato".to_string(), t(Key::BackendTrato).to_string())];
        options.push(("tryton".to_string(), t(Key::BackendTryton).to_string()));
        options.extend(state.offered.iter().map(|o| (format!("rest:{}", o.name), o.title.clone())));
        for (value, label) in options {
            let mut option = El::new("option").attr("value", &value);
            if value == state.chosen {
                option = option.attr("selected", "");
            }
            choices = choices.child(option.text(&label));
        }
        let page = self.clone();
        let choices = choices.on("change", move |event| page.choose(&target_value(&event)));
        let url = |label| {
            field(
                t(label),
                El::new("input")
                    .attr("type", "url")
                    .attr("name", "backend-url")
                    .attr("placeholder", "https://")
                    .attr("required", ""),
            )
        };
        let mut form = El::new("form")
            .class("login-card")
            .child(El::new("h1").text(t(Key::SignInTitle)))
            .child(El::new("p").class("muted").text(t(Key::SignInIntro)))
            .child(field(t(Key::BackendLabel), choices));
        if rest {
            form = form.child(url(Key::BackendRestUrl));
        }
        if tryton {
            form = form.child(url(Key::BackendUrl)).child(field(
                t(Key::BackendDatabase),
                El::new("input").attr("type", "text").attr("name", "backend-database").attr("required", ""),
            ));
        }
        let login = if tryton || rest { (Key::UserLogin, "text") } else { (Key::Email, "email") };
        let email = El::new("input").attr("type", login.1).attr("name", "email").attr("autocomplete", "username");
        let password =
            El::new("input").attr("type", "password").attr("name", "password").attr("autocomplete", "current-password");
        let mut submit = El::new("button").attr("type", "submit").class("primary");
        if state.busy {
            submit = submit.attr("disabled", "");
        }
        let page = self.clone();
        form.child(field(t(login.0), email.attr("required", "")))
            .child(field(t(Key::Password), password.attr("required", "")))
            .maybe(state.error.as_ref().map(|e| El::new("p").class("alert").attr("role", "alert").text(e)))
            .child(submit.text(t(if state.busy { Key::SigningIn } else { Key::SignIn })))
            .on("submit", move |event| {
                event.prevent_default();
                page.submit();
            })
    }

    /// A backend picked in the select; a REST backend starts at the address its file gives.
    fn choose(&self, value: &str) {
        let address = value
            .strip_prefix("rest:")
            .and_then(|name| self.0.borrow().offered.iter().find(|o| o.name == name).map(|o| o.base_url.clone()));
        self.update(|s| s.chosen = value.to_string());
        if let Some(address) = address {
            self.set_value("backend-url", &address);
        }
    }

    fn submit(&self) {
        if self.0.borrow().busy {
            return;
        }
        let found = {
            let state = self.0.borrow();
            let (url, database) = (self.value("backend-url"), self.value("backend-database"));
            backend::chosen_backend(&state.chosen, &url, &database, &state.offered)
        };
        let Some(choice) = found else {
            return self.update(|s| s.error = Some(s.locale.t(Key::BackendIncomplete).to_string()));
        };
        let (email, password) = (self.value("email"), self.value("password"));
        self.update(|s| {
            s.busy = true;
            s.error = None;
        });
        let page = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let client: Client<AnyConnector, BrowserTransport> = backend::client_for(&choice);
            match client.login(&email, &password).await {
                Ok(_) => {
                    backend::remember(&choice);
                    backend::keep_session(&client, &choice);
                    page.set_value("password", "");
                    go_to_desk();
                }
                Err(error) => page.update(|s| {
                    s.busy = false;
                    s.error = Some(crate::ui::error::describe(s.locale, &error));
                }),
            }
        });
    }
}

/// A labelled control, as [`Field`](crate::ui::field::Field) draws it.
fn field(label: &str, control: El) -> El {
    El::new("label").class("field").child(El::new("span").text(label)).child(control)
}
