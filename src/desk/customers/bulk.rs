//! Changes applied to many selected rows at once, each queued like a single edit.

use super::listing::ListKind;
use crate::desk::context::Store;
use trato_protocol::{AccountPatch, ContactPatch};

/// Gives the records `ids` of a list the owner `owner` (`""`: none); returns how many changed.
pub async fn change_owner(store: &Store, kind: ListKind, ids: &[String], owner: String) -> usize {
    let owner = (!owner.is_empty()).then_some(owner);
    let mut changed = 0;
    for id in ids {
        let key = crate::browser::ids::new_key();
        let done = match kind {
            ListKind::Accounts => match store.account(id).await {
                Ok(Some(account)) if account.owner_id != owner => {
                    let patch = AccountPatch { owner_id: Some(owner.clone()), ..Default::default() };
                    store.update_account(&account, patch, key).await.is_ok()
                }
                _ => false,
            },
            ListKind::Contacts => match store.contact(id).await {
                Ok(Some(contact)) if contact.owner_id != owner => {
                    let patch = ContactPatch { owner_id: Some(owner.clone()), ..Default::default() };
                    store.update_contact(&contact, patch, key).await.is_ok()
                }
                _ => false,
            },
        };
        changed += usize::from(done);
    }
    changed
}
