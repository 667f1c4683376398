//! The accounts and contacts lists, from the cache: search that ignores accents and case, filters (owner, city,
//! sector, open deals, no contact in the last N days), sorting by any column, columns to choose (remembered on the
//! device), bulk change of owner, export of the filtered (or selected) rows to CSV, and only the rows in view drawn,
//! so 50,000 rows scroll smoothly.

use super::data::{me, opened_store, record_changes, rep_names, store_of, store_slot};
use super::export;
use super::listing::{column_key, Line, ListKind};
use crate::domain::customer::stage_kinds;
use crate::domain::directory::{self, Column, ListFilter, Listed, Row};
use crate::i18n::{intl, Key};
use crate::ui::field::Field;
use crate::ui::locale::use_i18n;
use crate::ui::menu::Menu;
use leptos::prelude::*;
use std::collections::HashSet;
use trato_protocol::{Account, Contact};

/// Height of one drawn row, in CSS pixels (the stylesheet gives rows this height).
const ROW_HEIGHT: f64 = 44.0;
/// Rows drawn above and below the visible ones.
const OVERSCAN: usize = 8;

/// The rows of either list.
#[derive(Clone, PartialEq)]
enum Rows {
    Accounts(Vec<Row<Account>>),
    Contacts(Vec<Row<Contact>>),
}

fn lines<R>(
    rows: &[Row<R>],
    kind: ListKind,
    filter: &ListFilter,
    sort: (Column, bool),
    today: &str,
    name: impl Fn(&Row<R>) -> (String, String, Option<String>),
) -> Vec<Line>
where
    R: Clone,
    Row<R>: Listed,
{
    let mut shown = directory::filter(rows, filter, today);
    directory::sort(&mut shown, sort.0, sort.1);
    shown
        .iter()
        .map(|row| {
            let (id, shown_name, account_id) = name(row);
            let texts = kind
                .columns()
                .iter()
                .map(|c| match c {
                    Column::OpenDeals => (*c, Some(row.open_deals.to_string())),
                    _ => (*c, row.text(*c).map(String::from)),
                })
                .collect();
            Line { id, name: shown_name, texts, account_id }
        })
        .collect()
}

fn remembered_columns(kind: ListKind) -> Vec<Column> {
    match crate::browser::storage::get(&kind.columns_key()) {
        Some(saved) => {
            let chosen: Vec<Column> = saved.split(',').filter_map(|c| Column::from_code(kind.columns(), c)).collect();
            if chosen.is_empty() {
                kind.columns().to_vec()
            } else {
                chosen
            }
        }
        None => kind.columns().to_vec(),
    }
}

/// The accounts list page (`/accounts`).
#[component]
pub fn AccountsPage() -> impl IntoView {
    view! { <CustomerList kind=ListKind::Accounts /> }
}

/// The contacts list page (`/contacts`).
#[component]
pub fn ContactsPage() -> impl IntoView {
    view! { <CustomerList kind=ListKind::Contacts /> }
}

/// A customer list.
#[component]
fn CustomerList(kind: ListKind) -> impl IntoView {
    let i18n = use_i18n();
    let slot = store_slot();
    let changes = record_changes();
    let reps = rep_names(slot);
    let today = intl::today();
    let filter = RwSignal::new(ListFilter::default());
    let sort = RwSignal::new((Column::Name, false));
    let columns = RwSignal::new(remembered_columns(kind));
    let selected = RwSignal::new(HashSet::<String>::new());
    let scroll_top = RwSignal::new(0.0f64);
    let viewport = RwSignal::new(800.0f64);
    let owner_choice = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<String>);

    let loaded = LocalResource::new(move || {
        changes.track();
        let opening = opened_store(slot);
        async move {
            let store = opening.await?;
            let stages = stage_kinds(&store.pipelines().await.ok()?);
            let deals = store.deals().await.ok()?;
            let activities = store.activities().await.ok()?;
            Some(match kind {
                ListKind::Accounts => {
                    Rows::Accounts(directory::account_rows(store.accounts().await.ok()?, &deals, &activities, &stages))
                }
                ListKind::Contacts => {
                    let names = store.accounts().await.ok()?.into_iter().map(|a| (a.meta.id, a.name)).collect();
                    let contacts = store.contacts().await.ok()?;
                    Rows::Contacts(directory::contact_rows(contacts, &names, &deals, &activities, &stages))
                }
            })
        }
    });
    let rows = loaded;
    let total = Memo::new(move |_| {
        rows.with(|r| match r.as_ref().and_then(Option::as_ref) {
            Some(Rows::Accounts(list)) => list.len(),
            Some(Rows::Contacts(list)) => list.len(),
            None => 0,
        })
    });
    let shown = Memo::new(move |_| {
        let f = filter.get();
        let s = sort.get();
        let today = today.clone();
        rows.with(|r| match r.as_ref().and_then(Option::as_ref) {
            Some(Rows::Accounts(list)) => {
                lines(list, kind, &f, s, &today, |r| (r.record.meta.id.clone(), r.record.name.clone(), None))
            }
            Some(Rows::Contacts(list)) => lines(list, kind, &f, s, &today, |r| {
                (r.record.meta.id.clone(), r.full_name(), r.record.account_id.clone())
            }),
            None => Vec::new(),
        })
    });
    let choices = move |column: Column| {
        rows.with(|r| match r.as_ref().and_then(Option::as_ref) {
            Some(Rows::Accounts(list)) => directory::choices(list, column),
            Some(Rows::Contacts(list)) => directory::choices(list, column),
            None => vec![],
        })
    };
    let window = Memo::new(move |_| {
        let count = shown.with(Vec::len);
        let first = ((scroll_top.get() / ROW_HEIGHT) as usize).saturating_sub(OVERSCAN).min(count);
        let visible = (viewport.get() / ROW_HEIGHT).ceil() as usize + 2 * OVERSCAN;
        (first, (first + visible).min(count))
    });
    let set = move |apply: fn(&mut ListFilter, String)| {
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            filter.update(|f| apply(f, value));
            scroll_top.set(0.0);
        }
    };
    let toggle_column = move |column: Column| {
        columns.update(|chosen| {
            if chosen.contains(&column) {
                chosen.retain(|c| *c != column);
            } else {
                let order = kind.columns();
                chosen.push(column);
                chosen.sort_by_key(|c| order.iter().position(|o| o == c));
            }
        });
        let codes: Vec<&str> = columns.get_untracked().iter().map(|c| c.code()).collect();
        crate::browser::storage::set(&kind.columns_key(), &codes.join(","));
    };
    let export_rows = move |only_selected: bool| {
        let locale = i18n.locale();
        let chosen = columns.get_untracked();
        let picked = selected.get_untracked();
        let names = reps.get_untracked();
        let lines: Vec<Line> = shown
            .with_untracked(|all| all.iter().filter(|l| !only_selected || picked.contains(&l.id)).cloned().collect());
        export::download_lines(locale, kind, &chosen, &lines, &names);
    };
    let change_owner = move |_| {
        let owner = owner_choice.get_untracked();
        let ids: Vec<String> = selected.get_untracked().into_iter().collect();
        leptos::task::spawn_local(async move {
            let Some(store) = store_of(slot) else { return };
            let count = super::bulk::change_owner(&store, kind, &ids, owner).await;
            let locale = crate::ui::locale::use_i18n_untracked();
            notice.try_set(Some(locale.tf(Key::OwnerChanged, &[("count", &intl::number(locale, count as f64))])));
            selected.try_set(HashSet::new());
        });
    };
    let (me_id, _) = me();
    let creatable = store_of(slot).is_some_and(|s| s.capabilities().new_customers);
    let importable = store_of(slot).is_some_and(|s| s.capabilities().import);
    let scroller = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = scroller.get() {
            viewport.set(f64::from(el.client_height()).max(ROW_HEIGHT));
        }
    });

    view! {
        <main id="main" class="customers-page">
            <div class="page-head">
                <h1>{move || i18n.t(kind.title())}</h1>
                <p class="muted" role="status">
                    {move || {
                        let locale = i18n.locale();
                        locale.tf(Key::ListCount, &[
                            ("count", &intl::number(locale, shown.with(Vec::len) as f64)),
                            ("total", &intl::number(locale, total.get() as f64)),
                        ])
                    }}
                </p>
                {importable.then(|| view! { <leptos_router::components::A href="/import" attr:class="button secondary">{move || i18n.t(Key::ImportTitle)}</leptos_router::components::A> })}
                {(creatable && kind == ListKind::Accounts).then(|| view! { <super::new_record::NewAccountButton /> })}
                {(creatable && kind == ListKind::Contacts).then(|| view! { <super::new_record::NewContactButton account_id=None /> })}
            </div>
            <form class="toolbar list-toolbar" role="search" on:submit=|ev| ev.prevent_default()>
                <Field label=Key::SearchLabel>
                    <input type="search" prop:value=move || filter.with(|f| f.q.clone()) on:input=set(|f, v| f.q = v) />
                </Field>
                <Field label=Key::OwnerLabel>
                    <select on:change=set(|f, v| f.owner = match v.as_str() { "*" => None, "-" => Some(String::new()), _ => Some(v) })>
                        <option value="*">{move || i18n.t(Key::AllOwners)}</option>
                        <option value=me_id.clone()>{move || i18n.t(Key::Mine)}</option>
                        <option value="-">{move || i18n.t(Key::NoOwner)}</option>
                        {move || {
                            let mut list: Vec<(String, String)> = reps.get().into_iter().collect();
                            list.sort_by(|a, b| a.1.cmp(&b.1));
                            list.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()
                        }}
                    </select>
                </Field>
                {(kind == ListKind::Accounts).then(|| view! {
                    <Field label=Key::ColCity>
                        <select on:change=set(|f, v| f.city = (!v.is_empty()).then_some(v))>
                            <option value="">{move || i18n.t(Key::AnyValue)}</option>
                            {move || choices(Column::City).into_iter().map(|c| view! { <option value=c.clone()>{c.clone()}</option> }).collect_view()}
                        </select>
                    </Field>
                    <Field label=Key::ColSector>
                        <select on:change=set(|f, v| f.sector = (!v.is_empty()).then_some(v))>
                            <option value="">{move || i18n.t(Key::AnyValue)}</option>
                            {move || choices(Column::Sector).into_iter().map(|c| view! { <option value=c.clone()>{c.clone()}</option> }).collect_view()}
                        </select>
                    </Field>
                })}
                <label class="check">
                    <input type="checkbox" on:change=move |ev| { let on = event_target_checked(&ev); filter.update(|f| f.open_deals = on); } />
                    <span>{move || i18n.t(Key::WithOpenDeals)}</span>
                </label>
                <Field label=Key::QuietDays class="narrow">
                    <input type="number" min="1" inputmode="numeric" on:input=set(|f, v| f.quiet_days = v.trim().parse().ok().filter(|d: &i64| *d > 0)) />
                </Field>
                <Menu id="columns-menu" class="columns-menu" button_class="secondary" trigger=ViewFn::from(move || i18n.t(Key::Columns))>
                    <fieldset>
                        <legend class="visually-hidden">{move || i18n.t(Key::Columns)}</legend>
                        {kind.columns().iter().copied().filter(|c| *c != Column::Name).map(|column| view! {
                            <label class="check">
                                <input type="checkbox" prop:checked=move || columns.with(|c| c.contains(&column)) on:change=move |_| toggle_column(column) />
                                <span>{move || i18n.t(column_key(column))}</span>
                            </label>
                        }).collect_view()}
                    </fieldset>
                </Menu>
                <button type="button" class="secondary export-button" on:click=move |_| export_rows(false)>{move || i18n.t(Key::ExportCsv)}</button>
            </form>
            {move || (!selected.with(HashSet::is_empty)).then(|| view! {
                <div class="bulk-bar" role="region" aria-label=move || i18n.t(Key::BulkActions)>
                    <span>{move || { let l = i18n.locale(); l.tf(Key::SelectedCount, &[("count", &intl::number(l, selected.with(HashSet::len) as f64))]) }}</span>
                    <Field label=Key::ChangeOwner class="inline">
                        <select on:change=move |ev| owner_choice.set(event_target_value(&ev))>
                            <option value="">{move || i18n.t(Key::NoOwner)}</option>
                            {move || reps.get().into_iter().map(|(id, name)| view! { <option value=id.clone() selected=move || owner_choice.get() == id>{name}</option> }).collect_view()}
                        </select>
                    </Field>
                    <button type="button" class="primary" on:click=change_owner>{move || i18n.t(Key::Apply)}</button>
                    <button type="button" class="secondary" on:click=move |_| export_rows(true)>{move || i18n.t(Key::ExportSelected)}</button>
                </div>
            })}
            <p class="notice" role="status">{move || notice.get()}</p>
            <div
                class="list-scroller"
                node_ref=scroller
                on:scroll=move |ev| {
                    let el = event_target::<web_sys::HtmlElement>(&ev);
                    scroll_top.set(f64::from(el.scroll_top()));
                    viewport.set(f64::from(el.client_height()).max(ROW_HEIGHT));
                }
            >
                <table class="customer-table" aria-rowcount=move || (shown.with(Vec::len) + 1).to_string()>
                    <thead>
                        <tr aria-rowindex="1">
                            <th scope="col" class="select-cell">
                                <input
                                    type="checkbox"
                                    aria-label=move || i18n.t(Key::SelectAll)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        selected.set(if on { shown.with_untracked(|l| l.iter().map(|l| l.id.clone()).collect()) } else { HashSet::new() });
                                    }
                                />
                            </th>
                            {move || columns.get().into_iter().map(|column| {
                                let sorted = move || sort.with(|(c, d)| (*c == column).then_some(*d));
                                view! {
                                    <th scope="col" aria-sort=move || match sorted() { Some(true) => "descending", Some(false) => "ascending", None => "none" }>
                                        <button type="button" class="sort-button" on:click=move |_| sort.update(|(c, d)| { *d = *c == column && !*d; *c = column; })>
                                            {move || i18n.t(column_key(column))}
                                            <span aria-hidden="true">{move || match sorted() { Some(true) => " ↓", Some(false) => " ↑", None => "" }}</span>
                                        </button>
                                    </th>
                                }
                            }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        <tr class="spacer-row" aria-hidden="true" style:height=move || format!("{}px", window.get().0 as f64 * ROW_HEIGHT)></tr>
                        {move || {
                            let (first, last) = window.get();
                            let chosen = columns.get();
                            let names = reps.get();
                            let locale = i18n.locale();
                            shown.with(|all| all[first..last].iter().enumerate().map(|(n, line)| {
                                let id = line.id.clone();
                                let toggle_id = id.clone();
                                let checked_id = id.clone();
                                let name = line.name.clone();
                                let label = locale.tf(Key::SelectRow, &[("name", &name)]);
                                let cells = chosen.iter().map(|column| super::cells::cell(locale, kind, *column, line, &names)).collect_view();
                                view! {
                                    <tr aria-rowindex=(first + n + 2).to_string()>
                                        <td class="select-cell">
                                            <input
                                                type="checkbox"
                                                aria-label=label
                                                prop:checked=move || selected.with(|s| s.contains(&checked_id))
                                                on:change=move |_| selected.update(|s| { if !s.remove(&toggle_id) { s.insert(toggle_id.clone()); } })
                                            />
                                        </td>
                                        {cells}
                                    </tr>
                                }
                            }).collect_view())
                        }}
                        <tr class="spacer-row" aria-hidden="true" style:height=move || format!("{}px", (shown.with(Vec::len) - window.get().1) as f64 * ROW_HEIGHT)></tr>
                    </tbody>
                </table>
                {move || (loaded.get().is_some() && shown.with(Vec::is_empty)).then(|| view! { <p class="muted list-empty">{move || i18n.t(Key::ListEmpty)}</p> })}
            </div>
        </main>
    }
}
