//! The help centre's state (one value behind [`Help::update`], which redraws), its pages and what they load.

use crate::connector::portal::PortalOp;
use crate::i18n::Locale;
use crate::portal::state::client;
use crate::ui::drawn::Loaded;
use std::cell::RefCell;
use std::rc::Rc;
use trato_protocol::{Article, Category, Customer};

/// A page of the help centre.
#[derive(Clone, Debug, PartialEq)]
pub enum Page {
    /// The knowledge base: search, categories, articles.
    Home,
    /// One article, by id.
    Article(String),
}

impl Page {
    /// The page at `path`, when it is one of the help centre's.
    pub fn of_path(path: &str) -> Option<Page> {
        let rest = path.strip_prefix("/portal")?;
        if rest.is_empty() || rest == "/" {
            return Some(Page::Home);
        }
        let id = rest.strip_prefix("/kb/")?.trim_end_matches('/');
        if id.is_empty() || id.contains('/') {
            return None;
        }
        // Decoded after splitting: an id may hold an encoded `/`.
        let id = js_sys::decode_uri_component(id).ok()?.as_string()?;
        Some(Page::Article(id))
    }

    /// The page the address bar shows (the home page for anything else).
    pub fn current() -> Page {
        let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
        Page::of_path(&path).unwrap_or(Page::Home)
    }

    /// Its address.
    pub fn path(&self) -> String {
        match self {
            Page::Home => "/portal".into(),
            Page::Article(id) => format!("/portal/kb/{}", crate::connector::trato::encode_component(id)),
        }
    }
}

/// Everything the help centre shows.
#[derive(Clone, Debug, Default)]
pub struct State {
    /// The language of the texts.
    pub locale: Locale,
    /// The signed-in customer, if any.
    pub customer: Option<Customer>,
    /// The page shown.
    pub page: Option<Page>,
    /// The words of the last search.
    pub search: String,
    /// The chosen category.
    pub category: Option<String>,
    /// The categories (empty until they arrive).
    pub categories: Vec<Category>,
    /// The articles of the search or category.
    pub articles: Loaded<Vec<Article>>,
    /// The article of an article page.
    pub article: Loaded<Article>,
    /// Whether the reader answered "was this helpful?".
    pub voted: bool,
}

/// The help centre: its state, redrawn on every change.
#[derive(Clone)]
pub struct Help(Rc<RefCell<State>>);

impl Help {
    /// A help centre in the device's language.
    pub fn new() -> Help {
        Help(Rc::new(RefCell::new(State { locale: crate::ui::locale::initial_locale(), ..State::default() })))
    }

    /// Reads the state.
    pub fn with<R>(&self, read: impl FnOnce(&State) -> R) -> R {
        read(&self.0.borrow())
    }

    /// Changes the state without redrawing (what the reader is typing).
    pub fn quietly(&self, change: impl FnOnce(&mut State)) {
        change(&mut self.0.borrow_mut());
    }

    /// Changes the state, then redraws.
    pub fn update(&self, change: impl FnOnce(&mut State)) {
        change(&mut self.0.borrow_mut());
        self.render();
    }

    /// Opens `page` (adding it to the history when `push`), and loads what it shows.
    pub fn open(&self, page: Page, push: bool) {
        if push {
            if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
                let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&page.path()));
            }
        }
        let first = self.with(|s| s.page.is_none());
        match &page {
            Page::Home => {
                self.update(|s| s.page = Some(Page::Home));
                if first {
                    self.load_categories();
                }
                self.load_articles();
            }
            Page::Article(id) => {
                self.update(|s| {
                    s.page = Some(page.clone());
                    s.article = Loaded::Loading;
                    s.voted = false;
                });
                let (help, id) = (self.clone(), id.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let answer = client().ask(PortalOp::article(id)).await;
                    help.update(|s| s.article = loaded(s.locale, answer, true));
                });
            }
        }
        if !first {
            crate::browser::dom::focus_main();
        }
    }

    fn load_categories(&self) {
        let help = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if let Ok(list) = client().ask(PortalOp::categories()).await {
                help.update(|s| s.categories = list);
            }
        });
    }

    /// Asks for the articles of the current search and category.
    pub fn load_articles(&self) {
        let (search, category) = self.with(|s| (s.search.trim().to_string(), s.category.clone()));
        self.update(|s| s.articles = Loaded::Loading);
        let help = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let search = Some(search).filter(|s| !s.is_empty());
            let answer = client().ask(PortalOp::articles(search, category, None)).await;
            help.update(|s| s.articles = loaded(s.locale, answer, false));
        });
    }
}

/// An answer as something to show; a missing article is said so.
fn loaded<T>(locale: Locale, answer: Result<T, crate::connector::ConnectorError>, one_article: bool) -> Loaded<T> {
    match answer {
        Ok(value) => Loaded::Ready(value),
        Err(crate::connector::ConnectorError::NotFound(_)) if one_article => {
            Loaded::Failed(locale.t(crate::i18n::Key::ArticleNotFound).into())
        }
        Err(error) => Loaded::Failed(crate::ui::error::describe(locale, &error)),
    }
}
