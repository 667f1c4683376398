//! What the support pages share: the store as a copyable handle, typed support operations through it, and the
//! desk's file upload.

use crate::connector::support::{SupportOp, SupportReply};
use crate::connector::{Ask, ConnectorError};
use crate::desk::context::{use_store, Store};
use crate::ui::files::Uploader;
use leptos::prelude::*;
use std::rc::Rc;

/// The desk's store as a copyable handle (support pages only exist inside the desk, which provides it).
pub type StoreValue = StoredValue<Option<Store>, LocalStorage>;

/// The desk's store, for a support page.
pub fn store() -> StoreValue {
    StoredValue::new_local(use_store())
}

/// Runs a support operation through the store and returns its typed answer.
pub async fn ask<A>(store: StoreValue, ask: Ask<SupportOp, SupportReply, A>) -> Result<A, ConnectorError> {
    match store.try_get_value().flatten() {
        Some(store) => store.ask(ask).await,
        None => Err(ConnectorError::Unsupported("no store".into())),
    }
}

/// The desk's upload, for the file picker.
pub fn desk_uploader(store: StoreValue) -> StoredValue<Uploader, LocalStorage> {
    let uploader: Uploader =
        Rc::new(move |upload| Box::pin(async move { ask(store, SupportOp::upload(upload)).await }));
    StoredValue::new_local(uploader)
}
