//! Saved board views: private to the rep who made them (other reps get 404, lists show only their own).

use super::kind::{Listed, Writable, WriteCtx};
use crate::error::{check, Failure};
use trato_protocol::validate::*;
use trato_protocol::*;

impl Listed for SavedView {
    const FILTERS: &'static [&'static str] = &["user_id", "pipeline_id"];
    const SORTS: &'static [(&'static str, &'static str)] =
        &[("name", "lower(json_extract(data, '$.name'))"), ("updated_at", "updated_at")];
    const DEFAULT_SORT: &'static str = "name";
    const SEARCH: &'static [&'static str] = &[];
    const NOUN: &'static str = "view";
    const OWNER_SCOPE: Option<&'static str> = Some("user_id");
}

fn check_view_filters(errors: &mut FieldErrors, filters: &ViewFilters) {
    check_optional(errors, "filters.q", filters.q.as_deref(), MAX_SHORT);
    check_optional(errors, "filters.owner_id", filters.owner_id.as_deref(), MAX_SHORT);
    check_date(errors, "filters.close_from", filters.close_from.as_deref());
    check_date(errors, "filters.close_to", filters.close_to.as_deref());
    check_optional(errors, "filters.sort", filters.sort.as_deref(), 40);
}

impl Writable for SavedView {
    type New = NewView;
    type Patch = ViewPatch;
    const ID_PREFIX: &'static str = "view";

    fn create(new: NewView, meta: Meta, ctx: &WriteCtx<'_>) -> Result<Self, Failure> {
        let mut view = SavedView {
            meta,
            name: String::new(),
            user_id: ctx.actor.user_id().unwrap_or_default().into(),
            pipeline_id: String::new(),
            filters: ViewFilters::default(),
        };
        view.apply(
            ViewPatch { name: Some(new.name), pipeline_id: Some(new.pipeline_id), filters: Some(new.filters) },
            ctx,
        )?;
        Ok(view)
    }

    fn apply(&mut self, patch: ViewPatch, ctx: &WriteCtx<'_>) -> Result<(), Failure> {
        let mut errors = FieldErrors::new();
        if let Some(name) = patch.name {
            check_required(&mut errors, "name", &name, MAX_NAME);
            self.name = name.trim().into();
        }
        if let Some(pipeline) = patch.pipeline_id {
            ctx.check_ref::<Pipeline>(&mut errors, "pipeline_id", Some(&pipeline))?;
            self.pipeline_id = pipeline;
        }
        if let Some(filters) = patch.filters {
            check_view_filters(&mut errors, &filters);
            self.filters = filters;
        }
        check(errors)
    }
}
