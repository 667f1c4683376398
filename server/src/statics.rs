//! The built faces as static files: the desk at `/` (any unknown path is the desk's page, for its routes; `/login`
//! its small sign-in page), the portal under `/portal/` (its help centre's addresses answered by the help
//! centre's own page), the widget under `/widget/` and the demo host page under `/demo/`. Files are sent
//! precompressed (`.br` or `.gz` made at build time, chosen by `Accept-Encoding`); content-hashed files may be
//! kept for a year, everything else (pages, `sw.js`, the widget loader) is checked on every visit.

use crate::state::AppState;
use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

/// `Cache-Control` of content-hashed files.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of everything else served from the faces.
pub const REVALIDATE: &str = "no-cache";

/// Whether a file name carries a content hash (`desk-0123456789abcdef.js`, `desk-0123456789abcdef_bg.wasm`; the
/// build writes a 64-bit hash in hex without leading zeros, so 10 to 16 digits).
pub fn is_hashed(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| (10..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn dir(path: &Path) -> ServeDir<ServeFile> {
    ServeDir::new(path)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(ServeFile::new(path.join("index.html")).precompressed_br().precompressed_gzip())
}

/// The portal: the public help centre's addresses (`/portal`, `/portal/kb/…`) get its own small page
/// (`help.html`), every other address the whole portal's.
fn portal(app: Router<AppState>, path: &Path) -> Router<AppState> {
    let help = || ServeFile::new(path.join("help.html")).precompressed_br().precompressed_gzip();
    let portal = Router::new().route_service("/", help()).route_service("/kb/{*article}", help());
    // A nested router does not see its own path with a trailing slash.
    app.route_service("/portal/", help()).nest("/portal", portal.fallback_service(dir(path)))
}

/// Adds the faces under `static_dir` to `app`.
pub fn serve(app: Router<AppState>, static_dir: &Path) -> Router<AppState> {
    let plain = |path: &Path| ServeDir::new(path).precompressed_br().precompressed_gzip();
    // A fresh load of the desk's sign-in page gets its own small page (the desk has the same page for a sign-in
    // needed while it is open).
    let login = ServeFile::new(static_dir.join("desk").join("login.html")).precompressed_br().precompressed_gzip();
    portal(app.route_service("/login", login), &static_dir.join("portal"))
        .nest_service("/widget", plain(&static_dir.join("widget")))
        .nest_service("/demo", plain(&static_dir.join("demo")))
        .fallback_service(dir(&static_dir.join("desk")))
        .layer(middleware::from_fn(cache_headers))
}

/// Sets `Cache-Control` and `Vary` on the faces' files (the API sets its own).
async fn cache_headers(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let mut response = next.run(request).await;
    if path.starts_with("/api/") || !response.status().is_success() {
        return response;
    }
    let name = path.rsplit('/').next().unwrap_or("");
    let value = if is_hashed(name) { IMMUTABLE } else { REVALIDATE };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    // The same address answers brotli, gzip or plain bytes: caches must keep them apart.
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn only_content_hashed_names_are_immutable() {
        assert!(is_hashed("desk-9f86d081884c7d65.js"));
        assert!(is_hashed("desk-9f86d081884c7d65_bg.wasm"));
        assert!(is_hashed("main-0123456789abcdef.css"));
        assert!(is_hashed("boot-0123456789abcdef.js"));
        assert!(is_hashed("portal-d5695251763065b_bg.wasm"), "a hash with a leading zero dropped");
        for name in ["index.html", "sw.js", "embed.js", "icon.svg", "", "desk-9f86.js", "x-zzzzzzzzzzzzzzzz.js"] {
            assert!(!is_hashed(name), "{name}");
        }
    }
}
