//! The desk's sign-in page as its own small build (built for wasm32 by Trunk from `signin.html`).

fn main() {
    #[cfg(target_arch = "wasm32")]
    trato::signin::start();
}
