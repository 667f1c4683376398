//! `cargo xtask bench`: measurements (not pass/fail tests), on release builds:
//!
//! - bytes on the wire per face as the server sends them (brotli), and the caching each file gets;
//! - server throughput: a page of 50 deals under 32 concurrent connections (`wrk`);
//! - the desk with 10,000 open deals: first card after signing in on an empty cache, the whole first sync,
//!   the first card from a warm cache, drop-to-repaint; then with over 50,000 records: first card, first sync,
//!   warm first card;
//! - the desk signed in to a real Tryton with 10,000 opportunities: first card after signing in;
//! - Lighthouse (mobile) scores of the desk's sign-in page, the portal's help centre and the demo host page.

use crate::build::{build_faces, start_server, with_backend};
use crate::http::{get, login};
use crate::setup;
use crate::test::target_dir;
use crate::util::{cmd, exec, output, root, Result};
use std::path::Path;

/// Deals in the benchmark dataset.
const BENCH_DEALS: &str = "10000";
/// Deals in the large benchmark dataset (50,000 deals; with accounts, contacts and activities, over 50,000 records).
const SYNC_DEALS: &str = "50000";

/// Runs the benchmarks and prints their figures.
pub fn run() -> Result {
    setup::run_all()?;
    setup::bench_tools()?;
    let dist = build_faces(true)?;
    exec(cmd("cargo", &["build", "--release", "-p", "trato-server"]))?;
    let binary = target_dir().join("release/trato-server");
    wire_bytes(&binary, &dist)?;
    throughput(&binary, &dist)?;
    desk_timings(&binary, &dist)?;
    tryton_first_card(&binary, &dist)?;
    lighthouse(&binary, &dist)?;
    Ok(())
}

/// The pages whose first load is measured: a label and the page's address.
const PAGES: [(&str, &str); 6] = [
    ("desk", "/"),
    ("desk sign-in", "/login"),
    ("help", "/portal/"),
    ("portal", "/portal/signin"),
    ("widget", "/widget/"),
    ("demo", "/demo/"),
];

/// The files a page's HTML makes the browser fetch at once: scripts, style sheets, preloads and the icon.
fn referenced(html: &str) -> Vec<String> {
    let mut found = vec![];
    for attribute in ["src=\"", "href=\""] {
        let mut rest = html;
        while let Some(at) = rest.find(attribute) {
            rest = &rest[at + attribute.len()..];
            let value = &rest[..rest.find('"').unwrap_or(0)];
            if value.starts_with('/') && !found.iter().any(|f| f == value) {
                found.push(value.to_string());
            }
        }
    }
    found
}

/// Bytes on the wire of each page's first load as served (brotli): the page and what it references, checked
/// against the server itself.
fn wire_bytes(binary: &Path, dist: &Path) -> Result {
    println!("\n######## bytes on the wire per page's first load (release, as served: brotli)");
    with_server(binary, dist, &["--demo"], |url| {
        for (label, page) in PAGES {
            let html = get(url, page, &[("accept-encoding", "identity")])?.body;
            let html = String::from_utf8_lossy(&html).into_owned();
            let mut total = 0usize;
            let mut lines = vec![];
            for path in std::iter::once(page.to_string()).chain(referenced(&html)) {
                let answer = get(url, &path, &[("accept-encoding", "br, gzip")])?;
                let encoding = answer.header("content-encoding").unwrap_or("identity").to_string();
                let cache = answer.header("cache-control").unwrap_or("-").to_string();
                total += answer.body.len();
                lines.push(format!("           {:>9} B  {encoding:<8} {cache:<40} {path}", answer.body.len()));
            }
            println!("{label:<8} {total:>9} B  ({:.1} KB brotli on the wire)  {page}", total as f64 / 1024.0);
            for line in lines {
                println!("{line}");
            }
            if label == "widget" {
                let loader = get(url, "/widget/embed.js", &[("accept-encoding", "br, gzip")])?.body.len();
                println!(
                    "widget   the host page's embed.js alone {loader} B ({:.2} KB); the opened widget is the line above",
                    loader as f64 / 1024.0
                );
            }
        }
        Ok(())
    })
}

/// A page of 50 deals with 32 concurrent connections for 10 seconds (`wrk` on the same two cores).
fn throughput(binary: &Path, dist: &Path) -> Result {
    println!("\n######## server throughput: GET /api/v1/deals?limit=50, 32 connections, 2 threads, 10 s (wrk)");
    with_server(binary, dist, &["--demo-open-deals", BENCH_DEALS], |url| {
        let cookie = login(url, "lucia@alameda.example", "trato-demo")?;
        let one = std::time::Instant::now();
        let page = get(url, "/api/v1/deals?limit=50", &[("cookie", &cookie)])?;
        println!("one request: {:.2} ms, {} B", one.elapsed().as_secs_f64() * 1000.0, page.body.len());
        let header = format!("Cookie: {cookie}");
        let target = format!("{url}/api/v1/deals?limit=50");
        let report =
            output("wrk", &["-t2", "-c32", "-d10s", "--latency", "-H", &header, &target]).ok_or("wrk did not run")?;
        for line in report.lines().filter(|l| {
            l.contains("Requests/sec") || l.contains("Latency") || l.contains("Non-2xx") || l.contains("99%")
        }) {
            println!("{}", line.trim());
        }
        Ok(())
    })
}

/// Board timings with a large pipeline: a release backend seeded with open deals, all in the "Nuevo negocio"
/// pipeline, driven by `tests/e2e/bench.mjs` in headless Chromium.
fn desk_timings(binary: &Path, dist: &Path) -> Result {
    println!("\n######## desk with {BENCH_DEALS} open deals in one pipeline");
    with_backend(binary, dist, &["--demo-open-deals", BENCH_DEALS], cmd("node", &["tests/e2e/bench.mjs"]))?;
    println!("\n######## desk with {SYNC_DEALS} open deals and their records (over 50,000 records)");
    let mut large = cmd("node", &["tests/e2e/bench.mjs"]);
    large.env("BENCH_MODE", "large");
    with_backend(binary, dist, &["--demo-open-deals", SYNC_DEALS], large)
}

/// The desk signed in to a real Tryton holding 10,000 opportunities: from the sign-in click to the first card.
fn tryton_first_card(binary: &Path, dist: &Path) -> Result {
    println!("\n######## desk on Tryton 8.2 with {BENCH_DEALS} opportunities");
    crate::tryton::prepare()?;
    let mut node = cmd("node", &["tests/e2e/bench-tryton.mjs"]);
    node.env("TRATO_SERVER_BIN", binary).env("TRATO_DIST", dist).env("BENCH_OPPORTUNITIES", BENCH_DEALS);
    exec(node)
}

/// Lighthouse (mobile, the default) on four pages of the release build.
fn lighthouse(binary: &Path, dist: &Path) -> Result {
    println!("\n######## Lighthouse (mobile): performance, accessibility, best practices");
    let cli = root().join(".tools/lighthouse/node_modules/lighthouse/cli/index.js").to_string_lossy().into_owned();
    with_server(binary, dist, &["--demo"], |url| {
        for (label, path) in [
            ("desk sign-in", "/login"),
            ("portal help centre", "/portal/"),
            ("portal sign-in link", "/portal/signin"),
            ("demo host page", "/demo/"),
        ] {
            let target = format!("{url}{path}");
            let flags = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
                         --disable-background-networking --disable-component-update --disable-sync";
            let mut run = cmd("node", &[&cli, &target, "--output=json", "--output-path=stdout", "--quiet"]);
            run.arg(format!("--chrome-flags={flags}"))
                .arg("--only-categories=performance,accessibility,best-practices")
                .env("CHROME_PATH", setup::CHROMIUM);
            let out = run.output().map_err(|e| format!("lighthouse: {e}"))?;
            let text = String::from_utf8_lossy(&out.stdout);
            let scores: Vec<String> = ["performance", "accessibility", "best-practices"]
                .iter()
                .map(|category| format!("{category} {}", category_score(&text, category)))
                .collect();
            println!("{label:<20} {}", scores.join("  "));
        }
        Ok(())
    })
}

/// Runs `work` against a fresh release `trato-server` (temporary database, ephemeral port, the built faces)
/// started with `seed` arguments, and stops it afterwards.
fn with_server(binary: &Path, dist: &Path, seed: &[&str], work: impl FnOnce(&str) -> Result) -> Result {
    let db = std::env::temp_dir().join(format!("trato-bench-{}-{}.sqlite", std::process::id(), seed.join("")));
    let db_text = db.to_string_lossy().into_owned();
    let static_dir = dist.to_string_lossy().into_owned();
    let mut args = vec!["--db", db_text.as_str(), "--listen", "127.0.0.1:0", "--static", static_dir.as_str()];
    args.extend_from_slice(seed);
    let (mut server, url, _out) = start_server(binary, &args)?;
    let result = work(&url);
    let _ = server.kill();
    let _ = server.wait();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{db_text}{suffix}"));
    }
    result
}

/// A category's score (0–100) in Lighthouse's JSON report, read without a JSON library.
fn category_score(report: &str, category: &str) -> String {
    let Some(at) = report.find(&format!("\"id\": \"{category}\"")) else { return "?".into() };
    let rest = &report[at..];
    let Some(score) = rest.find("\"score\":") else { return "?".into() };
    let value: String =
        rest[score + 8..].trim_start().chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    value.parse::<f64>().map(|v| format!("{:.0}", v * 100.0)).unwrap_or_else(|_| "?".into())
}

#[cfg(test)]
mod tests {
    use super::category_score;

    #[test]
    fn scores_are_read_from_the_report() {
        let report = r#"{"categories": {"performance": {"id": "performance", "title": "P", "score": 0.93}}}"#;
        assert_eq!(category_score(report, "performance"), "93");
        assert_eq!(category_score(report, "accessibility"), "?");
    }
}
