//! What the command palette can jump to and do: deals (found by name, account, contacts and their e-mails and
//! phones), accounts (name, city, sector, phone, web), contacts (name, account, e-mail, phone) and cases (number,
//! subject, customer) as targets, and actions. A new kind of target is a [`Jump`] variant, its `add` calls in
//! [`records`] (or [`cases`]) and its line in [`Jump::href`].

use crate::domain::search::SearchIndex;
use crate::i18n::{Key, Locale};
use crate::store::BoardData;
use std::collections::HashMap;
use trato_protocol::{Account, Case, Contact};

/// An action the palette runs.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Opens the quick add of the board's first stage.
    NewDeal,
    /// Logs a call on the deal whose panel is open.
    LogCall,
    /// Shows a pipeline.
    Pipeline(String),
    /// Switches to the other language.
    Language,
    /// Picks a theme (`""` follows the system).
    Theme(&'static str),
    /// Lists the keyboard shortcuts.
    Shortcuts,
    /// Signs out.
    SignOut,
}

/// A palette entry: a record to open or an action to run.
#[derive(Clone, Debug, PartialEq)]
pub enum Jump {
    /// A deal, opened in its panel.
    Deal,
    /// An account, opened on its page.
    Account,
    /// A contact, opened on their page.
    Contact,
    /// A support case, opened on its page.
    Case,
    /// An action.
    Action(Action),
}

impl Jump {
    /// The word shown before the label.
    pub fn kind_key(&self) -> Key {
        match self {
            Jump::Deal => Key::PaletteKindDeal,
            Jump::Account => Key::ColAccount,
            Jump::Contact => Key::PaletteKindContact,
            Jump::Case => Key::PaletteKindCase,
            Jump::Action(_) => Key::PaletteKindAction,
        }
    }

    /// Where a record target is opened.
    pub fn href(&self, id: &str) -> Option<String> {
        let id = crate::connector::trato::encode_component(id);
        match self {
            Jump::Deal => Some(format!("/deals/{id}")),
            Jump::Account => Some(format!("/accounts/{id}")),
            Jump::Contact => Some(format!("/contacts/{id}")),
            Jump::Case => Some(format!("/cases/{id}")),
            Jump::Action(_) => None,
        }
    }
}

/// The actions, for the page the palette opens on (logging a call needs an open deal).
pub fn actions(locale: Locale, board: &BoardData, deal_open: bool) -> SearchIndex<Jump> {
    let mut index = SearchIndex::new();
    let mut action = |action: Action, label: String| index.add(Jump::Action(action), "", &label, "", &[]);
    action(Action::NewDeal, locale.t(Key::ActionNewDeal).into());
    if deal_open {
        action(Action::LogCall, locale.t(Key::ActionLogCall).into());
    }
    for pipeline in &board.pipelines {
        action(Action::Pipeline(pipeline.meta.id.clone()), locale.tf(Key::ActionPipeline, &[("name", &pipeline.name)]));
    }
    action(Action::Language, locale.t(Key::ActionLanguage).into());
    action(Action::Theme("dark"), locale.t(Key::ActionThemeDark).into());
    action(Action::Theme("light"), locale.t(Key::ActionThemeLight).into());
    action(Action::Theme(""), locale.t(Key::ActionThemeSystem).into());
    action(Action::Shortcuts, locale.t(Key::ShortcutsTitle).into());
    action(Action::SignOut, locale.t(Key::SignOut).into());
    index
}

/// The cached records: deals, accounts and contacts.
pub fn records(board: &BoardData, accounts: &[Account], contacts: &[Contact]) -> SearchIndex<Jump> {
    let mut index = SearchIndex::new();
    let people: HashMap<&str, &Contact> = contacts.iter().map(|c| (c.meta.id.as_str(), c)).collect();
    for deal in &board.deals {
        let account = deal.account_id.as_ref().and_then(|a| board.account_names.get(a)).map(String::as_str);
        let mut terms: Vec<String> = Vec::new();
        for id in deal.contact_id.iter().chain(&deal.participant_ids) {
            if let Some(contact) = people.get(id.as_str()) {
                terms.push(format!("{} {}", contact.first_name, contact.last_name));
                terms.extend(contact.email.clone());
                terms.extend(contact.phone.clone());
            }
        }
        let terms: Vec<&str> = terms.iter().map(String::as_str).collect();
        index.add(Jump::Deal, &deal.meta.id, &deal.name, account.unwrap_or_default(), &terms);
    }
    for account in accounts {
        let terms: Vec<&str> =
            [&account.industry, &account.phone, &account.website].into_iter().flatten().map(String::as_str).collect();
        index.add(Jump::Account, &account.meta.id, &account.name, account.city.as_deref().unwrap_or_default(), &terms);
    }
    for contact in contacts {
        let name = format!("{} {}", contact.first_name, contact.last_name);
        let account = contact.account_id.as_ref().and_then(|a| board.account_names.get(a)).map(String::as_str);
        let terms: Vec<&str> =
            [&contact.email, &contact.phone, &contact.title].into_iter().flatten().map(String::as_str).collect();
        index.add(Jump::Contact, &contact.meta.id, name.trim(), account.unwrap_or_default(), &terms);
    }
    index
}

/// The support cases the backend answered with.
pub fn cases(cases: &[Case]) -> SearchIndex<Jump> {
    let mut index = SearchIndex::new();
    for case in cases {
        let label = format!("#{} {}", case.number, case.subject);
        index.add(Jump::Case, &case.id, &label, &case.customer_name, &[]);
    }
    index
}
