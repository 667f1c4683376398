//! The widget face's entry point (built for wasm32 by Trunk from `widget.html`).

fn main() {
    #[cfg(target_arch = "wasm32")]
    trato::widget::start();
}
