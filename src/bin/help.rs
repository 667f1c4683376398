//! The portal's public help centre as its own small build (built for wasm32 by Trunk from `help.html`).

fn main() {
    #[cfg(target_arch = "wasm32")]
    trato::help::start();
}
