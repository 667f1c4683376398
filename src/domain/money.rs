//! Money in integer minor units, summed per currency.

use std::collections::BTreeMap;
use trato_protocol::Money;

/// Number of decimal digits of a currency's minor unit (ISO 4217).
pub fn exponent(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "CLP" | "ISK" | "VND" | "PYG" | "UGX" | "XAF" | "XOF" => 0,
        "BHD" | "KWD" | "OMR" | "JOD" | "TND" | "LYD" | "IQD" => 3,
        _ => 2,
    }
}

/// The amount in major units (for display through `Intl.NumberFormat`).
pub fn to_major(money: &Money) -> f64 {
    money.minor as f64 / 10f64.powi(exponent(&money.currency) as i32)
}

/// Parses a user-typed amount in major units (`1234.5`, `1.234,50`, `1234,5`) into minor units.
/// The last `.` or `,` followed by one to the currency's exponent digits is the decimal separator.
pub fn parse_major(text: &str, currency: &str) -> Option<i64> {
    let digits = exponent(currency) as usize;
    let cleaned: String = text.trim().chars().filter(|c| !c.is_whitespace() && *c != '\'').collect();
    if cleaned.is_empty() {
        return None;
    }
    let (negative, body) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, cleaned),
    };
    let split = body.rfind(['.', ',']).filter(|&i| {
        let tail = body.len() - i - 1;
        tail >= 1 && tail <= digits && tail != 3
    });
    let (whole, fraction) = match split {
        Some(i) => (&body[..i], &body[i + 1..]),
        None => (body.as_str(), ""),
    };
    let whole: String = whole.chars().filter(|c| *c != '.' && *c != ',').collect();
    if whole.is_empty() && fraction.is_empty() || !whole.chars().chain(fraction.chars()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut minor: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    minor = minor.checked_mul(10i64.pow(digits as u32))?;
    let mut fraction = fraction.to_string();
    while fraction.len() < digits {
        fraction.push('0');
    }
    if !fraction.is_empty() {
        minor = minor.checked_add(fraction.parse::<i64>().ok()?)?;
    }
    Some(if negative { -minor } else { minor })
}

/// Sums of money kept per currency, so mixed currencies are never added together.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals(pub BTreeMap<String, i64>);

impl Totals {
    /// Adds an amount to its currency's sum (saturating, never overflowing).
    pub fn add(&mut self, currency: &str, minor: i64) {
        let sum = self.0.entry(currency.to_string()).or_insert(0);
        *sum = sum.saturating_add(minor);
    }

    /// The sums as money values, ordered by currency code.
    pub fn amounts(&self) -> Vec<Money> {
        self.0.iter().map(|(currency, minor)| Money { minor: *minor, currency: currency.clone() }).collect()
    }

    /// The sum in one currency (0 when absent).
    pub fn get(&self, currency: &str) -> i64 {
        self.0.get(currency).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_spanish_and_english_amounts() {
        assert_eq!(parse_major("1.234,50", "EUR"), Some(123_450));
        assert_eq!(parse_major("1,234.50", "EUR"), Some(123_450));
        assert_eq!(parse_major("1234,5", "EUR"), Some(123_450));
        assert_eq!(parse_major("1.234", "EUR"), Some(123_400));
        assert_eq!(parse_major("12 000", "EUR"), Some(1_200_000));
        assert_eq!(parse_major("-3", "EUR"), Some(-300));
        assert_eq!(parse_major("500", "JPY"), Some(500));
        assert_eq!(parse_major("abc", "EUR"), None);
        assert_eq!(parse_major("", "EUR"), None);
        assert_eq!(parse_major("99999999999999999999", "EUR"), None);
    }

    #[test]
    fn totals_keep_currencies_apart() {
        let mut totals = Totals::default();
        totals.add("EUR", 100);
        totals.add("USD", 5);
        totals.add("EUR", i64::MAX);
        assert_eq!(totals.get("EUR"), i64::MAX);
        assert_eq!(totals.get("USD"), 5);
        assert_eq!(totals.amounts().len(), 2);
        assert_eq!(to_major(&Money { minor: 1050, currency: "EUR".into() }), 10.5);
        assert_eq!(to_major(&Money { minor: 1050, currency: "KWD".into() }), 1.05);
    }
}
