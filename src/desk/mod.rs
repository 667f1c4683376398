//! The desk face (reps): sign-in and the pipeline board. Entry point [`start`], called by `src/bin/desk.rs`.

pub mod board;
mod login;
mod shell;

use crate::client::Client;
use crate::connector::trato::TratoConnector;
use crate::i18n::Key;
use crate::store::DeskStore;
use crate::transport::BrowserTransport;
use crate::ui::locale::provide_i18n;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use trato_protocol::SessionInfo;

/// The desk's store, over the Trato protocol on the page's own origin.
pub type Store = DeskStore<TratoConnector, BrowserTransport>;

/// The signed-in session (`None` when signed out) and whether the first check has finished.
#[derive(Clone, Copy)]
pub struct SessionState {
    /// The session.
    pub session: RwSignal<Option<SessionInfo>>,
    /// Set once the first `GET /auth/me` has answered (or failed).
    pub checked: RwSignal<bool>,
}

/// Mounts the desk into `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

/// Root component: contexts, the first session check and the routes.
#[component]
pub fn App() -> impl IntoView {
    let i18n = provide_i18n(Key::DeskTitle);
    let store = Store::new(Client::new(TratoConnector, BrowserTransport::new("")));
    provide_context(store.clone());
    let state = SessionState { session: RwSignal::new(None), checked: RwSignal::new(false) };
    provide_context(state);
    leptos::task::spawn_local(async move {
        if let Ok(session) = store.session().await {
            state.session.set(session);
        }
        state.checked.set(true);
    });
    view! {
        <a class="skip-link" href="#main">{move || i18n.t(Key::SkipToContent)}</a>
        <Router>
            <Show
                when=move || state.checked.get()
                fallback=move || view! { <main id="main" class="boot"><p role="status">{move || i18n.t(Key::Loading)}</p></main> }
            >
                <Routes fallback=|| view! { <board::BoardPage /> }>
                    <Route path=path!("/login") view=login::LoginPage />
                    <Route path=path!("/") view=board::BoardPage />
                    <Route path=path!("/deals/:id") view=board::BoardPage />
                </Routes>
            </Show>
        </Router>
    }
}
