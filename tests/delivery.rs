//! How the reference server delivers the built faces: precompressed files chosen by `Accept-Encoding`, a year of
//! caching for content-hashed files and a check on every visit for pages and the service worker. Against a real
//! `trato-server` on an ephemeral port, serving a folder laid out like a build.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

const HASHED: &str = "desk-0123456789abcdef.js";

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// A build folder: the desk with a hashed script (and its precompressed twins), a service worker and its sign-in
/// page, and the other faces' pages (the portal's two: the whole portal's and its help centre's).
fn build_folder() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("trato-delivery-{}", trato_server::db::new_id("t")));
    write(&dir.join("desk/index.html"), b"<!doctype html><title>desk</title>");
    write(&dir.join("desk").join(HASHED), b"console.log('plain');");
    write(&dir.join("desk").join(format!("{HASHED}.br")), b"BROTLI-BYTES");
    write(&dir.join("desk").join(format!("{HASHED}.gz")), b"GZIP-BYTES");
    write(&dir.join("desk/sw.js"), b"// service worker");
    write(&dir.join("desk/login.html"), b"<!doctype html><title>sign-in</title>");
    write(&dir.join("portal/index.html"), b"<!doctype html><title>portal</title>");
    write(&dir.join("portal/help.html"), b"<!doctype html><title>help centre</title>");
    write(&dir.join("widget/embed.js"), b"// loader");
    write(&dir.join("demo/index.html"), b"<!doctype html><title>demo</title>");
    dir
}

async fn server() -> String {
    let config = trato_server::Config { static_dir: Some(build_folder()), ..trato_server::Config::for_tests() };
    let running = trato_server::start(config).await.expect("server starts");
    format!("http://{}", running.addr)
}

async fn get(url: &str, encoding: Option<&str>) -> reqwest::Response {
    let client = reqwest::Client::new();
    let mut request = client.get(url);
    if let Some(encoding) = encoding {
        request = request.header("accept-encoding", encoding);
    }
    request.send().await.expect("the server answers")
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

#[tokio::test]
async fn files_travel_precompressed_as_the_browser_accepts() {
    let base = server().await;
    let url = format!("{base}/{HASHED}");
    let brotli = get(&url, Some("gzip, deflate, br")).await;
    assert_eq!(header(&brotli, "content-encoding"), "br");
    assert!(header(&brotli, "vary").to_lowercase().contains("accept-encoding"));
    assert_eq!(brotli.bytes().await.unwrap().as_ref(), b"BROTLI-BYTES");
    let gzip = get(&url, Some("gzip")).await;
    assert_eq!(header(&gzip, "content-encoding"), "gzip");
    assert_eq!(gzip.bytes().await.unwrap().as_ref(), b"GZIP-BYTES");
    let plain = get(&url, None).await;
    assert_eq!(header(&plain, "content-encoding"), "");
    assert_eq!(plain.bytes().await.unwrap().as_ref(), b"console.log('plain');");
}

#[tokio::test]
async fn hashed_files_are_kept_for_a_year_and_pages_are_checked_on_every_visit() {
    let base = server().await;
    let hashed = get(&format!("{base}/{HASHED}"), Some("br")).await;
    assert_eq!(header(&hashed, "cache-control"), "public, max-age=31536000, immutable");
    for path in [
        "/",
        "/login",
        "/deals/deal_1",
        "/sw.js",
        "/portal/",
        "/portal/kb/art_1",
        "/portal/cases",
        "/widget/embed.js",
        "/demo/",
    ] {
        let page = get(&format!("{base}{path}"), Some("br")).await;
        assert_eq!(page.status(), 200, "{path}");
        assert_eq!(header(&page, "cache-control"), "no-cache", "{path}");
    }
    let page = get(&format!("{base}/deals/deal_1"), None).await;
    assert!(header(&page, "content-security-policy").contains("script-src 'self' 'wasm-unsafe-eval'"));
    assert!(page.text().await.unwrap().contains("<title>desk</title>"), "any desk route is the desk's page");
    let login = get(&format!("{base}/login"), None).await;
    assert!(header(&login, "content-security-policy").contains("script-src 'self' 'wasm-unsafe-eval'"));
    assert!(login.text().await.unwrap().contains("<title>sign-in</title>"), "a fresh /login is the small sign-in page");
    let api = get(&format!("{base}/api/v1/auth/session"), Some("br")).await;
    assert_eq!(header(&api, "cache-control"), "no-store", "the API is never cached");
}
