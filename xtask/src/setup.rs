//! `cargo xtask setup`: installs what is missing, idempotently, and says what it did.
//! Every tool comes from a package registry (crates.io, npm, Debian): nothing is downloaded from elsewhere.

use crate::util::{cmd, exec, is_root, output, root, tools_dir, Result};
use std::fs;

/// Trunk version that builds on the machine's stable rustc (0.22 needs a newer one).
const TRUNK_VERSION: &str = "0.21.14";
/// npm `binaryen` version whose `wasm-opt` produces working wasm (Debian's 108 does not).
const BINARYEN_VERSION: &str = "132.0.0";

/// Runs every setup step.
pub fn run_all() -> Result {
    println!("== setup: checking tools");
    wasm_target()?;
    trunk()?;
    wasm_bindgen()?;
    wasm_opt()?;
    chromium()?;
    npm_packages()?;
    exec(cmd("cargo", &["fetch", "--quiet"]))?;
    println!("== setup: done");
    Ok(())
}

/// Says a tool is already there.
pub fn present(what: &str) {
    println!("   ok  {what}");
}

/// Says a tool is being installed.
pub fn installing(what: &str) {
    println!("   ->  installing {what}");
}

fn wasm_target() -> Result {
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        present("rust target wasm32-unknown-unknown");
        return Ok(());
    }
    installing("rust target wasm32-unknown-unknown");
    exec(cmd("rustup", &["target", "add", "wasm32-unknown-unknown"]))
}

fn trunk() -> Result {
    let version = output("trunk", &["--version"]).unwrap_or_default();
    if version.split_whitespace().nth(1) == Some(TRUNK_VERSION) {
        present(&format!("trunk {TRUNK_VERSION}"));
        return Ok(());
    }
    installing(&format!("trunk {TRUNK_VERSION} (cargo install, a few minutes)"));
    let mut install = cmd("cargo", &["install", "--locked", &format!("trunk@{TRUNK_VERSION}")]);
    quick_release(&mut install);
    exec(install)
}

/// The `wasm-bindgen` version in Cargo.lock; the CLI must match it exactly.
pub fn locked_wasm_bindgen() -> Result<String> {
    let lock = fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines.next().and_then(|l| l.trim().strip_prefix("version = \"")) {
                return Ok(version.trim_end_matches('"').to_string());
            }
        }
    }
    Err("wasm-bindgen is not in Cargo.lock".into())
}

fn wasm_bindgen() -> Result {
    let wanted = locked_wasm_bindgen()?;
    let bindgen = output("wasm-bindgen", &["--version"]).unwrap_or_default();
    let runner = output("wasm-bindgen-test-runner", &["--version"]).unwrap_or_default();
    if bindgen.split_whitespace().nth(1) == Some(wanted.as_str()) && runner.contains(&wanted) {
        present(&format!("wasm-bindgen-cli {wanted}"));
        return Ok(());
    }
    installing(&format!("wasm-bindgen-cli {wanted} (cargo install, about 5 minutes)"));
    // `--locked` fails for this crate (a locked dependency is missing from the registry).
    let mut install = cmd("cargo", &["install", "wasm-bindgen-cli", "--version", &wanted, "--force"]);
    quick_release(&mut install);
    exec(install)
}

/// Builds a tool without fat LTO and with parallel code generation: the tools only drive other programs, and a
/// fresh machine (CI) installs them in a third of the time.
fn quick_release(install: &mut std::process::Command) {
    install
        .env("CARGO_PROFILE_RELEASE_LTO", "off")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "2");
}

fn wasm_opt() -> Result {
    let dir = tools_dir();
    let package = dir.join("node_modules/binaryen/package.json");
    let installed = fs::read_to_string(&package).unwrap_or_default();
    if !installed.contains(&format!("\"version\": \"{BINARYEN_VERSION}\"")) {
        installing(&format!("npm binaryen {BINARYEN_VERSION} (wasm-opt)"));
        fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let prefix = dir.to_string_lossy().into_owned();
        let spec = format!("binaryen@{BINARYEN_VERSION}");
        exec(cmd("npm", &["install", "--prefix", &prefix, "--no-audit", "--no-fund", "--no-save", &spec]))?;
    } else {
        present(&format!("npm binaryen {BINARYEN_VERSION}"));
    }
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).map_err(|e| e.to_string())?;
    let wrapper = bin.join("wasm-opt");
    let script = format!(
        "#!/bin/sh\n# wasm-opt from npm binaryen {BINARYEN_VERSION} (Debian's binaryen 108 breaks the wasm).\nexec node \"{}\" \"$@\"\n",
        dir.join("node_modules/binaryen/bin/wasm-opt").display()
    );
    if fs::read_to_string(&wrapper).ok().as_deref() != Some(script.as_str()) {
        fs::write(&wrapper, script).map_err(|e| e.to_string())?;
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&wrapper, fs::Permissions::from_mode(0o755)).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// npm `lighthouse` version the bench runs (13 declares Node 22; on Node 20 it installs with a warning and runs).
const LIGHTHOUSE_VERSION: &str = "13.5.0";

/// What only `cargo xtask bench` needs: `wrk` (Debian) and Lighthouse (npm, into `.tools/lighthouse`).
pub fn bench_tools() -> Result {
    if output("wrk", &["-v"]).is_some() || std::path::Path::new("/usr/bin/wrk").exists() {
        present("wrk");
    } else {
        installing("Debian wrk");
        apt_install(&["wrk"])?;
    }
    let dir = tools_dir().join("lighthouse");
    let package = dir.join("node_modules/lighthouse/package.json");
    if fs::read_to_string(&package).unwrap_or_default().contains(&format!("\"version\": \"{LIGHTHOUSE_VERSION}\"")) {
        present(&format!("npm lighthouse {LIGHTHOUSE_VERSION}"));
        return Ok(());
    }
    installing(&format!("npm lighthouse {LIGHTHOUSE_VERSION}"));
    fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let prefix = dir.to_string_lossy().into_owned();
    let spec = format!("lighthouse@{LIGHTHOUSE_VERSION}");
    exec(cmd("npm", &["install", "--prefix", &prefix, "--no-audit", "--no-fund", "--no-save", &spec]))
}

/// Path of the Chromium binary the tests drive.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Path of the matching ChromeDriver.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

fn chromium() -> Result {
    if std::path::Path::new(CHROMIUM).exists() && std::path::Path::new(CHROMEDRIVER).exists() {
        present("chromium and chromium-driver");
        return Ok(());
    }
    installing("Debian chromium and chromium-driver");
    apt_install(&["chromium", "chromium-driver"])
}

/// Installs Debian packages (as root or through `sudo`), retrying a dropped download a few times.
fn apt_install(packages: &[&str]) -> Result {
    let sudo = if is_root() { vec![] } else { vec!["sudo"] };
    let apt = |args: &[&str]| {
        let mut all: Vec<&str> = sudo.clone();
        all.push("apt-get");
        all.extend_from_slice(args);
        let mut command = cmd(all[0], &all[1..]);
        command.env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    // Debian mirrors sometimes drop a download: retry a few times.
    let mut last = Ok(());
    for attempt in 1..=4 {
        let mut install = vec!["install", "-y", "--no-install-recommends"];
        install.extend_from_slice(packages);
        last = exec(apt(&["update"])).and_then(|_| exec(apt(&install)));
        if last.is_ok() {
            return Ok(());
        }
        println!("   apt-get failed (attempt {attempt}); retrying");
        std::thread::sleep(std::time::Duration::from_secs(5 * attempt));
    }
    last
}

fn npm_packages() -> Result {
    let e2e = root().join("tests/e2e");
    let lock = e2e.join("package-lock.json");
    let installed = e2e.join("node_modules/.package-lock.json");
    let fresh =
        match (fs::metadata(&lock).and_then(|m| m.modified()), fs::metadata(&installed).and_then(|m| m.modified())) {
            (Ok(lock), Ok(installed)) => installed >= lock,
            _ => false,
        };
    if fresh {
        present("npm packages for the end-to-end tests");
        return Ok(());
    }
    installing("npm packages for the end-to-end tests (npm ci)");
    let mut command = cmd("npm", &["ci", "--no-audit", "--no-fund"]);
    command.current_dir(&e2e);
    exec(command)
}
