//! Board filters (the saved-view filters of the protocol) and sorting within a column.

use super::board::is_rotting;
use super::time::date_to_days;
use std::cmp::Ordering;
use trato_protocol::{Deal, Stage, ViewFilters};

/// The value of `owner_id` that means "the rep looking at the board".
pub const ME: &str = "me";

/// Whether a filter set is empty (shows everything).
pub fn is_empty(filters: &ViewFilters) -> bool {
    filters.q.as_deref().is_none_or(|q| q.trim().is_empty())
        && filters.owner_id.is_none()
        && filters.close_from.is_none()
        && filters.close_to.is_none()
        && filters.amount_min.is_none()
        && filters.amount_max.is_none()
        && !filters.rotting_only
}

/// Whether `deal` (in `stage`, with account name `account`) passes the filters, for rep `me` at `now_ms`.
pub fn matches(
    filters: &ViewFilters,
    deal: &Deal,
    stage: &Stage,
    account: Option<&str>,
    me: &str,
    now_ms: i64,
) -> bool {
    if let Some(q) = filters.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let q = q.to_lowercase();
        let in_name = deal.name.to_lowercase().contains(&q);
        let in_account = account.is_some_and(|a| a.to_lowercase().contains(&q));
        if !in_name && !in_account {
            return false;
        }
    }
    if let Some(owner) = filters.owner_id.as_deref() {
        let wanted = if owner == ME { me } else { owner };
        if deal.owner_id.as_deref() != Some(wanted) {
            return false;
        }
    }
    let close = deal.expected_close.as_deref().and_then(date_to_days);
    if let Some(from) = filters.close_from.as_deref().and_then(date_to_days) {
        if close.is_none_or(|c| c < from) {
            return false;
        }
    }
    if let Some(to) = filters.close_to.as_deref().and_then(date_to_days) {
        if close.is_none_or(|c| c > to) {
            return false;
        }
    }
    if filters.amount_min.is_some_and(|min| deal.amount.minor < min) {
        return false;
    }
    if filters.amount_max.is_some_and(|max| deal.amount.minor > max) {
        return false;
    }
    if filters.rotting_only && !is_rotting(deal, stage, now_ms) {
        return false;
    }
    true
}

/// Sort orders offered within a column.
pub const SORTS: [&str; 6] = ["position", "-amount", "amount", "expected_close", "next_activity", "name"];

/// Compares two deals for a sort key of [`SORTS`]; unknown keys sort by position. Ties break by id.
pub fn compare(sort: &str, a: &Deal, b: &Deal) -> Ordering {
    let by = match sort {
        "amount" => a.amount.minor.cmp(&b.amount.minor),
        "-amount" => b.amount.minor.cmp(&a.amount.minor),
        "name" => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
        "expected_close" => undated_last(a.expected_close.as_deref(), b.expected_close.as_deref()),
        "next_activity" => undated_last(
            a.next_activity.as_ref().and_then(|n| n.due_on.as_deref()),
            b.next_activity.as_ref().and_then(|n| n.due_on.as_deref()),
        ),
        _ => a.position.total_cmp(&b.position),
    };
    by.then_with(|| a.meta.id.cmp(&b.meta.id))
}

fn undated_last(a: Option<&str>, b: Option<&str>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Whether a sort keeps the board's manual order (only then can cards be reordered inside a column).
pub fn is_manual(sort: &str) -> bool {
    sort == "position"
}

#[cfg(test)]
mod tests {
    use super::*;
    use trato_protocol::{Meta, Money, StageKind};

    fn deal(id: &str, owner: &str, minor: i64, close: Option<&str>) -> Deal {
        Deal {
            meta: Meta { id: id.into(), version: 1, created_at: String::new(), updated_at: String::new() },
            name: format!("Pedido {id}"),
            pipeline_id: "p".into(),
            stage_id: "s".into(),
            account_id: None,
            contact_id: None,
            participant_ids: vec![],
            owner_id: Some(owner.into()),
            amount: Money { minor, currency: "EUR".into() },
            expected_close: close.map(Into::into),
            stage_entered_at: "2026-01-01T00:00:00.000Z".into(),
            last_activity_at: "2026-01-01T00:00:00.000Z".into(),
            position: minor as f64,
            lost_reason: None,
            closed_on: None,
            probability: None,
            next_activity: None,
        }
    }

    fn stage() -> Stage {
        Stage { id: "s".into(), name: "S".into(), probability: 50, kind: StageKind::Open, rotting_days: Some(10) }
    }

    #[test]
    fn filters_combine() {
        let d = deal("a1", "u1", 5_000, Some("2027-01-15"));
        let s = stage();
        let now = crate::domain::time::timestamp_to_ms("2026-01-05T00:00:00Z").unwrap();
        let check = |f: ViewFilters| matches(&f, &d, &s, Some("Hotel Miramar"), "u1", now);
        assert!(check(ViewFilters::default()));
        assert!(check(ViewFilters { q: Some("miramar".into()), ..Default::default() }));
        assert!(check(ViewFilters { q: Some("PEDIDO".into()), ..Default::default() }));
        assert!(!check(ViewFilters { q: Some("zzz".into()), ..Default::default() }));
        assert!(check(ViewFilters { owner_id: Some(ME.into()), ..Default::default() }));
        assert!(!check(ViewFilters { owner_id: Some("u2".into()), ..Default::default() }));
        assert!(check(ViewFilters {
            close_from: Some("2027-01-15".into()),
            close_to: Some("2027-01-15".into()),
            ..Default::default()
        }));
        assert!(!check(ViewFilters { close_from: Some("2027-01-16".into()), ..Default::default() }));
        assert!(!check(ViewFilters { amount_min: Some(5_001), ..Default::default() }));
        assert!(check(ViewFilters { amount_max: Some(5_000), ..Default::default() }));
        assert!(!check(ViewFilters { rotting_only: true, ..Default::default() }));
        let later = crate::domain::time::timestamp_to_ms("2026-02-05T00:00:00Z").unwrap();
        assert!(matches(&ViewFilters { rotting_only: true, ..Default::default() }, &d, &s, None, "u1", later));
        let undated = deal("b", "u1", 1, None);
        assert!(!matches(
            &ViewFilters { close_to: Some("2030-01-01".into()), ..Default::default() },
            &undated,
            &s,
            None,
            "u1",
            now
        ));
    }

    #[test]
    fn sorting() {
        let mut deals = [
            deal("a", "u", 300, None),
            deal("b", "u", 100, Some("2027-01-01")),
            deal("c", "u", 200, Some("2026-01-01")),
        ];
        deals.sort_by(|a, b| compare("-amount", a, b));
        assert_eq!(deals.iter().map(|d| d.meta.id.as_str()).collect::<String>(), "acb");
        deals.sort_by(|a, b| compare("expected_close", a, b));
        assert_eq!(deals.iter().map(|d| d.meta.id.as_str()).collect::<String>(), "cba");
        deals.sort_by(|a, b| compare("position", a, b));
        assert_eq!(deals.iter().map(|d| d.meta.id.as_str()).collect::<String>(), "bca");
        assert!(is_manual("position") && !is_manual("name"));
        assert!(
            is_empty(&ViewFilters::default()) && !is_empty(&ViewFilters { rotting_only: true, ..Default::default() })
        );
    }
}
