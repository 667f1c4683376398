//! The HTTP surface in one place: every feature's router merged under `/api/v1` behind the CSRF guard and the
//! body limit, the static faces, and the layers every answer goes through (a tracing span per request,
//! security headers with the CSP of each face, a deadline per request, the JSON error shape for every error, and
//! a panic catcher that fails only the request that panicked).

use crate::error::Failure;
use crate::rest::{method_not_allowed, unknown_path};
use crate::state::AppState;
use crate::{attachments, auth, cases, chat, connectors, import, kb, merge, orders, portal_auth, rest, statics};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::path::PathBuf;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use trato_protocol::*;

/// Largest accepted request body.
pub const MAX_BODY: usize = 1024 * 1024;

/// Content-Security-Policy of the desk and portal pages, before `connect-src`'s extra sources.
pub const PAGE_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
    img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
    frame-ancestors 'none'; connect-src 'self'";

/// The pages' Content-Security-Policy, letting the desk reach the other backends it is configured for (only
/// well-formed `http(s)://host[:port]` origins; anything else is left out).
pub fn page_csp(backends: &[String]) -> String {
    let mut csp = PAGE_CSP.to_string();
    for origin in backends {
        let origin = origin.trim_end_matches('/');
        let well_formed = (origin.starts_with("https://") || origin.starts_with("http://"))
            && origin.split_once("://").is_some_and(|(_, host)| {
                !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
            });
        if well_formed {
            csp.push(' ');
            csp.push_str(origin);
        }
    }
    csp
}

/// Content-Security-Policy of the widget page, up to its `frame-ancestors` sources (the allowed origins of the
/// site named by `?site=`, or `'none'`). `connect-src` includes the page's own WebSocket endpoint.
pub const WIDGET_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
    frame-ancestors ";

/// Content-Security-Policy of the demo host page, which frames the widget.
pub const DEMO_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; frame-src 'self'; \
    object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

/// Builds the whole application.
pub fn router(state: AppState, static_dir: Option<PathBuf>) -> Router {
    let api = Router::new()
        .merge(auth::router())
        .merge(rest::router())
        .merge(cases::router())
        .merge(attachments::router())
        .merge(kb::router())
        .merge(portal_auth::router())
        .merge(orders::router())
        .merge(import::router())
        .merge(merge::router())
        .merge(chat::router())
        .merge(connectors::router())
        .fallback(unknown_path)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(csrf_guard))
        .layer(DefaultBodyLimit::max(MAX_BODY));
    let mut app = Router::new().nest(API_PREFIX, api).route("/api/{*rest}", get(unknown_path).post(unknown_path));
    if let Some(dir) = static_dir {
        app = statics::serve(app, &dir);
    }
    with_layers(app, state)
}

/// Wraps `app` in the layers every answer goes through.
pub fn with_layers(app: Router<AppState>, state: AppState) -> Router {
    app.layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, state.limits.request_timeout))
        .layer(middleware::from_fn(json_errors))
        .layer(middleware::from_fn_with_state(state.clone(), security_headers))
        .layer(CatchPanicLayer::custom(|_| {
            Failure::new(ErrorCode::Internal, "The server could not complete the request.").into_response()
        }))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            // The path only: queries may hold what a rep searched for.
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
        }))
        .with_state(state)
}

/// Refuses mutating API requests that lack the custom CSRF header (a cross-site form or image cannot send it).
async fn csrf_guard(request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let has_header = request.headers().get(CSRF_HEADER).is_some_and(|v| v.as_bytes() == CSRF_VALUE.as_bytes());
    if !safe && !has_header {
        return Failure::new(ErrorCode::Forbidden, format!("Mutating requests need the {CSRF_HEADER} header."))
            .into_response();
    }
    next.run(request).await
}

/// Gives every API error the protocol's JSON shape, whatever made it (an extractor's rejection, a timeout, a
/// refused WebSocket upgrade), keeping its status and, as the message, the first line of its text.
async fn json_errors(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !api || is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 2048).await.unwrap_or_default();
    let first_line = String::from_utf8_lossy(&text).lines().next().unwrap_or("").trim().to_string();
    let code = crate::error::code_for(status);
    let message = if first_line.is_empty() || code == ErrorCode::Internal {
        status.canonical_reason().unwrap_or("Error").to_string()
    } else {
        first_line
    };
    let mut replaced = Failure::new(code, message).into_response();
    *replaced.status_mut() = status;
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(value) = parts.headers.get(&name) {
            replaced.headers_mut().insert(name, value.clone());
        }
    }
    replaced
}

/// Adds CSP and other protective headers; API answers are never cached, and keep a stricter CSP of their own
/// (attachments are `sandbox`ed).
async fn security_headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    // The widget page may only be framed by the origins of the site it is opened for (`?site=`).
    let widget_ancestors = path.starts_with("/widget/").then(|| {
        let site = request.uri().query().and_then(|q| {
            serde_urlencoded::from_str::<Vec<(String, String)>>(q)
                .ok()?
                .into_iter()
                .find(|(k, _)| k == "site")
                .map(|(_, v)| v)
        });
        chat::frame_ancestors(&state.read(), site.as_deref())
    });
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    let csp = if path.starts_with("/api/") {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if headers.contains_key(header::CONTENT_SECURITY_POLICY) {
            return response;
        }
        "default-src 'none'; frame-ancestors 'none'".to_string()
    } else if let Some(ancestors) = widget_ancestors {
        format!("{WIDGET_CSP}{ancestors}")
    } else if path.starts_with("/demo/") {
        DEMO_CSP.to_string()
    } else {
        state.page_csp.to_string()
    };
    if let Ok(value) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt;

    fn state() -> AppState {
        let path = std::env::temp_dir().join(format!("trato-web-{}.sqlite", crate::db::new_id("t")));
        let database = std::sync::Arc::new(crate::db::Db::open(&path).unwrap());
        let limits = crate::serve::ConnectionLimits::default();
        AppState {
            database,
            secure_cookies: false,
            public_url: "http://127.0.0.1".into(),
            mail: Default::default(),
            hub: Default::default(),
            page_csp: PAGE_CSP.into(),
            connectors: "[]".into(),
            sockets: crate::serve::Gate::new(1, 1),
            limits: std::sync::Arc::new(limits),
        }
    }

    async fn call(app: &Router, path: &str) -> Response {
        app.clone().oneshot(axum::http::Request::get(path).body(Body::empty()).unwrap()).await.unwrap()
    }

    #[tokio::test]
    async fn a_panic_fails_its_request_only_and_every_error_is_json() {
        let routes: Router<AppState> = Router::new()
            .route(
                "/api/v1/boom",
                get(|| async {
                    if true {
                        panic!("a bug")
                    } else {
                        ""
                    }
                }),
            )
            .route("/api/v1/ok", get(|| async { "fine" }))
            .route("/api/v1/plain", get(|| async { (StatusCode::BAD_REQUEST, "missing field `site`\nmore") }));
        let app = with_layers(routes, state());
        let boom = call(&app, "/api/v1/boom").await;
        assert_eq!(boom.status(), 500);
        let body = axum::body::to_bytes(boom.into_body(), 10_000).await.unwrap();
        let error: ApiError = serde_json::from_slice(&body).unwrap();
        assert_eq!(error.code, ErrorCode::Internal);
        assert!(!error.message.contains("a bug"), "no internals");
        assert_eq!(call(&app, "/api/v1/ok").await.status(), 200, "the server goes on");
        let plain = call(&app, "/api/v1/plain").await;
        assert_eq!(plain.status(), 400);
        let body = axum::body::to_bytes(plain.into_body(), 10_000).await.unwrap();
        let error: ApiError = serde_json::from_slice(&body).unwrap();
        assert_eq!((error.code, error.message.as_str()), (ErrorCode::BadRequest, "missing field `site`"));
    }

    #[test]
    fn the_release_build_unwinds_so_a_panic_cannot_stop_the_server() {
        let manifest = include_str!("../../Cargo.toml");
        let release = manifest.split("[profile.release]").nth(1).unwrap_or("").split("\n[").next().unwrap_or("");
        assert!(!release.contains("panic"), "the release profile must keep unwinding: {release}");
    }

    #[test]
    fn other_backends_are_added_to_connect_src_only_when_well_formed() {
        assert!(page_csp(&[]).ends_with("connect-src 'self'"));
        let csp = page_csp(&["http://127.0.0.1:8000/".into(), "https://erp.example".into()]);
        assert!(csp.ends_with("connect-src 'self' http://127.0.0.1:8000 https://erp.example"));
        for hostile in ["javascript:alert(1)", "https://x; script-src *", "*", "https://"] {
            assert!(page_csp(&[hostile.into()]).ends_with("connect-src 'self'"), "{hostile}");
        }
    }
}
