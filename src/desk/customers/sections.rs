//! The parts of a customer page that list related records: deals (open, won, lost), contacts, cases, orders, the
//! key figures, and "new deal" for this customer.

use super::call_back::Callee;
use super::cells::{EmailLink, PhoneLink};
use super::data::{me, store_of, StoreSlot};
use crate::domain::customer::{deal_state, Figures};
use crate::i18n::{intl, Key};
use crate::store::outbox::TEMP_PREFIX;
use crate::ui::case_labels::{status_key, Reader};
use crate::ui::field::Field;
use crate::ui::locale::use_i18n;
use crate::ui::more::{ShowMore, PART};
use crate::ui::order_labels;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use std::collections::HashMap;
use trato_protocol::support::Order;
use trato_protocol::*;

fn href(base: &str, id: &str) -> String {
    format!("{base}/{}", crate::connector::trato::encode_component(id))
}

fn money_list(locale: crate::i18n::Locale, totals: &crate::domain::money::Totals) -> String {
    let amounts = totals.amounts();
    if amounts.is_empty() {
        return intl::money(locale, &Money { minor: 0, currency: "EUR".into() });
    }
    amounts.iter().map(|m| intl::money(locale, m)).collect::<Vec<_>>().join(" · ")
}

/// The key figures: open pipeline, won in the last 12 months, open cases (when known), last contact, next activity.
#[component]
pub fn KeyFigures(
    /// The figures from the cache.
    #[prop(into)]
    figures: Signal<Figures>,
    /// Open cases, when the backend has cases and answered.
    #[prop(into)]
    open_cases: Signal<Option<usize>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <dl class="key-figures">
            <div><dt>{move || i18n.t(Key::OpenPipeline)}</dt><dd>{move || figures.with(|f| money_list(i18n.locale(), &f.open_pipeline))}</dd></div>
            <div><dt>{move || i18n.t(Key::WonLastYear)}</dt><dd>{move || figures.with(|f| money_list(i18n.locale(), &f.won_last_year))}</dd></div>
            {move || open_cases.get().map(|n| view! {
                <div><dt>{move || i18n.t(Key::OpenCases)}</dt><dd>{intl::number(i18n.locale(), n as f64)}</dd></div>
            })}
            <div>
                <dt>{move || i18n.t(Key::ColLastContact)}</dt>
                <dd>{move || figures.with(|f| f.last_contact.as_ref().map(|d| intl::date(i18n.locale(), d)).unwrap_or_else(|| i18n.t(Key::Never).into()))}</dd>
            </div>
            <div>
                <dt>{move || i18n.t(Key::NextActivity)}</dt>
                <dd>
                    {move || figures.with(|f| match &f.next_activity {
                        Some(a) => {
                            let locale = i18n.locale();
                            format!("{} · {}", a.subject, intl::date(locale, a.due_on.as_deref().unwrap_or_default()))
                        }
                        None => i18n.t(Key::NothingPlanned).into(),
                    })}
                </dd>
            </div>
        </dl>
    }
}

/// The customer's deals, open first, then won and lost.
#[component]
pub fn DealsSection(
    /// The deals.
    #[prop(into)]
    deals: Signal<Vec<Deal>>,
    /// Each stage's kind and name by id.
    #[prop(into)]
    stages: Signal<HashMap<String, (StageKind, String)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let group = move |kind: StageKind, title: Key| {
        let list = Memo::new(move |_| {
            let kinds: HashMap<String, StageKind> =
                stages.with(|s| s.iter().map(|(id, (k, _))| (id.clone(), *k)).collect());
            deals.with(|all| all.iter().filter(|d| deal_state(d, &kinds) == kind).cloned().collect::<Vec<_>>())
        });
        // Three groups under one another: each draws half a part at first.
        let limit = RwSignal::new(PART / 2);
        let total = Signal::derive(move || list.with(Vec::len));
        view! {
            {move || {
                let shown: Vec<Deal> = list.with(|l| l.iter().take(limit.get()).cloned().collect());
                (!shown.is_empty()).then(|| view! {
                    <h3>{move || i18n.t(title)}" "<span class="muted">{move || intl::number(i18n.locale(), total.get() as f64)}</span></h3>
                    <ul class="record-list">
                        {shown.into_iter().map(|deal| {
                            let stage = stages.with(|s| s.get(&deal.stage_id).map(|(_, n)| n.clone())).unwrap_or_default();
                            view! {
                                <li>
                                    <A href=href("/deals", &deal.meta.id)>{deal.name.clone()}</A>
                                    <span class="money">{intl::money(i18n.locale(), &deal.amount)}</span>
                                    <span class="muted">{stage}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })
            }}
            <ShowMore total limit step=PART / 2 />
        }
    };
    view! {
        <section class="record-section" aria-labelledby="deals-title">
            <h2 id="deals-title">{move || i18n.t(Key::Deals)}</h2>
            {group(StageKind::Open, Key::OpenDeals)}
            {group(StageKind::Won, Key::WonDeals)}
            {group(StageKind::Lost, Key::LostDeals)}
            {move || deals.with(Vec::is_empty).then(|| view! { <crate::ui::status::EmptyState message=Key::NoDealsYet /> })}
        </section>
    }
}

/// An account's people, with their phone and e-mail as links.
#[component]
pub fn ContactsSection(
    /// The contacts.
    #[prop(into)]
    contacts: Signal<Vec<Contact>>,
    /// The account.
    account_id: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let account = account_id.clone();
    let creatable = crate::desk::context::use_store().is_some_and(|s| s.capabilities().new_customers);
    let limit = RwSignal::new(PART);
    view! {
        <section class="record-section" aria-labelledby="contacts-title">
            <div class="section-head">
                <h2 id="contacts-title">{move || i18n.t(Key::Contacts)}</h2>
                {creatable.then(|| view! { <super::new_record::NewContactButton account_id=Some(account_id) /> })}
            </div>
            <ul class="record-list">
                {move || contacts.with(|all| all.iter().take(limit.get()).cloned().collect::<Vec<_>>()).into_iter().map(|c| {
                    let name = format!("{} {}", c.first_name, c.last_name).trim().to_string();
                    let callee = Callee { name: name.clone(), account_id: Some(account.clone()), contact_id: Some(c.meta.id.clone()) };
                    view! {
                        <li>
                            <A href=href("/contacts", &c.meta.id)>{name}</A>
                            {c.title.clone().map(|t| view! { <span class="muted">{t}</span> })}
                            {c.phone.clone().map(|phone| view! { <PhoneLink phone callee=callee.clone() /> })}
                            {c.email.clone().map(|email| view! { <EmailLink email /> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <ShowMore total=Signal::derive(move || contacts.with(Vec::len)) limit />
            {move || contacts.with(Vec::is_empty).then(|| view! { <crate::ui::status::EmptyState message=Key::NoContactsYet /> })}
        </section>
    }
}

/// The customer's support cases (online: they come from the backend).
#[component]
pub fn CasesSection(
    /// The cases, or `None` while unknown (offline).
    #[prop(into)]
    cases: Signal<Option<Vec<Case>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="record-section" aria-labelledby="cases-title">
            <h2 id="cases-title">{move || i18n.t(Key::Cases)}</h2>
            {move || match cases.get() {
                None => view! { <p class="muted">{move || i18n.t(Key::NeedsConnection)}</p> }.into_any(),
                Some(list) if list.is_empty() => view! { <crate::ui::status::EmptyState message=Key::NoCasesYet /> }.into_any(),
                Some(list) => view! {
                    <ul class="record-list">
                        {list.into_iter().map(|case| view! {
                            <li>
                                <A href=href("/cases", &case.id)>{format!("#{} {}", case.number, case.subject)}</A>
                                <span class=format!("badge status-{}", case.status.as_str())>{move || i18n.t(status_key(case.status, Reader::Rep))}</span>
                                <span class="muted">{case.customer_name.clone()}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

/// The customer's chats (online: they come from the backend), newest first.
#[component]
pub fn ChatsSection(
    /// The conversations, or `None` while unknown (offline).
    #[prop(into)]
    chats: Signal<Option<Vec<Conversation>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="record-section" aria-labelledby="chats-title">
            <h2 id="chats-title">{move || i18n.t(Key::Chats)}</h2>
            {move || match chats.get() {
                None => view! { <p class="muted">{move || i18n.t(Key::NeedsConnection)}</p> }.into_any(),
                Some(list) if list.is_empty() => view! { <crate::ui::status::EmptyState message=Key::NoChatsYet /> }.into_any(),
                Some(list) => view! {
                    <ul class="record-list">
                        {list.into_iter().map(|chat| view! { <li><ChatLine chat /></li> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

/// A chat in a list or the timeline: the visitor and the first thing they said (a link to the conversation),
/// its status and when it started.
#[component]
pub fn ChatLine(
    /// The conversation.
    chat: Conversation,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.locale();
    let href = href("/inbox", &chat.id);
    let visitor = crate::desk::support::inbox::visitor_name(&chat.visitor, locale.t(Key::VisitorAnonymous));
    let closed = chat.status == ConversationStatus::Closed;
    let preview = chat.preview.clone().unwrap_or_else(|| locale.t(Key::Conversation).to_string());
    view! {
        <A href=href attr:class="timeline-subject">{preview}</A>
        <span class="badge" class:status-closed=closed class:status-open=!closed>
            {move || i18n.t(if closed { Key::Closed } else { Key::ChatOpen })}
        </span>
        <span class="muted">{format!("{visitor} · {}", intl::date_time(locale, &chat.created_at))}</span>
    }
}

/// The account's quotes and orders (online).
#[component]
pub fn OrdersSection(
    /// The orders, or `None` while unknown (offline).
    #[prop(into)]
    orders: Signal<Option<Vec<Order>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="record-section" aria-labelledby="orders-title">
            <h2 id="orders-title">{move || i18n.t(Key::Orders)}</h2>
            {move || match orders.get() {
                None => view! { <p class="muted">{move || i18n.t(Key::NeedsConnection)}</p> }.into_any(),
                Some(list) if list.is_empty() => view! { <crate::ui::status::EmptyState message=Key::NoOrdersYet /> }.into_any(),
                Some(list) => view! {
                    <ul class="record-list">
                        {list.into_iter().map(|order| {
                            let locale = i18n.locale();
                            view! {
                                <li>
                                    <span class="badge kind-badge">{locale.t(order_labels::kind_key(&order.kind))}</span>
                                    <span>{order.number.clone()}</span>
                                    <span class="badge">{locale.t(order_labels::status_key(&order.status))}</span>
                                    <span class="money">{intl::money(locale, &order.total)}</span>
                                    <span class="muted">{intl::date(locale, &order.ordered_on)}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

/// "New deal" for this customer: a name and an amount, in the first open stage of the first pipeline; the deal
/// opens on the board.
#[component]
pub fn NewDealButton(
    /// The account.
    account_id: Option<String>,
    /// The contact.
    contact_id: Option<String>,
    /// The pipelines.
    #[prop(into)]
    pipelines: Signal<Vec<Pipeline>>,
    /// The store.
    store: StoreSlot,
) -> impl IntoView {
    let slot = store;
    let i18n = use_i18n();
    let navigate = use_navigate();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let name = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let links = StoredValue::new((account_id, contact_id));
    let me_id = StoredValue::new(me().0);
    let currency = StoredValue::new(
        expect_context::<crate::desk::context::SessionState>()
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.currency.clone()))
            .unwrap_or_else(|| "EUR".into()),
    );
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let locale = i18n.locale();
        let Some((pipeline, stage)) = pipelines.with_untracked(|all| {
            all.first().and_then(|p| {
                p.stages.iter().find(|s| s.kind == StageKind::Open).map(|s| (p.meta.id.clone(), s.id.clone()))
            })
        }) else {
            return;
        };
        let title = name.get_untracked().trim().to_string();
        if title.is_empty() {
            problem.set(Some(locale.t(Key::Required).into()));
            return;
        }
        let currency = currency.get_value();
        let typed = amount.get_untracked();
        let minor =
            if typed.trim().is_empty() { Some(0) } else { crate::domain::money::parse_major(&typed, &currency) };
        let Some(minor) = minor else {
            problem.set(Some(locale.t(Key::InvalidAmount).into()));
            return;
        };
        let (account_id, contact_id) = links.get_value();
        let key = crate::browser::ids::new_key();
        let now = js_sys::Date::new_0().to_iso_string().as_string().unwrap_or_default();
        let new = NewDeal {
            name: title,
            pipeline_id: pipeline.clone(),
            stage_id: Some(stage.clone()),
            account_id,
            contact_id,
            participant_ids: vec![],
            owner_id: Some(me_id.get_value()).filter(|m| !m.is_empty()),
            amount: Money { minor, currency },
            expected_close: None,
            position: None,
        };
        let local = Deal {
            meta: Meta {
                id: format!("{TEMP_PREFIX}{key}"),
                version: 0,
                created_at: now.clone(),
                updated_at: now.clone(),
            },
            name: new.name.clone(),
            pipeline_id: pipeline,
            stage_id: stage,
            account_id: new.account_id.clone(),
            contact_id: new.contact_id.clone(),
            participant_ids: vec![],
            owner_id: new.owner_id.clone(),
            amount: new.amount.clone(),
            expected_close: None,
            stage_entered_at: now.clone(),
            last_activity_at: now,
            position: f64::from(u32::MAX),
            lost_reason: None,
            closed_on: None,
            probability: None,
            next_activity: None,
        };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let Some(store) = store_of(slot) else { return };
            match store.create_deal(&local, new, key).await {
                Ok(()) => {
                    if let Some(d) = dialog.get_untracked() {
                        d.close();
                    }
                    navigate(&href("/deals", &local.meta.id), Default::default());
                }
                Err(error) => {
                    problem.try_set(Some(crate::ui::error::cache_error(&error)));
                }
            }
        });
    };
    view! {
        <button
            type="button"
            class="secondary"
            on:click=move |_| {
                name.set(String::new());
                amount.set(String::new());
                problem.set(None);
                if let Some(d) = dialog.get_untracked() {
                    let _ = d.show_modal();
                }
            }
        >
            {move || i18n.t(Key::NewDeal)}
        </button>
        <dialog node_ref=dialog class="dialog" aria-labelledby="new-deal-title">
            <form on:submit=save novalidate=true>
                <h2 id="new-deal-title">{move || i18n.t(Key::NewDeal)}</h2>
                <Field label=Key::DealName>
                    <input type="text" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                </Field>
                <Field label=Key::AmountLabel>
                    <input type="text" inputmode="decimal" prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev)) />
                </Field>
                {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| { if let Some(d) = dialog.get_untracked() { d.close(); } }>{move || i18n.t(Key::Cancel)}</button>
                    <button type="submit" class="primary">{move || i18n.t(Key::Create)}</button>
                </div>
            </form>
        </dialog>
    }
}
