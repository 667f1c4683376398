//! [`Field`]: a labelled form control, the one way forms write a label and its input, select or textarea (the
//! label wraps the control, so clicking the text focuses it and screen readers name it), with an optional
//! per-field message tied to the control.

use crate::i18n::Key;
use crate::ui::locale::use_i18n;
use leptos::prelude::*;

/// A label (translated) around one form control, and the control's message when there is one.
#[component]
pub fn Field(
    /// The label's text.
    label: Key,
    /// Extra classes (`inline` puts the label beside the control).
    #[prop(optional)]
    class: &'static str,
    /// A message about the value (for example what the backend refused), shown under the control.
    #[prop(optional, into)]
    message: Option<Signal<Option<String>>>,
    /// The control.
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let class = if class.is_empty() { "field".to_string() } else { format!("field {class}") };
    view! {
        <label class=class>
            <span>{move || i18n.t(label)}</span>
            {children()}
            {message.map(|message| move || message.get().map(|text| view! { <span class="field-error" role="alert">{text}</span> }))}
        </label>
    }
}
