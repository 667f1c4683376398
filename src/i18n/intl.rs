//! Number, money and date formatting through the browser's `Intl` (no ICU data in the wasm).

use super::Locale;
use crate::domain::money::to_major;
use js_sys::{Array, Date, Intl, Object, Reflect};
use trato_protocol::Money;
use wasm_bindgen::JsValue;

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

fn format_number_with(locale: Locale, value: f64, opts: &Object) -> String {
    let format = Intl::NumberFormat::new(&locales(locale), opts).format();
    format
        .call1(&JsValue::NULL, &JsValue::from_f64(value))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| value.to_string())
}

/// An amount with its currency symbol, for example `12.500,00 €`.
pub fn money(locale: Locale, amount: &Money) -> String {
    let opts = options(&[("style", "currency".into()), ("currency", amount.currency.as_str().into())]);
    format_number_with(locale, to_major(amount), &opts)
}

/// An amount without decimals, for column totals, for example `1,2 M €`.
pub fn money_compact(locale: Locale, amount: &Money) -> String {
    let opts = options(&[
        ("style", "currency".into()),
        ("currency", amount.currency.as_str().into()),
        ("notation", "compact".into()),
        ("maximumFractionDigits", 1.into()),
    ]);
    format_number_with(locale, to_major(amount), &opts)
}

/// A whole number with grouping, for example `10.000`.
pub fn number(locale: Locale, value: f64) -> String {
    format_number_with(locale, value, &Object::new())
}

/// A `YYYY-MM-DD` date in the locale's medium style, for example `23 nov 2026`; the input when unreadable.
pub fn date(locale: Locale, iso_date: &str) -> String {
    let parsed = Date::new(&JsValue::from_str(iso_date));
    if parsed.get_time().is_nan() {
        return iso_date.to_string();
    }
    let opts = options(&[("dateStyle", "medium".into()), ("timeZone", "UTC".into())]);
    let format = Intl::DateTimeFormat::new(&locales(locale), &opts).format();
    format.call1(&JsValue::NULL, &parsed).ok().and_then(|v| v.as_string()).unwrap_or_else(|| iso_date.to_string())
}

/// Milliseconds since the epoch, now.
pub fn now_ms() -> i64 {
    Date::now() as i64
}
