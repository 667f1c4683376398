//! Drawing the portal: the whole page from the state each time it changes (pages are small), with the focus kept
//! where it was (by `data-key`); a signed-in page asked for while signed out shows the sign-in page.

use super::forms::Work;
use super::state::{Page, Portal, State};
use crate::browser::dom::El;
use crate::i18n::Key;
use crate::ui::drawn::{alert, main_element, status, text_input};

impl Portal {
    /// A text field or area (`tag`, found again by `key`) showing the text `of` finds in the state, which keeps
    /// what is typed there (without a redraw).
    pub fn text_field(&self, tag: &str, key: &str, of: fn(&mut State) -> &mut String) -> El {
        let value = self.quietly(|s| of(s).clone());
        let typing = self.clone();
        text_input(tag, key, &value, move |typed| typing.quietly(|s| *of(s) = typed))
    }

    /// Draws the page from the state.
    pub fn render(&self) {
        let state = self.with(State::clone);
        let current = state.page.as_ref().map(Page::path).unwrap_or_default();
        let portal = self.clone();
        let chosen = move |locale| portal.update(|s| s.locale = locale);
        super::bar::draw_page(state.locale, state.customer.as_ref(), &current, chosen, || self.page(&state));
    }

    fn page(&self, state: &State) -> El {
        let Some(page) = &state.page else { return loading(state) };
        if !state.checked && *page != Page::SignIn {
            return loading(state);
        }
        if state.customer.is_none() || *page == Page::SignIn {
            return super::signin::page(self, state);
        }
        match page {
            Page::SignIn => super::signin::page(self, state),
            Page::Cases => super::cases::page(self, state),
            Page::NewCase => super::new_case::page(self, state),
            Page::Case { .. } => super::case::page(self, state),
            Page::Orders => super::orders::page(self, state),
            Page::Profile => super::profile::page(self, state),
        }
    }
}

impl Work {
    /// What went wrong, if anything.
    pub fn alert(&self) -> Option<El> {
        self.error.as_deref().map(alert)
    }

    /// What was done (an empty live line before, so that it is announced).
    pub fn notice(&self) -> El {
        El::new("p").class("notice").attr("role", "status").text(self.notice.as_deref().unwrap_or_default())
    }

    /// The button (`type`, `class`, found again by `key`) that starts the work, disabled while it runs.
    pub fn button(&self, kind: &str, class: &str, key: &str) -> El {
        let button = El::new("button").attr("type", kind).class(class).attr("data-key", key);
        if self.busy {
            button.attr("disabled", "")
        } else {
            button
        }
    }
}

/// The page while the session is checked.
fn loading(state: &State) -> El {
    main_element("portal-page").child(status(state.locale.t(Key::Loading)))
}
