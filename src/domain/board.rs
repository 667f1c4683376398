//! Pipeline board rules: grouping deals into stage columns, column totals, weighted value, rotting.

use super::money::Totals;
use super::time::{timestamp_to_ms, whole_days_between};
use trato_protocol::{Deal, Pipeline, Stage, StageKind};

/// Count, total amount and weighted amount of one stage column, over all its deals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StageSummary {
    /// Number of deals.
    pub count: usize,
    /// Sum of amounts, per currency.
    pub total: Totals,
    /// Sum of amount × stage probability, per currency.
    pub weighted: Totals,
}

/// One column of the board: a stage and its deals in board order.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// The stage.
    pub stage: Stage,
    /// Its deals, by position then id.
    pub deals: Vec<Deal>,
    /// Totals over all of `deals`.
    pub summary: StageSummary,
}

/// `amount × probability / 100`, rounded half away from zero, without overflow.
pub fn weighted_minor(amount: i64, probability: u8) -> i64 {
    let product = i128::from(amount) * i128::from(probability.min(100));
    let rounded = if product >= 0 { (product + 50) / 100 } else { (product - 50) / 100 };
    rounded as i64
}

/// Summarises a set of deals that all sit in `stage`.
pub fn summarize<'a>(stage: &Stage, deals: impl IntoIterator<Item = &'a Deal>) -> StageSummary {
    let mut summary = StageSummary::default();
    for deal in deals {
        summary.count += 1;
        summary.total.add(&deal.amount.currency, deal.amount.minor);
        let probability = deal.probability.unwrap_or(stage.probability);
        summary.weighted.add(&deal.amount.currency, weighted_minor(deal.amount.minor, probability));
    }
    summary
}

/// Groups the deals of `pipeline` into its stages, in stage order; deals of other pipelines or of unknown
/// stages are left out.
pub fn build_columns(pipeline: &Pipeline, deals: &[Deal]) -> Vec<Column> {
    pipeline
        .stages
        .iter()
        .map(|stage| {
            let mut in_stage: Vec<Deal> =
                deals.iter().filter(|d| d.pipeline_id == pipeline.meta.id && d.stage_id == stage.id).cloned().collect();
            in_stage.sort_by(|a, b| a.position.total_cmp(&b.position).then_with(|| a.meta.id.cmp(&b.meta.id)));
            let summary = summarize(stage, &in_stage);
            Column { stage: stage.clone(), deals: in_stage, summary }
        })
        .collect()
}

/// Spacing between positions of cards placed at the ends of a column.
pub const POSITION_STEP: f64 = 1024.0;

/// A position strictly between two neighbours (either may be missing at the ends of a column).
pub fn position_between(before: Option<f64>, after: Option<f64>) -> f64 {
    match (before, after) {
        (None, None) => POSITION_STEP,
        (Some(b), None) => b + POSITION_STEP,
        (None, Some(a)) => a - POSITION_STEP,
        (Some(b), Some(a)) => b + (a - b) / 2.0,
    }
}

/// The position that puts `moving` at `index` among `column` (the column's deals in board order; `moving` itself
/// is skipped if it is already there).
pub fn position_at(column: &[Deal], moving: &str, index: usize) -> f64 {
    let others: Vec<f64> = column.iter().filter(|d| d.meta.id != moving).map(|d| d.position).collect();
    let index = index.min(others.len());
    let before = index.checked_sub(1).map(|i| others[i]);
    position_between(before, others.get(index).copied())
}

/// Whole days the deal has been in its current stage, if its timestamp is readable.
pub fn days_in_stage(deal: &Deal, now_ms: i64) -> Option<i64> {
    timestamp_to_ms(&deal.stage_entered_at).map(|at| whole_days_between(at, now_ms))
}

/// Whether an open deal has been idle longer than its stage's rotting days.
pub fn is_rotting(deal: &Deal, stage: &Stage, now_ms: i64) -> bool {
    let Some(limit) = stage.rotting_days else {
        return false;
    };
    if stage.kind != StageKind::Open {
        return false;
    }
    timestamp_to_ms(&deal.last_activity_at).is_some_and(|at| whole_days_between(at, now_ms) > i64::from(limit))
}

/// Up to two upper-case initials of a person's name (`Lucía Martín` → `LM`).
pub fn initials(name: &str) -> String {
    name.split_whitespace().filter_map(|word| word.chars().next()).take(2).flat_map(char::to_uppercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::DAY_MS;
    use trato_protocol::{Meta, Money};

    fn stage(id: &str, probability: u8, kind: StageKind, rotting_days: Option<u32>) -> Stage {
        Stage { id: id.into(), name: id.into(), probability, kind, rotting_days }
    }

    fn deal(id: &str, stage_id: &str, minor: i64, position: f64) -> Deal {
        Deal {
            meta: Meta { id: id.into(), version: 1, created_at: String::new(), updated_at: String::new() },
            name: id.into(),
            pipeline_id: "p".into(),
            stage_id: stage_id.into(),
            account_id: None,
            contact_id: None,
            participant_ids: vec![],
            owner_id: None,
            amount: Money { minor, currency: "EUR".into() },
            expected_close: None,
            stage_entered_at: "1970-01-01T00:00:00.000Z".into(),
            last_activity_at: "1970-01-01T00:00:00.000Z".into(),
            position,
            lost_reason: None,
            closed_on: None,
            probability: None,
            next_activity: None,
        }
    }

    fn pipeline() -> Pipeline {
        Pipeline {
            meta: Meta { id: "p".into(), version: 1, created_at: String::new(), updated_at: String::new() },
            name: "P".into(),
            stages: vec![stage("a", 25, StageKind::Open, Some(3)), stage("won", 100, StageKind::Won, None)],
        }
    }

    #[test]
    fn weighted_rounds_half_away_from_zero() {
        assert_eq!(weighted_minor(10_000, 25), 2_500);
        assert_eq!(weighted_minor(3, 50), 2);
        assert_eq!(weighted_minor(-3, 50), -2);
        assert_eq!(weighted_minor(i64::MAX, 100), i64::MAX);
        assert_eq!(weighted_minor(100, 250), 100);
    }

    #[test]
    fn columns_group_sort_and_total() {
        let mut other = deal("x", "a", 999, 0.0);
        other.pipeline_id = "q".into();
        let deals = vec![deal("d2", "a", 10_000, 2.0), deal("d1", "a", 5_000, 1.0), deal("d3", "won", 7, 1.0), other];
        let columns = build_columns(&pipeline(), &deals);
        assert_eq!(columns.len(), 2);
        let ids: Vec<_> = columns[0].deals.iter().map(|d| d.meta.id.as_str()).collect();
        assert_eq!(ids, ["d1", "d2"]);
        assert_eq!(columns[0].summary.count, 2);
        assert_eq!(columns[0].summary.total.get("EUR"), 15_000);
        assert_eq!(columns[0].summary.weighted.get("EUR"), 3_750);
        assert_eq!(columns[1].summary.total.get("EUR"), 7);
    }

    #[test]
    fn rotting_after_stage_limit_only_for_open_stages() {
        let p = pipeline();
        let d = deal("d", "a", 1, 0.0);
        assert!(!is_rotting(&d, &p.stages[0], 3 * DAY_MS));
        assert!(is_rotting(&d, &p.stages[0], 4 * DAY_MS));
        assert!(!is_rotting(&d, &p.stages[1], 400 * DAY_MS));
        assert_eq!(days_in_stage(&d, 4 * DAY_MS + 5), Some(4));
        let mut broken = d.clone();
        broken.last_activity_at = "<script>".into();
        assert!(!is_rotting(&broken, &p.stages[0], 400 * DAY_MS));
    }

    #[test]
    fn positions_between_neighbours() {
        assert_eq!(position_between(None, None), POSITION_STEP);
        assert_eq!(position_between(Some(1.0), Some(2.0)), 1.5);
        assert_eq!(position_between(None, Some(10.0)), 10.0 - POSITION_STEP);
        let column = vec![deal("a", "s", 1, 1.0), deal("b", "s", 1, 2.0), deal("c", "s", 1, 3.0)];
        assert_eq!(position_at(&column, "x", 0), 1.0 - POSITION_STEP);
        assert_eq!(position_at(&column, "x", 1), 1.5);
        assert_eq!(position_at(&column, "x", 9), 3.0 + POSITION_STEP);
        // Moving "a" below "b": between b and c.
        assert_eq!(position_at(&column, "a", 1), 2.5);
    }

    #[test]
    fn deal_probability_overrides_the_stage() {
        let mut d = deal("d", "a", 10_000, 0.0);
        d.probability = Some(90);
        assert_eq!(summarize(&pipeline().stages[0], [&d]).weighted.get("EUR"), 9_000);
    }

    #[test]
    fn initials_of_names() {
        assert_eq!(initials("Lucía Martín"), "LM");
        assert_eq!(initials("íñigo"), "Í");
        assert_eq!(initials("  "), "");
    }
}
