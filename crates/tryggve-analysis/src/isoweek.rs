//! Calendar dates and ISO 8601 week numbers (SPEC A.2).
//!
//! Owns the proleptic Gregorian calendar arithmetic the situation picture
//! needs: validating a `YYYY-MM-DD` date, its weekday, and its ISO week
//! (weeks start on Monday; week 1 contains the year's first Thursday; the
//! year is the ISO week-numbering year), written `YYYY-Www`. No time zones:
//! the date is taken as written.

use std::fmt;

/// A valid calendar date (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// The date, or `None` when no such day exists (month 13, 30 February…).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month: month as u8, day: day as u8 })
    }

    /// Parses exactly `YYYY-MM-DD` (four-digit year). `None` when the text
    /// has another shape or names no real day.
    pub fn parse_ymd(s: &[u8]) -> Option<Date> {
        if s.len() != 10 || s[4] != b'-' || s[7] != b'-' {
            return None;
        }
        let year = digits(&s[0..4])?;
        let month = digits(&s[5..7])?;
        let day = digits(&s[8..10])?;
        Date::new(year as i32, month, day)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month.into()
    }

    pub fn day(self) -> u32 {
        self.day.into()
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        days_from_civil(self.year, self.month.into(), self.day.into())
    }

    /// ISO weekday: Monday = 1 … Sunday = 7.
    pub fn iso_weekday(self) -> u32 {
        // 1970-01-01 was a Thursday (4).
        ((self.days_since_epoch() + 3).rem_euclid(7) + 1) as u32
    }

    /// Day of the year, 1 = 1 January.
    pub fn ordinal(self) -> u32 {
        (self.days_since_epoch() - days_from_civil(self.year, 1, 1)) as u32 + 1
    }

    /// The ISO 8601 week this date belongs to.
    pub fn iso_week(self) -> IsoWeek {
        let week = (self.ordinal() as i32 - self.iso_weekday() as i32 + 10) / 7;
        if week < 1 {
            let year = self.year - 1;
            IsoWeek { year, week: weeks_in_iso_year(year) as u8 }
        } else if week as u32 > weeks_in_iso_year(self.year) {
            IsoWeek { year: self.year + 1, week: 1 }
        } else {
            IsoWeek { year: self.year, week: week as u8 }
        }
    }
}

/// An ISO 8601 week: week-numbering year and week 1–53. Ordered
/// chronologically; displayed as `YYYY-Www` (printf `%04d-W%02d`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoWeek {
    year: i32,
    week: u8,
}

impl IsoWeek {
    pub fn year(self) -> i32 {
        self.year
    }

    pub fn week(self) -> u32 {
        self.week.into()
    }

    /// A compact, order-preserving integer key (`year * 64 + week`).
    pub fn key(self) -> i32 {
        self.year * 64 + i32::from(self.week)
    }

    /// Appends `YYYY-Www` to `out` (same text as `Display`, faster).
    pub fn push_to(self, out: &mut Vec<u8>) {
        if (0..=9999).contains(&self.year) {
            let y = self.year as u32;
            out.extend_from_slice(&[
                b'0' + (y / 1000) as u8,
                b'0' + (y / 100 % 10) as u8,
                b'0' + (y / 10 % 10) as u8,
                b'0' + (y % 10) as u8,
                b'-',
                b'W',
                b'0' + self.week / 10,
                b'0' + self.week % 10,
            ]);
        } else {
            out.extend_from_slice(self.to_string().as_bytes());
        }
    }

    /// Inverse of [`IsoWeek::key`].
    pub fn from_key(key: i32) -> IsoWeek {
        IsoWeek { year: key.div_euclid(64), week: key.rem_euclid(64) as u8 }
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

fn digits(s: &[u8]) -> Option<u32> {
    s.iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
}

pub(crate) fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// 52 or 53: a year has 53 ISO weeks when it starts on a Thursday, or on a
/// Wednesday in a leap year.
pub fn weeks_in_iso_year(year: i32) -> u32 {
    let jan1 = Date { year, month: 1, day: 1 }.iso_weekday();
    if jan1 == 4 || (jan1 == 3 && is_leap(year)) { 53 } else { 52 }
}

/// Howard Hinnant's `days_from_civil`: days since 1970-01-01.
fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week_of(s: &str) -> String {
        Date::parse_ymd(s.as_bytes()).unwrap().iso_week().to_string()
    }

    #[test]
    fn iso_weeks_at_year_ends() {
        // SPEC A.2 examples.
        assert_eq!(week_of("2024-12-30"), "2025-W01");
        assert_eq!(week_of("2023-01-01"), "2022-W52");
        // 2020 has 53 weeks (starts on a Wednesday, leap year).
        assert_eq!(week_of("2020-12-28"), "2020-W53");
        assert_eq!(week_of("2020-12-31"), "2020-W53");
        assert_eq!(week_of("2021-01-03"), "2020-W53");
        assert_eq!(week_of("2021-01-04"), "2021-W01");
        // 2024/2025.
        assert_eq!(week_of("2024-12-29"), "2024-W52");
        assert_eq!(week_of("2024-12-31"), "2025-W01");
        assert_eq!(week_of("2025-01-05"), "2025-W01");
        assert_eq!(week_of("2025-01-06"), "2025-W02");
        // Other year ends.
        assert_eq!(week_of("2015-12-31"), "2015-W53");
        assert_eq!(week_of("2016-01-03"), "2015-W53");
        assert_eq!(week_of("2026-01-01"), "2026-W01");
        assert_eq!(week_of("2027-01-01"), "2026-W53");
        assert_eq!(week_of("2026-06-15"), "2026-W25");
    }

    #[test]
    fn weeks_in_year() {
        let long: Vec<i32> = (2000..2030).filter(|&y| weeks_in_iso_year(y) == 53).collect();
        assert_eq!(long, vec![2004, 2009, 2015, 2020, 2026]);
    }

    #[test]
    fn every_day_of_four_centuries_gets_a_consistent_week() {
        // Consecutive days: the week number advances exactly on Mondays.
        let mut prev = Date::new(1899, 12, 31).unwrap().iso_week();
        let mut days = 0;
        for year in 1900..2300 {
            for month in 1..=12 {
                for day in 1..=days_in_month(year, month) {
                    let d = Date::new(year, month, day).unwrap();
                    let w = d.iso_week();
                    if d.iso_weekday() == 1 {
                        let expected = if prev.week() == weeks_in_iso_year(prev.year()) {
                            IsoWeek { year: prev.year + 1, week: 1 }
                        } else {
                            IsoWeek { year: prev.year, week: prev.week + 1 }
                        };
                        assert_eq!(w, expected, "{d:?}");
                    } else {
                        assert_eq!(w, prev, "{d:?}");
                    }
                    prev = w;
                    days += 1;
                }
            }
        }
        assert_eq!(days, 146_097);
    }

    #[test]
    fn invalid_dates_are_rejected() {
        for s in [
            "2023-02-29",
            "2024-02-30",
            "2023-13-01",
            "2023-00-10",
            "2023-04-31",
            "2023-1-01",
            "20230101xx",
            "2023/01/01",
        ] {
            assert_eq!(Date::parse_ymd(s.as_bytes()), None, "{s}");
        }
        assert!(Date::parse_ymd(b"2024-02-29").is_some());
        assert!(Date::parse_ymd(b"2000-02-29").is_some());
        assert!(Date::parse_ymd(b"1900-02-29").is_none());
    }

    #[test]
    fn pushed_text_equals_display() {
        for (year, week) in [(2025, 1), (2020, 53), (7, 9), (0, 52), (-1, 52), (10000, 1)] {
            let w = IsoWeek { year, week };
            let mut out = Vec::new();
            w.push_to(&mut out);
            assert_eq!(String::from_utf8(out).unwrap(), w.to_string());
        }
        assert_eq!(IsoWeek { year: -1, week: 52 }.to_string(), "-001-W52");
    }

    #[test]
    fn week_keys_round_trip_and_keep_order() {
        let a = Date::parse_ymd(b"2020-12-31").unwrap().iso_week();
        let b = Date::parse_ymd(b"2021-01-11").unwrap().iso_week();
        assert!(a.key() < b.key());
        assert_eq!(IsoWeek::from_key(a.key()), a);
    }
}
