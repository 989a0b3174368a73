//! Dates and times as Swedish minutes write them: "Fredagen den 17
//! september 2021 kl. 09.00-11.00", "2021-09-17", "25 mars 2022 kl 9–11",
//! "den 1/6".

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};

/// A date with an optional time span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    pub date: NaiveDate,
    pub start: Option<NaiveTime>,
    pub end: Option<NaiveTime>,
    /// A weekday was written and it is not the date's ("Torsdagen den 17 september 2021").
    pub weekday_mismatch: bool,
}

const MONTHS: [(&str, u32); 12] = [
    ("januari", 1),
    ("februari", 2),
    ("mars", 3),
    ("april", 4),
    ("maj", 5),
    ("juni", 6),
    ("juli", 7),
    ("augusti", 8),
    ("september", 9),
    ("oktober", 10),
    ("november", 11),
    ("december", 12),
];

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("måndag", Weekday::Mon),
    ("tisdag", Weekday::Tue),
    ("onsdag", Weekday::Wed),
    ("torsdag", Weekday::Thu),
    ("fredag", Weekday::Fri),
    ("lördag", Weekday::Sat),
    ("söndag", Weekday::Sun),
];

/// A month name or its abbreviation ("sep", "sept.", "okt").
fn month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.chars().count() < 3 {
        return None;
    }
    MONTHS.iter().find(|(name, _)| name.starts_with(&w)).map(|(_, m)| *m)
}

fn weekday(word: &str) -> Option<Weekday> {
    let w = word.to_lowercase();
    WEEKDAYS.iter().find(|(name, _)| w == *name || w.strip_suffix("en") == Some(name)).map(|(_, d)| *d)
}

/// Words of a text, split at white space and around dashes between numbers.
fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| w.trim_matches(|c: char| c == ',' || c == ';' || c == ':' || c == '(' || c == ')').to_owned())
        .filter(|w| !w.is_empty())
        .collect()
}

/// An ISO date anywhere in the text ("… råd 2021-09-17").
pub fn iso_date(text: &str) -> Option<(NaiveDate, usize)> {
    let bytes = text.as_bytes();
    (0..bytes.len()).find_map(|i| {
        let s = text.get(i..i + 10)?;
        let ok_before = i == 0 || !bytes.get(i - 1).is_some_and(|b| b.is_ascii_digit());
        let ok_after = !bytes.get(i + 10).is_some_and(|b| b.is_ascii_digit());
        let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
        (ok_before && ok_after).then_some((d, i))
    })
}

/// A clock time: "09.00", "9:30", "17", "0900".
pub fn time(s: &str) -> Option<NaiveTime> {
    let s = s.trim().trim_end_matches('.');
    let (h, m) = match s.split_once(['.', ':']) {
        Some((h, m)) => (h, m),
        None if s.len() == 4 => (s.get(..2)?, s.get(2..)?),
        None => (s, "0"),
    };
    if h.is_empty() || h.len() > 2 || m.len() > 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

/// "09.00-11.00", "9–11", "17.00 – 18.30" (already split into words) → start and end.
fn time_span(ws: &[String]) -> (Option<NaiveTime>, Option<NaiveTime>) {
    let joined = ws.iter().take(3).cloned().collect::<Vec<_>>().join(" ");
    let first = joined.split_whitespace().next().unwrap_or("");
    let normal = joined.replace(['–', '—'], "-").replace(" - ", "-").replace(" till ", "-");
    let span = normal.split_whitespace().next().unwrap_or("");
    match span.split_once('-') {
        Some((a, b)) => (time(a), time(b)),
        None => (time(first), None),
    }
}

/// A Swedish date (with the weekday, "den", the year and "kl." optional) and
/// time span, or an ISO date. `default_year` is used when the year is left out.
pub fn when(text: &str, default_year: Option<i32>) -> Option<When> {
    let ws = words(text);
    let mut wd = None;
    for (i, w) in ws.iter().enumerate() {
        if let Some(d) = weekday(w) {
            wd = Some(d);
            continue;
        }
        let Some(date) = date_at(&ws, i, default_year) else { continue };
        let (date, next) = date;
        let rest: Vec<String> = ws.iter().skip(next).cloned().collect();
        let rest = match rest.first().map(|w| w.to_lowercase()) {
            Some(k) if k == "kl." || k == "kl" || k == "klockan" => rest.get(1..).unwrap_or(&[]).to_vec(),
            _ => vec![],
        };
        let (start, end) = time_span(&rest);
        let weekday_mismatch = wd.is_some_and(|d| d != date.weekday());
        return Some(When { date, start, end, weekday_mismatch });
    }
    let (date, _) = iso_date(text)?;
    Some(When { date, start: None, end: None, weekday_mismatch: false })
}

/// A date starting at word `i`: "17 september 2021", "17 sept", "1/6", "1/6 2022".
/// Returns the date and the index of the word after it.
fn date_at(ws: &[String], i: usize, default_year: Option<i32>) -> Option<(NaiveDate, usize)> {
    let w = ws.get(i)?;
    let year_at = |j: usize| {
        ws.get(j).and_then(|y| y.trim_end_matches('.').parse::<i32>().ok()).filter(|y| (1900..=2200).contains(y))
    };
    if let Some((d, m)) = w.trim_end_matches('.').split_once('/') {
        let (d, m): (u32, u32) = (d.parse().ok()?, m.parse().ok()?);
        let (year, next) = match year_at(i + 1) {
            Some(y) => (y, i + 2),
            None => (default_year?, i + 1),
        };
        return NaiveDate::from_ymd_opt(year, m, d).map(|date| (date, next));
    }
    let day: u32 = w.trim_end_matches('.').parse().ok()?;
    let m = month(ws.get(i + 1)?)?;
    let (year, next) = match year_at(i + 2) {
        Some(y) => (y, i + 3),
        None => (default_year?, i + 2),
    };
    NaiveDate::from_ymd_opt(year, m, day).map(|date| (date, next))
}

/// Does the text name a particular day ("22 oktober", "2/10", "2021-09-17")?
/// A month alone ("maj-juni") is not a day.
pub fn names_a_day(text: &str) -> bool {
    let ws = words(text);
    (0..ws.len()).any(|i| date_at(&ws, i, Some(2000)).is_some())
        || iso_date(text).is_some()
        || ws.iter().any(|w| w.split(['-', '–']).any(|p| date_at(&[p.to_owned()], 0, Some(2000)).is_some()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn t(h: u32, m: u32) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(h, m, 0)
    }

    #[test]
    fn the_seeds_dates_and_times() {
        let w = when("Fredagen den 17 september 2021 kl. 09.00-11.00", None).unwrap();
        assert_eq!((w.date, w.start, w.end, w.weekday_mismatch), (d(2021, 9, 17), t(9, 0), t(11, 0), false));
        let w = when("Tid: Fredagen den 25 mars 2022 kl. 09.00-11.00.", None).unwrap();
        assert_eq!((w.date, w.start, w.end), (d(2022, 3, 25), t(9, 0), t(11, 0)));
        assert_eq!(iso_date("Hägersten-Älvsjös lokala brottsförebyggande råd 2021-09-17"), Some((d(2021, 9, 17), 53)));
    }

    #[test]
    fn other_ways_of_writing_a_date_and_a_time() {
        let cases: &[(&str, NaiveDate, Option<NaiveTime>, Option<NaiveTime>)] = &[
            ("den 3 okt. 2022 kl 9–11", d(2022, 10, 3), t(9, 0), t(11, 0)),
            ("Måndag 7 november 2022 klockan 17.00 – 18.30", d(2022, 11, 7), t(17, 0), t(18, 30)),
            ("1/6 kl. 13:15", d(2021, 6, 1), t(13, 15), None),
            ("2023-01-05", d(2023, 1, 5), None, None),
            ("12 oktober", d(2021, 10, 12), None, None),
        ];
        for (text, date, start, end) in cases {
            let w = when(text, Some(2021)).unwrap_or_else(|| panic!("{text}"));
            assert_eq!((w.date, w.start, w.end), (*date, *start, *end), "{text}");
        }
    }

    #[test]
    fn impossible_dates_and_wrong_weekdays_are_caught() {
        assert!(when("den 31 februari 2022", None).is_none());
        assert!(when("den 17 september", None).is_none(), "no year and none to assume");
        assert!(when("Torsdagen den 17 september 2021", None).unwrap().weekday_mismatch);
        assert_eq!(time("25.00"), None);
        assert_eq!(time("9"), t(9, 0));
        assert!(when("", None).is_none());
        assert!(when("kl. 99999999999999999999", Some(2021)).is_none());
    }

    #[test]
    fn a_day_is_named_by_a_date_not_by_a_month() {
        assert!(names_a_day("Företagsdialog 22 oktober"));
        assert!(names_a_day("Västertops höstmärnad 2/10"));
        assert!(names_a_day("Sommarjobbare på torget mellan 14/6-8/8"));
        assert!(!names_a_day("orosanmälningar maj-juni"));
        assert!(!names_a_day("Pågående insats med 6-7 individer"));
    }
}
