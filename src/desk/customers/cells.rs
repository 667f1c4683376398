//! How a list cell and a contact detail are drawn: names link to their page, e-mail addresses are `mailto:` links,
//! phone numbers `tel:` links that remember the call so the desk can offer to log it afterwards, owners are shown
//! by name, counts and dates through `Intl`.

use super::call_back;
use super::listing::{Line, ListKind};
use crate::domain::directory::Column;
use crate::i18n::{intl, Key, Locale};
use leptos::prelude::*;
use leptos_router::components::A;
use std::collections::HashMap;

/// The `tel:` address of a phone number as written (digits and a leading `+` kept).
pub fn tel_href(phone: &str) -> String {
    let mut out = String::from("tel:");
    for (n, c) in phone.trim().chars().enumerate() {
        if c.is_ascii_digit() || (n == 0 && c == '+') {
            out.push(c);
        }
    }
    out
}

/// A phone number as a `tel:` link; following it remembers who was called, for the log offered on return.
#[component]
pub fn PhoneLink(
    /// The number.
    phone: String,
    /// Who is being called.
    callee: call_back::Callee,
) -> impl IntoView {
    let href = tel_href(&phone);
    view! { <a class="tel" href=href on:click=move |_| call_back::started(callee.clone())>{phone}</a> }
}

/// An e-mail address as a `mailto:` link.
#[component]
pub fn EmailLink(
    /// The address.
    email: String,
) -> impl IntoView {
    let href = format!("mailto:{}", email.trim());
    view! { <a href=href>{email}</a> }
}

/// One cell of a list row.
pub fn cell(locale: Locale, kind: ListKind, column: Column, line: &Line, reps: &HashMap<String, String>) -> AnyView {
    let text = line.texts.iter().find(|(c, _)| *c == column).and_then(|(_, t)| t.clone());
    let id = crate::connector::trato::encode_component(&line.id);
    match (column, text) {
        (Column::Name, _) => {
            let href = format!("{}/{id}", kind.base());
            let name = line.name.clone();
            view! { <th scope="row"><A href=href>{name}</A></th> }.into_any()
        }
        (Column::Account, Some(name)) => match &line.account_id {
            Some(account) => {
                let href = format!("/accounts/{}", crate::connector::trato::encode_component(account));
                view! { <td><A href=href>{name}</A></td> }.into_any()
            }
            None => view! { <td>{name}</td> }.into_any(),
        },
        (Column::Email, Some(email)) => view! { <td><EmailLink email /></td> }.into_any(),
        (Column::Phone, Some(phone)) => {
            let callee = call_back::Callee::of_line(kind, line);
            view! { <td><PhoneLink phone callee /></td> }.into_any()
        }
        (Column::Owner, Some(owner)) => view! { <td>{reps.get(&owner).cloned().unwrap_or_default()}</td> }.into_any(),
        (Column::OpenDeals, Some(count)) => {
            let count = intl::number(locale, count.parse().unwrap_or(0.0));
            view! { <td class="number">{count}</td> }.into_any()
        }
        (Column::LastContact, Some(date)) => view! { <td>{intl::date(locale, &date)}</td> }.into_any(),
        (Column::LastContact, None) => view! { <td class="muted">{locale.t(Key::Never)}</td> }.into_any(),
        (_, text) => view! { <td>{text.unwrap_or_default()}</td> }.into_any(),
    }
}
