//! Protocol timestamps (`2026-11-23T09:30:00.000Z`) and dates (`2026-11-23`) as day and millisecond counts.

use trato_protocol::validate::parse_date;

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
pub fn date_to_days(date: &str) -> Option<i64> {
    parse_date(date).map(|(y, m, d)| days_from_civil(y, m, d))
}

/// Milliseconds since the epoch of an RFC 3339 UTC timestamp (`Z` or `+00:00`; fractional seconds optional).
pub fn timestamp_to_ms(text: &str) -> Option<i64> {
    let date = text.get(0..10)?;
    let days = date_to_days(date)?;
    let rest = text.get(10..)?;
    let rest = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' '))?;
    let field = |s: Option<&str>, max: i64| s.and_then(|s| s.parse::<i64>().ok()).filter(|v| (0..=max).contains(v));
    let hours = field(rest.get(0..2), 23)?;
    let minutes = field(rest.get(3..5), 59)?;
    let seconds = field(rest.get(6..8), 60)?;
    let mut tail = rest.get(8..)?;
    let mut millis = 0;
    if let Some(fraction) = tail.strip_prefix('.') {
        let digits: String = fraction.chars().take_while(char::is_ascii_digit).collect();
        if digits.is_empty() {
            return None;
        }
        millis = format!("{:0<3}", &digits[..digits.len().min(3)]).parse().ok()?;
        tail = &fraction[digits.len()..];
    }
    if tail != "Z" && tail != "+00:00" {
        return None;
    }
    Some(days * DAY_MS + ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis)
}

/// The civil date (year, month, day) of a count of days since 1970-01-01 (Howard Hinnant's algorithm).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// The rep's day (days since 1970-01-01 on their calendar) at `now_ms`, `offset_minutes` ahead of UTC.
pub fn local_days(now_ms: i64, offset_minutes: i64) -> i64 {
    (now_ms + offset_minutes * 60_000).div_euclid(DAY_MS)
}

/// The rep's date (`YYYY-MM-DD`) at `now_ms`, `offset_minutes` ahead of UTC.
pub fn local_date(now_ms: i64, offset_minutes: i64) -> String {
    let (year, month, day) = civil_from_days(local_days(now_ms, offset_minutes));
    format!("{year:04}-{month:02}-{day:02}")
}

/// Whole days elapsed from `earlier_ms` to `now_ms` (0 when in the future).
pub fn whole_days_between(earlier_ms: i64, now_ms: i64) -> i64 {
    (now_ms - earlier_ms).max(0) / DAY_MS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reps_day_follows_their_time_zone() {
        // 23:30 UTC on 1 December is already 2 December in Madrid (UTC+1) and still 1 December in Mexico City.
        let at = timestamp_to_ms("2026-12-01T23:30:00.000Z").unwrap();
        assert_eq!(local_date(at, 60), "2026-12-02");
        assert_eq!(local_date(at, 0), "2026-12-01");
        assert_eq!(local_date(at, -360), "2026-12-01");
        assert_eq!(local_days(at, 60), date_to_days("2026-12-02").unwrap());
        for days in [-800_000, -1, 0, 59, 10_957, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y as i32, m, d), days, "{days}");
        }
    }

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(date_to_days("2026-11-23"), Some(20_780));
        assert_eq!(date_to_days("2026-02-30"), None);
    }

    #[test]
    fn timestamps() {
        assert_eq!(timestamp_to_ms("1970-01-02T00:00:01.5Z"), Some(DAY_MS + 1500));
        assert_eq!(timestamp_to_ms("1970-01-01T00:00:00+00:00"), Some(0));
        assert_eq!(timestamp_to_ms("1970-01-01T25:00:00Z"), None);
        assert_eq!(timestamp_to_ms("1970-01-01T00:00:00+02:00"), None);
        assert_eq!(timestamp_to_ms("garbage"), None);
        assert_eq!(timestamp_to_ms("ñññññññññññññññ"), None);
        assert_eq!(whole_days_between(0, 3 * DAY_MS - 1), 2);
        assert_eq!(whole_days_between(5, 0), 0);
    }
}
