//! The chat widget face, shown inside the iframe that sites embed. This version draws the chat panel's frame;
//! conversations arrive with issue 05. No router here, to keep the widget small.

use crate::i18n::Key;
use crate::ui::locale::provide_i18n;
use leptos::prelude::*;

/// Mounts the widget into `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(WidgetApp);
}

/// Root component of the widget.
#[component]
pub fn WidgetApp() -> impl IntoView {
    let i18n = provide_i18n(Key::WidgetTitle);
    view! {
        <main id="main" class="widget-panel">
            <h1>{move || i18n.t(Key::WidgetHeading)}</h1>
            <p class="muted">{move || i18n.t(Key::WidgetIntro)}</p>
        </main>
    }
}
