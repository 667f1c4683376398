//! The customer portal face. This version is the branded entry point in both languages; cases, knowledge base,
//! orders and profile arrive with issue 04.

use crate::i18n::Key;
use crate::ui::locale::{provide_i18n, LanguageSwitch};
use leptos::prelude::*;

/// Mounts the portal into `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(PortalApp);
}

/// Root component of the portal.
#[component]
pub fn PortalApp() -> impl IntoView {
    let i18n = provide_i18n(Key::PortalTitle);
    view! {
        <header class="topbar">
            <span class="brand">{move || i18n.t(Key::AppName)}</span>
            <span class="spacer"></span>
            <LanguageSwitch />
        </header>
        <main id="main" class="portal-page">
            <h1>{move || i18n.t(Key::PortalHeading)}</h1>
            <p>{move || i18n.t(Key::PortalIntro)}</p>
            <p class="muted">{move || i18n.t(Key::PortalWhatComes)}</p>
        </main>
    }
}
