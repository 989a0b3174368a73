//! Parsers for the individual fields of an incident record: decimal
//! coordinates and RFC 3339 timestamps (SPEC §2.2).
//!
//! Owns only the byte-level syntax and value checks; each parser returns
//! the [`CsvProblem`] a user should see, and the caller adds the file, line
//! and field. These run once per record, so they are written for speed:
//! plain short decimals take an exact fast path, and a timestamp's date is
//! re-validated only when it differs from the previous record's.

use crate::error::CsvProblem;
use crate::isoweek::{Date, IsoWeek};

/// Exact powers of ten as binary64 (10^0 … 10^15 are all representable).
const POW10: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/// Parses a decimal number to the nearest binary64 (correct rounding, like
/// `str::parse::<f64>`), rejecting anything that is not a finite number.
///
/// Fast path (Clinger): for `-?digits[.digits]` with at most 15 digits in
/// all, the digits form an integer m < 2^53 and the value is m / 10^k with
/// both operands exact, so one correctly rounded division gives exactly the
/// correctly rounded result. Everything else goes to the standard library.
#[inline]
pub fn parse_decimal(s: &[u8]) -> Result<f64, CsvProblem> {
    let (negative, body) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let mut mantissa: u64 = 0;
    let mut digits = 0usize;
    let mut point: Option<usize> = None;
    let mut fast = !body.is_empty() && body.len() <= 16;
    if fast {
        for (k, &c) in body.iter().enumerate() {
            match c {
                b'0'..=b'9' => {
                    mantissa = mantissa * 10 + u64::from(c - b'0');
                    digits += 1;
                }
                b'.' if point.is_none() && k > 0 && k + 1 < body.len() => point = Some(k),
                _ => {
                    fast = false;
                    break;
                }
            }
        }
    }
    if fast && digits <= 15 {
        let decimals = point.map_or(0, |k| body.len() - k - 1);
        let value = mantissa as f64 / POW10[decimals];
        return Ok(if negative { -value } else { value });
    }
    let text = std::str::from_utf8(s).unwrap_or("");
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(CsvProblem::NotANumber(String::from_utf8_lossy(s).into_owned())),
    }
}

/// Remembers the last date seen, because records come in time order and a
/// date changes only every few hundred records.
#[derive(Debug, Clone)]
pub struct DateCache {
    text: [u8; 10],
    date: Date,
    week: IsoWeek,
}

impl Default for DateCache {
    fn default() -> Self {
        let date = Date::new(1970, 1, 1).expect("valid date");
        DateCache { text: *b"1970-01-01", date, week: date.iso_week() }
    }
}

impl DateCache {
    /// Validates an RFC 3339 date-time with offset,
    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`, and returns its
    /// written (local) calendar date and that date's ISO week.
    #[inline]
    pub fn parse_timestamp(&mut self, s: &[u8]) -> Result<(Date, IsoWeek), CsvProblem> {
        let bad = || CsvProblem::BadDateTime(String::from_utf8_lossy(s).into_owned());
        if s.len() < 20 || !valid_time(&s[10..]) {
            return Err(bad());
        }
        if s[..10] != self.text {
            let date_text: [u8; 10] = s[..10].try_into().map_err(|_| bad())?;
            let shaped = date_text.iter().enumerate().all(|(k, &c)| match k {
                4 | 7 => c == b'-',
                _ => c.is_ascii_digit(),
            });
            if !shaped {
                return Err(bad());
            }
            let date = Date::parse_ymd(&date_text)
                .ok_or_else(|| CsvProblem::NoSuchDate(String::from_utf8_lossy(s).into_owned()))?;
            *self = DateCache { text: date_text, date, week: date.iso_week() };
        }
        Ok((self.date, self.week))
    }
}

/// Checks `THH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)` (RFC 3339 also allows a
/// lower-case `t` and `z`; a leap second 60 is allowed).
fn valid_time(t: &[u8]) -> bool {
    if t.len() < 10 || !matches!(t[0], b'T' | b't') {
        return false;
    }
    let ok_hms = two_digits(&t[1..3]).is_some_and(|h| h <= 23)
        && t[3] == b':'
        && two_digits(&t[4..6]).is_some_and(|m| m <= 59)
        && t[6] == b':'
        && two_digits(&t[7..9]).is_some_and(|s| s <= 60);
    if !ok_hms {
        return false;
    }
    let mut rest = &t[9..];
    if rest.first() == Some(&b'.') {
        let frac = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if frac == 0 {
            return false;
        }
        rest = &rest[1 + frac..];
    }
    match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            two_digits(&[*h1, *h2]).is_some_and(|h| h <= 23) && two_digits(&[*m1, *m2]).is_some_and(|m| m <= 59)
        }
        _ => false,
    }
}

#[inline]
fn two_digits(s: &[u8]) -> Option<u32> {
    match s {
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => Some(u32::from(a - b'0') * 10 + u32::from(b - b'0')),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_correctly_rounded() {
        let samples = [
            "18.02",
            "59.305",
            "17.826109",
            "-0.000001",
            "0",
            "-0",
            "180",
            "59.3293000",
            "123456789012345",
            "0.1234567890123456789",
            "1e2",
            "1.5E-3",
            ".5",
            "5.",
            "+7.25",
            "9007199254740993",
            "18.0000001",
            "1.23456789",
            "-179.99999999",
            "0.00000001",
            "999.9",
            "12.345678901",
            "1234.5",
        ];
        for s in samples {
            let want: f64 = s.parse().unwrap();
            assert_eq!(parse_decimal(s.as_bytes()).unwrap().to_bits(), want.to_bits(), "{s}");
        }
        // Every 6-decimal coordinate around Stockholm, exhaustively over a
        // stretch, against the standard library.
        for k in 0..200_000u64 {
            let s = format!("59.{:06}", 300_000 + k * 3);
            let want: f64 = s.parse().unwrap();
            assert_eq!(parse_decimal(s.as_bytes()).unwrap(), want, "{s}");
        }
    }

    #[test]
    fn non_numbers_are_rejected() {
        for s in ["", "-", "5x.3", "1.2.3", "nan", "inf", "-infinity", "1e999", " 5", "5 ", "--5", "."] {
            assert!(parse_decimal(s.as_bytes()).is_err(), "{s:?}");
        }
        assert_eq!(parse_decimal(b"5x.3"), Err(CsvProblem::NotANumber("5x.3".into())));
    }

    #[test]
    fn timestamps() {
        let mut cache = DateCache::default();
        let mut week = |s: &str| cache.parse_timestamp(s.as_bytes()).map(|(_, w)| w.to_string());
        assert_eq!(week("2024-12-30T23:30:00+01:00").unwrap(), "2025-W01");
        assert_eq!(week("2023-01-01T00:30:00+01:00").unwrap(), "2022-W52");
        assert_eq!(week("2023-01-01T23:30:00Z").unwrap(), "2022-W52");
        assert_eq!(week("2020-12-31T23:59:59-05:00").unwrap(), "2020-W53");
        assert_eq!(week("2021-01-03T12:00:00.123+01:00").unwrap(), "2020-W53");
        assert_eq!(week("2021-01-04T00:00:00+14:00").unwrap(), "2021-W01");
        assert_eq!(week("2016-12-31T23:59:60Z").unwrap(), "2016-W52");
        assert_eq!(week("2021-01-04t00:00:00z").unwrap(), "2021-W01");
        for bad in [
            "2023-01-01",
            "2023-01-01T00:30:00",
            "2023-01-01 00:30:00+01:00",
            "2023-01-01T24:00:00Z",
            "2023-01-01T00:60:00Z",
            "2023-01-01T00:00:61Z",
            "2023-01-01T00:00:00.Z",
            "2023-01-01T00:00:00+0100",
            "2023-01-01T00:00:00+24:00",
            "2023-01-01T00:00:00+01:00x",
            "2023-1-01T00:00:00+01:00",
            "x023-01-01T00:00:00+01:00",
        ] {
            assert!(matches!(week(bad), Err(CsvProblem::BadDateTime(_))), "{bad}: {:?}", week(bad));
        }
        assert!(matches!(week("2023-02-29T00:00:00Z"), Err(CsvProblem::NoSuchDate(_))));
    }
}
