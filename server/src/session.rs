//! Session, cookie and token primitives shared by reps' sign-in, portal sign-in and chat visitors: random
//! 256-bit tokens (only their SHA-256 is ever stored), `Set-Cookie` values and reading a cookie or a bearer token
//! from request headers.

use axum::http::{header, HeaderMap, HeaderValue};
use base64::Engine;
use sha2::{Digest, Sha256};

/// A fresh random token: 32 bytes, base64url without padding.
pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The form a token is stored in: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// An HttpOnly, SameSite=Strict session cookie for `path` (an empty value with `max_age` 0 clears it).
pub fn set_cookie(name: &str, value: &str, path: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let cookie = format!("{name}={value}; Path={path}; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The value of the cookie `name`, when the request carries a non-empty one.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name && !value.is_empty()).then(|| value.to_string())
    })
}

/// The token of an `Authorization: Bearer` header.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn cookies_and_bearer_tokens_are_read_exactly() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("other=1; trato_session=abc; x="));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer  tok "));
        assert_eq!(cookie(&headers, "trato_session").as_deref(), Some("abc"));
        assert_eq!(cookie(&headers, "x"), None);
        assert_eq!(cookie(&headers, "trato"), None);
        assert_eq!(bearer(&headers).as_deref(), Some("tok"));
        let set = set_cookie("s", "v", "/api", 60, true);
        assert_eq!(set.to_str().unwrap(), "s=v; Path=/api; HttpOnly; SameSite=Strict; Max-Age=60; Secure");
    }
}
