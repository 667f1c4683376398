//! The portal face's entry point (built for wasm32 by Trunk from `portal.html`).

fn main() {
    #[cfg(target_arch = "wasm32")]
    trato::portal::start();
}
