//! A new case: subject, description, category, priority and attachments. While the subject is typed, matching
//! knowledge base articles are suggested (after a pause in typing); opening one is recorded, and counts as
//! deflected unless a case follows.

use super::cases::portal_uploader;
use super::session::ask;
use crate::connector::portal::PortalOp;
use crate::i18n::Key;
use crate::ui::case_labels::{category_key, priority_key};
use crate::ui::error::{describe, ErrorMessage};
use crate::ui::field::Field;
use crate::ui::files::FilePicker;
use crate::ui::locale::use_i18n;
use crate::ui::markup::Markup;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use std::collections::HashSet;
use trato_protocol::*;

/// Pause in typing before suggestions are looked up.
const SUGGEST_DELAY_MS: i32 = 400;
/// Shortest subject that is looked up.
const SUGGEST_MIN_CHARS: usize = 3;

/// The new-case form with article suggestions.
#[component]
pub fn NewCasePage() -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let subject = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let category = RwSignal::new(CASE_CATEGORIES[0].to_string());
    let priority = RwSignal::new(CasePriority::Normal);
    let files = RwSignal::new(Vec::<Attachment>::new());
    let suggestions = RwSignal::new(Vec::<Article>::new());
    let open_article = RwSignal::new(None::<String>);
    let recorded = StoredValue::new(HashSet::<String>::new());
    let error = RwSignal::new(None::<String>);
    let field_errors = RwSignal::new(FieldErrors::new());
    let busy = RwSignal::new(false);
    let generation = StoredValue::new(0u32);
    let uploader = portal_uploader();

    let on_subject = move |ev: leptos::ev::Event| {
        subject.set(event_target_value(&ev));
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        let text = subject.get_untracked();
        if text.trim().chars().count() < SUGGEST_MIN_CHARS {
            suggestions.set(vec![]);
            return;
        }
        leptos::task::spawn_local(async move {
            crate::browser::timer::sleep(SUGGEST_DELAY_MS as u32).await;
            if generation.try_get_value() != Some(mine) {
                return;
            }
            if let Ok(list) = ask(PortalOp::articles(Some(text), None, Some(5))).await {
                if generation.try_get_value() == Some(mine) {
                    suggestions.try_set(list);
                }
            }
        });
    };
    let toggle = move |id: String| {
        if open_article.get_untracked().as_deref() == Some(id.as_str()) {
            open_article.set(None);
            return;
        }
        open_article.set(Some(id.clone()));
        let first = recorded.try_update_value(|set| set.insert(id.clone())).unwrap_or(false);
        if first {
            let query = subject.get_untracked();
            leptos::task::spawn_local(async move {
                // Only counts toward deflection: losing one is harmless.
                let _ = ask(PortalOp::suggestion_opened(id, query)).await;
            });
        }
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let new = NewCase {
            subject: subject.get_untracked().trim().to_string(),
            description: description.get_untracked(),
            category: category.get_untracked(),
            priority: priority.get_untracked(),
            attachment_ids: files.get_untracked().into_iter().map(|f| f.id).collect(),
        };
        let errors = new.errors();
        field_errors.set(errors.clone());
        if !errors.is_empty() {
            error.set(Some(i18n.t(Key::FixFields).into()));
            return;
        }
        busy.set(true);
        error.set(None);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match ask(PortalOp::create_case(new)).await {
                Ok(thread) => {
                    let id = crate::connector::trato::encode_component(&thread.case.id);
                    navigate(&format!("/portal/cases/{id}?created=1"), Default::default());
                }
                Err(e) => {
                    if let crate::connector::ConnectorError::Invalid { fields, .. } = &e {
                        field_errors.try_set(fields.clone());
                    }
                    error.try_set(Some(describe(i18n.0.get_untracked(), &e)));
                }
            }
            busy.try_set(false);
        });
    };
    let invalid = move |field: &'static str| move || field_errors.with(|f| f.contains_key(field)).then_some("true");

    view! {
        <main id="main" class="portal-page">
            <h1>{move || i18n.t(Key::NewCase)}</h1>
            <form class="case-form" on:submit=on_submit novalidate>
                <Field label=Key::SubjectLabel>
                    <input
                        type="text"
                        name="subject"
                        required
                        maxlength=MAX_SUBJECT.to_string()
                        autocomplete="off"
                        aria-invalid=invalid("subject")
                        prop:value=move || subject.get()
                        on:input=on_subject
                    />
                </Field>
                <section class="suggestions" aria-live="polite">
                    <Show when=move || !suggestions.with(Vec::is_empty)>
                        <h2 id="suggestions-title">{move || i18n.t(Key::MaybeThisHelps)}</h2>
                        <ul>
                            <For each=move || suggestions.get() key=|a| a.id.clone() let:article>
                                {
                                    let id = article.id.clone();
                                    let id_for_open = article.id.clone();
                                    let panel = format!("suggestion-{}", article.id);
                                    let is_open = move || open_article.get().as_deref() == Some(id_for_open.as_str());
                                    let is_open_too = is_open.clone();
                                    view! {
                                        <li>
                                            <button
                                                type="button"
                                                class="link-button suggestion"
                                                aria-expanded=move || is_open().to_string()
                                                aria-controls=panel.clone()
                                                on:click=move |_| toggle(id.clone())
                                            >
                                                {article.title.clone()}
                                            </button>
                                            <div id=panel class="suggestion-body" hidden=move || !is_open_too()>
                                                <Markup body=article.body.clone() format=article.format />
                                            </div>
                                        </li>
                                    }
                                }
                            </For>
                        </ul>
                    </Show>
                </section>
                <Field label=Key::DescriptionLabel>
                    <textarea
                        name="description"
                        rows="6"
                        required
                        maxlength=MAX_BODY.to_string()
                        aria-invalid=invalid("description")
                        bind:value=description
                    ></textarea>
                </Field>
                <div class="field-row">
                    <Field label=Key::CategoryLabel>
                        <select on:change=move |ev| category.set(event_target_value(&ev))>
                            {CASE_CATEGORIES.into_iter().map(|c| view! {
                                <option value=c selected=move || category.get() == c>{move || i18n.t(category_key(c))}</option>
                            }).collect_view()}
                        </select>
                    </Field>
                    <Field label=Key::PriorityLabel>
                        <select on:change=move |ev| {
                            if let Some(p) = CasePriority::parse(&event_target_value(&ev)) {
                                priority.set(p);
                            }
                        }>
                            {CasePriority::ALL.into_iter().map(|p| view! {
                                <option value=p.as_str() selected=move || priority.get() == p>{move || i18n.t(priority_key(p))}</option>
                            }).collect_view()}
                        </select>
                    </Field>
                </div>
                <FilePicker uploader=uploader files=files id="case-files" />
                {move || error.get().map(|message| view! { <ErrorMessage message=message /> })}
                <button type="submit" class="primary" disabled=move || busy.get()>{move || i18n.t(Key::SubmitCase)}</button>
            </form>
        </main>
    }
}
