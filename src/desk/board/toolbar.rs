//! Board filters (text, owner with "my deals", close date range, amount range, rotting only), sort within
//! columns, and saved views that persist for the rep. One compact line: search, a "Filtros" button that opens the
//! other filters, the active filters as chips, and the saved views.

use super::state::use_board;
use super::{filter_chips, moves};
use crate::domain::filter::{self, ME, SORTS};
use crate::domain::money::parse_major;
use crate::i18n::Key;
use crate::ui::error::describe;
use crate::ui::field::Field;
use crate::ui::locale::{use_i18n, use_i18n_untracked};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use trato_protocol::{NewView, ViewFilters};
use wasm_bindgen::JsCast;

fn sort_key(sort: &str) -> Key {
    match sort {
        "-amount" => Key::SortAmountDesc,
        "amount" => Key::SortAmountAsc,
        "expected_close" => Key::SortClose,
        "next_activity" => Key::SortNextActivity,
        "name" => Key::SortName,
        _ => Key::SortPosition,
    }
}

fn non_empty(text: String) -> Option<String> {
    let text = text.trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// Filters, sort and saved views above the board.
#[component]
pub fn Toolbar() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_board();
    let query = use_query_map();
    let navigate = use_navigate();
    let filters = state.filters;
    let currency = state.currency;
    let naming = RwSignal::new(false);
    let view_name = RwSignal::new(String::new());
    let selected_view = Memo::new(move |_| query.read().get("view"));

    // A view named in the URL (after a reload) applies its filters once the views are known.
    Effect::new(move |applied: Option<Option<String>>| {
        let wanted = selected_view.get();
        if applied.as_ref() != Some(&wanted) {
            if let Some(id) = &wanted {
                if let Some(view) = state.views.with(|vs| vs.iter().find(|v| &v.meta.id == id).cloned()) {
                    filters.set(view.filters);
                }
            }
        }
        wanted
    });

    let set = move |f: fn(&mut ViewFilters, String)| {
        move |ev: leptos::ev::Event| filters.update(|v| f(v, event_target_value(&ev)))
    };
    let amount_text = move |value: Option<i64>| {
        let digits = crate::domain::money::exponent(&currency.get_value()) as i32;
        value.map(|v| format!("{}", v as f64 / 10f64.powi(digits))).unwrap_or_default()
    };

    let nav = navigate.clone();
    let on_view = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        match state.views.with_untracked(|vs| vs.iter().find(|v| v.meta.id == id).cloned()) {
            Some(view) => {
                filters.set(view.filters.clone());
                nav(
                    &format!("/?pipeline={}&view={}", view.pipeline_id, view.meta.id),
                    NavigateOptions { replace: true, ..Default::default() },
                );
            }
            None => {
                filters.set(ViewFilters::default());
                nav("/", NavigateOptions { replace: true, ..Default::default() });
            }
        }
    };
    let nav = navigate.clone();
    let on_save_view = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(name) = non_empty(view_name.get_untracked()) else { return };
        let Some(pipeline_id) = state.pipeline_id() else { return };
        let Some(store) = state.store.get_value() else { return };
        let new = NewView { name, pipeline_id, filters: filters.get_untracked() };
        let nav = nav.clone();
        leptos::task::spawn_local(async move {
            let locale = use_i18n_untracked();
            match store.save_view(new, &moves::new_key()).await {
                Ok(view) => {
                    state.views.try_update(|vs| vs.push(view.clone()));
                    naming.try_set(false);
                    view_name.try_set(String::new());
                    state.show_toast(locale.tf(Key::ViewSaved, &[("name", &view.name)]), false, false);
                    nav(
                        &format!("/?pipeline={}&view={}", view.pipeline_id, view.meta.id),
                        NavigateOptions { replace: true, ..Default::default() },
                    );
                }
                Err(error) => state.show_toast(describe(locale, &error), false, true),
            }
        });
    };
    let nav = navigate.clone();
    let on_delete_view = move |_| {
        let Some(id) = selected_view.get_untracked() else { return };
        let Some(store) = state.store.get_value() else { return };
        let nav = nav.clone();
        leptos::task::spawn_local(async move {
            match store.delete_view(&id).await {
                Ok(()) => {
                    state.views.try_update(|vs| vs.retain(|v| v.meta.id != id));
                    nav("/", NavigateOptions { replace: true, ..Default::default() });
                }
                Err(error) => state.show_toast(describe(use_i18n_untracked(), &error), false, true),
            }
        });
    };

    let with_views = state.capabilities().saved_views;
    // The filters other than the search text fold into a popover behind the "Filtros" button.
    let open = RwSignal::new(false);
    let close_popover = move || {
        open.set(false);
        if let Some(button) = document().query_selector(".filters-button").ok().flatten() {
            let _ = button.unchecked_into::<web_sys::HtmlElement>().focus();
        }
    };
    view! {
        <form class="toolbar" role="search" aria-label=move || i18n.t(Key::Filters) on:submit=|ev| ev.prevent_default()>
            <Field label=Key::SearchLabel>
                <input
                    type="search"
                    prop:value=move || filters.with(|f| f.q.clone().unwrap_or_default())
                    on:input=set(|f, v| f.q = (!v.is_empty()).then_some(v))
                />
            </Field>
            <button
                type="button"
                class="secondary filters-button"
                aria-expanded=move || open.get().to_string()
                aria-controls="filter-popover"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {move || match filters.with(filter_chips::active_count) {
                    0 => i18n.t(Key::Filters).to_string(),
                    n => i18n.0.get().tf(Key::FiltersCount, &[("count", &n.to_string())]),
                }}
            </button>
            <filter_chips::FilterChips />
            <div
                id="filter-popover"
                class="filter-popover"
                hidden=move || !open.get()
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    if ev.key() == "Escape" {
                        ev.stop_propagation();
                        close_popover();
                    }
                }
            >
            <Field label=Key::OwnerFilter>
                <select on:change=set(|f, v| f.owner_id = non_empty(v))>
                    <option value="" selected=move || filters.with(|f| f.owner_id.is_none())>{move || i18n.t(Key::AllOwners)}</option>
                    <option value=ME selected=move || filters.with(|f| f.owner_id.as_deref() == Some(ME))>
                        {move || i18n.t(Key::MyDeals)}
                    </option>
                    {move || {
                        state.data.with(|b| {
                            let mut users: Vec<_> = b.users.values().cloned().collect();
                            users.sort_by(|a, b| a.name.cmp(&b.name));
                            users
                                .into_iter()
                                .map(|u| {
                                    let id = u.id.clone();
                                    view! {
                                        <option value=u.id.clone() selected=move || filters.with(|f| f.owner_id.as_deref() == Some(id.as_str()))>
                                            {u.name.clone()}
                                        </option>
                                    }
                                })
                                .collect_view()
                        })
                    }}
                </select>
            </Field>
            <Field label=Key::CloseFrom>
                <input
                    type="date"
                    prop:value=move || filters.with(|f| f.close_from.clone().unwrap_or_default())
                    on:change=set(|f, v| f.close_from = non_empty(v))
                />
            </Field>
            <Field label=Key::CloseTo>
                <input
                    type="date"
                    prop:value=move || filters.with(|f| f.close_to.clone().unwrap_or_default())
                    on:change=set(|f, v| f.close_to = non_empty(v))
                />
            </Field>
            <Field label=Key::AmountMin class="narrow">
                <input
                    type="text"
                    inputmode="decimal"
                    prop:value=move || filters.with(|f| amount_text(f.amount_min))
                    on:change=move |ev| filters.update(|f| f.amount_min = parse_major(&event_target_value(&ev), &currency.get_value()))
                />
            </Field>
            <Field label=Key::AmountMax class="narrow">
                <input
                    type="text"
                    inputmode="decimal"
                    prop:value=move || filters.with(|f| amount_text(f.amount_max))
                    on:change=move |ev| filters.update(|f| f.amount_max = parse_major(&event_target_value(&ev), &currency.get_value()))
                />
            </Field>
            <label class="check">
                <input
                    type="checkbox"
                    prop:checked=move || filters.with(|f| f.rotting_only)
                    on:change=move |ev| filters.update(|f| f.rotting_only = event_target_checked(&ev))
                />
                <span>{move || i18n.t(Key::RottingOnly)}</span>
            </label>
            <Field label=Key::SortLabel>
                <select on:change=set(|f, v| f.sort = non_empty(v).filter(|s| s != "position"))>
                    {SORTS
                        .into_iter()
                        .map(|sort| {
                            view! {
                                <option
                                    value=sort
                                    selected=move || filters.with(|f| f.sort.as_deref().unwrap_or("position") == sort)
                                >
                                    {move || i18n.t(sort_key(sort))}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </Field>
            <div class="actions">
                <Show when=move || !filters.with(filter::is_empty) || filters.with(|f| f.sort.is_some())>
                    <button type="button" class="secondary" on:click=move |_| filters.set(ViewFilters::default())>
                        {move || i18n.t(Key::ClearFilters)}
                    </button>
                </Show>
                <button type="button" class="primary" on:click=move |_| close_popover()>{move || i18n.t(Key::FiltersDone)}</button>
            </div>
            </div>
            // A backend without saved views (Tryton) gets none of these controls.
            {with_views.then(|| view! {
            <Field label=Key::ViewLabel>
                <select on:change=on_view>
                    <option value="" selected=move || selected_view.get().is_none()>{move || i18n.t(Key::NoView)}</option>
                    {move || {
                        state
                            .views
                            .get()
                            .into_iter()
                            .map(|v| {
                                let id = v.meta.id.clone();
                                view! {
                                    <option value=v.meta.id.clone() selected=move || selected_view.get().as_deref() == Some(id.as_str())>
                                        {v.name.clone()}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            </Field>
            <Show when=move || selected_view.get().is_some()>
                <button type="button" class="secondary" on:click=on_delete_view.clone()>{move || i18n.t(Key::DeleteView)}</button>
            </Show>
            <button type="button" class="secondary" aria-expanded=move || naming.get().to_string() on:click=move |_| naming.update(|n| *n = !*n)>
                {move || i18n.t(Key::SaveView)}
            </button>
            })}
        </form>
        <Show when=move || naming.get()>
            <form class="toolbar save-view" on:submit=on_save_view.clone()>
                <Field label=Key::ViewName>
                    <input type="text" required maxlength="200" bind:value=view_name />
                </Field>
                <button type="submit" class="primary">{move || i18n.t(Key::Save)}</button>
            </form>
        </Show>
    }
}
