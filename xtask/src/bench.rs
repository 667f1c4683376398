//! `cargo xtask bench`: measurements (not pass/fail tests): the gzip size of each face, and desk timings with
//! 10,000 deals (first render of the board, drop-to-repaint).

use crate::build::{build_faces, start_server, FACES};
use crate::setup::{self, CHROMIUM};
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
        for (name, raw, gz) in files {
            println!("           {raw:>10} {gz:>10}  {name}");
        }
    }
    Ok(())
}

/// Board timings with a large pipeline: a release backend seeded with [`BENCH_DEALS`] open deals, all in the
/// "Nuevo negocio" pipeline, driven by `tests/e2e/bench.mjs` in headless Chromium.
fn desk_timings(dist: &Path) -> Result {
    let db = std::env::temp_dir().join(format!("trato-bench-{}.sqlite", std::process::id()));
    let db_text = db.to_string_lossy().into_owned();
    let static_dir = dist.to_string_lossy().into_owned();
    let binary = target_dir().join("release/trato-server");
    let args = ["--db", &db_text, "--listen", "127.0.0.1:0", "--demo-open-deals", BENCH_DEALS, "--static", &static_dir];
    let (mut server, url, _output) = start_server(&binary, &args)?;
    println!("\n######## desk with {BENCH_DEALS} demo deals (backend {url})");
    let mut node = cmd("node", &["tests/e2e/bench.mjs"]);
    node.env("TRATO_URL", &url).env("CHROMIUM", CHROMIUM);
    let result = exec(node);
    let _ = server.kill();
    let _ = server.wait();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{db_text}{suffix}"));
    }
    result
}
