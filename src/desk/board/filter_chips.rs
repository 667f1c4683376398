//! The active board filters as removable chips next to the "Filtros" button, so the toolbar stays one line while
//! every filter in force stays visible.

use super::state::use_board;
use crate::domain::filter::ME;
use crate::i18n::{intl, Key};
use crate::ui::locale::use_i18n;
use leptos::prelude::*;
use trato_protocol::{Money, ViewFilters};

/// One active filter: its label, its value as shown, and how to remove it.
struct Chip {
    label: Key,
    value: String,
    clear: fn(&mut ViewFilters),
}

/// The chips for `filters` (the search text has its own field and no chip).
fn chips(filters: &ViewFilters, owner_name: impl Fn(&str) -> String, money: impl Fn(i64) -> String) -> Vec<Chip> {
    let mut chips = Vec::new();
    if let Some(owner) = &filters.owner_id {
        chips.push(Chip { label: Key::OwnerFilter, value: owner_name(owner), clear: |f| f.owner_id = None });
    }
    if let Some(from) = &filters.close_from {
        chips.push(Chip { label: Key::CloseFrom, value: from.clone(), clear: |f| f.close_from = None });
    }
    if let Some(to) = &filters.close_to {
        chips.push(Chip { label: Key::CloseTo, value: to.clone(), clear: |f| f.close_to = None });
    }
    if let Some(min) = filters.amount_min {
        chips.push(Chip { label: Key::AmountMin, value: money(min), clear: |f| f.amount_min = None });
    }
    if let Some(max) = filters.amount_max {
        chips.push(Chip { label: Key::AmountMax, value: money(max), clear: |f| f.amount_max = None });
    }
    if filters.rotting_only {
        chips.push(Chip { label: Key::RottingOnly, value: String::new(), clear: |f| f.rotting_only = false });
    }
    chips
}

/// How many filters are in force (for the "Filtros (n)" button).
pub fn active_count(filters: &ViewFilters) -> usize {
    chips(filters, |_| String::new(), |_| String::new()).len()
}

/// The removable chips of the filters in force.
#[component]
pub fn FilterChips() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_board();
    let filters = state.filters;
    let shown = move || {
        let locale = i18n.locale();
        let owner_name = |id: &str| {
            if id == ME {
                return locale.t(Key::MyDeals).to_string();
            }
            state.data.with(|b| b.users.get(id).map(|u| u.name.clone())).unwrap_or_else(|| id.to_string())
        };
        let currency = state.currency.get_value();
        let money = |minor: i64| intl::money(locale, &Money { minor, currency: currency.clone() });
        filters.with(|f| chips(f, owner_name, money)).into_iter().map(|chip| {
            let label = locale.t(chip.label);
            let text = if chip.value.is_empty() {
                label.to_string()
            } else {
                let value = match chip.label {
                    Key::CloseFrom | Key::CloseTo => intl::date(locale, &chip.value),
                    _ => chip.value.clone(),
                };
                locale.tf(Key::FilterChip, &[("label", label), ("value", &value)])
            };
            let remove = locale.tf(Key::RemoveFilter, &[("filter", &text)]);
            let clear = chip.clear;
            view! {
                <li>
                    <button type="button" class="chip removable" aria-label=remove on:click=move |_| filters.update(clear)>
                        <span>{text}</span>
                        <span aria-hidden="true">" ×"</span>
                    </button>
                </li>
            }
        }).collect_view()
    };
    view! { <ul class="filter-chips">{shown}</ul> }
}
