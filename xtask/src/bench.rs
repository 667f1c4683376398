//! `cargo xtask bench`: measurements (not pass/fail tests): the gzip size of each face, desk timings with
//! 10,000 deals (first sync, first render from a warm cache, drop-to-repaint), and the first sync of over 50,000
//! records from an empty cache.

use crate::build::{build_faces, with_backend, FACES};
use crate::setup;
use crate::test::target_dir;
use crate::util::{cmd, exec, Result};
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use std::path::Path;

fn gzip_size(bytes: &[u8]) -> usize {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    let _ = encoder.write_all(bytes);
    encoder.finish().map(|v| v.len()).unwrap_or(0)
}

/// Raw and gzip bytes of every file a face's page loads (HTML, bootstrap, JS glue, wasm, CSS).
/// One file of a face: name, raw bytes, gzip bytes.
type FileSize = (String, usize, usize);

fn face_size(dir: &Path) -> Result<(usize, usize, Vec<FileSize>)> {
    let mut files = vec![];
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if path.is_file() && [".wasm", ".js", ".css", ".html"].iter().any(|ext| name.ends_with(ext)) {
            let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
            files.push((name, bytes.len(), gzip_size(&bytes)));
        }
    }
    files.sort();
    let raw = files.iter().map(|f| f.1).sum();
    let gz = files.iter().map(|f| f.2).sum();
    Ok((raw, gz, files))
}

/// Deals in the benchmark dataset.
const BENCH_DEALS: &str = "10000";

/// Runs the benchmarks and prints a table.
pub fn run() -> Result {
    setup::run_all()?;
    let dist = build_faces(true)?;
    exec(cmd("cargo", &["build", "--release", "-p", "trato-server"]))?;
    desk_timings(&dist)?;
    println!("\n######## bundle sizes (release, gzip -9)");
    println!("{:<8} {:>12} {:>12}", "face", "raw bytes", "gzip bytes");
    for (_, face, _) in FACES {
        let (raw, gz, files) = face_size(&dist.join(face))?;
        println!("{face:<8} {raw:>12} {gz:>12}   ({:.1} KB gzip)", gz as f64 / 1024.0);
        for (name, raw, gz) in &files {
            println!("           {raw:>10} {gz:>10}  {name}");
        }
        if face == "widget" {
            // What a host page pays before the visitor opens the chat, and what opening it adds.
            let loader = files.iter().find(|f| f.0 == "embed.js").map(|f| f.2).unwrap_or(0);
            let opened: usize = files.iter().filter(|f| f.0 != "embed.js").map(|f| f.2).sum();
            println!("\n######## chat widget (budgets: embed.js 3 KB, opened widget 120 KB, gzip)");
            println!("embed.js alone                 {loader:>8} bytes gzip ({:.2} KB)", loader as f64 / 1024.0);
            println!("opened (page, boot, JS, wasm, CSS) {opened:>8} bytes gzip ({:.1} KB)", opened as f64 / 1024.0);
        }
    }
    Ok(())
}

/// Board timings with a large pipeline: a release backend seeded with [`BENCH_DEALS`] open deals, all in the
/// "Nuevo negocio" pipeline, driven by `tests/e2e/bench.mjs` in headless Chromium.
fn desk_timings(dist: &Path) -> Result {
    println!("\n######## desk with {BENCH_DEALS} open deals in one pipeline");
    let binary = target_dir().join("release/trato-server");
    with_backend(&binary, dist, &["--demo-open-deals", BENCH_DEALS], cmd("node", &["tests/e2e/bench.mjs"]))?;
    println!(
        "\n######## first sync of a large backend ({SYNC_DEALS} open deals and their records) from an empty cache"
    );
    let mut sync = cmd("node", &["tests/e2e/bench.mjs"]);
    sync.env("BENCH_MODE", "sync");
    with_backend(&binary, dist, &["--demo-open-deals", SYNC_DEALS], sync)
}

/// Deals in the sync benchmark dataset (with accounts, contacts and activities, over 50,000 records).
const SYNC_DEALS: &str = "48500";
