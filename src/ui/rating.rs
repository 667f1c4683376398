//! The satisfaction rating fields (1–5 and a comment), shared by the portal's case rating and the chat widget.

use crate::i18n::Key;
use crate::ui::field::Field;
use crate::ui::locale::use_i18n;
use leptos::prelude::*;
use trato_protocol::MAX_COMMENT;

/// The words for a score, for screen readers.
pub fn score_key(score: u8) -> Key {
    match score {
        1 => Key::Score1,
        2 => Key::Score2,
        3 => Key::Score3,
        4 => Key::Score4,
        _ => Key::Score5,
    }
}

/// A 1–5 radio group under `legend` (inputs named `name`, unique on the page) and an optional comment.
#[component]
pub fn RatingFields(
    /// The question asked.
    legend: Key,
    /// Name of the radio group.
    name: &'static str,
    /// The chosen score (0 before a choice).
    score: RwSignal<u8>,
    /// The comment.
    comment: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset>
            <legend>{move || i18n.t(legend)}</legend>
            <div class="scores">
                {(1..=5u8).map(|n| view! {
                    <label class="score">
                        <input type="radio" name=name value=n.to_string() on:change=move |_| score.set(n) />
                        <span>{n}</span>
                        <span class="visually-hidden">{move || i18n.t(score_key(n))}</span>
                    </label>
                }).collect_view()}
            </div>
            <p class="muted">{move || i18n.t(Key::RateHint)}</p>
        </fieldset>
        <Field label=Key::RateComment>
            <textarea rows="2" maxlength=MAX_COMMENT.to_string() bind:value=comment></textarea>
        </Field>
    }
}
