//! The desk face's entry point (built for wasm32 by Trunk from `index.html`).

fn main() {
    #[cfg(target_arch = "wasm32")]
    trato::desk::start();
}
