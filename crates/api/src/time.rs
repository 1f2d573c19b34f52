//! Times on the wire: stored Unix milliseconds rendered as RFC 3339 in UTC, and times partners send (RFC 3339,
//! `YYYY-MM-DD HH:mm:ss` or `YYYY-MM-DD` in UTC, or Unix seconds) read back into milliseconds.

use time::{
    format_description::{well_known, FormatItem},
    macros::format_description,
    Date, OffsetDateTime, PrimitiveDateTime,
};

/// Always three fractional digits, so that the texts sort as the times do.
const FORMAT: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// Takes stored Unix milliseconds (a `UnixMillis`, or a bare `i64` where a row still has one).
pub fn rfc3339(unix_millis: impl Into<i64>) -> String {
    let unix_millis = unix_millis.into();
    let mut buffer = [0u8; RFC3339_LENGTH];
    match write_rfc3339(unix_millis, &mut buffer) {
        Some(text) => text.to_owned(),
        None => OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_millis) * 1_000_000)
            .ok()
            .and_then(|moment| moment.format(FORMAT).ok())
            .unwrap_or_default(),
    }
}

/// Serializes stored Unix milliseconds as [`rfc3339`] text without an allocation (large lists render thousands).
pub struct Rfc3339(pub i64);

impl serde::Serialize for Rfc3339 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut buffer = [0u8; RFC3339_LENGTH];
        match write_rfc3339(self.0, &mut buffer) {
            Some(text) => serializer.serialize_str(text),
            None => serializer.serialize_str(&rfc3339(self.0)),
        }
    }
}

impl utoipa::PartialSchema for Rfc3339 {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .description(Some(
                "A time in UTC with milliseconds, e.g. `2026-03-01T08:30:00.000Z`.",
            ))
            .into()
    }
}

impl utoipa::ToSchema for Rfc3339 {}

const RFC3339_LENGTH: usize = "2023-11-14T22:13:20.123Z".len();

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` for years 1970 to 9999, written into `buffer`; `None` outside them.
fn write_rfc3339(unix_millis: i64, buffer: &mut [u8; RFC3339_LENGTH]) -> Option<&str> {
    const LAST_MILLI: i64 = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
    if !(0..=LAST_MILLI).contains(&unix_millis) {
        return None;
    }
    let days = unix_millis.div_euclid(86_400_000);
    let millis_of_day = unix_millis.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    let seconds_of_day = millis_of_day / 1000;
    let fields: [(usize, i64, usize); 7] = [
        (0, year, 4),
        (5, month, 2),
        (8, day, 2),
        (11, seconds_of_day / 3600, 2),
        (14, seconds_of_day / 60 % 60, 2),
        (17, seconds_of_day % 60, 2),
        (20, millis_of_day % 1000, 3),
    ];
    *buffer = *b"0000-00-00T00:00:00.000Z";
    for (start, mut value, width) in fields {
        for position in (start..start + width).rev() {
            buffer[position] = b'0' + (value % 10) as u8;
            value /= 10;
        }
    }
    std::str::from_utf8(buffer).ok()
}

/// The proleptic Gregorian date of a count of days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

const PAGE_TIME: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day] [hour]:[minute] UTC");

/// A moment as the pages show it: `2026-11-23 19:30 UTC`.
pub fn page_time(unix_millis: impl Into<i64>) -> String {
    let unix_millis = unix_millis.into();
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
    let moment = OffsetDateTime::parse(text, &well_known::Rfc3339)
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
            super::rfc3339(1_700_000_000_123_i64),
            "2023-11-14T22:13:20.123Z"
        );
        assert_eq!(super::rfc3339(0_i64), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn the_fast_renderer_agrees_with_the_time_crate() {
        let reference = |millis: i64| {
            time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
                .unwrap()
                .format(super::FORMAT)
                .unwrap()
        };
        // Leap days, century rules, month and year ends, and a spread of moments up to year 9999.
        let mut moments = vec![
            0,
            951_782_400_000,
            951_868_799_999,
            4_107_542_400_000,
            1_704_067_199_999,
            253_402_300_799_999,
        ];
        let mut millis: i64 = 1;
        while millis < 253_402_300_799_999 {
            moments.push(millis);
            millis = millis * 3 + 7_919;
        }
        for day in 0..200_000_i64 {
            moments.push(day * 86_400_000 + (day * 7_777_777) % 86_400_000);
        }
        for moment in moments {
            assert_eq!(super::rfc3339(moment), reference(moment), "{moment}");
        }
        assert_eq!(super::rfc3339(-1), reference(-1));
    }
}
