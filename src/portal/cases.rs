//! My cases: the list, with a search and tabs by status (open, resolved and closed, all).

use super::forms::CaseList;
use super::state::{Portal, State};
use crate::browser::dom::{self, El};
use crate::connector::portal::PortalOp;
use crate::domain::roving::next_index;
use crate::i18n::{intl, Key};
use crate::ui::case_labels::{priority_key, status_key, Reader};
use crate::ui::drawn::{alert, empty_state, field, main_element, skeleton, Loaded};
use crate::ui::error::describe;
use trato_protocol::Case;
use wasm_bindgen::JsCast;

/// The tabs: the status asked for and its name.
const TABS: [(&str, Key); 3] = [("active", Key::ActiveCases), ("done", Key::DoneCases), ("all", Key::AllCases)];

/// Asks for the cases of the search and tab (from a fresh list when `fresh`).
pub fn load(portal: &Portal, fresh: bool) {
    let visit = portal.visit();
    portal.update(|s| {
        if fresh {
            s.cases = CaseList::default();
        }
        s.cases.found = Loaded::Loading;
    });
    let (search, status) = portal.with(|s| (s.cases.search.clone(), s.cases.status));
    let portal = portal.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let status = (status != "all").then(|| status.to_string());
        let answer = portal.ask(PortalOp::cases(status, Some(search))).await;
        portal.answer(visit, |s| {
            s.cases.found = match answer {
                Ok(list) => Loaded::Ready(list),
                Err(error) => Loaded::Failed(describe(s.locale, &error)),
            }
        });
    });
}

/// Selects the tab of `status`.
fn select(portal: &Portal, status: &'static str) {
    if portal.with(|s| s.cases.status) != status {
        portal.quietly(|s| s.cases.status = status);
        load(portal, false);
    }
}

/// The list page.
pub fn page(portal: &Portal, state: &State) -> El {
    let t = |key| state.locale.t(key);
    let list = &state.cases;
    let search = portal.text_field("input", "case-search", |s| &mut s.cases.search).attr("type", "search");
    let searching = portal.clone();
    let form = El::new("form")
        .class("filters")
        .attr("role", "search")
        .child(field(t(Key::SearchCases), search))
        .child(El::new("button").attr("type", "submit").class("secondary").text(t(Key::Search)))
        .on("submit", move |event| {
            event.prevent_default();
            load(&searching, false);
        });
    let results = match &list.found {
        Loaded::Loading => skeleton(state.locale),
        Loaded::Failed(reason) => alert(reason),
        Loaded::Ready(cases) if cases.is_empty() => empty_state(t(Key::NoCases)),
        Loaded::Ready(cases) => {
            cases.iter().fold(El::new("ul").class("case-list"), |ul, case| ul.child(row(state, case)))
        }
    };
    let head = El::new("div")
        .class("page-head")
        .child(El::new("h1").text(t(Key::MyCases)))
        .child(El::new("a").attr("href", "/portal/cases/new").class("button primary").text(t(Key::NewCase)));
    main_element("portal-page").child(head).child(form).child(tabs(portal, state)).child(
        El::new("div")
            .attr("id", "case-results")
            .attr("role", "tabpanel")
            .attr("aria-labelledby", &format!("cases-{}", list.status))
            .child(results),
    )
}

/// The status tabs, with the keyboard of the tabs pattern: a key that moves selects the next tab and focuses it.
fn tabs(portal: &Portal, state: &State) -> El {
    let mut row =
        El::new("div").class("tabs").attr("role", "tablist").attr("aria-label", state.locale.t(Key::StatusLabel));
    for (value, words) in TABS {
        let selected = state.cases.status == value;
        let portal = portal.clone();
        row = row.child(
            El::new("button")
                .attr("type", "button")
                .attr("role", "tab")
                .class("tab")
                .attr("id", &format!("cases-{value}"))
                .attr("data-key", &format!("cases-{value}"))
                .attr("aria-controls", "case-results")
                .attr("aria-selected", if selected { "true" } else { "false" })
                .attr("tabindex", if selected { "0" } else { "-1" })
                .text(state.locale.t(words))
                .on("click", move |_| select(&portal, value)),
        );
    }
    let portal = portal.clone();
    row.on("keydown", move |event| {
        let Some(key) = event.dyn_ref::<web_sys::KeyboardEvent>().map(|k| k.key()) else { return };
        let focused = dom::document().active_element().and_then(|e| e.get_attribute("id")).unwrap_or_default();
        let Some(from) = TABS.iter().position(|(value, _)| focused == format!("cases-{value}")) else { return };
        let Some(to) = next_index(&key, from, TABS.len()) else { return };
        event.prevent_default();
        select(&portal, TABS[to].0);
        if let Some(tab) = dom::document().get_element_by_id(&format!("cases-{}", TABS[to].0)) {
            if let Some(tab) = tab.dyn_ref::<web_sys::HtmlElement>() {
                let _ = tab.focus();
            }
        }
    })
}

/// One case of the list.
fn row(state: &State, case: &Case) -> El {
    let locale = state.locale;
    let href = format!("/portal/cases/{}", crate::connector::trato::encode_component(&case.id));
    let link = El::new("a")
        .attr("href", &href)
        .child(El::new("span").class("case-number").text(&format!("#{}", case.number)))
        .text(" ")
        .child(El::new("span").class("case-subject").text(&case.subject));
    let updated = locale.tf(Key::UpdatedAt, &[("when", &intl::date_time(locale, &case.updated_at))]);
    El::new("li")
        .class("case-row")
        .child(link)
        .child(
            El::new("span")
                .class(&format!("badge status-{}", case.status.as_str()))
                .text(locale.t(status_key(case.status, Reader::Customer))),
        )
        .child(El::new("span").class("muted").text(locale.t(priority_key(case.priority))))
        .child(El::new("span").class("muted").text(&updated))
        .child(El::new("span").class("muted").text(&case.customer_name))
}
