//! The sync indicator in the top bar: offline, pending changes, changes to review, pull progress.

use super::context::SessionState;
use crate::i18n::{intl, Key};
use crate::store::error::CacheError;
use crate::ui::locale::use_i18n;
use leptos::prelude::*;

/// Shows whether the desk is online, how many changes are queued and how a pull is going.
#[component]
pub fn SyncIndicator() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<SessionState>();
    let text = move || {
        let locale = i18n.locale();
        state.sync.with(|s| {
            let mut parts: Vec<String> = Vec::new();
            parts.push(locale.t(if s.online { Key::Online } else { Key::Offline }).into());
            if let Some((done, total)) = s.progress {
                parts.push(locale.tf(
                    Key::Syncing,
                    &[("done", &intl::number(locale, done as f64)), ("total", &intl::number(locale, total as f64))],
                ));
            }
            if let Some(problem) = &s.problem {
                parts.push(
                    locale
                        .t(match problem {
                            CacheError::Quota => Key::StorageFull,
                            CacheError::Failed(_) => Key::StorageFailed,
                        })
                        .into(),
                );
            }
            if !s.held.is_empty() {
                parts.push(locale.tf(Key::NeedsReview, &[("count", &intl::number(locale, s.held.len() as f64))]));
            }
            if s.pending > s.held.len() {
                let waiting = (s.pending - s.held.len()) as f64;
                parts.push(locale.tf(Key::PendingChanges, &[("count", &intl::number(locale, waiting))]));
            } else if s.pending == 0 && s.progress.is_none() {
                parts.push(locale.t(Key::AllSaved).into());
            }
            parts.join(" · ")
        })
    };
    let progress = move || state.sync.with(|s| s.progress);
    view! {
        {move || progress().map(|(done, total)| view! {
            <progress class="sync-progress" max=total.max(1).to_string() value=done.to_string() aria-label=move || i18n.t(Key::SyncProgress)></progress>
        })}
        <span
            class="sync-status"
            role="status"
            data-online=move || state.sync.with(|s| s.online.to_string())
            data-pending=move || state.sync.with(|s| s.pending.to_string())
            data-held=move || state.sync.with(|s| s.held.len().to_string())
            data-synced=move || state.sync.with(|s| (s.synced && s.progress.is_none()).to_string())
            class:offline=move || state.sync.with(|s| !s.online)
        >
            {text}
        </span>
    }
}
