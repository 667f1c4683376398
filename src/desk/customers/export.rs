//! Export of a list, as filtered (or only the selected rows), to a CSV file Spanish Excel opens as it is: the
//! columns shown, owners by name, dates as the locale writes them.

use super::listing::{column_key, Line, ListKind};
use crate::domain::directory::Column;
use crate::i18n::{intl, Locale};
use std::collections::HashMap;
use wasm_bindgen::JsCast;

fn text(locale: Locale, column: Column, line: &Line, reps: &HashMap<String, String>) -> String {
    let value = line.texts.iter().find(|(c, _)| *c == column).and_then(|(_, t)| t.clone());
    match (column, value) {
        (Column::Name, _) => line.name.clone(),
        (Column::Owner, Some(id)) => reps.get(&id).cloned().unwrap_or_default(),
        (Column::LastContact, Some(date)) => intl::date(locale, &date),
        (_, value) => value.unwrap_or_default(),
    }
}

/// Offers `lines` (with `columns`) as a CSV download named after the list and today's date.
pub fn download_lines(
    locale: Locale,
    kind: ListKind,
    columns: &[Column],
    lines: &[Line],
    reps: &HashMap<String, String>,
) {
    let header: Vec<String> = columns.iter().map(|c| locale.t(column_key(*c)).to_string()).collect();
    let rows: Vec<Vec<String>> =
        lines.iter().map(|line| columns.iter().map(|c| text(locale, *c, line, reps)).collect()).collect();
    let name = format!("{}-{}.csv", kind.base().trim_start_matches('/'), intl::today());
    download(&name, &crate::domain::csv::write(&header, &rows));
}

/// Offers `text` as a file download named `name`.
pub fn download(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    let document = leptos::prelude::document();
    if let Some(link) = document.create_element("a").ok().and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        link.set_href(&url);
        link.set_download(name);
        if let Some(body) = document.body() {
            let _ = body.append_child(&link);
            link.click();
            link.remove();
        }
    }
    // The download has started once the click returns; the address is freed a little later.
    leptos::prelude::set_timeout(
        move || drop(web_sys::Url::revoke_object_url(&url)),
        std::time::Duration::from_secs(2),
    );
}
