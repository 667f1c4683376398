//! What every desk page shares through context: the store over the chosen backend, and the session state (the
//! signed-in rep, whether the first check has answered, the sync status).

use crate::connector::backend::AnyConnector;
use crate::store::{DeskStore, SyncStatus};
use crate::transport::BrowserTransport;
use leptos::prelude::*;
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

/// The store with the rep's cache open, for any page that reads the cache (the board is not always the first
/// page opened); `None` when signed out or when the cache cannot be opened. With `sync`, the background work is
/// started too (a customer page opened first); the top bar's readers leave that to the pages.
pub async fn opened(store: Store, session: Option<SessionInfo>, sync: bool) -> Option<Store> {
    store.open(&session?).await.ok()?;
    if sync {
        store.start();
    }
    Some(store)
}

/// [`opened`] for the signed-in session of the page's context (read now, before any await).
pub fn open_store(store: Option<Store>, sync: bool) -> impl std::future::Future<Output = Option<Store>> {
    let session = use_context::<SessionState>().and_then(|state| state.session.get_untracked());
    async move { opened(store?, session, sync).await }
}
