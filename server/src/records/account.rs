//! Accounts (companies): a name, sector, contact details and an owner.

use super::kind::{Listed, Writable, WriteCtx};
use crate::error::{check, Failure};
use trato_protocol::validate::*;
use trato_protocol::*;

impl Listed for Account {
    const FILTERS: &'static [&'static str] = &["owner_id"];
    const SORTS: &'static [(&'static str, &'static str)] =
        &[("name", "lower(json_extract(data, '$.name'))"), ("updated_at", "updated_at")];
    const DEFAULT_SORT: &'static str = "name";
    const SEARCH: &'static [&'static str] = &["name", "city"];
    const NOUN: &'static str = "account";
}

impl Writable for Account {
    type New = NewAccount;
    type Patch = AccountPatch;
    const ID_PREFIX: &'static str = "acc";

    fn create(new: NewAccount, meta: Meta, ctx: &WriteCtx<'_>) -> Result<Self, Failure> {
        let mut account = Account {
            meta,
            name: String::new(),
            industry: None,
            website: None,
            phone: None,
            city: None,
            owner_id: ctx.actor.user_id().map(String::from),
        };
        let patch = AccountPatch {
            name: Some(new.name),
            industry: Some(new.industry),
            website: Some(new.website),
            phone: Some(new.phone),
            city: Some(new.city),
            owner_id: new.owner_id.map(Some),
        };
        account.apply(patch, ctx)?;
        Ok(account)
    }

    fn apply(&mut self, patch: AccountPatch, ctx: &WriteCtx<'_>) -> Result<(), Failure> {
        let mut errors = account_errors(&patch);
        if let Some(name) = patch.name {
            self.name = name.trim().into();
        }
        for (change, target) in [
            (patch.industry, &mut self.industry),
            (patch.website, &mut self.website),
            (patch.phone, &mut self.phone),
            (patch.city, &mut self.city),
        ] {
            if let Some(value) = change {
                *target = value;
            }
        }
        if let Some(owner) = patch.owner_id {
            ctx.check_user(&mut errors, "owner_id", owner.as_deref())?;
            self.owner_id = owner;
        }
        check(errors)
    }
}
