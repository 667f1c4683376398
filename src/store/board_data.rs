//! [`BoardData`]: everything the pipeline board shows, complete or, while the whole set is still being read or
//! pulled, the first cards of each column of the shown pipeline.

use std::collections::HashMap;
use trato_protocol::*;

/// Cards per column of a board shown before the whole set is read (more than a tall screen shows).
pub const FIRST_CARDS: u32 = 24;

/// Everything the pipeline board shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BoardData {
    /// Pipelines with their stages, in backend order.
    pub pipelines: Vec<Pipeline>,
    /// Deals of every pipeline (or, for a partial board, the first cards of each column of one pipeline).
    pub deals: Vec<Deal>,
    /// Account names by id, for the cards.
    pub account_names: HashMap<String, String>,
    /// Reps by id, for owner initials.
    pub users: HashMap<String, User>,
    /// Set while only the first cards are known: the rest is being read or pulled.
    pub partial: Option<Partial>,
}

/// What a partial board knows about the deals it does not hold yet.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Partial {
    /// The pipeline whose first cards are held.
    pub pipeline_id: String,
    /// How many deals each stage has in all, when known.
    pub counts: HashMap<String, u64>,
}

impl BoardData {
    /// Applies a change the cache told of: `put` deals replace theirs (or join), `removed` ones leave.
    pub fn apply_deals(&mut self, put: Vec<Deal>, removed: &[String]) {
        self.deals.retain(|d| !removed.contains(&d.meta.id));
        for deal in put {
            match self.deals.iter_mut().find(|d| d.meta.id == deal.meta.id) {
                Some(slot) => *slot = deal,
                None => self.deals.push(deal),
            }
        }
    }

    /// Pipelines in the order the board lists them: by creation, then id.
    pub fn sort_pipelines(pipelines: &mut [Pipeline]) {
        pipelines.sort_by(|a, b| a.meta.created_at.cmp(&b.meta.created_at).then_with(|| a.meta.id.cmp(&b.meta.id)));
    }

    /// The pipeline to show: `wanted` when it exists, else the first.
    pub fn pick_pipeline<'a>(pipelines: &'a [Pipeline], wanted: Option<&str>) -> Option<&'a Pipeline> {
        wanted.and_then(|id| pipelines.iter().find(|p| p.meta.id == id)).or_else(|| pipelines.first())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pipeline(id: &str, created: &str) -> Pipeline {
        Pipeline {
            meta: Meta { id: id.into(), version: 1, created_at: created.into(), updated_at: created.into() },
            name: id.into(),
            stages: vec![],
        }
    }

    #[test]
    fn the_wanted_pipeline_or_the_oldest() {
        let mut pipelines = vec![pipeline("b", "2026-02"), pipeline("a", "2026-01")];
        BoardData::sort_pipelines(&mut pipelines);
        assert_eq!(pipelines[0].meta.id, "a");
        assert_eq!(BoardData::pick_pipeline(&pipelines, Some("b")).map(|p| p.meta.id.as_str()), Some("b"));
        assert_eq!(BoardData::pick_pipeline(&pipelines, Some("zz")).map(|p| p.meta.id.as_str()), Some("a"));
        assert!(BoardData::pick_pipeline(&[], None).is_none());
    }

    #[test]
    fn a_change_told_during_a_whole_read_is_applied_over_it() {
        let deal = |id: &str, stage: &str| -> Deal {
            serde_json::from_value(serde_json::json!({
                "id": id, "version": 1, "created_at": "", "updated_at": "", "name": id, "pipeline_id": "p",
                "stage_id": stage, "amount": {"minor": 0, "currency": "EUR"}, "stage_entered_at": "",
                "last_activity_at": "", "position": 1.0
            }))
            .unwrap()
        };
        // The read saw the optimistic move; the backend refused it and the cache was told "back to lead".
        let mut whole = BoardData { deals: vec![deal("d1", "converted"), deal("d2", "lead")], ..Default::default() };
        whole.apply_deals(vec![deal("d1", "lead"), deal("d3", "lead")], &["d2".to_string()]);
        let stages: Vec<(&str, &str)> = whole.deals.iter().map(|d| (d.meta.id.as_str(), d.stage_id.as_str())).collect();
        assert_eq!(stages, [("d1", "lead"), ("d3", "lead")]);
    }
}
