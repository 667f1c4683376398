//! The desk's support side: the case queue, a case page (thread, public reply or internal note, assignment,
//! status and priority, the customer's account and other cases) and knowledge base editing. All of it goes
//! through the store's online support operations.

mod case;
pub mod feed;
mod inbox;
mod kb;
mod queue;

pub use case::CaseDeskPage;
pub use inbox::InboxPage;
pub use kb::KnowledgeBaseEditor;
pub use queue::CaseQueuePage;

use super::{use_store, Store};
use crate::connector::support::{SupportOp, SupportReply};
use crate::connector::ConnectorError;
use crate::ui::files::Uploader;
use leptos::prelude::*;
use std::rc::Rc;

/// The desk's store as a copyable handle (support pages only exist inside the desk, which provides it).
pub type StoreValue = StoredValue<Option<Store>, LocalStorage>;

fn store() -> StoreValue {
    StoredValue::new_local(use_store())
}

/// Runs a support operation through the store.
async fn support(store: StoreValue, op: SupportOp) -> Result<SupportReply, ConnectorError> {
    match store.try_get_value().flatten() {
        Some(store) => store.support(op).await,
        None => Err(ConnectorError::Unsupported("no store".into())),
    }
}

/// The desk's upload, for the file picker.
fn desk_uploader(store: StoreValue) -> StoredValue<Uploader, LocalStorage> {
    let uploader: Uploader = Rc::new(move |upload| {
        Box::pin(async move {
            match support(store, SupportOp::Upload(upload)).await? {
                SupportReply::Uploaded(attachment) => Ok(attachment),
                other => Err(ConnectorError::Malformed(format!("{other:?}"))),
            }
        })
    });
    StoredValue::new_local(uploader)
}
