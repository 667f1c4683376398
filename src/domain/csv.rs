//! CSV as Spanish Excel reads it: `;` between fields, CRLF between lines, a UTF-8 byte-order mark so accents
//! survive, fields quoted when they need it, and cells that a spreadsheet would run as a formula (`=`, `+`, `-`,
//! `@`) made text with a leading `'`.

/// One field, quoted and made safe.
pub fn field(text: &str) -> String {
    let safe = match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    };
    if safe.contains([';', '"', '\n', '\r', ',']) {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe
    }
}

/// The file for a header and its rows.
pub fn write(header: &[String], rows: &[Vec<String>]) -> String {
    let mut out = String::from('\u{feff}');
    for line in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        let fields: Vec<String> = line.iter().map(|f| field(f)).collect();
        out.push_str(&fields.join(";"));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_when_needed_and_formulas_made_text() {
        assert_eq!(field("Bodegas Sol"), "Bodegas Sol");
        assert_eq!(field("Sol; Luna"), "\"Sol; Luna\"");
        assert_eq!(field("dice \"hola\""), "\"dice \"\"hola\"\"\"");
        assert_eq!(field("línea\nnueva"), "\"línea\nnueva\"");
        assert_eq!(field("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
        assert_eq!(field("+34 600"), "'+34 600");
        assert_eq!(field("1,5"), "\"1,5\"");
    }

    #[test]
    fn a_file_has_a_bom_semicolons_and_crlf() {
        let text = write(&["Nombre".into(), "Ciudad".into()], &[vec!["Cafetería".into(), "Cádiz".into()]]);
        assert_eq!(text, "\u{feff}Nombre;Ciudad\r\nCafetería;Cádiz\r\n");
    }
}
