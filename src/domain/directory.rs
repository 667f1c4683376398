//! The accounts and contacts lists: one row per customer with what the list shows and filters by (open deals,
//! last contact), search that ignores accents and case, filters, sorting and the columns a rep can choose.

use super::customer::{date_of, deal_state, is_contact};
use super::search::fold;
use std::collections::HashMap;
use trato_protocol::{Account, Activity, Contact, Deal, StageKind};

/// What both lists filter by.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListFilter {
    /// Words that must all appear (folded) in the row's name, city, sector, e-mail, phone…
    pub q: String,
    /// Only this owner's (`""`: without an owner).
    pub owner: Option<String>,
    /// Only this city (folded comparison).
    pub city: Option<String>,
    /// Only this sector (folded comparison).
    pub sector: Option<String>,
    /// Only customers with open deals.
    pub open_deals: bool,
    /// Only customers without contact in the last this many days (never contacted included).
    pub quiet_days: Option<i64>,
}

/// One row of either list.
#[derive(Clone, Debug, PartialEq)]
pub struct Row<R> {
    /// The record.
    pub record: R,
    /// Its account's name (contacts), or its own sector (accounts).
    pub account_name: Option<String>,
    /// Open deals.
    pub open_deals: usize,
    /// The last day a call, meeting or e-mail happened.
    pub last_contact: Option<String>,
    /// The name the list sorts by ("Last First" for a person).
    sort_name: String,
    folded: String,
    city: String,
    sector: String,
    owner: Option<String>,
}

/// The columns of a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    /// Name (always shown).
    Name,
    /// Account (contacts).
    Account,
    /// Job title (contacts).
    Title,
    /// Sector (accounts).
    Sector,
    /// City (accounts).
    City,
    /// E-mail (contacts).
    Email,
    /// Phone.
    Phone,
    /// Owner.
    Owner,
    /// Open deals.
    OpenDeals,
    /// Last contact.
    LastContact,
}

impl Column {
    /// The accounts list's columns, in order.
    pub const ACCOUNTS: [Column; 7] = [
        Column::Name,
        Column::Sector,
        Column::City,
        Column::Phone,
        Column::Owner,
        Column::OpenDeals,
        Column::LastContact,
    ];
    /// The contacts list's columns, in order.
    pub const CONTACTS: [Column; 8] = [
        Column::Name,
        Column::Account,
        Column::Title,
        Column::Email,
        Column::Phone,
        Column::Owner,
        Column::OpenDeals,
        Column::LastContact,
    ];

    /// Its code (remembered choices, the address's sort).
    pub fn code(self) -> &'static str {
        match self {
            Column::Name => "name",
            Column::Account => "account",
            Column::Title => "title",
            Column::Sector => "sector",
            Column::City => "city",
            Column::Email => "email",
            Column::Phone => "phone",
            Column::Owner => "owner",
            Column::OpenDeals => "open_deals",
            Column::LastContact => "last_contact",
        }
    }

    /// The column with `code` among `columns`.
    pub fn from_code(columns: &[Column], code: &str) -> Option<Column> {
        columns.iter().copied().find(|c| c.code() == code)
    }
}

/// What a row shows in a column, as text (owner ids are shown by the screen as names).
pub trait Listed {
    /// The text of `column`.
    fn text(&self, column: Column) -> Option<&str>;
}

impl Listed for Row<Account> {
    fn text(&self, column: Column) -> Option<&str> {
        let a = &self.record;
        match column {
            Column::Name => Some(&a.name),
            Column::Sector => a.industry.as_deref(),
            Column::City => a.city.as_deref(),
            Column::Phone => a.phone.as_deref(),
            Column::Owner => a.owner_id.as_deref(),
            Column::LastContact => self.last_contact.as_deref(),
            _ => None,
        }
    }
}

impl Listed for Row<Contact> {
    fn text(&self, column: Column) -> Option<&str> {
        let c = &self.record;
        match column {
            Column::Name => Some(&self.sort_name),
            Column::Account => self.account_name.as_deref(),
            Column::Title => c.title.as_deref(),
            Column::Email => c.email.as_deref(),
            Column::Phone => c.phone.as_deref(),
            Column::Owner => c.owner_id.as_deref(),
            Column::LastContact => self.last_contact.as_deref(),
            _ => None,
        }
    }
}

impl Row<Contact> {
    /// "First Last".
    pub fn full_name(&self) -> String {
        format!("{} {}", self.record.first_name, self.record.last_name).trim().to_string()
    }
}

/// Per-customer counts from deals and activities.
struct Tally {
    open: HashMap<String, usize>,
    last: HashMap<String, String>,
}

fn tally(deals: &[Deal], activities: &[Activity], stages: &HashMap<String, StageKind>, by_contact: bool) -> Tally {
    let key =
        |account: &Option<String>, contact: &Option<String>| if by_contact { contact.clone() } else { account.clone() };
    let mut open = HashMap::new();
    let mut deal_owner = HashMap::new();
    for deal in deals {
        if let Some(id) = key(&deal.account_id, &deal.contact_id) {
            deal_owner.insert(deal.meta.id.as_str(), id.clone());
            if deal_state(deal, stages) == StageKind::Open {
                *open.entry(id).or_insert(0) += 1;
            }
        }
    }
    let mut last: HashMap<String, String> = HashMap::new();
    for activity in activities.iter().filter(|a| is_contact(a)) {
        let id = key(&activity.account_id, &activity.contact_id)
            .or_else(|| activity.deal_id.as_deref().and_then(|d| deal_owner.get(d).cloned()));
        if let Some(id) = id {
            let date = date_of(&activity.meta.created_at);
            let slot = last.entry(id).or_default();
            if slot.as_str() < date {
                *slot = date.to_string();
            }
        }
    }
    Tally { open, last }
}

/// The accounts list's rows.
pub fn account_rows(
    accounts: Vec<Account>,
    deals: &[Deal],
    activities: &[Activity],
    stages: &HashMap<String, StageKind>,
) -> Vec<Row<Account>> {
    let tally = tally(deals, activities, stages, false);
    accounts
        .into_iter()
        .map(|a| {
            let fields = [Some(&a.name), a.industry.as_ref(), a.city.as_ref(), a.phone.as_ref(), a.website.as_ref()];
            let folded = fold(&fields.into_iter().flatten().cloned().collect::<Vec<_>>().join(" "));
            Row {
                open_deals: tally.open.get(&a.meta.id).copied().unwrap_or(0),
                last_contact: tally.last.get(&a.meta.id).cloned(),
                sort_name: a.name.clone(),
                city: fold(a.city.as_deref().unwrap_or_default()),
                sector: fold(a.industry.as_deref().unwrap_or_default()),
                owner: a.owner_id.clone(),
                account_name: None,
                folded,
                record: a,
            }
        })
        .collect()
}

/// The contacts list's rows; `account_names` by account id.
pub fn contact_rows(
    contacts: Vec<Contact>,
    account_names: &HashMap<String, String>,
    deals: &[Deal],
    activities: &[Activity],
    stages: &HashMap<String, StageKind>,
) -> Vec<Row<Contact>> {
    let tally = tally(deals, activities, stages, true);
    contacts
        .into_iter()
        .map(|c| {
            let account_name = c.account_id.as_ref().and_then(|a| account_names.get(a)).cloned();
            let fields = [
                Some(&c.first_name),
                Some(&c.last_name),
                c.email.as_ref(),
                c.phone.as_ref(),
                c.title.as_ref(),
                account_name.as_ref(),
            ];
            let folded = fold(&fields.into_iter().flatten().cloned().collect::<Vec<_>>().join(" "));
            let sort_name = format!("{} {}", c.last_name, c.first_name).trim().to_string();
            Row {
                open_deals: tally.open.get(&c.meta.id).copied().unwrap_or(0),
                last_contact: tally.last.get(&c.meta.id).cloned(),
                sort_name,
                city: String::new(),
                sector: String::new(),
                owner: c.owner_id.clone(),
                account_name,
                folded,
                record: c,
            }
        })
        .collect()
}

/// The rows that pass `filter` on `today` (the rep's date).
pub fn filter<R: Clone>(rows: &[Row<R>], filter: &ListFilter, today: &str) -> Vec<Row<R>> {
    let words: Vec<String> = fold(&filter.q).split(' ').filter(|w| !w.is_empty()).map(String::from).collect();
    let city = filter.city.as_deref().map(fold);
    let sector = filter.sector.as_deref().map(fold);
    let quiet_since = filter.quiet_days.and_then(|days| super::customer::date_after(today, -days));
    rows.iter()
        .filter(|r| words.iter().all(|w| r.folded.contains(w.as_str())))
        .filter(|r| filter.owner.as_ref().is_none_or(|o| r.owner.as_deref().unwrap_or_default() == o))
        .filter(|r| city.as_ref().is_none_or(|c| &r.city == c))
        .filter(|r| sector.as_ref().is_none_or(|s| &r.sector == s))
        .filter(|r| !filter.open_deals || r.open_deals > 0)
        .filter(|r| {
            quiet_since.as_ref().is_none_or(|since| r.last_contact.as_deref().is_none_or(|d| d < since.as_str()))
        })
        .cloned()
        .collect()
}

/// Sorts rows by `column` (text columns folded; counts and dates as such), descending when asked; ties by name.
pub fn sort<R>(rows: &mut [Row<R>], column: Column, descending: bool)
where
    Row<R>: Listed,
{
    let key = |r: &Row<R>| fold(r.text(column).unwrap_or_default());
    let name = |r: &Row<R>| fold(r.text(Column::Name).unwrap_or_default());
    rows.sort_by_cached_key(|r| {
        let primary = match column {
            Column::OpenDeals => format!("{:010}", r.open_deals),
            _ => key(r),
        };
        (primary, name(r))
    });
    if descending {
        rows.reverse();
    }
}

/// The distinct values of a text column (cities, sectors) for a filter's choices, sorted.
pub fn choices<R>(rows: &[Row<R>], column: Column) -> Vec<String>
where
    Row<R>: Listed,
{
    let mut seen: HashMap<String, String> = HashMap::new();
    for row in rows {
        if let Some(text) = row.text(column).map(str::trim).filter(|t| !t.is_empty()) {
            seen.entry(fold(text)).or_insert_with(|| text.to_string());
        }
    }
    let mut values: Vec<(String, String)> = seen.into_iter().collect();
    values.sort();
    values.into_iter().map(|(_, shown)| shown).collect()
}

#[cfg(test)]
#[path = "directory_tests.rs"]
mod tests;
