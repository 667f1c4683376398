//! The help center: knowledge base search and categories (open to everyone), and article pages with
//! "was this helpful?".

use super::session::{ask, PortalState};
use crate::connector::portal::PortalOp;
use crate::connector::ConnectorError;
use crate::i18n::Key;
use crate::ui::error::{describe, ErrorMessage};
use crate::ui::field::Field;
use crate::ui::locale::use_i18n;
use crate::ui::markup::Markup;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use trato_protocol::*;

fn article_href(id: &str) -> String {
    format!("/portal/kb/{}", crate::connector::trato::encode_component(id))
}

/// Search, categories and the articles of the chosen category or search.
#[component]
pub fn KnowledgeBasePage() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<PortalState>();
    let search = RwSignal::new(String::new());
    let category = RwSignal::new(None::<String>);
    let categories = RwSignal::new(Vec::<Category>::new());
    // Asked again when a category is picked or the words are submitted.
    let asked = RwSignal::new(0u32);
    let articles = LocalResource::new(move || {
        asked.track();
        let search = Some(search.get_untracked()).filter(|s| !s.trim().is_empty());
        ask(PortalOp::articles(search, category.get_untracked(), None))
    });
    let load = move || asked.update(|n| *n += 1);
    leptos::task::spawn_local(async move {
        if let Ok(list) = ask(PortalOp::categories()).await {
            categories.try_set(list);
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        load();
    };
    view! {
        <main id="main" class="portal-page">
            <h1>{move || i18n.t(Key::HelpCenterTitle)}</h1>
            <p class="muted">{move || i18n.t(Key::HelpCenterIntro)}</p>
            <form class="kb-search" role="search" on:submit=on_submit>
                <Field label=Key::SearchArticles>
                    <input type="search" bind:value=search />
                </Field>
                <button type="submit" class="primary">{move || i18n.t(Key::Search)}</button>
            </form>
            <nav class="categories" aria-label=move || i18n.t(Key::Categories)>
                <button
                    type="button"
                    class="chip"
                    aria-pressed=move || category.with(Option::is_none).to_string()
                    on:click=move |_| {
                        category.set(None);
                        load();
                    }
                >
                    {move || i18n.t(Key::AllCategories)}
                </button>
                <For each=move || categories.get() key=|c| c.id.clone() let:item>
                    {
                        let id = item.id.clone();
                        let id_pressed = item.id.clone();
                        view! {
                            <button
                                type="button"
                                class="chip"
                                aria-pressed=move || (category.get().as_deref() == Some(id_pressed.as_str())).to_string()
                                on:click=move |_| {
                                    category.set(Some(id.clone()));
                                    load();
                                }
                            >
                                {format!("{} ({})", item.name, item.articles)}
                            </button>
                        }
                    }
                </For>
            </nav>
            <Transition fallback=move || view! { <p role="status">{move || i18n.t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match articles.await {
                        Err(e) => view! { <ErrorMessage message=describe(i18n.0.get_untracked(), &e) /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="muted" role="status">{move || i18n.t(Key::NoArticles)}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="article-list">
                                {list.into_iter().map(|a| view! { <li><A href=article_href(&a.id)>{a.title.clone()}</A></li> }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
            <section class="cta">
                <h2>{move || i18n.t(Key::StillNeedHelp)}</h2>
                <A href="/portal/cases/new" attr:class="button secondary">{move || i18n.t(Key::NewCase)}</A>
                <Show when=move || state.customer.with(Option::is_none)>
                    <p class="muted">{move || i18n.t(Key::SignInToOpenCase)}</p>
                </Show>
            </section>
        </main>
    }
}

/// One article with "was this helpful?".
#[component]
pub fn ArticlePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let article = LocalResource::new(move || ask(PortalOp::article(id.get())));
    view! {
        <main id="main" class="portal-page article-page">
            <p><A href="/portal">{move || i18n.t(Key::BackToHelpCenter)}</A></p>
            <Transition fallback=move || view! { <p role="status">{move || i18n.t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match article.await {
                        Ok(found) => view! { <ArticleView article=found /> }.into_any(),
                        Err(ConnectorError::NotFound(_)) => view! { <ErrorMessage message=i18n.t_untracked(Key::ArticleNotFound).to_string() /> }.into_any(),
                        Err(e) => view! { <ErrorMessage message=describe(i18n.0.get_untracked(), &e) /> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

/// A loaded article and its vote.
#[component]
fn ArticleView(article: Article) -> impl IntoView {
    let i18n = use_i18n();
    let voted = RwSignal::new(false);
    let id = article.id.clone();
    let vote = move |helpful: bool| {
        voted.set(true);
        let id = id.clone();
        leptos::task::spawn_local(async move {
            // A vote that does not arrive is not worth troubling the reader about.
            let _ = ask(PortalOp::feedback(id, helpful)).await;
        });
    };
    let vote_no = vote.clone();
    view! {
        <article>
            <h1>{article.title.clone()}</h1>
            <Markup body=article.body.clone() format=article.format />
        </article>
        <section class="helpful" aria-live="polite">
            <Show
                when=move || !voted.get()
                fallback=move || view! { <p>{move || i18n.t(Key::ThanksForFeedback)}</p> }
            >
                <h2>{move || i18n.t(Key::WasItHelpful)}</h2>
                <button type="button" class="secondary" on:click={
                    let vote = vote.clone();
                    move |_| vote(true)
                }>{move || i18n.t(Key::Yes)}</button>
                <button type="button" class="secondary" on:click={
                    let vote = vote_no.clone();
                    move |_| vote(false)
                }>{move || i18n.t(Key::No)}</button>
            </Show>
        </section>
    }
}
