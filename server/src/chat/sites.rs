//! Chat sites: the web sites that embed the widget, with the origins allowed to frame it, opening hours, the
//! identity secret for signed identify calls and whether a pre-chat form is shown.

use crate::auth::Rep;
use crate::db;
use crate::error::{json_body, ApiJson, Failure};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Deserialize;
use trato_protocol::*;

/// Whether `text` is an origin: `http(s)://host[:port]` with nothing after it.
pub fn is_origin(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://")) else { return false };
    !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c)) && !rest.starts_with(':')
}

fn site_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Site> {
    let origins: String = row.get(2)?;
    let hours: Option<String> = row.get(3)?;
    Ok(Site {
        key: row.get(0)?,
        name: row.get(1)?,
        allowed_origins: serde_json::from_str(&origins).unwrap_or_default(),
        business_hours: hours.and_then(|h| serde_json::from_str(&h).ok()),
        enforce_identity: row.get(4)?,
        identity_secret: row.get(5)?,
        prechat: row.get(6)?,
    })
}

/// Reads a site by key.
pub fn site(conn: &Connection, key: &str) -> rusqlite::Result<Option<Site>> {
    conn.query_row(
        "SELECT key, name, allowed_origins, business_hours, enforce_identity, identity_secret, prechat
         FROM sites WHERE key = ?1",
        params![key],
        site_row,
    )
    .optional()
}

/// Stores a site (insert or replace).
pub fn put_site(conn: &Connection, site: &Site) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO sites (key, name, allowed_origins, business_hours, enforce_identity, identity_secret, prechat)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(key) DO UPDATE SET name = ?2, allowed_origins = ?3, business_hours = ?4, enforce_identity = ?5,
                                        identity_secret = ?6, prechat = ?7",
        params![
            site.key,
            site.name,
            serde_json::to_string(&site.allowed_origins).unwrap_or_else(|_| "[]".into()),
            site.business_hours.as_ref().and_then(|h| serde_json::to_string(h).ok()),
            site.enforce_identity,
            site.identity_secret,
            site.prechat
        ],
    )?;
    Ok(())
}

/// The `frame-ancestors` source list for the widget page of `site_key`: the site's allowed origins, or `'none'`.
pub fn frame_ancestors(conn: &Connection, site_key: Option<&str>) -> String {
    let origins =
        site_key.and_then(|key| site(conn, key).ok().flatten()).map(|s| s.allowed_origins).unwrap_or_default();
    let valid: Vec<String> = origins.into_iter().filter(|o| is_origin(o)).collect();
    if valid.is_empty() {
        "'none'".into()
    } else {
        valid.join(" ")
    }
}

/// Body of `POST /sites`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSite {
    /// Display name.
    pub name: String,
    /// Origins allowed to frame the widget.
    pub allowed_origins: Vec<String>,
    /// Opening hours; absent for always.
    #[serde(default)]
    pub business_hours: Option<BusinessHours>,
    /// Require signed identify calls.
    #[serde(default)]
    pub enforce_identity: bool,
    /// Ask name and e-mail first.
    #[serde(default)]
    pub prechat: bool,
}

/// `GET /sites`: every site, for reps.
pub async fn list_sites(State(state): State<AppState>, _rep: Rep) -> Result<Response, Failure> {
    let conn = state.db();
    let mut stmt = conn.prepare(
        "SELECT key, name, allowed_origins, business_hours, enforce_identity, identity_secret, prechat FROM sites ORDER BY name",
    )?;
    let sites = stmt.query_map([], site_row)?.collect::<Result<Vec<_>, _>>()?;
    Ok(json_body(&sites))
}

/// `POST /sites`: a new site with a fresh key and identity secret.
pub async fn create_site(
    State(state): State<AppState>,
    _rep: Rep,
    ApiJson(new): ApiJson<NewSite>,
) -> Result<Response, Failure> {
    let mut errors = FieldErrors::new();
    validate::check_required(&mut errors, "name", &new.name, 200);
    if new.allowed_origins.is_empty() || !new.allowed_origins.iter().all(|o| is_origin(o)) {
        errors.insert("allowed_origins".into(), "must be origins such as https://shop.example".into());
    }
    if !errors.is_empty() {
        return Err(Failure(ApiError::validation(errors)));
    }
    let site = Site {
        key: db::new_id("site"),
        name: new.name.trim().into(),
        allowed_origins: new.allowed_origins,
        business_hours: new.business_hours,
        enforce_identity: new.enforce_identity,
        identity_secret: new_secret(),
        prechat: new.prechat,
    };
    put_site(&state.db(), &site)?;
    let mut response = json_body(&site);
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

fn new_secret() -> String {
    let secret: [u8; 32] = rand::random();
    secret.iter().map(|b| format!("{b:02x}")).collect()
}

/// `POST /sites/{key}/secret`: a new identity secret for the site (the old one stops working at once, so a leaked
/// secret or signature can be revoked).
pub async fn rotate_secret(
    State(state): State<AppState>,
    _rep: Rep,
    Path(key): Path<String>,
) -> Result<Response, Failure> {
    let conn = state.db();
    let mut site = site(&conn, &key)?.ok_or_else(|| Failure::not_found("site"))?;
    site.identity_secret = new_secret();
    put_site(&conn, &site)?;
    Ok(json_body(&site))
}

/// Makes sure the demo site exists and may be framed by the server's own pages (the `/demo/` host page).
pub fn ensure_demo_site(conn: &Connection, public_url: &str) -> rusqlite::Result<()> {
    let mut site = site(conn, "demo")?.unwrap_or_else(|| Site {
        key: "demo".into(),
        name: crate::demo::COMPANY.into(),
        allowed_origins: vec![],
        business_hours: None,
        enforce_identity: false,
        identity_secret: "demo-secret".into(),
        prechat: true,
    });
    if !site.allowed_origins.iter().any(|o| o == public_url) {
        site.allowed_origins.push(public_url.into());
    }
    put_site(conn, &site)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        assert!(is_origin("https://shop.example"));
        assert!(is_origin("http://127.0.0.1:4000"));
        assert!(!is_origin("https://shop.example/path"));
        assert!(!is_origin("javascript:alert(1)"));
        assert!(!is_origin("https://a.example 'unsafe-inline'"));
        assert!(!is_origin("*"));
    }
}
