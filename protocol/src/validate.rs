//! Validation rules shared by client forms and the server.
//!
//! Each `check_*` function adds a message to a [`FieldErrors`] map when a value breaks a rule; the caller turns a
//! non-empty map into an [`ApiError::validation`](crate::ApiError::validation). Single-line fields (names,
//! subjects, phones) take no control character at all; multi-line texts take line feeds and tabs only.

use crate::error::FieldErrors;
use crate::records::Money;

/// Longest name or subject, in characters.
pub const MAX_NAME: usize = 200;
/// Longest short optional text (phone, city, title...), in characters.
pub const MAX_SHORT: usize = 200;
/// Longest free text (note bodies), in characters.
pub const MAX_TEXT: usize = 20_000;
/// Largest absolute amount in minor units (ten trillion units of a two-decimal currency).
pub const MAX_MINOR: i64 = 1_000_000_000_000_000;

/// A required single-line text: not blank, at most `max` characters, no control characters (no line breaks).
pub fn check_required(errors: &mut FieldErrors, field: &str, value: &str, max: usize) {
    check_present(errors, field, value, max, Lines::One);
}

/// An optional single-line text: at most `max` characters, no control characters (no line breaks).
pub fn check_optional(errors: &mut FieldErrors, field: &str, value: Option<&str>, max: usize) {
    if let Some(value) = value {
        check_text(errors, field, value, max, Lines::One);
    }
}

/// A required multi-line text (a message, a description): not blank, at most `max` characters, no control
/// characters but line feeds and tabs (no carriage returns).
pub fn check_required_text(errors: &mut FieldErrors, field: &str, value: &str, max: usize) {
    check_present(errors, field, value, max, Lines::Many);
}

/// An optional multi-line text: at most `max` characters, no control characters but line feeds and tabs.
pub fn check_optional_text(errors: &mut FieldErrors, field: &str, value: Option<&str>, max: usize) {
    if let Some(value) = value {
        check_text(errors, field, value, max, Lines::Many);
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Lines {
    One,
    Many,
}

fn check_present(errors: &mut FieldErrors, field: &str, value: &str, max: usize, lines: Lines) {
    if value.trim().is_empty() {
        errors.insert(field.into(), "must not be empty".into());
    } else {
        check_text(errors, field, value, max, lines);
    }
}

fn check_text(errors: &mut FieldErrors, field: &str, value: &str, max: usize, lines: Lines) {
    let allowed = |c: char| lines == Lines::Many && matches!(c, '\n' | '\t');
    if value.chars().count() > max {
        errors.insert(field.into(), format!("must be at most {max} characters"));
    } else if value.chars().any(|c| c.is_control() && !allowed(c)) {
        let message = if lines == Lines::One {
            "must be one line without control characters"
        } else {
            "must not contain control characters"
        };
        errors.insert(field.into(), message.into());
    }
}

/// An optional e-mail address: `local@domain.tld`, at most 254 characters.
pub fn check_email(errors: &mut FieldErrors, field: &str, value: Option<&str>) {
    let Some(value) = value else { return };
    if !is_email(value) {
        errors.insert(field.into(), "must be an e-mail address".into());
    }
}

/// Whether `value` looks like an e-mail address (one `@`, a dot in the domain, no spaces).
pub fn is_email(value: &str) -> bool {
    if value.len() > 254 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}

/// An optional calendar date in `YYYY-MM-DD` form that exists.
pub fn check_date(errors: &mut FieldErrors, field: &str, value: Option<&str>) {
    let Some(value) = value else { return };
    if parse_date(value).is_none() {
        errors.insert(field.into(), "must be a date as YYYY-MM-DD".into());
    }
}

/// Parses `YYYY-MM-DD` into (year, month, day) when the date exists.
pub fn parse_date(value: &str) -> Option<(i32, u32, u32)> {
    let bytes = value.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit()).then(|| s.parse::<u32>().ok()).flatten();
    let year = digits(&value[0..4])? as i32;
    let month = digits(&value[5..7])?;
    let day = digits(&value[8..10])?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some((year, month, day))
}

/// Whether `value` is a whole date someone means: it exists and its year has four digits from 1900 to 2999 (a
/// browser's date field holds `0002-…` while the year is still being typed).
pub fn is_complete_date(value: &str) -> bool {
    parse_date(value).is_some_and(|(year, _, _)| (1900..=2999).contains(&year))
}

/// Number of days in a month of the proleptic Gregorian calendar.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Money: a three-letter upper-case currency and an amount within ±[`MAX_MINOR`].
pub fn check_money(errors: &mut FieldErrors, field: &str, value: &Money) {
    if value.currency.len() != 3 || !value.currency.bytes().all(|b| b.is_ascii_uppercase()) {
        errors.insert(format!("{field}.currency"), "must be an ISO 4217 code such as EUR".into());
    }
    // `unsigned_abs`: the smallest i64 has no positive counterpart (`abs` would overflow; found by schemathesis).
    if value.minor.unsigned_abs() > MAX_MINOR.unsigned_abs() {
        errors.insert(format!("{field}.minor"), "is too large".into());
    }
}

/// A finite number (board positions).
pub fn check_finite(errors: &mut FieldErrors, field: &str, value: Option<f64>) {
    if value.is_some_and(|v| !v.is_finite()) {
        errors.insert(field.into(), "must be a finite number".into());
    }
}

/// The field errors of an account's values in `patch` (the rules of every backend's own fields; references and
/// owners are the backend's to check).
pub fn account_errors(patch: &crate::records::AccountPatch) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if let Some(name) = &patch.name {
        check_required(&mut errors, "name", name, MAX_NAME);
    }
    for (field, value) in
        [("industry", &patch.industry), ("website", &patch.website), ("phone", &patch.phone), ("city", &patch.city)]
    {
        if let Some(value) = value {
            check_optional(&mut errors, field, value.as_deref(), MAX_SHORT);
        }
    }
    errors
}

/// The field errors of a contact's values in `patch`.
pub fn contact_errors(patch: &crate::records::ContactPatch) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if let Some(first) = &patch.first_name {
        check_required(&mut errors, "first_name", first, MAX_NAME);
    }
    if let Some(last) = &patch.last_name {
        check_optional(&mut errors, "last_name", Some(last), MAX_NAME);
    }
    if let Some(email) = &patch.email {
        check_email(&mut errors, "email", email.as_deref());
    }
    for (field, value) in [("phone", &patch.phone), ("title", &patch.title)] {
        if let Some(value) = value {
            check_optional(&mut errors, field, value.as_deref(), MAX_SHORT);
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_and_contact_fields_follow_one_set_of_rules() {
        use crate::records::{AccountPatch, ContactPatch};
        let bad =
            AccountPatch { name: Some("  ".into()), city: Some(Some("x".repeat(MAX_SHORT + 1))), ..Default::default() };
        let errors = account_errors(&bad);
        assert!(errors.contains_key("name") && errors.contains_key("city"), "{errors:?}");
        assert!(account_errors(&AccountPatch { phone: Some(None), ..Default::default() }).is_empty());
        let bad = ContactPatch {
            email: Some(Some("not-an-address".into())),
            title: Some(Some("a\nb".into())),
            ..Default::default()
        };
        let errors = contact_errors(&bad);
        assert!(errors.contains_key("email") && errors.contains_key("title"), "{errors:?}");
    }

    #[test]
    fn dates_must_exist() {
        assert_eq!(parse_date("2024-02-29"), Some((2024, 2, 29)));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2023-13-01"), None);
        assert_eq!(parse_date("2023-1-01"), None);
        assert_eq!(parse_date("2023-01-+1"), None);
    }

    #[test]
    fn a_date_is_complete_only_with_a_real_four_digit_year() {
        assert!(is_complete_date("2026-12-31"));
        for partial in ["0002-12-31", "0020-12-31", "0202-12-31", "", "2026-02-30"] {
            assert!(!is_complete_date(partial), "{partial}");
        }
    }

    #[test]
    fn emails() {
        assert!(is_email("ana@example.es"));
        assert!(!is_email("ana@example"));
        assert!(!is_email("ana example@x.es"));
        assert!(!is_email("@x.es"));
    }

    #[test]
    fn text_limits_count_characters_not_bytes() {
        let mut errors = FieldErrors::new();
        check_required(&mut errors, "name", &"ñ".repeat(MAX_NAME), MAX_NAME);
        assert!(errors.is_empty());
        check_required(&mut errors, "name", &"ñ".repeat(MAX_NAME + 1), MAX_NAME);
        assert!(errors.contains_key("name"));
        let mut errors = FieldErrors::new();
        check_required(&mut errors, "name", "  ", MAX_NAME);
        check_optional(&mut errors, "city", Some("a\u{0}b"), MAX_SHORT);
        assert_eq!(errors.len(), 2);
    }

    #[test]
    fn single_line_fields_refuse_line_breaks_and_texts_refuse_carriage_returns() {
        for (value, one_line, text) in [
            ("Ana Pérez", true, true),
            ("línea\nsegunda", false, true),
            ("tab\tulado", false, true),
            ("windows\r\nline", false, false),
            ("a\u{0}b", false, false),
            ("esc\u{1b}[31m", false, false),
            ("del\u{7f}", false, false),
            ("next\u{85}line", false, false),
        ] {
            let mut errors = FieldErrors::new();
            check_required(&mut errors, "name", value, MAX_NAME);
            assert_eq!(errors.is_empty(), one_line, "single line: {value:?}");
            let mut errors = FieldErrors::new();
            check_required_text(&mut errors, "body", value, MAX_TEXT);
            assert_eq!(errors.is_empty(), text, "text: {value:?}");
        }
    }

    #[test]
    fn money_rules() {
        let mut errors = FieldErrors::new();
        check_money(&mut errors, "amount", &Money { minor: 10, currency: "eur".into() });
        check_money(&mut errors, "price", &Money { minor: i64::MAX, currency: "EUR".into() });
        check_money(&mut errors, "cost", &Money { minor: i64::MIN, currency: "EUR".into() });
        assert!(errors.contains_key("amount.currency") && errors.contains_key("price.minor"));
        assert!(errors.contains_key("cost.minor"), "the smallest i64 is refused, not a panic");
    }
}
