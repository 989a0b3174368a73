//! Checked text and dates: the constructors every user-supplied string passes
//! through before it becomes part of a record.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// Longest single-line value (names, titles, short labels).
pub const MAX_LINE: usize = 300;
/// Longest free text (narratives, follow-ups, descriptions).
pub const MAX_TEXT: usize = 20_000;

/// A trimmed, non-empty line of at most `max` characters without control characters.
pub fn required_line(s: &str, max: usize) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("Fältet får inte vara tomt.".into());
    }
    line(t, max)
}

/// Like [`required_line`] but empty is allowed.
pub fn optional_line(s: &str, max: usize) -> Result<String, String> {
    line(s.trim(), max)
}

fn line(t: &str, max: usize) -> Result<String, String> {
    let n = t.chars().count();
    if n > max {
        return Err(format!("Texten är för lång ({n} tecken, högst {max})."));
    }
    if t.chars().any(|c| c.is_control()) {
        return Err("Texten får inte innehålla radbrytningar eller styrtecken.".into());
    }
    Ok(t.to_owned())
}

/// Free text of at most `max` characters; line breaks are kept (normalised to `\n`).
pub fn free_text(s: &str, max: usize) -> Result<String, String> {
    let t = s.replace("\r\n", "\n").replace('\r', "\n");
    let t = t.trim();
    let n = t.chars().count();
    if n > max {
        return Err(format!("Texten är för lång ({n} tecken, högst {max})."));
    }
    if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err("Texten innehåller otillåtna styrtecken.".into());
    }
    Ok(t.to_owned())
}

/// A date written `ÅÅÅÅ-MM-DD`.
pub fn date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("Ogiltigt datum \"{}\": skriv ÅÅÅÅ-MM-DD.", s.trim()))
}

/// An optional date: empty means none.
pub fn optional_date(s: &str) -> Result<Option<NaiveDate>, String> {
    if s.trim().is_empty() { Ok(None) } else { date(s).map(Some) }
}

/// A time of day written `HH:MM` (a dot is accepted, as Swedish minutes write `09.00`).
pub fn time(s: &str) -> Result<NaiveTime, String> {
    let t = s.trim().replace('.', ":");
    NaiveTime::parse_from_str(&t, "%H:%M").map_err(|_| format!("Ogiltig tid \"{}\": skriv TT:MM.", s.trim()))
}

/// A local date and time from separate date and time fields.
pub fn date_time(d: &str, t: &str) -> Result<NaiveDateTime, String> {
    Ok(date(d)?.and_time(time(t)?))
}

/// An optional non-negative whole number.
pub fn optional_count(s: &str) -> Result<Option<i64>, String> {
    let t = s.trim().replace([' ', '\u{a0}'], "");
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<i64>() {
        Ok(v) if v >= 0 => Ok(Some(v)),
        _ => Err(format!("\"{}\" är inte ett heltal större än eller lika med noll.", s.trim())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_line_rejects_blank_long_and_control_characters() {
        assert!(required_line("  ", 10).is_err());
        assert!(required_line("abcdefghijk", 10).is_err());
        assert!(required_line("a\u{7}b", 10).is_err());
        assert_eq!(required_line("  Polisen ", 10).unwrap(), "Polisen");
    }

    #[test]
    fn dates_and_times_in_swedish_forms_parse() {
        assert_eq!(date("2021-09-17").unwrap(), NaiveDate::from_ymd_opt(2021, 9, 17).unwrap());
        assert!(date("17/9 2021").is_err());
        assert!(date("2021-02-30").is_err());
        assert_eq!(time("09.00").unwrap(), NaiveTime::from_hms_opt(9, 0, 0).unwrap());
        assert!(time("25:00").is_err());
    }

    #[test]
    fn free_text_keeps_line_breaks_and_counts_characters_not_bytes() {
        assert_eq!(free_text("a\r\nb", 10).unwrap(), "a\nb");
        assert!(free_text(&"å".repeat(11), 10).is_err());
        assert!(free_text(&"å".repeat(10), 10).is_ok());
    }

    #[test]
    fn counts_accept_spaces_as_thousand_separators() {
        assert_eq!(optional_count("12 345").unwrap(), Some(12345));
        assert_eq!(optional_count("").unwrap(), None);
        assert!(optional_count("-3").is_err());
    }
}
