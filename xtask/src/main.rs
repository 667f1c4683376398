//! `cargo xtask setup|dev|test|bench`: the project's only entry points.
//!
//! - `setup`: installs what is missing (wasm32 target, trunk, wasm-bindgen-cli, wasm-opt, Chromium, npm packages).
//! - `dev`: setup, build the faces, run the reference backend with demo data on 127.0.0.1:8080.
//! - `test`: setup, formatting, clippy (native and wasm32), a real Tryton, native tests, browser tests, release builds,
//!   end-to-end.
//! - `bench`: release builds and the gzip size of each face.
//! - `build [--release]`: the faces into `dist/`, precompressed.
//! - `structure`: file lengths and import cycles (also a step of `test`).
//! - `e2e [file...]`: release builds and the end-to-end tests only (all, or the named files), for quick rounds.

mod bench;
mod build;
mod compress;
mod http;
mod rest_backends;
mod setup;
mod structure;
mod test;
mod tryton;
mod util;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::run_all(),
        Some("dev") => build::dev(&args[1..]),
        Some("test") => test::run(),
        Some("bench") => bench::run(),
        Some("e2e") => test::end_to_end_only(&args[1..]),
        Some("structure") => structure::check(),
        Some("build") => {
            build::build_faces(args.iter().any(|a| a == "--release")).map(|dist| println!("built {}", dist.display()))
        }
        _ => {
            eprintln!("usage: cargo xtask <setup|dev|test|bench|e2e|structure|build [--release]>");
            std::process::exit(2);
        }
    };
    if let Err(error) = result {
        eprintln!("xtask: {error}");
        std::process::exit(1);
    }
}
