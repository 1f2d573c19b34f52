//! Times on the wire: stored Unix milliseconds rendered as RFC 3339 in UTC, and times partners send (RFC 3339,
//! `YYYY-MM-DD HH:mm:ss` or `YYYY-MM-DD` in UTC, or Unix seconds) read back into milliseconds.

use time::{
    format_description::{well_known::Rfc3339, FormatItem},
    macros::format_description,
    Date, OffsetDateTime, PrimitiveDateTime,
};

/// Always three fractional digits, so that the texts sort as the times do.
const FORMAT: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

pub fn rfc3339(unix_millis: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_millis) * 1_000_000)
        .ok()
        .and_then(|moment| moment.format(FORMAT).ok())
        .unwrap_or_default()
}

const PAGE_TIME: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day] [hour]:[minute] UTC");

/// A moment as the pages show it: `2026-11-23 19:30 UTC`.
pub fn page_time(unix_millis: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_millis) * 1_000_000)
        .ok()
        .and_then(|moment| moment.format(PAGE_TIME).ok())
        .unwrap_or_default()
}

const DATE_TIME: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
const DATE: &[FormatItem<'static>] = format_description!("[year]-[month]-[day]");

/// A moment a partner sends, as Unix milliseconds: RFC 3339, `YYYY-MM-DD HH:mm:ss` or `YYYY-MM-DD` (UTC, the
/// tenant time zone's default), or Unix seconds (as the scheduling API's own times are).
pub fn parse_moment(text: &str) -> Option<i64> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse::<i64>().ok()?.checked_mul(1000);
    }
    let moment = OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .or_else(|| {
            PrimitiveDateTime::parse(text, DATE_TIME)
                .ok()
                .map(PrimitiveDateTime::assume_utc)
        })
        .or_else(|| {
            Date::parse(text, DATE)
                .ok()
                .map(|date| date.midnight().assume_utc())
        })?;
    i64::try_from(moment.unix_timestamp_nanos() / 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_the_moments_partners_send() {
        use super::parse_moment;
        assert_eq!(
            parse_moment("2023-11-14T22:13:20Z"),
            Some(1_700_000_000_000)
        );
        assert_eq!(
            parse_moment("2023-11-15T00:13:20+02:00"),
            Some(1_700_000_000_000)
        );
        assert_eq!(parse_moment("2023-11-14 22:13:20"), Some(1_700_000_000_000));
        assert_eq!(parse_moment("2023-11-14"), Some(1_699_920_000_000));
        assert_eq!(parse_moment("1700000000"), Some(1_700_000_000_000));
        assert_eq!(parse_moment("yesterday"), None);
        assert_eq!(parse_moment("2023-13-01"), None);
        assert_eq!(parse_moment(""), None);
    }

    #[test]
    fn renders_utc_with_milliseconds() {
        assert_eq!(
            super::rfc3339(1_700_000_000_123),
            "2023-11-14T22:13:20.123Z"
        );
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00.000Z");
    }
}
