//! Changes to a party from the desk. Its name is its own field; its e-mail and phone are its first contact
//! mechanisms of that type, and its city is its first address's: records of their own that one
//! `party.party.write` changes along with the name (guarded by the party's version), after a read of the
//! mechanisms and addresses that are there.
//!
//! Rounds: with an e-mail, phone or city change, (0) read the party's mechanisms and addresses, (1) write, (2) read
//! the party back; without, (0) write, (1) read back. What Tryton keeps elsewhere (sector, web, owner; a person's
//! names and title, which are the party's one name) is refused before anything is sent.

use super::mapping::{malformed, unsupported, PARTY_FIELDS};
use super::rpc::Rpc;
use crate::connector::{ConnectorError, HttpRequest};
use serde_json::{json, Map, Value};
use trato_protocol::{AccountPatch, ContactPatch};

/// The account fields Tryton takes from the desk.
pub const ACCOUNT_FIELDS: &[&str] = &["name", "phone", "city"];
/// The contact fields Tryton takes from the desk.
pub const CONTACT_FIELDS: &[&str] = &["email", "phone"];

/// What a desk change asks of a party.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PartyChange {
    /// A new name.
    pub name: Option<String>,
    /// A new first e-mail, or none.
    pub email: Option<Option<String>>,
    /// A new first phone, or none.
    pub phone: Option<Option<String>>,
    /// A new city of the first address, or none.
    pub city: Option<Option<String>>,
}

/// The party's fields read before a write: its mechanisms' types and its addresses.
const BEFORE_WRITE: [&str; 2] = ["contact_mechanisms.type", "addresses"];

fn refused() -> ConnectorError {
    unsupported("changes to parties from Trato other than their name, e-mail, phone and city")
}

impl PartyChange {
    /// An account's change, or `Unsupported` when it touches what Tryton keeps elsewhere.
    pub fn of_account(patch: &AccountPatch) -> Result<PartyChange, ConnectorError> {
        if [&patch.industry, &patch.website, &patch.owner_id].iter().any(|f| f.is_some()) {
            return Err(refused());
        }
        Ok(PartyChange {
            name: patch.name.as_ref().map(|n| n.trim().to_string()),
            email: None,
            phone: patch.phone.clone(),
            city: patch.city.clone(),
        })
    }

    /// A contact's change, or `Unsupported` when it touches what Tryton keeps elsewhere.
    pub fn of_contact(patch: &ContactPatch) -> Result<PartyChange, ConnectorError> {
        let names = patch.first_name.is_some() || patch.last_name.is_some();
        if names || [&patch.title, &patch.account_id, &patch.owner_id].iter().any(|f| f.is_some()) {
            return Err(refused());
        }
        Ok(PartyChange { name: None, email: patch.email.clone(), phone: patch.phone.clone(), city: None })
    }

    /// Whether the write needs the party's mechanisms and addresses first.
    fn reads_first(&self) -> bool {
        self.email.is_some() || self.phone.is_some() || self.city.is_some()
    }

    /// The mechanism types it changes, with what each becomes (`None`: removed).
    fn mechanisms(&self) -> Vec<(&'static str, Option<&str>)> {
        let mut list = vec![];
        if let Some(email) = &self.email {
            list.push(("email", wanted(email)));
        }
        if let Some(phone) = &self.phone {
            list.push(("phone", wanted(phone)));
        }
        list
    }
}

/// A value as the desk asks it: trimmed, and blank is none.
fn wanted(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The first call of the change of party `id` made on `version`.
pub fn first_call(rpc: &Rpc<'_>, id: i64, version: Option<u64>, change: &PartyChange) -> HttpRequest {
    if !change.reads_first() {
        return write(rpc, id, version, change, Map::new());
    }
    rpc.read_one("party.party", id, &BEFORE_WRITE)
}

/// The call after round `round` answered `result`, or `None` when `result` is the party read back.
pub fn next_call(
    rpc: &Rpc<'_>,
    id: i64,
    version: Option<u64>,
    change: &PartyChange,
    round: u8,
    result: &Value,
) -> Result<Option<HttpRequest>, ConnectorError> {
    Ok(match (change.reads_first(), round) {
        (true, 0) => {
            let party = result.as_array().and_then(|rows| rows.first()).ok_or_else(|| malformed("party"))?;
            let mechanisms = party["contact_mechanisms."].as_array().ok_or_else(|| malformed("contact mechanisms"))?;
            let addresses = party["addresses"].as_array().ok_or_else(|| malformed("addresses"))?;
            let mut values = Map::new();
            let mechanism_actions = mechanism_actions(change, mechanisms);
            if !mechanism_actions.is_empty() {
                values.insert("contact_mechanisms".into(), Value::Array(mechanism_actions));
            }
            if let Some(action) = address_action(change, addresses.first().and_then(Value::as_i64)) {
                values.insert("addresses".into(), json!([action]));
            }
            Some(write(rpc, id, version, change, values))
        }
        (true, 1) | (false, 0) => Some(rpc.read_one("party.party", id, &PARTY_FIELDS)),
        _ => None,
    })
}

/// The one2many actions that make the party's first mechanism of each changed type what the desk asks: the
/// first one is rewritten (or made), and a removed value removes every mechanism of its type.
fn mechanism_actions(change: &PartyChange, found: &[Value]) -> Vec<Value> {
    let mut actions = vec![];
    for (kind, wanted) in change.mechanisms() {
        let ids: Vec<i64> =
            found.iter().filter(|m| m["type"].as_str() == Some(kind)).filter_map(|m| m["id"].as_i64()).collect();
        match (wanted, ids.first()) {
            (Some(value), Some(first)) => actions.push(json!(["write", [first], { "value": value }])),
            (Some(value), None) => actions.push(json!(["create", [{ "type": kind, "value": value }]])),
            (None, Some(_)) => actions.push(json!(["delete", ids])),
            (None, None) => {}
        }
    }
    actions
}

/// The one2many action that makes the city of the party's first address (`first`) what the desk asks: that
/// address is rewritten, or one is made; a removed city empties the first address's and keeps the address.
fn address_action(change: &PartyChange, first: Option<i64>) -> Option<Value> {
    let city = change.city.as_ref()?;
    match (wanted(city), first) {
        (value, Some(first)) => Some(json!(["write", [first], { "city": value }])),
        (Some(value), None) => Some(json!(["create", [{ "city": value }]])),
        (None, None) => None,
    }
}

/// The guarded write of the name and of `values` (the one2many actions).
fn write(
    rpc: &Rpc<'_>,
    id: i64,
    version: Option<u64>,
    change: &PartyChange,
    mut values: Map<String, Value>,
) -> HttpRequest {
    if let Some(name) = &change.name {
        values.insert("name".into(), json!(name));
    }
    rpc.call_at("model.party.party.write", "party.party", id, version, vec![json!([id]), Value::Object(values)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_phone_rewrites_the_first_one_and_a_removed_e_mail_removes_them_all() {
        let change =
            PartyChange { email: Some(None), phone: Some(Some(" +34 600 111 222 ".into())), ..Default::default() };
        let found = [
            json!({"id": 7, "type": "phone"}),
            json!({"id": 9, "type": "phone"}),
            json!({"id": 3, "type": "email"}),
            json!({"id": 4, "type": "email"}),
        ];
        assert_eq!(
            mechanism_actions(&change, &found),
            [json!(["delete", [3, 4]]), json!(["write", [7], {"value": "+34 600 111 222"}])]
        );
        let new_phone = PartyChange { phone: Some(Some("600".into())), ..Default::default() };
        assert_eq!(mechanism_actions(&new_phone, &[]), [json!(["create", [{"type": "phone", "value": "600"}]])]);
        let nothing_to_remove = PartyChange { email: Some(Some("  ".into())), ..Default::default() };
        assert!(mechanism_actions(&nothing_to_remove, &[]).is_empty(), "blank is none");
    }

    #[test]
    fn the_city_is_the_first_address_s_made_when_there_is_none_and_emptied_when_removed() {
        let city = |value: Option<&str>| PartyChange { city: Some(value.map(String::from)), ..Default::default() };
        assert_eq!(address_action(&city(Some(" Cádiz ")), Some(8)), Some(json!(["write", [8], {"city": "Cádiz"}])));
        assert_eq!(address_action(&city(Some("Cádiz")), None), Some(json!(["create", [{"city": "Cádiz"}]])));
        assert_eq!(address_action(&city(None), Some(8)), Some(json!(["write", [8], {"city": null}])));
        assert_eq!(address_action(&city(Some(" ")), None), None, "blank is none, and there is nothing to empty");
        assert_eq!(address_action(&PartyChange::default(), Some(8)), None, "an unchanged city is not written");
    }

    #[test]
    fn what_tryton_keeps_elsewhere_is_refused_before_anything_is_sent() {
        let sector = AccountPatch { industry: Some(Some("Hostelería".into())), ..Default::default() };
        assert!(matches!(PartyChange::of_account(&sector), Err(ConnectorError::Unsupported(_))));
        let names = ContactPatch { first_name: Some("Ana".into()), ..Default::default() };
        assert!(matches!(PartyChange::of_contact(&names), Err(ConnectorError::Unsupported(_))));
        let phone = AccountPatch { phone: Some(None), name: Some(" Gil ".into()), ..Default::default() };
        let change = PartyChange::of_account(&phone).unwrap();
        assert_eq!((change.name.as_deref(), change.phone), (Some("Gil"), Some(None)));
    }
}
