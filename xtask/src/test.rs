//! `cargo xtask test`: everything CI checks, in order, failing on the first problem.

use crate::build::{build_faces, with_backend};
use crate::setup::{self, CHROMEDRIVER};
use crate::util::{cmd, exec, root, Result};
use std::path::PathBuf;
use std::time::Instant;

/// The cargo target folder (honours `CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

/// Times the steps, printing each one's time as it ends (so a run cut short still says where the time went).
struct Timer {
    started: Instant,
    steps: Vec<(String, f64)>,
    current: Option<(String, Instant)>,
}

impl Timer {
    fn step(&mut self, name: &str) {
        self.finish();
        println!("\n######## {name}");
        self.current = Some((name.into(), Instant::now()));
    }
    fn finish(&mut self) {
        if let Some((name, start)) = self.current.take() {
            let seconds = start.elapsed().as_secs_f64();
            println!("######## {name}: {seconds:.1} s (run so far {:.1} s)", self.started.elapsed().as_secs_f64());
            self.steps.push((name, seconds));
        }
    }
}

/// Runs the whole suite.
pub fn run() -> Result {
    let mut timer = Timer { started: Instant::now(), steps: vec![], current: None };
    timer.step("setup");
    setup::run_all()?;

    timer.step("formatting");
    exec(cmd("cargo", &["fmt", "--all", "--check"]))?;

    timer.step("structure (file lengths, import cycles)");
    crate::structure::check()?;

    timer.step("clippy (native)");
    exec(cmd("cargo", &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;

    timer.step("clippy (wasm32)");
    let wasm = ["--target", "wasm32-unknown-unknown"];
    let mut args = vec!["clippy", "-p", "trato", "--lib", "--bins", "--tests"];
    args.extend(wasm);
    args.extend(["--", "-D", "warnings"]);
    exec(cmd("cargo", &args))?;

    timer.step("Tryton 8.2, PocketBase, json-server and schemathesis for the connector and protocol tests (installed once, then cached)");
    crate::tryton::prepare()?;
    crate::rest_backends::prepare()?;

    timer.step("native tests");
    exec(cmd("cargo", &["test", "--workspace"]))?;

    timer.step("Tryton connector tests (against the real Tryton)");
    exec(cmd("cargo", &["test", "-p", "trato", "--test", "connector_tryton", "--", "--ignored"]))?;

    timer.step("browser tests (wasm-bindgen-test in headless Chromium)");
    let mut browser = cmd(
        "cargo",
        &["test", "-p", "trato", "--target", "wasm32-unknown-unknown", "--test", "browser", "--test", "browser_store"],
    );
    browser.env("CHROMEDRIVER", CHROMEDRIVER).env("WASM_BINDGEN_TEST_TIMEOUT", "120");
    exec(browser)?;

    timer.step("release builds of the faces");
    let dist = build_faces(true)?;

    timer.step("end-to-end (playwright-core + axe-core in headless Chromium)");
    exec(cmd("cargo", &["build", "-p", "trato-server", "-p", "trato-cli"]))?;
    end_to_end(&dist)?;

    timer.finish();
    println!("\n######## timings");
    for (name, seconds) in &timer.steps {
        println!("{seconds:8.1} s  {name}");
    }
    println!("\nsteps: {} passed, 0 failed", timer.steps.len());
    Ok(())
}

fn end_to_end(dist: &std::path::Path) -> Result {
    end_to_end_files(dist, &["tests/e2e/".to_string()])
}

fn end_to_end_files(dist: &std::path::Path, files: &[String]) -> Result {
    // Node applies `--test-timeout` to each file as a whole too, so it is generous: a slow CI machine must not
    // time out a file of passing tests. A stuck step still fails fast on Playwright's own 30 s waits.
    let mut args = vec!["--test", "--test-concurrency=1", "--test-timeout=600000"];
    args.extend(files.iter().map(String::as_str));
    let mut node = cmd("node", &args);
    // Offline tests start, stop and restart backends of their own.
    node.env("TRATO_SERVER_BIN", target_dir().join("debug/trato-server"))
        .env("TRATO_CLI_BIN", target_dir().join("debug/trato-cli"))
        .env("TRATO_DIST", dist);
    with_backend(&target_dir().join("debug/trato-server"), dist, &["--demo"], node)
}

/// `cargo xtask e2e [file...]`: release builds, then the end-to-end tests (all, or the named files).
pub fn end_to_end_only(files: &[String]) -> Result {
    setup::run_all()?;
    crate::tryton::prepare()?;
    crate::rest_backends::prepare()?;
    let dist = build_faces(true)?;
    exec(cmd("cargo", &["build", "-p", "trato-server", "-p", "trato-cli"]))?;
    if files.is_empty() {
        end_to_end(&dist)
    } else {
        end_to_end_files(&dist, files)
    }
}
