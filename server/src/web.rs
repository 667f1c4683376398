//! The HTTP surface: API routes, CSRF guard, security headers, static faces, panic safety net.

use crate::error::Failure;
use crate::resources::{create, delete, get as get_one, list, method_not_allowed, restore, unknown_path, update};
use crate::{auth, cases, chat, kb, orders, portal_auth, AppState};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::path::PathBuf;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::services::{ServeDir, ServeFile};
use trato_protocol::*;

/// Largest accepted request body.
const MAX_BODY: usize = 1024 * 1024;
/// Largest accepted upload body (an attachment plus some slack, so a too-large file gets a clear message).
const UPLOAD_BODY: usize = MAX_ATTACHMENT + 64 * 1024;

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
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/me", get(auth::me))
        .route("/auth/session", get(auth::current_session))
        .route("/users", get(auth::list_users))
        .route("/changes", get(crate::resources::changes))
        .route("/pipelines", get(list::<Pipeline>))
        .route("/pipelines/{id}", get(get_one::<Pipeline>))
        .route("/accounts", get(list::<Account>).post(create::<Account>))
        .route("/accounts/{id}", get(get_one::<Account>).patch(update::<Account>).delete(delete::<Account>))
        .route("/contacts", get(list::<Contact>).post(create::<Contact>))
        .route("/contacts/{id}", get(get_one::<Contact>).patch(update::<Contact>).delete(delete::<Contact>))
        .route("/deals", get(list::<Deal>).post(create::<Deal>))
        .route("/deals/{id}", get(get_one::<Deal>).patch(update::<Deal>).delete(delete::<Deal>))
        .route("/deals/{id}/restore", post(restore::<Deal>))
        .route("/activities", get(list::<Activity>).post(create::<Activity>))
        .route("/activities/{id}", get(get_one::<Activity>).patch(update::<Activity>).delete(delete::<Activity>))
        .route("/views", get(list::<SavedView>).post(create::<SavedView>))
        .route("/views/{id}", get(get_one::<SavedView>).patch(update::<SavedView>).delete(delete::<SavedView>))
        .route("/cases", get(cases::queue))
        .route("/cases/{id}", get(cases::desk_get).patch(cases::desk_update))
        .route("/cases/{id}/messages", post(cases::desk_reply))
        .route("/attachments", post(cases::desk_upload).layer(DefaultBodyLimit::max(UPLOAD_BODY)))
        .route("/attachments/{id}", get(cases::desk_download))
        .route("/kb/categories", get(kb::desk_categories))
        .route("/kb/articles", get(kb::desk_articles).post(kb::desk_create))
        .route("/kb/articles/{id}", get(kb::desk_article).patch(kb::desk_update))
        .route("/portal/auth/link", post(portal_auth::request_link))
        .route("/portal/auth/redeem", post(portal_auth::redeem))
        .route("/portal/auth/logout", post(portal_auth::logout))
        .route("/portal/auth/session", get(portal_auth::session))
        .route("/portal/profile", get(portal_auth::profile).patch(portal_auth::update_profile))
        .route("/portal/cases", get(cases::portal_list).post(cases::portal_create))
        .route("/portal/cases/{id}", get(cases::portal_get))
        .route("/portal/cases/{id}/messages", post(cases::portal_reply))
        .route("/portal/cases/{id}/close", post(cases::portal_close))
        .route("/portal/cases/{id}/reopen", post(cases::portal_reopen))
        .route("/portal/cases/{id}/rating", post(cases::portal_rate))
        .route("/portal/attachments", post(cases::portal_upload).layer(DefaultBodyLimit::max(UPLOAD_BODY)))
        .route("/portal/attachments/{id}", get(cases::portal_download))
        .route("/portal/kb/categories", get(kb::portal_categories))
        .route("/portal/kb/articles", get(kb::portal_articles))
        .route("/portal/kb/articles/{id}", get(kb::portal_article))
        .route("/portal/kb/articles/{id}/feedback", post(kb::portal_feedback))
        .route("/portal/kb/articles/{id}/opened", post(kb::portal_opened))
        .route("/portal/orders", get(orders::portal_list))
        .route("/portal/orders/{id}", get(orders::portal_get))
        .route("/sites", get(chat::list_sites).post(chat::create_site))
        .route("/widget/config", get(chat::config))
        .route("/widget/session", post(chat::new_session))
        .route("/widget/me", get(chat::me))
        .route("/widget/prechat", post(chat::prechat))
        .route("/widget/identify", post(chat::identify))
        .route("/widget/conversation", get(chat::widget_conversation))
        .route("/widget/messages", post(chat::widget_message))
        .route("/widget/typing", post(chat::widget_typing))
        .route("/widget/read", post(chat::widget_read))
        .route("/widget/rating", post(chat::widget_rating))
        .route("/widget/offline", post(chat::widget_offline))
        .route("/widget/socket", get(chat::widget_socket))
        .route("/inbox", get(chat::inbox))
        .route("/inbox/socket", get(chat::inbox_socket))
        .route("/inbox/{id}", get(chat::inbox_get).patch(chat::inbox_update))
        .route("/inbox/{id}/messages", post(chat::inbox_message))
        .route("/inbox/{id}/typing", post(chat::inbox_typing))
        .route("/inbox/{id}/convert", post(chat::inbox_convert))
        .fallback(unknown_path)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(csrf_guard))
        .layer(DefaultBodyLimit::max(MAX_BODY));
    let mut app = Router::new().nest(API_PREFIX, api).route("/api/{*rest}", get(unknown_path).post(unknown_path));
    if let Some(dir) = static_dir {
        app = app
            .nest_service(
                "/portal",
                ServeDir::new(dir.join("portal")).fallback(ServeFile::new(dir.join("portal/index.html"))),
            )
            .nest_service("/widget", ServeDir::new(dir.join("widget")))
            .nest_service("/demo", ServeDir::new(dir.join("demo")))
            .fallback_service(ServeDir::new(dir.join("desk")).fallback(ServeFile::new(dir.join("desk/index.html"))));
    }
    app.layer(middleware::from_fn_with_state(state.clone(), security_headers))
        .layer(CatchPanicLayer::custom(|_| {
            Failure::new(ErrorCode::Internal, "The server could not complete the request.").into_response()
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

/// Adds CSP and other protective headers; API answers are never cached.
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
        chat::frame_ancestors(&state.db(), site.as_deref())
    });
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    let shell = path == "/sw.js" || !path.contains('.') || path.ends_with(".html");
    if shell && !path.starts_with("/api/") {
        // The service worker and the pages must be checked on every visit, so a new build is picked up.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    let csp = if path.starts_with("/api/") {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        "default-src 'none'; frame-ancestors 'none'"
    } else if let Some(ancestors) = widget_ancestors {
        let csp = format!("{WIDGET_CSP}{ancestors}");
        if let Ok(value) = HeaderValue::from_str(&csp) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
        return response;
    } else if path.starts_with("/demo/") {
        DEMO_CSP
    } else {
        if let Ok(value) = HeaderValue::from_str(&state.page_csp) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
        return response;
    };
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    response
}

#[cfg(test)]
mod tests {
    use super::page_csp;

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
