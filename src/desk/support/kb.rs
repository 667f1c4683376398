//! Knowledge base editing: the list of articles (drafts included, with their votes and deflections) and an
//! editor to write, preview and publish one. Bodies are plain text or the safe markup subset.

use super::common::{ask, store};
use crate::connector::support::SupportOp;
use crate::i18n::{intl, Key};
use crate::ui::error::{describe, ErrorMessage};
use crate::ui::field::Field;
use crate::ui::locale::use_i18n;
use crate::ui::markup::Markup;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use trato_protocol::*;

/// The article list and the editor.
#[component]
pub fn KnowledgeBaseEditor() -> impl IntoView {
    let i18n = use_i18n();
    let store = store();
    let articles = LocalResource::new(move || ask(store, SupportOp::articles(None)));
    let categories = RwSignal::new(Vec::<Category>::new());
    let editing = RwSignal::new(None::<Option<Article>>);
    leptos::task::spawn_local(async move {
        if let Ok(list) = ask(store, SupportOp::categories()).await {
            categories.try_set(list);
        }
    });
    let load = move || articles.refetch();
    let category_name =
        move |id: &str| categories.with(|c| c.iter().find(|c| c.id == id).map(|c| c.name.clone())).unwrap_or_default();
    view! {
        <main id="main" class="support-page">
            <div class="page-head">
                <h1>{move || i18n.t(Key::KnowledgeBase)}</h1>
                <button type="button" class="primary" on:click=move |_| editing.set(Some(None))>{move || i18n.t(Key::NewArticle)}</button>
            </div>
            {move || editing.get().map(|article| {
                view! { <ArticleEditor article=article categories=categories store=store on_done=move || { editing.try_set(None); load(); } /> }
            })}
            <Transition fallback=|| view! { <crate::ui::status::Skeleton /> }>
            {move || Suspend::new(async move { match articles.await {
                Err(e) => view! { <ErrorMessage message=describe(i18n.0.get_untracked(), &e) /> }.into_any(),
                Ok(list) => view! {
                    <table class="queue-table">
                        <caption class="visually-hidden">{move || i18n.t(Key::KnowledgeBase)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{move || i18n.t(Key::TitleLabel)}</th>
                                <th scope="col">{move || i18n.t(Key::CategoryLabel)}</th>
                                <th scope="col">{move || i18n.t(Key::StatusLabel)}</th>
                                <th scope="col">{move || i18n.t(Key::Helpful)}</th>
                                <th scope="col">{move || i18n.t(Key::Deflections)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {list.into_iter().map(|article| {
                                let for_edit = article.clone();
                                let category = article.category_id.clone();
                                let published = article.status == ArticleStatus::Published;
                                let (helpful, unhelpful, deflections) = (article.helpful, article.unhelpful, article.deflections);
                                view! {
                                    <tr>
                                        <td>
                                            <button type="button" class="link-button" on:click=move |_| editing.set(Some(Some(for_edit.clone())))>
                                                {article.title.clone()}
                                            </button>
                                        </td>
                                        <td>{move || category_name(&category)}</td>
                                        <td>{move || if published { i18n.t(Key::Published) } else { i18n.t(Key::Draft) }}</td>
                                        <td>{move || format!("{} / {}", intl::number(i18n.locale(), helpful as f64), intl::number(i18n.locale(), unhelpful as f64))}</td>
                                        <td>{move || intl::number(i18n.locale(), deflections as f64)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any(),
            }})}
            </Transition>
        </main>
    }
}

/// Writes a new article or edits one, with a live preview.
#[component]
fn ArticleEditor(
    article: Option<Article>,
    categories: RwSignal<Vec<Category>>,
    store: super::common::StoreValue,
    on_done: impl Fn() + Clone + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let existing = article.as_ref().map(|a| (a.id.clone(), a.version));
    let is_edit = existing.is_some();
    let title = RwSignal::new(article.as_ref().map(|a| a.title.clone()).unwrap_or_default());
    let body = RwSignal::new(article.as_ref().map(|a| a.body.clone()).unwrap_or_default());
    let category = RwSignal::new(
        article
            .as_ref()
            .map(|a| a.category_id.clone())
            .or_else(|| categories.with_untracked(|c| c.first().map(|c| c.id.clone())))
            .unwrap_or_default(),
    );
    let format = RwSignal::new(article.as_ref().map(|a| a.format).unwrap_or(ArticleFormat::Markup));
    let published = RwSignal::new(article.as_ref().is_some_and(|a| a.status == ArticleStatus::Published));
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let on_submit = {
        let on_done = on_done.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let status = if published.get_untracked() { ArticleStatus::Published } else { ArticleStatus::Draft };
            let new = NewArticle {
                category_id: category.get_untracked(),
                title: title.get_untracked(),
                body: body.get_untracked(),
                format: format.get_untracked(),
                status,
            };
            if !new.errors().is_empty() {
                error.set(Some(i18n.t(Key::FixFields).into()));
                return;
            }
            let ask_for = match &existing {
                Some((id, version)) => SupportOp::update_article(
                    id.clone(),
                    Some(*version),
                    ArticlePatch {
                        category_id: Some(new.category_id),
                        title: Some(new.title),
                        body: Some(new.body),
                        format: Some(new.format),
                        status: Some(new.status),
                    },
                ),
                None => SupportOp::create_article(new),
            };
            busy.set(true);
            let on_done = on_done.clone();
            leptos::task::spawn_local(async move {
                match ask(store, ask_for).await {
                    Ok(_article) => on_done(),
                    Err(e) => {
                        error.try_set(Some(describe(i18n.0.get_untracked(), &e)));
                    }
                }
                busy.try_set(false);
            });
        }
    };
    view! {
        <form class="kb-editor side" on:submit=on_submit>
            <h2>{move || if is_edit { i18n.t(Key::EditArticle) } else { i18n.t(Key::NewArticle) }}</h2>
            <Field label=Key::TitleLabel>
                <input type="text" required maxlength=MAX_SUBJECT.to_string() bind:value=title />
            </Field>
            <div class="field-row">
                <Field label=Key::CategoryLabel>
                    <select on:change=move |ev| category.set(event_target_value(&ev))>
                        <For each=move || categories.get() key=|c| c.id.clone() let:item>
                            {
                                let id = item.id.clone();
                                view! { <option value=item.id.clone() selected=move || category.get() == id>{item.name.clone()}</option> }
                            }
                        </For>
                    </select>
                </Field>
                <Field label=Key::FormatLabel>
                    <select on:change=move |ev| format.set(if event_target_value(&ev) == "text" { ArticleFormat::Text } else { ArticleFormat::Markup })>
                        <option value="markup" selected=move || format.get() == ArticleFormat::Markup>{move || i18n.t(Key::FormatMarkup)}</option>
                        <option value="text" selected=move || format.get() == ArticleFormat::Text>{move || i18n.t(Key::FormatText)}</option>
                    </select>
                </Field>
            </div>
            <Field label=Key::BodyLabel>
                <textarea rows="10" required maxlength=MAX_BODY.to_string() bind:value=body></textarea>
            </Field>
            <p class="muted">{move || i18n.t(Key::MarkupHelp)}</p>
            <label class="check">
                <input type="checkbox" bind:checked=published />
                <span>{move || i18n.t(Key::PublishInPortal)}</span>
            </label>
            <section aria-label=move || i18n.t(Key::Preview)>
                <h3>{move || i18n.t(Key::Preview)}</h3>
                {move || view! { <Markup body=body.get() format=format.get() /> }}
            </section>
            {move || error.get().map(|message| view! { <ErrorMessage message=message /> })}
            <div class="actions">
                <button type="button" class="secondary" on:click=move |_| on_done()>{move || i18n.t(Key::Cancel)}</button>
                <button type="submit" class="primary" disabled=move || busy.get()>{move || i18n.t(Key::Save)}</button>
            </div>
        </form>
    }
}
