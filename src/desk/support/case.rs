//! A case in the desk: the whole thread (internal notes marked), a public reply or an internal note with files,
//! status, priority and assignee, and beside it the customer, their account and their company's other cases.

use super::common::{ask, desk_uploader, store, StoreValue};
use crate::connector::support::SupportOp;
use crate::connector::ConnectorError;
use crate::i18n::Key;
use crate::ui::case_labels::{category_key, priority_key, status_key, Reader};
use crate::ui::error::{describe, ErrorMessage};
use crate::ui::field::Field;
use crate::ui::files::FilePicker;
use crate::ui::locale::use_i18n;
use crate::ui::thread::Thread;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use trato_protocol::*;

/// Where reps download attachments from.
const ATTACHMENTS: &str = "/api/v1/attachments";

/// The case page: the case named by the route, loaded when the route changes.
#[component]
pub fn CaseDeskPage() -> impl IntoView {
    let i18n = use_i18n();
    let store = store();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let loaded = LocalResource::new(move || ask(store, SupportOp::case(id.get())));
    let reload = Callback::new(move |()| loaded.refetch());
    view! {
        <Transition fallback=|| view! { <main id="main" class="support-page"><crate::ui::status::Skeleton lines=6 /></main> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok(found) => view! { <CaseView found=found store=store reload=reload /> }.into_any(),
                    Err(e) => {
                        let message = match e {
                            ConnectorError::NotFound(_) => i18n.t(Key::CaseNotFound).into(),
                            e => describe(i18n.0.get_untracked(), &e),
                        };
                        view! {
                            <main id="main" class="support-page">
                                <p><A href="/cases">{move || i18n.t(Key::BackToQueue)}</A></p>
                                <ErrorMessage message=message />
                            </main>
                        }
                        .into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// A loaded case: its thread and reply form, and the side with status, priority, assignee and the customer.
#[component]
fn CaseView(found: CaseDesk, store: StoreValue, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let desk = RwSignal::new(Some(found));
    let reps = RwSignal::new(Vec::<User>::new());
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        if let Some(store) = store.try_get_value().flatten() {
            if let Ok(list) = store.reps().await {
                reps.try_set(list);
            }
        }
    });
    let update = move |patch: CasePatch| {
        let Some((id, version)) = desk.with_untracked(|d| d.as_ref().map(|d| (d.case.id.clone(), d.case.version)))
        else {
            return;
        };
        notice.set(None);
        leptos::task::spawn_local(async move {
            match ask(store, SupportOp::update_case(id, Some(version), patch)).await {
                Ok(case) => {
                    desk.try_update(|d| {
                        if let Some(d) = d {
                            d.case = case;
                        }
                    });
                    error.try_set(None);
                    notice.try_set(Some(i18n.t(Key::Saved).into()));
                }
                Err(e) => {
                    error.try_set(Some(describe(i18n.0.get_untracked(), &e)));
                    if matches!(e, ConnectorError::Conflict(_)) {
                        reload.try_run(());
                    }
                }
            }
        });
    };
    let messages = Signal::derive(move || desk.with(|d| d.as_ref().map(|d| d.messages.clone()).unwrap_or_default()));
    let case = move || desk.with(|d| d.as_ref().map(|d| d.case.clone()));
    let update_status = update;
    let update_priority = update;
    let update_assignee = update;
    view! {
        <main id="main" class="support-page with-side">
            <div>
                <p><A href="/cases">{move || i18n.t(Key::BackToQueue)}</A></p>
                {move || error.get().map(|message| view! { <ErrorMessage message=message /> })}
                <p class="notice" role="status">{move || notice.get()}</p>
                {move || case().map(|case| {
                    let category = case.category.clone();
                    view! {
                        <h1><span class="case-number">{format!("#{}", case.number)}</span> " " {case.subject.clone()}</h1>
                        <p class="muted">{move || i18n.t(category_key(&category))}</p>
                    }
                })}
                <Show when=move || desk.with(Option::is_some)>
                    <Thread messages=messages attachments_base=ATTACHMENTS />
                    <ReplyForm desk=desk store=store />
                </Show>
            </div>
            <Show when=move || desk.with(Option::is_some)>
                <aside class="side" aria-label=move || i18n.t(Key::CaseDetails)>
                    <h2>{move || i18n.t(Key::CaseDetails)}</h2>
                    <Field label=Key::StatusLabel>
                        <select on:change={
                            let update = update_status;
                            move |ev| {
                                if let Some(status) = CaseStatus::parse(&event_target_value(&ev)) {
                                    update(CasePatch { status: Some(status), ..Default::default() });
                                }
                            }
                        }>
                            {CaseStatus::ALL.into_iter().map(|s| view! {
                                <option value=s.as_str() selected=move || case().is_some_and(|c| c.status == s)>{move || i18n.t(status_key(s, Reader::Rep))}</option>
                            }).collect_view()}
                        </select>
                    </Field>
                    <Field label=Key::PriorityLabel>
                        <select on:change={
                            let update = update_priority;
                            move |ev| {
                                if let Some(priority) = CasePriority::parse(&event_target_value(&ev)) {
                                    update(CasePatch { priority: Some(priority), ..Default::default() });
                                }
                            }
                        }>
                            {CasePriority::ALL.into_iter().map(|p| view! {
                                <option value=p.as_str() selected=move || case().is_some_and(|c| c.priority == p)>{move || i18n.t(priority_key(p))}</option>
                            }).collect_view()}
                        </select>
                    </Field>
                    <Field label=Key::AssigneeLabel>
                        <select on:change={
                            let update = update_assignee;
                            move |ev| {
                                let value = event_target_value(&ev);
                                let assignee = (!value.is_empty()).then_some(value);
                                update(CasePatch { assignee_id: Some(assignee), ..Default::default() });
                            }
                        }>
                            <option value="" selected=move || case().is_some_and(|c| c.assignee_id.is_none())>{move || i18n.t(Key::Unassigned)}</option>
                            <For each=move || reps.get() key=|u| u.id.clone() let:rep>
                                {
                                    let id = rep.id.clone();
                                    view! { <option value=rep.id.clone() selected=move || case().is_some_and(|c| c.assignee_id.as_deref() == Some(id.as_str()))>{rep.name.clone()}</option> }
                                }
                            </For>
                        </select>
                    </Field>
                    {move || case().and_then(|c| c.rating).map(|rating| view! {
                        <p>{move || i18n.0.get().tf(Key::CustomerRating, &[("score", &rating.score.to_string())])}</p>
                        <p class="message-body">{rating.comment.clone()}</p>
                    })}
                    {move || desk.get().map(|d| view! { <CustomerSide desk=d /> })}
                </aside>
            </Show>
        </main>
    }
}

/// The customer, their account and their company's other cases.
#[component]
fn CustomerSide(desk: CaseDesk) -> impl IntoView {
    let i18n = use_i18n();
    let customer = desk.customer;
    view! {
        <h3>{move || i18n.t(Key::CustomerLabel)}</h3>
        <p>
            <strong>{customer.name.clone()}</strong>
            {customer.is_admin.then(|| view! { " · " <span class="badge">{move || i18n.t(Key::CompanyAdmin)}</span> })}
            <br />
            <a href=format!("mailto:{}", customer.email)>{customer.email.clone()}</a>
            {customer.phone.clone().map(|p| view! { <br /> {p} })}
        </p>
        {desk.account.map(|account| view! {
            <h3>{move || i18n.t(Key::AccountLabel)}</h3>
            <p>
                <a href=format!("/accounts/{}", crate::connector::trato::encode_component(&account.meta.id))>{account.name.clone()}</a>
                {account.city.clone().map(|c| view! { <br /> <span class="muted">{c}</span> })}
                {account.phone.clone().map(|p| view! { <br /> {p} })}
            </p>
        })}
        <h3>{move || i18n.t(Key::OtherCases)}</h3>
        {if desk.other_cases.is_empty() {
            view! { <crate::ui::status::EmptyState message=Key::NoCases /> }.into_any()
        } else {
            view! {
                <ul class="case-list">
                    {desk.other_cases.into_iter().map(|c| {
                        let status = c.status;
                        view! {
                            <li>
                                <A href=format!("/cases/{}", crate::connector::trato::encode_component(&c.id))>{format!("#{} ", c.number)}{c.subject.clone()}</A>
                                " "
                                <span class=format!("badge status-{}", status.as_str())>{move || i18n.t(status_key(status, Reader::Rep))}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        }}
    }
}

/// A public reply or an internal note, with files.
#[component]
fn ReplyForm(desk: RwSignal<Option<CaseDesk>>, store: StoreValue) -> impl IntoView {
    let i18n = use_i18n();
    let body = RwSignal::new(String::new());
    let internal = RwSignal::new(false);
    let files = RwSignal::new(Vec::<Attachment>::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let uploader = desk_uploader(store);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        if body.get_untracked().trim().is_empty() {
            error.set(Some(i18n.t(Key::WriteSomething).into()));
            return;
        }
        let Some(id) = desk.with_untracked(|d| d.as_ref().map(|d| d.case.id.clone())) else { return };
        let message = NewMessage {
            body: body.get_untracked(),
            internal: internal.get_untracked(),
            attachment_ids: files.get_untracked().into_iter().map(|f| f.id).collect(),
        };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match ask(store, SupportOp::reply(id, message)).await {
                Ok(found) => {
                    desk.try_set(Some(found));
                    body.try_set(String::new());
                    files.try_set(vec![]);
                }
                Err(e) => {
                    error.try_set(Some(describe(i18n.0.get_untracked(), &e)));
                }
            }
            busy.try_set(false);
        });
    };
    view! {
        <form class="reply-form" on:submit=on_submit>
            <fieldset class="reply-kind">
                <legend class="visually-hidden">{move || i18n.t(Key::ReplyKind)}</legend>
                <label class="check">
                    <input type="radio" name="reply-kind" checked=move || !internal.get() on:change=move |_| internal.set(false) />
                    <span>{move || i18n.t(Key::PublicReply)}</span>
                </label>
                <label class="check">
                    <input type="radio" name="reply-kind" checked=move || internal.get() on:change=move |_| internal.set(true) />
                    <span>{move || i18n.t(Key::InternalNote)}</span>
                </label>
            </fieldset>
            <label class="field">
                <span>{move || if internal.get() { i18n.t(Key::NoteForTeam) } else { i18n.t(Key::ReplyToCustomer) }}</span>
                <textarea rows="5" maxlength=MAX_BODY.to_string() bind:value=body></textarea>
            </label>
            <FilePicker uploader=uploader files=files id="desk-reply-files" />
            {move || error.get().map(|message| view! { <ErrorMessage message=message /> })}
            <button type="submit" class="primary" disabled=move || busy.get()>
                {move || if internal.get() { i18n.t(Key::AddNote) } else { i18n.t(Key::SendReply) }}
            </button>
        </form>
    }
}
