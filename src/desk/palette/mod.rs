//! The command palette (Ctrl+K, ⌘K on a Mac, or the search button): jump to any deal, account, contact or case,
//! or run an action, by typing part of a name, a number, an account, a contact, an e-mail or a phone. Deals,
//! accounts and contacts come from the cache, so the palette works offline; their index is kept between openings
//! and built again only after the cache changed (in the background, a moment after the desk starts, so the first
//! opening is quick too). Cases come from the backend, or offline from the copy kept of its last answer. `?`
//! lists every shortcut.

mod shortcuts;
mod targets;

use crate::desk::context::use_store;
use crate::domain::search::{search_all, SearchIndex};
use crate::i18n::Key;
use crate::store::StoreEvent;
use crate::ui::locale::use_i18n;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use targets::{Action, Jump};
use wasm_bindgen::JsCast;

/// Results shown at most.
const SHOWN: usize = 12;

/// Whether a key press happens while the person is typing (then single-key shortcuts stay letters).
fn typing(ev: &web_sys::KeyboardEvent) -> bool {
    ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|el| {
        matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || el.has_attribute("contenteditable")
    })
}

/// The palette's dialog, its search button, the shortcuts list, and the keys that open them.
#[component]
pub fn CommandPalette() -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let location = use_location();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let input = NodeRef::<leptos::html::Input>::new();
    let shortcuts = NodeRef::<leptos::html::Dialog>::new();
    let query = RwSignal::new(String::new());
    let active = RwSignal::new(0usize);
    let actions_index = StoredValue::new_local(SearchIndex::<Jump>::new());
    let records_index = StoredValue::new_local(SearchIndex::<Jump>::new());
    let cases_index = StoredValue::new_local(SearchIndex::<Jump>::new());
    // Bumped when an index is rebuilt, so the results follow.
    let built = RwSignal::new(0u32);
    // The cached records changed since the records' index was built (it starts unbuilt).
    let stale = StoredValue::new(true);
    let building = StoredValue::new(false);

    let deal_open = move || location.pathname.with_untracked(|p| p.starts_with("/deals/"));
    // Taken now: the keys that open the palette run outside the component.
    let store = StoredValue::new_local(use_store());
    let session_state = use_context::<crate::desk::context::SessionState>();
    let build_records = move || {
        if building.get_value() || !stale.get_value() {
            return;
        }
        building.set_value(true);
        stale.set_value(false);
        // The cache may not be open yet when the desk starts on another page than the board.
        let session = session_state.and_then(|state| state.session.get_untracked());
        let current = store.get_value();
        let opening = async move { crate::desk::context::opened(current?, session, false).await };
        leptos::task::spawn_local(async move {
            let Some(store) = opening.await else {
                building.try_set_value(false);
                stale.try_set_value(true);
                return;
            };
            let board = store.board().await.unwrap_or_default();
            let accounts = store.accounts().await.unwrap_or_default();
            let contacts = store.contacts().await.unwrap_or_default();
            records_index.try_set_value(targets::records(&board, &accounts, &contacts));
            building.try_set_value(false);
            built.try_update(|n| *n += 1);
        });
    };
    if let Some(watched) = store.get_value() {
        let listener = watched.subscribe(move |event| {
            if !matches!(event, StoreEvent::Status(_) | StoreEvent::MoveRefused { .. }) {
                stale.try_set_value(true);
            }
        });
        let watched = StoredValue::new_local(watched);
        on_cleanup(move || {
            watched.try_with_value(|store| store.unsubscribe(listener));
        });
    }
    // Built ahead, once the first screen is drawn and read whole.
    set_timeout(build_records, std::time::Duration::from_millis(3000));
    let rebuild = move || {
        let Some(store) = store.get_value() else { return };
        let locale = i18n.0.get_untracked();
        let deal_open = deal_open();
        build_records();
        leptos::task::spawn_local(async move {
            let pipelines = crate::store::BoardData {
                pipelines: store.pipelines().await.unwrap_or_default(),
                ..Default::default()
            };
            actions_index.try_set_value(targets::actions(locale, &pipelines, deal_open));
            built.try_update(|n| *n += 1);
            if store.capabilities().cases {
                if let Ok(cases) = store.cases_seen().await {
                    cases_index.try_set_value(targets::cases(&cases));
                    built.try_update(|n| *n += 1);
                }
            }
        });
    };
    let open = move || {
        query.set(String::new());
        active.set(0);
        rebuild();
        if let Some(dialog) = dialog.get() {
            let _ = dialog.show_modal();
        }
        if let Some(input) = input.get() {
            let _ = input.focus();
        }
    };
    let close = move || {
        if let Some(dialog) = dialog.get() {
            dialog.close();
        }
    };
    let open_shortcuts = move || {
        if let Some(shortcuts) = shortcuts.get() {
            let _ = shortcuts.show_modal();
        }
    };
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.default_prevented() {
            return;
        }
        let key = ev.key();
        if (ev.ctrl_key() || ev.meta_key()) && !ev.alt_key() && key.eq_ignore_ascii_case("k") {
            ev.prevent_default();
            open();
        } else if key == "?" && !typing(&ev) && !ev.ctrl_key() && !ev.meta_key() {
            ev.prevent_default();
            open_shortcuts();
        }
    });
    on_cleanup(move || keys.remove());

    let results = Memo::new(move |_| {
        built.track();
        let q = query.get();
        actions_index.with_value(|actions| {
            records_index.with_value(|records| {
                cases_index.with_value(|cases| {
                    search_all(&[actions, records, cases], &q, SHOWN)
                        .into_iter()
                        .map(|t| (t.kind.clone(), t.id.clone(), t.label.clone(), t.detail.clone()))
                        .collect::<Vec<_>>()
                })
            })
        })
    });
    let run = move |jump: Jump, id: String| {
        close();
        if let Some(href) = jump.href(&id) {
            navigate(&href, Default::default());
            return;
        }
        match jump {
            Jump::Action(Action::Shortcuts) => open_shortcuts(),
            Jump::Action(Action::Pipeline(id)) => {
                navigate(&format!("/?pipeline={}", crate::connector::trato::encode_component(&id)), Default::default())
            }
            Jump::Action(Action::NewDeal) => {
                navigate("/", Default::default());
                actions::open_quick_add();
            }
            Jump::Action(action) => actions::run(i18n, action),
            _ => {}
        }
    };
    let run_click = run.clone();
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let count = results.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                active.update(|a| *a = (*a + 1) % count);
            }
            "ArrowUp" if count > 0 => {
                ev.prevent_default();
                active.update(|a| *a = (*a + count - 1) % count);
            }
            "Enter" => {
                ev.prevent_default();
                let chosen = results.with_untracked(|r| r.get(active.get_untracked()).cloned());
                if let Some((jump, id, _, _)) = chosen {
                    run(jump, id);
                }
            }
            _ => {}
        }
    };
    view! {
        <button
            type="button"
            class="secondary palette-button"
            aria-keyshortcuts="Control+K Meta+K"
            on:click=move |_| open()
        >
            <span aria-hidden="true">"⌕ "</span>
            <span class="palette-button-text">{move || i18n.t(Key::PaletteButton)}</span>
            <kbd class="palette-kbd" aria-hidden="true">"Ctrl K"</kbd>
        </button>
        <dialog node_ref=dialog class="dialog palette" aria-label=move || i18n.t(Key::PaletteLabel)>
            <input
                node_ref=input
                type="search"
                role="combobox"
                aria-expanded=move || (!results.with(Vec::is_empty)).to_string()
                aria-controls="palette-results"
                aria-activedescendant=move || (!results.with(Vec::is_empty)).then(|| format!("palette-{}", active.get()))
                aria-label=move || i18n.t(Key::PaletteLabel)
                placeholder=move || i18n.t(Key::PaletteHint)
                autocomplete="off"
                prop:value=move || query.get()
                on:input=move |ev| {
                    query.set(event_target_value(&ev));
                    active.set(0);
                }
                on:keydown=on_key
            />
            <ul id="palette-results" role="listbox" aria-label=move || i18n.t(Key::PaletteResults)>
                {move || {
                    let run = run_click.clone();
                    results
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(n, (jump, id, label, detail))| {
                            let run = run.clone();
                            let kind = jump.kind_key();
                            view! {
                                <li
                                    id=format!("palette-{n}")
                                    role="option"
                                    aria-selected=move || (active.get() == n).to_string()
                                    on:click=move |_| run(jump.clone(), id.clone())
                                    on:mousemove=move |_| active.set(n)
                                >
                                    <span class="badge kind-badge">{move || i18n.t(kind)}</span>
                                    <span class="palette-label">{label}</span>
                                    {(!detail.is_empty()).then(|| view! { <span class="muted palette-detail">{detail}</span> })}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            {move || {
                let q = query.get();
                (!q.trim().is_empty() && results.with(Vec::is_empty))
                    .then(|| view! { <p class="muted" role="status">{i18n.0.get().tf(Key::PaletteNoResults, &[("query", &q)])}</p> })
            }}
        </dialog>
        <shortcuts::ShortcutsDialog node_ref=shortcuts />
    }
}

mod actions {
    //! Actions that act on the page around the palette.

    use super::Action;
    use crate::i18n::Locale;
    use crate::ui::locale::{choose_locale, I18n};
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;

    fn click(selector: &'static str) -> bool {
        let element =
            document().query_selector(selector).ok().flatten().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        element.map(|e| e.click()).is_some()
    }

    /// Opens the quick add of the first stage shown, once the board is on screen.
    pub fn open_quick_add() {
        fn attempt(left: u32) {
            if click("section.column.shown .column-title button")
                || click("section.column .column-title button")
                || left == 0
            {
                return;
            }
            set_timeout(move || attempt(left - 1), std::time::Duration::from_millis(100));
        }
        attempt(30);
    }

    /// Runs an action that changes the page's settings or the open deal.
    pub fn run(i18n: I18n, action: Action) {
        match action {
            Action::Language => {
                let other = if i18n.0.get_untracked() == Locale::Es { Locale::En } else { Locale::Es };
                choose_locale(i18n, other);
            }
            Action::Theme(theme) => crate::ui::theme::choose(theme),
            Action::SignOut => {
                click(".topbar .sign-out");
            }
            Action::LogCall => {
                let kind = document()
                    .query_selector(".log-activity select")
                    .ok()
                    .flatten()
                    .and_then(|e| e.dyn_into::<web_sys::HtmlSelectElement>().ok());
                if let Some(kind) = kind {
                    kind.set_value("call");
                    if let Ok(event) = web_sys::Event::new("change") {
                        let _ = kind.dispatch_event(&event);
                    }
                    let subject = document()
                        .query_selector(".log-activity input[type=text]")
                        .ok()
                        .flatten()
                        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
                    if let Some(subject) = subject {
                        let _ = subject.focus();
                    }
                }
            }
            Action::NewDeal | Action::Pipeline(_) | Action::Shortcuts => {}
        }
    }
}
