//! A new case: subject, description, category, priority and attachments. While the subject is typed, matching
//! knowledge base articles are suggested (after a pause in typing); opening one is recorded, and counts as
//! deflected unless a case follows.

use super::files::picker;
use super::state::{Page, Portal, State};
use crate::browser::dom::El;
use crate::connector::portal::PortalOp;
use crate::connector::ConnectorError;
use crate::i18n::Key;
use crate::ui::case_labels::{category_key, priority_key};
use crate::ui::drawn::{article_body, field, main_element, target_value, text_input};
use crate::ui::error::describe;
use trato_protocol::*;

/// Pause in typing before suggestions are looked up.
const SUGGEST_DELAY_MS: u32 = 400;
/// Shortest subject that is looked up.
const SUGGEST_MIN_CHARS: usize = 3;

/// Keeps the subject and, after a pause in typing, looks up articles that match it.
fn subject_typed(portal: &Portal, subject: String) {
    let typed = portal.quietly(|s| {
        s.new_case.case.subject = subject.clone();
        s.new_case.typed += 1;
        s.new_case.typed
    });
    if subject.trim().chars().count() < SUGGEST_MIN_CHARS {
        if portal.with(|s| !s.new_case.suggestions.is_empty()) {
            portal.update(|s| s.new_case.suggestions.clear());
        }
        return;
    }
    let portal = portal.clone();
    wasm_bindgen_futures::spawn_local(async move {
        crate::browser::timer::sleep(SUGGEST_DELAY_MS).await;
        if portal.with(|s| s.new_case.typed) != typed {
            return;
        }
        if let Ok(list) = portal.ask(PortalOp::articles(Some(subject), None, Some(5))).await {
            if portal.with(|s| s.new_case.typed) == typed {
                portal.update(|s| s.new_case.suggestions = list);
            }
        }
    });
}

/// Opens or closes suggestion `id`; the first opening is recorded.
fn toggle(portal: &Portal, id: String) {
    let first = portal.quietly(|s| {
        let form = &mut s.new_case;
        form.open = if form.open.as_deref() == Some(id.as_str()) { None } else { Some(id.clone()) };
        form.open.is_some() && form.recorded.insert(id.clone())
    });
    portal.render();
    if first {
        let query = portal.with(|s| s.new_case.case.subject.clone());
        let portal = portal.clone();
        wasm_bindgen_futures::spawn_local(async move {
            // Only counts toward deflection: losing one is harmless.
            let _ = portal.ask(PortalOp::suggestion_opened(id, query)).await;
        });
    }
}

/// Checks the form and sends the case; the customer is taken to it.
fn submit(portal: &Portal) {
    if portal.with(|s| s.new_case.work.busy) {
        return;
    }
    let mut new = portal.with(|s| s.new_case.case.clone());
    new.subject = new.subject.trim().to_string();
    new.attachment_ids = portal.with(|s| s.new_case.files.ids());
    let errors = new.errors();
    if !errors.is_empty() {
        portal.update(|s| {
            s.new_case.field_errors = errors;
            s.new_case.work.failed(s.locale.t(Key::FixFields).into());
        });
        return;
    }
    let visit = portal.visit();
    portal.update(|s| {
        s.new_case.field_errors.clear();
        s.new_case.work.start();
    });
    let portal = portal.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let answer = portal.ask(PortalOp::create_case(new)).await;
        if portal.visit() != visit {
            return;
        }
        match answer {
            Ok(thread) => portal.open(Page::Case { id: thread.case.id, created: true }, true),
            Err(error) => portal.update(|s| {
                if let ConnectorError::Invalid { fields, .. } = &error {
                    s.new_case.field_errors = fields.clone();
                }
                s.new_case.work.failed(describe(s.locale, &error));
            }),
        }
    });
}

/// The new-case page.
pub fn page(portal: &Portal, state: &State) -> El {
    let t = |key| state.locale.t(key);
    let form = &state.new_case;
    let invalid =
        |el: El, name: &str| if form.field_errors.contains_key(name) { el.attr("aria-invalid", "true") } else { el };
    let typing = portal.clone();
    let subject = text_input("input", "subject", &form.case.subject, move |value| subject_typed(&typing, value))
        .attr("type", "text")
        .attr("name", "subject")
        .attr("required", "")
        .attr("maxlength", &MAX_SUBJECT.to_string())
        .attr("autocomplete", "off");
    let description = portal
        .text_field("textarea", "description", |s| &mut s.new_case.case.description)
        .attr("name", "description")
        .attr("rows", "6")
        .attr("required", "")
        .attr("maxlength", &MAX_BODY.to_string());
    let picking = portal.clone();
    let mut category = El::new("select").attr("data-key", "category").on("change", move |event| {
        let value = target_value(&event);
        picking.quietly(|s| s.new_case.case.category = value);
    });
    for c in CASE_CATEGORIES {
        let option = El::new("option").attr("value", c).text(t(category_key(c)));
        category = category.child(if form.case.category == c { option.attr("selected", "") } else { option });
    }
    let picking = portal.clone();
    let mut priority = El::new("select").attr("data-key", "priority").on("change", move |event| {
        if let Some(p) = CasePriority::parse(&target_value(&event)) {
            picking.quietly(|s| s.new_case.case.priority = p);
        }
    });
    for p in CasePriority::ALL {
        let option = El::new("option").attr("value", p.as_str()).text(t(priority_key(p)));
        priority = priority.child(if form.case.priority == p { option.attr("selected", "") } else { option });
    }
    let row = El::new("div")
        .class("field-row")
        .child(field(t(Key::CategoryLabel), category))
        .child(field(t(Key::PriorityLabel), priority));
    let sending = portal.clone();
    let case_form = El::new("form")
        .class("case-form")
        .attr("novalidate", "")
        .child(field(t(Key::SubjectLabel), invalid(subject, "subject")))
        .child(suggestions(portal, state))
        .child(field(t(Key::DescriptionLabel), invalid(description, "description")))
        .child(row)
        .child(picker(portal, state.locale, &form.files, "case-files", |s| &mut s.new_case.files))
        .maybe(form.work.alert())
        .child(form.work.button("submit", "primary", "submit-case").text(t(Key::SubmitCase)))
        .on("submit", move |event| {
            event.prevent_default();
            submit(&sending);
        });
    main_element("portal-page").child(El::new("h1").text(t(Key::NewCase))).child(case_form)
}

/// The articles suggested for the subject, each opening in place.
fn suggestions(portal: &Portal, state: &State) -> El {
    let form = &state.new_case;
    let section = El::new("section").class("suggestions").attr("aria-live", "polite");
    if form.suggestions.is_empty() {
        return section;
    }
    let mut list = El::new("ul");
    for article in &form.suggestions {
        let open = form.open.as_deref() == Some(article.id.as_str());
        let panel = format!("suggestion-{}", article.id);
        let (portal, id) = (portal.clone(), article.id.clone());
        let button = El::new("button")
            .attr("type", "button")
            .class("link-button suggestion")
            .attr("data-key", &format!("suggestion:{}", article.id))
            .attr("aria-expanded", if open { "true" } else { "false" })
            .attr("aria-controls", &panel)
            .text(&article.title)
            .on("click", move |_| toggle(&portal, id.clone()));
        let mut body = El::new("div").attr("id", &panel).class("suggestion-body");
        if !open {
            body = body.attr("hidden", "");
        }
        list = list.child(El::new("li").child(button).child(body.child(article_body(&article.body, article.format))));
    }
    section.child(El::new("h2").attr("id", "suggestions-title").text(state.locale.t(Key::MaybeThisHelps))).child(list)
}
