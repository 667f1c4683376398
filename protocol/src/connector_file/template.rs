//! String templates: text with `{name}` placeholders, for example `/deals/{id}` or `updated >= '{since}'`.
//! `{{` and `}}` write a brace. Which names a template may use depends on where it is (checked by
//! [`super::check`]); nothing else is evaluated.

use serde::{Deserialize, Serialize};

/// A parsed template; written and read as its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Template {
    text: String,
    parts: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Text(String),
    Name(String),
}

impl TryFrom<String> for Template {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        Template::parse(&text)
    }
}

impl From<Template> for String {
    fn from(template: Template) -> String {
        template.text
    }
}

impl Template {
    /// Parses `text`; an unclosed or empty placeholder is described in words.
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut parts = vec![];
        let mut literal = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    literal.push('}');
                }
                '{' => {
                    let name: String = std::iter::from_fn(|| chars.next_if(|c| *c != '}')).collect();
                    if chars.next() != Some('}') {
                        return Err(format!("`{text}`: a `{{` without its `}}` (write `{{{{` for a brace)"));
                    }
                    let ok = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
                    if !ok {
                        return Err(format!("`{text}`: `{{{name}}}` is not a placeholder name"));
                    }
                    if !literal.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut literal)));
                    }
                    parts.push(Part::Name(name));
                }
                '}' => return Err(format!("`{text}`: a `}}` without its `{{` (write `}}}}` for a brace)")),
                c => literal.push(c),
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Template { text: text.to_string(), parts })
    }

    /// The template as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The placeholder names it uses.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Name(name) => Some(name.as_str()),
            Part::Text(_) => None,
        })
    }

    /// The text with each placeholder replaced by `value(name)`, passed through `escape`; a name without a value
    /// is an error naming it.
    pub fn render(
        &self,
        value: impl Fn(&str) -> Option<String>,
        escape: impl Fn(&str) -> String,
    ) -> Result<String, String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Name(name) => match value(name) {
                    Some(v) => out.push_str(&escape(&v)),
                    None => return Err(format!("`{}` needs a value for `{{{name}}}`", self.text)),
                },
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_their_placeholders() {
        let template = Template::parse("updated >= '{since}' && x = {{1}}").unwrap();
        assert_eq!(template.names().collect::<Vec<_>>(), ["since"]);
        let text = template.render(|n| (n == "since").then(|| "2026".to_string()), |v| v.to_string()).unwrap();
        assert_eq!(text, "updated >= '2026' && x = {1}");
        assert!(Template::parse("/a/{id").is_err());
        assert!(Template::parse("/a/{}").is_err());
        assert!(Template::parse("/a/{i d}").is_err());
        assert!(Template::parse("/a/}").is_err());
        assert!(Template::parse("/a/{id}").unwrap().render(|_| None, |v| v.into()).is_err());
    }
}
