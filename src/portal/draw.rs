//! Drawing the portal: the whole page from the state each time it changes (pages are small), with the focus kept
//! where it was (by `data-key`); a signed-in page asked for while signed out shows the sign-in page.

use super::state::{Page, Portal, State};
use crate::browser::dom::{self, El};
use crate::i18n::Key;
use crate::ui::drawn::{main_element, status};

impl Portal {
    /// Draws the page from the state.
    pub fn render(&self) {
        let state = self.with(State::clone);
        let document = dom::document();
        if let Some(root) = document.document_element() {
            let _ = root.set_attribute("lang", state.locale.code());
        }
        document.set_title(state.locale.t(Key::PortalTitle));
        dom::redraw_body(|| {
            let t = |key| state.locale.t(key);
            let skip = El::new("a").class("skip-link").attr("href", "#main").text(t(Key::SkipToContent));
            let current = state.page.as_ref().map(Page::path).unwrap_or_default();
            let portal = self.clone();
            let bar = super::bar::bar(state.locale, state.customer.as_ref(), &current, move |locale| {
                portal.update(|s| s.locale = locale)
            });
            vec![skip.into(), bar.into(), self.page(&state).into()]
        });
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

/// The page while the session is checked.
fn loading(state: &State) -> El {
    main_element("portal-page").child(status(state.locale.t(Key::Loading)))
}
