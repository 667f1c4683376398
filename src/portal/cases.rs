//! My cases: the list (search and status filter) and the case page (thread, reply with attachments, close or
//! reopen, and the satisfaction rating once the case is resolved).

use super::session::{ask, ATTACHMENTS};
use crate::connector::portal::{PortalOp, PortalReply};
use crate::connector::{Ask, ConnectorError};
use crate::i18n::{intl, Key};
use crate::ui::case_labels::{category_key, priority_key, status_key, Reader};
use crate::ui::error::{describe, ErrorMessage};
use crate::ui::field::Field;
use crate::ui::files::{FilePicker, Uploader};
use crate::ui::locale::use_i18n;
use crate::ui::rating::RatingFields;
use crate::ui::tabs::{Tab, Tabs};
use crate::ui::thread::Thread;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use std::rc::Rc;
use trato_protocol::*;

/// The portal's upload, for [`FilePicker`].
pub fn portal_uploader() -> StoredValue<Uploader, LocalStorage> {
    let uploader: Uploader = Rc::new(|upload| Box::pin(async move { ask(PortalOp::upload(upload)).await }));
    StoredValue::new_local(uploader)
}

/// The list of the customer's cases (the company's for its admin).
#[component]
pub fn CasesPage() -> impl IntoView {
    let i18n = use_i18n();
    let search = RwSignal::new(String::new());
    let status = RwSignal::new("active".to_string());
    // Asked again when the status changes or the words are submitted.
    let asked = RwSignal::new(0u32);
    let cases = LocalResource::new(move || {
        asked.track();
        let (q, s) = (search.get_untracked(), status.get_untracked());
        ask(PortalOp::cases((s != "all").then_some(s), Some(q)))
    });
    let load = move || asked.update(|n| *n += 1);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        load();
    };
    view! {
        <main id="main" class="portal-page">
            <div class="page-head">
                <h1>{move || i18n.t(Key::MyCases)}</h1>
                <A href="/portal/cases/new" attr:class="button primary">{move || i18n.t(Key::NewCase)}</A>
            </div>
            <form class="filters" role="search" on:submit=on_submit>
                <Field label=Key::SearchCases>
                    <input type="search" bind:value=search />
                </Field>
                <button type="submit" class="secondary">{move || i18n.t(Key::Search)}</button>
            </form>
            <Tabs label=Signal::derive(move || i18n.t(Key::StatusLabel).to_string())>
                {[("active", Key::ActiveCases), ("done", Key::DoneCases), ("all", Key::AllCases)].map(|(value, words)| view! {
                    <Tab
                        id=format!("cases-{value}")
                        controls="case-results"
                        selected=Signal::derive(move || status.get() == value)
                        on_select=Callback::new(move |()| {
                            if status.get_untracked() != value {
                                status.set(value.to_string());
                                load();
                            }
                        })
                    >
                        {move || i18n.t(words)}
                    </Tab>
                })}
            </Tabs>
            <div id="case-results" role="tabpanel" aria-labelledby=move || format!("cases-{}", status.get())>
            <Transition fallback=|| view! { <crate::ui::status::Skeleton /> }>
                {move || Suspend::new(async move {
                    match cases.await {
                        Err(e) => view! { <ErrorMessage message=describe(i18n.0.get_untracked(), &e) /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <crate::ui::status::EmptyState message=Key::NoCases /> }.into_any(),
                        Ok(list) => view! { <CaseList cases=list /> }.into_any(),
                    }
                })}
            </Transition>
            </div>
        </main>
    }
}

#[component]
fn CaseList(cases: Vec<Case>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="case-list">
            {cases
                .into_iter()
                .map(|case| {
                    let href = format!("/portal/cases/{}", crate::connector::trato::encode_component(&case.id));
                    let updated = case.updated_at.clone();
                    let status = case.status;
                    let priority = case.priority;
                    view! {
                        <li class="case-row">
                            <A href=href>
                                <span class="case-number">{format!("#{}", case.number)}</span>
                                " "
                                <span class="case-subject">{case.subject.clone()}</span>
                            </A>
                            <span class=format!("badge status-{}", status.as_str())>{move || i18n.t(status_key(status, Reader::Customer))}</span>
                            <span class="muted">{move || i18n.t(priority_key(priority))}</span>
                            <span class="muted">
                                {move || i18n.0.get().tf(Key::UpdatedAt, &[("when", &intl::date_time(i18n.locale(), &updated))])}
                            </span>
                            <span class="muted">{case.customer_name.clone()}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// One case: thread, reply, close or reopen, rating.
#[component]
pub fn CasePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let created = query.with_untracked(|q| q.get("created").is_some());
    let loaded = LocalResource::new(move || ask(PortalOp::case(id.get())));
    view! {
        <main id="main" class="portal-page case-page">
            <p><A href="/portal/cases">{move || i18n.t(Key::BackToCases)}</A></p>
            <Transition fallback=|| view! { <crate::ui::status::Skeleton /> }>
                {move || Suspend::new(async move {
                    match loaded.await {
                        Ok(found) => view! { <CaseView found=found created=created /> }.into_any(),
                        Err(ConnectorError::NotFound(_)) => view! { <ErrorMessage message=i18n.t_untracked(Key::CaseNotFound).to_string() /> }.into_any(),
                        Err(e) => view! { <ErrorMessage message=describe(i18n.0.get_untracked(), &e) /> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

/// A loaded case: its facts, thread and actions; `created` when the customer just opened it.
#[component]
fn CaseView(found: CaseThread, created: bool) -> impl IntoView {
    let i18n = use_i18n();
    let thread = RwSignal::new(Some(found));
    let messages = Signal::derive(move || thread.with(|t| t.as_ref().map(|t| t.messages.clone()).unwrap_or_default()));
    view! {
        {move || thread.with(|t| t.as_ref().map(|t| t.case.clone())).map(|case| {
            let number = case.number;
            let status = case.status;
            let priority = case.priority;
            let category = case.category.clone();
            let opened = case.created_at.clone();
            view! {
                {created.then(|| view! {
                    <p class="notice" role="status">
                        {move || i18n.0.get().tf(Key::CaseCreated, &[("number", &number.to_string())])}
                    </p>
                })}
                <h1>
                    <span class="case-number">{format!("#{number}")}</span>
                    " "
                    {case.subject.clone()}
                </h1>
                <dl class="case-facts">
                    <dt>{move || i18n.t(Key::StatusLabel)}</dt>
                    <dd><span class=format!("badge status-{}", status.as_str())>{move || i18n.t(status_key(status, Reader::Customer))}</span></dd>
                    <dt>{move || i18n.t(Key::PriorityLabel)}</dt>
                    <dd>{move || i18n.t(priority_key(priority))}</dd>
                    <dt>{move || i18n.t(Key::CategoryLabel)}</dt>
                    <dd>{move || i18n.t(category_key(&category))}</dd>
                    <dt>{move || i18n.t(Key::OpenedOn)}</dt>
                    <dd>{move || intl::date_time(i18n.locale(), &opened)}</dd>
                </dl>
            }
        })}
        <h2 class="visually-hidden">{move || i18n.t(Key::Conversation)}</h2>
        <Thread messages=messages attachments_base=ATTACHMENTS />
        <CaseActions thread=thread />
    }
}

/// Reply, close, reopen and rate, depending on the case's status.
#[component]
fn CaseActions(thread: RwSignal<Option<CaseThread>>) -> impl IntoView {
    let i18n = use_i18n();
    let body = RwSignal::new(String::new());
    let files = RwSignal::new(Vec::<Attachment>::new());
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let uploader = portal_uploader();
    let case = move || thread.with(|t| t.as_ref().map(|t| t.case.clone()));
    let case_id = move || case().map(|c| c.id).unwrap_or_default();
    let status = move || case().map(|c| c.status).unwrap_or(CaseStatus::Open);
    let act = move |op: Ask<PortalOp, PortalReply, CaseThread>, done: Key| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        notice.set(None);
        leptos::task::spawn_local(async move {
            match ask(op).await {
                Ok(t) => {
                    thread.try_set(Some(t));
                    notice.try_set(Some(i18n.t(done).into()));
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
    let on_reply = move |ev: SubmitEvent| {
        ev.prevent_default();
        if body.get_untracked().trim().is_empty() {
            error.set(Some(i18n.t(Key::WriteSomething).into()));
            return;
        }
        let message = NewMessage {
            body: body.get_untracked(),
            internal: false,
            attachment_ids: files.get_untracked().into_iter().map(|f| f.id).collect(),
        };
        act(PortalOp::reply(case_id(), message), Key::ReplySent);
    };
    let score = RwSignal::new(0u8);
    let comment = RwSignal::new(String::new());
    let on_rate = move |ev: SubmitEvent| {
        ev.prevent_default();
        if score.get_untracked() == 0 {
            error.set(Some(i18n.t(Key::PickScore).into()));
            return;
        }
        let rating = Rating { score: score.get_untracked(), comment: comment.get_untracked() };
        act(PortalOp::rate(case_id(), rating), Key::ThanksForRating);
    };
    view! {
        {move || error.get().map(|message| view! { <ErrorMessage message=message /> })}
        <p class="notice" role="status">{move || notice.get()}</p>
        <Show when=move || status() != CaseStatus::Closed>
            <form class="reply-form" on:submit=on_reply>
                <Field label=Key::YourReply>
                    <textarea rows="4" maxlength=MAX_BODY.to_string() bind:value=body></textarea>
                </Field>
                <FilePicker uploader=uploader files=files id="reply-files" />
                <button type="submit" class="primary" disabled=move || busy.get()>{move || i18n.t(Key::SendReply)}</button>
            </form>
        </Show>
        <div class="case-buttons">
            <Show
                when=move || status().is_active()
                fallback=move || view! {
                    <button type="button" class="secondary" disabled=move || busy.get() on:click=move |_| act(PortalOp::reopen(case_id()), Key::CaseReopened)>
                        {move || i18n.t(Key::ReopenCase)}
                    </button>
                }
            >
                <button type="button" class="secondary" disabled=move || busy.get() on:click=move |_| act(PortalOp::close(case_id()), Key::CaseClosed)>
                    {move || i18n.t(Key::CloseCase)}
                </button>
            </Show>
        </div>
        {move || {
            let case = case()?;
            if case.status.is_active() {
                return None;
            }
            Some(match case.rating {
                Some(rating) => view! {
                    <p class="rating-given">
                        {move || i18n.0.get().tf(Key::YourRating, &[("score", &rating.score.to_string())])}
                    </p>
                }
                .into_any(),
                None => view! {
                    <form class="rating-form" on:submit=on_rate>
                        <RatingFields legend=Key::RateTitle name="score" score=score comment=comment />
                        <button type="submit" class="primary" disabled=move || busy.get()>{move || i18n.t(Key::SendRating)}</button>
                    </form>
                }
                .into_any(),
            })
        }}
    }
}
