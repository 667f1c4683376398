//! The import page (`/import`): a CSV file of accounts, contacts or deals as Spanish Excel writes it (UTF-8 or
//! Windows-1252, `;` or `,`, decimal comma, `dd/mm/yyyy`), a mapping of its columns (guessed, remembered for files
//! with the same header) with a preview of the first rows, what to do with duplicates, a progress bar, and the
//! refused rows to download, fix and import again. An import left half-way is offered to be resumed.

use super::data::{opened_store, store_of, store_slot, StoreSlot};
use super::export::download;
use super::import_job::{self, field_key, read_rows, Job, Stopped};
use crate::domain::csv_read::{decode, separator, Encoding};
use crate::domain::import::{guess_mapping, plan_row, refused_file, ImportKind, OnDuplicate, Planned};
use crate::i18n::{intl, Key};
use crate::ui::field::Field;
use crate::ui::locale::use_i18n;
use leptos::prelude::*;
use leptos_router::components::A;
use wasm_bindgen::JsCast;

/// Rows shown in the preview.
const PREVIEW_ROWS: usize = 5;

/// A file read and split.
#[derive(Clone, Debug, PartialEq)]
struct Loaded {
    name: String,
    text: String,
    encoding: Encoding,
    separator: char,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn kind_key(kind: ImportKind) -> Key {
    match kind {
        ImportKind::Accounts => Key::Accounts,
        ImportKind::Contacts => Key::Contacts,
        ImportKind::Deals => Key::Deals,
    }
}

fn remembered_key(kind: ImportKind, headers: &[String]) -> String {
    format!("trato.import.{}.{}", kind.code(), crate::domain::search::fold(&headers.join("|")))
}

async fn read_file(input: web_sys::HtmlInputElement) -> Option<(String, Vec<u8>)> {
    let file = input.files()?.get(0)?;
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await.ok()?;
    Some((file.name(), js_sys::Uint8Array::new(&buffer).to_vec()))
}

fn currency() -> String {
    use_context::<crate::desk::context::SessionState>()
        .and_then(|s| s.session.with_untracked(|s| s.as_ref().map(|s| s.currency.clone())))
        .unwrap_or_else(|| "EUR".into())
}

/// The import page.
#[component]
pub fn ImportPage() -> impl IntoView {
    let i18n = use_i18n();
    let slot = store_slot();
    let kind = RwSignal::new(ImportKind::Accounts);
    let loaded = RwSignal::new(None::<Loaded>);
    let mapping = RwSignal::new(Vec::<Option<&'static str>>::new());
    let update_duplicates = RwSignal::new(true);
    let job = RwSignal::new(None::<Job>);
    let running = RwSignal::new(false);
    let finished = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let resumable = RwSignal::new(None::<Job>);
    let known = RwSignal::new(None::<crate::domain::import::Known>);
    let currency = currency();
    let currency_for_known = currency.clone();
    let opening = opened_store(slot);
    leptos::task::spawn_local(async move {
        let Some(store) = opening.await else { return };
        if let Some((saved, _)) = import_job::saved(&store).await {
            resumable.try_set(Some(saved));
        }
        known.try_set(Some(import_job::known(&store, &currency_for_known).await));
    });

    let guess = move || {
        let headers = loaded.with_untracked(|l| l.as_ref().map(|l| l.headers.clone())).unwrap_or_default();
        let k = kind.get_untracked();
        let saved = crate::browser::storage::get(&remembered_key(k, &headers));
        let remembered: Option<Vec<Option<&'static str>>> =
            saved.map(|codes| codes.split(',').map(|code| k.fields().iter().copied().find(|f| *f == code)).collect());
        mapping.set(remembered.filter(|m| m.len() == headers.len()).unwrap_or_else(|| guess_mapping(k, &headers)));
    };
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        problem.set(None);
        finished.set(false);
        job.set(None);
        leptos::task::spawn_local(async move {
            let Some((name, bytes)) = read_file(input).await else { return };
            let (text, encoding) = decode(&bytes);
            let (headers, rows) = read_rows(&text);
            if headers.is_empty() || rows.is_empty() {
                problem.try_set(Some(i18n.t(Key::ImportEmpty).into()));
                loaded.try_set(None);
                return;
            }
            let separator = separator(&text);
            loaded.try_set(Some(Loaded { name, text, encoding, separator, headers, rows }));
            guess();
        });
    };
    let preview = Memo::new(move |_| {
        let locale = i18n.locale();
        let k = kind.get();
        let m = mapping.get();
        let duplicates = if update_duplicates.get() { OnDuplicate::Update } else { OnDuplicate::Skip };
        known.with(|known| {
            let Some(known) = known else { return vec![] };
            loaded.with(|l| {
                l.as_ref()
                    .map(|l| {
                        l.rows
                            .iter()
                            .take(PREVIEW_ROWS)
                            .map(|row| match plan_row(k, &m, row, known, duplicates) {
                                Ok(Planned::Create(_)) => {
                                    (row.clone(), locale.t(Key::ImportWillCreate).to_string(), false)
                                }
                                Ok(Planned::Update(..)) => {
                                    (row.clone(), locale.t(Key::ImportWillUpdate).to_string(), false)
                                }
                                Ok(Planned::Skip(_)) => (row.clone(), locale.t(Key::ImportWillSkip).to_string(), false),
                                Err(problems) => (row.clone(), import_job::reason(locale, &problems), true),
                            })
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            })
        })
    });

    let launch = move |started: Job, text: String, rows: Vec<Vec<String>>, slot: StoreSlot| {
        running.set(true);
        finished.set(false);
        problem.set(None);
        job.set(Some(started.clone()));
        let locale = i18n.locale();
        let currency = currency.clone();
        leptos::task::spawn_local(async move {
            let Some(store) = store_of(slot) else { return };
            if started.batches_done == 0 {
                if let Err(error) = import_job::start(&store, &started, &text).await {
                    problem.try_set(Some(crate::ui::error::cache_error(&error)));
                    running.try_set(false);
                    return;
                }
            }
            let known = import_job::known(&store, &currency).await;
            let stopped = import_job::run(&store, started, &rows, known, locale, |now| {
                job.try_set(Some(now.clone()));
            })
            .await;
            match stopped {
                Stopped::Finished => {
                    import_job::forget(&store).await;
                    finished.try_set(true);
                }
                Stopped::Interrupted(error) => {
                    problem.try_set(Some(crate::ui::error::describe(locale, &error)));
                }
            }
            resumable.try_set(None);
            running.try_set(false);
        });
    };
    let launch_new = launch.clone();
    let begin = move |_| {
        let Some(file) = loaded.get_untracked() else { return };
        let k = kind.get_untracked();
        let codes: Vec<String> = mapping.get_untracked().iter().map(|m| m.unwrap_or_default().to_string()).collect();
        crate::browser::storage::set(&remembered_key(k, &file.headers), &codes.join(","));
        let started = Job {
            id: format!("imp-{}", crate::browser::ids::new_key()),
            kind: k.code().into(),
            file_name: file.name.clone(),
            mapping: codes,
            update_duplicates: update_duplicates.get_untracked(),
            total: file.rows.len(),
            ..Default::default()
        };
        launch_new(started, file.text, file.rows, slot);
    };
    let resume = move |_| {
        let Some(saved) = resumable.get_untracked() else { return };
        let launch = launch.clone();
        leptos::task::spawn_local(async move {
            let Some(store) = store_of(slot) else { return };
            let Some((_, text)) = import_job::saved(&store).await else { return };
            let (_, rows) = read_rows(&text);
            launch(saved, text, rows, slot);
        });
    };
    let discard = move |_| {
        resumable.set(None);
        leptos::task::spawn_local(async move {
            if let Some(store) = store_of(slot) {
                import_job::forget(&store).await;
            }
        });
    };
    let download_refused = move |_| {
        let headers = loaded.with_untracked(|l| l.as_ref().map(|l| l.headers.clone()));
        let Some(current) = job.get_untracked() else { return };
        let headers = headers.unwrap_or_else(|| current.mapping.clone());
        download(&format!("errores-{}", current.file_name), &refused_file(&headers, &current.refused));
    };
    let capabilities_import = store_of(slot).is_some_and(|s| s.capabilities().import);

    view! {
        <main id="main" class="customers-page import-page">
            <h1>{move || i18n.t(Key::ImportTitle)}</h1>
            {(!capabilities_import).then(|| view! { <p class="alert">{move || i18n.t(Key::ImportUnsupported)}</p> })}
            {move || resumable.get().filter(|_| !running.get()).map(|saved| {
                let locale = i18n.locale();
                let text = locale.tf(Key::ImportResume, &[
                    ("file", &saved.file_name),
                    ("done", &intl::number(locale, saved.done() as f64)),
                    ("total", &intl::number(locale, saved.total as f64)),
                ]);
                view! {
                    <div class="notice resume" role="status">
                        <p>{text}</p>
                        <button type="button" class="primary" on:click=resume.clone()>{locale.t(Key::ImportContinue)}</button>
                        <button type="button" class="secondary" on:click=discard>{locale.t(Key::ImportDiscard)}</button>
                    </div>
                }
            })}
            <section class="record-section" aria-labelledby="import-file-title">
                <h2 id="import-file-title">{move || i18n.t(Key::ImportFile)}</h2>
                <div class="field-row">
                    <Field label=Key::ImportWhat>
                        <select on:change=move |ev| {
                            if let Some(k) = ImportKind::from_code(&event_target_value(&ev)) {
                                kind.set(k);
                                guess();
                            }
                        }>
                            {[ImportKind::Accounts, ImportKind::Contacts, ImportKind::Deals].into_iter().map(|k| view! {
                                <option value=k.code() selected=move || kind.get() == k>{move || i18n.t(kind_key(k))}</option>
                            }).collect_view()}
                        </select>
                    </Field>
                    <Field label=Key::ImportCsvFile>
                        <input type="file" accept=".csv,text/csv,text/plain" on:change=on_file />
                    </Field>
                </div>
                {move || loaded.get().map(|l| {
                    let locale = i18n.locale();
                    let encoding = if l.encoding == Encoding::Utf8 { "UTF-8" } else { "Windows-1252" };
                    let separator = if l.separator == '\t' { "tab".to_string() } else { l.separator.to_string() };
                    view! {
                        <p class="muted">
                            {locale.tf(Key::ImportRead, &[
                                ("rows", &intl::number(locale, l.rows.len() as f64)),
                                ("encoding", encoding),
                                ("separator", &separator),
                            ])}
                        </p>
                    }
                })}
                {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
            </section>
            {move || loaded.get().map(|l| {
                let headers = l.headers.clone();
                view! {
                    <section class="record-section" aria-labelledby="import-map-title">
                        <h2 id="import-map-title">{move || i18n.t(Key::ImportMapping)}</h2>
                        <table class="customer-table mapping-table">
                            <thead><tr>
                                <th scope="col">{move || i18n.t(Key::ImportColumn)}</th>
                                <th scope="col">{move || i18n.t(Key::ImportExample)}</th>
                                <th scope="col">{move || i18n.t(Key::ImportGoesTo)}</th>
                            </tr></thead>
                            <tbody>
                                {headers.into_iter().enumerate().map(|(n, header)| {
                                    let example = l.rows.first().and_then(|r| r.get(n)).cloned().unwrap_or_default();
                                    let label = header.clone();
                                    view! {
                                        <tr>
                                            <th scope="row">{header}</th>
                                            <td class="muted">{example}</td>
                                            <td>
                                                <select aria-label=label on:change=move |ev| {
                                                    let code = event_target_value(&ev);
                                                    let field = kind.get_untracked().fields().iter().copied().find(|f| *f == code);
                                                    mapping.update(|m| if let Some(slot) = m.get_mut(n) { *slot = field; });
                                                }>
                                                    <option value="">{move || i18n.t(Key::ImportSkipColumn)}</option>
                                                    {move || kind.get().fields().iter().copied().map(|field| {
                                                        let chosen = move || mapping.with(|m| m.get(n).copied().flatten() == Some(field));
                                                        view! { <option value=field selected=chosen>{move || i18n.t(field_key(field))}</option> }
                                                    }).collect_view()}
                                                </select>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        <fieldset class="duplicates-choice">
                            <legend>{move || i18n.t(Key::ImportDuplicates)}</legend>
                            <label class="check"><input type="radio" name="duplicates" prop:checked=move || update_duplicates.get() on:change=move |_| update_duplicates.set(true) /><span>{move || i18n.t(Key::ImportUpdate)}</span></label>
                            <label class="check"><input type="radio" name="duplicates" prop:checked=move || !update_duplicates.get() on:change=move |_| update_duplicates.set(false) /><span>{move || i18n.t(Key::ImportSkip)}</span></label>
                        </fieldset>
                        <h3>{move || i18n.t(Key::ImportPreview)}</h3>
                        <ol class="preview">
                            {move || preview.get().into_iter().map(|(row, said, wrong)| view! {
                                <li class:refused=wrong>
                                    <span class="preview-row">{row.join(" · ")}</span>
                                    <span class=if wrong { "field-error" } else { "muted" }>{said}</span>
                                </li>
                            }).collect_view()}
                        </ol>
                        <button type="button" class="primary" disabled=move || running.get() || !capabilities_import on:click=begin.clone()>
                            {move || { let locale = i18n.locale(); locale.tf(Key::ImportStart, &[("rows", &intl::number(locale, l.rows.len() as f64))]) }}
                        </button>
                    </section>
                }
            })}
            {move || job.get().map(|current| {
                let locale = i18n.locale();
                let base = ImportKind::from_code(&current.kind).map(|k| format!("/{}", k.code())).unwrap_or_default();
                view! {
                    <section class="record-section" aria-labelledby="import-progress-title">
                        <h2 id="import-progress-title">{locale.t(if finished.get() { Key::ImportDone } else { Key::ImportRunning })}</h2>
                        <progress max=current.total.to_string() value=current.done().to_string() aria-labelledby="import-progress-title"></progress>
                        <p role="status">
                            {locale.tf(Key::ImportCounts, &[
                                ("done", &intl::number(locale, current.done() as f64)),
                                ("total", &intl::number(locale, current.total as f64)),
                                ("created", &intl::number(locale, current.created as f64)),
                                ("updated", &intl::number(locale, current.updated as f64)),
                                ("skipped", &intl::number(locale, current.skipped as f64)),
                                ("refused", &intl::number(locale, current.refused.len() as f64)),
                            ])}
                        </p>
                        {(!current.refused.is_empty()).then(|| view! {
                            <button type="button" class="secondary" on:click=download_refused>{locale.t(Key::ImportDownloadRefused)}</button>
                        })}
                        {finished.get().then(|| view! { <A href=base>{locale.t(Key::ImportSeeList)}</A> })}
                    </section>
                }
            })}
        </main>
    }
}
