//! What a customer list is made of: which list (accounts or contacts, their columns and where their records
//! open) and the lines it draws, shared by the list, its cells, its export and its bulk actions.

use crate::domain::directory::Column;
use crate::i18n::Key;

/// Which list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListKind {
    /// Accounts (companies).
    Accounts,
    /// Contacts (people).
    Contacts,
}

impl ListKind {
    /// Its columns.
    pub fn columns(self) -> &'static [Column] {
        match self {
            ListKind::Accounts => &Column::ACCOUNTS,
            ListKind::Contacts => &Column::CONTACTS,
        }
    }

    /// Where its records open.
    pub fn base(self) -> &'static str {
        match self {
            ListKind::Accounts => "/accounts",
            ListKind::Contacts => "/contacts",
        }
    }

    /// Its title.
    pub fn title(self) -> Key {
        match self {
            ListKind::Accounts => Key::Accounts,
            ListKind::Contacts => Key::Contacts,
        }
    }

    /// Where its chosen columns are remembered.
    pub fn columns_key(self) -> String {
        format!("trato.columns.{}", self.base().trim_start_matches('/'))
    }
}

/// A column's header.
pub fn column_key(column: Column) -> Key {
    match column {
        Column::Name => Key::NameLabel,
        Column::Account => Key::ColAccount,
        Column::Title => Key::ColTitle,
        Column::Sector => Key::ColSector,
        Column::City => Key::ColCity,
        Column::Email => Key::Email,
        Column::Phone => Key::PhoneLabel,
        Column::Owner => Key::OwnerLabel,
        Column::OpenDeals => Key::ColOpenDeals,
        Column::LastContact => Key::ColLastContact,
    }
}

/// One drawn line: the record's id, its display name and the text of each column.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// Record id.
    pub id: String,
    /// What the name cell shows.
    pub name: String,
    /// Texts by column (owner ids, dates and counts are formatted when drawn).
    pub texts: Vec<(Column, Option<String>)>,
    /// The account of a contact, for its link.
    pub account_id: Option<String>,
}
