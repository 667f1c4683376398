//! The help center: knowledge base search and categories (open to everyone), and article pages with
//! "was this helpful?".

use super::{run, PortalState};
use crate::connector::portal::{PortalOp, PortalReply};
use crate::connector::ConnectorError;
use crate::i18n::Key;
use crate::ui::error::{describe, ErrorMessage};
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
    let articles = RwSignal::new(None::<Vec<Article>>);
    let error = RwSignal::new(None::<String>);
    let load = move || {
        let op = PortalOp::Articles {
            search: Some(search.get_untracked()).filter(|s| !s.trim().is_empty()),
            category: category.get_untracked(),
            limit: None,
        };
        leptos::task::spawn_local(async move {
            match run(op).await {
                Ok(PortalReply::Articles(list)) => {
                    articles.set(Some(list));
                    error.set(None);
                }
                Ok(_) => {}
                Err(e) => error.set(Some(describe(i18n.0.get_untracked(), &e))),
            }
        });
    };
    leptos::task::spawn_local(async move {
        if let Ok(PortalReply::Categories(list)) = run(PortalOp::Categories).await {
            categories.set(list);
        }
    });
    load();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        load();
    };
    view! {
        <main id="main" class="portal-page">
            <h1>{move || i18n.t(Key::HelpCenterTitle)}</h1>
            <p class="muted">{move || i18n.t(Key::HelpCenterIntro)}</p>
            <form class="kb-search" role="search" on:submit=on_submit>
                <label class="field">
                    <span>{move || i18n.t(Key::SearchArticles)}</span>
                    <input type="search" bind:value=search />
                </label>
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
            {move || error.get().map(|message| view! { <ErrorMessage message=message /> })}
            {move || match articles.get() {
                None => view! { <p role="status">{move || i18n.t(Key::Loading)}</p> }.into_any(),
                Some(list) if list.is_empty() => view! { <p class="muted" role="status">{move || i18n.t(Key::NoArticles)}</p> }.into_any(),
                Some(list) => view! {
                    <ul class="article-list">
                        {list.into_iter().map(|a| view! { <li><A href=article_href(&a.id)>{a.title.clone()}</A></li> }).collect_view()}
                    </ul>
                }
                .into_any(),
            }}
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
    let article = RwSignal::new(None::<Article>);
    let error = RwSignal::new(None::<String>);
    let voted = RwSignal::new(false);
    Effect::new(move |_| {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        leptos::task::spawn_local(async move {
            match run(PortalOp::Article(id)).await {
                Ok(PortalReply::Article(a)) => article.set(Some(a)),
                Ok(_) => {}
                Err(ConnectorError::NotFound(_)) => error.set(Some(i18n.t(Key::ArticleNotFound).into())),
                Err(e) => error.set(Some(describe(i18n.0.get_untracked(), &e))),
            }
        });
    });
    let vote = move |helpful: bool| {
        let Some(id) = article.with_untracked(|a| a.as_ref().map(|a| a.id.clone())) else { return };
        voted.set(true);
        leptos::task::spawn_local(async move {
            let _ = run(PortalOp::Feedback { id, helpful }).await;
        });
    };
    view! {
        <main id="main" class="portal-page article-page">
            <p><A href="/portal">{move || i18n.t(Key::BackToHelpCenter)}</A></p>
            {move || error.get().map(|message| view! { <ErrorMessage message=message /> })}
            {move || article.get().map(|a| view! {
                <article>
                    <h1>{a.title.clone()}</h1>
                    <Markup body=a.body.clone() format=a.format />
                </article>
            })}
            <Show when=move || article.with(Option::is_some)>
                <section class="helpful" aria-live="polite">
                    <Show
                        when=move || !voted.get()
                        fallback=move || view! { <p>{move || i18n.t(Key::ThanksForFeedback)}</p> }
                    >
                        <h2>{move || i18n.t(Key::WasItHelpful)}</h2>
                        <button type="button" class="secondary" on:click=move |_| vote(true)>{move || i18n.t(Key::Yes)}</button>
                        <button type="button" class="secondary" on:click=move |_| vote(false)>{move || i18n.t(Key::No)}</button>
                    </Show>
                </section>
            </Show>
        </main>
    }
}
