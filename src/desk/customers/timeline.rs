//! A customer's timeline: calls, meetings, notes, tasks, e-mails, stage changes, cases and orders, newest first,
//! filterable by type; planned work can be acted on where it is; and the form that logs a call, meeting or note or
//! plans a task for the customer.

use super::activity::{log, Draft, Links};
use super::data::{me, store_of, StoreSlot};
use super::work::{belongs_to, kind_key, provide_offers, Names, NextStepBar, WorkItem, LOGGABLE};
use crate::domain::customer::{Moment, MomentKind};
use crate::i18n::{intl, Key};
use crate::ui::case_labels::{status_key, Reader};
use crate::ui::field::Field;
use crate::ui::locale::use_i18n;
use crate::ui::more::{ShowMore, PART};
use crate::ui::order_labels;
use leptos::prelude::*;
use leptos_router::components::A;
use trato_protocol::{ActivityKind, Order};

/// A filter chip's words.
fn moment_key(kind: MomentKind) -> Key {
    match kind {
        MomentKind::Call => Key::KindCall,
        MomentKind::Meeting => Key::KindMeeting,
        MomentKind::Note => Key::KindNote,
        MomentKind::Task => Key::KindTask,
        MomentKind::Email => Key::KindEmail,
        MomentKind::StageChange => Key::KindStageChange,
        MomentKind::Case => Key::KindCase,
        MomentKind::Chat => Key::KindChat,
        MomentKind::Order => Key::KindOrder,
    }
}

fn order_line(order: Order) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.locale();
    view! {
        <li class="timeline-item" data-kind="order">
            <p class="timeline-head">
                <span class="badge kind-badge">{locale.t(order_labels::kind_key(&order.kind))}</span>
                <span class="timeline-subject">{order.number.clone()}</span>
                <span class="badge">{locale.t(order_labels::status_key(&order.status))}</span>
                <span class="money">{intl::money(locale, &order.total)}</span>
            </p>
            <p class="timeline-meta muted">{intl::date(locale, &order.ordered_on)}</p>
        </li>
    }
}

fn moment_view(moment: Moment, names: Signal<Names>, slot: StoreSlot) -> AnyView {
    let i18n = use_i18n();
    let locale = i18n.locale();
    match moment {
        Moment::Activity(a) if !a.done && a.due_on.is_some() && a.kind != ActivityKind::StageChange => {
            view! { <WorkItem activity=a names store=slot /> }.into_any()
        }
        Moment::Activity(a) => {
            let summary = if a.kind == ActivityKind::StageChange {
                let stage = |id: &Option<String>| {
                    id.as_ref().and_then(|s| names.with_untracked(|n| n.stages.get(s).cloned())).unwrap_or_default()
                };
                locale
                    .tf(Key::StageChangeSummary, &[("from", &stage(&a.from_stage_id)), ("to", &stage(&a.to_stage_id))])
            } else {
                a.subject.clone()
            };
            let owner = a.owner_id.as_ref().and_then(|o| names.with_untracked(|n| n.reps.get(o).cloned()));
            let links = names.with_untracked(|n| belongs_to(&a, n));
            view! {
                <li class="timeline-item" class:done=a.done data-kind=format!("{:?}", a.kind).to_lowercase()>
                    <p class="timeline-head">
                        <span class="badge kind-badge">{locale.t(kind_key(a.kind))}</span>
                        <span class="timeline-subject">{summary}</span>
                        {links}
                    </p>
                    {a.body.clone().map(|b| view! { <p class="timeline-body">{b}</p> })}
                    <p class="timeline-meta muted">
                        {intl::date_time(locale, &a.meta.created_at)}
                        {owner.map(|name| format!(" · {}", locale.tf(Key::ByWhom, &[("name", &name)])))}
                    </p>
                </li>
            }
            .into_any()
        }
        Moment::Case(case) => {
            let href = format!("/cases/{}", crate::connector::trato::encode_component(&case.id));
            view! {
                <li class="timeline-item" data-kind="case">
                    <p class="timeline-head">
                        <span class="badge kind-badge">{locale.t(Key::KindCase)}</span>
                        <A href=href attr:class="timeline-subject">{format!("#{} {}", case.number, case.subject)}</A>
                        <span class=format!("badge status-{}", case.status.as_str())>{locale.t(status_key(case.status, Reader::Rep))}</span>
                    </p>
                    <p class="timeline-meta muted">{format!("{} · {}", intl::date_time(locale, &case.created_at), case.customer_name)}</p>
                </li>
            }
            .into_any()
        }
        Moment::CaseMessage(pair) => {
            let (case, message) = *pair;
            let href = format!("/cases/{}", crate::connector::trato::encode_component(&case.id));
            let said = if message.internal { Key::InternalNote } else { Key::KindCaseMessage };
            view! {
                <li class="timeline-item" class:internal=message.internal data-kind="case-message">
                    <p class="timeline-head">
                        <span class="badge kind-badge">{locale.t(said)}</span>
                        <A href=href attr:class="timeline-subject">{format!("#{} {}", case.number, case.subject)}</A>
                    </p>
                    <p class="timeline-body">{message.body.clone()}</p>
                    <p class="timeline-meta muted">{format!("{} · {}", intl::date_time(locale, &message.created_at), message.author_name)}</p>
                </li>
            }
            .into_any()
        }
        Moment::Chat(chat) => view! {
            <li class="timeline-item" data-kind="chat">
                <p class="timeline-head">
                    <span class="badge kind-badge">{locale.t(Key::KindChat)}</span>
                    <super::sections::ChatLine chat=*chat />
                </p>
            </li>
        }
        .into_any(),
        Moment::Order(order) => order_line(order).into_any(),
    }
}

/// The timeline with its type filter.
#[component]
pub fn Timeline(
    /// Every entry, newest first.
    #[prop(into)]
    moments: Signal<Vec<Moment>>,
    /// Names of what entries refer to.
    #[prop(into)]
    names: Signal<Names>,
    /// The store.
    store: StoreSlot,
) -> impl IntoView {
    let slot = store;
    let i18n = use_i18n();
    let offers = provide_offers();
    let only = RwSignal::new(Vec::<MomentKind>::new());
    let present = Memo::new(move |_| {
        let kinds: Vec<MomentKind> = moments.with(|all| all.iter().map(Moment::kind).collect());
        MomentKind::ALL.into_iter().filter(|k| kinds.contains(k)).collect::<Vec<_>>()
    });
    // The entries of the chosen types; the first `limit` are drawn.
    let chosen = Memo::new(move |_| {
        only.with(|only| {
            moments.with(|all| {
                all.iter().filter(|m| only.is_empty() || only.contains(&m.kind())).cloned().collect::<Vec<Moment>>()
            })
        })
    });
    let limit = RwSignal::new(PART);
    view! {
        <section class="timeline-section" aria-labelledby="timeline-title">
            <h2 id="timeline-title">{move || i18n.t(Key::Timeline)}</h2>
            <NextStepBar offers store=slot />
            <div class="chips" role="group" aria-label=move || i18n.t(Key::TimelineFilter)>
                <button type="button" class="chip" aria-pressed=move || only.with(Vec::is_empty).to_string() on:click=move |_| { only.set(vec![]); limit.set(PART); }>
                    {move || i18n.t(Key::AllTypes)}
                </button>
                {move || present.get().into_iter().map(|kind| view! {
                    <button
                        type="button"
                        class="chip"
                        aria-pressed=move || only.with(|o| o.contains(&kind)).to_string()
                        on:click=move |_| {
                            only.update(|o| if o.contains(&kind) { o.retain(|k| *k != kind) } else { o.push(kind) });
                            limit.set(PART);
                        }
                    >
                        {move || i18n.t(moment_key(kind))}
                    </button>
                }).collect_view()}
            </div>
            <ul class="timeline">
                {move || chosen.with(|c| c.iter().take(limit.get()).cloned().collect::<Vec<_>>()).into_iter().map(|m| moment_view(m, names, slot)).collect_view()}
            </ul>
            <ShowMore total=Signal::derive(move || chosen.with(Vec::len)) limit />
            {move || moments.with(Vec::is_empty).then(|| view! { <p class="muted">{move || i18n.t(Key::TimelineEmpty)}</p> })}
        </section>
    }
}

/// Logs a call, meeting, note or e-mail, or plans work (with a date), for `links`.
#[component]
pub fn LogForm(
    /// What the activity belongs to.
    links: Links,
    /// The store.
    store: StoreSlot,
) -> impl IntoView {
    let slot = store;
    let i18n = use_i18n();
    let kind = RwSignal::new("call".to_string());
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<(bool, String)>);
    let links = StoredValue::new(links);
    let me_id = StoredValue::new(me().0);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let locale = i18n.locale();
        let Some(kind_value) = LOGGABLE.iter().find(|(_, code)| *code == kind.get_untracked()).map(|(k, _)| *k) else {
            return;
        };
        let subject_text = subject.get_untracked().trim().to_string();
        if subject_text.is_empty() {
            notice.set(Some((true, locale.t(Key::SubjectRequired).into())));
            return;
        }
        let due_on = Some(due.get_untracked()).filter(|d| !d.is_empty());
        if due_on.as_deref().is_some_and(|d| !trato_protocol::validate::is_complete_date(d)) {
            notice.set(Some((true, locale.t(Key::DateIncomplete).into())));
            return;
        }
        let draft = Draft {
            kind: kind_value,
            subject: subject_text,
            body: Some(body.get_untracked().trim().to_string()).filter(|b| !b.is_empty()),
            due_on,
        };
        let Some(store) = store_of(slot) else { return };
        let (links, me_id) = (links.get_value(), me_id.get_value());
        leptos::task::spawn_local(async move {
            match log(&store, draft, links, &me_id).await {
                Ok(_) => {
                    subject.try_set(String::new());
                    body.try_set(String::new());
                    due.try_set(String::new());
                    notice.try_set(Some((false, locale.t(Key::ActivityLogged).into())));
                }
                Err(error) => {
                    notice.try_set(Some((true, crate::ui::error::cache_error(&error))));
                }
            }
        });
    };
    view! {
        <form class="log-activity" on:submit=on_submit aria-labelledby="log-title">
            <h2 id="log-title">{move || i18n.t(Key::LogActivity)}</h2>
            <Field label=Key::ActivityKindLabel>
                <select on:change=move |ev| kind.set(event_target_value(&ev))>
                    {LOGGABLE.into_iter().map(|(k, code)| view! { <option value=code selected=move || kind.get() == code>{move || i18n.t(kind_key(k))}</option> }).collect_view()}
                </select>
            </Field>
            <Field label=Key::SubjectLabel>
                <input type="text" prop:value=move || subject.get() on:input=move |ev| subject.set(event_target_value(&ev)) />
            </Field>
            <Field label=Key::Details>
                <textarea rows="2" prop:value=move || body.get() on:input=move |ev| body.set(event_target_value(&ev))></textarea>
            </Field>
            <Field label=Key::DueLabel>
                <input type="date" prop:value=move || due.get() on:input=move |ev| due.set(event_target_value(&ev)) />
            </Field>
            <button type="submit" class="primary">{move || i18n.t(Key::LogIt)}</button>
            {move || notice.get().map(|(error, text)| if error {
                view! { <p class="field-error" role="alert">{text}</p> }.into_any()
            } else {
                view! { <p class="notice" role="status">{text}</p> }.into_any()
            })}
        </form>
    }
}
