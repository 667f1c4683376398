//! Drawing the help centre: the whole page from the state, each time it changes (it is small), keeping the
//! focus where it was; the knowledge base page and the article page.

use super::state::{Help, Page, State};
use crate::browser::dom::{self, El};
use crate::connector::portal::PortalOp;
use crate::i18n::Key;
use crate::portal::state::client;
use crate::ui::drawn::{alert, article_body, main_element, status, Loaded};
use trato_protocol::Article;
use wasm_bindgen::JsCast;

impl Help {
    /// Draws the page from the state; the control that had the focus (by its `data-key`) gets it back.
    pub fn render(&self) {
        let state = self.with(State::clone);
        let current = state.page.as_ref().map(Page::path).unwrap_or_default();
        let help = self.clone();
        let chosen = move |locale| help.update(|s| s.locale = locale);
        crate::portal::bar::draw_page(state.locale, state.customer.as_ref(), &current, chosen, || match &state.page {
            Some(Page::Article(_)) => article_page(self, &state),
            _ => home_page(self, &state),
        });
    }
}

fn home_page(help: &Help, state: &State) -> El {
    let t = |key| state.locale.t(key);
    let typing = help.clone();
    let input = El::new("input").attr("type", "search").attr("data-key", "search").attr("value", &state.search).on(
        "input",
        move |event| {
            let value = event.target().map(|t| dom::value(&t.unchecked_into())).unwrap_or_default();
            // Kept without redrawing: the field is being typed in.
            typing.quietly(|s| s.search = value);
        },
    );
    let searching = help.clone();
    let form = El::new("form")
        .class("kb-search")
        .attr("role", "search")
        .child(El::new("label").class("field").child(El::new("span").text(t(Key::SearchArticles))).child(input))
        .child(El::new("button").attr("type", "submit").class("primary").text(t(Key::Search)))
        .on("submit", move |event| {
            event.prevent_default();
            searching.load_articles();
        });
    let chip = |id: Option<String>, label: String| {
        let pressed = state.category == id;
        let key = format!("category:{}", id.as_deref().unwrap_or(""));
        let help = help.clone();
        El::new("button")
            .attr("type", "button")
            .class("chip")
            .attr("aria-pressed", if pressed { "true" } else { "false" })
            .attr("data-key", &key)
            .text(&label)
            .on("click", move |_| {
                help.quietly(|s| s.category = id.clone());
                help.load_articles();
            })
    };
    let mut categories = El::new("nav")
        .class("categories")
        .attr("aria-label", t(Key::Categories))
        .child(chip(None, t(Key::AllCategories).to_string()));
    for category in &state.categories {
        categories =
            categories.child(chip(Some(category.id.clone()), format!("{} ({})", category.name, category.articles)));
    }
    let articles = match &state.articles {
        Loaded::Loading => status(t(Key::Loading)),
        Loaded::Failed(reason) => alert(reason),
        Loaded::Ready(list) if list.is_empty() => status(t(Key::NoArticles)).class("muted"),
        Loaded::Ready(list) => {
            let mut ul = El::new("ul").class("article-list");
            for article in list {
                let link = El::new("a").attr("href", &Page::Article(article.id.clone()).path()).text(&article.title);
                ul = ul.child(El::new("li").child(link));
            }
            ul
        }
    };
    let signed_out = state.customer.is_none();
    let cta = El::new("section")
        .class("cta")
        .child(El::new("h2").text(t(Key::StillNeedHelp)))
        .child(El::new("a").attr("href", "/portal/cases/new").class("button secondary").text(t(Key::NewCase)))
        .maybe(signed_out.then(|| El::new("p").class("muted").text(t(Key::SignInToOpenCase))));
    main_element("portal-page")
        .child(El::new("h1").text(t(Key::HelpCenterTitle)))
        .child(El::new("p").class("muted").text(t(Key::HelpCenterIntro)))
        .child(form)
        .child(categories)
        .child(articles)
        .child(cta)
}

fn article_page(help: &Help, state: &State) -> El {
    let t = |key| state.locale.t(key);
    let back = El::new("p").child(El::new("a").attr("href", "/portal").text(t(Key::BackToHelpCenter)));
    let page = main_element("portal-page article-page").child(back);
    match &state.article {
        Loaded::Loading => page.child(status(t(Key::Loading))),
        Loaded::Failed(reason) => page.child(alert(reason)),
        Loaded::Ready(article) => page.child(article_view(article)).child(feedback(help, state, &article.id)),
    }
}

fn article_view(article: &Article) -> El {
    El::new("article").child(El::new("h1").text(&article.title)).child(article_body(&article.body, article.format))
}

fn feedback(help: &Help, state: &State, id: &str) -> El {
    let t = |key| state.locale.t(key);
    let section = El::new("section").class("helpful").attr("aria-live", "polite");
    if state.voted {
        return section.child(El::new("p").text(t(Key::ThanksForFeedback)));
    }
    let vote = |helpful: bool, key: Key| {
        let (help, id) = (help.clone(), id.to_string());
        El::new("button").attr("type", "button").class("secondary").text(t(key)).on("click", move |_| {
            help.update(|s| s.voted = true);
            let id = id.clone();
            // A vote that does not arrive is not worth troubling the reader about.
            wasm_bindgen_futures::spawn_local(async move {
                let _ = client().ask(PortalOp::feedback(id, helpful)).await;
            });
        })
    };
    section.child(El::new("h2").text(t(Key::WasItHelpful))).child(vote(true, Key::Yes)).child(vote(false, Key::No))
}
