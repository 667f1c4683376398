//! After calling a customer from the desk (a `tel:` link), coming back to the desk offers to log the call in two
//! taps: the outcome (which also fills the subject), then save, with the duration measured, an optional note and
//! the usual next step ("call again in 3 days") already ticked. The call in progress is remembered on the device,
//! so it is offered even when the phone reloaded the page meanwhile.

use super::activity::{log, Draft, Links};
use super::data::{me, store_of, store_slot};
use super::listing::{Line, ListKind};
use crate::domain::customer::{date_after, next_step};
use crate::i18n::{intl, Key};
use crate::ui::field::Field;
use crate::ui::locale::use_i18n;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use trato_protocol::ActivityKind;

/// Where the call in progress is remembered.
const STORAGE_KEY: &str = "trato.call";
/// A return sooner than this after following the link is the link itself, not the end of a call.
const MIN_CALL_MS: f64 = 1500.0;

/// Who a call went to.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Callee {
    /// Their name.
    pub name: String,
    /// Their account (the account called, or the contact's).
    pub account_id: Option<String>,
    /// The contact called.
    pub contact_id: Option<String>,
}

impl Callee {
    /// The record of a list line.
    pub fn of_line(kind: ListKind, line: &Line) -> Callee {
        match kind {
            ListKind::Accounts => {
                Callee { name: line.name.clone(), account_id: Some(line.id.clone()), contact_id: None }
            }
            ListKind::Contacts => Callee {
                name: line.name.clone(),
                account_id: line.account_id.clone(),
                contact_id: Some(line.id.clone()),
            },
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Pending {
    callee: Callee,
    at_ms: f64,
}

/// Remembers that a call to `callee` starts now.
pub fn started(callee: Callee) {
    let pending = Pending { callee, at_ms: js_sys::Date::now() };
    if let Ok(json) = serde_json::to_string(&pending) {
        crate::browser::storage::set(STORAGE_KEY, &json);
    }
}

fn pending() -> Option<Pending> {
    serde_json::from_str(&crate::browser::storage::get(STORAGE_KEY)?).ok()
}

/// The outcomes offered, with their subject.
const OUTCOMES: [(&str, Key); 3] =
    [("answered", Key::CallAnswered), ("no_answer", Key::CallNoAnswer), ("voicemail", Key::CallVoicemail)];

/// The dialog that offers to log a call when the rep comes back to the desk after one.
#[component]
pub fn CallBackDialog() -> impl IntoView {
    let i18n = use_i18n();
    let slot = store_slot();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let call = RwSignal::new(None::<Pending>);
    let outcome = RwSignal::new(None::<&'static str>);
    let minutes = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let follow_up = RwSignal::new(true);
    let problem = RwSignal::new(None::<String>);
    let me_id = StoredValue::new(me().0);

    let offer = move || {
        let Some(found) = pending() else { return };
        if js_sys::Date::now() - found.at_ms < MIN_CALL_MS || call.get_untracked().is_some() {
            return;
        }
        let elapsed = ((js_sys::Date::now() - found.at_ms) / 60_000.0).round().max(1.0);
        minutes.set(format!("{elapsed}"));
        outcome.set(None);
        note.set(String::new());
        follow_up.set(true);
        problem.set(None);
        call.set(Some(found));
        if let Some(dialog) = dialog.get_untracked() {
            let _ = dialog.show_modal();
        }
    };
    let back = window_event_listener(leptos::ev::focus, move |_| offer());
    // `visibilitychange` bubbles from the document to the window.
    let shown = window_event_listener_untyped("visibilitychange", move |_| {
        if !document().hidden() {
            offer();
        }
    });
    on_cleanup(move || {
        back.remove();
        shown.remove();
    });
    let close = move || {
        crate::browser::storage::remove(STORAGE_KEY);
        call.set(None);
        if let Some(dialog) = dialog.get_untracked() {
            dialog.close();
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(found), Some(chosen)) = (call.get_untracked(), outcome.get_untracked()) else {
            problem.set(Some(i18n.t(Key::CallPickOutcome).into()));
            return;
        };
        let locale = i18n.locale();
        let said = OUTCOMES.iter().find(|(code, _)| *code == chosen).map(|(_, key)| locale.t(*key)).unwrap_or_default();
        let subject = locale.tf(Key::CallSubject, &[("outcome", said), ("name", &found.callee.name)]);
        let duration = minutes.get_untracked().trim().parse::<f64>().ok();
        let mut body: Vec<String> = duration
            .map(|m| locale.tf(Key::CallDuration, &[("minutes", &intl::number(locale, m))]))
            .into_iter()
            .collect();
        body.extend(Some(note.get_untracked().trim().to_string()).filter(|n| !n.is_empty()));
        let links = Links {
            account_id: found.callee.account_id.clone(),
            contact_id: found.callee.contact_id.clone(),
            deal_id: None,
        };
        let plan = follow_up.get_untracked().then(|| next_step(ActivityKind::Call)).flatten();
        let me_id = me_id.get_value();
        let name = found.callee.name.clone();
        leptos::task::spawn_local(async move {
            let Some(store) = store_of(slot) else { return };
            let logged = Draft {
                kind: ActivityKind::Call,
                subject,
                body: (!body.is_empty()).then(|| body.join("\n")),
                due_on: None,
            };
            let mut result = log(&store, logged, links.clone(), &me_id).await.map(|_| ());
            if let (Ok(()), Some((kind, days))) = (&result, plan) {
                let due_on = date_after(&intl::today(), days);
                let subject = locale.tf(Key::CallAgainSubject, &[("name", &name)]);
                result = log(&store, Draft { kind, subject, body: None, due_on }, links, &me_id).await.map(|_| ());
            }
            match result {
                Ok(()) => close(),
                Err(error) => {
                    problem.try_set(Some(crate::ui::error::cache_error(&error)));
                }
            }
        });
    };
    view! {
        <dialog node_ref=dialog class="dialog call-back" aria-labelledby="call-back-title" on:cancel=move |_: web_sys::Event| close()>
            <form on:submit=save>
                <h2 id="call-back-title">
                    {move || call.with(|c| c.as_ref().map(|c| i18n.0.get().tf(Key::CallBackTitle, &[("name", &c.callee.name)])))}
                </h2>
                <div class="outcomes" role="group" aria-label=move || i18n.t(Key::CallOutcome)>
                    {OUTCOMES.into_iter().map(|(code, key)| view! {
                        <button
                            type="button"
                            class="secondary outcome"
                            aria-pressed=move || (outcome.get() == Some(code)).to_string()
                            on:click=move |_| { outcome.set(Some(code)); problem.set(None); }
                        >
                            {move || i18n.t(key)}
                        </button>
                    }).collect_view()}
                </div>
                <Field label=Key::CallMinutes>
                    <input type="number" min="0" inputmode="numeric" prop:value=move || minutes.get() on:input=move |ev| minutes.set(event_target_value(&ev)) />
                </Field>
                <Field label=Key::Note>
                    <textarea rows="2" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                </Field>
                <label class="check">
                    <input type="checkbox" prop:checked=move || follow_up.get() on:change=move |ev| follow_up.set(event_target_checked(&ev)) />
                    <span>{move || i18n.t(Key::CallAgainIn3Days)}</span>
                </label>
                {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| close()>{move || i18n.t(Key::NotNow)}</button>
                    <button type="submit" class="primary">{move || i18n.t(Key::LogCallSave)}</button>
                </div>
            </form>
        </dialog>
    }
}
