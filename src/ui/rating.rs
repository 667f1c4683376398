//! The satisfaction rating's words and drawn fields, shared by the portal's case rating and the chat widget.

use crate::browser::dom::El;
use crate::i18n::{Key, Locale};

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

/// The drawn 1–5 choice under `legend`: `radio(n)` makes the radio input of score `n`, put in its label with the
/// score's number and words.
pub fn score_fieldset(locale: Locale, legend: Key, radio: impl Fn(u8) -> El) -> El {
    let mut scores = El::new("div").class("scores");
    for n in 1..=5u8 {
        scores = scores.child(
            El::new("label")
                .class("score")
                .child(radio(n))
                .child(El::new("span").text(&n.to_string()))
                .child(El::new("span").class("visually-hidden").text(locale.t(score_key(n)))),
        );
    }
    El::new("fieldset")
        .child(El::new("legend").text(locale.t(legend)))
        .child(scores)
        .child(El::new("p").class("muted").text(locale.t(Key::RateHint)))
}
