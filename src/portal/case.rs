//! One case: its facts, the thread (each message as text, with its attachments; internal notes never reach the
//! portal), a reply with attachments, close or reopen, and the satisfaction rating once it is resolved.

use super::files::{attachment_link, picker};
use super::forms::CaseState;
use super::state::{Portal, State};
use crate::browser::dom::El;
use crate::connector::portal::{PortalOp, PortalReply};
use crate::connector::{Ask, ConnectorError};
use crate::i18n::{intl, Key, Locale};
use crate::ui::case_labels::{category_key, priority_key, status_key, Reader};
use crate::ui::drawn::{alert, field, main_element, skeleton, Loaded};
use crate::ui::error::describe;
use crate::ui::rating::score_fieldset;
use trato_protocol::*;

/// Loads case `id` into a fresh page.
pub fn load(portal: &Portal, id: String, created: bool) {
    let visit = portal.visit();
    portal.update(|s| s.case = CaseState { created, ..CaseState::default() });
    let portal = portal.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let answer = portal.ask(PortalOp::case(id)).await;
        portal.answer(visit, |s| {
            s.case.thread = match answer {
                Ok(thread) => Loaded::Ready(thread),
                Err(ConnectorError::NotFound(_)) => Loaded::Failed(s.locale.t(Key::CaseNotFound).into()),
                Err(error) => Loaded::Failed(describe(s.locale, &error)),
            }
        });
    });
}

/// Runs an action on the case; the case as it is after it replaces the one shown, and `done` is said.
fn act(portal: &Portal, op: Ask<PortalOp, PortalReply, CaseThread>, done: Key) {
    if portal.with(|s| s.case.work.busy) {
        return;
    }
    let visit = portal.visit();
    portal.update(|s| s.case.work.start());
    let portal = portal.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let answer = portal.ask(op).await;
        portal.answer(visit, |s| match answer {
            Ok(thread) => {
                s.case = CaseState { thread: Loaded::Ready(thread), created: s.case.created, ..CaseState::default() };
                s.case.work.done(s.locale.t(done).into());
            }
            Err(error) => s.case.work.failed(describe(s.locale, &error)),
        });
    });
}

/// The case page.
pub fn page(portal: &Portal, state: &State) -> El {
    let t = |key| state.locale.t(key);
    let back = El::new("p").child(El::new("a").attr("href", "/portal/cases").text(t(Key::BackToCases)));
    let page = main_element("portal-page case-page").child(back);
    let thread = match &state.case.thread {
        Loaded::Loading => return page.child(skeleton(state.locale)),
        Loaded::Failed(reason) => return page.child(alert(reason)),
        Loaded::Ready(thread) => thread,
    };
    let case = &thread.case;
    let created = state.case.created.then(|| {
        El::new("p")
            .class("notice")
            .attr("role", "status")
            .text(&state.locale.tf(Key::CaseCreated, &[("number", &case.number.to_string())]))
    });
    let heading = El::new("h1")
        .child(El::new("span").class("case-number").text(&format!("#{}", case.number)))
        .text(" ")
        .text(&case.subject);
    let status = El::new("span")
        .class(&format!("badge status-{}", case.status.as_str()))
        .text(t(status_key(case.status, Reader::Customer)));
    let facts = El::new("dl")
        .class("case-facts")
        .child(El::new("dt").text(t(Key::StatusLabel)))
        .child(El::new("dd").child(status))
        .child(El::new("dt").text(t(Key::PriorityLabel)))
        .child(El::new("dd").text(t(priority_key(case.priority))))
        .child(El::new("dt").text(t(Key::CategoryLabel)))
        .child(El::new("dd").text(t(category_key(&case.category))))
        .child(El::new("dt").text(t(Key::OpenedOn)))
        .child(El::new("dd").text(&intl::date_time(state.locale, &case.created_at)));
    page.maybe(created)
        .child(heading)
        .child(facts)
        .child(El::new("h2").class("visually-hidden").text(t(Key::Conversation)))
        .child(messages(state.locale, &thread.messages))
        .maybe(state.case.work.alert())
        .child(state.case.work.notice())
        .maybe((case.status != CaseStatus::Closed).then(|| reply_form(portal, state, &case.id)))
        .child(buttons(portal, state, case))
        .maybe((!case.status.is_active()).then(|| rating(portal, state, case)))
}

/// The messages, oldest first.
fn messages(locale: Locale, messages: &[CaseMessage]) -> El {
    messages.iter().fold(El::new("ol").class("thread"), |list, message| {
        let class = match (message.author, message.internal) {
            (_, true) => "message internal",
            (Author::Rep, false) => "message rep",
            (Author::Customer, false) => "message customer",
        };
        let meta =
            El::new("p").class("message-meta").child(El::new("strong").text(&message.author_name)).text(" · ").child(
                El::new("time")
                    .attr("datetime", &message.created_at)
                    .text(&intl::date_time(locale, &message.created_at)),
            );
        let attachments = (!message.attachments.is_empty()).then(|| {
            message.attachments.iter().fold(El::new("ul").class("attachments"), |ul, attachment| {
                ul.child(El::new("li").child(attachment_link(locale, attachment)))
            })
        });
        list.child(
            El::new("li")
                .class(class)
                .child(meta)
                .child(El::new("p").class("message-body").text(&message.body))
                .maybe(attachments),
        )
    })
}

/// The reply form.
fn reply_form(portal: &Portal, state: &State, id: &str) -> El {
    let t = |key| state.locale.t(key);
    let body = portal
        .text_field("textarea", "reply", |s| &mut s.case.reply)
        .attr("rows", "4")
        .attr("maxlength", &MAX_BODY.to_string());
    let files = picker(portal, state.locale, &state.case.files, "reply-files", |s| &mut s.case.files);
    let (sending, id) = (portal.clone(), id.to_string());
    El::new("form")
        .class("reply-form")
        .child(field(t(Key::YourReply), body))
        .child(files)
        .child(state.case.work.button("submit", "primary", "send-reply").text(t(Key::SendReply)))
        .on("submit", move |event| {
            event.prevent_default();
            let (body, files) = sending.with(|s| (s.case.reply.clone(), s.case.files.ids()));
            if body.trim().is_empty() {
                sending.update(|s| s.case.work.failed(s.locale.t(Key::WriteSomething).into()));
                return;
            }
            let message = NewMessage { body, internal: false, attachment_ids: files };
            act(&sending, PortalOp::reply(id.clone(), message), Key::ReplySent);
        })
}

/// An action on a case, by its id.
type CaseAction = fn(String) -> Ask<PortalOp, PortalReply, CaseThread>;

/// Close (an active case) or reopen (a resolved or closed one).
fn buttons(portal: &Portal, state: &State, case: &Case) -> El {
    let (portal, id) = (portal.clone(), case.id.clone());
    let (key, words, op, done): (_, _, CaseAction, _) = if case.status.is_active() {
        ("close-case", Key::CloseCase, PortalOp::close, Key::CaseClosed)
    } else {
        ("reopen-case", Key::ReopenCase, PortalOp::reopen, Key::CaseReopened)
    };
    let button = state
        .case
        .work
        .button("button", "secondary", key)
        .text(state.locale.t(words))
        .on("click", move |_| act(&portal, op(id.clone()), done));
    El::new("div").class("case-buttons").child(button)
}

/// The rating given, or the form to give it.
fn rating(portal: &Portal, state: &State, case: &Case) -> El {
    let t = |key| state.locale.t(key);
    if let Some(rating) = &case.rating {
        return El::new("p")
            .class("rating-given")
            .text(&state.locale.tf(Key::YourRating, &[("score", &rating.score.to_string())]));
    }
    let fields = score_fieldset(state.locale, Key::RateTitle, |n| {
        let picking = portal.clone();
        let radio = El::new("input")
            .attr("type", "radio")
            .attr("name", "score")
            .attr("value", &n.to_string())
            .attr("data-key", &format!("score-{n}"))
            .on("change", move |_| picking.quietly(|s| s.case.score = n));
        if state.case.score == n {
            radio.attr("checked", "")
        } else {
            radio
        }
    });
    let comment = portal
        .text_field("textarea", "comment", |s| &mut s.case.comment)
        .attr("rows", "2")
        .attr("maxlength", &MAX_COMMENT.to_string());
    let (rating, id) = (portal.clone(), case.id.clone());
    El::new("form")
        .class("rating-form")
        .child(fields)
        .child(field(t(Key::RateComment), comment))
        .child(state.case.work.button("submit", "primary", "send-rating").text(t(Key::SendRating)))
        .on("submit", move |event| {
            event.prevent_default();
            let (score, comment) = rating.with(|s| (s.case.score, s.case.comment.clone()));
            if score == 0 {
                rating.update(|s| s.case.work.failed(s.locale.t(Key::PickScore).into()));
                return;
            }
            act(&rating, PortalOp::rate(id.clone(), Rating { score, comment }), Key::ThanksForRating);
        })
}
