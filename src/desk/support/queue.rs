//! The case queue: filters by status, priority, assignee, SLA and words; the case whose answer is due soonest
//! comes first.

use super::common::{ask, store};
use crate::connector::support::{CaseFilter, SupportOp};
use crate::i18n::{intl, Key};
use crate::ui::case_labels::{priority_key, status_key, Reader};
use crate::ui::error::{describe, ErrorMessage};
use crate::ui::field::Field;
use crate::ui::locale::use_i18n;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use std::collections::HashMap;
use trato_protocol::*;

/// The queue page.
#[component]
pub fn CaseQueuePage() -> impl IntoView {
    let i18n = use_i18n();
    let store = store();
    let status = RwSignal::new("active".to_string());
    let priority = RwSignal::new(String::new());
    let assignee = RwSignal::new(String::new());
    let sla = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let reps = RwSignal::new(HashMap::<String, String>::new());
    leptos::task::spawn_local(async move {
        if let Some(store) = store.try_get_value().flatten() {
            if let Ok(list) = store.reps().await {
                reps.try_set(list.into_iter().map(|u| (u.id, u.name)).collect());
            }
        }
    });
    // The filter the list was asked with: changing a select or submitting the words asks again.
    let asked = RwSignal::new(0u32);
    let cases = LocalResource::new(move || {
        asked.track();
        let some = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.is_empty() && v != "all");
        let filter = CaseFilter {
            status: some(status),
            priority: some(priority),
            assignee: some(assignee),
            sla: some(sla),
            search: some(search),
            account_id: None,
            customer_email: None,
        };
        ask(store, SupportOp::cases(filter))
    });
    let load = move || asked.update(|n| *n += 1);
    let select = move |signal: RwSignal<String>| {
        move |ev: leptos::ev::Event| {
            signal.set(event_target_value(&ev));
            load();
        }
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        load();
    };
    view! {
        <main id="main" class="support-page">
            <h1>{move || i18n.t(Key::CaseQueue)}</h1>
            <form class="filters" role="search" on:submit=on_submit>
                <Field label=Key::StatusLabel>
                    <select on:change=select(status)>
                        <option value="active" selected=true>{move || i18n.t(Key::ActiveCases)}</option>
                        {CaseStatus::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{move || i18n.t(status_key(s, Reader::Rep))}</option> }).collect_view()}
                        <option value="all">{move || i18n.t(Key::AllCases)}</option>
                    </select>
                </Field>
                <Field label=Key::PriorityLabel>
                    <select on:change=select(priority)>
                        <option value="">{move || i18n.t(Key::AnyPriority)}</option>
                        {CasePriority::ALL.into_iter().rev().map(|p| view! { <option value=p.as_str()>{move || i18n.t(priority_key(p))}</option> }).collect_view()}
                    </select>
                </Field>
                <Field label=Key::AssigneeLabel>
                    <select on:change=select(assignee)>
                        <option value="">{move || i18n.t(Key::Anyone)}</option>
                        <option value="me">{move || i18n.t(Key::AssignedToMe)}</option>
                        <option value="none">{move || i18n.t(Key::Unassigned)}</option>
                        {move || {
                            let mut list: Vec<(String, String)> = reps.get().into_iter().collect();
                            list.sort_by(|a, b| a.1.cmp(&b.1));
                            list.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()
                        }}
                    </select>
                </Field>
                <Field label=Key::SlaLabel>
                    <select on:change=select(sla)>
                        <option value="">{move || i18n.t(Key::AnySla)}</option>
                        <option value="overdue">{move || i18n.t(Key::SlaOverdue)}</option>
                        <option value="due_soon">{move || i18n.t(Key::SlaDueSoon)}</option>
                    </select>
                </Field>
                <Field label=Key::SearchCases>
                    <input type="search" bind:value=search />
                </Field>
                <button type="submit" class="secondary">{move || i18n.t(Key::Search)}</button>
            </form>
            <Transition fallback=|| view! { <crate::ui::status::Skeleton /> }>
                {move || Suspend::new(async move {
                    match cases.await {
                        Err(e) => view! { <ErrorMessage message=describe(i18n.0.get_untracked(), &e) /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <crate::ui::status::EmptyState message=Key::NoCases /> }.into_any(),
                        Ok(list) => view! {
                            <table class="queue-table">
                                <caption class="visually-hidden">{move || i18n.t(Key::CaseQueue)}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{move || i18n.t(Key::CaseLabel)}</th>
                                        <th scope="col">{move || i18n.t(Key::CustomerLabel)}</th>
                                        <th scope="col">{move || i18n.t(Key::StatusLabel)}</th>
                                        <th scope="col">{move || i18n.t(Key::PriorityLabel)}</th>
                                        <th scope="col">{move || i18n.t(Key::AssigneeLabel)}</th>
                                        <th scope="col">{move || i18n.t(Key::SlaLabel)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list.into_iter().map(|case| view! { <QueueRow case=case reps=reps /> }).collect_view()}
                                </tbody>
                            </table>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn QueueRow(case: Case, reps: RwSignal<HashMap<String, String>>) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/cases/{}", crate::connector::trato::encode_component(&case.id));
    let (status, priority) = (case.status, case.priority);
    let assignee = case.assignee_id.clone();
    let due = case.sla_due_at.clone();
    let overdue = due.as_ref().is_some_and(|d| {
        let due_ms = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(d)).get_time();
        due_ms < intl::now_ms() as f64
    });
    view! {
        <tr>
            <td><A href=href>{format!("#{} ", case.number)}{case.subject.clone()}</A></td>
            <td>{case.customer_name.clone()}</td>
            <td><span class=format!("badge status-{}", status.as_str())>{move || i18n.t(status_key(status, Reader::Rep))}</span></td>
            <td>{move || i18n.t(priority_key(priority))}</td>
            <td>{move || assignee.as_ref().and_then(|id| reps.with(|r| r.get(id).cloned())).unwrap_or_else(|| i18n.t(Key::Unassigned).into())}</td>
            <td class:sla-overdue=overdue>
                {move || match &due {
                    Some(d) if overdue => i18n.0.get().tf(Key::SlaWasDue, &[("when", &intl::date_time(i18n.locale(), d))]),
                    Some(d) => intl::date_time(i18n.locale(), d),
                    None => i18n.t(Key::Answered).into(),
                }}
            </td>
        </tr>
    }
}
