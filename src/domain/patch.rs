//! Applying a partial change to a record locally, as the backend will: for optimistic records and for "keep
//! mine" after a conflict (the server's record with the rep's change on top).

use trato_protocol::*;

/// `deal` with the fields of `patch` set. Server-side effects (closing date, stage history) come with the
/// server's answer.
pub fn apply_deal(mut deal: Deal, patch: &DealPatch) -> Deal {
    let DealPatch {
        name,
        pipeline_id,
        stage_id,
        account_id,
        contact_id,
        owner_id,
        amount,
        expected_close,
        position,
        lost_reason,
        participant_ids,
        probability,
        stage_entered_at,
        last_activity_at,
    } = patch.clone();
    if let Some(v) = name {
        deal.name = v;
    }
    if let Some(v) = pipeline_id {
        deal.pipeline_id = v;
    }
    if let Some(v) = stage_id {
        deal.stage_id = v;
    }
    if let Some(v) = account_id {
        deal.account_id = v;
    }
    if let Some(v) = contact_id {
        deal.contact_id = v;
    }
    if let Some(v) = owner_id {
        deal.owner_id = v;
    }
    if let Some(v) = amount {
        deal.amount = v;
    }
    if let Some(v) = expected_close {
        deal.expected_close = v;
    }
    if let Some(v) = position {
        deal.position = v;
    }
    if let Some(v) = lost_reason {
        deal.lost_reason = v;
    }
    if let Some(v) = participant_ids {
        deal.participant_ids = v;
    }
    if let Some(v) = probability {
        deal.probability = v;
    }
    if let Some(v) = stage_entered_at {
        deal.stage_entered_at = v;
    }
    if let Some(v) = last_activity_at {
        deal.last_activity_at = v;
    }
    deal
}

/// `activity` with the fields of `patch` set.
pub fn apply_activity(mut activity: Activity, patch: &ActivityPatch) -> Activity {
    let ActivityPatch { subject, body, owner_id, due_on, done } = patch.clone();
    if let Some(v) = subject {
        activity.subject = v;
    }
    if let Some(v) = body {
        activity.body = v;
    }
    if let Some(v) = owner_id {
        activity.owner_id = v;
    }
    if let Some(v) = due_on {
        activity.due_on = v;
    }
    if let Some(v) = done {
        activity.done = v;
    }
    activity
}

/// `account` with the fields of `patch` set.
pub fn apply_account(mut account: Account, patch: &AccountPatch) -> Account {
    let AccountPatch { name, industry, website, phone, city, owner_id } = patch.clone();
    if let Some(v) = name {
        account.name = v;
    }
    if let Some(v) = industry {
        account.industry = v;
    }
    if let Some(v) = website {
        account.website = v;
    }
    if let Some(v) = phone {
        account.phone = v;
    }
    if let Some(v) = city {
        account.city = v;
    }
    if let Some(v) = owner_id {
        account.owner_id = v;
    }
    account
}

/// `contact` with the fields of `patch` set.
pub fn apply_contact(mut contact: Contact, patch: &ContactPatch) -> Contact {
    let ContactPatch { first_name, last_name, email, phone, title, account_id, owner_id } = patch.clone();
    if let Some(v) = first_name {
        contact.first_name = v;
    }
    if let Some(v) = last_name {
        contact.last_name = v;
    }
    if let Some(v) = email {
        contact.email = v;
    }
    if let Some(v) = phone {
        contact.phone = v;
    }
    if let Some(v) = title {
        contact.title = v;
    }
    if let Some(v) = account_id {
        contact.account_id = v;
    }
    if let Some(v) = owner_id {
        contact.owner_id = v;
    }
    contact
}

/// The names of the fields a deal patch sets (for the conflict screen), in form order.
pub fn deal_patch_fields(patch: &DealPatch) -> Vec<&'static str> {
    let value = serde_json::to_value(patch).unwrap_or_default();
    [
        "name",
        "pipeline_id",
        "stage_id",
        "account_id",
        "contact_id",
        "participant_ids",
        "owner_id",
        "amount",
        "expected_close",
        "probability",
        "lost_reason",
        "position",
    ]
    .into_iter()
    .filter(|f| value.get(*f).is_some())
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deal() -> Deal {
        serde_json::from_value(serde_json::json!({
            "id": "d1", "version": 3, "created_at": "t", "updated_at": "t", "name": "Old", "pipeline_id": "p",
            "stage_id": "s1", "account_id": "a1", "contact_id": null, "owner_id": "u1",
            "amount": {"minor": 100, "currency": "EUR"}, "expected_close": "2027-01-01", "stage_entered_at": "t",
            "last_activity_at": "t", "position": 1.0, "lost_reason": null, "closed_on": null
        }))
        .unwrap()
    }

    #[test]
    fn only_the_patched_fields_change_and_null_clears() {
        let patch =
            DealPatch { name: Some("New".into()), account_id: Some(None), position: Some(2.5), ..Default::default() };
        let after = apply_deal(deal(), &patch);
        assert_eq!(after.name, "New");
        assert_eq!(after.account_id, None);
        assert_eq!(after.position, 2.5);
        assert_eq!(after.stage_id, "s1");
        assert_eq!(after.expected_close.as_deref(), Some("2027-01-01"));
        assert_eq!(after.meta.version, 3, "the version is the server's to change");
        assert_eq!(deal_patch_fields(&patch), vec!["name", "account_id", "position"]);
    }
}
