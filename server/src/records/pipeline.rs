//! Pipelines with their ordered stages: read only over the protocol (the company sets them up).

use super::kind::Listed;
use trato_protocol::*;

impl Listed for Pipeline {
    const FILTERS: &'static [&'static str] = &[];
    const SORTS: &'static [(&'static str, &'static str)] =
        &[("created_at", "json_extract(data, '$.created_at')"), ("name", "lower(json_extract(data, '$.name'))")];
    const DEFAULT_SORT: &'static str = "created_at";
    const SEARCH: &'static [&'static str] = &[];
    const NOUN: &'static str = "pipeline";
}
