//! Requests a connector file describes: the credential in its place, a list's query (paging, sort, filters,
//! search, changed-since), a record's path, and a list answer read into records and the next page's cursor.
//!
//! A list cursor is text: `p:3` (page), `o:200` (offset), `c:<token>` (the backend's cursor) or `u:<path>` (the
//! next page's address, from the body or the `Link` header).

use super::context::RestSession;
use super::values::timestamp;
use crate::connector::trato::encode_component;
use crate::connector::{ConnectorError, HttpRequest, HttpResponse, ListQuery, Method};
use serde_json::Value;
use trato_protocol::connector_file::{Auth, ConnectorFile, HttpMethod, Paging, Place, Resource, Template};

/// The transport's method for a file's.
pub fn method(method: HttpMethod) -> Method {
    match method {
        HttpMethod::Get => Method::Get,
        HttpMethod::Post => Method::Post,
        HttpMethod::Put => Method::Put,
        HttpMethod::Patch => Method::Patch,
        HttpMethod::Delete => Method::Delete,
    }
}

/// `path` with `params` added to its query, encoded.
pub fn with_query(path: &str, params: &[(String, String)]) -> String {
    if params.is_empty() {
        return path.to_string();
    }
    let query: Vec<String> =
        params.iter().map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v))).collect();
    let joiner = if path.contains('?') { '&' } else { '?' };
    format!("{path}{joiner}{}", query.join("&"))
}

/// A request to the backend with the file's headers and the session's credential (`secret` overrides it: the
/// one typed at sign-in, before there is a session).
pub fn request(
    file: &ConnectorFile,
    session: &RestSession,
    secret: Option<&str>,
    method: Method,
    path: String,
) -> HttpRequest {
    let token = secret.map(str::to_string).or_else(|| session.token.clone());
    let mut path = path;
    let mut headers: Vec<(String, String)> = vec![("accept".into(), "application/json".into())];
    headers.extend(file.connector.headers.iter().map(|(k, v)| (k.clone(), v.clone())));
    if let Some(token) = token {
        match &file.auth {
            Auth::None => {}
            Auth::Bearer { .. } => headers.push(("authorization".into(), format!("Bearer {token}"))),
            Auth::Basic { .. } => headers.push(("authorization".into(), format!("Basic {token}"))),
            Auth::ApiKey { name, place: Place::Header, prefix, .. } => {
                headers.push((name.clone(), format!("{prefix}{token}")))
            }
            Auth::ApiKey { name, place: Place::Query, prefix, .. } => {
                path = with_query(&path, &[(name.clone(), format!("{prefix}{token}"))])
            }
            Auth::Login { header, prefix, .. } => headers.push((header.clone(), format!("{prefix}{token}"))),
        }
    }
    HttpRequest { method, path, headers, body: None }
}

/// A template rendered for a path: values percent-encoded.
pub fn render_path(template: &Template, value: impl Fn(&str) -> Option<String>) -> Result<String, ConnectorError> {
    template.render(value, encode_component).map_err(ConnectorError::Unsupported)
}

/// One record's path: the file's `item` template, or the collection's path, `/` and the id. `fields` (Trato
/// JSON) fill other placeholders (parent ids).
pub fn item_path(resource: &Resource, id: &str, fields: &Value) -> Result<String, ConnectorError> {
    let collection = render_path(&resource.path, |_| None)?;
    match &resource.item {
        None => Ok(format!("{}/{}", collection.trim_end_matches('/'), encode_component(id))),
        Some(item) => render_path(item, |name| match name {
            "id" => Some(id.to_string()),
            other => fields.get(other).and_then(|v| v.as_str().map(str::to_string)),
        }),
    }
}

/// The backend's field name for a Trato field (its path without `$.`), for sorts and filters.
fn backend_field(resource: &Resource, field: &str) -> Option<String> {
    let rule = resource.fields.get(field)?.rule();
    Some(rule.path.as_str().trim_start_matches('$').trim_start_matches('.').to_string())
}

fn push(
    params: &mut Vec<(String, String)>,
    joins: &std::collections::BTreeMap<String, String>,
    name: &str,
    value: String,
) {
    if let Some(joiner) = joins.get(name) {
        if let Some((_, existing)) = params.iter_mut().find(|(n, _)| n == name) {
            existing.push_str(joiner);
            existing.push_str(&value);
            return;
        }
    }
    params.push((name.to_string(), value));
}

/// A value for a filter template: inside a quoted filter expression (the template has a quote), `\\`, `'` and `"`
/// are escaped with `\\` so a value cannot end the string and add conditions.
fn quoted(template: &Template, value: &str) -> String {
    if !template.as_str().contains(['\'', '"']) {
        return value.to_string();
    }
    value.chars().fold(String::new(), |mut out, c| {
        if matches!(c, '\\' | '\'' | '"') {
            out.push('\\');
        }
        out.push(c);
        out
    })
}

fn render_text(template: &Template, value: impl Fn(&str) -> Option<String>) -> Result<String, ConnectorError> {
    template.render(value, |v| v.to_string()).map_err(ConnectorError::Unsupported)
}

/// The request for one page of a list: `query`'s filters, sort, search and cursor, and (for the changes feed)
/// records changed since `since` (RFC 3339), oldest first.
pub fn list_request(
    file: &ConnectorFile,
    session: &RestSession,
    resource: &Resource,
    query: &ListQuery,
    since: Option<&str>,
    base_url: &str,
) -> Result<HttpRequest, ConnectorError> {
    let list = &resource.list;
    if let Some(next) = query.cursor.as_deref().and_then(|c| c.strip_prefix("u:")) {
        return Ok(request(file, session, None, Method::Get, relative_path(next, base_url)));
    }
    let size = query.limit.unwrap_or(list.page_size).clamp(1, list.page_size.max(1)).to_string();
    let mut params: Vec<(String, String)> = list.query.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let cursor = query.cursor.as_deref().unwrap_or("");
    match &list.paging {
        Paging::None | Paging::NextUrl { .. } => {}
        Paging::Page { param, size_param, start } => {
            let page = cursor.strip_prefix("p:").and_then(|p| p.parse().ok()).unwrap_or(*start);
            params.push((param.clone(), page.to_string()));
            params.push((size_param.clone(), size.clone()));
        }
        Paging::Offset { param, size_param, end } => {
            let offset: u64 = cursor.strip_prefix("o:").and_then(|p| p.parse().ok()).unwrap_or(0);
            params.push((param.clone(), offset.to_string()));
            let count: u64 = size.parse().unwrap_or(100);
            params.push((size_param.clone(), if *end { (offset + count).to_string() } else { size.clone() }));
        }
        Paging::Cursor { param, size_param, .. } => {
            if let Some(token) = cursor.strip_prefix("c:") {
                params.push((param.clone(), token.to_string()));
            }
            if let Some(size_param) = size_param {
                params.push((size_param.clone(), size.clone()));
            }
        }
        Paging::LinkHeader { size_param } => {
            if let Some(size_param) = size_param {
                params.push((size_param.clone(), size.clone()));
            }
        }
    }
    let joins = &list.join;
    for (field, value) in &query.filters {
        let Some(name) = backend_field(resource, field) else {
            return Err(ConnectorError::Unsupported(format!("filtering on {field}")));
        };
        for (param, template) in &list.filter {
            let text = render_text(template, |n| match n {
                "field" => Some(name.clone()),
                "value" => Some(quoted(template, value)),
                _ => None,
            })?;
            // The parameter's name may be the field itself (`{field} = "{value}"`, json-server's `stage=…`).
            let param = param.replace("{field}", &name);
            push(&mut params, joins, &param, text);
        }
    }
    if let Some(q) = query.search.as_deref().filter(|q| !q.trim().is_empty()) {
        for (param, template) in &list.search {
            let text = render_text(template, |n| (n == "q").then(|| quoted(template, q)))?;
            push(&mut params, joins, param, text);
        }
    }
    match since {
        Some(since) => {
            for (param, template) in &list.updated_since {
                let text = render_text(template, since_value(since))?;
                push(&mut params, joins, param, text);
            }
            for (param, value) in &list.updated_sort {
                push(&mut params, joins, param, value.clone());
            }
        }
        None => {
            if let Some(sort) = &query.sort {
                let (descending, field) = sort.strip_prefix('-').map(|f| (true, f)).unwrap_or((false, sort));
                if let Some(name) = backend_field(resource, field) {
                    for (param, template) in &list.sort {
                        let text = render_text(template, |n| match n {
                            "field" => Some(name.clone()),
                            "-" => Some(if descending { "-" } else { "" }.into()),
                            "dir" => Some(if descending { "desc" } else { "asc" }.into()),
                            _ => None,
                        })?;
                        push(&mut params, joins, param, text);
                    }
                }
            }
        }
    }
    let path = with_query(&render_path(&resource.path, |_| None)?, &params);
    Ok(request(file, session, None, Method::Get, path))
}

/// The values of a changed-since template's placeholders for the bound `since` (RFC 3339): `{since}`,
/// `{since_space}` (`YYYY-MM-DD HH:MM:SS.fffZ`), `{since_unix}` and `{since_unix_ms}`.
pub fn since_value(since: &str) -> impl Fn(&str) -> Option<String> {
    let ms = super::values::millis(since).unwrap_or(0);
    let iso = timestamp(ms);
    move |name| match name {
        "since" => Some(iso.clone()),
        "since_space" => Some(iso.replacen('T', " ", 1)),
        "since_unix" => Some((ms / 1000).to_string()),
        "since_unix_ms" => Some(ms.to_string()),
        _ => None,
    }
}

/// An address from the backend made relative to the base address (the transport adds it back).
pub fn relative_path(url: &str, base_url: &str) -> String {
    if let Some(rest) = url.strip_prefix(base_url).filter(|_| !base_url.is_empty()) {
        return rest.to_string();
    }
    match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map(|at| rest[at..].to_string()).unwrap_or_else(|| "/".into()),
        None => url.to_string(),
    }
}

/// The `rel="next"` address of a `Link` header.
fn link_next(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| {
            let p = p.trim().replace(' ', "");
            p == "rel=\"next\"" || p == "rel=next"
        });
        is_next.then(|| url.trim().trim_start_matches('<').trim_end_matches('>').to_string())
    })
}

/// A page of a list answer: the backend's records, the next page's cursor, and the total when the backend says.
pub struct ListPage {
    /// The records, as the backend wrote them.
    pub records: Vec<Value>,
    /// The next page's cursor.
    pub next: Option<String>,
    /// The total the backend announced.
    pub total: Option<u64>,
}

/// Reads a list answer to `query`.
pub fn read_page(
    resource: &Resource,
    query: &ListQuery,
    response: &HttpResponse,
    base_url: &str,
) -> Result<ListPage, ConnectorError> {
    let list = &resource.list;
    let body: Value = serde_json::from_str(&response.body)
        .map_err(|_| ConnectorError::Malformed("a list answer that is not JSON".into()))?;
    let records = list
        .records
        .get(&body)
        .and_then(Value::as_array)
        .cloned()
        .ok_or_else(|| ConnectorError::Malformed(format!("no list of records at `{}`", list.records.as_str())))?;
    let total = list.total.as_deref().and_then(|total| match total.strip_prefix("header:") {
        Some(header) => response.header(header.trim())?.trim().parse().ok(),
        None => trato_protocol::connector_file::JsonPath::parse(total).ok()?.get(&body)?.as_u64(),
    });
    let size = u64::from(query.limit.unwrap_or(list.page_size).clamp(1, list.page_size.max(1)));
    let count = records.len() as u64;
    let cursor = query.cursor.as_deref().unwrap_or("");
    let next = match &list.paging {
        Paging::None => None,
        Paging::Page { start, .. } => {
            let page: u64 = cursor.strip_prefix("p:").and_then(|p| p.parse().ok()).unwrap_or(*start);
            let seen = (page + 1 - start) * size;
            (count >= size && total.is_none_or(|t| seen < t)).then(|| format!("p:{}", page + 1))
        }
        Paging::Offset { .. } => {
            let offset: u64 = cursor.strip_prefix("o:").and_then(|p| p.parse().ok()).unwrap_or(0);
            (count >= size && total.is_none_or(|t| offset + count < t)).then(|| format!("o:{}", offset + count))
        }
        Paging::Cursor { token, .. } => {
            let token = token.get(&body).and_then(super::values::as_text);
            // A cursor that does not move would loop for ever.
            token.filter(|t| !t.is_empty() && cursor.strip_prefix("c:") != Some(t)).map(|t| format!("c:{t}"))
        }
        Paging::NextUrl { path } => path
            .get(&body)
            .and_then(Value::as_str)
            .filter(|u| !u.is_empty())
            .map(|u| format!("u:{}", relative_path(u, base_url))),
        Paging::LinkHeader { .. } => {
            response.header("link").and_then(link_next).map(|u| format!("u:{}", relative_path(&u, base_url)))
        }
    };
    // A page without records ends the list whatever the backend says.
    let next = next.filter(|n| count > 0 && (!n.starts_with("u:") || n.as_str() != cursor));
    Ok(ListPage { records, next, total })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_headers_and_absolute_addresses() {
        let header = r#"<http://127.0.0.1:3000/deals?_page=1&_limit=2>; rel="first", <http://127.0.0.1:3000/deals?_page=2&_limit=2>; rel="next", <http://127.0.0.1:3000/deals?_page=4&_limit=2>; rel="last""#;
        let next = link_next(header).unwrap();
        assert_eq!(relative_path(&next, "http://127.0.0.1:3000"), "/deals?_page=2&_limit=2");
        assert_eq!(relative_path("https://other/x/y?z=1", "http://127.0.0.1:3000"), "/x/y?z=1");
        assert_eq!(link_next(r#"<http://a/b>; rel="prev""#), None);
        assert_eq!(with_query("/d?a=1", &[("f".into(), "x = 'y'".into())]), "/d?a=1&f=x%20%3D%20%27y%27");
    }
}
