//! Timestamps and dates in the protocol's string forms.

use time::macros::format_description;
use time::{Date, Duration, OffsetDateTime};

/// Formats an instant as RFC 3339 UTC with milliseconds, for example `2026-11-23T09:30:00.000Z`.
/// The form sorts lexicographically in time order, which the database relies on.
pub fn timestamp(at: OffsetDateTime) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    at.to_offset(time::UtcOffset::UTC).format(&format).unwrap_or_default()
}

/// Whether `text` is a protocol timestamp (`2026-11-23T09:30:00.000Z`), the form that sorts in time order.
pub fn is_timestamp(text: &str) -> bool {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    time::PrimitiveDateTime::parse(text, &format).is_ok()
}

/// The current instant as a protocol timestamp.
pub fn now() -> String {
    timestamp(OffsetDateTime::now_utc())
}

/// A date as `YYYY-MM-DD`.
pub fn date(day: Date) -> String {
    let format = format_description!("[year]-[month]-[day]");
    day.format(&format).unwrap_or_default()
}

/// Today (UTC) shifted by a number of days, as `YYYY-MM-DD`.
pub fn date_from_today(days: i64) -> String {
    date((OffsetDateTime::now_utc() + Duration::days(days)).date())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_millisecond_precision_and_z() {
        let at = OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_123_456_789).unwrap();
        assert_eq!(timestamp(at), "2023-11-14T22:13:20.123Z");
        assert!(is_timestamp("2023-11-14T22:13:20.123Z"));
        assert!(!is_timestamp("2023-11-14T22:13:20Z") && !is_timestamp("9999") && !is_timestamp("<b>"));
    }
}
