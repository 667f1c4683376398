//! `cargo xtask test`'s structure step: every Rust source file stays under [`MAX_LINES`] lines (translation
//! tables excepted), and no module imports, directly or through others, a module that imports it back.
//!
//! Modules are files (`foo.rs` or `foo/mod.rs`). A file depends on another when it names it in a path
//! (`use crate::a::b`, `crate::a::b::f()`, `super::x`, `self::x`). Two things are not dependencies: a
//! `mod` declaration, and a `pub use` in a `mod.rs` of something below it (a facade that re-exports its
//! children). Test modules (from `#[cfg(test)]` to the end of a file) are left out.

use crate::util::{root, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Longest allowed source file.
pub const MAX_LINES: usize = 800;

/// Files allowed to be longer: the translation tables.
const LONG_FILES: [&str; 2] = ["src/i18n/es.rs", "src/i18n/en.rs"];

/// Source roots checked: (crate name, source folder).
const CRATES: [(&str, &str); 5] = [
    ("trato", "src"),
    ("trato-server", "server/src"),
    ("trato-protocol", "protocol/src"),
    ("xtask", "xtask/src"),
    ("trato-cli", "cli/src"),
];

/// Checks every crate; fails with every problem found.
pub fn check() -> Result {
    let mut problems = vec![];
    for (name, dir) in CRATES {
        let dir = root().join(dir);
        let modules = modules(&dir)?;
        for (module, file) in &modules {
            let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
            let lines = text.lines().count();
            let relative = file.strip_prefix(root()).unwrap_or(file).to_string_lossy().into_owned();
            if lines > MAX_LINES && !LONG_FILES.contains(&relative.as_str()) {
                problems.push(format!("{relative}: {lines} lines (at most {MAX_LINES})"));
            }
            let _ = module;
        }
        let graph = graph(&modules)?;
        for cycle in cycles(&graph) {
            problems.push(format!("{name}: import cycle {}", cycle.join(" → ")));
        }
        let edges: usize = graph.values().map(BTreeSet::len).sum();
        println!("{name}: {} modules, {edges} imports between them, no file over {MAX_LINES} lines", modules.len());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("structure:\n  {}", problems.join("\n  ")))
    }
}

/// Module path (`a::b`, the crate root is ``) → file, for every `.rs` file of a crate (binaries under `bin/` are
/// their own crates and left out).
fn modules(dir: &Path) -> Result<BTreeMap<String, PathBuf>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let entries = std::fs::read_dir(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "bin") {
                    stack.push(path);
                }
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(dir).map_err(|e| e.to_string())?;
            let mut parts: Vec<String> =
                relative.iter().map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string()).collect();
            if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
                parts.pop();
            }
            found.insert(parts.join("::"), path);
        }
    }
    Ok(found)
}

/// The code of a file without comments, string contents and its test module.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(at) => &text[..at],
        None => text,
    };
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'"' => {
                out.push('"');
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                out.push('"');
                i += 1;
            }
            b'\'' if bytes.get(i + 2) == Some(&b'\'') || (bytes.get(i + 1) == Some(&b'\\')) => {
                // A char literal such as '"' or '\n' (not a lifetime).
                let end = text[i + 1..].find('\'').map_or(bytes.len(), |e| i + 1 + e + 1);
                out.push_str("' '");
                i = end;
            }
            _ => {
                let len = text[i..].chars().next().map_or(1, char::len_utf8);
                out.push_str(&text[i..i + len]);
                i += len;
            }
        }
    }
    out
}

/// Every path a file names, as segments, and whether it came from a `pub use` (a re-export).
fn paths(code: &str) -> Vec<(Vec<String>, bool)> {
    let mut found = vec![];
    // `use` trees, expanded.
    let mut rest = code;
    while let Some(at) = find_keyword(rest, "use") {
        let before = rest[..at].trim_end();
        let public = before.ends_with("pub") || before.ends_with(')') && before.contains("pub(");
        let Some(end) = rest[at..].find(';') else { break };
        let tree = &rest[at + 3..at + end];
        for path in expand(tree.trim()) {
            found.push((path, public));
        }
        rest = &rest[at + end..];
    }
    // Paths in expressions and types (outside `use` items): from the crate, `super`, `self`, or a bare name (a
    // child module, or an outside crate, which resolves to nothing).
    let code = &without_uses(code);
    let mut from = 0;
    while let Some(offset) = code[from..].find("::") {
        let at = from + offset;
        from = at + 2;
        let start = code[..at].rfind(|c: char| !(c.is_alphanumeric() || c == '_')).map_or(0, |s| s + 1);
        if start == at || code[..start].ends_with("::") || code[..start].ends_with('$') {
            continue;
        }
        let name = &code[start..at];
        if ["crate", "super", "self", "Self"].contains(&name) || name.starts_with(char::is_uppercase) {
            continue;
        }
        let end = code[start..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .map_or(code.len(), |e| start + e);
        let path: Vec<String> = code[start..end].split("::").filter(|s| !s.is_empty()).map(String::from).collect();
        found.push((path, false));
    }
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(offset) = code[from..].find(start) {
            let at = from + offset;
            from = at + start.len();
            let prior = code[..at].chars().last();
            if prior.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let segment_end = code[at..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .map_or(code.len(), |e| at + e);
            let path: Vec<String> =
                code[at..segment_end].split("::").filter(|s| !s.is_empty()).map(String::from).collect();
            found.push((path, false));
        }
    }
    found
}

/// The code without its `use` items.
fn without_uses(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = find_keyword(rest, "use") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find(';').map_or(rest.len(), |e| at + e + 1);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn find_keyword(text: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(offset) = text[from..].find(word) {
        let at = from + offset;
        let before = text[..at].chars().last();
        let after = text[at + word.len()..].chars().next();
        let bounded = |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        if bounded(before) && bounded(after) {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

/// Expands a `use` tree (`a::{b, c::{d, e}}`) into its paths.
fn expand(tree: &str) -> Vec<Vec<String>> {
    let tree: String = tree.replace(" as ", "@").chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = vec![];
    expand_into(&tree, vec![], &mut out);
    out
}

fn expand_into(tree: &str, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    match tree.find('{') {
        None => {
            let mut path = prefix;
            let tree = tree.split('@').next().unwrap_or(tree);
            path.extend(tree.split("::").filter(|s| !s.is_empty() && *s != "*").map(String::from));
            out.push(path);
        }
        Some(open) => {
            let mut path = prefix;
            path.extend(tree[..open].split("::").filter(|s| !s.is_empty()).map(String::from));
            let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
            let mut depth = 0;
            let mut start = 0;
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand_into(&inner[start..i], path.clone(), out);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            if start < inner.len() {
                expand_into(&inner[start..], path, out);
            }
        }
    }
}

/// Module → modules it depends on.
fn graph(modules: &BTreeMap<String, PathBuf>) -> Result<BTreeMap<String, BTreeSet<String>>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, file) in modules {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let is_mod_file = file.file_name().is_some_and(|n| n == "mod.rs" || n == "lib.rs" || n == "main.rs");
        let own: Vec<String> = if module.is_empty() { vec![] } else { module.split("::").map(String::from).collect() };
        // `super` of a file `a/b.rs` (module a::b) is `a`; of `a/b/mod.rs` (module a::b) also `a`.
        let mut targets = BTreeSet::new();
        for (path, public) in paths(&code(&text)) {
            let Some(absolute) = absolute(&own, &path) else { continue };
            let Some(target) = resolve(modules, &absolute) else { continue };
            if target == *module {
                continue;
            }
            let below = own.is_empty() && !target.is_empty() || target.starts_with(&format!("{module}::"));
            if public && is_mod_file && below {
                continue;
            }
            targets.insert(target);
        }
        graph.insert(module.clone(), targets);
    }
    Ok(graph)
}

/// A path made absolute from the crate root; `None` for paths into other crates.
fn absolute(own: &[String], path: &[String]) -> Option<Vec<String>> {
    let first = path.first()?;
    match first.as_str() {
        "crate" => Some(path[1..].to_vec()),
        "self" => Some(own.iter().cloned().chain(path[1..].iter().cloned()).collect()),
        "super" => {
            let mut base = own.to_vec();
            let mut rest = path;
            while rest.first().is_some_and(|s| s == "super") {
                base.pop()?;
                rest = &rest[1..];
            }
            Some(base.into_iter().chain(rest.iter().cloned()).collect())
        }
        // A path relative to the current module (`use foo::Bar` where `foo` is a child) in 2018 edition means
        // an extern crate or a child module; children are reached through `self::` or a bare name.
        _ => {
            let child: Vec<String> = own.iter().cloned().chain(path.iter().cloned()).collect();
            Some(child)
        }
    }
}

/// The longest module that `path` starts with.
fn resolve(modules: &BTreeMap<String, PathBuf>, path: &[String]) -> Option<String> {
    for len in (0..=path.len()).rev() {
        let name = path[..len].join("::");
        if modules.contains_key(&name) {
            return Some(name);
        }
    }
    None
}

/// The cycles of the graph, one per strongly connected component with more than one module.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let mut out = vec![];
    let mut seen = BTreeSet::new();
    for start in graph.keys() {
        if seen.contains(start) {
            continue;
        }
        // The modules reachable from `start` that can reach back to it.
        let reach = reachable(graph, start);
        let component: BTreeSet<String> =
            reach.iter().filter(|m| reachable(graph, m).contains(start)).cloned().collect();
        if component.len() > 1 {
            if let Some(path) = shortest_cycle(graph, start) {
                out.push(path);
            }
            seen.extend(component);
        }
    }
    out
}

fn reachable(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_string()];
    while let Some(node) = stack.pop() {
        for next in graph.get(&node).into_iter().flatten() {
            if seen.insert(next.clone()) {
                stack.push(next.clone());
            }
        }
    }
    seen
}

fn shortest_cycle(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut previous: BTreeMap<String, String> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start.to_string()]);
    while let Some(node) = queue.pop_front() {
        for next in graph.get(&node).into_iter().flatten() {
            if next == start {
                let mut back = vec![];
                let mut at = node.clone();
                while at != start {
                    back.push(at.clone());
                    at = previous.get(&at)?.clone();
                }
                back.reverse();
                let path = std::iter::once(start.to_string()).chain(back).chain([start.to_string()]);
                return Some(path.map(|m| if m.is_empty() { "crate".into() } else { m }).collect());
            }
            if !previous.contains_key(next) {
                previous.insert(next.clone(), node.clone());
                queue.push_back(next.clone());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn use_trees_expand_to_every_path() {
        let paths = expand("crate::a::{b, c::{d, e as f}, g::*}");
        let names: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
        assert_eq!(names, ["crate::a::b", "crate::a::c::d", "crate::a::c::e", "crate::a::g"]);
    }

    #[test]
    fn comments_strings_and_tests_are_not_code() {
        let code = code("use crate::a; // crate::b\nlet s = \"crate::c\";\n#[cfg(test)]\nmod tests { use crate::d; }");
        assert!(code.contains("crate::a") && !code.contains("crate::b") && !code.contains("crate::c"));
        assert!(!code.contains("crate::d"));
    }

    #[test]
    fn cycles_are_found() {
        let mut graph = BTreeMap::new();
        graph.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
        graph.insert("b".to_string(), BTreeSet::from(["c".to_string()]));
        graph.insert("c".to_string(), BTreeSet::from(["a".to_string()]));
        graph.insert("d".to_string(), BTreeSet::from(["a".to_string()]));
        assert_eq!(cycles(&graph), vec![vec!["a", "b", "c", "a"]]);
    }
}
