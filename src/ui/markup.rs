//! Renders a knowledge base article body (plain text or the safe markup subset) as elements and text nodes.

use crate::domain::markup::{self, Block, Inline};
use leptos::prelude::*;
use trato_protocol::ArticleFormat;

fn inlines(parts: Vec<Inline>) -> impl IntoView {
    parts
        .into_iter()
        .map(|part| match part {
            Inline::Text(text) => text.into_any(),
            Inline::Bold(text) => view! { <strong>{text}</strong> }.into_any(),
            Inline::Link { text, href } => view! { <a href=href rel="noopener noreferrer">{text}</a> }.into_any(),
        })
        .collect_view()
}

/// An article body; user text is only ever text, links only ever safe addresses.
#[component]
pub fn Markup(#[prop(into)] body: String, format: ArticleFormat) -> impl IntoView {
    let blocks = match format {
        ArticleFormat::Markup => markup::parse(&body),
        ArticleFormat::Text => markup::plain(&body),
    };
    view! {
        <div class="article-body">
            {blocks
                .into_iter()
                .map(|block| match block {
                    Block::Heading(parts) => view! { <h2>{inlines(parts)}</h2> }.into_any(),
                    Block::Paragraph(parts) => view! { <p>{inlines(parts)}</p> }.into_any(),
                    Block::List(items) => {
                        view! { <ul>{items.into_iter().map(|item| view! { <li>{inlines(item)}</li> }).collect_view()}</ul> }
                            .into_any()
                    }
                })
                .collect_view()}
        </div>
    }
}
