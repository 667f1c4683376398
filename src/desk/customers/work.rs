//! Planned work (an open call, meeting, task or e-mail) where a rep acts on it: done, another day, another rep;
//! finishing one offers the usual next step ("call again in 3 days"). Offline too: every change is queued.

use super::activity::{log, reschedule, set_done, Draft, Links};
use super::data::{me, store_of, StoreSlot};
use crate::domain::customer::{date_after, is_overdue, next_step};
use crate::i18n::{intl, Key};
use crate::ui::locale::use_i18n;
use leptos::prelude::*;
use leptos_router::components::A;
use std::collections::HashMap;
use trato_protocol::{Activity, ActivityKind};

/// Names by id of the records work refers to, for its links.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Names {
    /// Account names.
    pub accounts: HashMap<String, String>,
    /// Contact names ("First Last").
    pub contacts: HashMap<String, String>,
    /// Deal names.
    pub deals: HashMap<String, String>,
    /// Stage names.
    pub stages: HashMap<String, String>,
    /// Rep names.
    pub reps: HashMap<String, String>,
}

/// The kinds of activity a rep logs by hand, with their form codes.
pub const LOGGABLE: [(ActivityKind, &str); 5] = [
    (ActivityKind::Note, "note"),
    (ActivityKind::Call, "call"),
    (ActivityKind::Meeting, "meeting"),
    (ActivityKind::Email, "email"),
    (ActivityKind::Task, "task"),
];

/// The translated name of an activity kind.
pub fn kind_key(kind: ActivityKind) -> Key {
    match kind {
        ActivityKind::Note => Key::KindNote,
        ActivityKind::Call => Key::KindCall,
        ActivityKind::Meeting => Key::KindMeeting,
        ActivityKind::Task => Key::KindTask,
        ActivityKind::Email => Key::KindEmail,
        ActivityKind::StageChange => Key::KindStageChange,
    }
}

/// Links to the deal, account and contact an activity belongs to.
pub fn belongs_to(activity: &Activity, names: &Names) -> impl IntoView {
    let link = |base: &str, id: &Option<String>, names: &HashMap<String, String>| {
        let id = id.clone()?;
        let name = names.get(&id).cloned()?;
        let href = format!("{base}/{}", crate::connector::trato::encode_component(&id));
        Some(view! { <A href=href attr:class="belongs">{name}</A> })
    };
    let deal = link("/deals", &activity.deal_id, &names.deals);
    let account = link("/accounts", &activity.account_id, &names.accounts);
    let contact = link("/contacts", &activity.contact_id, &names.contacts);
    view! { <span class="belongs-to">{deal}{account}{contact}</span> }
}

/// One open activity with its actions.
#[component]
pub fn WorkItem(
    /// The activity.
    activity: Activity,
    /// Names of what it refers to.
    names: Signal<Names>,
    /// The store.
    store: StoreSlot,
    /// Whether the rep may hand it to another rep.
    #[prop(default = false)]
    reassign: bool,
) -> impl IntoView {
    let slot = store;
    let i18n = use_i18n();
    let today = intl::today();
    let current = RwSignal::new(activity);
    let offers = use_context::<Offers>();
    let problem = RwSignal::new(None::<String>);
    let run = move |work: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Activity, crate::store::error::CacheError>>>,
    >| {
        leptos::task::spawn_local(async move {
            match work.await {
                Ok(after) => {
                    current.try_set(after);
                    problem.try_set(None);
                }
                Err(error) => {
                    problem.try_set(Some(crate::ui::error::cache_error(&error)));
                }
            }
        });
    };
    let finish = move |_| {
        let activity = current.get_untracked();
        let Some(store) = store_of(slot) else { return };
        if let (Some(Offers(offer)), Some((kind, days))) = (offers, next_step(activity.kind)) {
            offer.set(date_after(&intl::today(), days).map(|date| Offer { after: activity.clone(), kind, date }));
        }
        run(Box::pin(async move { set_done(&store, &activity, true).await }));
    };
    let move_to = move |ev: leptos::ev::Event| {
        let date = event_target_value(&ev);
        if !trato_protocol::validate::is_complete_date(&date) {
            return;
        }
        let activity = current.get_untracked();
        let Some(store) = store_of(slot) else { return };
        run(Box::pin(async move { reschedule(&store, &activity, Some(date), None).await }));
    };
    let hand_to = move |ev: leptos::ev::Event| {
        let owner = Some(event_target_value(&ev)).filter(|o| !o.is_empty());
        let activity = current.get_untracked();
        let Some(store) = store_of(slot) else { return };
        run(Box::pin(async move { reschedule(&store, &activity, None, Some(owner)).await }));
    };
    view! {
        <li class="work-item" class:overdue=move || current.with(|a| is_overdue(a, &today)) class:done=move || current.with(|a| a.done)>
            {move || {
                let a = current.get();
                let locale = i18n.locale();
                let due = a.due_on.clone().unwrap_or_default();
                view! {
                    <p class="timeline-head">
                        <span class="badge kind-badge">{locale.t(kind_key(a.kind))}</span>
                        <span class="timeline-subject">{a.subject.clone()}</span>
                        {names.with(|n| belongs_to(&a, n))}
                    </p>
                    <p class="work-meta muted">
                        {(!due.is_empty()).then(|| locale.tf(Key::DueOn, &[("date", &intl::date(locale, &due))]))}
                        {a.owner_id.as_ref().and_then(|o| names.with(|n| n.reps.get(o).cloned())).map(|name| format!(" · {name}"))}
                    </p>
                }
            }}
            <div class="work-actions">
                <button type="button" class="secondary done-button" disabled=move || current.with(|a| a.done) on:click=finish>
                    {move || i18n.t(if current.with(|a| a.done) { Key::Done } else { Key::MarkDone })}
                </button>
                <label class="field inline">
                    <span>{move || i18n.t(Key::Reschedule)}</span>
                    <input type="date" prop:value=move || current.with(|a| a.due_on.clone().unwrap_or_default()) on:change=move_to />
                </label>
                {reassign.then(|| view! {
                    <label class="field inline">
                        <span>{move || i18n.t(Key::OwnerLabel)}</span>
                        <select on:change=hand_to>
                            {move || {
                                let owner = current.with(|a| a.owner_id.clone().unwrap_or_default());
                                let mut reps: Vec<(String, String)> = names.with(|n| n.reps.clone().into_iter().collect());
                                reps.sort_by(|a, b| a.1.cmp(&b.1));
                                reps.into_iter().map(|(id, name)| {
                                    let chosen = id == owner;
                                    view! { <option value=id selected=chosen>{name}</option> }
                                }).collect_view()
                            }}
                        </select>
                    </label>
                })}
            </div>
            {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
        </li>
    }
}

/// The next step offered after finishing an activity.
#[derive(Clone, Debug, PartialEq)]
pub struct Offer {
    /// The finished activity.
    pub after: Activity,
    /// What to plan.
    pub kind: ActivityKind,
    /// For when.
    pub date: String,
}

/// The page's next-step offer (it outlives the finished item, which leaves the list).
#[derive(Clone, Copy)]
pub struct Offers(pub RwSignal<Option<Offer>>);

/// Gives the page a place for next-step offers; [`NextStepBar`] shows them.
pub fn provide_offers() -> Offers {
    let offers = Offers(RwSignal::new(None));
    provide_context(offers);
    offers
}

/// The offer of the usual next step after finishing work: one tap plans it.
#[component]
pub fn NextStepBar(
    /// The offers of the page.
    offers: Offers,
    /// The store.
    store: StoreSlot,
) -> impl IntoView {
    let slot = store;
    let i18n = use_i18n();
    let Offers(offer) = offers;
    let problem = RwSignal::new(None::<String>);
    let me_id = StoredValue::new(me().0);
    let plan_next = move |_| {
        let Some(Offer { after, kind, date }) = offer.get_untracked() else { return };
        let Some(store) = store_of(slot) else { return };
        let subject = i18n.0.get_untracked().tf(Key::FollowUpSubject, &[("subject", &after.subject)]);
        let links = Links {
            account_id: after.account_id.clone(),
            contact_id: after.contact_id.clone(),
            deal_id: after.deal_id.clone(),
        };
        offer.set(None);
        let me_id = me_id.get_value();
        leptos::task::spawn_local(async move {
            let draft = Draft { kind, subject, body: None, due_on: Some(date) };
            if let Err(error) = log(&store, draft, links, &me_id).await {
                problem.try_set(Some(crate::ui::error::cache_error(&error)));
            }
        });
    };
    view! {
        <div class="next-step" role="status">
            {move || offer.get().map(|Offer { after, kind, date }| {
                let locale = i18n.locale();
                let what = locale.t(kind_key(kind)).to_lowercase();
                let text = locale.tf(Key::NextStepOffer, &[("what", &what), ("date", &intl::date(locale, &date))]);
                view! {
                    <p>{locale.tf(Key::Finished, &[("subject", &after.subject)])}</p>
                    <button type="button" class="primary" on:click=plan_next>{text}</button>
                    <button type="button" class="link-button" on:click=move |_| offer.set(None)>{locale.t(Key::NotNow)}</button>
                }
            })}
            {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
        </div>
    }
}
