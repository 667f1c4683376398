//! Number, money and date formatting through the browser's `Intl` (no ICU data in the wasm). Formatters are
//! built once per locale and options and cached: building one costs far more than using it.

use super::Locale;
use crate::domain::money::to_major;
use js_sys::{Array, Date, Function, Intl, Object, Reflect};
use std::cell::RefCell;
use std::collections::HashMap;
use trato_protocol::Money;
use wasm_bindgen::JsValue;

thread_local! {
    /// `format` functions of the formatters built so far, by locale and kind.
    static FORMATTERS: RefCell<HashMap<(Locale, String), Function>> = RefCell::new(HashMap::new());
}

fn options(pairs: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object
}

fn locales(locale: Locale) -> Array {
    Array::of1(&JsValue::from_str(locale.tag()))
}

/// The cached `format` function for `(locale, key)`, built by `build` the first time.
fn formatter(locale: Locale, key: &str, build: impl FnOnce(&Array) -> Function) -> Function {
    FORMATTERS.with(|cache| {
        cache.borrow_mut().entry((locale, key.to_string())).or_insert_with(|| build(&locales(locale))).clone()
    })
}

fn apply(format: &Function, value: &JsValue) -> Option<String> {
    format.call1(&JsValue::NULL, value).ok().and_then(|v| v.as_string())
}

fn number_with(locale: Locale, key: &str, value: f64, opts: impl FnOnce() -> Object) -> String {
    let format = formatter(locale, key, |locales| Intl::NumberFormat::new(locales, &opts()).format());
    apply(&format, &JsValue::from_f64(value)).unwrap_or_else(|| value.to_string())
}

/// An amount with its currency symbol, for example `12.500,00 €`.
pub fn money(locale: Locale, amount: &Money) -> String {
    number_with(locale, &format!("money:{}", amount.currency), to_major(amount), || {
        options(&[("style", "currency".into()), ("currency", amount.currency.as_str().into())])
    })
}

/// A whole number with grouping, for example `10.000`.
pub fn number(locale: Locale, value: f64) -> String {
    number_with(locale, "number", value, Object::new)
}

/// A `YYYY-MM-DD` date in the locale's medium style, for example `23 nov 2026`; the input when unreadable.
pub fn date(locale: Locale, iso_date: &str) -> String {
    let parsed = Date::new(&JsValue::from_str(iso_date));
    if parsed.get_time().is_nan() {
        return iso_date.to_string();
    }
    let format = formatter(locale, "date", |locales| {
        let opts = options(&[("dateStyle", "medium".into()), ("timeZone", "UTC".into())]);
        Intl::DateTimeFormat::new(locales, &opts).format()
    });
    apply(&format, &parsed).unwrap_or_else(|| iso_date.to_string())
}

/// Milliseconds since the epoch, now.
pub fn now_ms() -> i64 {
    Date::now() as i64
}

/// How far the browser's time zone is ahead of UTC now, in minutes (Madrid in winter: 60).
pub fn utc_offset_minutes() -> i64 {
    -(Date::new_0().get_timezone_offset() as i64)
}

/// The rep's day at `now_ms` (days since 1970-01-01 on their calendar), for "overdue" and "today".
pub fn local_days(now_ms: i64) -> i64 {
    crate::domain::time::local_days(now_ms, utc_offset_minutes())
}

/// Today's date on the rep's calendar, `YYYY-MM-DD`.
pub fn today() -> String {
    crate::domain::time::local_date(now_ms(), utc_offset_minutes())
}

/// The date on the rep's calendar (`YYYY-MM-DD`) of a protocol timestamp; the first ten characters when the
/// timestamp cannot be read.
pub fn local_date_of(timestamp: &str) -> String {
    match crate::domain::time::timestamp_to_ms(timestamp) {
        Some(ms) => crate::domain::time::local_date(ms, utc_offset_minutes()),
        None => timestamp.chars().take(10).collect(),
    }
}

/// An RFC 3339 instant as a medium date and short time in the browser's time zone, for example
/// `23 nov 2026, 9:30`; the input when unreadable.
pub fn date_time(locale: Locale, timestamp: &str) -> String {
    let parsed = Date::new(&JsValue::from_str(timestamp));
    if parsed.get_time().is_nan() {
        return timestamp.to_string();
    }
    let format = formatter(locale, "date_time", |locales| {
        let opts = options(&[("dateStyle", "medium".into()), ("timeStyle", "short".into())]);
        Intl::DateTimeFormat::new(locales, &opts).format()
    });
    apply(&format, &parsed).unwrap_or_else(|| timestamp.to_string())
}

/// A size in bytes as kB or MB with the locale's digits, for example `1,2 MB`.
pub fn file_size(locale: Locale, bytes: u64) -> String {
    let (value, unit) = if bytes >= 1024 * 1024 {
        (bytes as f64 / 1_048_576.0, "MB")
    } else {
        ((bytes as f64 / 1024.0).max(0.1), "kB")
    };
    let text = number_with(locale, "size", value, || options(&[("maximumFractionDigits", 1.into())]));
    format!("{text} {unit}")
}
