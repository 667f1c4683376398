//! The knowledge base's safe markup subset, parsed into plain values that the UI renders as elements and text
//! (never as HTML). Supported: blank-line separated paragraphs, `## heading`, `- item` lists, `**bold**` and
//! `[text](https://…)` links. Anything else, including HTML, stays literal text; links other than `https:`,
//! `http:`, `mailto:` or a path on the same site (`/…`) become plain text.

/// A piece of a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inline {
    /// Plain text.
    Text(String),
    /// Bold text.
    Bold(String),
    /// A link with a safe address.
    Link {
        /// The words shown.
        text: String,
        /// Where it goes.
        href: String,
    },
}

/// A block of an article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A heading.
    Heading(Vec<Inline>),
    /// A paragraph (single line breaks kept as spaces).
    Paragraph(Vec<Inline>),
    /// A bulleted list.
    List(Vec<Vec<Inline>>),
}

/// Whether a link target is safe to follow: web and mail addresses, or a path on this site. Nothing with
/// whitespace, control characters or backslashes is (browsers drop tabs and line breaks and read `\` as `/`, so
/// `/\evil.example` and `/<TAB>/evil.example` would leave the site).
pub fn safe_href(href: &str) -> bool {
    let href = href.trim();
    if href.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\\') {
        return false;
    }
    let lower = href.to_ascii_lowercase();
    lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || (lower.starts_with('/') && !lower.starts_with("//"))
}

/// Parses the inline markup of one line.
pub fn inline(text: &str) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    let flush = |plain: &mut String, out: &mut Vec<Inline>| {
        if !plain.is_empty() {
            out.push(Inline::Text(std::mem::take(plain)));
        }
    };
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("**") {
            if let Some(end) = after.find("**").filter(|&end| end > 0) {
                flush(&mut plain, &mut out);
                out.push(Inline::Bold(after[..end].to_string()));
                rest = &after[end + 2..];
                continue;
            }
        }
        if let Some(after) = rest.strip_prefix('[') {
            if let Some((label, tail)) = after.split_once("](") {
                if let Some((href, remaining)) = tail.split_once(')') {
                    if !label.is_empty() && !label.contains('[') && safe_href(href) {
                        flush(&mut plain, &mut out);
                        out.push(Inline::Link { text: label.to_string(), href: href.trim().to_string() });
                        rest = remaining;
                        continue;
                    }
                }
            }
        }
        let next = rest.chars().next().map(char::len_utf8).unwrap_or(1);
        plain.push_str(&rest[..next]);
        rest = &rest[next..];
    }
    flush(&mut plain, &mut out);
    out
}

/// Parses an article body written in the markup subset.
pub fn parse(body: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut list: Vec<Vec<Inline>> = Vec::new();
    let end_paragraph = |paragraph: &mut Vec<&str>, blocks: &mut Vec<Block>| {
        if !paragraph.is_empty() {
            blocks.push(Block::Paragraph(inline(&paragraph.join(" "))));
            paragraph.clear();
        }
    };
    let end_list = |list: &mut Vec<Vec<Inline>>, blocks: &mut Vec<Block>| {
        if !list.is_empty() {
            blocks.push(Block::List(std::mem::take(list)));
        }
    };
    for line in body.lines() {
        let line = line.trim();
        if line.is_empty() {
            end_paragraph(&mut paragraph, &mut blocks);
            end_list(&mut list, &mut blocks);
        } else if let Some(heading) = line.strip_prefix("## ") {
            end_paragraph(&mut paragraph, &mut blocks);
            end_list(&mut list, &mut blocks);
            blocks.push(Block::Heading(inline(heading.trim())));
        } else if let Some(item) = line.strip_prefix("- ") {
            end_paragraph(&mut paragraph, &mut blocks);
            list.push(inline(item.trim()));
        } else {
            end_list(&mut list, &mut blocks);
            paragraph.push(line);
        }
    }
    end_paragraph(&mut paragraph, &mut blocks);
    end_list(&mut list, &mut blocks);
    blocks
}

/// Plain text: paragraphs separated by blank lines, nothing interpreted.
pub fn plain(body: &str) -> Vec<Block> {
    body.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| Block::Paragraph(vec![Inline::Text(p.to_string())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Inline {
        Inline::Text(s.into())
    }

    #[test]
    fn headings_lists_bold_and_links() {
        let blocks = parse(
            "## Paso a paso\n- Abre **Mis pedidos**.\n- Pulsa [aquí](https://ayuda.example/f).\n\nFin\nde texto.",
        );
        assert_eq!(
            blocks,
            vec![
                Block::Heading(vec![text("Paso a paso")]),
                Block::List(vec![
                    vec![text("Abre "), Inline::Bold("Mis pedidos".into()), text(".")],
                    vec![
                        text("Pulsa "),
                        Inline::Link { text: "aquí".into(), href: "https://ayuda.example/f".into() },
                        text(".")
                    ],
                ]),
                Block::Paragraph(vec![text("Fin de texto.")]),
            ]
        );
    }

    #[test]
    fn paths_that_a_browser_would_take_off_the_site_are_not_links() {
        for href in
            ["/\\evil.example", "/\t/evil.example", "/\n/evil.example", "\t//evil.example", "/%09x y", "//evil.example"]
        {
            assert!(!safe_href(href), "{href:?}");
        }
        for href in ["/portal/help", "https://shop.example/a?b=c", "mailto:ayuda@alameda.example", "/a/b#c"] {
            assert!(safe_href(href), "{href:?}");
        }
    }

    #[test]
    fn html_and_unsafe_links_stay_text() {
        let hostile = "<script>alert(1)</script> [clic](javascript:alert(1)) [x](//evil.example) **";
        assert_eq!(parse(hostile), vec![Block::Paragraph(vec![text(hostile)])]);
        assert!(!safe_href(" JavaScript:alert(1)"));
        assert!(!safe_href("data:text/html,<b>"));
        assert!(safe_href("/portal/kb"));
    }

    #[test]
    fn unicode_and_unclosed_markers_do_not_break() {
        assert_eq!(inline("ñ**ü"), vec![text("ñ**ü")]);
        assert_eq!(inline("[a](https://x"), vec![text("[a](https://x")]);
        assert_eq!(
            plain("uno\n\n\n<b>dos</b>"),
            vec![Block::Paragraph(vec![text("uno")]), Block::Paragraph(vec![text("<b>dos</b>")])]
        );
    }
}
