//! Reading a connector file from TOML text (native only: the server and `trato-cli` read files; the desk gets the
//! checked result as JSON). A mistake is reported with its line and what is wrong.

use super::{check, ConnectorFile};

/// A mistake in a connector file, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    /// The line (1-based), when it is known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => write!(f, "{}", self.message),
        }
    }
}

/// Reads and checks a connector file; every mistake found, each with its line.
pub fn parse(text: &str) -> Result<ConnectorFile, Vec<FileError>> {
    let file: ConnectorFile = toml::from_str(text).map_err(|error| {
        let line = error.span().map(|span| line_at(text, span.start));
        vec![FileError { line, message: error.message().trim().to_string() }]
    })?;
    let problems = check(&file);
    if problems.is_empty() {
        return Ok(file);
    }
    Err(problems
        .into_iter()
        .map(|p| FileError { line: line_of_key(text, &p.at), message: format!("{}: {}", p.at, p.message) })
        .collect())
}

/// Reads and checks the connector file at `path`; every mistake on its own line as `PATH:LINE: message`.
pub fn read(path: &str) -> Result<ConnectorFile, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    parse(&text).map_err(|errors| {
        errors
            .iter()
            .map(|e| format!("{path}:{}: {}", e.line.map(|l| l.to_string()).unwrap_or_default(), e.message))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

fn line_at(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The line where a dotted key is written: under its table's header (`[a.b]`, then `c = …`), or as a
/// dotted key (`c.d = …`), or the nearest table that contains it.
fn line_of_key(text: &str, at: &str) -> Option<usize> {
    let parts: Vec<&str> = at.split('.').collect();
    let lines: Vec<&str> = text.lines().collect();
    let header = |n: usize| format!("[{}]", parts[..n].join("."));
    for split in (1..=parts.len()).rev() {
        let wanted = header(split);
        let Some(start) = lines.iter().position(|l| l.trim() == wanted) else { continue };
        if split == parts.len() {
            return Some(start + 1);
        }
        let rest = parts[split..].join(".");
        let first = parts[split];
        for (offset, line) in lines[start + 1..].iter().enumerate() {
            let line = line.trim();
            if line.starts_with('[') {
                break;
            }
            let key = line.split('=').next().unwrap_or("").trim();
            if key == rest || key == first || key.starts_with(&format!("{first}.")) {
                return Some(start + offset + 2);
            }
        }
        return Some(start + 1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"
[connector]
name = "Tiny"
format = 1

[resources.stages]
path = "/stages"
fields = { name = "title" }

[resources.deals]
path = "/deals"

[resources.deals.fields]
name = "title"
stage_id = "stage"
amount = { path = "value" }
"#;

    #[test]
    fn a_file_is_read_and_its_mistakes_have_lines() {
        let errors = parse(SMALL).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].line, Some(16));
        assert!(errors[0].message.contains("decimal"), "{}", errors[0]);
        let fixed = SMALL.replace("{ path = \"value\" }", "{ path = \"value\", transform = \"decimal\" }");
        let file = parse(&fixed).unwrap();
        assert_eq!(file.resources.deals.list.page_size, 100);
        let json = serde_json::to_string(&file).unwrap();
        assert_eq!(serde_json::from_str::<ConnectorFile>(&json).unwrap(), file);
    }

    #[test]
    fn shape_mistakes_name_their_line() {
        let typo = SMALL.replace("path = \"/deals\"", "paht = \"/deals\"");
        let errors = parse(&typo).unwrap_err();
        assert_eq!(errors[0].line, Some(11), "{errors:?}");
        assert!(errors[0].message.contains("paht"), "{}", errors[0]);
        let bad_path = SMALL.replace("stage_id = \"stage\"", "stage_id = \"$.a[x]\"");
        let errors = parse(&bad_path).unwrap_err();
        assert_eq!(errors[0].line, Some(15), "{errors:?}");
        let secret = SMALL.replace("format = 1", "format = 1\nheaders = { Authorization = \"Bearer x\" }");
        let errors = parse(&secret).unwrap_err();
        assert!(errors[0].message.contains("credential"), "{}", errors[0]);
        assert_eq!(errors[0].line, Some(5));
    }
}

#[cfg(test)]
mod examples {
    #[test]
    fn the_shipped_files_are_valid() {
        for (name, text) in [
            ("pocketbase", include_str!("../../../connectors/pocketbase.toml")),
            ("json-server", include_str!("../../../connectors/json-server.toml")),
            ("template", include_str!("../../../connectors/template.toml")),
        ] {
            if let Err(errors) = super::parse(text) {
                panic!("{name}: {}", errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"));
            }
        }
    }
}
