//! One customer seen whole: an account's (or a contact's) key figures, its timeline merged from activities, stage
//! changes, cases and orders, and the rep's day (overdue, today's and upcoming work) with the usual next step
//! after finishing one. Dates are ISO texts (`YYYY-MM-DD`, or timestamps whose first ten characters are the date),
//! so comparing them as text orders them.

use super::money::Totals;
use std::collections::HashMap;
use trato_protocol::{Activity, ActivityKind, Case, CaseMessage, Conversation, Deal, Order, Pipeline, StageKind};

/// Where each stage id of every pipeline stands: open, won or lost.
pub fn stage_kinds(pipelines: &[Pipeline]) -> HashMap<String, StageKind> {
    pipelines.iter().flat_map(|p| p.stages.iter().map(|s| (s.id.clone(), s.kind))).collect()
}

/// Whether `deal` is open, won or lost (a stage that no pipeline has counts as open).
pub fn deal_state(deal: &Deal, stages: &HashMap<String, StageKind>) -> StageKind {
    stages.get(&deal.stage_id).copied().unwrap_or(StageKind::Open)
}

/// The date part of an ISO date or timestamp.
pub fn date_of(text: &str) -> &str {
    text.get(..10).unwrap_or(text)
}

/// Whether an activity is contact with the customer (a call, meeting or e-mail that happened).
pub fn is_contact(activity: &Activity) -> bool {
    activity.done && matches!(activity.kind, ActivityKind::Call | ActivityKind::Meeting | ActivityKind::Email)
}

/// The date an activity happened (done) or is planned for (open, with a due date).
pub fn activity_date(activity: &Activity) -> &str {
    match (&activity.due_on, activity.done) {
        (Some(due), false) => date_of(due),
        _ => date_of(&activity.meta.created_at),
    }
}

/// An account's or a contact's key figures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figures {
    /// Open deals.
    pub open_deals: usize,
    /// The amount of the open deals, per currency.
    pub open_pipeline: Totals,
    /// The amount won in the last 12 months (by close date), per currency.
    pub won_last_year: Totals,
    /// The last day a call, meeting or e-mail happened.
    pub last_contact: Option<String>,
    /// The next open call, meeting, task or e-mail with a due date, earliest first.
    pub next_activity: Option<Activity>,
}

/// The key figures of a customer from its deals and activities; `today` is the rep's date.
pub fn figures(deals: &[Deal], activities: &[Activity], stages: &HashMap<String, StageKind>, today: &str) -> Figures {
    let year_ago = super::time::date_to_days(today).map(|d| d - 365);
    let mut figures = Figures::default();
    for deal in deals {
        match deal_state(deal, stages) {
            StageKind::Open => {
                figures.open_deals += 1;
                figures.open_pipeline.add(&deal.amount.currency, deal.amount.minor);
            }
            StageKind::Won => {
                let closed =
                    deal.closed_on.as_deref().or(deal.expected_close.as_deref()).unwrap_or(&deal.stage_entered_at);
                let days = super::time::date_to_days(date_of(closed));
                if matches!((days, year_ago), (Some(d), Some(from)) if d >= from) {
                    figures.won_last_year.add(&deal.amount.currency, deal.amount.minor);
                }
            }
            StageKind::Lost => {}
        }
    }
    figures.last_contact =
        activities.iter().filter(|a| is_contact(a)).map(|a| date_of(&a.meta.created_at)).max().map(String::from);
    figures.next_activity = activities
        .iter()
        .filter(|a| !a.done && a.due_on.is_some() && a.kind != ActivityKind::StageChange)
        .min_by(|a, b| a.due_on.cmp(&b.due_on))
        .cloned();
    figures
}

/// A kind of timeline entry, for the filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MomentKind {
    /// Calls.
    Call,
    /// Meetings.
    Meeting,
    /// Notes.
    Note,
    /// Tasks.
    Task,
    /// E-mails.
    Email,
    /// Stage changes of deals.
    StageChange,
    /// Support cases.
    Case,
    /// Chats.
    Chat,
    /// Orders and quotes.
    Order,
}

impl MomentKind {
    /// Every kind, in the filter's order.
    pub const ALL: [MomentKind; 9] = [
        MomentKind::Call,
        MomentKind::Meeting,
        MomentKind::Note,
        MomentKind::Task,
        MomentKind::Email,
        MomentKind::StageChange,
        MomentKind::Case,
        MomentKind::Chat,
        MomentKind::Order,
    ];

    /// The kind of an activity.
    pub fn of(kind: ActivityKind) -> MomentKind {
        match kind {
            ActivityKind::Call => MomentKind::Call,
            ActivityKind::Meeting => MomentKind::Meeting,
            ActivityKind::Note => MomentKind::Note,
            ActivityKind::Task => MomentKind::Task,
            ActivityKind::Email => MomentKind::Email,
            ActivityKind::StageChange => MomentKind::StageChange,
        }
    }

    /// The filter's code (in the address).
    pub fn code(self) -> &'static str {
        match self {
            MomentKind::Call => "call",
            MomentKind::Meeting => "meeting",
            MomentKind::Note => "note",
            MomentKind::Task => "task",
            MomentKind::Email => "email",
            MomentKind::StageChange => "stage_change",
            MomentKind::Case => "case",
            MomentKind::Chat => "chat",
            MomentKind::Order => "order",
        }
    }
}

/// One entry of a customer's timeline.
#[derive(Clone, Debug, PartialEq)]
pub enum Moment {
    /// A call, meeting, note, task, e-mail or stage change.
    Activity(Activity),
    /// A support case (when it was opened).
    Case(Case),
    /// A message of a support case (the customer's, a rep's answer or an internal note).
    CaseMessage(Box<(Case, CaseMessage)>),
    /// A chat (when it started).
    Chat(Box<Conversation>),
    /// An order or quote (when it was placed).
    Order(Order),
}

impl Moment {
    /// Its kind.
    pub fn kind(&self) -> MomentKind {
        match self {
            Moment::Activity(a) => MomentKind::of(a.kind),
            Moment::Case(_) | Moment::CaseMessage(_) => MomentKind::Case,
            Moment::Chat(_) => MomentKind::Chat,
            Moment::Order(_) => MomentKind::Order,
        }
    }

    /// When it happened (or, for planned work, is due), for ordering: an ISO text.
    pub fn at(&self) -> &str {
        match self {
            Moment::Activity(a) if !a.done && a.due_on.is_some() => a.due_on.as_deref().unwrap_or_default(),
            Moment::Activity(a) => &a.meta.created_at,
            Moment::Case(c) => &c.created_at,
            Moment::CaseMessage(m) => &m.1.created_at,
            Moment::Chat(c) => &c.created_at,
            Moment::Order(o) => &o.ordered_on,
        }
    }

    fn id(&self) -> &str {
        match self {
            Moment::Activity(a) => &a.meta.id,
            Moment::Case(c) => &c.id,
            Moment::CaseMessage(m) => &m.1.id,
            Moment::Chat(c) => &c.id,
            Moment::Order(o) => &o.id,
        }
    }
}

/// What comes from the backend for a timeline: cases and their messages, chats, orders.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Remote {
    /// Support cases.
    pub cases: Vec<Case>,
    /// Messages of the cases, with their case.
    pub messages: Vec<(Case, CaseMessage)>,
    /// Chats.
    pub chats: Vec<Conversation>,
    /// Quotes and orders.
    pub orders: Vec<Order>,
}

/// The timeline, newest first, of the kinds in `only` (every kind when empty); an activity reached twice (through
/// the account and through one of its deals) is shown once.
pub fn timeline(activities: Vec<Activity>, remote: Remote, only: &[MomentKind]) -> Vec<Moment> {
    let Remote { cases, messages, chats, orders } = remote;
    let mut seen = std::collections::HashSet::new();
    let mut moments: Vec<Moment> = activities
        .into_iter()
        .filter(|a| seen.insert(a.meta.id.clone()))
        .map(Moment::Activity)
        .chain(cases.into_iter().map(Moment::Case))
        .chain(messages.into_iter().map(|m| Moment::CaseMessage(Box::new(m))))
        .chain(chats.into_iter().map(|c| Moment::Chat(Box::new(c))))
        .chain(orders.into_iter().map(Moment::Order))
        .filter(|m| only.is_empty() || only.contains(&m.kind()))
        .collect();
    moments.sort_by(|a, b| {
        date_of(b.at()).cmp(date_of(a.at())).then_with(|| b.at().cmp(a.at())).then_with(|| b.id().cmp(a.id()))
    });
    moments
}

/// The rep's work: open activities with a due date, grouped.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Day {
    /// Due before today, oldest first.
    pub overdue: Vec<Activity>,
    /// Due today.
    pub today: Vec<Activity>,
    /// Due in the next `days` days, soonest first.
    pub upcoming: Vec<Activity>,
}

/// Groups the open work of `owner` (everyone's when `None`) around `today`, looking `days` ahead.
pub fn day(activities: &[Activity], owner: Option<&str>, today: &str, days: i64) -> Day {
    let horizon = super::time::date_to_days(today).map(|d| d + days);
    let mut day = Day::default();
    let mut open: Vec<&Activity> = activities
        .iter()
        .filter(|a| !a.done && a.kind != ActivityKind::StageChange)
        .filter(|a| owner.is_none() || a.owner_id.as_deref() == owner)
        .filter(|a| a.due_on.is_some())
        .collect();
    open.sort_by(|a, b| a.due_on.cmp(&b.due_on).then_with(|| a.subject.cmp(&b.subject)));
    for activity in open {
        let due = date_of(activity.due_on.as_deref().unwrap_or_default());
        if due < today {
            day.overdue.push(activity.clone());
        } else if due == today {
            day.today.push(activity.clone());
        } else if matches!((super::time::date_to_days(due), horizon), (Some(d), Some(h)) if d <= h) {
            day.upcoming.push(activity.clone());
        }
    }
    day
}

/// The usual next step after finishing an activity of `kind`: what to plan and in how many days (none after a
/// note or a task).
pub fn next_step(kind: ActivityKind) -> Option<(ActivityKind, i64)> {
    match kind {
        ActivityKind::Call => Some((ActivityKind::Call, 3)),
        ActivityKind::Meeting => Some((ActivityKind::Email, 1)),
        ActivityKind::Email => Some((ActivityKind::Call, 2)),
        _ => None,
    }
}

/// The date `days` after `date` (`None` when `date` is not a date).
pub fn date_after(date: &str, days: i64) -> Option<String> {
    let (y, m, d) = super::time::civil_from_days(super::time::date_to_days(date)? + days);
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// Whether an activity being logged already happened: a note or e-mail, or a call or meeting without a date; a
/// task starts open, and a dated call or meeting is planned.
pub fn already_happened(kind: ActivityKind, due_on: Option<&str>) -> bool {
    match kind {
        ActivityKind::Task => false,
        ActivityKind::Call | ActivityKind::Meeting => due_on.is_none(),
        _ => true,
    }
}

/// The address a web site field links to: `http(s)://` as written, or a bare host given `https://`; `None` for
/// anything else (no `javascript:` or `data:` link can come out of a customer's record).
pub fn web_address(site: &str) -> Option<String> {
    let site = site.trim();
    let lower = site.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        Some(site.to_string())
    } else if !site.is_empty() && !site.contains(':') && !site.contains(char::is_whitespace) {
        Some(format!("https://{site}"))
    } else {
        None
    }
}

/// Whether an open activity is late on `today`.
pub fn is_overdue(activity: &Activity, today: &str) -> bool {
    !activity.done && activity.due_on.as_deref().is_some_and(|d| date_of(d) < today)
}

#[cfg(test)]
#[path = "customer_tests.rs"]
mod tests;
