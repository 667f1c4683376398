//! The desk face (reps): sign-in, the pipeline board, the case queue and knowledge base editing. Entry point [`start`], called by `src/bin/desk.rs`.

mod backend;
pub mod board;
mod login;
mod shell;
mod status;
pub mod support;

use crate::connector::backend::AnyConnector;
use crate::i18n::Key;
use crate::store::{DeskStore, StoreEvent, SyncStatus};
use crate::transport::BrowserTransport;
use crate::ui::locale::provide_i18n;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use trato_protocol::SessionInfo;

/// The desk's store, over the backend the rep chose (the Trato protocol on the page's own origin by default).
pub type Store = DeskStore<AnyConnector, BrowserTransport>;

/// The store as kept in the reactive context (it holds browser objects, so it lives in local storage).
pub type StoreHandle = StoredValue<Store, LocalStorage>;

/// The desk's store, when the desk provides one (component tests do not).
pub fn use_store() -> Option<Store> {
    use_context::<StoreHandle>().map(|handle| handle.get_value())
}

/// The signed-in session (`None` when signed out), whether the first check has finished, and the sync status.
#[derive(Clone, Copy)]
pub struct SessionState {
    /// The session.
    pub session: RwSignal<Option<SessionInfo>>,
    /// Set once the first session check has answered (or failed).
    pub checked: RwSignal<bool>,
    /// Offline state, pending changes and pulls of the store.
    pub sync: RwSignal<SyncStatus>,
    /// Set when the session check could not reach the backend and no earlier session is known.
    pub unreachable: RwSignal<bool>,
}

/// Mounts the desk into `<body>` and registers the service worker that keeps the app shell for offline starts.
pub fn start() {
    console_error_panic_hook::set_once();
    register_service_worker();
    leptos::mount::mount_to_body(App);
}

fn register_service_worker() {
    let Some(window) = web_sys::window() else { return };
    let container = window.navigator().service_worker();
    let _ = container.register("/sw.js");
}

/// Root component: contexts, the first session check and the routes.
#[component]
pub fn App() -> impl IntoView {
    let i18n = provide_i18n(Key::DeskTitle);
    let choice = backend::remembered();
    let store = Store::new(backend::client_for(&choice), &backend::name(&choice));
    provide_context(StoredValue::new_local(store.clone()));
    let state = SessionState {
        session: RwSignal::new(None),
        checked: RwSignal::new(false),
        sync: RwSignal::new(store.status()),
        unreachable: RwSignal::new(false),
    };
    provide_context(state);
    store.subscribe(move |event| {
        if let StoreEvent::Status(status) = event {
            state.sync.set(status.clone());
            // An ended session: sign in again; the queued changes wait in the cache and go out afterwards.
            if status.signed_out && state.session.with_untracked(Option::is_some) {
                state.session.set(None);
            }
        }
    });
    // The live chat feed runs while a rep is signed in to a backend with chat (the rep then counts as online).
    let feed = support::feed::provide_feed();
    let feed_started = StoredValue::new(false);
    let backend = StoredValue::new_local(store.clone());
    Effect::new(move |_| {
        let chat = backend.with_value(|store| store.capabilities().chat);
        if chat && state.session.with(Option::is_some) && !feed_started.get_value() {
            feed_started.set_value(true);
            support::feed::connect(feed);
        }
    });
    leptos::task::spawn_local(async move {
        match store.session().await {
            Ok(session) => state.session.set(session),
            Err(_) => state.unreachable.set(true),
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
                // One route for the board and its deal panel (`/deals/{id}`), so opening a panel keeps the board.
                <Routes fallback=|| view! { <board::BoardPage /> }>
                    <Route path=path!("/login") view=login::LoginPage />
                    <Route path=path!("/cases") view=|| view! { <shell::SignedInShell><support::CaseQueuePage /></shell::SignedInShell> } />
                    <Route path=path!("/cases/:id") view=|| view! { <shell::SignedInShell><support::CaseDeskPage /></shell::SignedInShell> } />
                    <Route path=path!("/inbox") view=|| view! { <shell::SignedInShell><support::InboxPage /></shell::SignedInShell> } />
                    <Route path=path!("/inbox/:id") view=|| view! { <shell::SignedInShell><support::InboxPage /></shell::SignedInShell> } />
                    <Route path=path!("/kb") view=|| view! { <shell::SignedInShell><support::KnowledgeBaseEditor /></shell::SignedInShell> } />
                    <Route path=path!("/*rest") view=board::BoardPage />
                </Routes>
            </Show>
        </Router>
    }
}
