//! What a connector file must say beyond its shape: the fields each kind needs, placeholders each template may
//! use, transforms that fit their fields, and no credential in the file. Every problem names the key it is about
//! (`resources.deals.fields.amount`); [`super::parse`] turns that into a line.

use super::{Auth, Concurrency, ConnectorFile, FieldMap, Paging, Resource, Template, Transform, FORMAT};

/// A mistake in a connector file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The key it is about, dotted (`resources.deals.list.page_size`).
    pub at: String,
    /// What is wrong, and what to write instead.
    pub message: String,
}

/// The Trato fields of each kind a file may map, and those it must.
fn fields_of(kind: &str) -> (&'static [&'static str], &'static [&'static str]) {
    match kind {
        "pipelines" => (&["name", "created_at", "updated_at"], &["name"]),
        "stages" => (&["name", "pipeline_id", "position", "probability", "kind", "rotting_days"], &["name"]),
        "deals" => (
            &[
                "name",
                "pipeline_id",
                "stage_id",
                "account_id",
                "contact_id",
                "owner_id",
                "amount",
                "currency",
                "expected_close",
                "stage_entered_at",
                "last_activity_at",
                "position",
                "lost_reason",
                "closed_on",
                "probability",
                "created_at",
                "updated_at",
            ],
            &["name", "stage_id"],
        ),
        "accounts" => {
            (&["name", "industry", "website", "phone", "city", "owner_id", "created_at", "updated_at"], &["name"])
        }
        "contacts" => (
            &[
                "first_name",
                "last_name",
                "email",
                "phone",
                "title",
                "account_id",
                "owner_id",
                "created_at",
                "updated_at",
            ],
            &["last_name"],
        ),
        "activities" => (
            &[
                "kind",
                "subject",
                "body",
                "deal_id",
                "account_id",
                "contact_id",
                "owner_id",
                "due_on",
                "done",
                "created_at",
                "updated_at",
            ],
            &["kind", "subject"],
        ),
        "users" => (&["name", "email", "role"], &["name"]),
        _ => (&[], &[]),
    }
}

const SINCE: [&str; 4] = ["since", "since_space", "since_unix", "since_unix_ms"];

fn names_in(problems: &mut Vec<Problem>, at: &str, template: &Template, allowed: &[&str]) {
    for name in template.names() {
        if !allowed.contains(&name) {
            let message = if allowed.is_empty() {
                format!("`{{{name}}}`: no placeholder may be used here")
            } else {
                format!("`{{{name}}}` cannot be used here; use {}", list(allowed))
            };
            problems.push(Problem { at: at.into(), message });
        }
    }
}

fn list(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{{{n}}}`")).collect::<Vec<_>>().join(", ")
}

/// Every problem of `file`, in file order as far as it can tell (none: the file can be used).
pub fn check(file: &ConnectorFile) -> Vec<Problem> {
    let mut problems = vec![];
    let mut problem = |at: &str, message: String| problems.push(Problem { at: at.into(), message });
    let about = &file.connector;
    if about.format == 0 || about.format > FORMAT {
        problem("connector.format", format!("format {} is not one this Trato reads (write {FORMAT})", about.format));
    }
    if about.name.trim().is_empty() {
        problem("connector.name", "the name is empty".into());
    }
    if about.currency.len() != 3 || !about.currency.chars().all(|c| c.is_ascii_uppercase()) {
        problem("connector.currency", format!("`{}` is not an ISO 4217 code such as `EUR`", about.currency));
    }
    if let Some(url) = &about.base_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            problem("connector.base_url", format!("`{url}` must start with http:// or https://"));
        }
    }
    for name in about.headers.keys() {
        let lower = name.to_ascii_lowercase();
        if ["authorization", "cookie", "x-api-key", "proxy-authorization"].contains(&lower.as_str()) {
            problem("connector.headers", format!("`{name}` would hold a credential: a file never does ([auth])"));
        }
    }
    match &file.auth {
        Auth::Login { request, .. } => {
            names_in(&mut problems, "auth.request", &request.path, &[]);
        }
        Auth::ApiKey { name, .. } if name.trim().is_empty() => {
            problems.push(Problem { at: "auth.name".into(), message: "the key's header or parameter name".into() })
        }
        _ => {}
    }
    for (kind, resource) in file.resources.all() {
        check_resource(&mut problems, kind, resource);
    }
    if file.resources.pipelines.is_some() && !file.resources.stages.fields.contains_key("pipeline_id") {
        problems.push(Problem {
            at: "resources.stages.fields".into(),
            message: "with [resources.pipelines], stages need `pipeline_id`".into(),
        });
    }
    problems
}

fn check_resource(problems: &mut Vec<Problem>, kind: &str, resource: &Resource) {
    let at = format!("resources.{kind}");
    let (allowed, required) = fields_of(kind);
    let mut problem = |key: &str, message: String| {
        let at = if key.is_empty() { at.clone() } else { format!("{at}.{key}") };
        problems.push(Problem { at, message })
    };
    for field in required {
        if !resource.fields.contains_key(*field) {
            problem("fields", format!("`{field}` is needed: where is it on the backend?"));
        }
    }
    for (field, map) in &resource.fields {
        if !allowed.contains(&field.as_str()) {
            problem(&format!("fields.{field}"), format!("`{field}` is not a field of Trato's {kind}"));
            continue;
        }
        let rule = map.rule();
        let money = field == "amount";
        match (money, rule.transform) {
            (true, Some(Transform::Decimal | Transform::Minor)) | (false, None) => {}
            (true, _) => {
                problem(&format!("fields.{field}"), "money needs `transform = \"decimal\"` or `\"minor\"`".into())
            }
            (false, Some(Transform::Decimal | Transform::Minor)) => {
                problem(&format!("fields.{field}"), "only `amount` is money".into())
            }
            (false, Some(_)) => {}
        }
        if let (FieldMap::Full(rule), true) = (map, map.rule().values.is_some()) {
            if rule.transform.is_some() {
                problem(&format!("fields.{field}"), "a value map and a transform cannot go together".into());
            }
        }
    }
    let item_names: Vec<&str> = std::iter::once("id").chain(allowed.iter().copied()).collect();
    if let Some(name) = resource.path.names().next() {
        problem("path", format!("`{{{name}}}`: a collection's path takes no placeholder"));
    }
    if let Some(item) = &resource.item {
        if !item.names().any(|n| n == "id") {
            problem("item", "a record's path needs `{id}`".into());
        }
    }
    let reading = &resource.list;
    if reading.page_size == 0 || reading.page_size > 1000 {
        problem("list.page_size", format!("{} is not between 1 and 1000", reading.page_size));
    }
    if let Some(total) = &reading.total {
        if !total.starts_with("header:") && super::JsonPath::parse(total).is_err() {
            problem("list.total", format!("`{total}` is neither a JSON path nor `header:Name`"));
        }
    }
    let mut templates: Vec<(&str, &Template, &[&str])> = vec![];
    templates.extend(reading.sort.values().map(|t| ("list.sort", t, &["field", "-", "dir"][..])));
    templates.extend(reading.filter.values().map(|t| ("list.filter", t, &["field", "value"][..])));
    templates.extend(reading.search.values().map(|t| ("list.search", t, &["q"][..])));
    templates.extend(reading.updated_since.values().map(|t| ("list.updated_since", t, &SINCE[..])));
    for (key, template, names) in templates {
        for name in template.names() {
            if !names.contains(&name) {
                problem(key, format!("`{{{name}}}` cannot be used here; use {}", list(names)));
            }
        }
    }
    if let Paging::Page { param, size_param, .. } | Paging::Offset { param, size_param, .. } = &reading.paging {
        if param.is_empty() || size_param.is_empty() {
            problem("list.paging", "name the page (or offset) parameter and the size parameter".into());
        }
    }
    for (key, write) in [("create", &resource.create), ("update", &resource.update)] {
        if let Some(path) = write.as_ref().and_then(|w| w.path.as_ref()) {
            for name in path.names() {
                if !item_names.contains(&name) {
                    problem(&format!("{key}.path"), format!("`{{{name}}}` is not a field of Trato's {kind}"));
                }
            }
        }
    }
    if let super::Deletions::Tombstones { path, .. } = &resource.deletions {
        for name in path.names() {
            if !SINCE.contains(&name) {
                problem("deletions", format!("`{{{name}}}` cannot be used here; use {}", list(&SINCE)));
            }
        }
    }
    let has_updated = resource.fields.contains_key("updated_at");
    match &resource.concurrency {
        Concurrency::UpdatedAt if !has_updated => {
            problem("concurrency", "`updated_at` comparison needs the `updated_at` field mapped".into())
        }
        _ => {}
    }
    if !reading.updated_since.is_empty() && !has_updated {
        problem("list.updated_since", "changed-since reads need the `updated_at` field mapped".into());
    }
}
