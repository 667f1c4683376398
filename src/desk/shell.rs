//! The desk's top bar (brand, company, sync status, search, language, theme, signed-in rep, sign out) and the
//! section links under it (on a phone at the bottom, the less used ones behind "More"), with the count of today's
//! work; signing out asks first when changes are still queued, since it deletes them with the rest of the cache.

use super::context::{use_store, SessionState};
use super::status::SyncIndicator;
use crate::i18n::{intl, Key};
use crate::ui::locale::{use_i18n, LanguageSwitch};
use crate::ui::menu::Menu;
use crate::ui::theme::ThemeSwitch;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};

/// Top bar shown above every signed-in desk page.
#[component]
pub fn TopBar() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<SessionState>();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    // What the backend cannot do is not offered.
    let capabilities = use_store().map(|s| s.capabilities()).unwrap_or(crate::connector::Capabilities {
        cases: false,
        chat: false,
        knowledge_base: false,
        ..crate::connector::Capabilities::ALL
    });
    let due_today = crate::desk::customers::due_today_count();
    // The visitors' chat messages no rep has read, on the chat link and (on a phone) on "More", which holds it.
    let feed = crate::desk::support::feed::use_feed();
    let unread_badge = move || {
        let count = feed.map(|f| f.unread()).unwrap_or(0);
        (count > 0).then(|| {
            let number = intl::number(i18n.locale(), f64::from(count));
            view! {
                <span class="badge nav-count" aria-hidden="true">{number.clone()}</span>
                <span class="visually-hidden">{i18n.0.get().tf(Key::UnreadCount, &[("count", &number)])}</span>
            }
        })
    };
    // On a phone, the less used sections open from "More".
    let company = move || state.session.with(|s| s.as_ref().map(|s| s.company.clone()).unwrap_or_default());
    let user_name = move || state.session.with(|s| s.as_ref().map(|s| s.user.name.clone()).unwrap_or_default());
    let sign_out_now = move || {
        let Some(store) = use_store() else { return };
        leptos::task::spawn_local(async move {
            // Signed out locally even when the server cannot be told; the cookie expires on its own.
            store.logout().await;
            crate::desk::backend::forget_session();
            // A fresh page: nothing of the signed-out rep stays in memory either. The old page is not re-rendered
            // signed out first, so the login page seen is always the fresh one.
            let navigated = web_sys::window().is_some_and(|w| w.location().assign("/login").is_ok());
            if !navigated {
                state.session.try_set(None);
            }
        });
    };
    let sign_out = move |_| {
        if state.sync.with_untracked(|s| s.pending) > 0 {
            if let Some(dialog) = dialog.get() {
                let _ = dialog.show_modal();
            }
        } else {
            sign_out_now();
        }
    };
    let close = move || {
        if let Some(dialog) = dialog.get() {
            dialog.close();
        }
    };
    let pending_text = move || {
        let locale = i18n.locale();
        let count = state.sync.with(|s| s.pending) as f64;
        locale.tf(Key::LogoutPendingBody, &[("count", &intl::number(locale, count))])
    };
    view! {
        <header class="topbar">
            <span class="brand">{move || i18n.t(Key::AppName)}</span>
            <span class="company">{company}</span>
            <SyncIndicator />
            {move || {
                crate::desk::support::feed::use_feed()
                    .and_then(|feed| feed.notice.get())
                    .map(|notice| view! { <A href="/inbox" attr:class="chat-notice">{notice}</A> })
            }}
            <p class="visually-hidden" role="status">
                {move || crate::desk::support::feed::use_feed().and_then(|feed| feed.notice.get())}
            </p>
            <span class="spacer"></span>
            <crate::desk::palette::CommandPalette />
            <LanguageSwitch />
            <ThemeSwitch />
            <span class="user" title=move || i18n.0.get().tf(Key::SignedInAs, &[("name", &user_name())])>{user_name}</span>
            <button type="button" class="secondary sign-out" on:click=sign_out>{move || i18n.t(Key::SignOut)}</button>
        </header>
        <nav class="desk-nav" aria-label=move || i18n.t(Key::DeskNav)>
            <A href="/" exact=true>{move || i18n.t(Key::Pipeline)}</A>
            <A href="/today">
                {move || i18n.t(Key::MyDay)}
                {move || (due_today.get() > 0).then(|| {
                    let count = due_today.get();
                    view! {
                        <span class="badge nav-count" aria-hidden="true">{intl::number(i18n.locale(), count as f64)}</span>
                        <span class="visually-hidden">{i18n.0.get().tf(Key::DueTodayCount, &[("count", &intl::number(i18n.locale(), count as f64))])}</span>
                    }
                })}
            </A>
            <A href="/accounts">{move || i18n.t(Key::Accounts)}</A>
            {capabilities.cases.then(|| view! { <A href="/cases">{move || i18n.t(Key::Cases)}</A> })}
            // On a phone the less used sections fold behind "Más"; wider, they are in the row (CSS).
            <Menu id="nav-more" class="nav-more" button_class="nav-more-button" trigger=ViewFn::from(move || view! { {move || i18n.t(Key::More)}{unread_badge} })>
                <A href="/contacts">{move || i18n.t(Key::Contacts)}</A>
                {capabilities.chat.then(|| view! { <A href="/inbox">{move || i18n.t(Key::Inbox)}{unread_badge}</A> })}
                {capabilities.knowledge_base.then(|| view! { <A href="/kb">{move || i18n.t(Key::KnowledgeBase)}</A> })}
            </Menu>
        </nav>
        {(!capabilities.versioned_writes).then(|| {
            view! {
                <aside class="backend-note" aria-label=move || i18n.t(Key::BackendNoteLabel)>
                    <p>{move || i18n.t(Key::NoConflictDetection)}</p>
                </aside>
            }
        })}
        <dialog node_ref=dialog class="dialog" aria-labelledby="logout-title">
            <h2 id="logout-title">{move || i18n.t(Key::LogoutPendingTitle)}</h2>
            <p>{pending_text}</p>
            <div class="actions">
                <button type="button" class="secondary" on:click=move |_| close()>{move || i18n.t(Key::Cancel)}</button>
                <button
                    type="button"
                    class="danger"
                    on:click=move |_| {
                        close();
                        sign_out_now();
                    }
                >
                    {move || i18n.t(Key::LogoutAnyway)}
                </button>
            </div>
        </dialog>
        <crate::desk::customers::CallBackDialog />
    }
}

/// Every signed-in desk page: the top bar above the page of the child route, or the sign-in page for a
/// signed-out visitor.
#[component]
pub fn SignedInShell() -> impl IntoView {
    let state = expect_context::<SessionState>();
    let signed_in = Memo::new(move |_| state.session.with(Option::is_some));
    move || {
        if signed_in.get() {
            view! {
                <TopBar />
                <Outlet />
            }
            .into_any()
        } else {
            view! { <Redirect path="/login" /> }.into_any()
        }
    }
}
