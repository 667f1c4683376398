//! Reading CSV files as Spanish Excel and other tools write them: UTF-8 (with or without a byte-order mark) or
//! Windows-1252, fields separated by `;`, `,` or tabs (found from the header line), quoted fields with quotes,
//! separators and line breaks inside, numbers with a decimal comma and dates as `dd/mm/yyyy`.

/// The text encodings a file may come in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8.
    Utf8,
    /// Windows-1252 (what Excel on Windows writes for "CSV (separado por comas)").
    Windows1252,
}

/// What Windows-1252 has at 0x80–0x9F (the rest of its upper half is Latin-1); unassigned bytes become U+FFFD.
const CP1252_HIGH: [char; 32] = [
    '€', '\u{fffd}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{fffd}', 'Ž', '\u{fffd}', '\u{fffd}',
    '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{fffd}', 'ž', 'Ÿ',
];

/// The file's text and the encoding it was read in: UTF-8 when the bytes are valid UTF-8, else Windows-1252.
pub fn decode(bytes: &[u8]) -> (String, Encoding) {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), Encoding::Utf8),
        Err(_) => {
            let text = bytes
                .iter()
                .map(|&b| match b {
                    0x80..=0x9f => CP1252_HIGH[usize::from(b - 0x80)],
                    _ => char::from(b),
                })
                .collect();
            (text, Encoding::Windows1252)
        }
    }
}

/// The separator of a file: the one of `;`, `,` and tab found most often outside quotes in its first line (`;`
/// on a tie, as Spanish Excel writes).
pub fn separator(text: &str) -> char {
    let mut counts = [(';', 0usize), (',', 0), ('\t', 0)];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            _ if !quoted => {
                if let Some(slot) = counts.iter_mut().find(|(s, _)| *s == c) {
                    slot.1 += 1;
                }
            }
            _ => {}
        }
    }
    counts.iter().fold((';', 0), |best, &(s, n)| if n > best.1 { (s, n) } else { best }).0
}

/// The rows of `text` split at `separator`: quotes around a field keep separators and line breaks in it, `""` is a
/// quote; CRLF and LF both end a row; empty lines are skipped.
pub fn rows(text: &str, separator: char) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let end_row = |row: &mut Vec<String>, field: &mut String, rows: &mut Vec<Vec<String>>| {
        row.push(std::mem::take(field));
        let taken = std::mem::take(row);
        if !(taken.len() == 1 && taken[0].is_empty()) {
            rows.push(taken);
        }
    };
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => end_row(&mut row, &mut field, &mut rows),
            c if c == separator => row.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        end_row(&mut row, &mut field, &mut rows);
    }
    rows
}

/// A number as people type it in Spain or elsewhere: `1.234,56`, `1234,5`, `1,234.56`, `1234.5`, `-3`, with
/// spaces, a currency sign or `%` around it; `None` when it is not a number.
pub fn number(text: &str) -> Option<f64> {
    let kept: String = text.chars().filter(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '-')).collect();
    if kept.is_empty() || kept.chars().all(|c| !c.is_ascii_digit()) {
        return None;
    }
    let (comma, dot) = (kept.rfind(','), kept.rfind('.'));
    let normal = match (comma, dot) {
        (Some(c), Some(d)) if c > d => kept.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => kept.replace(',', ""),
        (Some(_), None) if kept.matches(',').count() == 1 => kept.replace(',', "."),
        (Some(_), None) => kept.replace(',', ""),
        (None, Some(_)) if kept.matches('.').count() > 1 || looks_grouped(&kept) => kept.replace('.', ""),
        _ => kept,
    };
    normal.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Whether a number with one dot uses it to group thousands ("1.250": three digits after it and a short head).
fn looks_grouped(text: &str) -> bool {
    match text.trim_start_matches('-').split_once('.') {
        Some((head, tail)) => tail.len() == 3 && (1..=3).contains(&head.len()) && head != "0",
        None => false,
    }
}

/// A date as `YYYY-MM-DD` from `dd/mm/yyyy`, `d/m/yyyy`, `dd-mm-yyyy`, `dd.mm.yyyy` or `yyyy-mm-dd`; `None` when
/// it is not a date that exists.
pub fn date(text: &str) -> Option<String> {
    let text = text.trim();
    let parts: Vec<&str> = text.split(['/', '-', '.']).collect();
    let [a, b, c] = parts.as_slice() else { return None };
    let (year, month, day) = if a.len() == 4 { (*a, *b, *c) } else { (*c, *b, *a) };
    let (year, month, day): (i32, u32, u32) = (year.parse().ok()?, month.parse().ok()?, day.parse().ok()?);
    if year < 1000
        || !(1..=12).contains(&month)
        || day == 0
        || day > trato_protocol::validate::days_in_month(year, month)
    {
        return None;
    }
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

#[cfg(test)]
#[path = "csv_read_tests.rs"]
mod tests;
