//! The desk's root: contexts, the first session check, the live chat feed and the routes.

use super::backend;
use super::board::{BoardPage, DealRoute};
use super::context::{SessionState, Store};
use super::customers::{AccountPage, AccountsPage, ContactPage, ContactsPage, ImportPage, TodayPage};
use super::login::LoginPage;
use super::shell::SignedInShell;
use super::support::feed;
use super::support::{CaseDeskPage, CaseQueuePage, InboxPage, KnowledgeBaseEditor};
use crate::i18n::Key;
use crate::store::StoreEvent;
use crate::ui::locale::provide_i18n;
use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

/// Mounts the desk into `<body>` and registers the service worker that keeps the app shell for offline starts.
pub fn start() {
    crate::browser::timing::mark("trato:start");
    console_error_panic_hook::set_once();
    register_service_worker();
    crate::ui::theme::apply_saved();
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
    let feed = feed::provide_feed();
    let feed_started = StoredValue::new(false);
    let backend = StoredValue::new_local(store.clone());
    Effect::new(move |_| {
        let chat = backend.with_value(|store| store.capabilities().chat);
        if chat && state.session.with(Option::is_some) && !feed_started.get_value() {
            feed_started.set_value(true);
            feed::connect(feed);
            // The unread messages waiting before the desk opened; the feed counts the new ones.
            let store = backend.get_value();
            leptos::task::spawn_local(async move {
                if let Ok(conversations) = store.ask(crate::connector::support::SupportOp::inbox()).await {
                    feed.count(&conversations);
                }
            });
        }
    });
    leptos::task::spawn_local(async move {
        let session = store.session().await;
        crate::browser::timing::mark("trato:session");
        match session {
            Ok(session) => {
                state.session.try_set(session);
            }
            Err(_) => {
                state.unreachable.try_set(true);
            }
        }
        state.checked.try_set(true);
    });
    view! {
        <a class="skip-link" href="#main">{move || i18n.t(Key::SkipToContent)}</a>
        <Router>
            <Show
                when=move || state.checked.get()
                fallback=move || view! { <main id="main" class="boot"><p role="status">{move || i18n.t(Key::Loading)}</p></main> }
            >
                <Routes fallback=|| view! { <Redirect path="/" /> }>
                    <Route path=path!("/login") view=LoginPage />
                    // Every other page is a signed-in page: the top bar above it, or the sign-in page.
                    <ParentRoute path=path!("") view=SignedInShell>
                        // The board and its deal panel: opening a panel keeps the board.
                        <ParentRoute path=path!("") view=BoardPage>
                            <Route path=path!("") view=|| () />
                            <Route path=path!("deals/:id") view=DealRoute />
                        </ParentRoute>
                        <Route path=path!("accounts") view=AccountsPage />
                        <Route path=path!("accounts/:id") view=AccountPage />
                        <Route path=path!("contacts") view=ContactsPage />
                        <Route path=path!("contacts/:id") view=ContactPage />
                        <Route path=path!("today") view=TodayPage />
                        <Route path=path!("import") view=ImportPage />
                        <Route path=path!("cases") view=CaseQueuePage />
                        <Route path=path!("cases/:id") view=CaseDeskPage />
                        <ParentRoute path=path!("inbox") view=InboxPage>
                            <Route path=path!("") view=|| () />
                            <Route path=path!(":id") view=|| () />
                        </ParentRoute>
                        <Route path=path!("kb") view=KnowledgeBaseEditor />
                    </ParentRoute>
                </Routes>
            </Show>
        </Router>
    }
}
