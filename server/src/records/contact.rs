//! Contacts (people), optionally at an account.

use super::kind::{Listed, Writable, WriteCtx};
use crate::error::{check, Failure};
use trato_protocol::validate::*;
use trato_protocol::*;

impl Listed for Contact {
    const FILTERS: &'static [&'static str] = &["account_id", "owner_id"];
    const SORTS: &'static [(&'static str, &'static str)] = &[
        ("name", "lower(json_extract(data, '$.last_name') || ' ' || json_extract(data, '$.first_name'))"),
        ("updated_at", "updated_at"),
    ];
    const DEFAULT_SORT: &'static str = "name";
    const SEARCH: &'static [&'static str] = &["first_name", "last_name", "email"];
    const NOUN: &'static str = "contact";
}

impl Writable for Contact {
    type New = NewContact;
    type Patch = ContactPatch;
    const ID_PREFIX: &'static str = "con";

    fn create(new: NewContact, meta: Meta, ctx: &WriteCtx<'_>) -> Result<Self, Failure> {
        let mut contact = Contact {
            meta,
            first_name: String::new(),
            last_name: String::new(),
            email: None,
            phone: None,
            title: None,
            account_id: None,
            owner_id: ctx.actor.user_id().map(String::from),
        };
        let patch = ContactPatch {
            first_name: Some(new.first_name),
            last_name: Some(new.last_name),
            email: Some(new.email),
            phone: Some(new.phone),
            title: Some(new.title),
            account_id: Some(new.account_id),
            owner_id: new.owner_id.map(Some),
        };
        contact.apply(patch, ctx)?;
        Ok(contact)
    }

    fn apply(&mut self, patch: ContactPatch, ctx: &WriteCtx<'_>) -> Result<(), Failure> {
        let mut errors = contact_errors(&patch);
        if let Some(first) = patch.first_name {
            self.first_name = first.trim().into();
        }
        if let Some(last) = patch.last_name {
            self.last_name = last.trim().into();
        }
        if let Some(email) = patch.email {
            self.email = email;
        }
        for (change, target) in [(patch.phone, &mut self.phone), (patch.title, &mut self.title)] {
            if let Some(value) = change {
                *target = value;
            }
        }
        if let Some(account) = patch.account_id {
            ctx.check_ref::<Account>(&mut errors, "account_id", account.as_deref())?;
            self.account_id = account;
        }
        if let Some(owner) = patch.owner_id {
            ctx.check_user(&mut errors, "owner_id", owner.as_deref())?;
            self.owner_id = owner;
        }
        check(errors)
    }
}
