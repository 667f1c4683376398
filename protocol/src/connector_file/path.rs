//! The small JSON path subset connector files use: `$` (the whole value), `.name` and `[n]` steps, for example
//! `$.items`, `$.record.id`, `$.errors[0].message`. A path without the leading `$` starts at the root too. No
//! wildcards, filters or expressions: a path names one place.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// A parsed JSON path; written and read as its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct JsonPath {
    text: String,
    steps: Vec<Step>,
}

impl Default for JsonPath {
    /// `$`: the whole value.
    fn default() -> Self {
        JsonPath { text: "$".into(), steps: vec![] }
    }
}

impl TryFrom<String> for JsonPath {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        JsonPath::parse(&text)
    }
}

impl From<JsonPath> for String {
    fn from(path: JsonPath) -> String {
        path.text
    }
}

impl JsonPath {
    /// Parses `text`; a mistake is described in words.
    pub fn parse(text: &str) -> Result<JsonPath, String> {
        let bad = |why: &str| Err(format!("`{text}` is not a JSON path: {why} (use `$.a.b` or `$.list[0].c`)"));
        let rest = text.trim();
        let rest = rest.strip_prefix('$').unwrap_or(rest);
        let mut steps = vec![];
        let mut chars = rest.chars().peekable();
        let mut first = true;
        while let Some(&c) = chars.peek() {
            match c {
                '.' => {
                    chars.next();
                    let key: String = std::iter::from_fn(|| chars.next_if(|c| *c != '.' && *c != '[')).collect();
                    if key.is_empty() {
                        return bad("an empty name after `.`");
                    }
                    steps.push(Step::Key(key));
                }
                '[' => {
                    chars.next();
                    let digits: String = std::iter::from_fn(|| chars.next_if(|c| *c != ']')).collect();
                    if chars.next() != Some(']') {
                        return bad("a `[` without its `]`");
                    }
                    match digits.trim().parse::<usize>() {
                        Ok(index) => steps.push(Step::Index(index)),
                        Err(_) => return bad("only numbers go between `[` and `]`"),
                    }
                }
                _ if first => {
                    let key: String = std::iter::from_fn(|| chars.next_if(|c| *c != '.' && *c != '[')).collect();
                    steps.push(Step::Key(key));
                }
                _ => return bad("a step must start with `.` or `[`"),
            }
            first = false;
        }
        if steps.iter().any(|s| matches!(s, Step::Key(k) if k.contains(['*', '?', '(', ' ']))) {
            return bad("wildcards, filters and spaces are not supported");
        }
        Ok(JsonPath { text: text.trim().to_string(), steps })
    }

    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the path is `$` itself.
    pub fn is_root(&self) -> bool {
        self.steps.is_empty()
    }

    /// The value at this path in `value`, if there is one (a JSON `null` counts as none).
    pub fn get<'a>(&self, value: &'a Value) -> Option<&'a Value> {
        let mut here = value;
        for step in &self.steps {
            here = match step {
                Step::Key(key) => here.get(key)?,
                Step::Index(index) => here.get(index)?,
            };
        }
        Some(here).filter(|v| !v.is_null())
    }

    /// Puts `new` at this path in `value`, making the objects on the way (a list step on the way is refused).
    pub fn set(&self, value: &mut Value, new: Value) -> Result<(), String> {
        let Some((last, way)) = self.steps.split_last() else {
            *value = new;
            return Ok(());
        };
        let mut here = value;
        for step in way {
            here = match step {
                Step::Key(key) => {
                    if !here.is_object() {
                        *here = Value::Object(Map::new());
                    }
                    here.as_object_mut().map(|o| o.entry(key.clone()).or_insert(Value::Null)).ok_or("")?
                }
                Step::Index(_) => return Err(format!("`{}` cannot be written (it goes through a list)", self.text)),
            };
        }
        match last {
            Step::Key(key) => {
                if !here.is_object() {
                    *here = Value::Object(Map::new());
                }
                if let Some(object) = here.as_object_mut() {
                    object.insert(key.clone(), new);
                }
                Ok(())
            }
            Step::Index(_) => Err(format!("`{}` cannot be written (it ends in a list)", self.text)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_read_and_write_one_place() {
        let value = json!({"items": [{"id": "a", "expand": {"account": {"name": "Acme"}}}], "total": 3, "n": null});
        let path = JsonPath::parse("$.items[0].expand.account.name").unwrap();
        assert_eq!(path.get(&value), Some(&json!("Acme")));
        assert_eq!(JsonPath::parse("total").unwrap().get(&value), Some(&json!(3)));
        assert_eq!(JsonPath::parse("$").unwrap().get(&value), Some(&value));
        assert_eq!(JsonPath::parse("$.n").unwrap().get(&value), None);
        assert_eq!(JsonPath::parse("$.items[4].id").unwrap().get(&value), None);
        let mut body = json!({});
        JsonPath::parse("$.data.name").unwrap().set(&mut body, json!("x")).unwrap();
        JsonPath::parse("$.data.city").unwrap().set(&mut body, json!("y")).unwrap();
        assert_eq!(body, json!({"data": {"name": "x", "city": "y"}}));
        assert!(JsonPath::parse("$.a[0]").unwrap().set(&mut body, json!(1)).is_err());
    }

    #[test]
    fn what_is_not_a_path_says_why() {
        for bad in ["$.", "$.a[", "$.a[x]", "$.a[*]", "$.a.*", "$..a", "$.a b"] {
            assert!(JsonPath::parse(bad).is_err(), "{bad}");
        }
        let path: JsonPath = serde_json::from_value(json!("$.a.b")).unwrap();
        assert_eq!(serde_json::to_value(&path).unwrap(), json!("$.a.b"));
    }
}
