//! Likely duplicates of an account or a contact being created: the same e-mail, the same phone (its digits, the
//! country prefix aside), or a name that matches once case, accents, punctuation and legal suffixes ("S.L.",
//! "S.A.", "S.L.U.", "Ltd") are set aside.

use super::search::fold;
use trato_protocol::{Account, Contact};

/// Legal-form words left out of a company name when comparing (folded, punctuation already gone, so "S.L.U."
/// arrives as "s l u").
const LEGAL_FORMS: [&[&str]; 14] = [
    &["s", "l", "u"],
    &["s", "l", "l"],
    &["s", "a", "u"],
    &["s", "l"],
    &["s", "a"],
    &["s", "c"],
    &["c", "b"],
    &["s", "coop"],
    &["sociedad", "limitada"],
    &["sociedad", "anonima"],
    &["ltd"],
    &["inc"],
    &["llc"],
    &["gmbh"],
];

/// A company name as compared: folded, without punctuation or a trailing legal form ("Bodegas Sol, S.L." and
/// "bodegas sol" compare equal).
pub fn company_key(name: &str) -> String {
    let folded = fold(name);
    let mut words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    let compact = matches!(words.last(), Some(&("sl" | "sa" | "slu" | "sll" | "sau" | "sc" | "cb")));
    if compact && words.len() > 1 {
        // A legal form written without dots ("SL", "SLU").
        words.pop();
    } else if let Some(form) = LEGAL_FORMS.iter().find(|f| words.len() > f.len() && words.ends_with(f)) {
        words.truncate(words.len() - form.len());
    }
    words.join(" ")
}

/// A phone number as compared: its digits, without a leading `00`/`+` country prefix of up to three digits when
/// nine or more digits remain.
pub fn phone_key(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let trimmed = digits.strip_prefix("00").unwrap_or(&digits);
    let international = phone.trim_start().starts_with('+') || digits.starts_with("00");
    if international {
        for prefix in (1..=3).rev() {
            if trimmed.len() >= prefix + 9 {
                return trimmed[prefix..].to_string();
            }
        }
    }
    trimmed.to_string()
}

/// An e-mail address as compared.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

fn same_phone(a: Option<&str>, b: Option<&str>) -> bool {
    match (a.map(phone_key), b.map(phone_key)) {
        (Some(a), Some(b)) => a.len() >= 6 && a == b,
        _ => false,
    }
}

fn same_email(a: Option<&str>, b: Option<&str>) -> bool {
    match (a.map(email_key), b.map(email_key)) {
        (Some(a), Some(b)) => !a.is_empty() && a == b,
        _ => false,
    }
}

/// Accounts that `name` and `phone` likely duplicate.
pub fn likely_accounts<'a>(name: &str, phone: Option<&str>, accounts: &'a [Account]) -> Vec<&'a Account> {
    let key = company_key(name);
    accounts
        .iter()
        .filter(|a| (!key.is_empty() && company_key(&a.name) == key) || same_phone(phone, a.phone.as_deref()))
        .collect()
}

/// Contacts that a new person likely duplicates: the same e-mail, the same phone, or the same full name.
pub fn likely_contacts<'a>(
    first_name: &str,
    last_name: &str,
    email: Option<&str>,
    phone: Option<&str>,
    contacts: &'a [Contact],
) -> Vec<&'a Contact> {
    let name = fold(&format!("{first_name} {last_name}"));
    contacts
        .iter()
        .filter(|c| {
            same_email(email, c.email.as_deref())
                || same_phone(phone, c.phone.as_deref())
                || (!name.is_empty() && fold(&format!("{} {}", c.first_name, c.last_name)) == name)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use trato_protocol::Meta;

    fn account(id: &str, name: &str, phone: Option<&str>) -> Account {
        Account {
            meta: Meta { id: id.into(), version: 1, created_at: String::new(), updated_at: String::new() },
            name: name.into(),
            industry: None,
            website: None,
            phone: phone.map(String::from),
            city: None,
            owner_id: None,
        }
    }

    fn contact(id: &str, first: &str, last: &str, email: Option<&str>, phone: Option<&str>) -> Contact {
        Contact {
            meta: Meta { id: id.into(), version: 1, created_at: String::new(), updated_at: String::new() },
            first_name: first.into(),
            last_name: last.into(),
            email: email.map(String::from),
            phone: phone.map(String::from),
            title: None,
            account_id: None,
            owner_id: None,
        }
    }

    #[test]
    fn company_names_compare_without_case_accents_punctuation_or_legal_form() {
        for name in ["Bodegas Sol, S.L.", "BODEGAS SOL SL", "bodegas  sol", "Bodegas Sol S.L.U.", "Bodegas Sol, S.A."] {
            assert_eq!(company_key(name), "bodegas sol", "{name}");
        }
        assert_eq!(company_key("Cafetería Martín Sociedad Limitada"), "cafeteria martin");
        assert_eq!(company_key("S.L."), "s l", "a name that is only a legal form is kept");
        assert_ne!(company_key("Bodegas Sol"), company_key("Bodegas Luna"));
    }

    #[test]
    fn phones_compare_by_their_digits_without_the_country_prefix() {
        assert_eq!(phone_key("+34 912 345 678"), "912345678");
        assert_eq!(phone_key("0034-912-345-678"), "912345678");
        assert_eq!(phone_key("912 34 56 78"), "912345678");
        assert_eq!(phone_key("(91) 234"), "91234");
    }

    #[test]
    fn likely_duplicates_are_found_by_name_phone_or_email() {
        let accounts = vec![
            account("a1", "Bodegas Sol S.L.", None),
            account("a2", "Hotel Mar", Some("+34 956 111 222")),
            account("a3", "Otra", None),
        ];
        let ids = |found: Vec<&Account>| found.iter().map(|a| a.meta.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(likely_accounts("bodegas sol, s.a.", None, &accounts)), ["a1"]);
        assert_eq!(ids(likely_accounts("Hotel Nuevo", Some("956111222"), &accounts)), ["a2"]);
        assert!(likely_accounts("Nueva", Some("12"), &accounts).is_empty(), "a short number matches nothing");

        let contacts = vec![
            contact("c1", "Ana", "Martín", Some("Ana@Sol.es"), None),
            contact("c2", "Luis", "Gómez", None, Some("600 000 001")),
        ];
        let ids = |found: Vec<&Contact>| found.iter().map(|c| c.meta.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(likely_contacts("A.", "B.", Some(" ana@sol.es "), None, &contacts)), ["c1"]);
        assert_eq!(ids(likely_contacts("ana", "martin", None, None, &contacts)), ["c1"]);
        assert_eq!(ids(likely_contacts("X", "Y", None, Some("+34 600000001"), &contacts)), ["c2"]);
        assert!(likely_contacts("", "", None, None, &contacts).is_empty());
    }
}
