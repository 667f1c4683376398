use super::*;

#[test]
fn utf8_with_or_without_a_bom_and_windows_1252_are_read() {
    assert_eq!(decode("Cádiz".as_bytes()), ("Cádiz".to_string(), Encoding::Utf8));
    assert_eq!(decode(b"\xef\xbb\xbfNombre;Ciudad"), ("Nombre;Ciudad".to_string(), Encoding::Utf8));
    // "Cañada €5 “sí”" as Windows-1252.
    let cp1252 = b"Ca\xf1ada \x805 \x93s\xed\x94";
    assert_eq!(decode(cp1252), ("Cañada €5 “sí”".to_string(), Encoding::Windows1252));
    assert_eq!(decode(b"\x81").0, "\u{fffd}", "an unassigned byte is a replacement character");
}

#[test]
fn the_separator_is_found_from_the_header_outside_quotes() {
    assert_eq!(separator("Nombre;Ciudad;Teléfono\nA;B;C"), ';');
    assert_eq!(separator("name,city\n"), ',');
    assert_eq!(separator("name\tcity"), '\t');
    assert_eq!(separator("\"Sol, Luna\";Cádiz"), ';', "commas inside quotes do not count");
    assert_eq!(separator("solo"), ';');
}

#[test]
fn rows_keep_quoted_separators_quotes_and_line_breaks() {
    let text = "Nombre;Nota\r\n\"Bodegas; Sol\";\"dice \"\"hola\"\"\"\r\nOtra;\"dos\nlíneas\"\r\n\r\nÚltima;\n";
    assert_eq!(
        rows(text, ';'),
        vec![
            vec!["Nombre".to_string(), "Nota".into()],
            vec!["Bodegas; Sol".into(), "dice \"hola\"".into()],
            vec!["Otra".into(), "dos\nlíneas".into()],
            vec!["Última".into(), "".into()],
        ]
    );
    assert_eq!(rows("a,b\nc,d", ','), vec![vec!["a".to_string(), "b".into()], vec!["c".into(), "d".into()]]);
    assert!(rows("", ';').is_empty());
}

#[test]
fn numbers_with_a_decimal_comma_or_point_and_grouped_thousands() {
    assert_eq!(number("1.234,56"), Some(1234.56));
    assert_eq!(number("1234,5"), Some(1234.5));
    assert_eq!(number("1,234.56"), Some(1234.56));
    assert_eq!(number("1234.5"), Some(1234.5));
    assert_eq!(number("1.250"), Some(1250.0), "a dot before three digits groups thousands");
    assert_eq!(number("0.250"), Some(0.25));
    assert_eq!(number("1.000.000"), Some(1_000_000.0));
    assert_eq!(number("12.500 €"), Some(12500.0));
    assert_eq!(number("-3"), Some(-3.0));
    assert_eq!(number("abc"), None);
    assert_eq!(number(""), None);
}

#[test]
fn dates_as_spanish_excel_writes_them() {
    assert_eq!(date("04/03/2027").as_deref(), Some("2027-03-04"));
    assert_eq!(date("4/3/2027").as_deref(), Some("2027-03-04"));
    assert_eq!(date("04-03-2027").as_deref(), Some("2027-03-04"));
    assert_eq!(date("2027-03-04").as_deref(), Some("2027-03-04"));
    assert_eq!(date("29/02/2027"), None, "not a day that exists");
    assert_eq!(date("03/04"), None);
    assert_eq!(date("mañana"), None);
}
